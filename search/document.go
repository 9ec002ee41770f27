package search

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/katalog/katalog/catalog"
)

// storedHit is what the index stores of a document to show it as a hit
// without a store lookup.
type storedHit struct {
	Type        catalog.RecordKind `json:"t"`
	Identifier  string             `json:"id"`
	IRI         string             `json:"iri"`
	Name        string             `json:"n,omitempty"`
	Title       catalog.Text       `json:"ti,omitempty"`
	Description catalog.Text       `json:"de,omitempty"`
	Datatype    string             `json:"dt,omitempty"`
	Dataset     catalog.DatasetRef `json:"ds"`
	Publisher   catalog.AgentRef   `json:"p"`
	Temporal    []catalog.Period   `json:"tm,omitempty"`
	Source      string             `json:"s,omitempty"`
	CodeList    string             `json:"cl,omitempty"` // variables: the code list's IRI
	Subjects    []string           `json:"sj,omitempty"` // variables: subject values
}

// facetFields returns the index fields of the facets: each facet's field has
// the facet's name.
func facetFields() []string { return catalog.FacetNames() }

// bleveDoc turns a catalog document into the fields Bleve indexes, put in
// f, which must be empty.
func bleveDoc(d catalog.Document, f map[string]any) (id string, err error) {
	ds := d.Dataset
	if ds == nil {
		ds = &catalog.Dataset{}
	}
	hit := storedHit{
		Dataset:   catalog.DatasetRef{Identifier: ds.Identifier, IRI: ds.IRI, Title: ds.Title},
		Publisher: publisherRef(ds.Publisher),
		Source:    ds.Source,
	}
	var title, desc catalog.Text
	langs := map[string]bool{}
	if v := d.Variable; v != nil {
		hit.Type, hit.Identifier, hit.IRI, hit.Name = catalog.KindVariable, v.Identifier, v.IRI, v.Name
		hit.Title, hit.Description, hit.Datatype = v.Title, v.Description, v.Datatype
		hit.Temporal = v.Temporal
		hit.CodeList = v.CodeList
		if v.CodeList != "" {
			f[fieldCodeList] = v.CodeList
		}
		for _, c := range v.Subjects {
			hit.Subjects = append(hit.Subjects, conceptValue(c))
		}
		if len(hit.Temporal) == 0 {
			hit.Temporal = ds.Temporal
		}
		title, desc = v.Title, v.Description
		f[fieldNameLower] = strings.ToLower(fold(v.Name))
		if d.CodeList != nil {
			codes := map[string][]string{}
			for _, c := range d.CodeList.Codes {
				for l, s := range c.Label {
					codes[langField(l)] = append(codes[langField(l)], s)
				}
				if c.Notation != "" {
					codes["other"] = append(codes["other"], c.Notation)
				}
			}
			for suffix, labels := range codes {
				f[fieldCodes+suffix] = strings.Join(labels, "\n")
			}
		}
	} else {
		hit.Type, hit.Identifier, hit.IRI = catalog.KindDataset, ds.Identifier, ds.IRI
		hit.Title, hit.Description = ds.Title, ds.Description
		hit.Temporal = ds.Temporal
		title, desc = ds.Title, ds.Description
		addText(f, fieldDatasetName, title, langs)
		var kw []string
		for _, words := range ds.Keywords {
			kw = append(kw, words...)
		}
		f[fieldKeywords] = strings.Join(kw, "\n")
		f[fieldSpelling] = spellingText(d)
	}
	addText(f, fieldTitle, title, langs)
	addText(f, fieldDescription, desc, langs)
	f[fieldType] = string(hit.Type)
	f[fieldIdentifier] = hit.Identifier
	f[fieldSortTitle] = strings.ToLower(firstNonEmpty(title.String(), hit.Name, hit.Identifier))
	if d.Variable == nil && ds.Modified != "" {
		f[fieldModified] = ds.Modified
	}
	if d.Variable == nil {
		f[fieldSuggest] = string(newSuggestTable(d).encode())
	}
	if p := ds.Publisher; p != nil {
		f[fieldPublisher] = strings.Join(append(textValues(p.Name), hit.Publisher.Name), "\n")
	}
	facets := map[string][]string{
		catalog.FacetPublisher:    nonEmpty(hit.Publisher.Name),
		catalog.FacetDataset:      nonEmpty(ds.Identifier),
		catalog.FacetAccessRights: nonEmpty(shortCode(ds.AccessRights)),
		catalog.FacetDatatype:     nonEmpty(hit.Datatype),
		catalog.FacetTheme:        themes(ds, d.Variable),
		catalog.FacetLanguage:     sortedKeys(langs),
		catalog.FacetDecade:       decades(hit.Temporal),
	}
	if v := d.Variable; v != nil {
		has := v.CodeList != "" || (d.CodeList != nil && len(d.CodeList.Codes) > 0)
		facets[catalog.FacetCodeList] = []string{strconv.FormatBool(has)}
	}
	// A record without a value for a facet counts under FacetMissing, so
	// that the missing bucket has a count and can be selected.
	for _, name := range catalog.FacetNames() {
		if vs := facets[name]; len(vs) > 0 {
			f[name] = vs
		} else {
			f[name] = catalog.FacetMissing
		}
	}

	data, err := json.Marshal(hit)
	if err != nil {
		return "", err
	}
	f[fieldHit] = string(data)
	return docID(ds.Source, hit.IRI), nil
}

// spellingText returns the texts that spelling corrections take their
// words from, for a dataset's document: the dataset's title, description,
// keywords and publisher's name, and its variables' titles, descriptions
// and code labels, each text once. They are indexed once per dataset, not
// once per variable: only which words are written, and in how many
// datasets, is looked up, and a dataset's variables repeat their words
// (and share their code lists) many times over.
func spellingText(d catalog.Document) string {
	seen := map[string]bool{}
	var out []string
	add := func(texts ...string) {
		for _, s := range texts {
			if s != "" && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	ds := d.Dataset
	add(textValues(ds.Title)...)
	add(textValues(ds.Description)...)
	for _, words := range ds.Keywords {
		add(words...)
	}
	if ds.Publisher != nil {
		add(textValues(ds.Publisher.Name)...)
	}
	lists := map[*catalog.CodeList]bool{}
	for _, m := range d.Members {
		if v := m.Variable; v != nil {
			add(textValues(v.Title)...)
			add(textValues(v.Description)...)
		}
		if cl := m.CodeList; cl != nil && !lists[cl] {
			lists[cl] = true
			for _, c := range cl.Codes {
				add(textValues(c.Label)...)
			}
		}
	}
	return strings.Join(out, "\n")
}

// addText indexes a multilingual text in its per-language fields and notes
// its languages.
func addText(f map[string]any, prefix string, t catalog.Text, langs map[string]bool) {
	other := []string{}
	for l, s := range t {
		if l != catalog.LangUndetermined {
			langs[l] = true
		}
		suffix := langField(l)
		if suffix == "other" {
			other = append(other, s)
			continue
		}
		f[prefix+suffix] = s
	}
	if len(other) > 0 {
		sort.Strings(other)
		f[prefix+"other"] = strings.Join(other, "\n")
	}
}

// langField returns the field suffix of a language.
func langField(lang string) string {
	switch lang {
	case "nb", "nn", "en":
		return lang
	}
	return "other"
}

func publisherRef(a *catalog.Agent) catalog.AgentRef {
	if a == nil {
		return catalog.AgentRef{}
	}
	name := a.Name.String()
	if name == "" {
		name = firstNonEmpty(a.Identifier, a.IRI)
	}
	return catalog.AgentRef{Name: name, IRI: a.IRI}
}

// themes returns the theme facet values of a record: the dataset's themes
// and, for a variable, its subjects.
func themes(ds *catalog.Dataset, v *catalog.Variable) []string {
	var out []string
	for _, c := range ds.Themes {
		out = append(out, conceptValue(c))
	}
	if v != nil {
		for _, c := range v.Subjects {
			out = append(out, conceptValue(c))
		}
	}
	return out
}

func conceptValue(c catalog.Concept) string {
	if c.IRI != "" {
		return shortCode(c.IRI)
	}
	return c.Label.String()
}

// shortCode returns the code of an IRI in one of the EU's authority tables
// (".../access-right/PUBLIC" → "PUBLIC"), and any other value as it is.
func shortCode(iri string) string {
	const authority = "http://publications.europa.eu/resource/authority/"
	if rest, ok := strings.CutPrefix(iri, authority); ok {
		if i := strings.LastIndexByte(rest, '/'); i >= 0 && i < len(rest)-1 {
			return rest[i+1:]
		}
	}
	return iri
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func textValues(t catalog.Text) []string {
	out := make([]string, 0, len(t))
	for _, s := range t {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// suggestKeys returns what suggestions match a record by, each with the
// text it shows: its titles, the same from each of their next few words on
// ("blodtrykk" completes "Systolisk blodtrykk"), and its name, lowercased
// and folded.
func suggestKeys(title catalog.Text, name string) []suggestKeyText {
	var out []suggestKeyText
	add := func(k, text string) {
		if k == "" {
			return
		}
		for _, o := range out {
			if o.key == k {
				return
			}
		}
		out = append(out, suggestKeyText{k, text})
	}
	for _, s := range textValues(title) {
		k := suggestKey(s)
		text := strings.Join(strings.Fields(s), " ")
		add(k, text)
		for range suggestWordStarts {
			_, rest, ok := strings.Cut(k, " ")
			if !ok {
				break
			}
			k = rest
			add(k, text)
		}
	}
	add(suggestKey(name), strings.Join(strings.Fields(name), " "))
	return out
}

type suggestKeyText struct{ key, text string }

// suggestWordStarts is how many words into a title suggestions also start.
const suggestWordStarts = 3

// suggestKey is the form of a text that prefixes are matched against.
func suggestKey(s string) string {
	k := strings.Join(strings.Fields(strings.ToLower(fold(s))), " ")
	if len(k) > maxSuggestKey {
		k = k[:maxSuggestKey]
		for len(k) > 0 && !utf8.RuneStart(k[len(k)-1]) {
			k = k[:len(k)-1]
		}
	}
	return k
}

const maxSuggestKey = 200

// Decades of temporal coverage are counted from minDecade to maxDecade; an
// open period runs to its start's decade only.
const (
	minDecade = 1800
	maxDecade = 2100
)

// decades returns the decades ("1990") that periods overlap.
func decades(ps []catalog.Period) []string {
	seen := map[int]bool{}
	for _, p := range ps {
		from, ok := year(p.Start)
		to, ok2 := year(p.End)
		switch {
		case !ok && !ok2:
			continue
		case !ok:
			from = to
		case !ok2:
			to = from
		}
		if from > to {
			from, to = to, from
		}
		from, to = max(from, minDecade), min(to, maxDecade)
		for d := from / 10 * 10; d <= to; d += 10 {
			seen[d] = true
		}
	}
	out := make([]string, 0, len(seen))
	for d := range seen {
		out = append(out, strconv.Itoa(d))
	}
	sort.Strings(out)
	return out
}

// year reads the year of an xsd:date, xsd:dateTime or xsd:gYear.
func year(s string) (int, bool) {
	if len(s) < 4 {
		return 0, false
	}
	y, err := strconv.Atoi(s[:4])
	return y, err == nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
