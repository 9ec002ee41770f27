// Package pagecache keeps rendered documents on disk, one gzip file per
// document in a folder of its own, up to a cap on their bytes: the least
// recently used go first. The DCAT endpoint keeps its catalogue documents in
// it, so that a page that harvesters fetch again and again is written once
// per change of the catalogue.
//
// A document is known by a key, which the caller must change whenever the
// document would change, and belongs to a group: the versions of one page.
// Committing a version drops the other versions of its group. A document is
// written to a temporary file and renamed into place only once it is
// complete, so no reader ever sees part of one; one that fails or is
// abandoned leaves nothing behind. While one caller writes a key, others
// asking for it wait for that document rather than write it again.
//
// Entries do not outlive the process: Open empties the folder, so keys
// need be unique only while it runs. Removing a file that a reader still
// has open is left to the operating system (on Unix the reader keeps it).
package pagecache

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// ErrTooLarge is the error of a Writer given more bytes than the whole cache
// may hold.
var ErrTooLarge = errors.New("pagecache: the document is larger than the cache may hold")

// Cache is a folder of cached documents. It is safe for concurrent use.
type Cache struct {
	dir string
	max int64

	mu      sync.Mutex         // guards the fields below
	entries map[string]*entry  // committed documents, by key
	groups  map[string]*entry  // the committed version of each group
	lru     list.List          // of *entry, the most recently used first
	size    int64              // bytes of the committed files
	filling map[string]*Writer // documents being written, by key
}

// entry is a committed document.
type entry struct {
	key, group string
	size       int64
	elem       *list.Element
}

// Open returns the cache in dir, which it creates if need be, holding at
// most max bytes of files. It empties dir of what a cache left there (files
// ending in .gz or .tmp) and leaves anything else alone.
func Open(dir string, max int64) (*Cache, error) {
	if max <= 0 {
		return nil, fmt.Errorf("pagecache: a cache of %d bytes", max)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pagecache: %w", err)
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("pagecache: %w", err)
	}
	for _, de := range des {
		if name := de.Name(); de.Type().IsRegular() && (strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".tmp")) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, fmt.Errorf("pagecache: empty the cache: %w", err)
			}
		}
	}
	return &Cache{
		dir: dir, max: max,
		entries: map[string]*entry{}, groups: map[string]*entry{}, filling: map[string]*Writer{},
	}, nil
}

// Max is the most bytes the cache holds.
func (c *Cache) Max() int64 { return c.max }

// Size returns the bytes of the cached documents' files, and how many
// there are.
func (c *Cache) Size() (bytes int64, documents int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size, len(c.entries)
}

// Entry is a cached document open for reading: its gzip bytes. The caller
// must Close it.
type Entry struct {
	*os.File
	Size int64
}

// Get returns the document of key, open for reading, when it is cached.
// Otherwise it returns a Writer with which the caller is to write the
// document and then Commit or Abort it. While one caller writes a key,
// others that Get it wait until it is committed (and then read it) or
// aborted (and then one of them writes it), or until ctx ends (ctx.Err()).
// A key is letters, digits, '-' and '_'; group names the page the document
// is a version of.
func (c *Cache) Get(ctx context.Context, key, group string) (*Entry, *Writer, error) {
	if !validKey(key) {
		return nil, nil, fmt.Errorf("pagecache: key %q is not letters, digits, - and _", key)
	}
	for {
		c.mu.Lock()
		if e := c.entries[key]; e != nil {
			f, err := os.Open(c.path(key))
			if err == nil {
				c.lru.MoveToFront(e.elem)
				c.mu.Unlock()
				return &Entry{File: f, Size: e.size}, nil, nil
			}
			c.drop(e) // its file is gone: write it again
		}
		if w := c.filling[key]; w != nil {
			c.mu.Unlock()
			select {
			case <-w.done:
				continue
			case <-ctx.Done():
				return nil, nil, ctx.Err()
			}
		}
		f, err := os.CreateTemp(c.dir, key+".*.tmp")
		if err != nil {
			c.mu.Unlock()
			return nil, nil, fmt.Errorf("pagecache: %w", err)
		}
		w := &Writer{c: c, key: key, group: group, f: f, done: make(chan struct{})}
		c.filling[key] = w
		c.mu.Unlock()
		return nil, w, nil
	}
}

// Remove forgets the document of key and deletes its file, if it is
// cached: for a document found to be damaged.
func (c *Cache) Remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[key]; e != nil {
		c.drop(e)
	}
}

func (c *Cache) path(key string) string { return filepath.Join(c.dir, key+".gz") }

// drop forgets a committed document and deletes its file. c.mu is held.
func (c *Cache) drop(e *entry) {
	c.forget(e)
	os.Remove(c.path(e.key))
}

// forget forgets a committed document and leaves its file. c.mu is held.
func (c *Cache) forget(e *entry) {
	c.lru.Remove(e.elem)
	delete(c.entries, e.key)
	if c.groups[e.group] == e {
		delete(c.groups, e.group)
	}
	c.size -= e.size
}

// Writer writes one document into the cache. It is not safe for concurrent
// use. Every Writer must end in Commit or Abort.
type Writer struct {
	c          *Cache
	key, group string
	f          *os.File
	n          int64
	err        error         // the first error of Write
	done       chan struct{} // closed by Commit or Abort
	ended      bool
}

// Write writes compressed bytes of the document. Past the cache's size it
// fails with ErrTooLarge; after an error it writes nothing more.
func (w *Writer) Write(p []byte) (int, error) {
	switch {
	case w.ended:
		return 0, errors.New("pagecache: write after Commit or Abort")
	case w.err != nil:
		return 0, w.err
	case w.n+int64(len(p)) > w.c.max:
		w.err = ErrTooLarge
		return 0, w.err
	}
	n, err := w.f.Write(p)
	w.n += int64(n)
	if err != nil {
		w.err = fmt.Errorf("pagecache: %w", err)
	}
	return n, w.err
}

// Commit makes what was written the document of its key, drops the other
// versions of its group, and then the least recently used documents until
// the cache is within its size. It fails, leaving nothing, when a Write
// failed or the file cannot be closed or renamed.
func (w *Writer) Commit() error {
	if w.ended {
		return errors.New("pagecache: Commit after Commit or Abort")
	}
	err := w.err
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("pagecache: %w", cerr)
	}
	c := w.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		if err = os.Rename(w.f.Name(), c.path(w.key)); err != nil {
			err = fmt.Errorf("pagecache: %w", err)
		}
	}
	if err != nil {
		os.Remove(w.f.Name())
		w.end()
		return err
	}
	if e := c.entries[w.key]; e != nil {
		c.forget(e) // its file was just replaced
	}
	if e := c.groups[w.group]; e != nil {
		c.drop(e)
	}
	e := &entry{key: w.key, group: w.group, size: w.n}
	e.elem = c.lru.PushFront(e)
	c.entries[e.key], c.groups[e.group] = e, e
	c.size += e.size
	for c.size > c.max {
		c.drop(c.lru.Back().Value.(*entry))
	}
	w.end()
	return nil
}

// Abort deletes what was written. It does nothing after Commit, so that it
// can be deferred.
func (w *Writer) Abort() {
	if w.ended {
		return
	}
	w.f.Close()
	os.Remove(w.f.Name())
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	w.end()
}

// end lets the callers waiting for the key go on. c.mu is held.
func (w *Writer) end() {
	w.ended = true
	delete(w.c.filling, w.key)
	close(w.done)
}

func validKey(k string) bool {
	if k == "" || len(k) > 128 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
