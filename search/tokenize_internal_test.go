package search

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// TestWordTokenizer holds quickWords to Bleve's unicode tokenizer: the
// same words, places and types for every line of the fixture feeds (their
// titles, descriptions and code labels, and their IRIs and punctuation) and
// for random strings of the characters where words join or break.
func TestWordTokenizer(t *testing.T) {
	full := unicode.NewUnicodeTokenizer()
	quick, checked := 0, 0
	check := func(s string) {
		checked++
		got, ok := quickWords([]byte(s))
		if !ok {
			return
		}
		quick++
		want := full.Tokenize([]byte(s))
		if len(got) == 0 && len(want) == 0 {
			return
		}
		if !reflect.DeepEqual(tokens(got), tokens(want)) {
			t.Errorf("%q: quickWords gives %v; the unicode tokenizer %v", s, tokens(got), tokens(want))
		}
	}
	files, _ := filepath.Glob(filepath.Join("..", "fixtures", "feeds", "*.ttl"))
	if len(files) < 10 {
		t.Fatalf("found %d fixture feeds", len(files))
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			check(sc.Text())
		}
		f.Close()
	}
	if quick < checked/2 {
		t.Errorf("quickWords read %d of %d lines; want at least half", quick, checked)
	}
	t.Logf("quickWords read %d of %d lines of the feeds", quick, checked)
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "B", "z", "æ", "Ø", "å", "é", "ß", "ÿ", "Ā", "ſ", "0", "7", ".", "'", ":", ",", ";", " ", "-", "/", "(", "\t", "\n", "×", "µ", "_", "·", "ж", "\u0301"}
	for range 200_000 {
		s := ""
		for range 1 + r.IntN(12) {
			s += alphabet[r.IntN(len(alphabet))]
		}
		check(s)
	}
}

type tok struct {
	Term       string
	Start, End int
	Position   int
	Type       analysis.TokenType
}

func tokens(ts analysis.TokenStream) []tok {
	var out []tok
	for _, t := range ts {
		out = append(out, tok{string(t.Term), t.Start, t.End, t.Position, t.Type})
	}
	return out
}
