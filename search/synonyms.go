package search

import (
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/katalog/katalog/search/lexicon"
)

// maxSynonymWords is the most words a synonym term may have to be found in
// a query, and maxSynonyms the most synonyms one unit of a query gets.
const (
	maxSynonymWords = 4
	maxSynonyms     = 16
	minStemKey      = 5 // a word this short is looked up as typed only
)

// expander finds the synonyms of words in the lexicon's groups. A term is
// found as typed (lowercased and folded) and, if it is long enough, by its
// Norwegian or English stems, so that "hjerteinfarktet" finds the group of
// "hjerteinfarkt".
type expander struct {
	groups   [][]string
	learned  int              // groups from this index on were learned from the corpus
	surface  map[string][]int // key → groups
	stems    map[string][]int
	analyze  func(analyzer, text string) analysis.TokenStream
	analyzed analysisCache
}

// analysisCache remembers how the analyzers read the short texts of
// queries (a word, a code, a name): a query's words are analysed by each
// field's analyzer, each time through the stemmer and the compound
// splitter, and the same words come back from search to search. The
// token streams it returns are shared: read them, never change them.
type analysisCache struct {
	mu     sync.Mutex
	tokens map[analysisKey]analysis.TokenStream
}

type analysisKey struct{ analyzer, text string }

// Bounds of analysisCache: the longest text kept, and how many; when full,
// it starts again.
const (
	analysisCacheText = 64
	analysisCacheMax  = 50_000
)

func (c *analysisCache) get(analyzer, text string, analyze func() analysis.TokenStream) analysis.TokenStream {
	if len(text) > analysisCacheText {
		return analyze()
	}
	k := analysisKey{analyzer, text}
	c.mu.Lock()
	ts, ok := c.tokens[k]
	c.mu.Unlock()
	if ok {
		return ts
	}
	ts = analyze()
	c.mu.Lock()
	if c.tokens == nil || len(c.tokens) >= analysisCacheMax {
		c.tokens = map[analysisKey]analysis.TokenStream{}
	}
	c.tokens[k] = ts
	c.mu.Unlock()
	return ts
}

func newExpander(lex *lexicon.Lexicon, im mapping.IndexMapping) *expander {
	e := &expander{
		groups:  lex.Groups,
		learned: lex.Learned,
		surface: map[string][]int{},
		stems:   map[string][]int{},
	}
	analyze := func(name, text string) analysis.TokenStream {
		a := im.AnalyzerNamed(name)
		if a == nil {
			return nil
		}
		return a.Analyze([]byte(text))
	}
	e.analyze = analyze // the lexicon's words once each, not through the cache
	for gi, g := range lex.Groups {
		for _, t := range g {
			e.surface[surfaceKey(t)] = appendOnce(e.surface[surfaceKey(t)], gi)
			for _, k := range e.stemKeys(t) {
				e.stems[k] = appendOnce(e.stems[k], gi)
			}
		}
	}
	e.analyze = func(name, text string) analysis.TokenStream {
		return e.analyzed.get(name, text, func() analysis.TokenStream { return analyze(name, text) })
	}
	return e
}

func appendOnce(s []int, v int) []int {
	if len(s) > 0 && s[len(s)-1] == v {
		return s
	}
	return append(s, v)
}

func surfaceKey(s string) string {
	return fold(lexicon.Normalize(s))
}

// stemKeys returns a term's keys by its Norwegian and English stems: the
// whole-word tokens (not compound parts) of each analyzer, joined.
func (e *expander) stemKeys(t string) []string {
	if utf8.RuneCountInString(t) < minStemKey {
		return nil
	}
	var out []string
	for _, a := range []string{analyzerNo, analyzerEn} {
		ts := e.analyze(a, t)
		var words []string
		for i, tok := range ts {
			if i > 0 && tok.Position == ts[i-1].Position {
				continue
			}
			words = append(words, string(tok.Term))
		}
		if len(words) > 0 {
			out = append(out, a+":"+strings.Join(words, " "))
		}
	}
	return out
}

// alt is a synonym, and whether it was learned from the corpus (and so
// counts for less) rather than reviewed.
type alt struct {
	term    string
	learned bool
}

// synonymsOf returns the synonyms of the words (a term of one or more
// words), not counting terms that are the same as the words themselves.
func (e *expander) synonymsOf(words []string) []string {
	var out []string
	for _, a := range e.alternatives(words) {
		out = append(out, a.term)
	}
	return out
}

// alternatives is synonymsOf with where each synonym came from.
func (e *expander) alternatives(words []string) []alt {
	if e == nil || len(words) == 0 {
		return nil
	}
	term := strings.Join(words, " ")
	key := surfaceKey(term)
	groups := e.surface[key]
	if len(groups) == 0 {
		for _, k := range e.stemKeys(term) {
			groups = append(groups, e.stems[k]...)
		}
	}
	// Learned pairs only where no reviewed group has the words: they fill
	// gaps, but are noisier than what a person checked.
	sort.Ints(groups)
	if len(groups) > 0 && groups[0] < e.learned {
		n := sort.SearchInts(groups, e.learned)
		groups = groups[:n]
	}
	var out []alt
	seen := map[string]bool{key: true}
	for _, gi := range groups {
		for _, t := range e.groups[gi] {
			k := surfaceKey(t)
			if seen[k] || len(out) == maxSynonyms {
				continue
			}
			seen[k] = true
			out = append(out, alt{t, gi >= e.learned})
		}
	}
	return out
}

// synonymsOfStem returns the terms of the reviewed groups with a one-word
// term whose stem in analyzer is stem.
func (e *expander) synonymsOfStem(analyzer, stem string) []string {
	var out []string
	for _, gi := range e.stems[analyzer+":"+stem] {
		if gi < e.learned {
			out = append(out, e.groups[gi]...)
		}
	}
	return out
}
