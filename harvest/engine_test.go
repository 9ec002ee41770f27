package harvest

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/dcat/rdf"
)

// pageFeed is a catalogue of n datasets, one variable each, split over
// pages: page k holds datasets [k*per, (k+1)*per) and, unless it is the
// last, a Hydra view whose next link is link(k+1).
func pageFeed(n, per int, link func(page int) string) []string {
	var pages []string
	for start, page := 0, 0; start < n; start, page = start+per, page+1 {
		var b strings.Builder
		b.WriteString(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix csvw: <http://www.w3.org/ns/csvw#> . @prefix h: <http://healthdataportal.eu/ns/health#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<https://example.org/catalog> a dcat:Catalog ; dct:title "Sidekatalog"@nb .
`)
		for i := start; i < min(start+per, n); i++ {
			fmt.Fprintf(&b, `<https://example.org/catalog> dcat:dataset <https://example.org/ds/%[1]d> .
<https://example.org/ds/%[1]d> a dcat:Dataset ; dct:identifier "DS%[1]d" ; dct:title "Datasett %[1]d"@nb ; h:hasVariables <https://example.org/ds/%[1]d/t> .
<https://example.org/ds/%[1]d/t> csvw:column <https://example.org/ds/%[1]d/v> .
<https://example.org/ds/%[1]d/v> csvw:name "V%[1]d" ; dct:identifier "DS%[1]d:V" ; csvw:title "Variabel %[1]d"@nb .
`, i)
		}
		if start+per < n {
			fmt.Fprintf(&b, "<https://example.org/catalog?page=%d> a hydra:PartialCollectionView ; hydra:next <%s> .\n", page+1, link(page+1))
		}
		pages = append(pages, b.String())
	}
	return pages
}

// pagedServer serves pages at /p/0, /p/1, ...; fail, when set, answers
// 500 for one page.
type pagedServer struct {
	*httptest.Server
	pages []string
	fail  atomic.Int32 // page number + 1 to fail; 0 for none
}

func newPagedServer(t *testing.T) *pagedServer {
	ps := &pagedServer{}
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var k int
		if _, err := fmt.Sscanf(r.URL.Path, "/p/%d", &k); err != nil || k >= len(ps.pages) {
			http.NotFound(w, r)
			return
		}
		if int(ps.fail.Load()) == k+1 {
			http.Error(w, "page store unavailable", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/turtle")
		w.Write([]byte(ps.pages[k]))
	}))
	t.Cleanup(ps.Close)
	return ps
}

func TestPagedFeed(t *testing.T) {
	e := newEnv(t)
	ps := newPagedServer(t)
	ps.pages = pageFeed(7, 3, func(p int) string { return fmt.Sprintf("%s/p/%d", ps.URL, p) })
	e.addSource(t, catalog.Source{Name: "paged", URL: ps.URL + "/p/0"})
	run := e.run(t, "paged")
	if run.Status != catalog.RunOK || run.Pages != 3 || run.Stats.Datasets != 7 || run.Stats.Variables != 7 {
		t.Fatalf("run = %s %q, %d pages, %+v; want ok, 3 pages, 7 datasets", run.Status, run.Error, run.Pages, run.Stats)
	}
	if got := e.search(t, "").Total; got != 7 {
		t.Errorf("search finds %d variables; want 7", got)
	}

	// A failure on the last page changes nothing: the pages are one snapshot.
	ps.pages = pageFeed(4, 2, func(p int) string { return fmt.Sprintf("%s/p/%d", ps.URL, p) })
	ps.fail.Store(2)
	run = e.run(t, "paged")
	if run.Status != catalog.RunFailed || !strings.Contains(run.Error, "page 2") || !strings.Contains(run.Error, "500") {
		t.Errorf("run = %s %q; want failed on page 2 with the server's 500", run.Status, run.Error)
	}
	if got := e.search(t, "").Total; got != 7 {
		t.Errorf("after a failed page search finds %d variables; want the previous 7", got)
	}
}

func TestPagedFeedLinks(t *testing.T) {
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	cases := []struct {
		name     string
		link     func(base string, page int) string
		maxPages int
		allow    []string
		status   catalog.RunStatus
		pages    int
		wantErr  string
	}{
		{"relative links", func(_ string, p int) string { return fmt.Sprintf("/p/%d", p) }, 0, nil, catalog.RunOK, 3, ""},
		{"a loop back to the first page", func(base string, p int) string {
			if p == 2 {
				return base + "/p/0"
			}
			return fmt.Sprintf("%s/p/%d", base, p)
		}, 0, nil, catalog.RunOK, 2, ""},
		{"more pages than allowed", func(base string, p int) string { return fmt.Sprintf("%s/p/%d", base, p) }, 2, nil, catalog.RunFailed, 2, "more than 2 pages"},
		{"next page on another host", func(_ string, p int) string { return fmt.Sprintf("%s/p/%d", other.URL, p) }, 0, nil, catalog.RunFailed, 1, "leaves"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			ps := newPagedServer(t)
			ps.pages = pageFeed(7, 3, func(p int) string { return c.link(ps.URL, p) })
			e.addSource(t, catalog.Source{Name: "paged", URL: ps.URL + "/p/0", Limits: catalog.SourceLimits{MaxPages: c.maxPages, AllowHosts: c.allow}})
			run := e.run(t, "paged")
			t.Logf("run: %s %s", run.Status, run.Error)
			if run.Status != c.status || run.Pages != c.pages || !strings.Contains(run.Error, c.wantErr) {
				t.Errorf("run = %s, %d pages, %q; want %s, %d pages, %q", run.Status, run.Pages, run.Error, c.status, c.pages, c.wantErr)
			}
		})
	}
}

// The next link may be a literal and may sit on a hydra:PagedCollection
// (the older Hydra vocabulary), and N-Triples pages work as Turtle ones do.
func TestPagedFeedOldHydra(t *testing.T) {
	e := newEnv(t)
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/n-triples")
		ds := r.URL.Query().Get("p")
		fmt.Fprintf(w, `<https://example.org/ds/%[1]s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Dataset> .
<https://example.org/ds/%[1]s> <http://purl.org/dc/terms/identifier> "P%[1]s" .
`, ds)
		if ds == "1" {
			fmt.Fprintf(w, `<https://example.org/col> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/hydra/core#PagedCollection> .
<https://example.org/col> <http://www.w3.org/ns/hydra/core#nextPage> "%s/?p=2" .
`, srv.URL)
		}
	}))
	defer srv.Close()
	e.addSource(t, catalog.Source{Name: "old", URL: srv.URL + "/?p=1"})
	if run := e.run(t, "old"); run.Status != catalog.RunOK || run.Pages != 2 || run.Stats.Datasets != 2 {
		t.Errorf("run = %s %q, %d pages, %+v; want ok, 2 pages, 2 datasets", run.Status, run.Error, run.Pages, run.Stats)
	}
}

// The same catalogue as Turtle, RDF/XML, JSON-LD and N-Triples gives the
// same stored records.
func TestFormatsGiveIdenticalRecords(t *testing.T) {
	files := map[string]string{"turtle": "catalog.ttl", "rdfxml": "catalog.rdf", "jsonld": "catalog.jsonld", "ntriples": "catalog.nt"}
	types := map[string]string{"turtle": "text/turtle", "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json", "ntriples": "application/n-triples"}
	var graphs [][]rdf.Triple
	records := map[string]string{}
	for format, file := range files {
		body, err := os.ReadFile(filepath.Join("testdata", "formats", file))
		if err != nil {
			t.Fatal(err)
		}
		f, _ := rdf.ParseFormat(format)
		var g []rdf.Triple
		if err := rdf.Parse(bytes.NewReader(body), f, rdf.Options{Base: "https://register.example.no/"}, func(tr rdf.Triple) error { g = append(g, tr); return nil }); err != nil {
			t.Fatalf("parse %s: %v", file, err)
		}
		graphs = append(graphs, g)

		e := newEnv(t)
		fs := newFeedServer(t)
		fs.serve(200, types[format], body)
		e.addSource(t, catalog.Source{Name: "reg", URL: fs.URL})
		run := e.run(t, "reg")
		if run.Status != catalog.RunOK || run.Format != format || run.Stats.Datasets != 2 || run.Stats.Variables != 4 {
			t.Fatalf("%s: run = %s %q %s %+v; want ok, 2 datasets, 4 variables", format, run.Status, run.Error, run.Format, run.Stats)
		}
		records[format] = storedRecords(t, e.store, "reg")
	}
	for i := 1; i < len(graphs); i++ {
		if !rdf.Isomorphic(graphs[0], graphs[i]) {
			t.Fatalf("the four test files are not the same graph")
		}
	}
	for format, got := range records {
		if got != records["turtle"] {
			t.Errorf("records from %s differ from those from Turtle:\n%s\nwant\n%s", format, got, records["turtle"])
		}
	}
}

// storedRecords describes a source's records in the store, leaving out
// Katalog's bookkeeping and the variables' positions (RDF leaves the order of
// csvw:column values open, and serialisers order them as they like).
func storedRecords(t *testing.T, store *bolt.DB, source string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	datasets, _, err := store.FindDatasets(ctx, catalog.DatasetFilter{Source: source})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range datasets {
		fmt.Fprintf(&b, "dataset %s %s %s %s %d\n", d.IRI, d.Identifier, d.Hash, d.Title, d.VariableCount)
	}
	vars, _, err := store.FindVariables(ctx, catalog.VariableFilter{Source: source})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vars {
		fmt.Fprintf(&b, "variable %s %s %s %s %s %s\n", v.IRI, v.Identifier, v.Hash, v.Title, v.Unit, v.CodeList)
		if v.CodeList != "" {
			cl, err := store.FindCodeList(ctx, source, v.CodeList)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "  code list %+v\n", *cl)
		}
	}
	return b.String()
}

// An unchanged feed writes nothing, to the store or the index; a changed
// variable title re-indexes that variable and its dataset's document (which
// carries the words of its variables that spelling corrections propose).
func TestIncrementalRuns(t *testing.T) {
	e := newEnv(t)
	body, err := os.ReadFile(filepath.Join("testdata", "formats", "catalog.ttl"))
	if err != nil {
		t.Fatal(err)
	}
	etag := `"v1"`
	var conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "text/turtle")
		w.Write(body)
	}))
	defer srv.Close()
	e.addSource(t, catalog.Source{Name: "reg", URL: srv.URL})
	e.run(t, "reg")
	before := e.index.Writes()

	run := e.run(t, "reg")
	if run.Status != catalog.RunUnchanged || conditional.Load() != 1 || e.index.Writes() != before {
		t.Errorf("ETag run = %s (conditional requests %d), index writes %+v → %+v; want unchanged, no index writes", run.Status, conditional.Load(), before, e.index.Writes())
	}

	// New content with a new ETag: one variable's title changed.
	etag = `"v2"`
	body = bytes.Replace(body, []byte(`"Head circumference"@en`), []byte(`"Head circumference at delivery"@en`), 1)
	run = e.run(t, "reg")
	after := e.index.Writes()
	if run.Status != catalog.RunOK || run.Stats.Updated != 1 || run.Stats.VariablesUpdated != 1 || run.Stats.Unchanged != 1 ||
		run.Changes == nil || len(run.Changes.VariablesUpdated) != 1 || run.Changes.VariablesUpdated[0] != "TEST:HODE" || run.Changes.Updated[0] != "TEST:FODSEL" {
		t.Errorf("changed run = %s %+v %+v; want 1 dataset and its variable TEST:HODE updated", run.Status, run.Stats, run.Changes)
	}
	if after.Indexed-before.Indexed != 2 || after.Deleted != before.Deleted {
		t.Errorf("the change indexed %d documents and deleted %d; want 2 and 0", after.Indexed-before.Indexed, after.Deleted-before.Deleted)
	}
	req := catalog.SearchRequest{Query: "delivry"}
	if res, err := e.index.Search(context.Background(), &req); err != nil || res.Correction != "delivery" {
		t.Errorf("Search(\"delivry\") after the change = %+v, %v; want the correction \"delivery\", a word of the changed title", res, err)
	}
	stored, _ := e.store.FindRunByID(context.Background(), "reg", run.ID)
	if stored.Changes == nil || len(stored.Changes.VariablesUpdated) != 1 {
		t.Errorf("the stored run has changes %+v; want the updated variable listed", stored.Changes)
	}

	// The same bytes without validators: the hash says unchanged.
	etag = ""
	before = e.index.Writes()
	if run := e.run(t, "reg"); run.Status != catalog.RunOK && run.Status != catalog.RunUnchanged {
		t.Fatalf("run = %s %q", run.Status, run.Error)
	}
	if run := e.run(t, "reg"); run.Status != catalog.RunUnchanged || e.index.Writes() != before {
		t.Errorf("same bytes again = %s, index writes %+v → %+v; want unchanged, no writes", run.Status, before, e.index.Writes())
	}
}

// A feed that lost most of its datasets is held: nothing is withdrawn
// until the hold is released.
func TestMassDeletionGuard(t *testing.T) {
	e := newEnv(t)
	ps := newPagedServer(t)
	ps.pages = pageFeed(10, 10, nil)
	e.addSource(t, catalog.Source{Name: "reg", URL: ps.URL + "/p/0"})
	e.run(t, "reg")
	ps.pages = pageFeed(2, 10, nil)
	run := e.run(t, "reg")
	if run.Status != catalog.RunHeld || run.Stats.Removed != 8 || !strings.Contains(run.Error, "8 of 10 datasets") || !strings.Contains(run.Error, "release") {
		t.Errorf("run = %s %q %+v; want held, saying 8 of 10 datasets would go and how to release", run.Status, run.Error, run.Stats)
	}
	if got := e.search(t, "").Total; got != 10 {
		t.Errorf("after a held run search finds %d variables; want all 10", got)
	}
	src, _ := e.store.FindSource(context.Background(), "reg")
	if !src.State.Held || src.State.LastGoodRun != run.ID {
		t.Errorf("source state = %+v; want held", src.State)
	}
	// Releasing lets the next run withdraw them.
	job, err := e.h.Begin(context.Background(), "reg")
	if err != nil {
		t.Fatal(err)
	}
	job.src.State.ReleaseHold = true
	e.now = e.now.Add(time.Minute)
	run, err = job.Run(context.Background())
	if err != nil || run.Status != catalog.RunOK || run.Stats.Removed != 8 {
		t.Errorf("released run = %+v, %v; want ok with 8 removed", run, err)
	}
	if got := e.search(t, "").Total; got != 2 {
		t.Errorf("after the released run search finds %d variables; want 2", got)
	}
}

// Each way a fetch can go wrong fails the run with a clear error and
// leaves the previous records in place.
func TestFetchFailures(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "formats", "catalog.ttl"))
	if err != nil {
		t.Fatal(err)
	}
	var mode atomic.Value
	mode.Store("good")
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode.Load().(string) {
		case "500":
			http.Error(w, "database unavailable", http.StatusInternalServerError)
		case "slow":
			time.Sleep(500 * time.Millisecond)
			w.Write(good)
		case "truncated":
			hj, _ := w.(http.Hijacker)
			conn, buf, _ := hj.Hijack()
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: %d\r\n\r\n", len(good))
			buf.Write(good[:len(good)/2])
			buf.Flush()
			conn.Close()
		case "big":
			w.Header().Set("Content-Type", "text/turtle")
			w.Write(bytes.Repeat([]byte("# padding\n"), 20_000))
			w.Write(good)
		case "loop":
			http.Redirect(w, r, srv.URL+r.URL.Path+"x", http.StatusFound)
		case "offsite":
			http.Redirect(w, r, "http://127.0.0.2:9/feed.ttl", http.StatusFound)
		case "busy":
			w.Header().Set("Retry-After", "120")
			http.Error(w, "try later", http.StatusServiceUnavailable)
		default:
			w.Header().Set("Content-Type", "text/turtle")
			w.Write(good)
		}
	}))
	defer srv.Close()
	e := newEnv(t)
	e.addSource(t, catalog.Source{Name: "reg", URL: srv.URL + "/feed", Limits: catalog.SourceLimits{Timeout: 200 * time.Millisecond, MaxBytes: 100_000}})
	if run := e.run(t, "reg"); run.Status != catalog.RunOK {
		t.Fatalf("first run = %s %q", run.Status, run.Error)
	}
	cases := []struct{ mode, wantErr string }{
		{"500", "500 Internal Server Error: database unavailable"},
		{"slow", "took longer than 200ms"},
		{"truncated", "body"},
		{"big", "larger than the limit of 100000 bytes"},
		{"loop", "redirects"},
		{"offsite", "refused to follow a redirect"},
		{"busy", "retry after"},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			mode.Store(c.mode)
			run := e.run(t, "reg")
			t.Logf("run error: %s", run.Error)
			if run.Status != catalog.RunFailed || !strings.Contains(run.Error, c.wantErr) {
				t.Errorf("run = %s %q; want failed with %q", run.Status, run.Error, c.wantErr)
			}
			if got := e.search(t, "").Total; got != 4 {
				t.Errorf("after the failed run search finds %d variables; want the previous 4", got)
			}
			if d, err := e.store.FindDatasetByID(context.Background(), "TEST:FODSEL"); err != nil || d.Withdrawn != nil {
				t.Errorf("after the failed run the dataset is %+v, %v; want it live", d, err)
			}
		})
	}
	src, _ := e.store.FindSource(context.Background(), "reg")
	if src.State.NextRun.Before(e.now.Add(119 * time.Second)) {
		t.Errorf("after a 503 with Retry-After: 120 the next run is %v; want no sooner than %v", src.State.NextRun, e.now.Add(120*time.Second))
	}
}

// gzip, whether asked for or not, and charsets other than UTF-8.
func TestEncodings(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "formats", "catalog.ttl"))
	if err != nil {
		t.Fatal(err)
	}
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	latin1 := []byte(strings.NewReplacer("ø", "\xf8", "Ø", "\xd8", "å", "\xe5").Replace(string(good)))
	cases := []struct {
		name        string
		contentType string
		encoding    string
		body        []byte
		status      catalog.RunStatus
		wantErr     string
	}{
		{"gzip transfer encoding", "text/turtle", "gzip", gz(good), catalog.RunOK, ""},
		{"a gzipped file", "application/gzip", "", gz(good), catalog.RunOK, ""},
		{"latin-1", "text/turtle; charset=ISO-8859-1", "", latin1, catalog.RunOK, ""},
		{"unknown charset", "text/turtle; charset=x-klingon", "", good, catalog.RunFailed, "charset"},
		{"latin-1 said to be UTF-8", "text/turtle; charset=utf-8", "", latin1, catalog.RunFailed, "UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", c.contentType)
				if c.encoding != "" {
					w.Header().Set("Content-Encoding", c.encoding)
				}
				w.Write(c.body)
			}))
			defer srv.Close()
			e := newEnv(t)
			e.addSource(t, catalog.Source{Name: "reg", URL: srv.URL, Format: "auto"})
			if c.contentType == "application/gzip" {
				e.addSource(t, catalog.Source{Name: "reg", URL: srv.URL, Format: "turtle"})
			}
			run := e.run(t, "reg")
			t.Logf("run: %s %s", run.Status, run.Error)
			if run.Status != c.status || !strings.Contains(run.Error, c.wantErr) {
				t.Fatalf("run = %s %q; want %s %q", run.Status, run.Error, c.status, c.wantErr)
			}
			if c.status == catalog.RunOK {
				d, err := e.store.FindDatasetByID(context.Background(), "TEST:FODSEL")
				if err != nil || d.Title["nb"] != "Fødsler" {
					t.Errorf("dataset = %+v, %v; want the title Fødsler", d, err)
				}
			}
		})
	}
}

// A run of ten sources of which three fail leaves the seven good ones fully
// updated.
func TestRunAllSomeFail(t *testing.T) {
	e := newEnv(t)
	var names []string
	for i := 0; i < 10; i++ {
		name := fmt.Sprintf("s%d", i)
		names = append(names, name)
		url := "file:fhi-sysvak.ttl"
		if i%3 == 1 {
			url = "file:missing.ttl"
		}
		// Each source publishes the same feed under its own IRIs.
		e.addSource(t, catalog.Source{Name: name, URL: url})
	}
	runs := RunAll(context.Background(), e.h, names, 3)
	ok := 0
	for _, r := range runs {
		if r.Status == catalog.RunOK {
			ok++
			if r.Stats.Datasets != 4 || r.Stats.Variables != 25 {
				t.Errorf("%s: %+v; want 4 datasets, 25 variables", r.Source, r.Stats)
			}
		} else if !strings.Contains(r.Error, "does not exist") {
			t.Errorf("%s: %s %q; want failed: does not exist", r.Source, r.Status, r.Error)
		}
	}
	if ok != 7 {
		t.Errorf("%d runs ok; want 7", ok)
	}
	for _, name := range names {
		vars, _, _ := e.store.FindVariables(context.Background(), catalog.VariableFilter{Source: name})
		want := 25
		if strings.HasSuffix(name, "1") || strings.HasSuffix(name, "4") || strings.HasSuffix(name, "7") {
			want = 0
		}
		if len(vars) != want {
			t.Errorf("source %s has %d variables; want %d", name, len(vars), want)
		}
	}
}

// A source runs at most once at a time, and a run a stopped katalog left
// running is marked failed at start-up.
func TestOneRunPerSourceAndRecover(t *testing.T) {
	e := newEnv(t)
	e.addSource(t, catalog.Source{Name: "s", URL: "file:fhi-sysvak.ttl"})
	job, err := e.h.Begin(context.Background(), "s")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.h.Run(context.Background(), "s"); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("a second run while one is in progress = %v; want ECONFLICT", err)
	}
	// The job is abandoned, as by kill -9: a new harvester recovers.
	h2 := &Harvester{Store: e.store, Index: e.index, Now: e.h.Now, Logger: e.h.Logger}
	if n, err := h2.Recover(context.Background()); err != nil || n != 1 {
		t.Fatalf("Recover() = %d, %v; want 1 run marked", n, err)
	}
	run, _ := e.store.FindRunByID(context.Background(), "s", job.ID())
	src, _ := e.store.FindSource(context.Background(), "s")
	if run.Status != catalog.RunFailed || !strings.Contains(run.Error, "stopped") || !src.State.IndexStale {
		t.Errorf("recovered run = %s %q, source index stale %v; want failed, stale", run.Status, run.Error, src.State.IndexStale)
	}
}

// File sources may only be read under the configured roots.
func TestFileRoots(t *testing.T) {
	e := newEnv(t)
	e.h.FileRoots = []string{"../fixtures/feeds/fdk-2017"}
	e.addSource(t, catalog.Source{Name: "in", URL: "file:fdk-2017/reinli-data-2017-10-26.ttl"})
	e.addSource(t, catalog.Source{Name: "out", URL: "file:fhi-sysvak.ttl"})
	e.addSource(t, catalog.Source{Name: "escape", URL: "file:fdk-2017/../../../go.mod"})
	for name, want := range map[string]string{"in": "", "out": "outside the folders", "escape": "outside the folders"} {
		if run := e.run(t, name); !strings.Contains(run.Error, want) || (want == "") != (run.Status == catalog.RunOK) {
			t.Errorf("Run(%s) = %s %q; want %q", name, run.Status, run.Error, want)
		}
	}
}
