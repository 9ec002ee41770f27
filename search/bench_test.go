package search_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
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
		{"typo", catalog.SearchRequest{Query: "blodtrykkk"}},
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

// corpusIndex opens the index named by KATALOG_INDEX (the index.bleve folder
// of a data folder that harvested a scaled corpus), or skips. The result
// cache is off unless KATALOG_CACHE=1, so that every search is measured, and
// the facet columns are built before the clock starts.
func corpusIndex(b testing.TB) *search.Index {
	path := os.Getenv("KATALOG_INDEX")
	if path == "" {
		b.Skip("set KATALOG_INDEX to the index.bleve folder of a harvested corpus")
	}
	x, err := search.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { x.Close() })
	if os.Getenv("KATALOG_CACHE") != "1" {
		search.WithoutCache(x)
	}
	for { // build the facet columns: listing everything is slow until then
		req := catalog.SearchRequest{Page: 2}
		res, err := x.Search(context.Background(), &req)
		if err != nil {
			b.Fatal(err)
		}
		if res.Took < 300*time.Millisecond {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return x
}

// corpusQueries is a mix of narrow and broad queries, Norwegian and
// English, with and without filters; every facet is computed for each.
var corpusQueries = []struct {
	name string
	req  catalog.SearchRequest
}{
	{"list-all", catalog.SearchRequest{}},
	{"name", catalog.SearchRequest{Query: "SVLEN"}},
	{"nb-narrow", catalog.SearchRequest{Query: "hodeomkrets"}},
	{"nn-narrow", catalog.SearchRequest{Query: "svangerskapsveke"}},
	{"nb-compound", catalog.SearchRequest{Query: "måling av blodtrykk"}},
	{"en-phrase", catalog.SearchRequest{Query: `"blood pressure"`}},
	{"en-words", catalog.SearchRequest{Query: "head circumference"}},
	{"clinical", catalog.SearchRequest{Query: "preeklampsi"}},
	{"abbreviation", catalog.SearchRequest{Query: "KOLS"}},
	{"typo", catalog.SearchRequest{Query: "hodeomkerts"}},
	{"typo-en", catalog.SearchRequest{Query: "blood presure"}},
	{"typo-relaxed", catalog.SearchRequest{Query: "blodtrykk hemoglobn"}},
	{"typo-nothing", catalog.SearchRequest{Query: "svangerskapsforgiftnig"}},
	{"nothing", catalog.SearchRequest{Query: "zzqqxx"}},
	{"broad-en", catalog.SearchRequest{Query: "age"}},
	{"broad-nb", catalog.SearchRequest{Query: "mor"}},
	{"broad-nb2", catalog.SearchRequest{Query: "alder"}},
	{"broad-en2", catalog.SearchRequest{Query: "weight"}},
	{"broad-filtered", catalog.SearchRequest{Query: "age", Filters: map[string][]string{catalog.FacetDatatype: {"integer"}}}},
	{"narrow-filtered", catalog.SearchRequest{Query: "diabetes", Filters: map[string][]string{catalog.FacetAccessRights: {"NON_PUBLIC", "RESTRICTED"}}}},
	{"filter-only", catalog.SearchRequest{Filters: map[string][]string{catalog.FacetDatatype: {"date"}}}},
	{"variables-only", catalog.SearchRequest{Query: "kjønn", Type: catalog.KindVariable}},
	{"sort-title", catalog.SearchRequest{Query: "vekt", Sort: catalog.SortTitle}},
	{"deep-page", catalog.SearchRequest{Query: "weight", Page: 40, Size: 20}},
}

// BenchmarkSearchCorpus runs each query of corpusQueries over a scaled
// corpus and reports p50 and p99 besides the mean; "mixed" runs them in
// turn.
func BenchmarkSearchCorpus(b *testing.B) {
	x := corpusIndex(b)
	timed := func(b *testing.B, next func(i int) catalog.SearchRequest) {
		var took []time.Duration
		i := 0
		for b.Loop() {
			req := next(i)
			i++
			start := time.Now()
			if _, err := x.Search(context.Background(), &req); err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(start))
		}
		reportPercentiles(b, took)
	}
	for _, q := range corpusQueries {
		b.Run(q.name, func(b *testing.B) {
			timed(b, func(int) catalog.SearchRequest { return q.req })
		})
	}
	b.Run("mixed", func(b *testing.B) {
		timed(b, func(i int) catalog.SearchRequest { return corpusQueries[i%len(corpusQueries)].req })
	})
}

// BenchmarkSuggestCorpus completes prefixes of one to six letters. The
// first suggestion of an index opened anew reads its suggestion tables:
// first-ms.
func BenchmarkSuggestCorpus(b *testing.B) {
	x := corpusIndex(b)
	prefixes := []string{"a", "bl", "hod", "weig", "svang", "kjønn", "SV", "blodtr", "m", "pre"}
	start := time.Now()
	if _, err := x.Suggest(context.Background(), "a", 10); err != nil {
		b.Fatal(err)
	}
	first := time.Since(start)
	var took []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		if _, err := x.Suggest(context.Background(), prefixes[i%len(prefixes)], 10); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		i++
	}
	reportPercentiles(b, took)
	b.ReportMetric(float64(first.Microseconds())/1000, "first-ms")
}

// reportPercentiles reports the median and 99th percentile of took.
func reportPercentiles(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}

// TestSplitSearch checks that a search split over several cores finds
// what one pass finds: totals, facet counts, hits and their order.
func TestSplitSearch(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	x, err := search.Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	search.WithoutCache(x)
	index(t, x, benchCorpus())
	// One segment, so that merges cannot renumber the documents (and move
	// ties) between the two searches.
	if _, err := x.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	reqs := []catalog.SearchRequest{
		{Query: "blodtrykk"}, {Query: "alder"}, {Query: "body weight"}, {Query: "høyde", Page: 3},
		{Query: "runde", Filters: map[string][]string{catalog.FacetPublisher: {"Folkehelseinstituttet"}}},
		{Query: "blodtrykk -diastolisk", Type: catalog.KindVariable},
		{Filters: map[string][]string{catalog.FacetDatatype: {"date", "integer"}}},
		{Filters: map[string][]string{catalog.FacetDatatype: {"date"}, catalog.FacetAccessRights: {"PUBLIC"}}},
		{Query: "høyde", Sort: catalog.SortTitle}, {Query: "alder", Sort: catalog.SortModified},
		{Sort: catalog.SortTitle, Filters: map[string][]string{catalog.FacetDatatype: {"integer"}}},
	}
	for i := range reqs {
		reqs = append(reqs, reqs[i])
		reqs[len(reqs)-1].Size, reqs[len(reqs)-1].Page = 100, 3 // the end of the list too
	}
	for _, req := range reqs {
		one, split := req, req
		restore := search.SplitAfter(1 << 62)
		want := run(t, x, one)
		restore()
		restore = search.SplitAfter(1)
		got := run(t, x, split)
		restore()
		if want.Total == 0 {
			t.Errorf("Search(%s) found nothing", describe(req))
		}
		if got.Total != want.Total || !slices.Equal(identifiers(got.Hits), identifiers(want.Hits)) {
			t.Errorf("Search(%s) split: %d %v; in one pass: %d %v", describe(req), got.Total, identifiers(got.Hits), want.Total, identifiers(want.Hits))
		}
		for name, fc := range want.Facets {
			if !reflect.DeepEqual(fc, got.Facets[name]) {
				t.Errorf("Search(%s) split: facet %s %v; in one pass: %v", describe(req), name, got.Facets[name], fc)
			}
		}
	}
}

// corpusBatches reads the first KATALOG_BUILD_DOCS documents (default
// 200,000) of the store at KATALOG_STORE (the katalog.db of a data folder
// that harvested a scaled corpus; opened read only), in the batches
// Rebuild reads, and their number.
func corpusBatches(b *testing.B) ([][]catalog.Document, int) {
	path := os.Getenv("KATALOG_STORE")
	if path == "" {
		b.Skip("set KATALOG_STORE to the katalog.db of a harvested corpus")
	}
	limit := 200_000
	if s := os.Getenv("KATALOG_BUILD_DOCS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		limit = n
	}
	db, err := bolt.OpenReadOnly(path)
	if err != nil {
		b.Fatal(err)
	}
	var batches [][]catalog.Document
	n := 0
	err = search.ReadDocuments(context.Background(), db, func(docs []catalog.Document) bool {
		batches = append(batches, docs)
		n += len(docs)
		return n < limit
	})
	db.Close()
	if err != nil {
		b.Fatal(err)
	}
	return batches, n
}

// BenchmarkBuildCorpus builds an index of the corpusBatches documents as
// Rebuild does. The documents are read before the clock starts.
func BenchmarkBuildCorpus(b *testing.B) {
	batches, n := corpusBatches(b)
	ctx := context.Background()
	for b.Loop() {
		x, _, err := search.BuildBulk(ctx, filepath.Join(b.TempDir(), "idx"), batches)
		if err != nil {
			b.Fatal(err)
		}
		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkIndexCorpus indexes the corpusBatches documents into a new
// index on disk through Index, two batches of 2,000 at a time, as two
// harvest runs do.
func BenchmarkIndexCorpus(b *testing.B) {
	batches, n := corpusBatches(b)
	var docs []catalog.Document
	for _, batch := range batches {
		docs = append(docs, batch...)
	}
	ctx := context.Background()
	for b.Loop() {
		x, err := search.Open(filepath.Join(b.TempDir(), "idx"))
		if err != nil {
			b.Fatal(err)
		}
		next := make(chan []catalog.Document)
		go func() {
			defer close(next)
			for lo := 0; lo < len(docs); lo += 2000 {
				next <- docs[lo:min(lo+2000, len(docs))]
			}
		}()
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for batch := range next {
					if err := x.Index(ctx, batch); err != nil {
						b.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkSearchFixtures runs typical queries, with all facets, over the
// index of every bundled feed (fixtures/feeds), the result cache off, and
// reports the median and 99th percentile latency besides the mean.
func BenchmarkSearchFixtures(b *testing.B) {
	x, _ := fixtureIndex(b)
	search.WithoutCache(x)
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
				if _, err := x.Search(context.Background(), &req); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			reportPercentiles(b, took)
		})
	}
}
