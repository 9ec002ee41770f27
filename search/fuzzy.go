package search

import (
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
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

// nearTerm is a known term, how many edits it is from a misspelling, and
// how many documents have it in the field it was found in.
type nearTerm struct {
	term  string
	edits uint8
	count uint64
}

// nearTerms returns the first limit terms of field, in byte order, that
// are at most edits (1 or 2) edits from term.
func (b *builder) nearTerms(field, term string, edits, limit int) ([]nearTerm, error) {
	if b.near == nil {
		b.near = map[string][]nearTerm{}
	}
	key := fmt.Sprint(field, "\x00", term, "\x00", edits, "\x00", limit)
	if out, ok := b.near[key]; ok {
		return out, nil
	}
	if edits < 1 || edits > 2 {
		return nil, nil
	}
	if err := b.open(); err != nil {
		return nil, err
	}
	dfa, err := b.automaton(term, edits)
	if err != nil {
		return nil, err
	}
	counts := map[string]uint64{}
	if snap, ok := b.reader.(*scorch.IndexSnapshot); ok {
		for _, ss := range snap.Segments() {
			dict, err := ss.Segment().Dictionary(field)
			if err != nil {
				return nil, err
			}
			it := dict.AutomatonIterator(dfa, nil, nil)
			for n := 0; n < limit; n++ {
				e, err := it.Next()
				if err != nil {
					return nil, err
				}
				if e == nil {
					break
				}
				counts[e.Term] += e.Count
			}
		}
	} else if err := nearInDict(b.reader, field, dfa, limit, counts); err != nil {
		return nil, err
	}
	terms := slices.Sorted(maps.Keys(counts))
	out := make([]nearTerm, 0, min(len(terms), limit))
	for _, t := range terms[:min(len(terms), limit)] {
		_, d := dfa.MatchAndDistance(t)
		out = append(out, nearTerm{t, d, counts[t]})
	}
	b.near[key] = out
	return out, nil
}

// automaton returns the Levenshtein automaton of term and edits (1 or 2),
// built once per query.
func (b *builder) automaton(term string, edits int) (*levenshtein.DFA, error) {
	if b.dfas == nil {
		b.dfas = map[string]*levenshtein.DFA{}
	}
	key := fmt.Sprint(term, "\x00", edits)
	if dfa := b.dfas[key]; dfa != nil {
		return dfa, nil
	}
	lbs, err := levenshteinBuilders()
	if err != nil {
		return nil, err
	}
	dfa, err := lbs[edits-1].BuildDfa(term, uint8(edits))
	if err != nil {
		return nil, err
	}
	b.dfas[key] = dfa
	return dfa, nil
}

// nearInDict adds the first limit terms of field that dfa matches, with
// their counts, by reading the field's whole dictionary: for an index that
// is not scorch (the in-memory one of tests), whose dictionaries take no
// automaton.
func nearInDict(r index.IndexReader, field string, dfa *levenshtein.DFA, limit int, counts map[string]uint64) error {
	dict, err := r.FieldDict(field)
	if err != nil {
		return err
	}
	defer dict.Close()
	for len(counts) < limit {
		e, err := dict.Next()
		if err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		if ok, _ := dfa.MatchAndDistance(e.Term); ok {
			counts[e.Term] += e.Count
		}
	}
	return nil
}
