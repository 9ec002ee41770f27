package main

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/harvest"
)

// fixtureApp opens Katalog on a fresh data folder with the default
// configuration (every bundled feed).
func fixtureApp(tb testing.TB) *app {
	tb.Helper()
	cfg, err := loadConfig("")
	if err != nil {
		tb.Fatal(err)
	}
	cfg.BaseDir, err = filepath.Abs("../..")
	if err != nil {
		tb.Fatal(err)
	}
	// The embedded configuration reads the working directory's feeds: here
	// the repository root's.
	cfg.FileRoots = []string{cfg.BaseDir}
	a, err := openApp(context.Background(), cfg, tb.TempDir(), newLogger(io.Discard))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(a.close)
	return a
}

// BenchmarkHarvestFixtures harvests and indexes every bundled feed into an
// empty data folder: the time a first `make run` spends before it serves.
func BenchmarkHarvestFixtures(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		a := fixtureApp(b)
		b.StartTimer()
		for _, r := range harvest.RunAll(context.Background(), a.harvester, a.sourceNames(), 2) {
			if r.Status != catalog.RunOK {
				b.Fatalf("%s: %s %s", r.Source, r.Status, r.Error)
			}
		}
	}
}

// BenchmarkSearchFixtures runs typical queries, with all facets, over the
// index of every bundled feed, and reports the median and 99th percentile
// latency besides the mean.
func BenchmarkSearchFixtures(b *testing.B) {
	a := fixtureApp(b)
	for _, r := range harvest.RunAll(context.Background(), a.harvester, a.sourceNames(), 2) {
		if r.Status != catalog.RunOK {
			b.Fatalf("%s: %s %s", r.Source, r.Status, r.Error)
		}
	}
	queries := []struct {
		name string
		req  catalog.SearchRequest
	}{
		{"all", catalog.SearchRequest{Type: catalog.KindVariable}},
		{"name", catalog.SearchRequest{Query: "SVLEN", Type: catalog.KindVariable}},
		{"nb-word", catalog.SearchRequest{Query: "hodeomkrets", Type: catalog.KindVariable}},
		{"en-phrase", catalog.SearchRequest{Query: "blood pressure", Type: catalog.KindVariable}},
		{"broad", catalog.SearchRequest{Query: "age", Type: catalog.KindVariable}},
		{"filtered", catalog.SearchRequest{Query: "diabetes", Type: catalog.KindVariable,
			Filters: map[string][]string{catalog.FacetPublisher: {"Folkehelseinstituttet"}}}},
		{"page5", catalog.SearchRequest{Query: "weight", Type: catalog.KindVariable, Page: 5}},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				req := q.req
				start := time.Now()
				if _, err := a.index.Search(context.Background(), &req); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
