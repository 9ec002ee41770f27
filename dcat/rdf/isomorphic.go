package rdf

import (
	"hash/maphash"
	"slices"
	"strings"
)

// Isomorphic reports whether the graphs a and b are isomorphic: equal up to
// a renaming of blank nodes. Each slice is read as a set, so duplicates do
// not count. Literals compare by lexical form and datatype, with language
// tags compared case-insensitively.
//
// It refines a hash-based colouring of the blank nodes until stable and then
// backtracks over classes of blank nodes the colours cannot tell apart.
func Isomorphic(a, b []Triple) bool {
	ga, gb := dedupe(a), dedupe(b)
	if len(ga) != len(gb) {
		return false
	}
	seed := maphash.MakeSeed()
	ia, ib := newIsoGraph(ga, seed), newIsoGraph(gb, seed)
	if len(ia.ground) != len(ib.ground) || len(ia.edges) != len(ib.edges) || len(ia.nodes) != len(ib.nodes) {
		return false
	}
	for t := range ia.ground {
		if _, ok := ib.ground[t]; !ok {
			return false
		}
	}
	if len(ia.nodes) == 0 {
		return true
	}
	s := isoSearch{a: ia, b: ib}
	return s.search(ia.initialColours(), ib.initialColours(), 0, true) ||
		s.search(ia.initialColours(), ib.initialColours(), 0, false)
}

// normalizeTerm makes equal terms compare equal as Go values.
func normalizeTerm(t Term) Term {
	if t.Kind != KindLiteral {
		t.Lang, t.Datatype = "", ""
		return t
	}
	if t.Lang != "" {
		t.Lang = strings.ToLower(t.Lang)
		t.Datatype = ""
	} else if t.Datatype == XSDString {
		t.Datatype = ""
	}
	return t
}

func dedupe(ts []Triple) []Triple {
	seen := make(map[Triple]struct{}, len(ts))
	out := make([]Triple, 0, len(ts))
	for _, t := range ts {
		t = Triple{S: normalizeTerm(t.S), P: normalizeTerm(t.P), O: normalizeTerm(t.O)}
		if _, ok := seen[t]; !ok {
			seen[t] = struct{}{}
			out = append(out, t)
		}
	}
	return out
}

// isoGraph is a graph prepared for the isomorphism search.
type isoGraph struct {
	seed   maphash.Seed
	ground map[Triple]struct{} // triples without blank nodes
	nodes  []string            // blank node labels by index
	index  map[string]int
	edges  []isoEdge           // triples with blank nodes
	set    map[Triple]struct{} // the same triples, for verification
}

// isoEdge is a triple with at least one blank node. For each position, n is
// the blank node's index, or -1 and h the term's hash.
type isoEdge struct {
	n [3]int
	h [3]uint64
}

func newIsoGraph(ts []Triple, seed maphash.Seed) *isoGraph {
	g := &isoGraph{
		seed:   seed,
		ground: make(map[Triple]struct{}),
		index:  make(map[string]int),
		set:    make(map[Triple]struct{}),
	}
	for _, t := range ts {
		if !t.S.IsBlank() && !t.P.IsBlank() && !t.O.IsBlank() {
			g.ground[t] = struct{}{}
			continue
		}
		g.set[t] = struct{}{}
		var e isoEdge
		for i, term := range [3]Term{t.S, t.P, t.O} {
			if !term.IsBlank() {
				e.n[i] = -1
				e.h[i] = g.termHash(term)
				continue
			}
			n, ok := g.index[term.Value]
			if !ok {
				n = len(g.nodes)
				g.index[term.Value] = n
				g.nodes = append(g.nodes, term.Value)
			}
			e.n[i] = n
		}
		g.edges = append(g.edges, e)
	}
	return g
}

func (g *isoGraph) termHash(t Term) uint64 {
	var h maphash.Hash
	h.SetSeed(g.seed)
	h.WriteByte(byte(t.Kind))
	h.WriteString(t.Value)
	h.WriteByte(0)
	h.WriteString(t.Lang)
	h.WriteByte(0)
	h.WriteString(t.Datatype)
	return h.Sum64()
}

func (g *isoGraph) initialColours() []uint64 {
	return make([]uint64, len(g.nodes))
}

// mix64 is the SplitMix64 finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// refine computes one round of colour refinement: a node's new colour
// combines its colour with the multiset of the triples it is in, seen through
// the current colours.
func (g *isoGraph) refine(col, acc []uint64) []uint64 {
	clear(acc)
	for _, e := range g.edges {
		var sig uint64 = 0x9e3779b97f4a7c15
		for i := 0; i < 3; i++ {
			v := e.h[i]
			if e.n[i] >= 0 {
				v = col[e.n[i]] ^ 0x5555555555555555
			}
			sig = mix64(sig ^ v + uint64(i+1))
		}
		for i := 0; i < 3; i++ {
			if e.n[i] >= 0 {
				acc[e.n[i]] += mix64(sig + uint64(i+1)*0x2545f4914f6cdd1d)
			}
		}
	}
	next := make([]uint64, len(col))
	for n := range col {
		next[n] = mix64(col[n]*0x100000001b3 ^ acc[n])
	}
	return next
}

func countDistinct(sorted []uint64) int {
	n := 0
	for i, c := range sorted {
		if i == 0 || c != sorted[i-1] {
			n++
		}
	}
	return n
}

type isoSearch struct {
	a, b *isoGraph
}

// search refines the colourings ca and cb of the two graphs together and
// then either checks the one bijection they allow or individualises a pair of
// nodes from the smallest ambiguous class and carries on. With greedy set it
// tries only the first candidate of each class, which settles the common
// case of interchangeable blank nodes in linear depth and constant memory;
// otherwise it backtracks over every candidate.
func (s *isoSearch) search(ca, cb []uint64, depth int, greedy bool) bool {
	for {
		var sorted []uint64
		var ok bool
		if ca, cb, sorted, ok = s.stabilize(ca, cb); !ok {
			return false
		}
		class, size := smallestClass(sorted)
		if size == 0 {
			return s.verify(ca, cb)
		}
		pick := slices.Index(ca, class)
		depth++
		mark := mix64(class ^ uint64(depth)*0x9e3779b97f4a7c15)
		if greedy {
			ca[pick], cb[slices.Index(cb, class)] = mark, mark
			continue
		}
		for m, c := range cb {
			if c != class {
				continue
			}
			na, nb := slices.Clone(ca), slices.Clone(cb)
			na[pick], nb[m] = mark, mark
			if s.search(na, nb, depth, false) {
				return true
			}
		}
		return false
	}
}

// stabilize refines both colourings until the number of colours stops
// growing. ok is false as soon as the two differ as multisets.
func (s *isoSearch) stabilize(ca, cb []uint64) (na, nb, sorted []uint64, ok bool) {
	accA, accB := make([]uint64, len(ca)), make([]uint64, len(cb))
	sa, sb := slices.Sorted(slices.Values(ca)), slices.Sorted(slices.Values(cb))
	if !slices.Equal(sa, sb) {
		return nil, nil, nil, false
	}
	distinct := countDistinct(sa)
	for {
		ca, cb = s.a.refine(ca, accA), s.b.refine(cb, accB)
		sa, sb = slices.Sorted(slices.Values(ca)), slices.Sorted(slices.Values(cb))
		if !slices.Equal(sa, sb) {
			return nil, nil, nil, false
		}
		d := countDistinct(sa)
		if d == distinct {
			return ca, cb, sa, true
		}
		distinct = d
	}
}

// smallestClass returns the colour of the smallest class with more than one
// node, and its size; size is 0 if every node has its own colour.
func smallestClass(sorted []uint64) (class uint64, size int) {
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		if n := j - i; n > 1 && (size == 0 || n < size) {
			class, size = sorted[i], n
		}
		i = j
	}
	return class, size
}

// verify checks the bijection given by two discrete colourings.
func (s *isoSearch) verify(ca, cb []uint64) bool {
	byColour := make(map[uint64]string, len(cb))
	for n, c := range cb {
		byColour[c] = s.b.nodes[n]
	}
	mapTerm := func(t Term) Term {
		if t.IsBlank() {
			t.Value = byColour[ca[s.a.index[t.Value]]]
		}
		return t
	}
	for t := range s.a.set {
		u := Triple{S: mapTerm(t.S), P: mapTerm(t.P), O: mapTerm(t.O)}
		if _, ok := s.b.set[u]; !ok {
			return false
		}
	}
	return true
}
