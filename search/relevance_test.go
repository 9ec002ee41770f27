package search_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
	"github.com/katalog/katalog/search"
)

// The relevance test bed: judged queries over the fixture feeds
// (fixtures/relevance/queries.json), scored by nDCG@10 and recall@20 and
// held to the floors in fixtures/relevance/floors.json. It indexes all
// 34,000 variables, so make test runs it without the race detector.

const relevanceDir = "../fixtures/relevance"

type judgedQuery struct {
	ID        string         `json:"id"`
	Query     string         `json:"query"`
	Lang      string         `json:"lang"`
	Kind      string         `json:"kind"`
	Note      string         `json:"note"`
	Judgments map[string]int `json:"judgments"`
}

type floors struct {
	NDCG10   float64 `json:"ndcg@10"`
	Recall20 float64 `json:"recall@20"`
}

var (
	feedIndexOnce sync.Once
	feedIndex     *search.Index
	feedIDs       map[string]bool
	feedIndexErr  error
)

// fixtureIndex indexes every feed in fixtures/feeds once per test binary,
// in a folder of the first test or benchmark that asks (TestRelevance,
// BenchmarkSearchFixtures).
func fixtureIndex(t testing.TB) (*search.Index, map[string]bool) {
	feedIndexOnce.Do(func() {
		feedIndex, feedIDs, feedIndexErr = indexFeeds(filepath.Join(t.TempDir(), "idx"), "../fixtures/feeds")
	})
	if feedIndexErr != nil {
		t.Fatal(feedIndexErr)
	}
	return feedIndex, feedIDs
}

func indexFeeds(path, dir string) (*search.Index, map[string]bool, error) {
	x, err := search.Open(path)
	if err != nil {
		return nil, nil, err
	}
	ids := map[string]bool{}
	// As the store does: an identifier that is empty or already taken is
	// replaced by the record's IRI.
	identify := func(id, iri string) string {
		if id == "" || ids[id] {
			id = iri
		}
		ids[id] = true
		return id
	}
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if _, ok := rdf.FormatFromExtension(p); err == nil && !d.IsDir() && ok {
			files = append(files, p)
		}
		return err
	})
	sort.Strings(files)
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return nil, nil, err
		}
		syntax, _ := rdf.FormatFromExtension(p)
		res, err := dcat.Read(f, syntax, rdf.Options{Base: "file://" + p})
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, err)
		}
		source := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		s := res.Snapshot
		datasets := map[string]*catalog.Dataset{}
		lists := map[string]*catalog.CodeList{}
		var docs []catalog.Document
		for i := range s.Datasets {
			ds := &s.Datasets[i]
			ds.Source = source
			datasets[ds.IRI] = ds
			ds.Identifier = identify(ds.Identifier, ds.IRI)
			docs = append(docs, catalog.Document{Dataset: ds})
		}
		for i := range s.CodeLists {
			lists[s.CodeLists[i].IRI] = &s.CodeLists[i]
		}
		for i := range s.Variables {
			v := &s.Variables[i]
			v.Identifier = identify(v.Identifier, v.IRI)
			docs = append(docs, catalog.Document{Dataset: datasets[v.Dataset], Variable: v, CodeList: lists[v.CodeList]})
		}
		docs = withMembers(docs)
		for len(docs) > 0 {
			n := min(len(docs), 5000)
			if err := x.Index(context.Background(), docs[:n]); err != nil {
				return nil, nil, err
			}
			docs = docs[n:]
		}
	}
	return x, ids, nil
}

func readJSON(t testing.TB, path string, v any) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestRelevance scores the judged queries and fails if the mean nDCG@10 or
// recall@20 falls below its floor.
func TestRelevance(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes every fixture feed")
	}
	var set struct {
		Queries []judgedQuery `json:"queries"`
	}
	readJSON(t, filepath.Join(relevanceDir, "queries.json"), &set)
	var floor floors
	readJSON(t, filepath.Join(relevanceDir, "floors.json"), &floor)
	if len(set.Queries) < 40 {
		t.Fatalf("%d judged queries; want at least 40", len(set.Queries))
	}
	x, ids := fixtureIndex(t)

	type score struct{ ndcg, recall float64 }
	byKind := map[string][]score{}
	var all []score
	for _, q := range set.Queries {
		for id := range q.Judgments {
			if !ids[id] {
				t.Errorf("%s %q: judged %s is not in the fixture feeds", q.ID, q.Query, id)
			}
		}
		res, err := x.Search(context.Background(), &catalog.SearchRequest{Query: q.Query, Size: 20})
		if err != nil {
			t.Errorf("%s %q: %v", q.ID, q.Query, err)
			continue
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Identifier)
		}
		s := score{ndcg(got, q.Judgments, 10), recall(got, q.Judgments, 20)}
		all = append(all, s)
		byKind[q.Kind] = append(byKind[q.Kind], s)
		t.Logf("%s %-32q nDCG@10 %.3f recall@20 %.3f  top: %s", q.ID, q.Query, s.ndcg, s.recall, strings.Join(first(got, 3), ", "))
	}
	mean := func(ss []score) (n, r float64) {
		for _, s := range ss {
			n += s.ndcg
			r += s.recall
		}
		return n / float64(len(ss)), r / float64(len(ss))
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		n, r := mean(byKind[k])
		fmt.Printf("relevance: %-15s %2d queries  nDCG@10 %.3f  recall@20 %.3f\n", k, len(byKind[k]), n, r)
	}
	n, r := mean(all)
	fmt.Printf("relevance: %-15s %2d queries  nDCG@10 %.3f  recall@20 %.3f  (floors %.3f, %.3f)\n", "all", len(all), n, r, floor.NDCG10, floor.Recall20)
	if n < floor.NDCG10 || r < floor.Recall20 {
		t.Errorf("nDCG@10 %.3f, recall@20 %.3f; the floors are %.3f and %.3f (fixtures/relevance/floors.json)", n, r, floor.NDCG10, floor.Recall20)
	}
	t.Run("corrections", func(t *testing.T) { checkFixtureCorrections(t, x) })
}

// checkFixtureCorrections checks the spelling corrections of misspelt
// queries over the fixture feeds (the corpus of the search tests is too
// small to tell the most frequent of several near words).
func checkFixtureCorrections(t *testing.T, x *search.Index) {
	tests := []struct{ query, want string }{
		{"blodtrykkk", "blodtrykk"},
		{"hemoglobn", "hemoglobin"},
		{"diabetis", "diabetes"}, // not diabetic, nearer but rarer
		{"blood presure", "blood pressure"},
		{"svangerskapsforgiftnig", "svangerskapsforgiftning"}, // no record as typed
		{"blodtrykk hemoglobn", "blodtrykk hemoglobin"},
		{"folkehelseinstitutet", "folkehelseinstituttet"}, // a publisher
		{"røykke", "røyke"},                               // finds røyking too; røykte is written more often
		{"hodeomkrets", ""},
		{"SVLEN", ""},
		{"E11", ""},
		{"zzqqxx", ""},
	}
	for _, tt := range tests {
		req := catalog.SearchRequest{Query: tt.query}
		res, err := x.Search(context.Background(), &req)
		if err != nil {
			t.Errorf("Search(%q) = %v", tt.query, err)
			continue
		}
		if res.Correction != tt.want {
			t.Errorf("Search(%q): correction %q; want %q", tt.query, res.Correction, tt.want)
		}
	}
}

func first(ss []string, n int) []string { return ss[:min(n, len(ss))] }

// ndcg is the normalised discounted cumulative gain of the first k of got,
// with gains 2^grade - 1.
func ndcg(got []string, grades map[string]int, k int) float64 {
	dcg := 0.0
	for i, id := range first(got, k) {
		dcg += (math.Exp2(float64(grades[id])) - 1) / math.Log2(float64(i+2))
	}
	ideal := make([]int, 0, len(grades))
	for _, g := range grades {
		ideal = append(ideal, g)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
	idcg := 0.0
	for i, g := range ideal[:min(k, len(ideal))] {
		idcg += (math.Exp2(float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}

// recall is the share of the relevant records (grade 1 or more) in the first
// k of got, out of as many as k can hold.
func recall(got []string, grades map[string]int, k int) float64 {
	relevant := 0
	for _, g := range grades {
		if g > 0 {
			relevant++
		}
	}
	found := 0
	for _, id := range first(got, k) {
		if grades[id] > 0 {
			found++
		}
	}
	if relevant == 0 {
		return 0
	}
	return float64(found) / float64(min(relevant, k))
}

func TestMetrics(t *testing.T) {
	grades := map[string]int{"a": 2, "b": 1, "c": 2}
	if got := ndcg([]string{"a", "c", "b"}, grades, 10); math.Abs(got-1) > 1e-9 {
		t.Errorf("ndcg(ideal) = %v; want 1", got)
	}
	if got := ndcg([]string{"x", "y"}, grades, 10); got != 0 {
		t.Errorf("ndcg(nothing relevant) = %v; want 0", got)
	}
	// b, a, c: (1/log2 2 + 3/log2 3 + 3/log2 4) / (3 + 3/log2 3 + 1/2)
	want := (1 + 3/math.Log2(3) + 1.5) / (3 + 3/math.Log2(3) + 0.5)
	if got := ndcg([]string{"b", "a", "c"}, grades, 10); math.Abs(got-want) > 1e-9 {
		t.Errorf("ndcg(b, a, c) = %v; want %v", got, want)
	}
	if got := recall([]string{"a", "x", "b"}, grades, 2); got != 0.5 {
		t.Errorf("recall@2 = %v; want 0.5 (1 of the 2 that fit)", got)
	}
	if got := recall([]string{"a", "x", "b", "c"}, grades, 20); got != 1 {
		t.Errorf("recall@20 = %v; want 1", got)
	}
}
