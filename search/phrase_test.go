package search_test

import (
	"testing"

	"github.com/katalog/katalog/catalog"
)

// A quoted phrase matches its words in that order, next to each other.
func TestPhrase(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			x := b.open(t)
			index(t, x, corpus())
			for _, tt := range []struct {
				q    string
				want int
			}{
				{`"blood pressure"`, 3}, // LPR:BLODTRYK by the phrase, the others by its synonym blodtrykk
				{`"pressure blood"`, 0},
				{`"Blodtrykket til mor"`, 1},
				{`"mor til blodtrykket"`, 0},
			} {
				res := run(t, x, catalog.SearchRequest{Query: tt.q, Type: catalog.KindVariable})
				if int(res.Total) != tt.want {
					t.Errorf("Search(%s) = %d hits %v; want %d", tt.q, res.Total, identifiers(res.Hits), tt.want)
				}
			}
		})
	}
}
