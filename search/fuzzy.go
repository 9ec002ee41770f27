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
// to building the same automaton. Here a word's automaton is built once,
// run over each field's term dictionary, and kept for later searches.

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

// automaton returns the Levenshtein automaton of term and edits (1 or 2).
func (b *builder) automaton(term string, edits int) (*levenshtein.DFA, error) {
	return b.x.dfas.get(term, edits)
}

// dfaCache keeps the automata of the misspellings met lately: building one
// costs up to a millisecond for a long word with two edits (most of such a
// search), and an automaton is only read once built.
type dfaCache struct {
	mu   sync.Mutex
	dfas map[dfaKey]*levenshtein.DFA
}

type dfaKey struct {
	term  string
	edits int
}

// dfaCacheMax bounds the automata kept; when full, the cache starts again.
// An automaton takes 1 KiB per state, and a long word with two edits has
// some hundreds of states (a 27-letter one 1,126): 64 of them take tens of
// megabytes at most.
const dfaCacheMax = 64

func (c *dfaCache) get(term string, edits int) (*levenshtein.DFA, error) {
	k := dfaKey{term, edits}
	c.mu.Lock()
	dfa := c.dfas[k]
	c.mu.Unlock()
	if dfa != nil {
		return dfa, nil
	}
	lbs, err := levenshteinBuilders()
	if err != nil {
		return nil, err
	}
	if dfa, err = lbs[edits-1].BuildDfa(term, uint8(edits)); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.dfas == nil || len(c.dfas) >= dfaCacheMax {
		c.dfas = map[dfaKey]*levenshtein.DFA{}
	}
	c.dfas[k] = dfa
	c.mu.Unlock()
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
