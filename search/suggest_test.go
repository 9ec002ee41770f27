package search_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/search"
)

// suggestPrefixes are prefixes that reach every title and name of the
// corpus.
var suggestPrefixes = []string{"a", "b", "d", "f", "h", "k", "m", "n", "o", "p", "s", "t", "kjønn", "sex", "blodtr"}

// suggestions returns what Suggest gives for each of suggestPrefixes, one
// line per suggestion; with records, the record of each too.
func suggestions(t *testing.T, x *search.Index, records bool) []string {
	t.Helper()
	var out []string
	for _, p := range suggestPrefixes {
		got, err := x.Suggest(context.Background(), p, search.MaxSuggestions)
		if err != nil {
			t.Fatalf("Suggest(%q) = %v", p, err)
		}
		for _, s := range got {
			line := fmt.Sprintf("%s: %q %s ×%d", p, s.Text, s.Type, s.Count)
			if records {
				line += " " + s.Identifier
			}
			out = append(out, line)
		}
	}
	return out
}

// TestSuggestFollowsChanges checks that suggestions count what the index
// holds after a dataset is indexed again with a retitled variable and after
// another is deleted with its variables; that an index opened again
// suggests the same; and that a new index of what is left suggests the
// same too.
func TestSuggestFollowsChanges(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "idx")
	x, err := search.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { x.Close() }()
	docs := withMembers(corpus())
	index(t, x, docs)
	count := func(prefix, text string) int {
		t.Helper()
		got, err := x.Suggest(ctx, prefix, search.MaxSuggestions)
		if err != nil {
			t.Fatalf("Suggest(%q) = %v", prefix, err)
		}
		for _, s := range got {
			if s.Text == text {
				return s.Count
			}
		}
		return 0
	}
	if n := count("sex", "Sex"); n != 3 {
		t.Errorf("Sex: count %d; want 3 (MFR:KJONN, MSIS:KJONN, LPR:KOEN)", n)
	}

	// MSIS:KJONN is retitled: MSIS's document and the variable's are
	// indexed again, as a harvest does.
	var retitled []catalog.Document
	for i := range docs {
		d := &docs[i]
		if v := d.Variable; v != nil && v.Identifier == "MSIS:KJONN" {
			nv := *v
			nv.Title = catalog.Text{"nb": "Kjønn ved fødsel", "en": "Sex at birth"}
			d.Variable = &nv
		}
	}
	docs = withMembers(docs)
	for _, d := range docs {
		if d.Dataset.Identifier == "MSIS" {
			retitled = append(retitled, d)
		}
	}
	if err := x.Index(ctx, retitled); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		prefix, text string
		want         int
	}{
		{"kjønn", "Kjønn", 1}, {"kjønn", "Kjønn ved fødsel", 1}, {"sex", "Sex", 2}, {"sex", "Sex at birth", 1},
		{"birth", "Sex at birth", 1}, {"diag", "Diagnose", 1},
	} {
		if n := count(c.prefix, c.text); n != c.want {
			t.Errorf("after the retitling, Suggest(%q): %q ×%d; want ×%d", c.prefix, c.text, n, c.want)
		}
	}

	// LPR is withdrawn: its dataset and variables are deleted.
	var gone []string
	var left []catalog.Document
	for _, d := range docs {
		if d.Dataset.Identifier == "LPR" {
			gone = append(gone, d.IRI())
		} else {
			left = append(left, d)
		}
	}
	if err := x.Delete(ctx, "ssi", gone); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		prefix, text string
		want         int
	}{
		{"blodtr", "Blodtryk", 0}, {"køn", "Køn", 0}, {"sex", "Sex", 1}, {"lands", "Landspatientregistret", 0},
		{"blodtr", "Systolisk blodtrykk", 1},
	} {
		if n := count(c.prefix, c.text); n != c.want {
			t.Errorf("after the deletion, Suggest(%q): %q ×%d; want ×%d", c.prefix, c.text, n, c.want)
		}
	}

	// "Meldingssystem for smittsomme sykdommer" starts with s at its third
	// and fourth words: it is suggested once.
	if got, err := x.Suggest(ctx, "s", search.MaxSuggestions); err != nil {
		t.Fatal(err)
	} else {
		seen := map[string]bool{}
		for _, s := range got {
			if seen[s.Text] {
				t.Errorf("Suggest(s) shows %q twice: %+v", s.Text, got)
			}
			seen[s.Text] = true
		}
	}

	before := suggestions(t, x, true)
	if len(before) < 20 {
		t.Fatalf("only %d suggestions over the corpus: %q", len(before), before)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if x, err = search.Open(path); err != nil {
		t.Fatal(err)
	}
	if got := suggestions(t, x, true); !slices.Equal(got, before) {
		t.Errorf("opened again, the index suggests\n%q\nwant\n%q", got, before)
	}

	// A new index of what is left suggests the same texts, types and
	// counts (which of the records is shown may differ).
	fresh, err := search.NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if err := fresh.Index(ctx, left); err != nil {
		t.Fatal(err)
	}
	if got, want := suggestions(t, fresh, false), suggestions(t, x, false); !slices.Equal(got, want) {
		t.Errorf("a new index of the same records suggests\n%q\nwant\n%q", got, want)
	}
}

// TestSuggestWhileWriting indexes datasets again and again while suggesting
// (run it with -race), with each dataset twice in some batches and deleted
// twice over, and then checks the counts against a new index of the same
// records.
func TestSuggestWhileWriting(t *testing.T) {
	ctx := context.Background()
	x, err := search.Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	docs := withMembers(corpus())
	index(t, x, docs)
	stop := make(chan struct{})
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := x.Suggest(ctx, suggestPrefixes[i%len(suggestPrefixes)], 5); err != nil {
				errs <- err
				return
			}
		}
	}()
	for round := range 20 {
		// MSIS:KJONN is retitled back and forth, and each dataset's
		// document goes twice in one batch: Bleve keeps the last.
		docs = corpus()
		if round%2 == 1 {
			for i := range docs {
				if v := docs[i].Variable; v != nil && v.Identifier == "MSIS:KJONN" {
					nv := *v
					nv.Title = catalog.Text{"nb": "Kjønn ved fødsel"}
					docs[i].Variable = &nv
				}
			}
		}
		docs = withMembers(docs)
		var batch []catalog.Document
		for _, d := range docs {
			if d.Variable == nil {
				batch = append(batch, d, d)
			}
		}
		if err := x.Index(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if round%5 == 4 {
			var iris []string
			var kpr []catalog.Document
			for _, d := range docs {
				if d.Dataset.Identifier == "KPR" {
					iris = append(iris, d.IRI(), d.IRI())
					kpr = append(kpr, d)
				}
			}
			if err := x.Delete(ctx, "hdir", iris); err != nil {
				t.Fatal(err)
			}
			if err := x.Index(ctx, kpr); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(stop)
	if err := <-errs; err != nil {
		t.Fatalf("Suggest while writing: %v", err)
	}
	fresh := backends[0].open(t)
	if err := fresh.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if got, want := suggestions(t, x, true), suggestions(t, fresh, true); !slices.Equal(got, want) {
		t.Errorf("after the writes, the index suggests\n%q\nwant\n%q", got, want)
	}
	if got, _ := x.Suggest(ctx, "kjønn ved", 5); len(got) != 1 || got[0].Count != 1 {
		t.Errorf("Suggest(kjønn ved) = %+v; want Kjønn ved fødsel once", got)
	}
}
