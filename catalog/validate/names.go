package validate

import "strings"

// prefixes are the namespaces whose properties and classes the profiles
// name in prefixed form.
func prefixes() [][2]string {
	return [][2]string{
		{"dct", "http://purl.org/dc/terms/"},
		{"dcat", "http://www.w3.org/ns/dcat#"},
		{"foaf", "http://xmlns.com/foaf/0.1/"},
		{"vcard", "http://www.w3.org/2006/vcard/ns#"},
		{"csvw", "http://www.w3.org/ns/csvw#"},
		{"healthdcatap", "http://healthdataportal.eu/ns/health#"},
		{"skos", "http://www.w3.org/2004/02/skos/core#"},
		{"modelldcatno", "https://data.norge.no/vocabulary/modelldcatno#"},
		{"dcatno", "https://data.norge.no/vocabulary/dcatno#"},
		{"schema", "https://schema.org/"},
		{"adms", "http://www.w3.org/ns/adms#"},
		{"xsd", "http://www.w3.org/2001/XMLSchema#"},
		{"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
		{"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
		{"prov", "http://www.w3.org/ns/prov#"},
		{"dcatap", "http://data.europa.eu/r5r/"},
		{"owl", "http://www.w3.org/2002/07/owl#"},
		{"dpv", "https://w3id.org/dpv#"},
		{"dqv", "http://www.w3.org/ns/dqv#"},
		{"geodcatap", "http://data.europa.eu/930/"},
		{"cv", "http://data.europa.eu/m8g/"},
		{"spdx", "http://spdx.org/rdf/terms#"},
		{"odrl", "http://www.w3.org/ns/odrl/2/"},
		{"locn", "http://www.w3.org/ns/locn#"},
		{"time", "http://www.w3.org/2006/time#"},
	}
}

// compacter turns IRIs into the prefixed names the profiles use.
type compacter struct {
	byNS  map[string]string // namespace → prefix
	cache map[string]string
}

func newCompacter() *compacter {
	c := &compacter{byNS: map[string]string{}, cache: map[string]string{}}
	for _, p := range prefixes() {
		c.byNS[p[1]] = p[0]
	}
	return c
}

// compact returns prefix:local for an IRI in a known namespace, else the
// IRI. Not safe for concurrent use (it caches).
func (c *compacter) compact(iri string) string {
	if s, ok := c.cache[iri]; ok {
		return s
	}
	s := iri
	if i := strings.LastIndexAny(iri, "#/"); i >= 0 {
		if p, ok := c.byNS[iri[:i+1]]; ok {
			s = p + ":" + iri[i+1:]
		}
	}
	c.cache[iri] = s
	return s
}

// expand turns a prefixed name back into an IRI.
func expand(name string) string {
	if p, local, ok := strings.Cut(name, ":"); ok {
		for _, ns := range prefixes() {
			if ns[0] == p {
				return ns[1] + local
			}
		}
	}
	return name
}
