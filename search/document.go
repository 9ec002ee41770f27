package search

import (
	"encoding/json"
	"sort"
	"strings"

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
}

// facetFields returns the index fields of the facets: each facet's field has
// the facet's name.
func facetFields() []string { return catalog.FacetNames() }

// bleveDoc turns a catalog document into the fields Bleve indexes.
func bleveDoc(d catalog.Document) (id string, fields map[string]any, err error) {
	ds := d.Dataset
	if ds == nil {
		ds = &catalog.Dataset{}
	}
	f := map[string]any{}
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
		if len(hit.Temporal) == 0 {
			hit.Temporal = ds.Temporal
		}
		title, desc = v.Title, v.Description
		f[fieldNameLower] = strings.ToLower(v.Name)
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
		var kw []string
		for _, words := range ds.Keywords {
			kw = append(kw, words...)
		}
		f[fieldKeywords] = strings.Join(kw, "\n")
	}
	addText(f, fieldTitle, title, langs)
	addText(f, fieldDescription, desc, langs)
	f[fieldType] = string(hit.Type)
	f[fieldIdentifier] = hit.Identifier
	f[fieldSortTitle] = strings.ToLower(firstNonEmpty(title.String(), hit.Name, hit.Identifier))
	if d.Variable == nil && ds.Modified != "" {
		f[fieldModified] = ds.Modified
	}
	// An empty facet value is left out: the record then counts as missing
	// for that facet instead of under "".
	for name, v := range map[string]string{
		catalog.FacetPublisher:    hit.Publisher.Name,
		catalog.FacetDataset:      ds.Identifier,
		catalog.FacetAccessRights: shortCode(ds.AccessRights),
		catalog.FacetDatatype:     hit.Datatype,
	} {
		if v != "" {
			f[name] = v
		} else {
			delete(f, name)
		}
	}
	f[catalog.FacetTheme] = themes(ds, d.Variable)
	f[catalog.FacetLanguage] = sortedKeys(langs)

	data, err := json.Marshal(hit)
	if err != nil {
		return "", nil, err
	}
	f[fieldHit] = string(data)
	return docID(ds.Source, hit.IRI), f, nil
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
