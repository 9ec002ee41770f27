package pagecache_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/katalog/katalog/web/pagecache"
)

func open(t *testing.T, dir string, max int64) *pagecache.Cache {
	t.Helper()
	c, err := pagecache.Open(dir, max)
	if err != nil {
		t.Fatalf("Open(%s, %d) = %v", dir, max, err)
	}
	return c
}

// put writes a document under key and commits it.
func put(t *testing.T, c *pagecache.Cache, key, group string, doc []byte) {
	t.Helper()
	e, w, err := c.Get(context.Background(), key, group)
	if err != nil || e != nil {
		t.Fatalf("Get(%s) = %v, %v; want a Writer", key, e, err)
	}
	if _, err := w.Write(doc); err != nil {
		t.Fatalf("Write(%s) = %v", key, err)
	}
	if err := w.Commit(); err != nil {
		t.Fatalf("Commit(%s) = %v", key, err)
	}
}

// read returns the cached document of key, or nil when Get offers a Writer
// (which it aborts).
func read(t *testing.T, c *pagecache.Cache, key, group string) []byte {
	t.Helper()
	e, w, err := c.Get(context.Background(), key, group)
	if err != nil {
		t.Fatalf("Get(%s) = %v", key, err)
	}
	if w != nil {
		w.Abort()
		return nil
	}
	defer e.Close()
	data, err := io.ReadAll(e)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	if int64(len(data)) != e.Size {
		t.Errorf("entry %s: %d bytes; Size says %d", key, len(data), e.Size)
	}
	return data
}

// files lists the names in dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	sort.Strings(out)
	return out
}

func TestMissThenHit(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 1<<20)
	if got := read(t, c, "k1", "page1"); got != nil {
		t.Fatalf("Get(k1) of an empty cache = %q; want a Writer", got)
	}
	doc := bytes.Repeat([]byte("gzip bytes "), 1000)
	put(t, c, "k1", "page1", doc)
	if got := read(t, c, "k1", "page1"); !bytes.Equal(got, doc) {
		t.Errorf("Get(k1) after Commit = %d bytes; want the %d written", len(got), len(doc))
	}
	if size, n := c.Size(); size != int64(len(doc)) || n != 1 {
		t.Errorf("Size() = %d, %d; want %d, 1", size, n, len(doc))
	}
	if got := files(t, dir); len(got) != 1 || got[0] != "k1.gz" {
		t.Errorf("files %v; want k1.gz only", got)
	}
}

// TestNothingLeftBehind: a document that is aborted, or whose writing
// failed, leaves no entry and no file.
func TestNothingLeftBehind(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(w *pagecache.Writer) error
	}{
		{"aborted", func(w *pagecache.Writer) error { w.Abort(); return nil }},
		{"larger than the cache", func(w *pagecache.Writer) error {
			if _, err := w.Write(make([]byte, 2000)); !errors.Is(err, pagecache.ErrTooLarge) {
				t.Errorf("Write past the cache's size = %v; want ErrTooLarge", err)
			}
			if err := w.Commit(); !errors.Is(err, pagecache.ErrTooLarge) {
				t.Errorf("Commit after ErrTooLarge = %v; want ErrTooLarge", err)
			}
			return nil
		}},
		{"committed and then aborted", func(w *pagecache.Writer) error {
			w.Abort()
			if err := w.Commit(); err == nil {
				t.Errorf("Commit after Abort = nil; want an error")
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			c := open(t, dir, 1500)
			_, w, err := c.Get(context.Background(), "k", "g")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write([]byte("part of a document")); err != nil {
				t.Fatal(err)
			}
			tc.end(w)
			w.Abort() // as deferred: harmless after the end
			if got := files(t, dir); len(got) != 0 {
				t.Errorf("files %v; want none", got)
			}
			if size, n := c.Size(); size != 0 || n != 0 {
				t.Errorf("Size() = %d, %d; want 0, 0", size, n)
			}
			if got := read(t, c, "k", "g"); got != nil {
				t.Errorf("Get(k) = %q; want a Writer", got)
			}
		})
	}
}

// TestEviction: past its size the cache drops the least recently used
// documents, file and all.
func TestEviction(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 3000)
	doc := func(b byte) []byte { return bytes.Repeat([]byte{b}, 1000) }
	put(t, c, "a", "ga", doc('a'))
	put(t, c, "b", "gb", doc('b'))
	put(t, c, "c", "gc", doc('c'))
	read(t, c, "a", "ga") // a is now more recently used than b
	put(t, c, "d", "gd", doc('d'))
	if got, want := files(t, dir), []string{"a.gz", "c.gz", "d.gz"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files after a fourth document %v; want %v (b, the least recently used, dropped)", got, want)
	}
	if size, n := c.Size(); size != 3000 || n != 3 {
		t.Errorf("Size() = %d, %d; want 3000, 3", size, n)
	}
	if got := read(t, c, "b", "gb"); got != nil {
		t.Errorf("Get(b) after its eviction = %d bytes; want a Writer", len(got))
	}
	put(t, c, "big", "gbig", bytes.Repeat([]byte{'x'}, 2500))
	if got, want := files(t, dir), []string{"big.gz"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files after a document of 2500 bytes %v; want %v", got, want)
	}
	if got := read(t, c, "big", "gbig"); len(got) != 2500 {
		t.Errorf("Get(big) = %d bytes; want 2500", len(got))
	}
}

// TestGroupKeepsOneVersion: committing a new version of a page drops the
// old one.
func TestGroupKeepsOneVersion(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 1<<20)
	put(t, c, "v1", "page1", []byte("old"))
	put(t, c, "other", "page2", []byte("other page"))
	put(t, c, "v2", "page1", []byte("new"))
	if got, want := files(t, dir), []string{"other.gz", "v2.gz"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files %v; want %v", got, want)
	}
	if got := read(t, c, "v1", "page1"); got != nil {
		t.Errorf("Get(v1) = %q; want the old version gone", got)
	}
	if got := read(t, c, "v2", "page1"); string(got) != "new" {
		t.Errorf("Get(v2) = %q; want new", got)
	}
}

// TestConcurrentGet: of many callers asking for one missing key, one
// writes; the others wait and read what it committed. When the writer
// aborts, one of those waiting writes instead.
func TestConcurrentGet(t *testing.T) {
	for _, abortFirst := range []bool{false, true} {
		c := open(t, t.TempDir(), 1<<20)
		doc := bytes.Repeat([]byte("document "), 10000)
		const callers = 8
		var (
			mu      sync.Mutex // guards writers
			writers int
			wg      sync.WaitGroup
			got     = make([][]byte, callers)
		)
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				e, w, err := c.Get(context.Background(), "k", "g")
				if err != nil {
					t.Errorf("Get = %v", err)
					return
				}
				if w != nil {
					mu.Lock()
					writers++
					n := writers
					mu.Unlock()
					time.Sleep(20 * time.Millisecond) // the others come and wait
					if n == 1 && abortFirst {
						w.Write(doc[:100])
						w.Abort()
						return
					}
					w.Write(doc)
					if err := w.Commit(); err != nil {
						t.Errorf("Commit = %v", err)
					}
					got[i] = doc
					return
				}
				defer e.Close()
				got[i], _ = io.ReadAll(e)
			}()
		}
		wg.Wait()
		want := 1
		if abortFirst {
			want = 2
		}
		if writers != want {
			t.Errorf("abort first %v: %d of %d callers wrote; want %d", abortFirst, writers, callers, want)
		}
		for i, g := range got {
			if abortFirst && g == nil {
				continue // the one that aborted
			}
			if !bytes.Equal(g, doc) {
				t.Errorf("abort first %v: caller %d read %d bytes; want the %d committed", abortFirst, i, len(g), len(doc))
			}
		}
	}
}

// TestGetWaitsUntilContextEnds: a caller waiting for another's document
// gives up when its context ends.
func TestGetWaitsUntilContextEnds(t *testing.T) {
	c := open(t, t.TempDir(), 1<<20)
	_, w, err := c.Get(context.Background(), "k", "g")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if e, w2, err := c.Get(ctx, "k", "g"); !errors.Is(err, context.DeadlineExceeded) || e != nil || w2 != nil {
		t.Errorf("Get while another writes, until a deadline = %v, %v, %v; want DeadlineExceeded", e, w2, err)
	}
	if _, w3, err := c.Get(context.Background(), "other", "g2"); err != nil || w3 == nil {
		t.Errorf("Get(other) while k is written = %v; want a Writer at once", err)
	} else {
		w3.Abort()
	}
}

// TestOpenEmpties: what a cache left in its folder (a crash included) is
// deleted on Open; other files are not.
func TestOpenEmpties(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 1<<20)
	put(t, c, "k1", "g", []byte("doc"))
	_, w, err := c.Get(context.Background(), "k2", "g2")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("half a document")) // never committed: a crash
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte("not ours"), 0o644); err != nil {
		t.Fatal(err)
	}
	c2 := open(t, dir, 1<<20)
	if got := files(t, dir); len(got) != 1 || got[0] != "README" {
		t.Errorf("files after Open %v; want README only", got)
	}
	if got := read(t, c2, "k1", "g"); got != nil {
		t.Errorf("Get(k1) after Open = %q; want nothing cached", got)
	}
}

func TestInvalidKey(t *testing.T) {
	c := open(t, t.TempDir(), 1<<20)
	for _, key := range []string{"", "../x", "a/b", "a.gz", strings.Repeat("k", 200)} {
		if _, _, err := c.Get(context.Background(), key, "g"); err == nil {
			t.Errorf("Get(%q) = nil error; want the key refused", key)
		}
	}
}

func TestRemove(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, 1<<20)
	put(t, c, "k", "g", []byte("damaged"))
	c.Remove("k")
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files after Remove %v; want none", got)
	}
	if size, n := c.Size(); size != 0 || n != 0 {
		t.Errorf("Size() after Remove = %d, %d; want 0, 0", size, n)
	}
}
