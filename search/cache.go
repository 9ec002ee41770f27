package search

import (
	"container/list"
	"encoding/json"
	"sync"

	"github.com/katalog/katalog/catalog"
)

// A result cache: the index changes only when a harvest writes to it, and
// researchers ask the same popular questions, so a search answered once is
// kept until the next write. Every write clears it.

// cacheEntries is how many results the cache keeps, the least recently
// used going first.
const cacheEntries = 512

type resultCache struct {
	mu    sync.Mutex
	ll    *list.List // of *cacheEntry, most recent first
	byKey map[string]*list.Element
	gen   uint64 // writes seen; a result computed before the last is not kept
}

type cacheEntry struct {
	key string
	res *catalog.SearchResult
}

func newResultCache() *resultCache {
	return &resultCache{ll: list.New(), byKey: map[string]*list.Element{}}
}

// cacheKey identifies a normalised request. The reader's language is left
// out: it changes nothing search returns.
func cacheKey(req *catalog.SearchRequest) string {
	r := *req
	r.Lang = ""
	data, _ := json.Marshal(r) // maps are written in key order
	return string(data)
}

// get returns a copy of a cached result. A nil cache keeps nothing.
func (c *resultCache) get(key string) (*catalog.SearchResult, uint64, bool) {
	if c == nil {
		return nil, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.ll.MoveToFront(e)
		res := *e.Value.(*cacheEntry).res
		return &res, c.gen, true
	}
	return nil, c.gen, false
}

// put keeps a result computed when the cache was at generation gen.
func (c *resultCache) put(key string, gen uint64, res *catalog.SearchResult) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return // the index changed while it was computed
	}
	if e, ok := c.byKey[key]; ok {
		e.Value.(*cacheEntry).res = res
		c.ll.MoveToFront(e)
		return
	}
	c.byKey[key] = c.ll.PushFront(&cacheEntry{key, res})
	for c.ll.Len() > cacheEntries {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.byKey, old.Value.(*cacheEntry).key)
	}
}

// clear forgets every result: the index has changed.
func (c *resultCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.ll.Init()
	clear(c.byKey)
}
