package search

import (
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/no"
	"github.com/blevesearch/bleve/v2/registry"
)

// A token longer than maxCompound bytes is indexed as it is, not split into
// known words: splitting costs the square of its length, and a feed's
// literal with no space in it (megabytes) would hold the harvest's indexing
// for hours.
func TestAnalyzeLongToken(t *testing.T) {
	x, err := NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	short := strings.Repeat("blodtrykk", maxCompound/len("blodtrykk"))
	if got := len(x.analyze(analyzerNo, short)); got < 2 {
		t.Errorf("analyze(%d bytes of blodtrykk) = %d tokens; want the compound and its parts", len(short), got)
	}
	long := short + "blodtrykk"
	if got := len(x.analyze(analyzerNo, long)); got != 1 {
		t.Errorf("analyze(%d bytes of blodtrykk) = %d tokens; want 1, not split", len(long), got)
	}
	huge := strings.Repeat("blodtrykk", 1<<17) // 1.1 MB
	start := time.Now()
	if got := len(x.analyze(analyzerNo, huge)); got != 1 {
		t.Errorf("analyze(%d bytes of blodtrykk) = %d tokens; want 1", len(huge), got)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("analyze(%d bytes) took %v", len(huge), d)
	}
}

// TestStemMemo checks that the stemmer's memo gives what the stemmer
// gives, the first time a word is met and after, and leaves keywords alone.
func TestStemMemo(t *testing.T) {
	inner, err := registry.NewCache().TokenFilterNamed(no.SnowballStemmerName)
	if err != nil {
		t.Fatal(err)
	}
	f := skipKeywords{inner, &memo{m: map[string]string{}}}
	words := strings.Fields("fødsler fødselen blodtrykket blodtrykk hodeomkretsen sykdommer sykdom målingene måling fødsler blodtrykket")
	for round := range 2 {
		for _, w := range words {
			got := f.Filter(analysis.TokenStream{{Term: []byte(w)}, {Term: []byte("i48.0"), KeyWord: true}})
			want := inner.Filter(analysis.TokenStream{{Term: []byte(w)}})
			if string(got[0].Term) != string(want[0].Term) || string(got[1].Term) != "i48.0" {
				t.Errorf("round %d: Filter(%s, i48.0) = %s, %s; want %s, i48.0", round, w, got[0].Term, got[1].Term, want[0].Term)
			}
		}
	}
	if n := len(f.memo.m); n != 9 {
		t.Errorf("the memo has %d words; want the 9 met", n)
	}
}
