package search

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/katalog/katalog/catalog"
)

// Limits of suggestions: how many a request may ask for, and how many
// distinct titles starting with the prefix are weighed (the most common of
// them win; past this many, the first in alphabetical order are weighed).
const (
	MaxSuggestions  = 20
	maxSuggestScan  = 1000
	maxSuggestRunes = 100
)

// Suggest implements catalog.Index: titles (in any language) and variable
// names that start with prefix, the ones most records have first, then
// words before names and codes, then the shortest.
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
	r, err := x.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	dict, err := r.FieldDictPrefix(fieldSuggest, []byte(key))
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
		// Words before names and codes (BLODN_E28) unless the prefix is one.
		if an, bn := knownName(a.key), knownName(b.key); an != bn && !knownName(key) {
			return bn
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
		s, ok, err := suggestion(ctx, r, t.key)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// suggestion returns a suggestion for a suggest key: the text as the first
// record with the key writes it, that record, and how many records have
// the key.
func suggestion(ctx context.Context, r index.IndexReader, key string) (catalog.Suggestion, bool, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(key), fieldSuggest, false, false, false)
	if err != nil {
		return catalog.Suggestion{}, false, fmt.Errorf("suggest: %w", err)
	}
	defer tfr.Close()
	count := int(tfr.Count())
	d, err := tfr.Next(nil)
	if err != nil || d == nil {
		return catalog.Suggestion{}, false, err // nil: deleted since the dictionary counted it
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return suggestionFromDoc(r, d.ID, key, count)
	}
	id, raw, err := storedAt(snap, offsets(snap), binary.BigEndian.Uint64(d.ID))
	if err != nil {
		return catalog.Suggestion{}, false, err
	}
	sh, err := stored(&bsearch.DocumentMatch{ID: id, Fields: map[string]any{fieldHit: string(raw)}})
	if err != nil {
		return catalog.Suggestion{}, false, err
	}
	return suggestionOf(sh, key, count), true, nil
}

// suggestionFromDoc is suggestion for an index that is not scorch (the
// in-memory one of tests).
func suggestionFromDoc(r index.IndexReader, internal index.IndexInternalID, key string, count int) (catalog.Suggestion, bool, error) {
	id, err := r.ExternalID(internal)
	if err != nil {
		return catalog.Suggestion{}, false, err
	}
	doc, err := r.Document(id)
	if err != nil || doc == nil {
		return catalog.Suggestion{}, false, err
	}
	var raw string
	doc.VisitFields(func(f index.Field) {
		if f.Name() == fieldHit {
			raw = string(f.Value())
		}
	})
	sh, err := stored(&bsearch.DocumentMatch{ID: id, Fields: map[string]any{fieldHit: raw}})
	if err != nil {
		return catalog.Suggestion{}, false, err
	}
	return suggestionOf(sh, key, count), true, nil
}

// suggestionOf makes the suggestion of a record for a key: the text as the
// record writes it.
func suggestionOf(sh storedHit, key string, count int) catalog.Suggestion {
	text := key
	for _, s := range append(textValues(sh.Title), sh.Name) {
		if k := suggestKey(s); k == key || strings.HasSuffix(k, " "+key) {
			text = strings.Join(strings.Fields(s), " ")
			break
		}
	}
	return catalog.Suggestion{Text: text, Type: sh.Type, Identifier: sh.Identifier, Count: count}
}
