package search

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/katalog/katalog/catalog"
)

// Facet columns: for each segment of the index, the facet values of every
// document as small integers (ordinals), so that counting the facets of a
// search costs a few array reads per match instead of Bleve's doc-value
// decoding and string maps. Segments never change once written, so a
// segment's columns are built once, when a search first meets it, and
// dropped when merging retires it.

// columnFields are the fields kept in columns: the facets and the record
// type (which filters, but is not a facet).
func columnFields() []string { return append(catalog.FacetNames(), fieldType) }

// syncBuildMax is the largest segment whose columns a search builds while
// it waits; a larger one is built in the background, and searches use
// Bleve's own facets until it is ready.
const syncBuildMax = 200_000

// rowFields are the column fields with exactly one value per record
// (FacetMissing where the record has none); the others may have several.
func rowFields() []string {
	return []string{catalog.FacetPublisher, catalog.FacetDataset, catalog.FacetDatatype,
		catalog.FacetAccessRights, catalog.FacetCodeList, fieldType}
}

// rowWidth is the number of rowFields; typeSlot is the record type's place
// in a row.
const (
	rowWidth = 6
	typeSlot = 5
)

// segColumns are the values of one segment. Documents with the same
// values share a signature (a million records have some 45,000), and the
// values are kept once per signature: a document d has signature sig[d],
// whose single-valued fields are rows[s*rowWidth:(s+1)*rowWidth] and other
// values vals[starts[s]:starts[s+1]]; its sort keys are title[d] and
// modified[d]. totals counts every value over the segment's documents
// (deleted ones too), by record type.
type segColumns struct {
	sig      []uint32
	rows     []uint32
	starts   []uint32
	vals     []uint32
	title    []sortKey
	modified []sortKey
	totals   map[uint32][]uint32 // type ordinal → ordinal → count
}

func (s *segColumns) row(d uint64) []uint32 { return s.sigRow(s.sig[d]) }

func (s *segColumns) multi(d uint64) []uint32 { return s.sigMulti(s.sig[d]) }

func (s *segColumns) sigRow(sg uint32) []uint32 {
	return s.rows[uint64(sg)*rowWidth : uint64(sg+1)*rowWidth]
}

func (s *segColumns) sigMulti(sg uint32) []uint32 { return s.vals[s.starts[sg]:s.starts[sg+1]] }

// signatures returns the number of signatures.
func (s *segColumns) signatures() int { return len(s.starts) - 1 }

// sortKey is the first 16 bytes of a sort value, in an order that compares
// as the bytes do: titles sort by their first 16 bytes, then index order.
type sortKey [2]uint64

func newSortKey(b []byte) sortKey {
	var buf [16]byte
	copy(buf[:], b)
	return sortKey{binary.BigEndian.Uint64(buf[:8]), binary.BigEndian.Uint64(buf[8:])}
}

func (k sortKey) less(o sortKey) bool {
	if k[0] != o[0] {
		return k[0] < o[0]
	}
	return k[1] < o[1]
}

// columns are the facet columns of an index.
type columns struct {
	fields []string
	dir    string       // where the columns are kept on disk (colfile.go); "" for none
	loaded atomic.Int64 // segments whose columns were read from disk

	dictMu  sync.RWMutex
	values  []string          // ordinal → value
	fieldOf []uint8           // ordinal → index in fields
	ords    map[string]uint32 // field index byte + value → ordinal

	segMu    sync.Mutex
	segs     map[uint64]*segColumns // by segment id
	building map[uint64]bool
	reading  map[uint64]bool // of those building, the ones read from disk
	log      *slog.Logger

	stop   chan struct{}  // closed by close: background builds give up
	closed bool           // under segMu: no new background builds
	wg     sync.WaitGroup // background builds
}

// errStopped says a build gave up because the index is closing.
var errStopped = errors.New("search: the index is closing")

func newColumns() *columns {
	return &columns{
		fields:   columnFields(),
		ords:     map[string]uint32{},
		segs:     map[uint64]*segColumns{},
		building: map[uint64]bool{},
		reading:  map[uint64]bool{},
		log:      slog.Default(),
		stop:     make(chan struct{}),
	}
}

// close stops the background builds and waits for them.
func (c *columns) close() {
	c.segMu.Lock()
	if !c.closed {
		c.closed = true
		close(c.stop)
	}
	c.segMu.Unlock()
	c.wg.Wait()
}

// ordinal returns the ordinal of a field's value, adding it if new.
func (c *columns) ordinal(field uint8, value []byte) uint32 {
	key := string(append([]byte{field}, value...))
	c.dictMu.RLock()
	o, ok := c.ords[key]
	c.dictMu.RUnlock()
	if ok {
		return o
	}
	c.dictMu.Lock()
	defer c.dictMu.Unlock()
	if o, ok := c.ords[key]; ok {
		return o
	}
	o = uint32(len(c.values))
	c.values = append(c.values, string(value))
	c.fieldOf = append(c.fieldOf, field)
	c.ords[key] = o
	return o
}

// lookup returns the ordinal of a field's value, if any segment has it.
func (c *columns) lookup(field uint8, value string) (uint32, bool) {
	c.dictMu.RLock()
	defer c.dictMu.RUnlock()
	o, ok := c.ords[string(append([]byte{field}, value...))]
	return o, ok
}

// dict returns the values and their fields as they are now; ordinals of
// segments already built are all within them.
func (c *columns) dict() ([]string, []uint8) {
	c.dictMu.RLock()
	defer c.dictMu.RUnlock()
	return c.values, c.fieldOf
}

// forSnapshot returns the columns of every segment of snap, building small
// missing ones now (and large ones too, with wait); ok is false if a large
// one is still being built.
func (c *columns) forSnapshot(snap *scorch.IndexSnapshot, wait bool) ([]*segColumns, bool) {
	segs := snap.Segments()
	out := make([]*segColumns, len(segs))
	ready := true
	live := make(map[uint64]bool, len(segs))
	for i, ss := range segs {
		id := ss.Id()
		live[id] = true
		c.segMu.Lock()
		sc := c.segs[id]
		busy := c.building[id]
		if sc == nil && !busy {
			c.building[id] = true
		}
		reading := c.reading[id]
		c.segMu.Unlock()
		if sc == nil && busy && (wait || reading) {
			sc = c.await(id)
		}
		switch {
		case sc != nil:
			out[i] = sc
			continue
		case busy:
			ready = false
			continue
		}
		if ss.Segment().Count() > syncBuildMax && !wait {
			ready = false
			c.background(snap, id, ss.Segment())
			continue
		}
		sc, err := c.build(id, ss.Segment())
		if err != nil {
			c.log.Error("search: facet columns", "segment", id, "err", err)
			ready = false
			continue
		}
		out[i] = sc
	}
	c.prune(live)
	return out, ready
}

// prepare starts reading from disk, or building, in the background, the
// columns of snap's large segments that no search has asked for yet, so
// that the first searches after the index opens find them ready (or wait
// the moment it takes to read them) rather than take Bleve's collector.
func (c *columns) prepare(snap *scorch.IndexSnapshot) {
	if c.dir != "" {
		live := map[uint64]bool{}
		for _, ss := range snap.Segments() {
			live[ss.Id()] = true
		}
		pruneColumnFiles(c.dir, live)
	}
	for _, ss := range snap.Segments() {
		if ss.Segment().Count() <= syncBuildMax {
			continue
		}
		id := ss.Id()
		c.segMu.Lock()
		start := c.segs[id] == nil && !c.building[id]
		if start {
			c.building[id] = true
		}
		c.segMu.Unlock()
		if !start {
			continue
		}
		if c.dir != "" {
			if _, err := os.Stat(colPath(c.dir, id)); err == nil {
				// Read from disk: searches wait for it (a fraction of
				// a second) rather than take Bleve's collector.
				c.segMu.Lock()
				c.reading[id] = true
				c.segMu.Unlock()
			}
		}
		c.background(snap, id, ss.Segment())
	}
}

// background builds a segment's columns on a goroutine of its own, holding
// a reference to the snapshot so that the segment stays open meanwhile.
func (c *columns) background(snap *scorch.IndexSnapshot, id uint64, seg segment.Segment) {
	c.segMu.Lock()
	defer c.segMu.Unlock()
	if c.closed {
		delete(c.building, id)
		return
	}
	snap.AddRef()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer snap.DecRef()
		if _, err := c.build(id, seg); err != nil && !errors.Is(err, errStopped) {
			c.log.Error("search: facet columns", "segment", id, "err", err)
		}
	}()
}

// await waits for a segment's columns that another goroutine builds.
func (c *columns) await(id uint64) *segColumns {
	for {
		c.segMu.Lock()
		sc, busy := c.segs[id], c.building[id]
		c.segMu.Unlock()
		if sc != nil || !busy {
			return sc
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// prune forgets the columns of segments that merging has retired (and
// their files), once there are more than two: a search still running on
// an older snapshot holds its own, and a million records' columns take
// some 40 MB, so that keeping more after each compaction of a growing
// index would add up.
func (c *columns) prune(live map[uint64]bool) {
	c.segMu.Lock()
	defer c.segMu.Unlock()
	if len(c.segs) <= len(live)+2 {
		return
	}
	for id := range c.segs {
		if !live[id] && !c.building[id] {
			delete(c.segs, id)
			if c.dir != "" {
				os.Remove(colPath(c.dir, id))
			}
		}
	}
}

// countTotals counts the values of every document of the segment, by type.
func (sc *segColumns) countTotals() {
	size := uint32(0)
	for _, o := range sc.rows {
		size = max(size, o+1)
	}
	for _, o := range sc.vals {
		size = max(size, o+1)
	}
	docs := make([]uint32, sc.signatures())
	for _, sg := range sc.sig {
		docs[sg]++
	}
	sc.totals = map[uint32][]uint32{}
	for sg, n := range docs {
		typ := sc.rows[sg*rowWidth+typeSlot]
		t := sc.totals[typ]
		if t == nil {
			t = make([]uint32, size)
			sc.totals[typ] = t
		}
		for _, o := range sc.sigRow(uint32(sg)) {
			t[o] += n
		}
		for _, o := range sc.sigMulti(uint32(sg)) {
			t[o] += n
		}
	}
}

// addTo adds delta to the counts of every value of document d; a delta of
// ^uint32(0) takes one away.
func (sc *segColumns) addTo(counts []uint32, d uint64, delta uint32) {
	for _, o := range sc.row(d) {
		counts[o] += delta
	}
	for _, o := range sc.multi(d) {
		counts[o] += delta
	}
}

// build reads the doc values of a segment's documents into columns.
func (c *columns) build(id uint64, seg segment.Segment) (*segColumns, error) {
	defer func() {
		c.segMu.Lock()
		delete(c.building, id)
		delete(c.reading, id)
		c.segMu.Unlock()
	}()
	if c.dir != "" {
		sc, err := c.loadColumns(c.dir, id, seg.Count())
		if err != nil {
			c.log.Warn("search: facet columns on disk, built again", "segment", id, "err", err)
		}
		if sc != nil {
			c.loaded.Add(1)
			c.segMu.Lock()
			c.segs[id] = sc
			c.segMu.Unlock()
			return sc, nil
		}
	}
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("segment %d has no doc values", id)
	}
	// slot[field] is the field's place in a row, or -1 for a multi-valued
	// field, -2 for the title and -3 for the modified sort key.
	fieldIdx := make(map[string]uint8, len(c.fields))
	slot := map[string]int{fieldSortTitle: -2, fieldModified: -3}
	for i, f := range c.fields {
		fieldIdx[f] = uint8(i)
		slot[f] = -1
	}
	for i, f := range rowFields() {
		slot[f] = i
	}
	n := seg.Count()
	sc := &segColumns{sig: make([]uint32, n), starts: []uint32{0},
		title: make([]sortKey, n), modified: make([]sortKey, n)}
	fields := append(slices.Clone(c.fields), fieldSortTitle, fieldModified)
	var missing [rowWidth]uint32
	for i, f := range rowFields() {
		missing[i] = c.ordinal(fieldIdx[f], []byte(catalog.FacetMissing))
	}
	sigs := map[string]uint32{}
	var row [rowWidth]uint32
	var multi []uint32
	var key []byte
	var state segment.DocVisitState
	var err error
	for d := range n {
		if d%checkEvery == 0 {
			select {
			case <-c.stop:
				return nil, errStopped
			default:
			}
		}
		row, multi = missing, multi[:0]
		var seen uint8
		state, err = dv.VisitDocValues(d, fields, func(field string, term []byte) {
			switch i := slot[field]; i {
			case -2:
				sc.title[d] = newSortKey(term)
			case -3:
				sc.modified[d] = newSortKey(term)
			case -1:
				multi = append(multi, c.ordinal(fieldIdx[field], term))
			default:
				if seen&(1<<i) != 0 && err == nil {
					err = fmt.Errorf("two values of %s", field)
				}
				seen |= 1 << i
				row[i] = c.ordinal(fieldIdx[field], term)
			}
		}, state)
		if err != nil {
			return nil, fmt.Errorf("segment %d document %d: %w", id, d, err)
		}
		key = key[:0]
		for _, o := range row {
			key = binary.LittleEndian.AppendUint32(key, o)
		}
		for _, o := range multi {
			key = binary.LittleEndian.AppendUint32(key, o)
		}
		sg, ok := sigs[string(key)]
		if !ok {
			sg = uint32(len(sigs))
			sigs[string(key)] = sg
			sc.rows = append(sc.rows, row[:]...)
			sc.vals = append(sc.vals, multi...)
			sc.starts = append(sc.starts, uint32(len(sc.vals)))
		}
		sc.sig[d] = sg
	}
	sc.countTotals()
	if c.dir != "" && n >= colFileMin {
		if err := c.saveColumns(c.dir, id, sc); err != nil {
			c.log.Warn("search: facet columns not kept on disk", "segment", id, "err", err)
		}
	}
	c.segMu.Lock()
	c.segs[id] = sc
	c.segMu.Unlock()
	return sc, nil
}
