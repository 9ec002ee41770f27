package bolt

import (
	"encoding/json"
	"fmt"

	"github.com/golang/snappy"
	"github.com/katalog/katalog/catalog"
)

// A run's findings are stored as one value: findingsFormat, then the
// Snappy-compressed JSON of a findingsTable. A large feed has tens of
// thousands of findings that share a few dozen messages, rules and links,
// so those are stored once and the findings point to them.
const findingsFormat = 'F'

type findingsTable struct {
	Texts []catalog.Text  `json:"texts"`
	Rules []string        `json:"rules"`
	Specs []string        `json:"specs"`
	Items []storedFinding `json:"items"`
}

type storedFinding struct {
	Severity catalog.Severity `json:"s"`
	Resource string           `json:"r"`
	Path     string           `json:"p,omitempty"`
	Text     int              `json:"t"`
	Rule     int              `json:"u"`
	Spec     int              `json:"l"`
}

func encodeFindings(findings []catalog.Finding) ([]byte, error) {
	t := findingsTable{Items: make([]storedFinding, len(findings))}
	texts := map[string]int{} // by the message's JSON: Text is a map
	rules, specs := map[string]int{}, map[string]int{}
	index := func(m map[string]int, list *[]string, s string) int {
		i, ok := m[s]
		if !ok {
			i = len(*list)
			m[s] = i
			*list = append(*list, s)
		}
		return i
	}
	for i, f := range findings {
		key, err := json.Marshal(f.Message) // sorted keys: equal texts, equal keys
		if err != nil {
			return nil, err
		}
		ti, ok := texts[string(key)]
		if !ok {
			ti = len(t.Texts)
			texts[string(key)] = ti
			t.Texts = append(t.Texts, f.Message)
		}
		t.Items[i] = storedFinding{
			Severity: f.Severity, Resource: f.Resource, Path: f.Path, Text: ti,
			Rule: index(rules, &t.Rules, f.Rule), Spec: index(specs, &t.Specs, f.SpecURL),
		}
	}
	body, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	return append([]byte{findingsFormat}, snappy.Encode(nil, body)...), nil
}

func decodeFindings(v []byte) ([]catalog.Finding, error) {
	out := []catalog.Finding{}
	if len(v) == 0 || v[0] != findingsFormat {
		// Stores written before the table: a plain JSON array.
		return out, json.Unmarshal(v, &out)
	}
	body, err := snappy.Decode(nil, v[1:])
	if err != nil {
		return nil, fmt.Errorf("decompress findings: %w", err)
	}
	var t findingsTable
	if err := json.Unmarshal(body, &t); err != nil {
		return nil, err
	}
	out = make([]catalog.Finding, len(t.Items))
	for i, f := range t.Items {
		if f.Text >= len(t.Texts) || f.Rule >= len(t.Rules) || f.Spec >= len(t.Specs) || f.Text < 0 || f.Rule < 0 || f.Spec < 0 {
			return nil, fmt.Errorf("corrupt findings: finding %d points past its tables", i)
		}
		out[i] = catalog.Finding{
			Severity: f.Severity, Resource: f.Resource, Path: f.Path,
			Message: t.Texts[f.Text], Rule: t.Rules[f.Rule], SpecURL: t.Specs[f.Spec],
		}
	}
	return out, nil
}
