package search

import (
	"strings"
	"testing"

	"github.com/katalog/katalog/search/lexicon"
)

// TestWordCacheReadsAsTheAnalyzer checks that reading texts word by word,
// as highlighting does, gives the terms and places the analyzers give for
// the whole text, including the second time a word is met.
func TestWordCacheReadsAsTheAnalyzer(t *testing.T) {
	x, err := NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	texts := []string{
		"Blodtrykksmåling (systolisk), mmHg; BLODTRYKK målt to ganger.",
		"I48.0 atrieflimmer og ATC C10AA01 (simvastatin), ICD-10 E11.9",
		"Mother's age at birth — mors alder ved fødsel, år",
		"Har du nokon gong hatt sjukdom? Ikkje svangerskapsveke 1990–2000",
		"e-post, Ærlig ÅS Øst; naïve café über 12,5 kg/m² 3.14",
	}
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range lex.Groups[:300] {
		texts = append(texts, strings.Join(g, ", "))
	}
	for _, analyzer := range []string{analyzerNo, analyzerEn, analyzerOther} {
		for round := range 2 {
			for _, s := range texts {
				var want, got []string
				for _, tok := range x.analyze(analyzer, s) {
					want = append(want, string(tok.Term)+"@"+s[tok.Start:tok.End])
				}
				x.words.each(x, analyzer, s, func(term string, start, end int) {
					got = append(got, term+"@"+s[start:end])
				})
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s, round %d, %q:\n word by word %v\n whole text   %v", analyzer, round, s, got, want)
				}
			}
		}
	}
}
