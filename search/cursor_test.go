package search_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/search"
)

// Following Next from the first page visits every hit exactly once, in the
// order pages give them, for every sort order, inside and past the
// diversified window.
func TestCursor(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { testCursor(t, b.open(t)) })
	}
}

func testCursor(t *testing.T, x *search.Index) {
	docs, all := pagingCorpus(150, 90, 40) // 280 variables, past the window of 200
	index(t, x, docs)
	for _, base := range []catalog.SearchRequest{
		{Query: "prøve", Size: 30},
		{Query: "prøve", Size: 7},
		{Query: "prøve", Size: 100},
		{Query: "prøve", Sort: catalog.SortTitle, Size: 25},
		{Sort: catalog.SortModified, Size: 40},
		{Size: 33},
	} {
		var byPage, byCursor []string
		for page := 1; ; page++ {
			req := base
			req.Page = page
			res := run(t, x, req)
			if len(res.Hits) == 0 {
				break
			}
			for _, h := range res.Hits {
				byPage = append(byPage, h.IRI)
			}
		}
		req := base
		for pages := 0; ; pages++ {
			res := run(t, x, req)
			for _, h := range res.Hits {
				byCursor = append(byCursor, h.IRI)
			}
			if res.Next == "" {
				break
			}
			if pages > len(all) {
				t.Fatalf("Search(%s): Next never ends", describe(base))
			}
			req.After = res.Next
		}
		if !slices.Equal(byCursor, byPage) {
			t.Errorf("Search(%s): following Next gives %d hits that differ from the %d of the pages", describe(base), len(byCursor), len(byPage))
		}
		got := slices.Clone(byCursor)
		slices.Sort(got)
		want := slices.Clone(all)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Search(%s): following Next gives %d hits; want each of the %d once", describe(base), len(got), len(want))
		}
	}
}

func TestSuggest(t *testing.T) {
	x := backends[0].open(t)
	index(t, x, corpus())
	ctx := context.Background()
	tests := []struct {
		prefix string
		want   []string // texts, in order
	}{
		{"kjø", []string{"Kjønn"}},
		{"KJØ", []string{"Kjønn"}},
		{"sv", []string{"SVLEN", "Svangerskapslengde"}},
		{"blod", []string{"Blodtryk", "Systolisk blodtrykk", "Blodtrykket til mor ved første kontroll"}}, // as common: shorter first; a later word counts
		{"zzz", []string{}},
		{"", []string{}},
	}
	for _, tt := range tests {
		got, err := x.Suggest(ctx, tt.prefix, 10)
		if err != nil {
			t.Errorf("Suggest(%q) = %v", tt.prefix, err)
			continue
		}
		var texts []string
		for _, s := range got {
			texts = append(texts, s.Text)
			if s.Identifier == "" || s.Type == "" || s.Count < 1 {
				t.Errorf("Suggest(%q) = %+v; want a record and a count", tt.prefix, s)
			}
		}
		if !slices.Equal(texts, tt.want) && !(len(texts) == 0 && len(tt.want) == 0) {
			t.Errorf("Suggest(%q) = %q; want %q", tt.prefix, texts, tt.want)
		}
	}
	// Kjønn is the title of two variables: one suggestion that counts both.
	got, _ := x.Suggest(ctx, "kjønn", 10)
	if len(got) != 1 || got[0].Count != 2 || got[0].Type != catalog.KindVariable {
		t.Errorf("Suggest(kjønn) = %+v; want one variable suggestion with count 2", got)
	}
	for _, n := range []int{0, search.MaxSuggestions + 1} {
		if _, err := x.Suggest(ctx, "a", n); catalog.ErrorCode(err) != catalog.EINVALID {
			t.Errorf("Suggest(a, %d) = %v; want invalid", n, err)
		}
	}
}

func TestSimilar(t *testing.T) {
	x := backends[0].open(t)
	docs := corpus()
	index(t, x, docs)
	find := func(id string) catalog.Document {
		for _, d := range docs {
			if d.Variable != nil && d.Variable.Identifier == id {
				return d
			}
		}
		t.Fatalf("no variable %s", id)
		return catalog.Document{}
	}
	tests := []struct {
		id     string
		want   string // among the similar
		reason string // with this reason
		not    string // never this one (same dataset)
	}{
		{"MFR:KJONN", "MSIS:KJONN", catalog.ReasonSameName, "MFR:SVLEN"},
		{"MFR:KJONN", "LPR:KOEN", catalog.ReasonSameTitle, ""},
		{"MFR:BT_MOR", "NPR:BT_SYS", catalog.ReasonSameSubject, "MFR:VEKT"},
	}
	for _, tt := range tests {
		got, err := x.Similar(context.Background(), find(tt.id), 10)
		if err != nil {
			t.Fatalf("Similar(%s) = %v", tt.id, err)
		}
		found := false
		for _, h := range got {
			if h.Identifier == tt.id || h.Identifier == tt.not || h.Dataset.Identifier == find(tt.id).Dataset.Identifier {
				t.Errorf("Similar(%s) has %s, of its own dataset", tt.id, h.Identifier)
			}
			if h.Identifier != tt.want {
				continue
			}
			found = true
			if !slices.ContainsFunc(h.Reasons, func(r catalog.Reason) bool { return r.Kind == tt.reason }) {
				t.Errorf("Similar(%s): %s has reasons %+v; want %s", tt.id, h.Identifier, h.Reasons, tt.reason)
			}
		}
		if !found {
			t.Errorf("Similar(%s) = %v; want %s", tt.id, similarIDs(got), tt.want)
		}
	}
	if _, err := x.Similar(context.Background(), catalog.Document{Dataset: find("MFR:KJONN").Dataset}, 10); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("Similar(dataset) = %v; want invalid", err)
	}
}

func similarIDs(hs []catalog.SimilarHit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Identifier)
	}
	return out
}

// Results are cached until the next write: a write shows at once.
func TestCacheClearedByWrites(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			x := b.open(t)
			index(t, x, corpus())
			req := catalog.SearchRequest{Query: "zebrafisk"}
			if res := run(t, x, req); res.Total != 0 {
				t.Fatalf("Search(zebrafisk) total = %d; want 0", res.Total)
			}
			ds := corpusDataset("MFR")
			v := &catalog.Variable{IRI: ds.IRI + "/variable/ZEBRA", Identifier: "MFR:ZEBRA", Name: "ZEBRA", Dataset: ds.IRI,
				Title: catalog.Text{"nb": "Zebrafisk i akvariet"}}
			index(t, x, []catalog.Document{{Dataset: ds, Variable: v}})
			res := run(t, x, req)
			if res.Total != 1 {
				t.Fatalf("Search(zebrafisk) after indexing total = %d; want 1", res.Total)
			}
			res.Total = 99 // a caller's change does not reach the cache
			if res := run(t, x, req); res.Total != 1 {
				t.Errorf("Search(zebrafisk) again total = %d; want 1", res.Total)
			}
			if err := x.Delete(context.Background(), ds.Source, []string{v.IRI}); err != nil {
				t.Fatal(err)
			}
			if res := run(t, x, req); res.Total != 0 {
				t.Errorf("Search(zebrafisk) after deleting total = %d; want 0", res.Total)
			}
		})
	}
}

// TestSimilarIgnoresCommonWords checks that a word in the titles of many
// records ("runde" in every title of the bench corpus) does not make
// variables similar by itself, while a rare one does.
func TestSimilarIgnoresCommonWords(t *testing.T) {
	x := backends[0].open(t)
	docs := benchCorpus()
	extra := func(ds, name, title string) catalog.Document {
		d := &catalog.Dataset{IRI: "https://example.org/extra/" + ds, Identifier: ds, Source: "extra",
			Title: catalog.Text{"nb": "Ekstra " + ds}, Publisher: fhi}
		return catalog.Document{Dataset: d, Variable: &catalog.Variable{IRI: d.IRI + "/" + name, Identifier: ds + ":" + name,
			Name: name, Dataset: d.IRI, Title: catalog.Text{"nb": title}}}
	}
	x1, y1 := extra("X", "HODE3", "Hodeomkrets, runde 3"), extra("Y", "HODEFODSEL", "Hodeomkrets ved fødsel")
	index(t, x, append(docs, x1, y1))
	got, err := x.Similar(context.Background(), x1, 20)
	if err != nil {
		t.Fatal(err)
	}
	ids := similarIDs(got)
	if !slices.Contains(ids, "Y:HODEFODSEL") {
		t.Errorf("Similar(X:HODE3) = %v; want Y:HODEFODSEL (shares the rare word hodeomkrets)", ids)
	}
	for _, h := range got {
		if strings.HasPrefix(h.Identifier, "B") {
			t.Errorf("Similar(X:HODE3) has %s (%v), which shares only the common word runde", h.Identifier, h.Reasons)
		}
	}
}
