package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/web"
	"github.com/katalog/katalog/web/pagecache"
)

// cachedServer is a test server with a catalogue cache in dir, served over
// HTTP by hs.
type cachedServer struct {
	*testServer
	cache *pagecache.Cache
	dir   string
	hs    *httptest.Server
}

func newCachedServer(t *testing.T, max int64, opts ...func(*web.Config)) *cachedServer {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cache", "catalog")
	cache, err := pagecache.Open(dir, max)
	if err != nil {
		t.Fatalf("pagecache.Open: %v", err)
	}
	opts = append(opts, func(c *web.Config) { c.CatalogCache = cache })
	ts := newTestServer(t, opts...)
	hs := httptest.NewServer(ts.srv)
	t.Cleanup(hs.Close)
	return &cachedServer{testServer: ts, cache: cache, dir: dir, hs: hs}
}

// answer is a response read whole: raw as it came over the wire, body
// decompressed when it came gzip-compressed.
type answer struct {
	status     int
	header     http.Header
	raw, body  []byte
	readFailed error // the body was cut off
}

// fetch sends a request over HTTP with the given header pairs; the client
// decompresses nothing itself.
func fetch(t *testing.T, base, method, target string, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, base+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	a.raw, a.readFailed = io.ReadAll(resp.Body)
	a.body = a.raw
	if a.readFailed == nil && resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(a.raw))
		if err != nil {
			t.Fatalf("%s %s: gzip: %v", method, target, err)
		}
		if a.body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s %s: gunzip: %v", method, target, err)
		}
	}
	return a
}

// cachedFiles lists the files in the cache's folder.
func cachedFiles(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}

// cacheCount returns katalog_catalog_cache_requests_total of a result.
func (ts *testServer) cacheCount(t *testing.T, result string) string {
	t.Helper()
	prefix := `katalog_catalog_cache_requests_total{result="` + result + `"} `
	for l := range ts.scrape(t) {
		if strings.HasPrefix(l, prefix) {
			return strings.TrimPrefix(l, prefix)
		}
	}
	return "0"
}

var (
	gzipClient     = []string{"Accept-Encoding", "gzip"}
	identityClient = []string{}
)

// TestCatalogCacheMissThenHit: a document sent from the cache is the one
// written the first time, byte for byte, and the one a server without a
// cache writes, with the same headers; a client that takes gzip gets it
// compressed (with its length, from the cache), one that does not gets it
// as it is, both the first time and from the cache.
func TestCatalogCacheMissThenHit(t *testing.T) {
	t.Parallel()
	base := func(c *web.Config) { c.Publication.Base = "https://katalog.example.no" }
	cs := newCachedServer(t, 1<<30, base)
	plain := httptest.NewServer(newTestServer(t, base).srv)
	defer plain.Close()
	targets := []string{"/catalog.ttl?page=1&size=2", "/catalog?page=2&size=2", "/catalog.jsonld", "/catalog?profile=dcat-ap-no"}
	for _, target := range targets {
		for _, client := range []struct {
			name string
			hdr  []string
		}{{"gzip", gzipClient}, {"identity", identityClient}} {
			want := fetch(t, plain.URL, http.MethodGet, target, client.hdr...)
			miss := fetch(t, cs.hs.URL, http.MethodGet, target, client.hdr...)
			hit := fetch(t, cs.hs.URL, http.MethodGet, target, client.hdr...)
			for _, a := range []struct {
				name string
				answer
			}{{"first", miss}, {"cached", hit}} {
				what := a.name + " GET " + target + " (" + client.name + ")"
				if a.status != http.StatusOK || a.readFailed != nil {
					t.Fatalf("%s = %d, %v; want 200", what, a.status, a.readFailed)
				}
				if !bytes.Equal(a.body, want.body) {
					t.Errorf("%s: %d bytes; want the %d bytes of a server without a cache", what, len(a.body), len(want.body))
				}
				for _, h := range []string{"ETag", "Last-Modified", "Content-Type", "Cache-Control"} {
					if a.header.Get(h) != want.header.Get(h) || a.header.Get(h) == "" {
						t.Errorf("%s: %s %q; want %q", what, h, a.header.Get(h), want.header.Get(h))
					}
				}
				if got := strings.Join(a.header.Values("Vary"), ", "); got != "Accept, Accept-Encoding" {
					t.Errorf("%s: Vary %q; want Accept, Accept-Encoding", what, got)
				}
				if gz := a.header.Get("Content-Encoding") == "gzip"; gz != (client.name == "gzip") {
					t.Errorf("%s: Content-Encoding %q", what, a.header.Get("Content-Encoding"))
				}
			}
			if client.name == "gzip" && hit.header.Get("Content-Length") != itoa(len(hit.raw)) {
				t.Errorf("cached GET %s (gzip): Content-Length %q; want %d", target, hit.header.Get("Content-Length"), len(hit.raw))
			}
		}
	}
	if got, want := cs.cacheCount(t, "hit"), itoa(len(targets)*2*2-len(targets)); got != want {
		t.Errorf("cache hits %s; want %s (all but the first request of each document)", got, want)
	}
	if got, want := cs.cacheCount(t, "miss"), itoa(len(targets)); got != want {
		t.Errorf("cache misses %s; want %s", got, want)
	}
	if _, n := cs.cache.Size(); n != len(targets) {
		t.Errorf("%d documents cached; want %d", n, len(targets))
	}
}

// TestCatalogCacheHarvestChanges: whatever a harvest changes, the next
// request gets a new ETag and the new document, never the cached one; the
// store's revision alone (before the harvester stores the source's state)
// is enough.
func TestCatalogCacheHarvestChanges(t *testing.T) {
	t.Parallel()
	cs := newCachedServer(t, 1<<30)
	ctx := context.Background()
	mfr := mfrSnapshot()
	mfr.Catalogs = []catalog.Catalog{{IRI: "https://data.fhi.no/catalog", Title: text("FHIs katalog", "")}}
	for _, step := range []struct {
		name         string
		change       func() error
		want, gone   string
		changesTotal bool
	}{
		{"a catalogue record added", func() error {
			_, err := cs.store.ApplySnapshot(ctx, "fhi-mfr", mfr, catalog.ApplyOptions{Now: testNow})
			return err
		}, "FHIs katalog", "", false},
		{"a variable's title", func() error {
			mfr.Variables[1].Title = text("Svangerskapets lengde", "Gestational age")
			mfr.Variables[1].Hash = ""
			_, err := cs.store.ApplySnapshot(ctx, "fhi-mfr", mfr, catalog.ApplyOptions{Now: testNow})
			return err
		}, "Svangerskapets lengde", "Svangerskapslengde", false},
		{"the catalogue record's title", func() error {
			mfr.Catalogs[0].Title = text("FHIs nye katalog", "")
			_, err := cs.store.ApplySnapshot(ctx, "fhi-mfr", mfr, catalog.ApplyOptions{Now: testNow})
			return err
		}, "FHIs nye katalog", "FHIs katalog", false},
		{"a dataset withdrawn", func() error {
			hunt := huntSnapshot(false)
			hunt.Datasets = hunt.Datasets[:1]
			hunt.Variables = hunt.Variables[:len(hunt.Variables)-1]
			_, err := cs.store.ApplySnapshot(ctx, "hunt", hunt, catalog.ApplyOptions{Now: testNow})
			return err
		}, "", "HUNT-XSS", true},
		{"a source's last change", func() error {
			src, err := cs.store.FindSource(ctx, "hunt")
			if err != nil {
				return err
			}
			src.State.LastChanged = testNow
			return cs.store.PutSource(ctx, src)
		}, testNow.Format("2006-01-02T15:04:05"), "", false},
	} {
		for _, target := range []string{"/catalog.ttl", "/catalog.ttl?page=1&size=100"} {
			for _, client := range [][]string{gzipClient, identityClient} {
				fetch(t, cs.hs.URL, http.MethodGet, target, client...) // cached now
			}
		}
		before := fetch(t, cs.hs.URL, http.MethodGet, "/catalog.ttl", gzipClient...)
		if err := step.change(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		for _, target := range []string{"/catalog.ttl", "/catalog.ttl?page=1&size=100"} {
			for _, client := range [][]string{gzipClient, identityClient} {
				a := fetch(t, cs.hs.URL, http.MethodGet, target, client...)
				what := "after " + step.name + ": GET " + target
				if a.header.Get("ETag") == before.header.Get("ETag") {
					t.Errorf("%s: the ETag of before, %s", what, before.header.Get("ETag"))
				}
				if step.want != "" && !bytes.Contains(a.body, []byte(step.want)) {
					t.Errorf("%s: the document does not say %q", what, step.want)
				}
				if step.gone != "" && bytes.Contains(a.body, []byte(step.gone)) {
					t.Errorf("%s: the document still says %q", what, step.gone)
				}
			}
		}
	}
}

// TestCatalogCacheExportFailure: a document whose writing fails is cut off
// for the client and leaves nothing in the cache.
func TestCatalogCacheExportFailure(t *testing.T) {
	t.Parallel()
	cs := newCachedServer(t, 1<<30, func(c *web.Config) { c.Store = failingVariables{c.Store} })
	for _, target := range []string{"/catalog.ttl", "/catalog.nt?page=1&size=2"} {
		for _, client := range [][]string{gzipClient, identityClient} {
			req, _ := http.NewRequest(http.MethodGet, cs.hs.URL+target, nil)
			for i := 0; i+1 < len(client); i += 2 {
				req.Header.Set(client[i], client[i+1])
			}
			resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
			if err != nil {
				continue // cut off before the headers: fine
			}
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil {
				t.Errorf("GET %s %v with a failing store: a complete %d answer; want the connection cut", target, client, resp.StatusCode)
			}
		}
	}
	cs.hs.Close() // waits for the handlers
	if files := cachedFiles(t, cs.dir); len(files) != 0 {
		t.Errorf("files in the cache after failed exports: %v; want none", files)
	}
	if _, n := cs.cache.Size(); n != 0 {
		t.Errorf("%d documents cached after failed exports; want none", n)
	}
}

// untilCancelled is a store whose FindVariables waits until the request
// that called it is cancelled.
type untilCancelled struct {
	catalog.Store
	entered chan struct{}
}

func (u untilCancelled) FindVariables(ctx context.Context, f catalog.VariableFilter) ([]catalog.Variable, int, error) {
	u.entered <- struct{}{}
	<-ctx.Done()
	return nil, 0, ctx.Err()
}

// TestCatalogCacheClientGone: a client that goes away while its document
// is being written leaves nothing in the cache.
func TestCatalogCacheClientGone(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{}, 100)
	cs := newCachedServer(t, 1<<30, func(c *web.Config) { c.Store = untilCancelled{c.Store, entered} })
	for _, client := range [][]string{gzipClient, identityClient} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, cs.hs.URL+"/catalog.ttl", nil)
			for i := 0; i+1 < len(client); i += 2 {
				req.Header.Set(client[i], client[i+1])
			}
			resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			done <- err
		}()
		<-entered // the document is being written
		cancel()
		if err := <-done; err == nil {
			t.Errorf("a cancelled request %v read a whole answer", client)
		}
	}
	cs.hs.Close() // waits for the handlers
	if files := cachedFiles(t, cs.dir); len(files) != 0 {
		t.Errorf("files in the cache after the clients went: %v; want none", files)
	}
	if _, n := cs.cache.Size(); n != 0 {
		t.Errorf("%d documents cached after the clients went; want none", n)
	}
}

// TestCatalogCacheOneWriter: of requests for the same document that come
// while it is being written, one writes it and the others wait and are
// sent the cached document.
func TestCatalogCacheOneWriter(t *testing.T) {
	t.Parallel()
	bs := &blockingStore{entered: make(chan struct{}, 100), release: make(chan struct{})}
	cs := newCachedServer(t, 1<<30, func(c *web.Config) {
		bs.Store = c.Store
		c.Store = bs
		c.Exports = 4
	})
	const requests = 6
	answers := make([]answer, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := gzipClient
			if i%2 == 1 {
				client = identityClient
			}
			answers[i] = fetch(t, cs.hs.URL, http.MethodGet, "/catalog.ttl?page=1&size=100", client...)
		}()
		if i == 0 {
			<-bs.entered // the first is writing the document
		}
	}
	time.Sleep(100 * time.Millisecond) // the others wait for it
	close(bs.release)
	wg.Wait()
	for i, a := range answers {
		if a.status != http.StatusOK || !bytes.Equal(a.body, answers[0].body) {
			t.Errorf("request %d: %d, %d bytes; want 200 and the %d bytes of the first", i, a.status, len(a.body), len(answers[0].body))
		}
	}
	if miss, hit := cs.cacheCount(t, "miss"), cs.cacheCount(t, "hit"); miss != "1" || hit != itoa(requests-1) {
		t.Errorf("%s misses and %s hits; want 1 and %d", miss, hit, requests-1)
	}
}

// TestCatalogCacheCap: the cache keeps within its size, least recently
// used out first; a document larger than the whole cache is sent whole
// and not kept.
func TestCatalogCacheCap(t *testing.T) {
	t.Parallel()
	base := func(c *web.Config) { c.Publication.Base = "https://katalog.example.no" }
	probe := newCachedServer(t, 1<<30, base)
	var total int64
	for _, n := range []string{"1", "2", "3"} {
		fetch(t, probe.hs.URL, http.MethodGet, "/catalog.ttl?page="+n+"&size=1", gzipClient...)
	}
	total, _ = probe.cache.Size()

	// Room for any two of the three pages, not for all three.
	cs := newCachedServer(t, total-1)
	for _, n := range []string{"1", "2", "1", "3"} { // page 2 is then the least recently used
		fetch(t, cs.hs.URL, http.MethodGet, "/catalog.ttl?page="+n+"&size=1", gzipClient...)
		if size, _ := cs.cache.Size(); size > cs.cache.Max() {
			t.Errorf("after page %s: %d bytes cached; want at most %d", n, size, cs.cache.Max())
		}
	}
	if _, n := cs.cache.Size(); n != 2 || len(cachedFiles(t, cs.dir)) != 2 {
		t.Errorf("%d documents cached, files %v; want 2", n, cachedFiles(t, cs.dir))
	}
	for _, tc := range []struct{ page, result string }{{"1", "hit"}, {"3", "hit"}, {"2", "miss"}} {
		before := atoi(t, cs.cacheCount(t, tc.result))
		fetch(t, cs.hs.URL, http.MethodGet, "/catalog.ttl?page="+tc.page+"&size=1", gzipClient...)
		if got := atoi(t, cs.cacheCount(t, tc.result)); got != before+1 {
			t.Errorf("page %s again: not a cache %s", tc.page, tc.result)
		}
	}

	small := newCachedServer(t, 100, base)
	whole := fetch(t, probe.hs.URL, http.MethodGet, "/catalog.ttl")
	for _, client := range [][]string{gzipClient, identityClient} {
		a := fetch(t, small.hs.URL, http.MethodGet, "/catalog.ttl", client...)
		if a.status != http.StatusOK || a.readFailed != nil || !bytes.Equal(a.body, whole.body) {
			t.Errorf("GET /catalog.ttl %v, larger than the cache: %d, %d bytes, %v; want the whole %d bytes", client, a.status, len(a.body), a.readFailed, len(whole.body))
		}
	}
	small.hs.Close()
	if size, n := small.cache.Size(); size != 0 || n != 0 || len(cachedFiles(t, small.dir)) != 0 {
		t.Errorf("a cache of 100 bytes holds %d bytes, %d documents, files %v; want nothing", size, n, cachedFiles(t, small.dir))
	}
}

// TestCatalogCacheConditional: HEAD, If-None-Match and If-Modified-Since
// answer as they did without the cache, before and after a document is
// cached.
func TestCatalogCacheConditional(t *testing.T) {
	t.Parallel()
	cs := newCachedServer(t, 1<<30)
	for _, round := range []string{"before", "after"} {
		full := fetch(t, cs.hs.URL, http.MethodGet, "/catalog.ttl", gzipClient...)
		etag, lm := full.header.Get("ETag"), full.header.Get("Last-Modified")
		for _, client := range [][]string{gzipClient, identityClient} {
			head := fetch(t, cs.hs.URL, http.MethodHead, "/catalog.ttl", client...)
			if head.status != http.StatusOK || len(head.raw) != 0 || head.header.Get("ETag") != etag || head.header.Get("Content-Encoding") != "" {
				t.Errorf("%s: HEAD %v = %d, %d bytes, ETag %q, Content-Encoding %q; want 200, no body, %s, none",
					round, client, head.status, len(head.raw), head.header.Get("ETag"), head.header.Get("Content-Encoding"), etag)
			}
			for _, cond := range [][]string{{"If-None-Match", etag}, {"If-Modified-Since", lm}} {
				a := fetch(t, cs.hs.URL, http.MethodGet, "/catalog.ttl", append(append([]string{}, client...), cond...)...)
				if a.status != http.StatusNotModified || len(a.raw) != 0 || a.header.Get("Content-Encoding") != "" {
					t.Errorf("%s: GET %v %s = %d, %d bytes; want 304, no body", round, client, cond[0], a.status, len(a.raw))
				}
			}
		}
	}
}

// TestCatalogCacheDamaged: a cached document found damaged is removed, and
// its client's answer cut off rather than sent short.
func TestCatalogCacheDamaged(t *testing.T) {
	t.Parallel()
	cs := newCachedServer(t, 1<<30)
	fetch(t, cs.hs.URL, http.MethodGet, "/catalog.ttl", gzipClient...)
	files := cachedFiles(t, cs.dir)
	if len(files) != 1 {
		t.Fatalf("files in the cache %v; want 1", files)
	}
	path := filepath.Join(cs.dir, files[0])
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if a := fetch(t, cs.hs.URL, http.MethodGet, "/catalog.ttl", identityClient...); a.readFailed == nil {
		t.Errorf("a damaged cached document: a complete %d answer of %d bytes; want the connection cut", a.status, len(a.raw))
	}
	cs.hs.Close()
	if files := cachedFiles(t, cs.dir); len(files) != 0 {
		t.Errorf("files in the cache after the damaged one was read: %v; want none", files)
	}
}

// TestCatalogNotCompressedTwice: with the cache or without, a client that
// takes gzip gets the document compressed once.
func TestCatalogNotCompressedTwice(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"cached", "not cached"} {
		ts := newTestServer(t)
		if name == "cached" {
			ts = newCachedServer(t, 1<<30).testServer
		}
		hs := httptest.NewServer(ts.srv)
		for i := 0; i < 2; i++ {
			a := fetch(t, hs.URL, http.MethodGet, "/catalog.ttl", "Accept-Encoding", "gzip, deflate, br")
			if a.header.Get("Content-Encoding") != "gzip" || !bytes.HasPrefix(a.body, []byte("@prefix")) {
				t.Errorf("%s: GET /catalog.ttl with gzip: Content-Encoding %q, body begins %.20q; want Turtle gzipped once", name, a.header.Get("Content-Encoding"), a.body)
			}
		}
		hs.Close()
	}
}

// TestCatalogWarm: with a base address, WarmCatalog writes the default
// pages into the cache at start and again after a harvest changed the
// store, so that harvesters find them there; it stops when told.
func TestCatalogWarm(t *testing.T) {
	defer web.SetWarmDelay(time.Millisecond)()
	cs := newCachedServer(t, 1<<30, func(c *web.Config) { c.Publication.Base = "https://katalog.example.no" })
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		cs.srv.WarmCatalog(ctx)
		close(stopped)
	}()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 10 s", what)
			}
		}
	}
	// One page of each of the two listings.
	waitFor("two pages warmed", func() bool { _, n := cs.cache.Size(); return n == 2 })
	first := fetch(t, cs.hs.URL, http.MethodGet, "/catalog?page=1&size=100", gzipClient...)
	no := fetch(t, cs.hs.URL, http.MethodGet, "/catalog?page=1&profile=dcat-ap-no&size=100", "Accept", "text/turtle")
	if miss := cs.cacheCount(t, "miss"); miss != "0" {
		t.Errorf("default pages after warming: %s written for harvesters; want none (all from the cache)", miss)
	}
	if !bytes.Contains(first.body, []byte("<https://katalog.example.no/catalog>")) || no.status != http.StatusOK {
		t.Errorf("warmed pages: %d and %d; want the catalogue at the base address", first.status, no.status)
	}

	mfr := mfrSnapshot()
	mfr.Variables[1].Title = text("Svangerskapets lengde", "Gestational age")
	if _, err := cs.store.ApplySnapshot(context.Background(), "fhi-mfr", mfr, catalog.ApplyOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	cs.srv.CatalogChanged()
	waitFor("the pages warmed again", func() bool { return cachedAt(t, cs, "/catalog?page=1&size=100") })
	again := fetch(t, cs.hs.URL, http.MethodGet, "/catalog?page=1&size=100", gzipClient...)
	if again.header.Get("ETag") == first.header.Get("ETag") || !bytes.Contains(again.body, []byte("Svangerskapets lengde")) {
		t.Errorf("after a harvest: ETag %s (before %s); want a new document with the change", again.header.Get("ETag"), first.header.Get("ETag"))
	}
	if miss := cs.cacheCount(t, "miss"); miss != "0" {
		t.Errorf("default pages after the second warming: %s written for harvesters; want none", miss)
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatalf("WarmCatalog still running 5 s after its context ended")
	}
}

// cachedAt reports whether the document a GET of target would be sent is
// in the cache, by the number of documents of its page: the test's
// pages all have one version at a time.
func cachedAt(t *testing.T, cs *cachedServer, target string) bool {
	t.Helper()
	head := fetch(t, cs.hs.URL, http.MethodHead, target)
	etag := strings.Trim(strings.TrimPrefix(head.header.Get("ETag"), "W/"), `"`)
	_, err := os.Stat(filepath.Join(cs.dir, etag+".gz"))
	return err == nil
}

// TestCatalogWarmStopsForAChange: a warming stops when the store changes
// again; the next one writes the new pages.
func TestCatalogWarmStopsForAChange(t *testing.T) {
	cs := newCachedServer(t, 1<<30, func(c *web.Config) { c.Publication.Base = "https://katalog.example.no" })
	cs.srv.CatalogChanged()
	web.WarmPass(cs.srv, context.Background())
	if _, n := cs.cache.Size(); n != 0 {
		t.Errorf("a warming after a change it has not begun for wrote %d pages; want none", n)
	}
}

// TestCatalogWarmNeedsBase: without a configured base address nothing is
// warmed (the pages' links would be guesses).
func TestCatalogWarmNeedsBase(t *testing.T) {
	cs := newCachedServer(t, 1<<30)
	done := make(chan struct{})
	go func() {
		cs.srv.WarmCatalog(context.Background())
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("WarmCatalog without a base address still running")
	}
	if _, n := cs.cache.Size(); n != 0 {
		t.Errorf("%d pages warmed without a base address; want none", n)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("%q is not a count", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}
