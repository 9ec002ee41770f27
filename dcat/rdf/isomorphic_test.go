package rdf

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// cycles returns N-Triples for directed cycles of blank nodes of the given
// lengths, all with the same predicate.
func cycles(prefix string, lengths ...int) string {
	var b strings.Builder
	for c, n := range lengths {
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "_:%s%d_%d <http://ex.org/next> _:%s%d_%d .\n", prefix, c, i, prefix, c, (i+1)%n)
		}
	}
	return b.String()
}

func TestIsomorphic(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"empty", "", "", true},
		{"same ground triple", `<http://a/s> <http://a/p> "x" .`, `<http://a/s> <http://a/p> "x" .`, true},
		{"different object", `<http://a/s> <http://a/p> "x" .`, `<http://a/s> <http://a/p> "y" .`, false},
		{"lexical forms differ", `<http://a/s> <http://a/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
			`<http://a/s> <http://a/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .`, false},
		{"datatypes differ", `<http://a/s> <http://a/p> "1"^^<http://a/t1> .`, `<http://a/s> <http://a/p> "1"^^<http://a/t2> .`, false},
		{"xsd:string is a simple literal", `<http://a/s> <http://a/p> "x"^^<http://www.w3.org/2001/XMLSchema#string> .`, `<http://a/s> <http://a/p> "x" .`, true},
		{"language tags ignore case", `<http://a/s> <http://a/p> "x"@en-GB .`, `<http://a/s> <http://a/p> "x"@EN-gb .`, true},
		{"language tags differ", `<http://a/s> <http://a/p> "x"@en .`, `<http://a/s> <http://a/p> "x"@nb .`, false},
		{"tagged and simple literal", `<http://a/s> <http://a/p> "x"@en .`, `<http://a/s> <http://a/p> "x" .`, false},
		{"blank nodes renamed", "_:a <http://a/p> _:b .\n_:b <http://a/q> \"1\" .", "_:x <http://a/p> _:y .\n_:y <http://a/q> \"1\" .", true},
		{"blank node against IRI", `_:a <http://a/p> "1" .`, `<http://a/a> <http://a/p> "1" .`, false},
		{"one blank node or two", "_:a <http://a/p> \"1\" .\n_:a <http://a/q> \"2\" .", "_:a <http://a/p> \"1\" .\n_:b <http://a/q> \"2\" .", false},
		{"duplicates do not count", "_:a <http://a/p> \"1\" .\n_:a <http://a/p> \"1\" .", `_:z <http://a/p> "1" .`, true},
		{"direction matters", `_:a <http://a/p> _:b .` + "\n" + `_:b <http://a/q> _:c .`, `_:a <http://a/p> _:b .` + "\n" + `_:c <http://a/q> _:b .`, false},
		{"self loop", `_:a <http://a/p> _:a .`, `_:a <http://a/p> _:b .`, false},
		{"two triangles or a hexagon", cycles("t", 3, 3), cycles("h", 6), false},
		{"triangles and hexagon, reordered", cycles("x", 3, 6, 3), cycles("y", 6, 3, 3), true},
		{"interchangeable blank nodes", manyTyped(500, "a"), manyTyped(500, "b"), true},
		{"one interchangeable node missing", manyTyped(500, "a"), manyTyped(499, "b"), false},
	}
	for _, tc := range tests {
		a, b := mustNTriples(t, tc.a), mustNTriples(t, tc.b)
		if got := Isomorphic(a, b); got != tc.want {
			t.Errorf("%s: Isomorphic(%q, %q) = %v; want %v", tc.name, abbrev(tc.a), abbrev(tc.b), got, tc.want)
		}
		if got := Isomorphic(b, a); got != tc.want {
			t.Errorf("%s: Isomorphic(%q, %q) = %v; want %v", tc.name, abbrev(tc.b), abbrev(tc.a), got, tc.want)
		}
	}
}

func abbrev(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func manyTyped(n int, label string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "_:%s%d <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://a/T> .\n", label, i)
	}
	return b.String()
}

// TestIsomorphicLarge checks a graph of about 10,000 triples, half of them
// about blank nodes, against a shuffled and renamed copy.
func TestIsomorphicLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var a []Triple
	for i := 0; i < 2000; i++ {
		ds := IRI(fmt.Sprintf("http://ex.org/dataset/%d", i))
		period := Blank(fmt.Sprintf("p%d", i))
		contact := Blank(fmt.Sprintf("c%d", i%300))
		a = append(a,
			Triple{ds, IRI("http://purl.org/dc/terms/title"), Literal(fmt.Sprintf("Dataset %d", i), "en", "")},
			Triple{ds, IRI("http://purl.org/dc/terms/temporal"), period},
			Triple{period, IRI("http://www.w3.org/ns/dcat#startDate"), Literal(fmt.Sprint(1990+i%30), "", XSDNS+"gYear")},
			Triple{ds, IRI("http://www.w3.org/ns/dcat#contactPoint"), contact},
			Triple{contact, IRI(RDFType), IRI("http://www.w3.org/2006/vcard/ns#Organization")},
		)
	}
	rename := func(t Term) Term {
		if t.IsBlank() {
			t.Value = "renamed-" + t.Value
		}
		return t
	}
	b := make([]Triple, len(a))
	for i, tr := range a {
		b[i] = Triple{rename(tr.S), tr.P, rename(tr.O)}
	}
	rng.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
	start := time.Now()
	if !Isomorphic(a, b) {
		t.Errorf("Isomorphic(graph, shuffled renamed copy) = false; want true")
	}
	b[17].O = Literal("changed", "", "")
	if b[17].S.IsBlank() {
		b[17].S = Blank("renamed-c5")
	}
	if Isomorphic(a, b) {
		t.Errorf("Isomorphic(graph, changed copy) = true; want false")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Isomorphic on %d triples took %v; want well under 5s", len(a), d)
	}
}
