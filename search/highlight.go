package search

import (
	"html"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/katalog/katalog/catalog"
)

// Highlighting marks, in the titles and descriptions of a page of hits,
// the words the query matched: each text is analysed as its field is, and a
// word whose term (or compound part) the query asked for, in that
// analyzer's form, is marked. The index keeps no term vectors or stored
// copies of the texts for this, which keeps it small and fast to build.

// marks are the terms a query matches by, per analyzer.
type marks struct {
	terms    map[string]map[string]bool // analyzer → term
	prefixes map[string][]string        // analyzer → prefix
}

func newMarks() *marks {
	return &marks{terms: map[string]map[string]bool{}, prefixes: map[string][]string{}}
}

func (m *marks) addTerm(analyzer, term string) {
	if m == nil {
		return
	}
	if m.terms[analyzer] == nil {
		m.terms[analyzer] = map[string]bool{}
	}
	m.terms[analyzer][term] = true
}

func (m *marks) addPrefix(analyzer, prefix string) {
	if m != nil {
		m.prefixes[analyzer] = append(m.prefixes[analyzer], prefix)
	}
}

func (m *marks) match(analyzer, term string) bool {
	if m.terms[analyzer][term] {
		return true
	}
	for _, p := range m.prefixes[analyzer] {
		if strings.HasPrefix(term, p) {
			return true
		}
	}
	return false
}

// fragmentRunes is about how long a description's fragment is.
const fragmentRunes = 200

// highlight fills in the highlights of hits.
func (x *Index) highlightHits(m *marks, hits []catalog.SearchHit) {
	if m == nil {
		return
	}
	for i := range hits {
		h := &hits[i]
		h.Highlights = nil
		for _, part := range []struct {
			kind string
			text catalog.Text
		}{{"title", h.Title}, {"description", h.Description}} {
			for lang, s := range part.text {
				frag := x.markText(m, analyzerFor(lang), s, part.kind == "description")
				if frag == "" {
					continue
				}
				if h.Highlights == nil {
					h.Highlights = map[string][]string{}
				}
				key := part.kind + "." + langField(lang)
				h.Highlights[key] = append(h.Highlights[key], frag)
			}
		}
	}
}

// markText returns s, HTML-escaped, with the matched words in <mark>; a
// long text is cut to a fragment around the first; "" if nothing matched.
func (x *Index) markText(m *marks, analyzer, s string, cut bool) string {
	type span struct{ start, end int }
	var spans []span
	x.words.each(x, analyzer, s, func(term string, start, end int) {
		if m.match(analyzer, term) {
			spans = append(spans, span{start, end})
		}
	})
	if len(spans) == 0 {
		return ""
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	lo, hi := 0, len(s)
	if cut && utf8.RuneCountInString(s) > fragmentRunes {
		lo = wordStart(s, max(0, spans[0].start-fragmentRunes/4))
		hi = wordEnd(s, min(len(s), lo+fragmentRunes*3/2))
	}
	var b strings.Builder
	if lo > 0 {
		b.WriteString("…")
	}
	at := lo
	for _, sp := range spans {
		if sp.start < at || sp.end > hi {
			continue // overlapping (a compound's parts) or outside the fragment
		}
		b.WriteString(html.EscapeString(s[at:sp.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(s[sp.start:sp.end]))
		b.WriteString("</mark>")
		at = sp.end
	}
	b.WriteString(html.EscapeString(s[at:hi]))
	if hi < len(s) {
		b.WriteString("…")
	}
	return b.String()
}

// wordStart moves i back to the start of its word.
func wordStart(s string, i int) int {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	if j := strings.LastIndexAny(s[:i], " \t\n"); j >= 0 {
		return j + 1
	}
	return 0
}

// wordEnd moves i on to the end of its word.
func wordEnd(s string, i int) int {
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	if j := strings.IndexAny(s[i:], " \t\n"); j >= 0 {
		return i + j
	}
	return len(s)
}

// wordCache remembers how an analyzer's token filters read a word. The
// words of titles and descriptions repeat from record to record, and the
// filters (stemming, compounds) cost most of marking a page of hits; they
// read each token on its own, so a word reads the same wherever it stands.
type wordCache struct {
	mu    sync.Mutex
	words map[string][]wordTerm // analyzer name + "\x00" + token → terms
}

// wordTerm is a term a token gives, with its place relative to the
// token's start.
type wordTerm struct {
	term       string
	start, end int
}

// wordCacheMax bounds the words remembered; when full, it starts again.
const wordCacheMax = 200_000

// each calls fn with every term the analyzer reads in s and where it
// stands in s.
func (c *wordCache) each(x *Index, analyzer, s string, fn func(term string, start, end int)) {
	a, ok := x.idx.Mapping().AnalyzerNamed(analyzer).(*analysis.DefaultAnalyzer)
	if !ok || a.CharFilters != nil {
		for _, t := range x.analyze(analyzer, s) {
			fn(string(t.Term), t.Start, t.End)
		}
		return
	}
	for _, tok := range a.Tokenizer.Tokenize([]byte(s)) {
		key := analyzer + "\x00" + string(tok.Term)
		c.mu.Lock()
		terms, ok := c.words[key]
		c.mu.Unlock()
		if !ok {
			ts := analysis.TokenStream{&analysis.Token{Term: tok.Term, Start: 0, End: tok.End - tok.Start, Position: 1, Type: tok.Type}}
			for _, f := range a.TokenFilters {
				ts = f.Filter(ts)
			}
			terms = make([]wordTerm, len(ts))
			for i, t := range ts {
				terms[i] = wordTerm{string(t.Term), t.Start, t.End}
			}
			c.mu.Lock()
			if c.words == nil || len(c.words) >= wordCacheMax {
				c.words = map[string][]wordTerm{}
			}
			c.words[key] = terms
			c.mu.Unlock()
		}
		for _, t := range terms {
			fn(t.term, tok.Start+t.start, tok.Start+t.end)
		}
	}
}
