package search_test

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/search"
)

// TestEvalParity holds the fast path's evaluator to Bleve's searchers: for
// the judged queries and the query syntax, over every fixture feed, the
// same matches in the same order with the same scores (to the float32 the
// fast path ranks by, give or take the order in which sums are added).
func TestEvalParity(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes every fixture feed")
	}
	var set struct {
		Queries []judgedQuery `json:"queries"`
	}
	readJSON(t, filepath.Join(relevanceDir, "queries.json"), &set)
	texts := []string{
		"blodtrykk -diastolisk", "+kjønn +alder", "name:SVLEN", "dataset:MFR vekt", "publisher:fhi røyk",
		"hodeomkerts", "blood presure", "(sykdom OR sjukdom) diabetes", "KOLS", "E11", "A10BA02", "metformin",
		`"blood pressure"`, "høyd*", "-røyk", "ikkje", "the of", "zzqqxx",
	}
	for _, q := range set.Queries {
		texts = append(texts, q.Query)
	}
	x, _ := fixtureIndex(t)
	taken := 0
	check := func(text string, relaxed bool) {
		docs, scores, want, wantScores, ok, err := search.EvalMatches(x, text, relaxed)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if !ok {
			return
		}
		taken++
		if len(docs) != len(want) {
			t.Errorf("%q (relaxed %v): evaluator found %d, Bleve %d", text, relaxed, len(docs), len(want))
			return
		}
		for i := range docs {
			if docs[i] != want[i] {
				t.Errorf("%q (relaxed %v): match %d is document %d; Bleve's is %d", text, relaxed, i, docs[i], want[i])
				return
			}
			if d := math.Abs(scores[i] - wantScores[i]); d > 1e-6*wantScores[i] {
				t.Errorf("%q (relaxed %v): document %d scores %g; Bleve %g", text, relaxed, docs[i], scores[i], wantScores[i])
				return
			}
		}
	}
	// Once with the postings read through zap (the fixtures' lists are
	// short), once with every list decoded.
	all := func() {
		for _, text := range texts {
			check(text, false)
			check(text, true)
		}
	}
	all()
	restore := search.DecodeFrom(1)
	all()
	restore()
	// The datasets a query's words name, found by the evaluator as a Bleve
	// search finds them.
	named := 0
	for _, text := range append([]string{"pasientregister", "medisinsk fødselsregister", "HUNT", "mor barn", "health survey",
		"kreftregisteret", "nhanes", "register", "survey", "cohort", "study", "fødselsregister", "examination"}, texts...) {
		got, want, err := search.DatasetsNamed(x, text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q names datasets %v; a Bleve search finds %v", text, got, want)
		}
		if len(want) > 0 {
			named++
		}
	}
	if named < 6 {
		t.Errorf("%d of the queries named a dataset; want at least 6", named)
	}
	// Whether anything matches, under a type and filters, as the spelling
	// check asks it.
	found := 0
	for _, text := range texts {
		for _, req := range []catalog.SearchRequest{{}, {Type: catalog.KindDataset},
			{Filters: map[string][]string{catalog.FacetDatatype: {"date"}, catalog.FacetAccessRights: {"PUBLIC", "RESTRICTED"}}}} {
			got, want, err := search.Finds(x, &req, text)
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			if got != want {
				t.Errorf("%q under %v: the evaluator finds %v, Bleve %v", text, req, got, want)
			}
			if want {
				found++
			}
		}
	}
	if found < len(texts) || found > 3*len(texts)-10 {
		t.Errorf("%d of %d searches found something; want some of each", found, 3*len(texts))
	}
	// Phrases, prefixes and exclusions alone go to Bleve; all else must not.
	if taken < 4*len(texts)*8/10 {
		t.Errorf("the evaluator took %d of %d queries; want at least 80%%", taken, 4*len(texts))
	}
	t.Logf("the evaluator took %d of %d queries", taken, 4*len(texts))
}
