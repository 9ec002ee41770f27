package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/katalog/katalog/catalog"
)

// Spelling suggestions ("did you mean"). A plain word of a query that no
// text field has (no title, description, code label or keyword, in any
// language, as its analyzer reads it) and that is no variable name or
// identifier is misspelt if the index has words written near it: one edit
// up to seven letters, two from eight, as typos are matched. The
// correction writes each misspelt word as the nearest such word that starts
// with the same letter, of the equally near the one that finds the most
// records, and leaves every other word, operator and name as it was typed.
//
// Near words are looked up as written, not as stemmed (a stem such as
// hodeomkr is no word to propose), in a field of their own, fieldSpelling:
// the words of titles, descriptions, code labels, keywords and publishers'
// names, lowercased and folded, kept once per dataset on the dataset's
// document (see spellingText), so that a word's count is the number of
// datasets that write it. The lookup is typo tolerance's: the same
// Levenshtein automaton and dictionary walk (nearTerms), once per misspelt
// word.

// minSpelling is the shortest word that is corrected: too many known
// words are one edit from a shorter one.
const minSpelling = 5

// maxSpellingTerms caps the words near a misspelt one that are weighed, per
// segment: all of them, in practice (a long word has a few dozen within two
// edits), and the first in byte order are no better than the others.
const maxSpellingTerms = 4096

// misspelt is a plain word of a query that no text field has, and the rune
// offset in the query's text where it starts.
type misspelt struct {
	word string
	at   int
}

// correction returns text with each misspelt word written as the word the
// index knows near it; "" if no word is misspelt or none has a near word.
func (b *builder) correction(text string) (string, error) {
	if len(b.misspelt) == 0 {
		return "", nil
	}
	ms := slices.Clone(b.misspelt)
	slices.SortFunc(ms, func(a, b misspelt) int { return a.at - b.at })
	runes := []rune(text)
	var out []rune
	last, changed := 0, false
	for _, m := range ms {
		end := m.at + utf8.RuneCountInString(m.word)
		if m.at < last || end > len(runes) || string(runes[m.at:end]) != m.word {
			continue // not where the parser said: leave it
		}
		s, err := b.spelling(m.word)
		if err != nil {
			return "", err
		}
		if s == "" {
			continue
		}
		out = append(append(out, runes[last:m.at]...), []rune(s)...)
		last, changed = end, true
	}
	if !changed {
		return "", nil
	}
	return string(append(out, runes[last:]...)), nil
}

// spelling returns w with its word written as the word the index has that
// is nearest it, starts with the same letter and, of the equally near,
// finds the most records; "" if w is too short, looks like a name or code
// (digits, an underscore, capitals only), is a name the index has, is more
// than one word, or no such word is near it.
func (b *builder) spelling(w string) (string, error) {
	edits := typoEdits(w, minSpelling)
	if edits == 0 || capitals(w) {
		return "", nil
	}
	tokens := b.x.analyze(analyzerOther, w)
	typed, ok := oneTerm(tokens)
	if !ok {
		return "", nil
	}
	if name, err := b.isName(w); err != nil || name {
		return "", err
	}
	near, err := b.nearTerms(fieldSpelling, typed, edits, maxSpellingTerms)
	if err != nil {
		return "", err
	}
	// Typos seldom change the first letter, and a word that does is most
	// often another word.
	first, _ := utf8.DecodeRuneInString(typed)
	var cands []nearTerm
	for _, t := range near {
		if t.edits == 0 {
			return "", nil // written so somewhere: a word, not a typo
		}
		if r, _ := utf8.DecodeRuneInString(t.term); r == first && !knownName(t.term) && !b.stopWord(t.term) {
			cands = append(cands, t)
		}
	}
	if len(cands) == 0 {
		return "", nil
	}
	// Of the nearest, the most common as written (in the most datasets)
	// first; of those, the one that finds the most records as the
	// analyzers read it (røyke, which finds røyking too, rather than
	// røykte, written more often).
	slices.SortFunc(cands, func(a, b nearTerm) int {
		return cmp.Or(cmp.Compare(a.edits, b.edits), cmp.Compare(b.count, a.count), strings.Compare(a.term, b.term))
	})
	tied := 1
	for tied < min(len(cands), maxWeighed) && cands[tied].edits == cands[0].edits {
		tied++
	}
	best := cands[0].term
	if tied > 1 {
		var most uint64
		for i, c := range cands[:tied] {
			n, err := b.records(c.term)
			if err != nil {
				return "", err
			}
			if i == 0 || n > most {
				best, most = c.term, n
			}
		}
	}
	start, end := tokens[0].Start, tokens[0].End
	return w[:start] + inCaseOf(w[start:end], best) + w[end:], nil
}

// maxWeighed caps the equally near words whose records are counted.
const maxWeighed = 8

// records returns how many records have w in each text field, summed: the
// records w finds, as the analyzers read it.
func (b *builder) records(w string) (uint64, error) {
	var n uint64
	for _, f := range textFields() {
		if term, ok := oneTerm(b.x.analyze(f.analyzer, w)); ok {
			c, err := b.count(f.name, []string{term})
			if err != nil {
				return 0, err
			}
			n += c
		}
	}
	return n, nil
}

// stopWord reports whether w is a stop word in Norwegian and English alike.
func (b *builder) stopWord(w string) bool {
	return len(b.x.analyze(analyzerNo, w)) == 0 && len(b.x.analyze(analyzerEn, w)) == 0
}

// isName reports whether the index has w as a variable name or an
// identifier.
func (b *builder) isName(w string) (bool, error) {
	n, err := b.count(fieldNameLower, []string{strings.ToLower(fold(w))})
	if err != nil || n > 0 {
		return n > 0, err
	}
	n, err = b.count(fieldIdentifier, []string{w})
	return n > 0, err
}

// oneTerm returns the term of a token stream that is one word: the whole
// word where a compound also yields its parts.
func oneTerm(ts analysis.TokenStream) (string, bool) {
	if len(ts) == 0 {
		return "", false
	}
	for _, t := range ts[1:] {
		if t.Position != ts[0].Position {
			return "", false
		}
	}
	return string(ts[0].Term), true
}

// capitals reports whether w has letters and all of them are capitals, as
// abbreviations and variable names (SVLEN, KOLS) are written.
func capitals(w string) bool {
	letters := false
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		letters = letters || unicode.IsLetter(r)
	}
	return letters
}

// inCaseOf returns s (lower case) with a capital first letter if w has one.
func inCaseOf(w, s string) string {
	if s == "" {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// corrects reports whether the corrected text of a query finds records with
// the request's type and filters, and finds every word of it wherever res,
// the result of the text as typed, found every word. It looks for one
// record of each, without counting, scoring or reading hits.
func (x *Index) corrects(ctx context.Context, req *catalog.SearchRequest, corrected string, res *catalog.SearchResult) (bool, error) {
	tq, err := x.textQuery(ctx, corrected, false)
	if catalog.ErrorCode(err) == catalog.EINVALID {
		return false, nil // a correction the parser cannot read is none
	}
	if err != nil {
		return false, err
	}
	found, err := x.finds(ctx, req, tq.q)
	if err != nil || found || tq.units < 2 {
		return found, err
	}
	if res.Total > 0 && !res.Relaxed {
		return false, nil
	}
	if tq, err = x.textQuery(ctx, corrected, true); err != nil {
		return false, err
	}
	return x.finds(ctx, req, tq.q)
}

// finds reports whether any record matches text with the request's type and
// filters: the first match of the search, not all of them, by the
// evaluator of eval.go where it takes the query.
func (x *Index) finds(ctx context.Context, req *catalog.SearchRequest, text query.Query) (bool, error) {
	r, err := x.reader()
	if err != nil {
		return false, err
	}
	defer r.Close()
	q := buildQuery(req, "", text)
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		// Not through the decoded postings: the type and filter terms
		// have lists of up to every record, read here only to a first match.
		prog, ok, err := compileQuery(snap, q, nil)
		if err != nil {
			return false, fmt.Errorf("search: correction: %w", err)
		}
		if ok {
			return anyMatch(ctx, snap, prog)
		}
	}
	return findsBleve(ctx, r, x.idx.Mapping(), q)
}

// findsBleve is finds by Bleve's searchers.
func findsBleve(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, q query.Query) (bool, error) {
	s, err := q.Searcher(ctx, r, m, bsearch.SearcherOptions{})
	if err != nil {
		return false, fmt.Errorf("search: correction: %w", err)
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: r}
	dm, err := s.Next(sctx)
	if err != nil {
		return false, fmt.Errorf("search: correction: %w", err)
	}
	return dm != nil, nil
}
