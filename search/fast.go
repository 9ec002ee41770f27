package search

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/katalog/katalog/catalog"
)

// The fast path of search: Bleve's searchers find and score the matches of
// the text, and this file does the rest in one pass over them: the type and
// facet filters and all facet counts from the facet columns, and the top
// hits by score, title or modified date (ties in index order). A match that
// fails exactly one facet's selection still counts for that facet, so that
// each facet is counted as if its own selection were not applied, without
// a search per selected facet.

// errNotReady says the fast path cannot answer yet: a large segment's
// columns are still being built.
var errNotReady = errors.New("search: facet columns are being built")

// scored is a match by its score, sort key and global document number (and
// its document id, where a cursor gives it).
type scored struct {
	score float64
	doc   uint64
	key   sortKey
	id    string
}

// order is the order of a fast search.
type order uint8

const (
	byScore    order = iota // higher score first
	byTitle                 // title A–Z
	byModified              // dct:modified, newest first, then by score
)

// orderOf returns the fast path's order of a sort name.
func orderOf(sort string) order {
	switch sort {
	case catalog.SortTitle:
		return byTitle
	case catalog.SortModified:
		return byModified
	}
	return byScore
}

// ranker orders matches. Ties in score order go in index order; ties in
// title and modified order go by document id, as on Bleve's path, so that
// they fall the same way in every build of the index.
type ranker struct {
	o    order
	look func(doc uint64) string // reads the document id of a match
	ids  map[uint64]string       // the ids read
}

// id returns the document id of a match.
func (r *ranker) id(doc uint64) string {
	if id, ok := r.ids[doc]; ok {
		return id
	}
	id := r.look(doc)
	if r.ids == nil {
		r.ids = map[uint64]string{}
	}
	r.ids[doc] = id
	return id
}

// fork returns a ranker like r for another goroutine: one that reads ids
// remembers them.
func (r *ranker) fork() *ranker {
	if r.look == nil {
		return r
	}
	return &ranker{o: r.o, look: r.look}
}

// better says whether a comes before b.
func (r *ranker) better(a, b scored) bool {
	switch r.o {
	case byTitle:
		if a.key != b.key {
			return a.key.less(b.key)
		}
		return r.idLess(a, b)
	case byModified:
		if a.key != b.key {
			return b.key.less(a.key)
		}
		if a.score != b.score {
			return a.score > b.score
		}
		return r.idLess(a, b)
	}
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

func (r *ranker) idLess(a, b scored) bool {
	if a.doc == b.doc && a.id == b.id {
		return false
	}
	ia, ib := a.id, b.id
	if ia == "" {
		ia = r.id(a.doc)
	}
	if ib == "" {
		ib = r.id(b.doc)
	}
	if ia != ib {
		return ia < ib
	}
	return a.doc < b.doc
}

// byScoreOnly ranks by score, ties in index order.
var byScoreOnly = &ranker{o: byScore}

// topHeap keeps the best n matches, worst on top; or, in score order with
// n of gatherFrom or more, gathers them (see keep).
type topHeap struct {
	ms       []scored
	r        *ranker
	floor    scored // gathering: the worst of the best n at the last cut
	hasFloor bool
}

// gatherFrom is the fewest best matches kept by gathering. A heap of the
// best 200 of a broad word's matches moved thousands of times a search
// (the clones of the 1M corpus raise the best scores register by
// register), each move a climb down the heap; gathering the matches that
// beat the floor, and cutting them to the best n by a selection whenever
// 2n have gathered, costs an append each and a selection per n of them.
const gatherFrom = 64

// keep adds s to h, which holds the best n.
func keep(h *topHeap, n int, s scored) {
	if n >= gatherFrom && h.r.o == byScore {
		if h.hasFloor && scoreBelow(s, &h.floor) {
			return
		}
		if h.ms == nil {
			h.ms = make([]scored, 0, 2*n)
		}
		h.ms = append(h.ms, s)
		if len(h.ms) >= 2*n {
			h.cut(n)
		}
		return
	}
	if len(h.ms) < n {
		h.ms = append(h.ms, s)
		h.up(len(h.ms) - 1)
	} else if n > 0 && !h.below(s) && h.r.better(s, h.ms[0]) {
		h.ms[0] = s
		h.down(0)
	}
}

// cut keeps the best n of what h holds (in no order), and makes the worst of
// them the floor that later matches must beat; a no-op for a heap of n.
func (h *topHeap) cut(n int) {
	if len(h.ms) <= n {
		return
	}
	if n <= 0 {
		h.ms = h.ms[:0]
		return
	}
	selectBest(h.ms, n-1, h.r)
	h.ms = h.ms[:n]
	h.floor, h.hasFloor = h.ms[n-1], true
}

// selectBest reorders ms so that ms[k] is the match that comes k-th in r's
// order, those before it come before it and those after, after (Hoare's
// selection, the pivot a median of three).
func selectBest(ms []scored, k int, r *ranker) {
	lo, hi := 0, len(ms)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if r.better(ms[mid], ms[lo]) {
			ms[mid], ms[lo] = ms[lo], ms[mid]
		}
		if r.better(ms[hi], ms[lo]) {
			ms[hi], ms[lo] = ms[lo], ms[hi]
		}
		if r.better(ms[hi], ms[mid]) {
			ms[hi], ms[mid] = ms[mid], ms[hi]
		}
		// ms[lo] ≤ ms[mid] ≤ ms[hi] in order: the pivot is ms[mid].
		ms[mid], ms[hi-1] = ms[hi-1], ms[mid]
		pivot := ms[hi-1]
		i := lo
		for j := lo; j < hi-1; j++ {
			if r.better(ms[j], pivot) {
				ms[i], ms[j] = ms[j], ms[i]
				i++
			}
		}
		ms[i], ms[hi-1] = ms[hi-1], ms[i]
		switch {
		case i == k:
			return
		case i < k:
			lo = i + 1
		default:
			hi = i - 1
		}
	}
}

// below says, without a call, whether a full heap in score order keeps s
// out: most matches of a broad search are.
func (h *topHeap) below(s scored) bool {
	if h.r.o != byScore {
		return false
	}
	return scoreBelow(s, &h.ms[0])
}

// scoreBelow says whether s comes after t in score order.
func scoreBelow(s scored, t *scored) bool {
	return s.score < t.score || (s.score == t.score && s.doc > t.doc)
}

// worse says whether the match at i comes after the one at j.
func (h *topHeap) worse(i, j int) bool { return h.r.better(h.ms[j], h.ms[i]) }

func (h *topHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.worse(i, parent) {
			return
		}
		h.ms[i], h.ms[parent] = h.ms[parent], h.ms[i]
		i = parent
	}
}

func (h *topHeap) down(i int) {
	n := len(h.ms)
	for {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < n && h.worse(l, worst) {
			worst = l
		}
		if r < n && h.worse(r, worst) {
			worst = r
		}
		if worst == i {
			return
		}
		h.ms[i], h.ms[worst] = h.ms[worst], h.ms[i]
		i = worst
	}
}

// fastPage is the result of the fast path: the total, the best matches
// after cursor (if any), best first, and the facet counts.
type fastPage struct {
	total    uint64
	top      []scored
	groupTop []scored // the best few matches of each publisher
	rk       *ranker  // its order
	facets   map[string][]catalog.FacetCount
	snap     *scorch.IndexSnapshot
	cols     []*segColumns
	offs     []uint64
	// only, when not nil, holds for each segment the documents a listing
	// without text visits: those with a selected facet value.
	only []*roaring.Bitmap
}

// fastOptions say what a fast search keeps: the best need matches after
// the cursor after (nil: from the start), the best perGroup of each
// publisher, and the facet counts unless noFacets. With force it waits for
// large segments' columns instead of giving errNotReady.
type fastOptions struct {
	need, perGroup int
	after          *scored
	force          bool
	noFacets       bool
}

// fastSearch runs text (nil: every record) with the type and facet filters
// of req, as opt says. The caller must close page.snap.
func (x *Index) fastSearch(ctx context.Context, req *catalog.SearchRequest, text query.Query, opt fastOptions) (*fastPage, error) {
	need, perGroup, after, force := opt.need, opt.perGroup, opt.after, opt.force
	o := orderOf(req.Sort)
	r, err := x.reader()
	if err != nil {
		return nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, errNotReady
	}
	cols, ready := x.cols.forSnapshot(snap, force)
	if !ready {
		r.Close()
		return nil, errNotReady
	}
	p := &fastPage{snap: snap, cols: cols, offs: offsets(snap)}
	rk := &ranker{o: o}
	if o != byScore {
		rk.look = p.docID
	}
	p.rk = rk
	f, err := x.newFilter(req)
	if err != nil {
		r.Close()
		return nil, err
	}
	top := &topHeap{ms: make([]scored, 0, min(2*need, 2048)), r: rk}
	// Without text, a facet that is the only one selected counts as if
	// nothing were: from the totals kept with the columns.
	var fromTotals uint32
	if text == nil && f.want&(f.want-1) == 0 {
		fromTotals = f.want
	}
	if text == nil && f.want == 0 && o == byScore {
		// Every record of the type, in index order.
		f.counts, p.total = p.totals(f)
		p.first(top, need, after, f)
		p.top = top.ms
		p.facets = f.result(x)
		return p, nil
	}
	// A record that fails that facet counts nowhere else: when it is a
	// row's field, skip such records at once.
	slot := -1
	for i, bit := range f.rowBit {
		if fromTotals != 0 && bit == fromTotals {
			slot = i
		}
	}
	if text == nil {
		if p.only, err = p.selected(req); err != nil {
			r.Close()
			return nil, err
		}
	}
	w := &scan{f: f, o: o, rk: rk, need: need, perGroup: perGroup, after: after, fromTotals: fromTotals,
		slot: slot, top: top, groups: map[uint32]*topHeap{}, lastPub: noOrdinal, noFacets: opt.noFacets}
	if err := p.run(ctx, x, text, w); err != nil {
		r.Close()
		return nil, err
	}
	p.total = w.total
	if fromTotals != 0 {
		all, _ := p.totals(f)
		for o, n := range all {
			if uint32(1)<<f.fieldOf[o] == fromTotals {
				f.counts[o] = n
			}
		}
	}
	top.cut(need)
	sort.Slice(top.ms, func(i, j int) bool { return rk.better(top.ms[i], top.ms[j]) })
	p.top = top.ms
	for _, g := range w.groups {
		p.groupTop = append(p.groupTop, g.ms...)
	}
	if !opt.noFacets {
		p.facets = f.result(x)
	}
	return p, nil
}

// uniqueScored sorts matches best first (by score) and drops repeats.
func uniqueScored(ms []scored) []scored {
	sort.Slice(ms, func(i, j int) bool { return byScoreOnly.better(ms[i], ms[j]) })
	return slices.CompactFunc(ms, func(a, b scored) bool { return a.doc == b.doc })
}

// scan is the state of a pass over matches: the facet counts, the best
// matches and the best few of each publisher among what it visits.
type scan struct {
	f          *filter
	o          order
	rk         *ranker
	need       int
	perGroup   int
	after      *scored
	fromTotals uint32 // the facet counted from the totals, if any
	slot       int    // its place in a row, or -1

	total     uint64
	top       *topHeap
	groups    map[uint32]*topHeap // by publisher
	lastPub   uint32
	lastGroup *topHeap
	noFacets  bool // count nothing but the total

	sigs []*sigPass // what it knows of each segment's signatures
	cur  *sigPass   // of the segment it visited last
}

// All that a pass does with a match but rank it follows from the match's
// signature (its combination of facet values): whether it passes the
// filters, which facets it counts for, its publisher. So a pass settles
// that once per signature, when it first meets it, and counts matches by
// signature, to add to the facet values after the pass. A broad word's
// 40,000 matches then cost one look-up and one increment each instead of
// reading a row of values and counting each of them (which took a third
// of such a search).

// sigPass is what a pass knows of one segment's signatures.
type sigPass struct {
	sc   *segColumns
	sigs []sigFate // by signature
	seen []uint32  // the signatures settled, in the order met
}

// sigFate is what a signature means for one search.
type sigFate struct {
	fail  uint32 // the facets it fails (a fail mask), with fateKnown once settled and fateSkip
	pub   uint32 // its publisher
	count uint32 // the matches with it seen
}

// Flags in sigFate.fail, clear of the facets' bits and typeBits.
const (
	fateKnown = 1 << 29
	fateSkip  = 1 << 28 // counts nowhere, and is no match
)

// sigFatePool holds signature arrays all zero, for the next pass.
var sigFatePool sync.Pool // of *[]sigFate

// sigPass returns what w knows of sc's signatures.
func (w *scan) sigPass(sc *segColumns) *sigPass {
	for _, sp := range w.sigs {
		if sp.sc == sc {
			w.cur = sp
			return sp
		}
	}
	n := sc.signatures()
	var sigs []sigFate
	if v, ok := sigFatePool.Get().(*[]sigFate); ok && cap(*v) >= n {
		sigs = (*v)[:n]
	} else {
		sigs = make([]sigFate, n)
	}
	sp := &sigPass{sc: sc, sigs: sigs}
	w.sigs = append(w.sigs, sp)
	w.cur = sp
	return sp
}

// settle works out what signature sg of sc means for the search.
func (w *scan) settle(sc *segColumns, sg uint32, ft *sigFate) {
	row := sc.sigRow(sg)
	ft.pub = row[publisherSlot]
	ft.fail = fateKnown
	if w.slot >= 0 && w.f.selBit[row[w.slot]] == 0 {
		ft.fail |= fateSkip
		return
	}
	ft.fail |= w.f.fails(row, sc.sigMulti(sg))
}

// visit takes one live document with its score.
func (w *scan) visit(doc uint64, score float64, sc *segColumns, local uint64) {
	sp := w.cur
	if sp == nil || sp.sc != sc {
		sp = w.sigPass(sc)
	}
	sg := sc.sig[local]
	ft := &sp.sigs[sg]
	if ft.fail&fateKnown == 0 {
		w.settle(sc, sg, ft)
		sp.seen = append(sp.seen, sg)
	}
	if ft.fail&fateSkip != 0 {
		return
	}
	ft.count++
	if ft.fail != fateKnown {
		return
	}
	w.total++
	// A score is a sum whose order of terms can differ by where a searcher
	// started, which changes its last bits: rounded to a float32, equal
	// scores stay equal, and their ties fall in index order however the
	// pass was shared. (The datasets a query names are ranked unrounded,
	// as Bleve's search request ranks them.)
	s := scored{score: float64(float32(score)), doc: doc}
	switch w.o {
	case byTitle:
		s.key = sc.title[local]
	case byModified:
		s.key = sc.modified[local]
	}
	if w.need > 0 && (w.after == nil || w.rk.better(*w.after, s)) {
		keep(w.top, w.need, s)
	}
	if w.perGroup > 0 {
		if pub := ft.pub; pub != w.lastPub {
			w.lastPub, w.lastGroup = pub, w.groups[pub]
			if w.lastGroup == nil {
				w.lastGroup = &topHeap{r: w.rk}
				w.groups[pub] = w.lastGroup
			}
		}
		keep(w.lastGroup, w.perGroup, s)
	}
}

// flush adds the matches counted by signature to the facet values, by the
// facets each signature fails: all of them when it fails none, that one's
// when it fails one (other than the one counted from the totals), none
// when it fails more; and gives the signatures' memory back.
func (w *scan) flush() {
	f := w.f
	for _, sp := range w.sigs {
		for _, sg := range sp.seen {
			ft := &sp.sigs[sg]
			fail := ft.fail &^ fateKnown
			if ft.count > 0 && !w.noFacets {
				row, multi := sp.sc.sigRow(sg), sp.sc.sigMulti(sg)
				switch {
				case fail == 0:
					f.countAll(row, multi, ft.count)
				case fail&(fail-1) == 0 && fail != w.fromTotals:
					f.countFacet(row, multi, fail, ft.count)
				}
			}
			*ft = sigFate{}
		}
		sigFatePool.Put(&sp.sigs)
	}
	w.sigs, w.cur = nil, nil
}

// fork returns a pass like w with nothing seen yet.
func (w *scan) fork() *scan {
	f := *w.f
	f.counts = make([]uint32, len(w.f.counts))
	rk := w.rk.fork()
	return &scan{f: &f, o: w.o, rk: rk, need: w.need, perGroup: w.perGroup, after: w.after,
		fromTotals: w.fromTotals, slot: w.slot, top: &topHeap{r: rk}, groups: map[uint32]*topHeap{}, lastPub: noOrdinal,
		noFacets: w.noFacets}
}

// merge adds what o saw to w.
func (w *scan) merge(o *scan) {
	w.total += o.total
	for i, n := range o.f.counts {
		w.f.counts[i] += n
	}
	for _, m := range o.top.ms {
		keep(w.top, w.need, m)
	}
	for pub, g := range o.groups {
		mine := w.groups[pub]
		if mine == nil {
			mine = &topHeap{r: w.rk}
			w.groups[pub] = mine
		}
		for _, m := range g.ms {
			keep(mine, w.perGroup, m)
		}
	}
}

// A pass over many matches is shared by the cores: the document numbers
// are cut into chunks, and each pass takes the next chunk left until none
// is. A search starts with one pass and adds the others once it has seen
// splitAfter matches (so a narrow query never pays for a second pass; 1,024
// rather than 4,096 took 5–15 % off queries of a few thousand matches),
// a listing without text at once. Title and modified order split too: their
// ties go by document id, which each pass's ranker reads and remembers for
// itself.
var splitAfter = 1024

// splitCost is how many postings a query must read to share its pass from
// the start: the other cores then start while the first reads its first
// matches, instead of once it has seen splitAfter of them (broad words and
// the mix of corpusQueries 5–10 % faster on the 1M corpus).
const splitCost = 16384

// chunkCount is how many chunks a pass is cut into: enough that a register
// whose records lie together is shared too.
const chunkCount = 64

// maxParallel caps the passes of one search.
const maxParallel = 4

// chunks hands out parts of the document numbers, in increasing order.
type chunks struct {
	next      atomic.Uint64
	size, end uint64
}

func newChunks(end uint64) *chunks {
	return &chunks{size: max(1, (end+chunkCount-1)/chunkCount), end: end}
}

// take returns the next chunk, [lo, hi), if any is left.
func (c *chunks) take() (lo, hi uint64, ok bool) {
	lo = (c.next.Add(1) - 1) * c.size
	if lo >= c.end {
		return 0, 0, false
	}
	return lo, min(lo+c.size, c.end), true
}

// run visits the matches of text (nil: every live document) with w, shared
// with further passes when there are many.
func (p *fastPage) run(ctx context.Context, x *Index, text query.Query, w *scan) error {
	c := newChunks(p.offs[len(p.offs)-1])
	parts := min(runtime.GOMAXPROCS(0), maxParallel)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	var scans []*scan
	var once sync.Once
	// The text is scored by the evaluator (eval.go) where it takes the
	// query, else by Bleve's searchers.
	var prog *program // nil where the evaluator does not take the query
	if text != nil {
		var err error
		if prog, _, err = compileQuery(p.snap, text, x.postings); err != nil {
			return err
		}
	}
	// pass runs one more pass, with its own evaluator or searcher.
	pass := func(sw *scan) {
		var err error
		switch {
		case text == nil:
			err = p.scanAll(ctx, c, sw.visit)
		case prog != nil:
			err = p.scanEval(ctx, prog, c, sw.visit, nil)
		default:
			var s bsearch.Searcher
			if s, err = text.Searcher(ctx, p.snap, x.idx.Mapping(), bsearch.SearcherOptions{}); err == nil {
				err = p.scanQuery(ctx, s, c, sw.visit, nil)
				s.Close()
			}
		}
		sw.flush() // on this core, while the others finish their passes
		if err != nil {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}
	}
	split := func() {
		once.Do(func() {
			for range parts - 1 {
				sw := w.fork()
				scans = append(scans, sw)
				wg.Go(func() { pass(sw) })
			}
		})
	}
	var err error
	switch {
	case text == nil:
		if c.end >= uint64(splitAfter) {
			split()
		}
		err = p.scanAll(ctx, c, w.visit)
	case prog != nil:
		if prog.root.cost >= splitCost {
			split()
		}
		err = p.scanEval(ctx, prog, c, w.visit, func(seen int) {
			if seen >= splitAfter {
				split()
			}
		})
	default:
		var s bsearch.Searcher
		if s, err = text.Searcher(ctx, p.snap, x.idx.Mapping(), bsearch.SearcherOptions{}); err == nil {
			err = p.scanQuery(ctx, s, c, w.visit, func(seen int) {
				if seen >= splitAfter {
					split()
				}
			})
			s.Close()
		}
	}
	w.flush()
	wg.Wait()
	if err := errors.Join(append(errs, err)...); err != nil {
		return err
	}
	for _, o := range scans {
		w.merge(o)
	}
	return nil
}

// totals counts the facets of every live document of the wanted type
// from the segments' totals, and returns them and how many documents
// there are.
func (p *fastPage) totals(f *filter) ([]uint32, uint64) {
	counts := make([]uint32, len(f.counts))
	total := uint64(0)
	for i, ss := range p.snap.Segments() {
		sc := p.cols[i]
		for typ, n := range sc.totals {
			if !f.anyType && typ != f.typeOrd {
				continue
			}
			for o, c := range n {
				counts[o] += c
			}
			total += uint64(n[typ])
		}
		// Deleted documents are in the totals: take them away.
		if del := ss.Deleted(); del != nil && !del.IsEmpty() {
			it := del.Iterator()
			for it.HasNext() {
				d := uint64(it.Next())
				if f.anyType || sc.row(d)[typeSlot] == f.typeOrd {
					sc.addTo(counts, d, ^uint32(0))
					total--
				}
			}
		}
	}
	return counts, total
}

// first keeps the first need live documents of the wanted type after the
// cursor, in index order, with score 1.
func (p *fastPage) first(top *topHeap, need int, after *scored, f *filter) {
	for i, ss := range p.snap.Segments() {
		if len(top.ms) >= need {
			return
		}
		sc := p.cols[i]
		it := ss.DocNumbersLive().Iterator()
		if after != nil && after.doc >= p.offs[i] {
			if after.doc+1 >= p.offs[i+1] {
				continue
			}
			it.AdvanceIfNeeded(uint32(after.doc + 1 - p.offs[i]))
		}
		for len(top.ms) < need && it.HasNext() {
			d := uint64(it.Next())
			if f.anyType || sc.row(d)[typeSlot] == f.typeOrd {
				top.ms = append(top.ms, scored{score: 1, doc: p.offs[i] + d})
			}
		}
	}
}

// selected returns, for each segment, the live documents that have a value
// selected in req's filters: every document a listing without text counts
// has one, since a document that fails only one facet still passes the
// others. It returns nil where there is nothing selected to go by.
func (p *fastPage) selected(req *catalog.SearchRequest) ([]*roaring.Bitmap, error) {
	var terms []struct{ field, value string }
	for _, name := range catalog.FacetNames() {
		for _, v := range req.Filters[name] {
			terms = append(terms, struct{ field, value string }{name, v})
		}
	}
	if len(terms) == 0 {
		return nil, nil
	}
	out := make([]*roaring.Bitmap, len(p.snap.Segments()))
	for i, ss := range p.snap.Segments() {
		b := roaring.New()
		for _, t := range terms {
			dict, err := ss.Segment().Dictionary(t.field)
			if err != nil {
				return nil, fmt.Errorf("search: facet %s: %w", t.field, err)
			}
			pl, err := dict.PostingsList([]byte(t.value), nil, nil)
			if err != nil {
				return nil, fmt.Errorf("search: facet %s: %w", t.field, err)
			}
			if o, ok := pl.(interface{ OrInto(*roaring.Bitmap) }); ok {
				o.OrInto(b)
				continue
			}
			it := pl.Iterator(false, false, false, nil)
			for ps, err := it.Next(); ps != nil || err != nil; ps, err = it.Next() {
				if err != nil {
					return nil, fmt.Errorf("search: facet %s: %w", t.field, err)
				}
				b.Add(uint32(ps.Number()))
			}
		}
		if del := ss.Deleted(); del != nil {
			b.AndNot(del)
		}
		out[i] = b
	}
	return out, nil
}

// scanAll visits every live document of the chunks it takes from c (of
// p.only, if set), each with score 1.
func (p *fastPage) scanAll(ctx context.Context, c *chunks, visit func(uint64, float64, *segColumns, uint64)) error {
	for {
		lo, hi, ok := c.take()
		if !ok {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for i, ss := range p.snap.Segments() {
			if p.offs[i+1] <= lo || p.offs[i] >= hi {
				continue
			}
			var it roaring.IntPeekable
			if p.only != nil {
				it = p.only[i].Iterator()
			} else {
				it = ss.DocNumbersLive().Iterator()
			}
			if lo > p.offs[i] {
				it.AdvanceIfNeeded(uint32(lo - p.offs[i]))
			}
			for it.HasNext() {
				d := uint64(it.Next())
				doc := p.offs[i] + d
				if doc >= hi {
					break
				}
				visit(doc, 1, p.cols[i], d)
			}
		}
	}
}

// checkEvery is how many documents pass between checks of the context.
const checkEvery = 4096

// scanQuery visits, with their scores, the matches of s in the chunks it
// takes from c; progress, if not nil, learns how many it has visited
// every so often.
func (p *fastPage) scanQuery(ctx context.Context, s bsearch.Searcher, c *chunks, visit func(uint64, float64, *segColumns, uint64), progress func(int)) error {
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: p.snap}
	seg, n := 0, 0
	var dm *bsearch.DocumentMatch
	var err error
	started := false
	for {
		lo, hi, ok := c.take()
		if !ok {
			return nil
		}
		// Move on to the chunk (a searcher only goes forward).
		if !started || (dm != nil && binary.BigEndian.Uint64(dm.IndexInternalID) < lo) {
			if dm != nil {
				sctx.DocumentMatchPool.Put(dm)
			}
			if dm, err = s.Advance(sctx, binary.BigEndian.AppendUint64(nil, lo)); err != nil {
				return err
			}
			started = true
		}
		for ; dm != nil; dm, err = s.Next(sctx) {
			if err != nil {
				return err
			}
			doc := binary.BigEndian.Uint64(dm.IndexInternalID)
			if doc >= hi {
				break
			}
			if n++; n%256 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if progress != nil {
					progress(n)
				}
			}
			// Matches come in document order: move on to the segment that holds doc.
			if doc < p.offs[seg] || doc >= p.offs[seg+1] {
				seg = sort.Search(len(p.offs)-1, func(i int) bool { return p.offs[i+1] > doc })
			}
			visit(doc, dm.Score, p.cols[seg], doc-p.offs[seg])
			sctx.DocumentMatchPool.Put(dm)
		}
		if err != nil {
			return err
		}
		if dm == nil {
			return nil // no more matches, in this chunk or after it
		}
	}
}

// diversified reorders matches (best first) by a score that decays with
// each earlier match from the same dataset and from the same publisher, as
// diversified does for hits, reading both from the columns.
func (p *fastPage) diversified(ms []scored) []scored {
	perDataset := map[uint32]int{}
	perPublisher := map[uint32]int{}
	out := make([]scored, len(ms))
	for i, m := range ms {
		row := p.rowOf(m.doc)
		ds, pub := row[datasetSlot], row[publisherSlot]
		out[i] = scored{score: m.score * math.Pow(decayDataset, float64(perDataset[ds])) * math.Pow(decaySource, float64(perPublisher[pub])), doc: m.doc}
		perDataset[ds]++
		perPublisher[pub]++
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out
}

// docID reads the id of a document.
func (p *fastPage) docID(doc uint64) string {
	seg := sort.Search(len(p.offs)-1, func(i int) bool { return p.offs[i+1] > doc })
	b, _ := p.snap.Segments()[seg].DocID(doc - p.offs[seg])
	return string(b)
}

// rowOf returns the single-valued columns of a document.
func (p *fastPage) rowOf(doc uint64) []uint32 {
	seg := sort.Search(len(p.offs)-1, func(i int) bool { return p.offs[i+1] > doc })
	return p.cols[seg].row(doc - p.offs[seg])
}

// hits loads the stored hits of the given matches.
func (p *fastPage) hits(ms []scored) ([]catalog.SearchHit, error) {
	out := make([]catalog.SearchHit, 0, len(ms))
	for _, m := range ms {
		id, raw, err := storedAt(p.snap, p.offs, m.doc)
		if err != nil {
			return nil, err
		}
		h, err := toHit(&bsearch.DocumentMatch{ID: id, Score: m.score, Fields: map[string]any{fieldHit: string(raw)}})
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// offsets returns where each segment of snap starts in its document
// numbers, and where the last ends.
func offsets(snap *scorch.IndexSnapshot) []uint64 {
	segs := snap.Segments()
	offs := make([]uint64, len(segs)+1)
	for i, ss := range segs {
		offs[i+1] = offs[i] + ss.Segment().Count()
	}
	return offs
}

// storedAt returns the id and the stored hit of document doc of snap.
func storedAt(snap *scorch.IndexSnapshot, offs []uint64, doc uint64) (string, []byte, error) {
	seg := sort.Search(len(offs)-1, func(i int) bool { return offs[i+1] > doc })
	if seg >= len(offs)-1 {
		return "", nil, fmt.Errorf("search hit %d: no such document", doc)
	}
	var id string
	var raw []byte
	err := snap.Segments()[seg].VisitDocument(doc-offs[seg], func(field string, _ byte, value []byte, _ []uint64) bool {
		switch field {
		case "_id":
			id = string(value)
		case fieldHit:
			raw = append([]byte(nil), value...)
		}
		return true
	})
	if err != nil {
		return "", nil, fmt.Errorf("search hit %d: %w", doc, err)
	}
	return id, raw, nil
}

// filter applies the type and facet selections of a request to column
// values and counts facets. Facet i of the request is bit i of a mask.
type filter struct {
	values  []string
	fieldOf []uint8
	selBit  []uint32 // ordinal → the bit of its facet if it is selected
	want    uint32   // the bits of the facets with a selection
	rowBit  [rowWidth]uint32
	typeOrd uint32 // ordinal of the wanted record type
	anyType bool
	counts  []uint32 // ordinal → count
}

func (x *Index) newFilter(req *catalog.SearchRequest) (*filter, error) {
	values, fieldOf := x.cols.dict()
	f := &filter{values: values, fieldOf: fieldOf, selBit: make([]uint32, len(values)),
		counts: make([]uint32, len(values))}
	for i, name := range catalog.FacetNames() {
		bit := uint32(1) << i
		for s, field := range rowFields() {
			if field == name {
				f.rowBit[s] = bit
			}
		}
		sel := req.Filters[name]
		if len(sel) == 0 {
			continue
		}
		// A value no record has selects nothing: every record fails the
		// facet, and so still counts for it.
		f.want |= bit
		for _, v := range sel {
			if o, ok := x.cols.lookup(uint8(i), v); ok && int(o) < len(values) {
				f.selBit[o] = bit
			}
		}
	}
	f.anyType = req.Type == ""
	if !f.anyType {
		f.typeOrd = noOrdinal
		if o, ok := x.cols.lookup(columnIndex(fieldType), string(req.Type)); ok && int(o) < len(values) {
			f.typeOrd = o
		}
	}
	return f, nil
}

// noOrdinal matches no value.
const noOrdinal = ^uint32(0)

// typeBits stand for the record type in a fail mask: a record of another
// type fails more than one "facet", so it counts nowhere.
const typeBits = 3 << 30

// Places in a row (see rowFields).
const (
	publisherSlot = 0
	datasetSlot   = 1
)

// fails returns the facets (bits) whose selection a record with the given
// row and other values does not meet.
func (f *filter) fails(row, multi []uint32) uint32 {
	var fail uint32
	if f.want != 0 {
		passed := f.selBit[row[0]] | f.selBit[row[1]] | f.selBit[row[2]] | f.selBit[row[3]] | f.selBit[row[4]]
		for _, v := range multi {
			passed |= f.selBit[v]
		}
		fail = f.want &^ passed
	}
	if !f.anyType && row[typeSlot] != f.typeOrd {
		fail |= typeBits
	}
	return fail
}

// countAll counts n matches for every facet value of their signature.
func (f *filter) countAll(row, multi []uint32, n uint32) {
	for _, v := range row {
		f.counts[v] += n
	}
	for _, v := range multi {
		f.counts[v] += n
	}
}

// countFacet counts n matches for the values of the one facet they fail.
func (f *filter) countFacet(row, multi []uint32, bit uint32, n uint32) {
	for i, v := range row {
		if f.rowBit[i] == bit { // the type's bit is no facet's
			f.counts[v] += n
		}
	}
	for _, v := range multi {
		if uint32(1)<<f.fieldOf[v] == bit {
			f.counts[v] += n
		}
	}
}

// before says whether value a of a facet comes before value b: the more
// common first, then A–Z.
func (f *filter) before(a, b uint32) bool {
	if ca, cb := f.counts[a], f.counts[b]; ca != cb {
		return ca > cb
	}
	return f.values[a] < f.values[b]
}

// best returns the first n of values os, in order, keeping the n best
// seen in a heap with the last of them on top (a facet such as dataset
// has thousands of values, of which n are shown).
func (f *filter) best(os []uint32, n int) []uint32 {
	h := os
	if len(os) > n {
		h = slices.Clone(os[:n])
		for i := n/2 - 1; i >= 0; i-- {
			f.siftDown(h, i)
		}
		for _, o := range os[n:] {
			if f.before(o, h[0]) {
				h[0] = o
				f.siftDown(h, 0)
			}
		}
	}
	slices.SortFunc(h, func(a, b uint32) int {
		if f.before(a, b) {
			return -1
		}
		if f.before(b, a) {
			return 1
		}
		return 0
	})
	return h
}

// siftDown restores the heap h (the last value on top) below i.
func (f *filter) siftDown(h []uint32, i int) {
	for {
		last, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && f.before(h[last], h[l]) {
			last = l
		}
		if r < len(h) && f.before(h[last], h[r]) {
			last = r
		}
		if last == i {
			return
		}
		h[i], h[last] = h[last], h[i]
		i = last
	}
}

// result returns the facet counts, the most common facetSize values of
// each, most common first.
func (f *filter) result(x *Index) map[string][]catalog.FacetCount {
	names := catalog.FacetNames()
	byFacet := make([][]uint32, len(names))
	for o, n := range f.counts {
		if n > 0 && int(f.fieldOf[o]) < len(names) {
			byFacet[f.fieldOf[o]] = append(byFacet[f.fieldOf[o]], uint32(o))
		}
	}
	out := make(map[string][]catalog.FacetCount, len(names))
	for i, name := range names {
		os := f.best(byFacet[i], facetSize)
		fc := make([]catalog.FacetCount, 0, len(os))
		for _, o := range os {
			v := f.values[o]
			fc = append(fc, catalog.FacetCount{Value: v, Count: int(f.counts[o]), Label: x.label(name, v)})
		}
		out[name] = fc
	}
	return out
}
