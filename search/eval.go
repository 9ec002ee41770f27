package search

import (
	"context"
	"math"
	"math/bits"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// The fast path's own evaluation of a text query, term at a time: the
// documents are taken in windows of a few thousand, and each node of the
// query fills a bitset and the scores of its matches in the window from
// its terms' postings. Bleve's searchers go document at a time, through a
// heap of searchers and a match object per document and searcher, which
// is most of the cost of a word that matches tens of thousands of
// records. The matches and scores are Bleve's own (TF-IDF with the query
// norm and the coordination factor of disjunctions, as bleve v2.6
// computes them; TestEvalParity holds the two to it): the evaluator only
// takes the queries made of terms, disjunctions, conjunctions and boolean
// queries, and anything else (phrases, prefixes, match-all) goes to
// Bleve's searchers.

// evalOp is what a node of a compiled query does.
type evalOp uint8

const (
	opNone evalOp = iota // matches nothing (Bleve's MatchNoneSearcher)
	opTerm
	opOr
	opAnd
	opBool
)

// enode is a node of a compiled query.
type enode struct {
	op                evalOp
	kids              []*enode  // opOr, opAnd
	min               int       // opOr: how many kids must match
	coord             []float64 // opOr: the coordination factor of c kids matched, c / len(kids)
	must, should, not *enode    // opBool; nil where absent
	shouldMin         int       // opBool: the should part is required when > 0
	slot              int       // opOr, opAnd, opBool: its buffer

	// opTerm
	field string
	term  []byte
	boost float64
	idf   float64
	qw    float64 // the query weight: a posting scores sqrt(freq) × norm × idf × qw
	leaf  int     // its place among the program's leaves
	cost  uint64  // how many postings it reads, about
}

// program is a compiled text query, ready for one snapshot.
type program struct {
	root   *enode
	leaves []*enode
	comps  int // composite nodes, each with a buffer
	// lists holds each term's postings in each segment, read once for the
	// term's document frequency and shared by the passes (a postings list
	// is only read from); decoded holds instead those kept decoded.
	lists   [][]segment.PostingsList
	decoded [][]*decodedList
}

// compileQuery compiles q for snap, taking the decoded postings from pc
// and keeping there those it reads (pc may be nil); ok is false if q has
// a part the evaluator does not take.
func compileQuery(snap *scorch.IndexSnapshot, q query.Query, pc *postingsCache) (*program, bool, error) {
	p := &program{}
	root, ok := p.compile(q)
	if !ok {
		return nil, false, nil
	}
	p.root = root
	total, err := snap.DocCount()
	if err != nil {
		return nil, false, err
	}
	segs := snap.Segments()
	if pc != nil {
		pc.retain(snap)
	}
	dicts := make([]map[string]segment.TermDictionary, len(segs))
	p.lists = make([][]segment.PostingsList, len(p.leaves))
	p.decoded = make([][]*decodedList, len(p.leaves))
	for _, l := range p.leaves {
		n := uint64(0)
		p.lists[l.leaf] = make([]segment.PostingsList, len(segs))
		p.decoded[l.leaf] = make([]*decodedList, len(segs))
		for i, ss := range segs {
			var key postingsKey
			if pc != nil {
				key = postingsKey{seg: ss.Id(), deleted: ss.Deleted(), field: l.field, term: string(l.term)}
				if d := pc.get(key); d != nil {
					p.decoded[l.leaf][i] = d
					n += uint64(len(d.docs))
					continue
				}
			}
			if dicts[i] == nil {
				dicts[i] = map[string]segment.TermDictionary{}
			}
			dict, ok := dicts[i][l.field]
			if !ok {
				var err error
				if dict, err = ss.Segment().Dictionary(l.field); err != nil {
					return nil, false, err
				}
				dicts[i][l.field] = dict
			}
			pl, err := dict.PostingsList(l.term, ss.Deleted(), nil)
			if err != nil {
				return nil, false, err
			}
			p.lists[l.leaf][i] = pl
			n += pl.Count()
			if pc != nil && pl.Count() >= decodeFrom && pc.fits(pl.Count()) {
				d, err := decode(pl)
				if err != nil {
					return nil, false, err
				}
				pc.put(key, d)
				p.decoded[l.leaf][i] = d
			}
		}
		// As bleve's TermQueryScorer.computeIDF (TF-IDF).
		l.idf = 1.0 + math.Log(float64(total)/float64(n+1.0))
		l.cost = n
	}
	root.order()
	// The query norm of the root, as Bleve's composite searchers compute
	// it and hand it down; a lone term keeps a query weight of 1.
	if root.op == opTerm {
		root.qw = 1
	} else {
		norm := 1.0 / math.Sqrt(root.weight())
		root.setNorm(norm)
	}
	return p, true, nil
}

func (p *program) compile(q query.Query) (*enode, bool) {
	switch q := q.(type) {
	case *query.TermQuery:
		if q.FieldVal == "" {
			return nil, false
		}
		n := &enode{op: opTerm, field: q.FieldVal, term: []byte(q.Term), boost: q.BoostVal.Value(), leaf: len(p.leaves)}
		p.leaves = append(p.leaves, n)
		return n, true
	case *query.MatchNoneQuery:
		return &enode{op: opNone}, true
	case *query.DisjunctionQuery:
		kids, ok := p.compileAll(q.Disjuncts)
		if !ok {
			return nil, false
		}
		if len(kids) == 0 {
			return &enode{op: opNone}, true
		}
		if len(kids) > math.MaxUint8 {
			return nil, false // more kids than a match's count (a byte) holds
		}
		coord := make([]float64, len(kids)+1)
		for c := range coord {
			coord[c] = float64(c) / float64(len(kids))
		}
		return p.composite(&enode{op: opOr, kids: kids, min: int(q.Min), coord: coord}), true
	case *query.ConjunctionQuery:
		kids, ok := p.compileAll(q.Conjuncts)
		if !ok {
			return nil, false
		}
		if len(kids) == 0 {
			return &enode{op: opNone}, true
		}
		return p.composite(&enode{op: opAnd, kids: kids}), true
	case *query.BooleanQuery:
		return p.compileBool(q)
	}
	return nil, false
}

func (p *program) compileAll(qs []query.Query) ([]*enode, bool) {
	kids := make([]*enode, 0, len(qs))
	for _, q := range qs {
		k, ok := p.compile(q)
		if !ok {
			return nil, false
		}
		kids = append(kids, k)
	}
	return kids, true
}

// compileBool follows BooleanQuery.Searcher: a part that matches nothing
// is dropped, and a must or should part alone is that part.
func (p *program) compileBool(q *query.BooleanQuery) (*enode, bool) {
	if q.Filter != nil {
		return nil, false
	}
	part := func(q query.Query) (*enode, bool) {
		if q == nil {
			return nil, true
		}
		n, ok := p.compile(q)
		if ok && n.op == opNone {
			n = nil
		}
		return n, ok
	}
	not, ok1 := part(q.MustNot)
	must, ok2 := part(q.Must)
	should, ok3 := part(q.Should)
	if !ok1 || !ok2 || !ok3 {
		return nil, false
	}
	switch {
	case must == nil && should == nil && not == nil:
		return &enode{op: opNone}, true
	case must == nil && should == nil:
		return nil, false // everything but: Bleve's match-all searcher
	case not == nil && should == nil:
		return must, true
	case not == nil && must == nil:
		return should, true
	}
	b := &enode{op: opBool, must: must, should: should, not: not}
	if should != nil {
		d, ok := q.Should.(*query.DisjunctionQuery)
		if !ok {
			return nil, false
		}
		b.shouldMin = int(d.Min)
	}
	return p.composite(b), true
}

func (p *program) composite(n *enode) *enode {
	n.slot = p.comps
	p.comps++
	return n
}

// order puts the kids of each conjunction cheapest first, so that the
// others only look at the documents it matched, and returns n's cost.
func (n *enode) order() uint64 {
	switch n.op {
	case opOr:
		n.cost = 0
		for _, k := range n.kids {
			n.cost += k.order()
		}
	case opAnd:
		n.cost = math.MaxUint64
		for _, k := range n.kids {
			n.cost = min(n.cost, k.order())
		}
		sort.SliceStable(n.kids, func(i, j int) bool { return n.kids[i].cost < n.kids[j].cost })
	case opBool:
		for _, k := range []*enode{n.must, n.should, n.not} {
			if k != nil {
				k.order()
			}
		}
		if n.must != nil {
			n.cost = n.must.cost
		} else {
			n.cost = n.should.cost
		}
	}
	return n.cost
}

// weight is the sum of the squared weights of the terms under n, as
// Bleve's searchers' Weight (the excluded part of a boolean query counts
// for nothing).
func (n *enode) weight() float64 {
	switch n.op {
	case opTerm:
		w := n.boost * n.idf
		return w * w
	case opOr, opAnd:
		sum := 0.0
		for _, k := range n.kids {
			sum += k.weight()
		}
		return sum
	case opBool:
		sum := 0.0
		if n.must != nil {
			sum += n.must.weight()
		}
		if n.should != nil {
			sum += n.should.weight()
		}
		return sum
	}
	return 0
}

// setNorm hands the query norm down to the terms, as SetQueryNorm does.
func (n *enode) setNorm(norm float64) {
	switch n.op {
	case opTerm:
		n.qw = n.boost * n.idf * norm
	case opOr, opAnd:
		for _, k := range n.kids {
			k.setNorm(norm)
		}
	case opBool:
		for _, k := range []*enode{n.must, n.should, n.not} {
			if k != nil {
				k.setNorm(norm)
			}
		}
	}
}

// window is how many documents a node evaluates at a time.
const (
	window      = 4096
	windowWords = window / 64
)

// ebuf holds a node's matches in a window: bit i of bits is document
// base+i, with its score in score[i] (and, for a disjunction, the number
// of its kids that matched in cnt[i]).
type ebuf struct {
	bits  [windowWords]uint64
	score [window]float64
	cnt   [window]uint8
}

var ebufPool = sync.Pool{New: func() any { return new(ebuf) }}

// postCursor is where a term's postings are read in one segment: from
// zap's iterator, or from the decoded list where the term has one.
type postCursor struct {
	seg int // the segment, or -1
	it  segment.PostingsIterator
	cur segment.Posting // nil when the postings are done
	dec *decodedList    // the decoded postings, read at pos; nil for zap's
	pos int
}

// evaluator runs a program over the documents of one pass.
type evaluator struct {
	p       *program
	cursors []postCursor
	bufs    []*ebuf
	leafBuf *ebuf
}

func newEvaluator(p *program) *evaluator {
	e := &evaluator{p: p, cursors: make([]postCursor, len(p.leaves)), bufs: make([]*ebuf, p.comps),
		leafBuf: ebufPool.Get().(*ebuf)}
	for i := range e.cursors {
		e.cursors[i].seg = -1
	}
	for i := range e.bufs {
		e.bufs[i] = ebufPool.Get().(*ebuf)
	}
	return e
}

// release returns the evaluator's buffers.
func (e *evaluator) release() {
	ebufPool.Put(e.leafBuf)
	for _, b := range e.bufs {
		ebufPool.Put(b)
	}
	e.bufs, e.leafBuf = nil, nil
}

// peek returns the first document at or after from of leaf l in segment
// seg, or math.MaxUint64 if there is none.
func (e *evaluator) peek(l *enode, seg int, from uint64) (uint64, error) {
	c := &e.cursors[l.leaf]
	if c.seg != seg {
		c.seg = seg
		if c.dec = e.p.decoded[l.leaf][seg]; c.dec != nil {
			c.pos = 0
		} else {
			c.it = e.p.lists[l.leaf][seg].Iterator(true, true, false, c.it)
			var err error
			if c.cur, err = c.it.Next(); err != nil {
				return 0, err
			}
		}
	}
	if c.dec != nil {
		docs := c.dec.docs
		if c.pos < len(docs) && uint64(docs[c.pos]) < from {
			c.pos = c.dec.seek(c.pos, from)
		}
		if c.pos >= len(docs) {
			return math.MaxUint64, nil
		}
		return uint64(docs[c.pos]), nil
	}
	if c.cur == nil {
		return math.MaxUint64, nil
	}
	if d := c.cur.Number(); d < from {
		var err error
		if c.cur, err = c.it.Advance(from); err != nil {
			return 0, err
		}
		if c.cur == nil {
			return math.MaxUint64, nil
		}
	}
	return c.cur.Number(), nil
}

// bound returns a document at or after from of segment seg before which
// n has no match (math.MaxUint64 if it has none): the first of any term
// of a disjunction, the last of the firsts of a conjunction's parts.
func (e *evaluator) bound(n *enode, seg int, from uint64) (uint64, error) {
	if n.cost == 0 {
		return math.MaxUint64, nil // it has no postings
	}
	switch n.op {
	case opTerm:
		return e.peek(n, seg, from)
	case opOr:
		first := uint64(math.MaxUint64)
		for _, k := range n.kids {
			d, err := e.bound(k, seg, from)
			if err != nil {
				return 0, err
			}
			first = min(first, d)
		}
		return first, nil
	case opAnd:
		last := from
		for _, k := range n.kids {
			d, err := e.bound(k, seg, last)
			if err != nil || d == math.MaxUint64 {
				return d, err
			}
			last = max(last, d)
		}
		return last, nil
	case opBool:
		if n.must != nil {
			return e.bound(n.must, seg, from)
		}
		return e.bound(n.should, seg, from)
	}
	return math.MaxUint64, nil
}

// mask is the documents of a window a node needs to look at; nil is all.
type mask *[windowWords]uint64

// eval returns the matches of n among documents [base, end) of segment
// seg (at most a window) that are in m, or nil if it has none. The buffer of a term is shared:
// the caller uses it before it evaluates another node.
func (e *evaluator) eval(n *enode, seg int, base, end uint64, m mask) (*ebuf, error) {
	if n.cost == 0 {
		return nil, nil // it has no postings
	}
	switch n.op {
	case opTerm:
		return e.evalTerm(n, seg, base, end, m)
	case opOr:
		return e.evalOr(n, seg, base, end, m)
	case opAnd:
		return e.evalAnd(n, seg, base, end, m)
	case opBool:
		return e.evalBool(n, seg, base, end, m)
	}
	return nil, nil
}

func (e *evaluator) evalTerm(n *enode, seg int, base, end uint64, m mask) (*ebuf, error) {
	b := e.leafBuf
	clear(b.bits[:])
	any, err := e.term(n, seg, base, end, m, b, false)
	if err != nil || !any {
		return nil, err
	}
	return b, nil
}

// term puts the matches of term n among documents [base, end) of segment
// seg that are in m into b, and says whether it had any: as b's only
// matches (add false: b's bits are clear), or adding to a disjunction's
// (add: a document new to b takes the term's score and counts one kid, one
// b already has adds them).
func (e *evaluator) term(n *enode, seg int, base, end uint64, m mask, b *ebuf, add bool) (bool, error) {
	d, err := e.peek(n, seg, base)
	if err != nil || d >= end {
		return false, err
	}
	c := &e.cursors[n.leaf]
	idf, qw := n.idf, n.qw
	// In Bleve's order: tf × norm × idf, then × the query weight.
	put := func(i uint64, tfn float64) {
		s := tfn * idf
		if qw != 1.0 {
			s *= qw
		}
		bit := uint64(1) << (i % 64)
		switch {
		case !add:
			b.bits[i/64] |= bit
			b.score[i] = s
		case b.bits[i/64]&bit == 0:
			b.bits[i/64] |= bit
			b.score[i], b.cnt[i] = s, 1
		default:
			b.score[i] += s
			b.cnt[i]++
		}
	}
	any := false
	if l := c.dec; l != nil {
		docs, tfn := l.docs, l.tfn
		if m != nil && sparse(m) {
			// Few documents to look at: skip to each.
			for w, x := range m {
				for ; x != 0 && c.pos < len(docs); x &= x - 1 {
					d := base + uint64(w*64+bits.TrailingZeros64(x))
					if uint64(docs[c.pos]) < d {
						if c.pos = l.seek(c.pos, d); c.pos == len(docs) {
							break
						}
					}
					if uint64(docs[c.pos]) == d {
						put(d-base, tfn[c.pos])
						any = true
					}
				}
			}
			return any, nil
		}
		for ; c.pos < len(docs) && uint64(docs[c.pos]) < end; c.pos++ {
			if i := uint64(docs[c.pos]) - base; m == nil || m[i/64]&(1<<(i%64)) != 0 {
				put(i, tfn[c.pos])
				any = true
			}
		}
		return any, nil
	}
	if m != nil && sparse(m) {
		for w, x := range m {
			for ; x != 0 && c.cur != nil; x &= x - 1 {
				d := base + uint64(w*64+bits.TrailingZeros64(x))
				if c.cur.Number() < d {
					if c.cur, err = c.it.Advance(d); err != nil {
						return false, err
					}
					if c.cur == nil {
						break
					}
				}
				if c.cur.Number() == d {
					put(d-base, sqrtFreq(c.cur.Frequency())*postingNorm(c.cur))
					any = true
				}
			}
		}
		return any, nil
	}
	for c.cur != nil {
		d := c.cur.Number()
		if d >= end {
			break
		}
		if i := d - base; m == nil || m[i/64]&(1<<(i%64)) != 0 {
			put(i, sqrtFreq(c.cur.Frequency())*postingNorm(c.cur))
			any = true
		}
		if c.cur, err = c.it.Next(); err != nil {
			return false, err
		}
	}
	return any, nil
}

// sparse says whether a mask has so few documents that a term had better
// skip to each than read its postings through.
func sparse(m mask) bool {
	n := 0
	for _, x := range m {
		n += bits.OnesCount64(x)
	}
	return n <= window/64
}

func (e *evaluator) evalOr(n *enode, seg int, base, end uint64, m mask) (*ebuf, error) {
	b := e.bufs[n.slot]
	clear(b.bits[:])
	any := false
	for _, k := range n.kids {
		switch {
		case k.cost == 0:
			continue // a part no document matches (a word in a field or language it is not in)
		case k.op == opTerm:
			// A term adds its postings to b directly.
			got, err := e.term(k, seg, base, end, m, b, true)
			if err != nil {
				return nil, err
			}
			any = any || got
			continue
		}
		r, err := e.eval(k, seg, base, end, m)
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue
		}
		any = true
		for w, x := range r.bits {
			if x == 0 {
				continue
			}
			fresh := x &^ b.bits[w]
			b.bits[w] |= x
			for x != 0 {
				t := bits.TrailingZeros64(x)
				i := w*64 + t
				if fresh&(1<<t) != 0 {
					b.score[i], b.cnt[i] = r.score[i], 1
				} else {
					b.score[i] += r.score[i]
					b.cnt[i]++
				}
				x &= x - 1
			}
		}
	}
	if !any {
		return nil, nil
	}
	left := false
	for w, x := range b.bits {
		for y := x; y != 0; y &= y - 1 {
			i := w*64 + bits.TrailingZeros64(y)
			if int(b.cnt[i]) < n.min {
				x &^= 1 << (i % 64)
				continue
			}
			b.score[i] *= n.coord[b.cnt[i]]
		}
		b.bits[w] = x
		left = left || x != 0
	}
	if !left {
		return nil, nil
	}
	return b, nil
}

func (e *evaluator) evalAnd(n *enode, seg int, base, end uint64, m mask) (*ebuf, error) {
	b := e.bufs[n.slot]
	for j, k := range n.kids {
		if j > 0 {
			m = &b.bits // the others only where the first ones matched
		}
		r, err := e.eval(k, seg, base, end, m)
		if err != nil || r == nil {
			return nil, err
		}
		left := false
		for w, x := range r.bits {
			if j > 0 {
				x &= b.bits[w]
			}
			b.bits[w] = x
			left = left || x != 0
			for ; x != 0; x &= x - 1 {
				i := w*64 + bits.TrailingZeros64(x)
				if j == 0 {
					b.score[i] = r.score[i]
				} else {
					b.score[i] += r.score[i]
				}
			}
		}
		if !left {
			return nil, nil
		}
	}
	return b, nil
}

// evalBool follows BooleanSearcher: the must part's matches (or, with
// none, the should part's), less the excluded ones; the should part adds
// its score where it matches, and is required where its minimum is set.
func (e *evaluator) evalBool(n *enode, seg int, base, end uint64, m mask) (*ebuf, error) {
	b := e.bufs[n.slot]
	first := n.must
	if first == nil {
		first = n.should
	}
	r, err := e.eval(first, seg, base, end, m)
	if err != nil || r == nil {
		return nil, err
	}
	for w, x := range r.bits {
		b.bits[w] = x
		for ; x != 0; x &= x - 1 {
			i := w*64 + bits.TrailingZeros64(x)
			b.score[i] = r.score[i]
		}
	}
	if n.not != nil {
		r, err := e.eval(n.not, seg, base, end, &b.bits)
		if err != nil {
			return nil, err
		}
		if r != nil {
			for w := range b.bits {
				b.bits[w] &^= r.bits[w]
			}
		}
	}
	if n.must != nil && n.should != nil {
		r, err := e.eval(n.should, seg, base, end, &b.bits)
		if err != nil {
			return nil, err
		}
		for w, x := range b.bits {
			var has uint64
			if r != nil {
				has = r.bits[w]
			}
			if n.shouldMin > 0 {
				x &= has
				b.bits[w] = x
			}
			for y := x & has; y != 0; y &= y - 1 {
				i := w*64 + bits.TrailingZeros64(y)
				b.score[i] += r.score[i]
			}
		}
	}
	for _, x := range b.bits {
		if x != 0 {
			return b, nil
		}
	}
	return nil, nil
}

// rawNorm is a posting that gives its norm as stored: a field's length,
// of which Norm computes 1/√length (zap's postings do).
type rawNorm interface{ NormUint64() uint64 }

// postingNorm returns a posting's norm, from a table for the usual field lengths.
func postingNorm(p segment.Posting) float64 {
	if r, ok := p.(rawNorm); ok {
		if n := r.NormUint64(); n < uint64(len(normCache)) {
			return normCache[n]
		}
	}
	return p.Norm()
}

// normCache holds zap's norm of each field length below its size, as
// zap's Posting.Norm computes it.
var normCache = func() []float64 {
	c := make([]float64, 1024)
	for i := range c {
		c[i] = float64(float32(1.0 / math.Sqrt(float64(i))))
	}
	return c
}()

// sqrtFreq is the square root of a term frequency, from Bleve's own table
// where the TermQueryScorer takes it.
func sqrtFreq(f uint64) float64 {
	if f < scorer.MaxSqrtCache {
		return scorer.SqrtCache[f]
	}
	return math.Sqrt(float64(f))
}

// anyMatch reports whether the program matches any document of snap,
// reading no further than the first window with a match.
func anyMatch(ctx context.Context, snap *scorch.IndexSnapshot, prog *program) (bool, error) {
	e := newEvaluator(prog)
	defer e.release()
	for seg, ss := range snap.Segments() {
		end := ss.Segment().Count()
		for from := uint64(0); from < end; {
			if err := ctx.Err(); err != nil {
				return false, err
			}
			next, err := e.bound(prog.root, seg, from)
			if err != nil {
				return false, err
			}
			if next >= end {
				break
			}
			stop := min(next+window, end)
			r, err := e.eval(prog.root, seg, next, stop, nil)
			if err != nil || r != nil {
				return r != nil, err
			}
			from = stop
		}
	}
	return false, nil
}

// scanEval visits, with their scores, the matches of the program in the
// chunks it takes from c, as scanQuery does with a searcher.
func (p *fastPage) scanEval(ctx context.Context, prog *program, c *chunks, visit func(uint64, float64, *segColumns, uint64), progress func(int)) error {
	e := newEvaluator(prog)
	defer e.release()
	n := 0
	segs := p.snap.Segments()
	for {
		lo, hi, ok := c.take()
		if !ok {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		first := sort.Search(len(segs), func(i int) bool { return p.offs[i+1] > lo })
		for seg := first; seg < len(segs) && p.offs[seg] < hi; seg++ {
			from := max(lo, p.offs[seg]) - p.offs[seg]
			end := min(hi, p.offs[seg+1]) - p.offs[seg]
			for from < end {
				next, err := e.bound(prog.root, seg, from)
				if err != nil {
					return err
				}
				if next >= end {
					break
				}
				// A window never reaches past the chunk: a term's
				// postings there are another chunk's.
				base, stop := next, min(next+window, end)
				r, err := e.eval(prog.root, seg, base, stop, nil)
				if err != nil {
					return err
				}
				from = stop
				if r == nil {
					continue
				}
				for w, x := range r.bits {
					for ; x != 0; x &= x - 1 {
						i := uint64(w*64 + bits.TrailingZeros64(x))
						local := base + i
						if n++; n%256 == 0 {
							if err := ctx.Err(); err != nil {
								return err
							}
							if progress != nil {
								progress(n)
							}
						}
						visit(p.offs[seg]+local, r.score[i], p.cols[seg], local)
					}
				}
			}
		}
	}
}
