package search

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/katalog/katalog/catalog"
)

// queryColumn finds the column a query error names.
var queryColumn = regexp.MustCompile(`\(column (\d+)\)$`)

// FuzzParseQuery reads search queries: parseQuery never panics; a query it
// cannot read gives an EINVALID error that names a column of the query; a
// query it reads, written back, reads the same, and builds a Bleve query
// (all-of and any-of) without error. The seeds are in
// testdata/fuzz/FuzzParseQuery.
func FuzzParseQuery(f *testing.F) {
	x, err := NewMemOnly()
	if err != nil {
		f.Fatal(err)
	}
	defer x.Close()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, text string) {
		cs, err := parseQuery(text)
		if err != nil {
			if catalog.ErrorCode(err) != catalog.EINVALID {
				t.Fatalf("parseQuery(%q) = %v; want an EINVALID error", text, err)
			}
			msg := catalog.ErrorMessage(err)
			m := queryColumn.FindStringSubmatch(msg)
			if m == nil {
				t.Fatalf("parseQuery(%q) = %q; want an error that names a column", text, msg)
			}
			if col, _ := strconv.Atoi(m[1]); col < 1 || col > utf8.RuneCountInString(text)+1 {
				t.Fatalf("parseQuery(%q) = %q; the column is outside the query", text, msg)
			}
			return
		}
		written := writeClauses(cs)
		again, err := parseQuery(written)
		if err != nil {
			t.Fatalf("parseQuery(%q) = %s, which does not read back: %v", text, written, err)
		}
		if got := writeClauses(again); got != written {
			t.Fatalf("parseQuery(%q) = %s, which reads back as %s", text, written, got)
		}
		for _, relaxed := range []bool{false, true} {
			tq, err := x.textQuery(ctx, text, relaxed)
			if err != nil {
				t.Fatalf("textQuery(%q, relaxed %v) = %v; want a query", text, relaxed, err)
			}
			if vq, ok := tq.q.(query.ValidatableQuery); ok {
				if err := vq.Validate(); err != nil {
					t.Fatalf("textQuery(%q, relaxed %v) built an invalid Bleve query: %v", text, relaxed, err)
				}
			}
		}
	})
}
