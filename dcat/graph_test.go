package dcat

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/katalog/katalog/dcat/rdf"
)

// TestGraphMaxValues: Add refuses the value that takes one property of one
// subject past MaxValues, and only that: other properties of the subject,
// and other subjects, may have as many.
func TestGraphMaxValues(t *testing.T) {
	const kw = "<http://www.w3.org/ns/dcat#keyword>"
	values := func(subject, property string, n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(subject + " " + property + " \"k" + itoa(i) + "\" .\n")
		}
		return b.String()
	}
	cases := []struct {
		name    string
		max     int
		doc     string
		wantErr string // "" for none
		wantLen int    // triples in the graph after the refusal
	}{
		{"no limit", 0, values("ex:ds", kw, 50), "", 0},
		{"at the limit", 5, values("ex:ds", kw, 5), "", 0},
		{"past the limit", 5, values("ex:ds", kw, 6),
			"<https://example.org/ds> has more than 5 values of <http://www.w3.org/ns/dcat#keyword>, the limit for one property of one subject", 5},
		{"many properties of one subject, none past the limit", 5,
			values("ex:ds", kw, 5) + values("ex:ds", "dct:title", 5) + values("ex:ds", "dct:description", 5), "", 0},
		{"past the limit after other properties", 5,
			values("ex:ds", "dct:title", 5) + values("ex:ds", kw, 3) + values("ex:ds", "dct:description", 4) + values("ex:ds", kw, 3),
			"<https://example.org/ds> has more than 5 values of <http://www.w3.org/ns/dcat#keyword>", 5 + 3 + 4 + 2},
		{"many subjects", 5, values("ex:a", kw, 5) + values("ex:b", kw, 5) + values("ex:c", kw, 5), "", 0},
		{"repeated triples count", 5, strings.Repeat("ex:ds "+kw+" \"same\" .\n", 6), "has more than 5 values", 5},
		{"blank node", 5, "_:t <http://www.w3.org/ns/csvw#column> " + strings.Repeat("ex:c, ", 5) + "ex:c .\n",
			"_:b1 has more than 5 values of <http://www.w3.org/ns/csvw#column>", 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewGraph()
			g.MaxValues = c.max
			err := rdf.Parse(strings.NewReader(prefixes+c.doc), rdf.FormatTurtle, rdf.Options{Base: "https://example.org/feed.ttl"}, g.Add)
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse into a graph with MaxValues %d = %v; want no error", c.max, err)
				}
				return
			}
			var tooMany *TooManyValuesError
			if !errors.As(err, &tooMany) || !strings.Contains(err.Error(), c.wantErr) || tooMany.Limit != c.max {
				t.Fatalf("Parse into a graph with MaxValues %d = %v; want a *TooManyValuesError saying %q", c.max, err, c.wantErr)
			}
			if g.Len() != c.wantLen {
				t.Errorf("the graph holds %d triples after the refusal; want the %d before it", g.Len(), c.wantLen)
			}
		})
	}
}

// TestGraphMaxValuesLists: an RDF list counts as the values of one
// property, so that a list cannot carry what the property may not; its
// members are counted whatever the order of its triples.
func TestGraphMaxValuesLists(t *testing.T) {
	const (
		first = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>"
		rest  = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>"
		nilIR = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>"
		col   = "<http://www.w3.org/ns/csvw#column>"
	)
	// list writes a list of n columns as N-Triples, cells in the given
	// order, labelled l<list>c<i>.
	list := func(name string, n int, order func(int) int) string {
		var b strings.Builder
		b.WriteString("<https://example.org/" + name + "> " + col + " _:" + name + "c0 .\n")
		for k := range n {
			i := order(k)
			cell := "_:" + name + "c" + itoa(i)
			b.WriteString(cell + " " + first + " <https://example.org/col/" + name + itoa(i) + "> .\n")
			next := nilIR
			if i < n-1 {
				next = "_:" + name + "c" + itoa(i+1)
			}
			b.WriteString(cell + " " + rest + " " + next + " .\n")
		}
		return b.String()
	}
	forward := func(n int) func(int) int { return func(k int) int { return k } }
	backward := func(n int) func(int) int { return func(k int) int { return n - 1 - k } }
	outsideIn := func(n int) func(int) int { // 0, n-1, 1, n-2, ...
		return func(k int) int {
			if k%2 == 0 {
				return k / 2
			}
			return n - 1 - k/2
		}
	}
	cases := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{"at the limit", list("t", 5, forward(5)), ""},
		{"two lists at the limit", list("t", 5, forward(5)) + list("u", 5, backward(5)), ""},
		{"past the limit", list("t", 6, forward(6)),
			"an RDF list has more than 5 members (one of them is <https://example.org/col/t4>), the limit for the values of one property of one subject"},
		{"past the limit, backwards", list("t", 6, backward(6)), "an RDF list has more than 5 members"},
		{"past the limit, from both ends", list("t", 9, outsideIn(9)), "an RDF list has more than 5 members"},
		{"a cycle", list("t", 5, forward(5)) + "_:tc4 " + rest + " _:tc0 .\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewGraph()
			g.MaxValues = 5
			err := rdf.Parse(strings.NewReader(c.doc), rdf.FormatNTriples, rdf.Options{}, g.Add)
			var tooMany *TooManyValuesError
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("Parse(%q) into a graph with MaxValues 5 = %v; want no error", c.doc, err)
			case c.wantErr != "" && (!errors.As(err, &tooMany) || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("Parse(%q) into a graph with MaxValues 5 = %v; want a *TooManyValuesError saying %q", c.doc, err, c.wantErr)
			}
		})
	}
	// With no limit nothing is counted.
	g := NewGraph()
	if err := rdf.Parse(strings.NewReader(list("t", 50, forward(50))), rdf.FormatNTriples, rdf.Options{}, g.Add); err != nil || g.listParent != nil {
		t.Errorf("a graph with no limit = %v, %d list cells kept; want no error and none kept", err, len(g.listParent))
	}
}

// BenchmarkGraph reads the largest fixture (MoBa, 13 MB) into a graph, as
// a harvest does, with no limit and with the default limit of values of a
// property: the limit must cost nothing measurable.
func BenchmarkGraph(b *testing.B) {
	data, err := os.ReadFile("../fixtures/feeds/fhi-moba.ttl")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		max  int
	}{{"no-limit", 0}, {"max-100000", 100_000}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				g := NewGraph()
				g.MaxValues = bc.max
				if err := rdf.Parse(bytes.NewReader(data), rdf.FormatTurtle, rdf.Options{Base: "https://example.org/"}, g.Add); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecode maps the largest fixture's graph (MoBa, 13 MB) to
// records, as a harvest does after validating it.
func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile("../fixtures/feeds/fhi-moba.ttl")
	if err != nil {
		b.Fatal(err)
	}
	g := NewGraph()
	if err := rdf.Parse(bytes.NewReader(data), rdf.FormatTurtle, rdf.Options{Base: "https://example.org/"}, g.Add); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if res := Decode(g); len(res.Snapshot.Variables) == 0 {
			b.Fatal("no variables")
		}
	}
}
