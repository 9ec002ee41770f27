package dcat

import (
	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat/rdf"
)

// Graph is an in-memory RDF graph indexed by subject, built from one feed
// (all its pages) before it is mapped to catalog records. Subjects and the
// values of each property keep document order. The zero Graph is not ready
// for use: call NewGraph. A Graph is not safe for concurrent use.
type Graph struct {
	nodes map[rdf.Term]*node
	order []rdf.Term        // subjects in the order first seen
	byPO  map[po][]rdf.Term // subjects by (predicate, object) for reverse lookups
	n     int

	relative []string // relative IRI references in the feed
}

// node holds the properties of one subject.
type node struct {
	props []prop
}

type prop struct {
	p string
	o rdf.Term
}

type po struct {
	p string
	o rdf.Term
}

// Reverse lookups the mapper needs: which subjects have a type, which
// catalogue lists a dataset, which concepts are in a scheme.
func indexedPredicate(p string) bool {
	switch p {
	case rdfType, dcatDatasetProp, skosInScheme:
		return true
	}
	return false
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{nodes: make(map[rdf.Term]*node), byPO: make(map[po][]rdf.Term)}
}

// Add adds a triple. Its signature makes it an rdf.Handler. A repeated
// triple is kept twice; the mapper ignores repeats.
func (g *Graph) Add(t rdf.Triple) error {
	n := g.nodes[t.S]
	if n == nil {
		n = &node{}
		g.nodes[t.S] = n
		g.order = append(g.order, t.S)
	}
	n.props = append(n.props, prop{t.P.Value, t.O})
	if indexedPredicate(t.P.Value) {
		k := po{t.P.Value, t.O}
		g.byPO[k] = append(g.byPO[k], t.S)
	}
	g.n++
	return nil
}

// Len returns the number of triples in the graph.
func (g *Graph) Len() int { return g.n }

// subjects returns the subjects that have predicate p with object o.
func (g *Graph) subjects(p string, o rdf.Term) []rdf.Term {
	return g.byPO[po{p, o}]
}

// objects returns the values of s's property p, in document order.
func (g *Graph) objects(s rdf.Term, p string) []rdf.Term {
	n := g.nodes[s]
	if n == nil {
		return nil
	}
	var out []rdf.Term
	for _, pr := range n.props {
		if pr.p == p {
			out = append(out, pr.o)
		}
	}
	return out
}

// object returns the first value of s's property p.
func (g *Graph) object(s rdf.Term, p string) (rdf.Term, bool) {
	if n := g.nodes[s]; n != nil {
		for _, pr := range n.props {
			if pr.p == p {
				return pr.o, true
			}
		}
	}
	return rdf.Term{}, false
}

// described reports whether s is the subject of any triple.
func (g *Graph) described(s rdf.Term) bool {
	return g.nodes[s] != nil
}

// hasType reports whether s has rdf:type t.
func (g *Graph) hasType(s rdf.Term, t string) bool {
	for _, o := range g.objects(s, rdfType) {
		if o.Kind == rdf.KindIRI && o.Value == t {
			return true
		}
	}
	return false
}

// list returns the members of the RDF collection starting at head. A node
// that is not a collection is returned as the only member. Cycles end the
// walk.
func (g *Graph) list(head rdf.Term) []rdf.Term {
	if head.Kind == rdf.KindIRI && head.Value == rdfNil {
		return nil
	}
	if _, ok := g.object(head, rdfFirst); !ok {
		return []rdf.Term{head}
	}
	var out []rdf.Term
	seen := make(map[rdf.Term]bool)
	for cur := head; !(cur.Kind == rdf.KindIRI && cur.Value == rdfNil) && !seen[cur]; {
		seen[cur] = true
		first, ok := g.object(cur, rdfFirst)
		if !ok {
			break
		}
		out = append(out, first)
		next, ok := g.object(cur, rdfRest)
		if !ok {
			break
		}
		cur = next
	}
	return out
}

// members returns the values of s's property p, expanding any that are RDF
// collections.
func (g *Graph) members(s rdf.Term, p string) []rdf.Term {
	var out []rdf.Term
	for _, o := range g.objects(s, p) {
		if o.Kind == rdf.KindBlank {
			out = append(out, g.list(o)...)
		} else {
			out = append(out, o)
		}
	}
	return out
}

var _ catalog.Feed = (*Graph)(nil)

// OfType implements catalog.Feed.
func (g *Graph) OfType(class string) []catalog.RDFTerm {
	subjects := g.subjects(rdfType, rdf.IRI(class))
	out := make([]catalog.RDFTerm, len(subjects))
	for i, s := range subjects {
		out[i] = toCatalog(s)
	}
	return out
}

// Concepts implements catalog.Feed.
func (g *Graph) Concepts(scheme catalog.RDFTerm) []catalog.RDFTerm {
	subjects := g.subjects(skosInScheme, fromCatalog(scheme))
	out := make([]catalog.RDFTerm, len(subjects))
	for i, s := range subjects {
		out[i] = toCatalog(s)
	}
	return out
}

// RelativeIRIs implements catalog.Feed: the relative IRI references the
// parsers reported through NoteRelative.
func (g *Graph) RelativeIRIs() []string { return g.relative }

// NoteRelative records a relative IRI reference of the feed; pass it as
// rdf.Options.Relative.
func (g *Graph) NoteRelative(ref string) {
	if len(g.relative) < maxRelative {
		g.relative = append(g.relative, ref)
	}
}

// maxRelative caps how many relative references a graph keeps.
const maxRelative = 1000

// Describe implements catalog.Feed.
func (g *Graph) Describe(subject catalog.RDFTerm) []catalog.Statement {
	n := g.nodes[fromCatalog(subject)]
	if n == nil {
		return nil
	}
	out := make([]catalog.Statement, len(n.props))
	for i, pr := range n.props {
		out[i] = catalog.Statement{Predicate: pr.p, Object: toCatalog(pr.o)}
	}
	return out
}

func toCatalog(t rdf.Term) catalog.RDFTerm {
	return catalog.RDFTerm{Kind: catalog.TermKind(t.Kind), Value: t.Value, Lang: t.Lang, Datatype: t.Datatype}
}

func fromCatalog(t catalog.RDFTerm) rdf.Term {
	return rdf.Term{Kind: rdf.Kind(t.Kind), Value: t.Value, Lang: t.Lang, Datatype: t.Datatype}
}
