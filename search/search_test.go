package search_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/search"
)

// backend makes an empty index. Every behaviour is checked on both the
// in-memory index and an on-disk one, whose storage differs.
type backend struct {
	name string
	open func(t testing.TB) *search.Index
}

var backends = []backend{
	{"mem", func(t testing.TB) *search.Index {
		t.Helper()
		x, err := search.NewMemOnly()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Close() })
		return x
	}},
	{"disk", func(t testing.TB) *search.Index {
		t.Helper()
		x, err := search.Open(filepath.Join(t.TempDir(), "idx"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Close() })
		return x
	}},
}

// index indexes docs, each dataset's document with the documents of docs
// that are its variables as its members, as the harvest and Rebuild send
// them.
func index(t testing.TB, x *search.Index, docs []catalog.Document) {
	t.Helper()
	if err := x.Index(context.Background(), withMembers(docs)); err != nil {
		t.Fatalf("Index(%d docs) = %v", len(docs), err)
	}
}

// withMembers returns docs with each dataset's variables among them as
// its document's members.
func withMembers(docs []catalog.Document) []catalog.Document {
	key := func(ds *catalog.Dataset) string { return ds.Source + "\x00" + ds.IRI }
	members := map[string][]catalog.Document{}
	for _, d := range docs {
		if d.Variable != nil {
			members[key(d.Dataset)] = append(members[key(d.Dataset)], d)
		}
	}
	out := slices.Clone(docs)
	for i, d := range out {
		if d.Variable == nil {
			out[i].Members = members[key(d.Dataset)]
		}
	}
	return out
}

func identifiers(hits []catalog.SearchHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.Identifier)
	}
	return out
}

func counts(fcs []catalog.FacetCount) map[string]int {
	out := map[string]int{}
	for _, fc := range fcs {
		out[fc.Value] = fc.Count
	}
	return out
}

// describe names a request in failure messages.
func describe(req catalog.SearchRequest) string {
	s := fmt.Sprintf("%q", req.Query)
	if req.Type != "" {
		s += " type=" + string(req.Type)
	}
	for _, name := range catalog.FacetNames() {
		for _, v := range req.Filters[name] {
			s += " " + name + "=" + v
		}
	}
	if req.Sort != "" {
		s += " sort=" + req.Sort
	}
	if req.Page != 0 || req.Size != 0 {
		s += fmt.Sprintf(" page=%d size=%d", req.Page, req.Size)
	}
	return s
}

func run(t testing.TB, x *search.Index, req catalog.SearchRequest) *catalog.SearchResult {
	t.Helper()
	res, err := x.Search(context.Background(), &req)
	if err != nil {
		t.Fatalf("Search(%s) error = %v", describe(req), err)
	}
	return res
}

type facets map[string]map[string]int

// allFacets are the facet counts of the whole corpus.
var allFacets = facets{
	catalog.FacetPublisher:    {"Folkehelseinstituttet": 10, "Helsedirektoratet": 6, "Statens Serum Institut": 4},
	catalog.FacetDataset:      {"MFR": 6, "MSIS": 4, "NPR": 4, "KPR": 2, "LPR": 4},
	catalog.FacetDatatype:     {"string": 7, "integer": 4, "decimal": 3, "date": 1, catalog.FacetMissing: 5}, // datasets have none
	catalog.FacetTheme:        {"HEAL": 18, "GOVE": 4, "SOCI": 2, snomedBP: 2},
	catalog.FacetAccessRights: {"NON_PUBLIC": 10, "PUBLIC": 6, "RESTRICTED": 4},
	catalog.FacetLanguage:     {"nb": 15, "en": 14, "nn": 4, "da": 4},
}

var allIdentifiers = []string{
	"MFR", "MSIS", "NPR", "KPR", "LPR",
	"MFR:SVLEN", "MFR:VEKT", "MFR:HODEOMKRETS", "MFR:KJONN", "MFR:BT_MOR",
	"MSIS:DIAGNOSE", "MSIS:PROVEDATO", "MSIS:KJONN",
	"NPR:BT_SYS", "NPR:ALDER", "NPR:OMSORGSNIVA",
	"KPR:KONTAKTTYPE",
	"LPR:KOEN", "LPR:AKTIONSDIAGNOSE", "LPR:BLODTRYK",
}

type searchCase struct {
	name    string
	req     catalog.SearchRequest
	total   uint64
	hits    []string // identifiers of all hits
	ordered bool     // hits must come in this order, not just be these
	first   int      // or the first this many must, the rest being equals
	facets  facets   // the counts of these facets, in full
}

var searchCases = []searchCase{
	// Listing and facets.
	{name: "everything", total: 20, hits: allIdentifiers, facets: allFacets},
	{name: "blank query lists everything", req: catalog.SearchRequest{Query: "   "}, total: 20, hits: allIdentifiers,
		facets: facets{catalog.FacetPublisher: allFacets[catalog.FacetPublisher]}},
	{name: "variables", req: catalog.SearchRequest{Type: catalog.KindVariable}, total: 15, hits: allIdentifiers[5:],
		facets: facets{
			catalog.FacetPublisher: {"Folkehelseinstituttet": 8, "Helsedirektoratet": 4, "Statens Serum Institut": 3},
			catalog.FacetDataset:   {"MFR": 5, "MSIS": 3, "NPR": 3, "KPR": 1, "LPR": 3},
			catalog.FacetDatatype:  {"string": 7, "integer": 4, "decimal": 3, "date": 1},
			catalog.FacetLanguage:  {"nb": 11, "en": 11, "nn": 3, "da": 3},
		}},
	{name: "datasets by title", req: catalog.SearchRequest{Type: catalog.KindDataset, Sort: catalog.SortTitle}, total: 5,
		hits: []string{"LPR", "KPR", "MFR", "MSIS", "NPR"}, ordered: true,
		facets: facets{
			catalog.FacetPublisher: {"Folkehelseinstituttet": 2, "Helsedirektoratet": 2, "Statens Serum Institut": 1},
			catalog.FacetDatatype:  {catalog.FacetMissing: 5},
			catalog.FacetTheme:     {"HEAL": 4, "GOVE": 1, "SOCI": 1},
		}},
	{name: "datasets by modified", req: catalog.SearchRequest{Type: catalog.KindDataset, Sort: catalog.SortModified}, total: 5,
		hits: []string{"NPR", "LPR", "MFR", "MSIS", "KPR"}, ordered: true},

	// Ranking.
	{name: "exact variable name first", req: catalog.SearchRequest{Query: "DIAGNOSE"}, total: 3,
		// LPR:AKTIONSDIAGNOSE by the compound's parts.
		hits: []string{"MSIS:DIAGNOSE", "LPR:AKTIONSDIAGNOSE", "KPR:KONTAKTTYPE"}, ordered: true},
	{name: "variable name in lower case", req: catalog.SearchRequest{Query: "svlen"}, total: 1, hits: []string{"MFR:SVLEN"}},
	{name: "variable name shared by two registers", req: catalog.SearchRequest{Query: "KJONN"}, total: 3,
		// and, after them, LPR:KOEN, which has the title of KJONN ("Sex").
		hits:   []string{"MFR:KJONN", "MSIS:KJONN", "LPR:KOEN"}, // the KJONNs first, in either order
		facets: facets{catalog.FacetDataset: {"MFR": 1, "MSIS": 1, "LPR": 1}}},
	{name: "identifier", req: catalog.SearchRequest{Query: "NPR:ALDER"}, total: 1, hits: []string{"NPR:ALDER"}},
	{name: "dataset title ranks the dataset before its variables", req: catalog.SearchRequest{Query: "pasientregister"}, total: 6,
		// KPR, "pasient- og brukerregister", has the parts of the compound.
		hits: []string{"NPR", "KPR", "KPR:KONTAKTTYPE", "NPR:ALDER", "NPR:OMSORGSNIVA", "NPR:BT_SYS"}, first: 3},
	{name: "danish title", req: catalog.SearchRequest{Query: "Landspatientregistret", Type: catalog.KindDataset}, total: 1,
		hits: []string{"LPR"}},
	{name: "sort by title with a query", req: catalog.SearchRequest{Query: "sex", Sort: catalog.SortTitle}, total: 3,
		hits: []string{"MFR:KJONN", "MSIS:KJONN", "LPR:KOEN"}, ordered: true},

	// Analysis.
	// LPR:BLODTRYK, "Blood pressure measurement" in English, by the synonym
	// blood pressure.
	{name: "norwegian stemming, base form", req: catalog.SearchRequest{Query: "blodtrykk"}, total: 3,
		hits: []string{"MFR:BT_MOR", "NPR:BT_SYS", "LPR:BLODTRYK"},
		facets: facets{
			catalog.FacetTheme:    {"HEAL": 3, "GOVE": 1, snomedBP: 2},
			catalog.FacetLanguage: {"nb": 1, "nn": 1, "en": 1, "da": 1},
		}},
	{name: "norwegian stemming, definite form", req: catalog.SearchRequest{Query: "blodtrykket"}, total: 3,
		hits: []string{"MFR:BT_MOR", "NPR:BT_SYS", "LPR:BLODTRYK"}},
	{name: "norwegian stemming and keywords", req: catalog.SearchRequest{Query: "svangerskap"}, total: 2,
		hits: []string{"MFR", "MFR:SVLEN"}},
	{name: "english stemming, plural query", req: catalog.SearchRequest{Query: "weights"}, total: 1, hits: []string{"MFR:VEKT"}},
	{name: "english stemming, plural text", req: catalog.SearchRequest{Query: "measurement"}, total: 1, hits: []string{"LPR:BLODTRYK"}},
	{name: "english title across languages", req: catalog.SearchRequest{Query: "Sex"}, total: 3,
		hits: []string{"MFR:KJONN", "MSIS:KJONN", "LPR:KOEN"}},
	{name: "code label", req: catalog.SearchRequest{Query: "kikhoste"}, total: 1, hits: []string{"MSIS:DIAGNOSE"}},
	{name: "code label in english", req: catalog.SearchRequest{Query: "whooping cough"}, total: 1, hits: []string{"MSIS:DIAGNOSE"}},
	{name: "code notation", req: catalog.SearchRequest{Query: "A37"}, total: 1, hits: []string{"MSIS:DIAGNOSE"}},
	{name: "no match", req: catalog.SearchRequest{Query: "zebrafisk"}, total: 0, hits: []string{},
		facets: facets{catalog.FacetPublisher: {}, catalog.FacetDataset: {}, catalog.FacetTheme: {}}},

	// Filters: OR within a facet, AND across facets and with the type.
	{name: "one publisher", req: catalog.SearchRequest{Filters: map[string][]string{catalog.FacetPublisher: {"Folkehelseinstituttet"}}},
		total: 10,
		hits: []string{"MFR", "MSIS", "MFR:SVLEN", "MFR:VEKT", "MFR:HODEOMKRETS", "MFR:KJONN", "MFR:BT_MOR",
			"MSIS:DIAGNOSE", "MSIS:PROVEDATO", "MSIS:KJONN"},
		facets: facets{
			catalog.FacetPublisher:    allFacets[catalog.FacetPublisher], // its own selection does not narrow it
			catalog.FacetDataset:      {"MFR": 6, "MSIS": 4},
			catalog.FacetDatatype:     {"integer": 2, "decimal": 2, "string": 3, "date": 1, catalog.FacetMissing: 2},
			catalog.FacetAccessRights: {"NON_PUBLIC": 6, "RESTRICTED": 4},
		}},
	{name: "two publishers", req: catalog.SearchRequest{Filters: map[string][]string{catalog.FacetPublisher: {"Folkehelseinstituttet", "Statens Serum Institut"}}},
		total: 14,
		hits: []string{"MFR", "MSIS", "LPR", "MFR:SVLEN", "MFR:VEKT", "MFR:HODEOMKRETS", "MFR:KJONN", "MFR:BT_MOR",
			"MSIS:DIAGNOSE", "MSIS:PROVEDATO", "MSIS:KJONN", "LPR:KOEN", "LPR:AKTIONSDIAGNOSE", "LPR:BLODTRYK"},
		facets: facets{
			catalog.FacetPublisher: allFacets[catalog.FacetPublisher],
			catalog.FacetDataset:   {"MFR": 6, "MSIS": 4, "LPR": 4},
		}},
	{name: "publisher and datatype", req: catalog.SearchRequest{Filters: map[string][]string{
		catalog.FacetPublisher: {"Folkehelseinstituttet"}, catalog.FacetDatatype: {"integer"}}},
		total: 2, hits: []string{"MFR:SVLEN", "MFR:VEKT"},
		facets: facets{
			catalog.FacetPublisher: {"Folkehelseinstituttet": 2, "Helsedirektoratet": 2},                          // integers of any publisher
			catalog.FacetDatatype:  {"integer": 2, "decimal": 2, "string": 3, "date": 1, catalog.FacetMissing: 2}, // Folkehelseinstituttet's of any datatype
			catalog.FacetDataset:   {"MFR": 2},
		}},
	{name: "two datatypes", req: catalog.SearchRequest{Filters: map[string][]string{catalog.FacetDatatype: {"integer", "decimal"}}},
		total: 7,
		hits:  []string{"MFR:SVLEN", "MFR:VEKT", "MFR:HODEOMKRETS", "MFR:BT_MOR", "NPR:BT_SYS", "NPR:ALDER", "LPR:BLODTRYK"},
		facets: facets{
			catalog.FacetDatatype:  allFacets[catalog.FacetDatatype],
			catalog.FacetPublisher: {"Folkehelseinstituttet": 4, "Helsedirektoratet": 2, "Statens Serum Institut": 1},
		}},
	{name: "type and access rights", req: catalog.SearchRequest{Type: catalog.KindVariable,
		Filters: map[string][]string{catalog.FacetAccessRights: {"PUBLIC"}}},
		total: 4, hits: []string{"KPR:KONTAKTTYPE", "LPR:KOEN", "LPR:AKTIONSDIAGNOSE", "LPR:BLODTRYK"},
		facets: facets{
			catalog.FacetAccessRights: {"NON_PUBLIC": 8, "PUBLIC": 4, "RESTRICTED": 3}, // of all variables
			catalog.FacetTheme:        {"HEAL": 3, "SOCI": 1},
		}},
	{name: "theme", req: catalog.SearchRequest{Filters: map[string][]string{catalog.FacetTheme: {"GOVE"}}},
		total: 4, hits: []string{"NPR", "NPR:BT_SYS", "NPR:ALDER", "NPR:OMSORGSNIVA"},
		facets: facets{
			catalog.FacetTheme:   allFacets[catalog.FacetTheme],
			catalog.FacetDataset: {"NPR": 4},
		}},
	{name: "subject", req: catalog.SearchRequest{Filters: map[string][]string{catalog.FacetTheme: {snomedBP}}},
		total: 2, hits: []string{"MFR:BT_MOR", "NPR:BT_SYS"}},
	{name: "language", req: catalog.SearchRequest{Filters: map[string][]string{catalog.FacetLanguage: {"da"}}},
		total: 4, hits: []string{"LPR", "LPR:KOEN", "LPR:AKTIONSDIAGNOSE", "LPR:BLODTRYK"},
		facets: facets{
			catalog.FacetLanguage:  allFacets[catalog.FacetLanguage],
			catalog.FacetPublisher: {"Statens Serum Institut": 4},
			catalog.FacetDatatype:  {"string": 2, "decimal": 1, catalog.FacetMissing: 1},
		}},
	{name: "language and type", req: catalog.SearchRequest{Type: catalog.KindVariable,
		Filters: map[string][]string{catalog.FacetLanguage: {"nn"}}},
		total: 3, hits: []string{"NPR:BT_SYS", "NPR:ALDER", "NPR:OMSORGSNIVA"},
		facets: facets{catalog.FacetLanguage: {"nb": 11, "en": 11, "nn": 3, "da": 3}}},
	{name: "dataset", req: catalog.SearchRequest{Filters: map[string][]string{catalog.FacetDataset: {"NPR"}}},
		total: 4, hits: []string{"NPR", "NPR:BT_SYS", "NPR:ALDER", "NPR:OMSORGSNIVA"},
		facets: facets{
			catalog.FacetDataset:      allFacets[catalog.FacetDataset],
			catalog.FacetAccessRights: {"NON_PUBLIC": 4},
		}},
	{name: "query and publisher", req: catalog.SearchRequest{Query: "blodtrykk",
		Filters: map[string][]string{catalog.FacetPublisher: {"Helsedirektoratet"}}},
		total: 1, hits: []string{"NPR:BT_SYS"},
		facets: facets{
			catalog.FacetPublisher: {"Folkehelseinstituttet": 1, "Helsedirektoratet": 1, "Statens Serum Institut": 1}, // blodtrykk of any publisher
			catalog.FacetDataset:   {"NPR": 1},
		}},
	{name: "query and type without matches", req: catalog.SearchRequest{Query: "blodtrykk", Type: catalog.KindDataset},
		total: 0, hits: []string{}},
	{name: "unknown value", req: catalog.SearchRequest{Filters: map[string][]string{catalog.FacetPublisher: {"Nobody"}}},
		total: 0, hits: []string{},
		facets: facets{catalog.FacetPublisher: allFacets[catalog.FacetPublisher], catalog.FacetDataset: {}}},
	{name: "empty selection", req: catalog.SearchRequest{Filters: map[string][]string{catalog.FacetPublisher: {}}},
		total: 20, hits: allIdentifiers},
}

func TestSearch(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			x := b.open(t)
			index(t, x, corpus())
			checkSearchCases(t, x)
		})
	}
}

// checkSearchCases runs searchCases over x, an index of the corpus.
func checkSearchCases(t *testing.T, x *search.Index) {
	for _, tt := range searchCases {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, x, tt.req)
			q := describe(tt.req)
			if res.Total != tt.total {
				t.Errorf("Search(%s) total = %d; want %d", q, res.Total, tt.total)
			}
			got := identifiers(res.Hits)
			want := tt.hits
			switch {
			case tt.first > 0 && len(got) >= tt.first:
				got = append(got[:tt.first:tt.first], slices.Sorted(slices.Values(got[tt.first:]))...)
				want = append(want[:tt.first:tt.first], slices.Sorted(slices.Values(want[tt.first:]))...)
			case !tt.ordered:
				got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Search(%s) hits = %v; want %v", q, identifiers(res.Hits), tt.hits)
			}
			for name, want := range tt.facets {
				if got := counts(res.Facets[name]); !maps.Equal(got, want) {
					t.Errorf("Search(%s) facet %s = %v; want %v", q, name, got, want)
				}
			}
			checkFacets(t, q, tt.req, res)
		})
	}
}

// checkFacets checks what holds of the facets of every result: all are
// there, counts come largest first, and single-valued facets without a
// selection of their own sum to the total. (A facet with a selection is
// counted as if its selection were not made, so that other values can be
// added to it.)
func checkFacets(t *testing.T, q string, req catalog.SearchRequest, res *catalog.SearchResult) {
	t.Helper()
	for _, name := range catalog.FacetNames() {
		fcs, ok := res.Facets[name]
		if !ok || fcs == nil {
			t.Errorf("Search(%s) facet %s missing", q, name)
		}
		if !sort.SliceIsSorted(fcs, func(i, j int) bool { return fcs[i].Count > fcs[j].Count }) {
			t.Errorf("Search(%s) facet %s = %v; want largest counts first", q, name, fcs)
		}
	}
	for _, name := range []string{catalog.FacetPublisher, catalog.FacetDataset} {
		if len(req.Filters[name]) > 0 {
			continue
		}
		sum := 0
		for _, fc := range res.Facets[name] {
			sum += fc.Count
		}
		if uint64(sum) != res.Total {
			t.Errorf("Search(%s) facet %s sums to %d; want the total %d", q, name, sum, res.Total)
		}
	}
}

func TestSearchHit(t *testing.T) {
	x := backends[0].open(t)
	index(t, x, corpus())
	res := run(t, x, catalog.SearchRequest{Query: "SVLEN"})
	if len(res.Hits) != 1 {
		t.Fatalf("Search(\"SVLEN\") hits = %v; want MFR:SVLEN", identifiers(res.Hits))
	}
	mfr := corpusDataset("MFR")
	want := catalog.SearchHit{
		Type:        catalog.KindVariable,
		Identifier:  "MFR:SVLEN",
		IRI:         mfr.IRI + "/variable/SVLEN",
		Name:        "SVLEN",
		Title:       catalog.Text{"nb": "Svangerskapslengde", "en": "Gestational age"},
		Description: catalog.Text{"nb": "Svangerskapets lengde i hele uker."},
		Datatype:    "integer",
		Dataset:     catalog.DatasetRef{Identifier: "MFR", IRI: mfr.IRI, Title: mfr.Title},
		Publisher:   catalog.AgentRef{Name: "Folkehelseinstituttet", IRI: fhi.IRI},
		Temporal:    mfr.Temporal, // the dataset's, as the variable has none
		Source:      "fhi",
	}
	got := res.Hits[0]
	if got.Score <= 0 {
		t.Errorf("Search(\"SVLEN\") score = %v; want > 0", got.Score)
	}
	got.Score, got.Highlights = 0, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Search(\"SVLEN\") hit = %+v; want %+v", got, want)
	}

	res = run(t, x, catalog.SearchRequest{Query: "Landspatientregistret", Type: catalog.KindDataset})
	if len(res.Hits) != 1 {
		t.Fatalf("Search(\"Landspatientregistret\" type=dataset) hits = %v; want LPR", identifiers(res.Hits))
	}
	lpr := corpusDataset("LPR")
	if h := res.Hits[0]; h.Type != catalog.KindDataset || h.IRI != lpr.IRI || h.Name != "" || h.Datatype != "" ||
		!reflect.DeepEqual(h.Title, lpr.Title) || h.Publisher.Name != "Statens Serum Institut" || h.Dataset.Identifier != "LPR" {
		t.Errorf("Search(\"Landspatientregistret\") hit = %+v; want the LPR dataset", h)
	}
}

func TestFacetLabels(t *testing.T) {
	x := backends[0].open(t)
	index(t, x, corpus())
	res := run(t, x, catalog.SearchRequest{})
	checkLabels(t, res)
}

// checkLabels checks the display labels of the facet values of the whole
// corpus: dataset titles, concept labels from the documents, the EU
// vocabularies' labels for codes, and language names.
func checkLabels(t *testing.T, res *catalog.SearchResult) {
	t.Helper()
	heal, _ := catalog.VocabularyLabel(authority + "data-theme/HEAL")
	pub, _ := catalog.VocabularyLabel(public)
	bokmal, _ := catalog.LanguageName("nb")
	tests := []struct {
		facet, value string
		want         catalog.Text
	}{
		{catalog.FacetDataset, "MFR", corpusDataset("MFR").Title},
		{catalog.FacetDataset, "LPR", corpusDataset("LPR").Title},
		{catalog.FacetTheme, "HEAL", heal},
		{catalog.FacetTheme, snomedBP, bloodPressure.Label},
		{catalog.FacetAccessRights, "PUBLIC", pub},
		{catalog.FacetPublisher, "Helsedirektoratet", nil},
		{catalog.FacetDatatype, "integer", nil},
		{catalog.FacetLanguage, "nb", bokmal},
	}
	for _, tt := range tests {
		found := false
		for _, fc := range res.Facets[tt.facet] {
			if fc.Value != tt.value {
				continue
			}
			found = true
			if !reflect.DeepEqual(fc.Label, tt.want) {
				t.Errorf("facet %s value %q label = %v; want %v", tt.facet, tt.value, fc.Label, tt.want)
			}
		}
		if !found {
			t.Errorf("facet %s has no value %q: %v", tt.facet, tt.value, res.Facets[tt.facet])
		}
	}
}

func TestHighlights(t *testing.T) {
	tests := []struct {
		query string
		sort  string
		hit   string
		field string
		want  string // a fragment contains this
	}{
		{"hodeomkrets", "", "MFR:HODEOMKRETS", "title.nb", "<mark>Hodeomkrets</mark>"},
		{"hodeomkrets", catalog.SortTitle, "MFR:HODEOMKRETS", "title.nb", "<mark>Hodeomkrets</mark>"},
		{"blodtrykk", "", "MFR:BT_MOR", "title.nb", "<mark>Blodtrykket</mark> til mor"},
		{"blodtrykk", "", "NPR:BT_SYS", "title.nn", "Systolisk <mark>blodtrykk</mark>"},
		{"blodtrykk", "", "NPR:BT_SYS", "description.nn", "<mark>Blodtrykket</mark> målt"},
		{"blodtrykket", catalog.SortModified, "NPR:BT_SYS", "description.nn", "<mark>Blodtrykket</mark> målt"},
		{"weights", "", "MFR:VEKT", "title.en", "Birth <mark>weight</mark>"},
		{"weights", "", "MFR:VEKT", "description.en", "<mark>Weight</mark> of the child"},
		{"aktionsdiagnose", "", "LPR:AKTIONSDIAGNOSE", "title.other", "<mark>Aktionsdiagnose</mark>"},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			x := b.open(t)
			index(t, x, corpus())
			for _, tt := range tests {
				req := catalog.SearchRequest{Query: tt.query, Sort: tt.sort}
				res := run(t, x, req)
				found := false
				for _, h := range res.Hits {
					checkHighlights(t, describe(req), h)
					if h.Identifier != tt.hit {
						continue
					}
					found = true
					if !slices.ContainsFunc(h.Highlights[tt.field], func(f string) bool { return strings.Contains(f, tt.want) }) {
						t.Errorf("Search(%s) hit %s highlights[%q] = %q; want a fragment with %q", describe(req), h.Identifier, tt.field, h.Highlights[tt.field], tt.want)
					}
				}
				if !found {
					t.Errorf("Search(%s) hits = %v; want %s among them", describe(req), identifiers(res.Hits), tt.hit)
				}
			}

			// A listing has no highlights.
			for _, h := range run(t, x, catalog.SearchRequest{}).Hits {
				if len(h.Highlights) != 0 {
					t.Errorf("Search(\"\") hit %s highlights = %q; want none", h.Identifier, h.Highlights)
				}
			}
		})
	}
}

// checkHighlights checks that every fragment of a hit marks something and
// is keyed the way the API names fields.
func checkHighlights(t *testing.T, q string, h catalog.SearchHit) {
	t.Helper()
	for field, frags := range h.Highlights {
		kind, lang, ok := strings.Cut(field, ".")
		if !ok || (kind != "title" && kind != "description") || !slices.Contains([]string{"nb", "nn", "en", "other"}, lang) {
			t.Errorf("Search(%s) hit %s highlight key %q; want title.LANG or description.LANG", q, h.Identifier, field)
		}
		if len(frags) == 0 {
			t.Errorf("Search(%s) hit %s highlights[%q] is empty; want the key left out", q, h.Identifier, field)
		}
		for _, f := range frags {
			if !strings.Contains(f, "<mark>") || !strings.Contains(f, "</mark>") {
				t.Errorf("Search(%s) hit %s highlights[%q] fragment %q marks nothing", q, h.Identifier, field, f)
			}
		}
	}
}

func TestHighlightsEscapeHTML(t *testing.T) {
	x := backends[0].open(t)
	ds := corpusDataset("MFR")
	v := &catalog.Variable{IRI: ds.IRI + "/variable/X", Identifier: "MFR:X", Name: "X", Dataset: ds.IRI,
		Title: catalog.Text{"en": `Head <script>alert("x")</script> circumference & size`}}
	index(t, x, []catalog.Document{{Dataset: ds, Variable: v}})
	for _, sort := range []string{"", catalog.SortTitle} {
		res := run(t, x, catalog.SearchRequest{Query: "circumference", Sort: sort})
		if len(res.Hits) != 1 {
			t.Fatalf("Search(\"circumference\" sort=%s) = %v; want MFR:X", sort, identifiers(res.Hits))
		}
		frags := res.Hits[0].Highlights["title.en"]
		if len(frags) != 1 || strings.Contains(frags[0], "<script>") || !strings.Contains(frags[0], "&lt;script&gt;") ||
			!strings.Contains(frags[0], "<mark>circumference</mark> &amp; size") {
			t.Errorf("Search(\"circumference\" sort=%s) highlights = %q; want the text escaped and the word marked", sort, frags)
		}
	}
}

func TestSearchInvalid(t *testing.T) {
	x := backends[0].open(t)
	index(t, x, corpus())
	tests := []struct {
		name string
		req  catalog.SearchRequest
	}{
		{"size too large", catalog.SearchRequest{Size: search.MaxSize + 1}},
		{"negative size", catalog.SearchRequest{Size: -1}},
		{"negative page", catalog.SearchRequest{Page: -1}},
		{"past the window", catalog.SearchRequest{Page: search.MaxWindow/search.MaxSize + 1, Size: search.MaxSize}},
		{"past the window with the default size", catalog.SearchRequest{Page: search.MaxWindow/search.DefaultSize + 1}},
		{"unknown facet", catalog.SearchRequest{Filters: map[string][]string{"colour": {"red"}}}},
		{"type as facet", catalog.SearchRequest{Filters: map[string][]string{"type": {"variable"}}}},
		{"unknown type", catalog.SearchRequest{Type: "table"}},
		{"unknown sort", catalog.SearchRequest{Sort: "popularity"}},
		{"query too long", catalog.SearchRequest{Query: strings.Repeat("ø", search.MaxQueryRunes+1)}},
		{"10,000 characters", catalog.SearchRequest{Query: strings.Repeat("blodtrykk ", 1000)}},
		{"word too long", catalog.SearchRequest{Query: strings.Repeat("ø", 101)}},
		{"unclosed quote", catalog.SearchRequest{Query: `"unclosed`}},
		{"field without value", catalog.SearchRequest{Query: "name:"}},
		{"unclosed groups", catalog.SearchRequest{Query: "(("}},
		{"closes nothing", catalog.SearchRequest{Query: "kols)"}},
		{"empty group", catalog.SearchRequest{Query: "()"}},
		{"short prefix", catalog.SearchRequest{Query: "a*"}},
		{"star inside", catalog.SearchRequest{Query: "blod*trykk"}},
		{"too many words", catalog.SearchRequest{Query: strings.Repeat("a ", 65)}},
		{"bad cursor", catalog.SearchRequest{After: "not-a-cursor"}},
	}
	for _, tt := range tests {
		res, err := x.Search(context.Background(), &tt.req)
		if catalog.ErrorCode(err) != catalog.EINVALID || catalog.ErrorMessage(err) == "" {
			t.Errorf("Search(%s) [%s] = %v, %v; want an %s error with a message", describe(tt.req), tt.name, res, err, catalog.EINVALID)
		}
	}

	valid := []struct {
		name     string
		req      catalog.SearchRequest
		wantHits int
	}{
		{"largest size", catalog.SearchRequest{Size: search.MaxSize}, 20},
		{"last page of the window", catalog.SearchRequest{Page: search.MaxWindow / search.MaxSize, Size: search.MaxSize}, 0},
		{"longest query", catalog.SearchRequest{Query: strings.Repeat(strings.Repeat("ø", 99)+" ", 10)}, 0},
		{"lone minus", catalog.SearchRequest{Query: "svlen - "}, 1},
		// kjonn is a typo of kjønn, and LPR:KOEN has its synonym sex.
		{"OR", catalog.SearchRequest{Query: "svlen OR kjonn"}, 4},
		{"AND", catalog.SearchRequest{Query: "kjonn AND sex"}, 3},
		{"page 0 is the first", catalog.SearchRequest{Page: 0, Size: 3, Sort: catalog.SortTitle}, 3},
		{"explicit relevance", catalog.SearchRequest{Sort: catalog.SortRelevance, Type: catalog.KindDataset}, 5},
	}
	for _, tt := range valid {
		res, err := x.Search(context.Background(), &tt.req)
		if err != nil || len(res.Hits) != tt.wantHits {
			t.Errorf("Search(%s) [%s] = %v, %v; want %d hits", describe(tt.req), tt.name, res, err, tt.wantHits)
		}
	}
	first := run(t, x, catalog.SearchRequest{Page: 1, Size: 3, Sort: catalog.SortTitle})
	zero := run(t, x, catalog.SearchRequest{Page: 0, Size: 3, Sort: catalog.SortTitle})
	if !reflect.DeepEqual(identifiers(zero.Hits), identifiers(first.Hits)) {
		t.Errorf("Search(page=0) = %v; want page 1 = %v", identifiers(zero.Hits), identifiers(first.Hits))
	}
}

// pagingCorpus returns n0, n1 and n2 variables of three datasets of three
// sources, all titled "Prøve nummer N", and the IRIs of all of them.
func pagingCorpus(n ...int) ([]catalog.Document, []string) {
	var docs []catalog.Document
	var iris []string
	for d, count := range n {
		ds := &catalog.Dataset{
			IRI: fmt.Sprintf("https://example.org/p%d", d), Identifier: fmt.Sprintf("P%d", d), Source: fmt.Sprintf("s%d", d),
			Title:     catalog.Text{"nb": fmt.Sprintf("Studie %d", d)},
			Publisher: &catalog.Agent{Name: catalog.Text{"nb": fmt.Sprintf("Utgiver %d", d)}},
		}
		for i := range count {
			v := &catalog.Variable{
				IRI: fmt.Sprintf("%s/v%d", ds.IRI, i), Identifier: fmt.Sprintf("P%d:V%d", d, i), Name: fmt.Sprintf("V%d", i),
				Dataset: ds.IRI, Title: catalog.Text{"nb": fmt.Sprintf("Prøve nummer %d", i)}, Datatype: "string",
			}
			docs = append(docs, catalog.Document{Dataset: ds, Variable: v})
			iris = append(iris, v.IRI)
		}
	}
	return docs, iris
}

func TestPaging(t *testing.T) {
	// More matches than the diversified window holds.
	docs, all := pagingCorpus(120, 70, 30)
	tests := []struct {
		query string
		sort  string
		size  int
	}{
		{"prøve", "", 9},  // page 23 straddles the end of the diversified window
		{"prøve", "", 20}, // page 11 starts just past it
		{"prøve", "", 30}, // page 7 straddles it
		{"prøve", "", 100},
		{"prøve", catalog.SortTitle, 30},
		{"prøve", catalog.SortModified, 50},
		{"", "", 40},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			x := b.open(t)
			index(t, x, docs)
			for _, tt := range tests {
				seen := map[string]int{}
				var pages int
				for page := 1; ; page++ {
					req := catalog.SearchRequest{Query: tt.query, Sort: tt.sort, Page: page, Size: tt.size}
					res := run(t, x, req)
					if res.Total != uint64(len(all)) {
						t.Fatalf("Search(%s) total = %d; want %d", describe(req), res.Total, len(all))
					}
					wantLen := min(tt.size, max(0, len(all)-(page-1)*tt.size))
					if len(res.Hits) != wantLen {
						t.Errorf("Search(%s) returned %d hits; want %d", describe(req), len(res.Hits), wantLen)
					}
					for _, h := range res.Hits {
						if p, ok := seen[h.IRI]; ok {
							t.Errorf("Search(%s) hit %s was on page %d already", describe(req), h.Identifier, p)
						}
						seen[h.IRI] = page
					}
					if wantLen == 0 {
						break
					}
					pages++
				}
				if len(seen) != len(all) {
					var missing []string
					for _, iri := range all {
						if _, ok := seen[iri]; !ok {
							missing = append(missing, iri)
						}
					}
					t.Errorf("Search(%q sort=%s size=%d) pages 1–%d hold %d distinct hits; want %d, missing %d such as %v",
						tt.query, tt.sort, tt.size, pages, len(seen), len(all), len(missing), missing[:min(3, len(missing))])
				}
			}
		})
	}
}

// TestDiversified checks that the first page of a relevance search shows
// every dataset, though the largest has most of the best matches.
func TestDiversified(t *testing.T) {
	docs, _ := pagingCorpus(150, 80, 30)
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			x := b.open(t)
			index(t, x, docs)
			req := catalog.SearchRequest{Query: "prøve", Size: 10}
			res := run(t, x, req)
			perDataset := map[string]int{}
			for _, h := range res.Hits {
				perDataset[h.Dataset.Identifier]++
			}
			if len(perDataset) != 3 {
				t.Errorf("Search(%s) first page per dataset = %v; want all three datasets", describe(req), perDataset)
			}
			for i := 1; i < len(res.Hits); i++ {
				if res.Hits[i].Score > res.Hits[i-1].Score {
					t.Errorf("Search(%s) hit %d score %v > hit %d score %v; want scores falling", describe(req), i, res.Hits[i].Score, i-1, res.Hits[i-1].Score)
				}
			}
		})
	}
}

func TestDefaultSize(t *testing.T) {
	docs, _ := pagingCorpus(30)
	x := backends[0].open(t)
	index(t, x, docs)
	for _, q := range []string{"", "prøve"} {
		res := run(t, x, catalog.SearchRequest{Query: q})
		if len(res.Hits) != search.DefaultSize || res.Total != 30 {
			t.Errorf("Search(%q) = %d hits of %d; want %d of 30", q, len(res.Hits), res.Total, search.DefaultSize)
		}
	}
}

func TestDeleteAndCount(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			x := b.open(t)
			if n, err := x.Count(); err != nil || n != 0 {
				t.Errorf("Count() of a new index = %d, %v; want 0", n, err)
			}
			index(t, x, corpus())
			if n, err := x.Count(); err != nil || n != 20 {
				t.Errorf("Count() = %d, %v; want 20", n, err)
			}
			// Indexing again replaces, never duplicates.
			index(t, x, corpus())
			if n, err := x.Count(); err != nil || n != 20 {
				t.Errorf("Count() after indexing again = %d, %v; want 20", n, err)
			}

			// Deleting another source's IRI leaves the document alone.
			if err := x.Delete(ctx, "hdir", []string{corpusIRI("MFR:SVLEN")}); err != nil {
				t.Fatal(err)
			}
			if n, err := x.Count(); err != nil || n != 20 {
				t.Errorf("Count() after deleting an IRI of another source = %d, %v; want 20", n, err)
			}
			for _, del := range []struct {
				source string
				iris   []string
			}{
				{"fhi", []string{corpusIRI("MFR:SVLEN"), "https://example.org/never-indexed"}},
				{"hdir", []string{corpusIRI("KPR")}},
			} {
				if err := x.Delete(ctx, del.source, del.iris); err != nil {
					t.Fatalf("Delete(%s, %v) = %v", del.source, del.iris, err)
				}
			}
			if n, err := x.Count(); err != nil || n != 18 {
				t.Errorf("Count() after Delete = %d, %v; want 18", n, err)
			}
			if res := run(t, x, catalog.SearchRequest{Query: "SVLEN"}); res.Total != 0 {
				t.Errorf("Search(\"SVLEN\") after Delete = %v; want no hits", identifiers(res.Hits))
			}
			res := run(t, x, catalog.SearchRequest{})
			if got, want := counts(res.Facets[catalog.FacetDataset]), map[string]int{"MFR": 5, "MSIS": 4, "NPR": 4, "KPR": 1, "LPR": 4}; !maps.Equal(got, want) {
				t.Errorf("Search(\"\") facet dataset after Delete = %v; want %v", got, want)
			}
			// A listing by facet goes by the facet's postings, which still
			// hold the deleted documents.
			for ds, want := range map[string]uint64{"MFR": 5, "KPR": 1} {
				req := catalog.SearchRequest{Filters: map[string][]string{catalog.FacetDataset: {ds}}}
				if res := run(t, x, req); res.Total != want {
					t.Errorf("Search(%s) after Delete: total %d; want %d", describe(req), res.Total, want)
				}
			}
		})
	}
}

func TestIndexCanceled(t *testing.T) {
	x := backends[0].open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := x.Index(ctx, corpus()); !errors.Is(err, context.Canceled) {
		t.Errorf("Index(canceled) = %v; want context.Canceled", err)
	}
	if n, _ := x.Count(); n != 0 {
		t.Errorf("Count() after a canceled Index = %d; want 0", n)
	}
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idx")
	x, err := search.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	index(t, x, corpus())
	if err := x.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	x, err = search.Open(path)
	if err != nil {
		t.Fatalf("Open(%q) again = %v", path, err)
	}
	defer x.Close()
	if n, err := x.Count(); err != nil || n != 20 {
		t.Errorf("Count() after reopening = %d, %v; want 20", n, err)
	}
	res := run(t, x, catalog.SearchRequest{})
	checkLabels(t, res)
	if got := counts(res.Facets[catalog.FacetLanguage]); !maps.Equal(got, allFacets[catalog.FacetLanguage]) {
		t.Errorf("Search(\"\") facet language after reopening = %v; want %v", got, allFacets[catalog.FacetLanguage])
	}
	if res := run(t, x, catalog.SearchRequest{Query: "blodtrykket"}); res.Total != 3 {
		t.Errorf("Search(\"blodtrykket\") after reopening total = %d; want 3", res.Total)
	}
}

// A record without a publisher counts as missing for that facet, never
// under an empty value; a variable name matches whatever its case.
func TestMissingFacetValueAndNameCase(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			x := b.open(t)
			anon := &catalog.Dataset{IRI: "https://example.org/anon", Identifier: "ANON", Title: catalog.Text{"nb": "Uten utgiver"}}
			named := &catalog.Dataset{IRI: "https://example.org/named", Identifier: "NAMED", Title: catalog.Text{"nb": "Med utgiver"},
				Publisher: &catalog.Agent{Name: catalog.Text{"nb": "Utgiveren"}}}
			index(t, x, []catalog.Document{
				{Dataset: anon, Variable: &catalog.Variable{IRI: anon.IRI + "/v/SVLEN", Identifier: "ANON:SVLEN", Name: "SVLEN", Title: catalog.Text{"nb": "Svangerskapslengde"}}},
				{Dataset: named, Variable: &catalog.Variable{IRI: named.IRI + "/v/X", Identifier: "NAMED:X", Name: "X", Title: catalog.Text{"nb": "Lengde på svlen-målingen"}}},
			})
			res, err := x.Search(context.Background(), &catalog.SearchRequest{Query: "svlen"})
			if err != nil {
				t.Fatal(err)
			}
			if got := identifiers(res.Hits); len(got) == 0 || got[0] != "ANON:SVLEN" {
				t.Errorf("Search(svlen) = %v; want ANON:SVLEN first (name match, any case)", got)
			}
			for _, f := range res.Facets[catalog.FacetPublisher] {
				if f.Value == "" {
					t.Errorf("publisher facet has an empty value: %+v", res.Facets[catalog.FacetPublisher])
				}
			}
		})
	}
}
