package search

import (
	"container/list"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// The evaluator reads a term's postings through zap's iterator, which
// decodes each posting's frequency and norm from varints behind an
// interface, and which skips forward one posting at a time (with
// frequencies wanted, its Advance walks the postings it passes). A word
// that matches tens of thousands of records pays that on every search, so
// the postings of the terms with many of them are kept decoded, in arrays,
// once read: a document number and the part of its score that does not
// depend on the query (√freq × norm). Reading them is a loop over two
// arrays, and skipping is a search. The arrays are held in a cache of a
// fixed size, least recently used first out.

// decodedList is a term's postings in one segment, its deleted documents
// left out.
type decodedList struct {
	docs []uint32
	tfn  []float64 // √freq × norm of docs[i], as the evaluator's score multiplies them
}

// seek returns the first place at or after i whose document is at least
// d (len(l.docs) if there is none), galloping, then by halves.
func (l *decodedList) seek(i int, d uint64) int {
	docs := l.docs
	step, hi := 1, i
	for hi < len(docs) && uint64(docs[hi]) < d {
		i = hi + 1
		hi += step
		step *= 2
	}
	hi = min(hi, len(docs))
	for i < hi {
		mid := int(uint(i+hi) >> 1)
		if uint64(docs[mid]) < d {
			i = mid + 1
		} else {
			hi = mid
		}
	}
	return i
}

// decode reads a postings list into arrays.
func decode(pl segment.PostingsList) (*decodedList, error) {
	n := pl.Count()
	l := &decodedList{docs: make([]uint32, 0, n), tfn: make([]float64, 0, n)}
	it := pl.Iterator(true, true, false, nil)
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return l, nil
		}
		l.docs = append(l.docs, uint32(p.Number()))
		l.tfn = append(l.tfn, sqrtFreq(p.Frequency())*postingNorm(p))
	}
}

// decodeFrom is the fewest postings a list must have to be kept decoded:
// a shorter one is as quick to read through zap.
var decodeFrom uint64 = 512

// postingsKey names a term's postings in one segment (by its id, which
// scorch never gives another) with one set of deleted documents (a new
// deletion makes a new bitmap, and a new key).
type postingsKey struct {
	seg     uint64
	deleted *roaring.Bitmap
	field   string
	term    string
}

// postingsCache keeps decoded postings lists up to a size in bytes.
type postingsCache struct {
	max int64

	mu    sync.Mutex
	size  int64
	items map[postingsKey]*list.Element
	order list.List      // of *postingsEntry, most recently used first
	segs  map[uint64]int // entries by segment
}

type postingsEntry struct {
	key  postingsKey
	list *decodedList
	size int64
}

// postingsCacheSize is how much a cache of decoded postings holds: some
// 11 million postings, at 12 bytes each. (The lists of 1,024 postings or
// more in the title, description and code fields of the 1M-variable
// corpus hold 11.8 million.)
const postingsCacheSize = 128 << 20

func newPostingsCache(max int64) *postingsCache {
	return &postingsCache{max: max, items: map[postingsKey]*list.Element{}, segs: map[uint64]int{}}
}

func (c *postingsCache) get(k postingsKey) *decodedList {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return nil
	}
	c.order.MoveToFront(e)
	return e.Value.(*postingsEntry).list
}

// fits says whether a list of n postings may be kept: one that would take
// more than an eighth of the cache is not (nor decoded).
func (c *postingsCache) fits(n uint64) bool { return listSize(n) <= c.max/8 }

func listSize(n uint64) int64 { return int64(n)*12 + 128 }

// put keeps l under k, if it fits.
func (c *postingsCache) put(k postingsKey, l *decodedList) {
	size := listSize(uint64(len(l.docs)))
	if size > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		return
	}
	c.items[k] = c.order.PushFront(&postingsEntry{key: k, list: l, size: size})
	c.size += size
	c.segs[k.seg]++
	for c.size > c.max {
		c.remove(c.order.Back())
	}
}

func (c *postingsCache) remove(e *list.Element) {
	old := e.Value.(*postingsEntry)
	c.order.Remove(e)
	delete(c.items, old.key)
	c.size -= old.size
	if c.segs[old.key.seg]--; c.segs[old.key.seg] == 0 {
		delete(c.segs, old.key.seg)
	}
}

// retain drops the lists of segments that are not in snap, which merging
// has retired: they would only wait for their turn to be evicted.
func (c *postingsCache) retain(snap *scorch.IndexSnapshot) {
	segs := snap.Segments()
	c.mu.Lock()
	defer c.mu.Unlock()
	live := 0
	for _, ss := range segs {
		if c.segs[ss.Id()] > 0 {
			live++
		}
	}
	if live == len(c.segs) {
		return
	}
	ids := make(map[uint64]bool, len(segs))
	for _, ss := range segs {
		ids[ss.Id()] = true
	}
	for e := c.order.Front(); e != nil; {
		next := e.Next()
		if !ids[e.Value.(*postingsEntry).key.seg] {
			c.remove(e)
		}
		e = next
	}
}
