package search_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/search"
)

// facetData is search/testdata/facets.json.
type facetData struct {
	Datasets []struct {
		ID        string       `json:"id"`
		Title     catalog.Text `json:"title"`
		Publisher string       `json:"publisher"`
		Access    string       `json:"access"`
		Themes    []string     `json:"themes"`
		Temporal  [][2]string  `json:"temporal"`
	} `json:"datasets"`
	Variables []struct {
		ID       string       `json:"id"`
		Dataset  string       `json:"dataset"`
		Title    catalog.Text `json:"title"`
		Datatype string       `json:"datatype"`
		Codes    bool         `json:"codes"`
		Temporal [][2]string  `json:"temporal"`
	} `json:"variables"`
	Cases []struct {
		Name    string                    `json:"name"`
		Type    catalog.RecordKind        `json:"type"`
		Query   string                    `json:"query"`
		Filters map[string][]string       `json:"filters"`
		Total   uint64                    `json:"total"`
		Hits    []string                  `json:"hits"`
		Facets  map[string]map[string]int `json:"facets"`
	} `json:"cases"`
}

func periods(ps [][2]string) []catalog.Period {
	var out []catalog.Period
	for _, p := range ps {
		out = append(out, catalog.Period{Start: p[0], End: p[1]})
	}
	return out
}

// TestFacetData runs the facet cases of testdata/facets.json.
func TestFacetData(t *testing.T) {
	var data facetData
	readJSON(t, "testdata/facets.json", &data)
	x, err := search.NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	datasets := map[string]*catalog.Dataset{}
	var docs []catalog.Document
	for _, d := range data.Datasets {
		ds := &catalog.Dataset{
			IRI: "https://example.org/" + d.ID, Identifier: d.ID, Title: d.Title, Source: "s",
			Temporal: periods(d.Temporal),
		}
		if d.Publisher != "" {
			ds.Publisher = &catalog.Agent{Name: catalog.Text{"nb": d.Publisher}}
		}
		if d.Access != "" {
			ds.AccessRights = "http://publications.europa.eu/resource/authority/access-right/" + d.Access
		}
		for _, th := range d.Themes {
			ds.Themes = append(ds.Themes, theme(th))
		}
		datasets[d.ID] = ds
		docs = append(docs, catalog.Document{Dataset: ds})
	}
	for _, v := range data.Variables {
		ds := datasets[v.Dataset]
		vr := &catalog.Variable{
			IRI: ds.IRI + "/" + v.ID, Identifier: v.ID, Dataset: ds.IRI, Title: v.Title,
			Datatype: v.Datatype, Temporal: periods(v.Temporal),
		}
		var cl *catalog.CodeList
		if v.Codes {
			vr.CodeList = vr.IRI + "/codes"
			cl = &catalog.CodeList{IRI: vr.CodeList, Codes: []catalog.Code{{Notation: "1", Label: catalog.Text{"nb": "En"}}}}
		}
		docs = append(docs, catalog.Document{Dataset: ds, Variable: vr, CodeList: cl})
	}
	index(t, x, docs)
	for _, c := range data.Cases {
		req := catalog.SearchRequest{Query: c.Query, Type: c.Type, Filters: c.Filters, Size: 100}
		res, err := x.Search(context.Background(), &req)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if res.Total != c.Total {
			t.Errorf("%s: total = %d; want %d", c.Name, res.Total, c.Total)
		}
		if c.Hits != nil {
			got := identifiers(res.Hits)
			slices.Sort(got)
			want := slices.Clone(c.Hits)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: hits = %v; want %v", c.Name, got, want)
			}
		}
		for name, want := range c.Facets {
			if got := counts(res.Facets[name]); !maps.Equal(got, want) {
				t.Errorf("%s: facet %s = %v; want %v", c.Name, name, got, want)
			}
		}
	}
	if len(data.Cases) == 0 {
		t.Fatal(fmt.Errorf("no cases in testdata/facets.json"))
	}
}
