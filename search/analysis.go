package search

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/no"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/katalog/katalog/search/lexicon"
	"golang.org/x/text/unicode/norm"
)

// Katalog's analyzers. Norwegian text (bokmål and nynorsk) is lowercased,
// folded, mapped from nynorsk to bokmål forms, stripped of stop words,
// stemmed, and split into the parts of its compounds; English text is
// lowercased, folded, stripped of stop words and stemmed; other text is
// lowercased and folded.
const (
	analyzerNo    = "katalog_no"
	analyzerEn    = "katalog_en"
	analyzerOther = "katalog_other"

	filterFold       = "katalog_fold"
	filterNynorsk    = "katalog_nynorsk"
	filterDecompound = "katalog_decompound"
	filterCodes      = "katalog_codes"
	filterStemNo     = "katalog_stem_no"
	filterStemEn     = "katalog_stem_en"
)

func init() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(registry.RegisterTokenFilter(filterFold, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	}))
	must(registry.RegisterTokenFilter(filterNynorsk, func(_ map[string]any, _ *registry.Cache) (analysis.TokenFilter, error) {
		lex, err := lexicon.Default()
		if err != nil {
			return nil, err
		}
		return nynorskFilter(lex.Nynorsk), nil
	}))
	must(registry.RegisterTokenFilter(filterDecompound, newDecompoundFilter))
	must(registry.RegisterTokenFilter(filterCodes, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return codesFilter{}, nil
	}))
	stemmer := func(name, inner string) {
		must(registry.RegisterTokenFilter(name, func(_ map[string]any, c *registry.Cache) (analysis.TokenFilter, error) {
			f, err := c.TokenFilterNamed(inner)
			return skipKeywords{f, &memo{m: map[string]string{}}}, err
		}))
	}
	stemmer(filterStemNo, no.SnowballStemmerName)
	stemmer(filterStemEn, en.SnowballStemmerName)
	must(registry.RegisterAnalyzer(analyzerNo, func(_ map[string]any, c *registry.Cache) (analysis.Analyzer, error) {
		return chain(c, wordTokenizerName, lowercase.Name, filterFold, filterNynorsk, no.StopName, filterCodes, filterStemNo, filterDecompound)
	}))
	must(registry.RegisterAnalyzer(analyzerEn, func(_ map[string]any, c *registry.Cache) (analysis.Analyzer, error) {
		return chain(c, wordTokenizerName, en.PossessiveName, lowercase.Name, filterFold, en.StopName, filterCodes, filterStemEn)
	}))
	must(registry.RegisterAnalyzer(analyzerOther, func(_ map[string]any, c *registry.Cache) (analysis.Analyzer, error) {
		return chain(c, wordTokenizerName, lowercase.Name, filterFold, filterCodes)
	}))
}

// chain makes an analyzer of a tokenizer and token filters from the registry.
func chain(c *registry.Cache, tokenizer string, filters ...string) (analysis.Analyzer, error) {
	t, err := c.TokenizerNamed(tokenizer)
	if err != nil {
		return nil, err
	}
	a := &analysis.DefaultAnalyzer{Tokenizer: t}
	for _, name := range filters {
		f, err := c.TokenFilterNamed(name)
		if err != nil {
			return nil, fmt.Errorf("token filter %s: %w", name, err)
		}
		a.TokenFilters = append(a.TokenFilters, f)
	}
	return a, nil
}

// fold removes accents where users do not type them (é → e, ü → u) but
// keeps the Norwegian letters æ, ø and å apart from a and o, and writes the
// Swedish and German ä and ö as æ and ø.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case 'æ', 'ø', 'å', 'Æ', 'Ø', 'Å':
			b.WriteRune(r)
			continue
		case 'ä':
			b.WriteRune('æ')
			continue
		case 'Ä':
			b.WriteRune('Æ')
			continue
		case 'ö':
			b.WriteRune('ø')
			continue
		case 'Ö':
			b.WriteRune('Ø')
			continue
		}
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		for _, d := range norm.NFD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				b.WriteRune(d)
			}
		}
	}
	return b.String()
}

type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if f := fold(string(t.Term)); f != string(t.Term) {
			t.Term = []byte(f)
		}
	}
	return in
}

// nynorskFilter writes nynorsk word forms as their bokmål forms, so that
// sjukdom finds sykdom and ikkje is the stop word ikke.
type nynorskFilter map[string]string

func (m nynorskFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if nb, ok := m[string(t.Term)]; ok {
			t.Term = []byte(nb)
		}
	}
	return in
}

// skipKeywords runs a filter that changes tokens in place, one for one
// (a stemmer), on the tokens that are not keywords (codes), and remembers
// what it made of each word: a corpus has some tens of thousands of words,
// met again and again, and stemming one costs more than looking it up.
type skipKeywords struct {
	inner analysis.TokenFilter
	memo  *memo
}

// memo maps words to what a filter made of them, up to maxMemo words.
type memo struct {
	mu sync.RWMutex
	m  map[string]string
}

const maxMemo = 200_000

func (f skipKeywords) Filter(in analysis.TokenStream) analysis.TokenStream {
	var sub analysis.TokenStream
	var words []string
	f.memo.mu.RLock()
	for _, t := range in {
		if t.KeyWord {
			continue
		}
		if s, ok := f.memo.m[string(t.Term)]; ok {
			if len(s) <= len(t.Term) {
				t.Term = append(t.Term[:0], s...) // the term's own bytes
			} else {
				t.Term = []byte(s) // past them are other tokens' bytes
			}
			continue
		}
		sub = append(sub, t)
		words = append(words, string(t.Term))
	}
	f.memo.mu.RUnlock()
	if len(sub) == 0 {
		return in
	}
	f.inner.Filter(sub)
	f.memo.mu.Lock()
	for i, t := range sub {
		if len(f.memo.m) < maxMemo {
			f.memo.m[words[i]] = string(t.Term)
		}
	}
	f.memo.mu.Unlock()
	return in
}

// codesFilter keeps codes whole and findable by their groups: an ICD-10 code
// (i48.0, i48.x) also yields its category (i48); an ATC code (c10aa01) also
// yields its levels (c10, c10a, c10aa). Codes are keywords: no stemmer
// touches them.
type codesFilter struct{}

func (codesFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for i, t := range in {
		groups := codeGroups(string(t.Term))
		if groups == nil {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		if out == nil {
			out = make(analysis.TokenStream, 0, len(in)+len(groups))
			out = append(out, in[:i]...)
		}
		t.KeyWord = true
		out = append(out, t)
		for _, g := range groups {
			out = append(out, &analysis.Token{Term: []byte(g), Start: t.Start, End: t.End, Position: t.Position, Type: t.Type, KeyWord: true})
		}
	}
	if out == nil {
		return in
	}
	return out
}

// codeGroups returns the groups of an ICD-10 or ATC code (lowercase), or
// nil if s is not shaped like one.
func codeGroups(s string) []string {
	isLetter := func(b byte) bool { return b >= 'a' && b <= 'z' }
	isDigit := func(b byte) bool { return b >= '0' && b <= '9' }
	if len(s) < 4 || !isLetter(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) {
		return nil
	}
	rest := s[3:]
	// ICD-10: a dot and one to four more characters.
	if rest[0] == '.' && len(rest) >= 2 && len(rest) <= 5 {
		for i := 1; i < len(rest); i++ {
			if !isLetter(rest[i]) && !isDigit(rest[i]) {
				return nil
			}
		}
		return []string{s[:3]}
	}
	// ATC: letter, digit, digit, letter[, letter[, digit, digit]].
	switch {
	case len(s) == 4 && isLetter(s[3]):
		return []string{s[:3]}
	case len(s) == 5 && isLetter(s[3]) && isLetter(s[4]):
		return []string{s[:3], s[:4]}
	case len(s) == 7 && isLetter(s[3]) && isLetter(s[4]) && isDigit(s[5]) && isDigit(s[6]):
		return []string{s[:3], s[:4], s[:5]}
	}
	return nil
}

// Compound splitting: a stemmed word of at least minCompound letters that is
// a sequence of at least two known words (each at least minPart letters,
// optionally joined by a linking s or e, as in fødsel-s-vekt and
// hjert-e-sykdom) also yields the stems of its parts, at its own position.
// A token longer than maxCompound bytes is not split: no word is that long,
// and splitting costs the square of the length (a feed's 15 MB literal
// without a space would hold its harvest for hours).
const (
	minCompound = 7
	minPart     = 3
	maxCompound = 256
)

// decompounder splits compounds by a dictionary of known words and stems.
type decompounder struct {
	known   map[string]bool
	nynorsk map[string]string
	stem    func(string) string
}

func newDecompoundFilter(_ map[string]any, c *registry.Cache) (analysis.TokenFilter, error) {
	lex, err := lexicon.Default()
	if err != nil {
		return nil, err
	}
	stemmer, err := c.TokenFilterNamed(no.SnowballStemmerName)
	if err != nil {
		return nil, err
	}
	stop, err := c.TokenFilterNamed(no.StopName)
	if err != nil {
		return nil, err
	}
	d := &decompounder{known: map[string]bool{}, nynorsk: lex.Nynorsk}
	d.stem = func(w string) string {
		ts := stemmer.Filter(analysis.TokenStream{{Term: []byte(w)}})
		return string(ts[0].Term)
	}
	isStop := func(w string) bool {
		return len(stop.Filter(analysis.TokenStream{{Term: []byte(w)}})) == 0
	}
	add := func(w string) {
		w = fold(w)
		if nb, ok := lex.Nynorsk[w]; ok {
			w = nb
		}
		if utf8.RuneCountInString(w) < minPart || isStop(w) {
			return
		}
		d.known[w] = true
		d.known[d.stem(w)] = true
	}
	for _, w := range lex.Words {
		add(w)
	}
	for nn, nb := range lex.Nynorsk {
		add(nb)
		// A nynorsk word is a part too (svangerskaps-veke), read as bokmål.
		if utf8.RuneCountInString(nn) >= minPart && !isStop(nb) {
			d.known[nn] = true
		}
	}
	return d, nil
}

func (d *decompounder) Filter(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for i, t := range in {
		var parts []string
		if !t.KeyWord {
			parts = d.split(string(t.Term))
		}
		if parts == nil {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		if out == nil {
			out = make(analysis.TokenStream, 0, len(in)+len(parts))
			out = append(out, in[:i]...)
		}
		out = append(out, t)
		for _, p := range parts {
			out = append(out, &analysis.Token{Term: []byte(p), Start: t.Start, End: t.End, Position: t.Position, Type: t.Type})
		}
	}
	if out == nil {
		return in
	}
	return out
}

// split returns the stems of the parts of a compound, or nil if w is not
// one. Of the ways to split it, the one with the fewest parts wins.
func (d *decompounder) split(w string) []string {
	if len(w) > maxCompound || utf8.RuneCountInString(w) < minCompound {
		return nil
	}
	// parts[i] is the fewest parts that cover w[:i] (0: w[:i] is not
	// covered; parts[0] = 1 stands for the empty start), start[i] where the
	// last of them starts and prev[i] where the one before it ends.
	n := len(w)
	parts := make([]int, n+1)
	start := make([]int, n+1)
	prev := make([]int, n+1)
	parts[0] = 1
	try := func(j, s, i int) {
		p := w[s:i]
		if (s == 0 && i == n) || utf8.RuneCountInString(p) < minPart || !d.known[p] {
			return
		}
		if c := parts[j] + 1; parts[i] == 0 || c < parts[i] {
			parts[i], start[i], prev[i] = c, s, j
		}
	}
	for i := 1; i <= n; i++ {
		if i < n && !utf8.RuneStart(w[i]) {
			continue
		}
		for j := 0; j < i; j++ {
			if parts[j] == 0 || !utf8.RuneStart(w[j]) {
				continue
			}
			try(j, j, i)
			if j > 0 && (w[j] == 's' || w[j] == 'e') {
				try(j, j+1, i) // a linking letter
			}
		}
	}
	if parts[n] < 3 { // not two parts or more
		return nil
	}
	out := make([]string, parts[n]-1)
	for i, k := n, len(out)-1; i > 0; i, k = prev[i], k-1 {
		p := w[start[i]:i]
		if nb, ok := d.nynorsk[p]; ok {
			p = nb
		}
		out[k] = d.stem(p)
	}
	return out
}
