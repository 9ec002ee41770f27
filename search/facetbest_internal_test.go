package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestFacetBest checks the heap that picks the values a facet shows
// against sorting them all: most common first, ties A–Z.
func TestFacetBest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, 5, 99, 100, 101, 250, 7000} {
		f := &filter{}
		var os []uint32
		for i := range size {
			f.values = append(f.values, fmt.Sprintf("v%05d", r.IntN(size+1)*7919%100000))
			f.counts = append(f.counts, uint32(r.IntN(20)))
			os = append(os, uint32(i))
		}
		want := slices.Clone(os)
		sort.SliceStable(want, func(a, b int) bool { return f.before(want[a], want[b]) })
		want = want[:min(len(want), facetSize)]
		got := f.best(slices.Clone(os), facetSize)
		for i := range want {
			if i >= len(got) || f.before(got[i], want[i]) || f.before(want[i], got[i]) {
				t.Fatalf("%d values: best = %v; want %v", size, got, want)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%d values: %d best; want %d", size, len(got), len(want))
		}
	}
}
