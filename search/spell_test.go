package search_test

import (
	"testing"

	"github.com/katalog/katalog/catalog"
)

// correctionCases are queries over the corpus and the correction each
// result must give ("" for none).
var correctionCases = []struct {
	name    string
	req     catalog.SearchRequest
	want    string
	hits    bool // the query as typed finds records (by typo tolerance)
	relaxed bool
}{
	// Misspelt words, Norwegian and English.
	{name: "nb, one letter too many", req: catalog.SearchRequest{Query: "blodtrykkk"}, want: "blodtrykk", hits: true},
	{name: "nb, transposed letters", req: catalog.SearchRequest{Query: "hodeomkerts"}, want: "hodeomkrets", hits: true},
	{name: "nb, a letter missing", req: catalog.SearchRequest{Query: "kontaktype"}, want: "kontakttype", hits: true},
	{name: "nb, in a code label", req: catalog.SearchRequest{Query: "kikhostte"}, want: "kikhoste", hits: true},
	{name: "en, in a code label", req: catalog.SearchRequest{Query: "measels"}, want: "measles", hits: true},
	{name: "en, no record without the correction", req: catalog.SearchRequest{Query: "gestationl"}, want: "gestational"},
	{name: "capital kept", req: catalog.SearchRequest{Query: "Blodtrykkk"}, want: "Blodtrykk", hits: true},
	{name: "punctuation kept", req: catalog.SearchRequest{Query: "blodtrykkk,"}, want: "blodtrykk,", hits: true},
	{name: "two words, one misspelt", req: catalog.SearchRequest{Query: "systolisk blodtrykkk"}, want: "systolisk blodtrykk", hits: true},
	{name: "a name beside it untouched", req: catalog.SearchRequest{Query: "blodtrykkk SVLEN"}, want: "blodtrykk SVLEN", hits: true, relaxed: true},
	{name: "two misspelt", req: catalog.SearchRequest{Query: "gestationl  hodeomkerts"}, want: "gestational  hodeomkrets", hits: true, relaxed: true},
	{name: "operators and groups kept", req: catalog.SearchRequest{Query: "+blodtrykkk (gestationl OR svlen)"}, want: "+blodtrykk (gestational OR svlen)", hits: true},
	{name: "with a filter the correction meets", req: catalog.SearchRequest{Query: "gestationl",
		Filters: map[string][]string{catalog.FacetPublisher: {"Folkehelseinstituttet"}}}, want: "gestational"},
	{name: "next pages too", req: catalog.SearchRequest{Query: "blodtrykkk", Page: 2, Size: 2}, want: "blodtrykk", hits: true},

	// Nothing to correct.
	{name: "known word", req: catalog.SearchRequest{Query: "blodtrykk"}, hits: true},
	{name: "known inflection", req: catalog.SearchRequest{Query: "blodtrykket"}, hits: true},
	{name: "known compound", req: catalog.SearchRequest{Query: "hodeomkretsen"}, hits: true},
	{name: "variable name", req: catalog.SearchRequest{Query: "SVLEN"}, hits: true},
	{name: "variable name in lower case", req: catalog.SearchRequest{Query: "svlen"}, hits: true},
	{name: "capitals look like a name", req: catalog.SearchRequest{Query: "BLODTRYKKK"}, hits: true},
	{name: "a code", req: catalog.SearchRequest{Query: "A37"}, hits: true},
	{name: "a code not in the index", req: catalog.SearchRequest{Query: "E11"}},
	{name: "identifier", req: catalog.SearchRequest{Query: "MFR:SVLEN"}, hits: true},
	{name: "publisher", req: catalog.SearchRequest{Query: "helsedirektoratet"}, hits: true},
	{name: "nothing near", req: catalog.SearchRequest{Query: "zzqqxx"}},
	{name: "too short to correct", req: catalog.SearchRequest{Query: "vektt"}, hits: true},
	{name: "an excluded word", req: catalog.SearchRequest{Query: "svlen -blodtrykkk"}, hits: true},
	{name: "a field", req: catalog.SearchRequest{Query: "title:blodtrykkk"}},
	{name: "a phrase", req: catalog.SearchRequest{Query: `"systolisk blodtrykkk"`}},
	{name: "a prefix", req: catalog.SearchRequest{Query: "blodtrykkk*"}},
	{name: "the correction finds nothing with the filter", req: catalog.SearchRequest{Query: "gestationl",
		Filters: map[string][]string{catalog.FacetPublisher: {"Helsedirektoratet"}}}},
	{name: "no query", req: catalog.SearchRequest{}, hits: true},
}

func TestCorrection(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			x := be.open(t)
			index(t, x, corpus())
			for _, tt := range correctionCases {
				res := run(t, x, tt.req)
				if res.Correction != tt.want {
					t.Errorf("Search(%s) [%s]: correction %q; want %q", describe(tt.req), tt.name, res.Correction, tt.want)
				}
				if (res.Total > 0) != tt.hits || res.Relaxed != tt.relaxed {
					t.Errorf("Search(%s) [%s]: %d hits, relaxed %v; want hits %v, relaxed %v", describe(tt.req), tt.name, res.Total, res.Relaxed, tt.hits, tt.relaxed)
				}
				if tt.want == "" {
					continue
				}
				// The correction finds records, with every word where the
				// query as typed did.
				fixed := tt.req
				fixed.Query, fixed.Page = res.Correction, 1
				got := run(t, x, fixed)
				if got.Total == 0 || got.Relaxed && res.Total > 0 && !res.Relaxed || got.Correction != "" {
					t.Errorf("Search(%s) [%s, corrected] = %d hits, relaxed %v, correction %q; want hits with every word where the typed query had them, and no correction",
						describe(fixed), tt.name, got.Total, got.Relaxed, got.Correction)
				}
			}
		})
	}
}

// TestCorrectionFindsEveryWord checks that a correction is not given when
// it finds records with only some of the words where the query as typed
// found records with all of them.
func TestCorrectionFindsEveryWord(t *testing.T) {
	x := backends[0].open(t)
	ds := &catalog.Dataset{IRI: "https://example.org/ds", Identifier: "DS", Source: "s", Title: catalog.Text{"en": "Survey"}}
	docs := []catalog.Document{{Dataset: ds}}
	variable := func(name string, title, desc catalog.Text) {
		docs = append(docs, catalog.Document{Dataset: ds, Variable: &catalog.Variable{
			IRI: ds.IRI + "/" + name, Identifier: "DS:" + name, Name: name, Dataset: ds.IRI, Title: title, Description: desc}})
	}
	// "contrl" is one edit from control, which one title has, and from
	// contra, which more descriptions have.
	variable("V1", catalog.Text{"en": "Systolic pressure at control"}, nil)
	for _, name := range []string{"V2", "V3", "V4"} {
		variable(name, catalog.Text{"en": "Medication"}, catalog.Text{"en": "Contra indication."})
	}
	index(t, x, docs)
	tests := []struct {
		query, want string
		relaxed     bool
	}{
		{"contrl", "contra", false},
		{"contrl systolic", "", false}, // contra systolic: no record has both
		{"contrl medication", "contra medication", true},
	}
	for _, tt := range tests {
		req := catalog.SearchRequest{Query: tt.query}
		res := run(t, x, req)
		if res.Correction != tt.want || res.Relaxed != tt.relaxed {
			t.Errorf("Search(%s) = correction %q, relaxed %v; want %q, relaxed %v", describe(req), res.Correction, res.Relaxed, tt.want, tt.relaxed)
		}
	}
}
