package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/harvest"
	"github.com/katalog/katalog/search"
	"github.com/katalog/katalog/web"
)

// katalogNode is one Katalog: a store, an index and a harvester.
type katalogNode struct {
	store     *bolt.DB
	harvester *harvest.Harvester
	index     *search.Index
}

func newKatalogNode(t *testing.T, sources ...catalog.Source) *katalogNode {
	t.Helper()
	ctx := context.Background()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	idx, err := search.NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	h := &harvest.Harvester{Store: store, Index: idx, BaseDir: root, Version: "test",
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))}
	for i := range sources {
		if err := store.PutSource(ctx, &sources[i]); err != nil {
			t.Fatal(err)
		}
		run, err := h.Run(ctx, sources[i].Name)
		if err != nil {
			t.Fatalf("harvest %s: %v", sources[i].Name, err)
		}
		if run.Status != catalog.RunOK {
			t.Fatalf("harvest %s: status %s: %s", sources[i].Name, run.Status, run.Error)
		}
	}
	return &katalogNode{store: store, harvester: h, index: idx}
}

// variableView is what a round trip must keep of a variable.
type variableView struct {
	Identifier, Name, Datatype, Unit string
	Title                            catalog.Text
	Temporal                         []catalog.Period
	Position                         int
	Codes                            []catalog.Code
}

// datasetView is what a round trip must keep of a dataset.
type datasetView struct {
	Identifier   string
	Title        catalog.Text
	Temporal     []catalog.Period
	AccessRights string
	Variables    map[string]variableView // by IRI
}

// view reads every live dataset and variable of a Katalog, by IRI.
func view(t *testing.T, n *katalogNode) map[string]datasetView {
	t.Helper()
	ctx := context.Background()
	ds, _, err := n.store.FindDatasets(ctx, catalog.DatasetFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]datasetView, len(ds))
	for _, d := range ds {
		vars, _, err := n.store.FindVariables(ctx, catalog.VariableFilter{Source: d.Source, Dataset: d.IRI})
		if err != nil {
			t.Fatal(err)
		}
		dv := datasetView{Identifier: d.Identifier, Title: d.Title, Temporal: d.Temporal, AccessRights: d.AccessRights,
			Variables: make(map[string]variableView, len(vars))}
		for _, v := range vars {
			vv := variableView{Identifier: v.Identifier, Name: v.Name, Datatype: v.Datatype, Unit: v.Unit,
				Title: v.Title, Temporal: v.Temporal, Position: v.Position}
			if v.CodeList != "" {
				cl, err := n.store.FindCodeList(ctx, v.Source, v.CodeList)
				if err != nil {
					t.Fatalf("code list <%s> of <%s>: %v", v.CodeList, v.IRI, err)
				}
				vv.Codes = cl.Codes
			}
			dv.Variables[v.IRI] = vv
		}
		out[d.IRI] = dv
	}
	return out
}

// exported is what HealthDCAT-AP makes of a record that lacks what it
// requires: a variable without a title gets its name, a code without a label
// its notation (or the name in its IRI). The round trip accepts exactly
// these changes.
func exported(a map[string]datasetView) map[string]datasetView {
	for _, d := range a {
		for iri, v := range d.Variables {
			if len(v.Title) == 0 {
				v.Title = catalog.Text{catalog.LangUndetermined: v.Name}
			}
			codes := make([]catalog.Code, len(v.Codes))
			for i, c := range v.Codes {
				if len(c.Label) == 0 {
					label := c.Notation
					if label == "" {
						label = lastPart(c.IRI)
					}
					c.Label = catalog.Text{catalog.LangUndetermined: label}
				}
				codes[i] = c
			}
			if v.Codes != nil {
				v.Codes = codes
			}
			d.Variables[iri] = v
		}
	}
	return a
}

func lastPart(iri string) string {
	for i := len(iri) - 1; i >= 0; i-- {
		if iri[i] == '/' || iri[i] == '#' {
			return iri[i+1:]
		}
	}
	return iri
}

// TestRoundTrip harvests fixture feeds into one Katalog, serves its DCAT
// endpoint, and harvests that into a second Katalog in every format, paged
// and whole: the second must hold the same datasets and variables.
func TestRoundTrip(t *testing.T) {
	a := newKatalogNode(t,
		catalog.Source{Name: "fhi-mfr", URL: "file:fixtures/feeds/fhi-mfr.ttl", Format: "turtle"},
		catalog.Source{Name: "ablanor", URL: "file:fixtures/feeds/ablanor.ttl", Format: "turtle"},
		catalog.Source{Name: "dk-registers", URL: "file:fixtures/feeds/dk-registers.ttl", Format: "turtle"},
	)
	// The second Katalogs harvest through the default rate limits, as
	// harvesters would: paging must not run into them.
	def, err := parseConfig(bytes.NewReader(defaultConfig), "default", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Store: a.store, Index: a.index, Version: "test",
		SearchLimit: def.SearchLimit, ExportLimit: def.ExportLimit,
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	want := exported(view(t, a))
	if len(want) != 20 {
		t.Fatalf("the first Katalog holds %d datasets; want 20", len(want))
	}
	for _, tc := range []struct{ path, format string }{
		{"/catalog.ttl", "turtle"},
		{"/catalog.jsonld", "jsonld"},
		{"/catalog.rdf", "rdfxml"},
		{"/catalog.nt", "ntriples"},
		{"/catalog.ttl?page=1&size=3", "turtle"},
		{"/catalog.jsonld?page=1&size=7", "jsonld"},
		{"/catalog.rdf?page=1&size=6", "rdfxml"},
		{"/catalog.nt?page=1&size=19", "ntriples"},
		{"/catalog", "auto"},
	} {
		t.Run(fmt.Sprintf("%s", tc.path), func(t *testing.T) {
			b := newKatalogNode(t, catalog.Source{Name: "katalog-a", URL: hs.URL + tc.path, Format: tc.format})
			got := view(t, b)
			if len(got) != len(want) {
				t.Errorf("the second Katalog holds %d datasets; want %d", len(got), len(want))
			}
			for iri, w := range want {
				g, ok := got[iri]
				if !ok {
					t.Errorf("dataset <%s> is missing", iri)
					continue
				}
				if len(g.Variables) != len(w.Variables) {
					t.Errorf("dataset <%s>: %d variables; want %d", iri, len(g.Variables), len(w.Variables))
				}
				gv, wv := g.Variables, w.Variables
				g.Variables, w.Variables = nil, nil
				if !reflect.DeepEqual(g, w) {
					t.Errorf("dataset <%s>:\n got %+v\nwant %+v", iri, g, w)
				}
				bad := 0
				for viri, v := range wv {
					if gv[viri].Name == "" {
						t.Errorf("variable <%s> is missing", viri)
					} else if !reflect.DeepEqual(gv[viri], v) {
						t.Errorf("variable <%s>:\n got %+v\nwant %+v", viri, gv[viri], v)
					} else {
						continue
					}
					if bad++; bad > 3 {
						t.Fatalf("more differences left out")
					}
				}
			}
		})
	}
}
