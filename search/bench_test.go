package search_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/search"
)

// benchCorpus returns 30 datasets of 3 publishers with 100 variables each,
// titled from a small vocabulary so that queries match many of them.
func benchCorpus() []catalog.Document {
	words := []struct{ name, nb, en string }{
		{"KJONN", "Kjønn", "Sex"},
		{"ALDER", "Alder", "Age"},
		{"BT_SYS", "Systolisk blodtrykk", "Systolic blood pressure"},
		{"BT_DIA", "Diastolisk blodtrykket", "Diastolic blood pressure"},
		{"VEKT", "Kroppsvekt", "Body weight"},
		{"HOYDE", "Høyde", "Height"},
		{"ROYK", "Røyker daglig", "Smokes daily"},
		{"DIAG", "Hoveddiagnose", "Main diagnosis"},
		{"PROVE", "Prøvedato", "Sample date"},
		{"KOMMUNE", "Bostedskommune", "Municipality of residence"},
	}
	publishers := []*catalog.Agent{fhi, hdir, ssi}
	access := []string{public, restricted, nonPublic}
	types := []string{"string", "integer", "decimal", "date"}
	var docs []catalog.Document
	for d := range 30 {
		ds := &catalog.Dataset{
			IRI: fmt.Sprintf("https://example.org/bench/%d", d), Identifier: fmt.Sprintf("B%d", d), Source: fmt.Sprintf("s%d", d%3),
			Title:     catalog.Text{"nb": fmt.Sprintf("Helseundersøkelse %d", d), "en": fmt.Sprintf("Health survey %d", d)},
			Publisher: publishers[d%3], Themes: []catalog.Concept{theme("HEAL")}, AccessRights: access[d%3],
			Modified: fmt.Sprintf("20%02d-01-01", d),
		}
		docs = append(docs, catalog.Document{Dataset: ds})
		for i := range 100 {
			w := words[(d+i)%len(words)]
			v := &catalog.Variable{
				IRI: fmt.Sprintf("%s/v%d", ds.IRI, i), Identifier: fmt.Sprintf("B%d:%s_%d", d, w.name, i), Name: fmt.Sprintf("%s_%d", w.name, i),
				Dataset: ds.IRI, Datatype: types[i%len(types)],
				Title:       catalog.Text{"nb": fmt.Sprintf("%s, runde %d", w.nb, i), "en": fmt.Sprintf("%s, round %d", w.en, i)},
				Description: catalog.Text{"nb": "Målt eller oppgitt ved " + w.nb + "."},
			}
			var cl *catalog.CodeList
			if w.name == "KJONN" {
				cl = sexCodes
			}
			docs = append(docs, catalog.Document{Dataset: ds, Variable: v, CodeList: cl})
		}
	}
	return docs
}

func BenchmarkSearch(b *testing.B) {
	x, err := search.Open(filepath.Join(b.TempDir(), "idx"))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	index(b, x, benchCorpus())
	benches := []struct {
		name string
		req  catalog.SearchRequest
	}{
		{"list", catalog.SearchRequest{}},
		{"word", catalog.SearchRequest{Query: "blodtrykk"}},
		{"name", catalog.SearchRequest{Query: "KJONN_0"}},
		{"english", catalog.SearchRequest{Query: "blood pressure"}},
		{"filtered", catalog.SearchRequest{Query: "kroppsvekt", Type: catalog.KindVariable,
			Filters: map[string][]string{catalog.FacetPublisher: {"Folkehelseinstituttet", "Helsedirektoratet"}, catalog.FacetDatatype: {"integer"}}}},
		{"page beyond window", catalog.SearchRequest{Query: "alder", Page: 11, Size: 20}},
		{"by title", catalog.SearchRequest{Query: "høyde", Sort: catalog.SortTitle}},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				req := bb.req
				res := run(b, x, req)
				if res.Total == 0 {
					b.Fatalf("Search(%s) found nothing", describe(bb.req))
				}
			}
		})
	}
}
