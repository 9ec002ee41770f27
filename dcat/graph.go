package dcat

import (
	"fmt"
	"strings"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat/rdf"
)

// Graph is an in-memory RDF graph indexed by subject, built from one feed
// (all its pages) before it is mapped to catalog records. Subjects and the
// values of each property keep document order. The zero Graph is not ready
// for use: call NewGraph. A Graph is not safe for concurrent use.
type Graph struct {
	// MaxValues bounds the values of one property of one subject (a
	// dataset's keywords, a table's columns), and the members of one RDF
	// list, which the mapper reads as values of the property that points
	// to it: Add refuses the triple that would go past it with a
	// *TooManyValuesError. Repeated triples count each time. Zero means no
	// limit.
	MaxValues int

	nodes map[rdf.Term]*node
	order []rdf.Term        // subjects in the order first seen
	byPO  map[po][]rdf.Term // subjects by (predicate, object) for reverse lookups
	n     int

	relative []string // relative IRI references in the feed
	// counts holds, for each node that has MaxValues values or more in
	// all, the number of values of each of its properties. A node with
	// fewer cannot have too many of one property, and is not counted.
	counts map[*node]map[string]int
	// The cells of RDF lists, linked by rdf:rest, as disjoint sets (union
	// by size, path halving) whatever the order of their triples: a set's
	// size is the number of members of its list. Kept while MaxValues is
	// set.
	listParent map[rdf.Term]rdf.Term
	listSize   map[rdf.Term]int // of each set, by its root; 1 when absent
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
	if g.MaxValues > 0 {
		if len(n.props) >= g.MaxValues {
			if err := g.count(n, t); err != nil {
				return err
			}
		}
		if t.P.Value == rdfRest && !(t.O.Kind == rdf.KindIRI && t.O.Value == rdfNil) {
			if err := g.linkCells(t.S, t.O); err != nil {
				return err
			}
		}
	}
	n.props = append(n.props, prop{t.P.Value, t.O})
	if indexedPredicate(t.P.Value) {
		k := po{t.P.Value, t.O}
		g.byPO[k] = append(g.byPO[k], t.S)
	}
	g.n++
	return nil
}

// count counts t as a value of its property at its subject's node n, and
// refuses it when that makes more than MaxValues. Add calls it only for
// nodes that already have MaxValues values in all, so feeds whose subjects
// have fewer never pay for counting.
func (g *Graph) count(n *node, t rdf.Triple) error {
	counts := g.counts[n]
	if counts == nil {
		counts = make(map[string]int)
		for _, pr := range n.props {
			counts[pr.p]++
		}
		if g.counts == nil {
			g.counts = make(map[*node]map[string]int)
		}
		g.counts[n] = counts
	}
	c := counts[t.P.Value] + 1
	if c > g.MaxValues {
		return &TooManyValuesError{Subject: resourceName(t.S), Property: t.P.Value, Limit: g.MaxValues}
	}
	counts[t.P.Value] = c
	return nil
}

// linkCells joins the sets of two list cells that rdf:rest links, and
// refuses the link when the list would have more than MaxValues members.
func (g *Graph) linkCells(cell, rest rdf.Term) error {
	if g.listParent == nil {
		g.listParent, g.listSize = make(map[rdf.Term]rdf.Term), make(map[rdf.Term]int)
	}
	a, b := g.listRoot(cell), g.listRoot(rest)
	if a == b {
		return nil // a cycle, or a link given twice
	}
	sa, sb := max(g.listSize[a], 1), max(g.listSize[b], 1)
	if sa+sb > g.MaxValues {
		err := &TooManyValuesError{Limit: g.MaxValues}
		if m, ok := g.object(cell, rdfFirst); ok {
			if m.Kind == rdf.KindLiteral && len(m.Value) > 100 {
				m.Value = strings.ToValidUTF8(m.Value[:100], "") + "…"
			}
			err.Member = m.String()
		}
		return err
	}
	if sa < sb {
		a, b = b, a
	}
	g.listParent[b] = a
	g.listSize[a] = sa + sb
	delete(g.listSize, b)
	return nil
}

// listRoot returns the root of a list cell's set.
func (g *Graph) listRoot(c rdf.Term) rdf.Term {
	for {
		p, ok := g.listParent[c]
		if !ok {
			return c
		}
		if pp, ok := g.listParent[p]; ok {
			g.listParent[c] = pp
			p = pp
		}
		c = p
	}
}

// TooManyValuesError is Add's refusal of a triple that gives a subject more
// values of one property, or an RDF list more members, than the graph's
// MaxValues.
type TooManyValuesError struct {
	Subject  string // an IRI, or _:label for a blank node; "" for a list
	Property string // the property's IRI; "" for a list
	Member   string // for a list, one of its members in N-Triples syntax, if known
	Limit    int
}

func (e *TooManyValuesError) Error() string {
	if e.Subject == "" {
		one := ""
		if e.Member != "" {
			one = " (one of them is " + e.Member + ")"
		}
		return fmt.Sprintf("an RDF list has more than %d members%s, the limit for the values of one property of one subject", e.Limit, one)
	}
	subject := e.Subject
	if !strings.HasPrefix(subject, "_:") {
		subject = "<" + subject + ">"
	}
	return fmt.Sprintf("%s has more than %d values of <%s>, the limit for one property of one subject", subject, e.Limit, e.Property)
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
