package search

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestKeep holds the best-n keepers (a heap, and gathering with cuts by
// selection) to a full sort: the same best n, for scores with many ties.
func TestKeep(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 300 {
		m := 1 + r.IntN(3000)
		var all []scored
		for d := range m {
			all = append(all, scored{score: float64(r.IntN(1 + round%50)), doc: uint64(d)})
		}
		r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		for _, n := range []int{1, 5, gatherFrom - 1, gatherFrom, 200} {
			h := &topHeap{r: byScoreOnly}
			for _, s := range all {
				keep(h, n, s)
			}
			h.cut(n)
			got := slices.Clone(h.ms)
			slices.SortFunc(got, func(a, b scored) int { return cmpBetter(a, b) })
			want := slices.Clone(all)
			slices.SortFunc(want, func(a, b scored) int { return cmpBetter(a, b) })
			want = want[:min(n, len(want))]
			if !slices.Equal(got, want) {
				t.Fatalf("round %d, %d matches, n %d: kept %v; want %v", round, m, n, got, want)
			}
		}
		k := r.IntN(m)
		ms := slices.Clone(all)
		selectBest(ms, k, byScoreOnly)
		for i := range ms {
			if i < k && byScoreOnly.better(ms[k], ms[i]) || i > k && byScoreOnly.better(ms[i], ms[k]) {
				t.Fatalf("round %d: selectBest(%d) leaves %v at %d around %v", round, k, ms[i], i, ms[k])
			}
		}
	}
}

func cmpBetter(a, b scored) int {
	switch {
	case byScoreOnly.better(a, b):
		return -1
	case byScoreOnly.better(b, a):
		return 1
	}
	return 0
}
