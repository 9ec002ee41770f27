package search

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/katalog/katalog/catalog"
)

// Limits of suggestions: how many a request may ask for, and how many
// distinct titles starting with the prefix are weighed (the most common of
// them win; past this many, the first in alphabetical order are weighed).
const (
	MaxSuggestions  = 20
	maxSuggestScan  = 4000
	maxSuggestRunes = 100
)

// Suggest implements catalog.Index: titles (in any language) and variable
// names that start with prefix, the ones most records have first.
func (x *Index) Suggest(ctx context.Context, prefix string, n int) ([]catalog.Suggestion, error) {
	if utf8.RuneCountInString(prefix) > maxSuggestRunes {
		return nil, catalog.Errorf(catalog.EINVALID, "q is %d characters long; suggestions take at most %d", utf8.RuneCountInString(prefix), maxSuggestRunes)
	}
	if n < 1 || n > MaxSuggestions {
		return nil, catalog.Errorf(catalog.EINVALID, "size must be between 1 and %d, not %d", MaxSuggestions, n)
	}
	key := suggestKey(prefix)
	if key == "" {
		return []catalog.Suggestion{}, nil
	}
	dict, err := x.idx.FieldDictPrefix(fieldSuggest, []byte(key))
	if err != nil {
		return nil, fmt.Errorf("suggest: %w", err)
	}
	type term struct {
		key   string
		count int
	}
	var terms []term
	for i := 0; i < maxSuggestScan; i++ {
		e, err := dict.Next()
		if err != nil {
			dict.Close()
			return nil, fmt.Errorf("suggest: %w", err)
		}
		if e == nil {
			break
		}
		terms = append(terms, term{e.Term, int(e.Count)})
	}
	dict.Close()
	sort.Slice(terms, func(i, j int) bool {
		a, b := terms[i], terms[j]
		if a.count != b.count {
			return a.count > b.count
		}
		if len(a.key) != len(b.key) {
			return len(a.key) < len(b.key)
		}
		return a.key < b.key
	})
	out := []catalog.Suggestion{}
	for _, t := range terms {
		if len(out) == n {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, ok, err := x.suggestion(ctx, t.key)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// suggestion returns a suggestion for a suggest key: the text as one record
// with the key writes it, that record, and how many records have the key.
func (x *Index) suggestion(ctx context.Context, key string) (catalog.Suggestion, bool, error) {
	sr := bleve.NewSearchRequestOptions(termQuery(fieldSuggest, key), 1, 0, false)
	sr.Fields = []string{fieldHit}
	// Variables before datasets, then by identifier: the same record every time.
	sr.SortBy([]string{"-" + fieldType, fieldIdentifier})
	res, err := x.idx.SearchInContext(ctx, sr)
	if err != nil {
		return catalog.Suggestion{}, false, fmt.Errorf("suggest: %w", err)
	}
	if len(res.Hits) == 0 {
		return catalog.Suggestion{}, false, nil // deleted since the dictionary counted it
	}
	sh, err := stored(res.Hits[0])
	if err != nil {
		return catalog.Suggestion{}, false, err
	}
	text := key
	for _, s := range append(textValues(sh.Title), sh.Name) {
		if suggestKey(s) == key {
			text = strings.Join(strings.Fields(s), " ")
			break
		}
	}
	return catalog.Suggestion{Text: text, Type: sh.Type, Identifier: sh.Identifier, Count: int(res.Total)}, true, nil
}
