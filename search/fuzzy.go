package search

import (
	"fmt"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/vellum/levenshtein"
)

// Near spellings. Bleve's fuzzy query builds a Levenshtein automaton for
// every field it looks in, and a misspelt word is looked up in eight
// fields and again for its corrections: most of a typo's search time went
// to building the same automaton. Here a word's automaton is built once
// per query and run over each field's term dictionary.

// maxNearTerms caps the known terms a misspelling is expanded to, per field.
const maxNearTerms = 64

var levenshteinBuilders = sync.OnceValues(func() ([2]*levenshtein.LevenshteinAutomatonBuilder, error) {
	var out [2]*levenshtein.LevenshteinAutomatonBuilder
	for i := range out {
		lb, err := levenshtein.NewLevenshteinAutomatonBuilder(uint8(i+1), true)
		if err != nil {
			return out, err
		}
		out[i] = lb
	}
	return out, nil
})

// nearTerm is a known term and how many edits it is from a misspelling.
type nearTerm struct {
	term  string
	edits uint8
}

// nearTerms returns the terms of field, in byte order, that are at most
// edits (1 or 2) edits from term.
func (b *builder) nearTerms(field, term string, edits int) ([]nearTerm, error) {
	if b.near == nil {
		b.near, b.dfas = map[string][]nearTerm{}, map[string]*levenshtein.DFA{}
	}
	key := fmt.Sprint(field, "\x00", term, "\x00", edits)
	if out, ok := b.near[key]; ok {
		return out, nil
	}
	if err := b.open(); err != nil {
		return nil, err
	}
	snap, ok := b.reader.(*scorch.IndexSnapshot)
	if !ok || edits < 1 || edits > 2 {
		return nil, nil
	}
	dkey := fmt.Sprint(term, "\x00", edits)
	dfa := b.dfas[dkey]
	if dfa == nil {
		lbs, err := levenshteinBuilders()
		if err != nil {
			return nil, err
		}
		if dfa, err = lbs[edits-1].BuildDfa(term, uint8(edits)); err != nil {
			return nil, err
		}
		b.dfas[dkey] = dfa
	}
	var terms []string
	for _, ss := range snap.Segments() {
		dict, err := ss.Segment().Dictionary(field)
		if err != nil {
			return nil, err
		}
		it := dict.AutomatonIterator(dfa, nil, nil)
		for len(terms) < maxNearTerms*len(snap.Segments()) {
			e, err := it.Next()
			if err != nil {
				return nil, err
			}
			if e == nil {
				break
			}
			terms = append(terms, e.Term)
		}
	}
	slices.Sort(terms)
	terms = slices.Compact(terms)
	out := make([]nearTerm, 0, min(len(terms), maxNearTerms))
	for _, t := range terms[:min(len(terms), maxNearTerms)] {
		_, d := dfa.MatchAndDistance(t)
		out = append(out, nearTerm{t, d})
	}
	b.near[key] = out
	return out, nil
}
