package harvest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/dcat/rdf"
	"github.com/katalog/katalog/search"
)

// feedServer serves whatever body and content type the test sets, and
// counts requests.
type feedServer struct {
	*httptest.Server
	mu          sync.Mutex // guards the fields below
	body        []byte
	contentType string
	status      int
	requests    int
}

func newFeedServer(t *testing.T) *feedServer {
	fs := &feedServer{status: http.StatusOK, contentType: "text/turtle"}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		fs.requests++
		if fs.contentType != "" {
			w.Header().Set("Content-Type", fs.contentType)
		}
		w.WriteHeader(fs.status)
		w.Write(fs.body)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) serve(status int, contentType string, body []byte) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.status, fs.contentType, fs.body = status, contentType, body
}

// env is a harvester on a real store and a real in-memory index.
type env struct {
	store *bolt.DB
	index *search.Index
	h     *Harvester
	now   time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	idx, err := search.NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	e := &env{store: store, index: idx, now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	e.h = &Harvester{
		Store: store, Index: idx, Version: "test", BaseDir: "../fixtures/feeds",
		Now:    func() time.Time { return e.now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return e
}

func (e *env) addSource(t *testing.T, src catalog.Source) {
	t.Helper()
	if src.Schedule == "" {
		src.Schedule = "1h"
	}
	if err := e.store.PutSource(context.Background(), &src); err != nil {
		t.Fatal(err)
	}
}

// run harvests a source, advancing the clock first so that runs get
// distinct ids.
func (e *env) run(t *testing.T, name string) *catalog.HarvestRun {
	t.Helper()
	e.now = e.now.Add(time.Minute)
	run, err := e.h.Run(context.Background(), name)
	if err != nil {
		t.Fatalf("Run(%s): %v", name, err)
	}
	return run
}

func (e *env) search(t *testing.T, q string) *catalog.SearchResult {
	t.Helper()
	res, err := e.index.Search(context.Background(), &catalog.SearchRequest{Query: q, Type: catalog.KindVariable})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../fixtures/feeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestRunHTTPFeed(t *testing.T) {
	e := newEnv(t)
	fs := newFeedServer(t)
	fs.serve(http.StatusOK, "text/turtle; charset=utf-8", readFixture(t, "fhi-mfr.ttl"))
	e.addSource(t, catalog.Source{Name: "fhi-mfr", URL: fs.URL + "/mfr.ttl"})

	run := e.run(t, "fhi-mfr")
	if run.Status != catalog.RunOK {
		t.Fatalf("status = %s (%s); want ok", run.Status, run.Error)
	}
	want := catalog.RunStats{Datasets: 1, Variables: 183, Added: 1, VariablesAdded: 183}
	got := run.Stats
	got.Errors, got.Warnings = 0, 0
	if got != want {
		t.Errorf("stats = %+v; want %+v", run.Stats, want)
	}
	// MFR's variables have no descriptions, which the national profile
	// requires: the findings say so, and the records are stored all the same.
	findings, _ := e.store.FindFindings(context.Background(), "fhi-mfr", run.ID)
	if run.Stats.Errors == 0 || len(findings) != run.Stats.Errors+run.Stats.Warnings || run.Quality == nil || run.Quality.Profile != "national" {
		t.Errorf("run reports %d errors, %d warnings, quality %+v, and stores %d findings; want errors, all stored, national quality",
			run.Stats.Errors, run.Stats.Warnings, run.Quality, len(findings))
	}
	if run.HTTPStatus != 200 || run.Format != "turtle" || run.Bytes != int64(len(fs.body)) {
		t.Errorf("run http=%d format=%s bytes=%d; want 200 turtle %d", run.HTTPStatus, run.Format, run.Bytes, len(fs.body))
	}
	v, err := e.store.FindVariableByID(context.Background(), "MFR:HODE")
	if err != nil {
		t.Fatalf("FindVariableByID(MFR:HODE): %v", err)
	}
	if v.Title["nb"] == "" || v.Title["en"] == "" {
		t.Errorf("MFR:HODE title = %v; want nb and en", v.Title)
	}
	res := e.search(t, "hodeomkrets")
	if res.Total == 0 || res.Hits[0].Identifier != "MFR:HODE" {
		t.Errorf("search hodeomkrets: total %d, first %v; want MFR:HODE first", res.Total, res.Hits)
	}
	src, err := e.store.FindSource(context.Background(), "fhi-mfr")
	if err != nil {
		t.Fatal(err)
	}
	if src.State.LastRun != run.ID || src.State.LastGoodRun != run.ID || src.State.NextRun.IsZero() || src.State.Failures != 0 {
		t.Errorf("source state = %+v; want last run %s, a next run and no failures", src.State, run.ID)
	}

	// The same content again changes nothing: the hash of the bytes says
	// so before anything is parsed.
	again := e.run(t, "fhi-mfr")
	if again.Status != catalog.RunUnchanged || again.Stats.Unchanged != 1 || again.Stats.VariablesUnchanged != 183 || again.Stats.Added+again.Stats.Updated+again.Stats.Removed != 0 {
		t.Errorf("second run = %s %+v; want unchanged: 1 dataset, 183 variables", again.Status, again.Stats)
	}
}

// A feed that breaks after a good harvest fails its run with an error that
// names the line, and the earlier records stay in the store and the index.
func TestRunBrokenFeedKeepsLastGoodCopy(t *testing.T) {
	e := newEnv(t)
	fs := newFeedServer(t)
	good := readFixture(t, "fhi-msis.ttl")
	fs.serve(http.StatusOK, "text/turtle", good)
	e.addSource(t, catalog.Source{Name: "fhi-msis", URL: fs.URL})
	if run := e.run(t, "fhi-msis"); run.Status != catalog.RunOK {
		t.Fatalf("first run = %s (%s)", run.Status, run.Error)
	}
	before := e.search(t, "").Total

	lines := strings.Split(string(good), "\n")
	broken := 0
	for i := 30; i < len(lines); i++ {
		if strings.HasSuffix(lines[i], " ;") {
			lines[i] += " this is not turtle ;;; <"
			broken = i + 1
			break
		}
	}
	cases := []struct {
		name        string
		status      int
		contentType string
		body        []byte
		wantErr     string
	}{
		{"syntax error", 200, "text/turtle", []byte(strings.Join(lines, "\n")), fmt.Sprintf("line %d,", broken)},
		{"server error", 500, "text/plain", []byte("database down"), "500"},
		{"not found", 404, "text/plain", nil, "404"},
		{"empty body", 200, "text/turtle", nil, "no dcat:Dataset"},
		{"not RDF", 200, "", []byte("hello world, this is not RDF"), "cannot tell"},
		{"not RDF either", 200, "", []byte("\x00\x01\x02"), "cannot tell"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs.serve(c.status, c.contentType, c.body)
			run := e.run(t, "fhi-msis")
			if run.Status != catalog.RunFailed || !strings.Contains(run.Error, c.wantErr) {
				t.Errorf("run = %s %q; want failed with %q", run.Status, run.Error, c.wantErr)
			}
			if got := e.search(t, "").Total; got != before {
				t.Errorf("after a failed run the index has %d variables; want %d", got, before)
			}
			vars, _, err := e.store.FindVariables(context.Background(), catalog.VariableFilter{Source: "fhi-msis"})
			if err != nil || uint64(len(vars)) != before {
				t.Errorf("after a failed run the store has %d variables (%v); want %d", len(vars), err, before)
			}
		})
	}
	src, _ := e.store.FindSource(context.Background(), "fhi-msis")
	if src.State.Failures != len(cases) {
		t.Errorf("failures = %d; want %d", src.State.Failures, len(cases))
	}
}

func TestRunFormats(t *testing.T) {
	cases := []struct {
		file, format, contentType, wantFormat string
	}{
		{"fhi-sysvak.ttl", "auto", "text/turtle", "turtle"},
		{"fhi-sysvak.ttl", "auto", "application/octet-stream", "turtle"}, // sniffed
		{"fhi-sysvak.ttl", "turtle", "text/html", "turtle"},              // configured wins
		{"fdk-2017/geonorge-data-2017-10-19.xml", "auto", "application/rdf+xml", "rdfxml"},
		{"fdk-2017/geonorge-data-2017-10-19.xml", "auto", "", "rdfxml"},
		{"fdk-2017/difi-dataset-2017-10-19.jsonld", "auto", "application/ld+json", "jsonld"},
		{"fdk-2017/difi-dataset-2017-10-19.jsonld", "auto", "", "jsonld"},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.contentType, func(t *testing.T) {
			e := newEnv(t)
			fs := newFeedServer(t)
			fs.serve(200, c.contentType, readFixture(t, c.file))
			e.addSource(t, catalog.Source{Name: "s", URL: fs.URL, Format: c.format})
			run := e.run(t, "s")
			if run.Status != catalog.RunOK || run.Format != c.wantFormat || run.Stats.Datasets == 0 {
				t.Errorf("run = %s %q format %s, %d datasets; want ok %s with datasets", run.Status, run.Error, run.Format, run.Stats.Datasets, c.wantFormat)
			}
		})
	}
}

func TestRunFileSource(t *testing.T) {
	e := newEnv(t)
	abs, _ := filepath.Abs("../fixtures/feeds/fdk-2017/reinli-data-2017-10-26.ttl")
	e.addSource(t, catalog.Source{Name: "rel", URL: "file:fdk-2017/reinli-data-2017-10-26.ttl"})
	e.addSource(t, catalog.Source{Name: "abs", URL: "file://" + abs})
	e.addSource(t, catalog.Source{Name: "missing", URL: "file:no-such-feed.ttl"})
	e.addSource(t, catalog.Source{Name: "host", URL: "file://example.org/feed.ttl"})
	for _, c := range []struct {
		name    string
		want    catalog.RunStatus
		wantErr string
	}{
		{"rel", catalog.RunOK, ""},
		{"abs", catalog.RunOK, ""},
		{"missing", catalog.RunFailed, "does not exist"},
		{"host", catalog.RunFailed, "names host"},
	} {
		run := e.run(t, c.name)
		if run.Status != c.want || !strings.Contains(run.Error, c.wantErr) {
			t.Errorf("Run(%s) = %s %q; want %s %q", c.name, run.Status, run.Error, c.want, c.wantErr)
		}
	}
}

func TestRunPublisherOverride(t *testing.T) {
	e := newEnv(t)
	e.addSource(t, catalog.Source{Name: "sysvak", URL: "file:fhi-sysvak.ttl", Publisher: "FHI (SYSVAK)"})
	if run := e.run(t, "sysvak"); run.Status != catalog.RunOK {
		t.Fatalf("run = %s %s", run.Status, run.Error)
	}
	res := e.search(t, "")
	if len(res.Facets[catalog.FacetPublisher]) != 1 || res.Facets[catalog.FacetPublisher][0].Value != "FHI (SYSVAK)" {
		t.Errorf("publisher facet = %+v; want only FHI (SYSVAK)", res.Facets[catalog.FacetPublisher])
	}
}

func TestRunLimitAndUserAgent(t *testing.T) {
	e := newEnv(t)
	var ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua = r.Header.Get("User-Agent")
		w.Header().Set("Content-Type", "text/turtle")
		w.Write(readFixture(t, "fhi-mfr.ttl"))
	}))
	defer srv.Close()
	e.h.Defaults.MaxBytes = 10_000
	e.addSource(t, catalog.Source{Name: "big", URL: srv.URL})
	run := e.run(t, "big")
	if run.Status != catalog.RunFailed || !strings.Contains(run.Error, "larger than the limit") {
		t.Errorf("run = %s %q; want failed over the byte limit", run.Status, run.Error)
	}
	if ua != "katalog/test" {
		t.Errorf("User-Agent = %q; want katalog/test", ua)
	}
}

func TestRunRemovedDataset(t *testing.T) {
	e := newEnv(t)
	fs := newFeedServer(t)
	full := readFixture(t, "fhi-msis.ttl")
	fs.serve(200, "text/turtle", full)
	e.addSource(t, catalog.Source{Name: "msis", URL: fs.URL})
	first := e.run(t, "msis")
	if first.Status != catalog.RunOK || first.Stats.Datasets < 2 {
		t.Fatalf("first run = %s %+v", first.Status, first.Stats)
	}
	ds, _, err := e.store.FindDatasets(context.Background(), catalog.DatasetFilter{Source: "msis"})
	if err != nil {
		t.Fatal(err)
	}
	gone := ds[len(ds)-1]
	fs.serve(200, "application/n-triples", withoutResource(t, full, gone.IRI))
	run := e.run(t, "msis")
	if run.Status != catalog.RunOK || run.Stats.Removed != 1 || run.Stats.VariablesRemoved != gone.VariableCount || run.Stats.Updated != 0 {
		t.Fatalf("run = %s %q %+v; want ok with 1 dataset and its %d variables removed", run.Status, run.Error, run.Stats, gone.VariableCount)
	}
	d, err := e.store.FindDatasetByID(context.Background(), gone.Identifier)
	if err != nil || d.Withdrawn == nil {
		t.Errorf("FindDatasetByID(%s) = %v, %v; want a tombstone", gone.Identifier, d, err)
	}
	res, err := e.index.Search(context.Background(), &catalog.SearchRequest{Filters: map[string][]string{catalog.FacetDataset: {gone.Identifier}}})
	if err != nil || res.Total != 0 {
		t.Errorf("search dataset=%s: %d hits (%v); want none", gone.Identifier, res.Total, err)
	}
}

func TestChooseFormatEmpty(t *testing.T) {
	e := newEnv(t)
	fs := newFeedServer(t)
	fs.serve(200, "", nil)
	e.addSource(t, catalog.Source{Name: "empty", URL: fs.URL})
	if run := e.run(t, "empty"); run.Status != catalog.RunFailed || !strings.Contains(run.Error, "empty") {
		t.Errorf("run = %s %q; want failed: empty", run.Status, run.Error)
	}
}

// withoutResource returns a Turtle feed as N-Triples without the triples
// about or pointing to one resource.
func withoutResource(t *testing.T, ttl []byte, iri string) []byte {
	t.Helper()
	var b strings.Builder
	err := rdf.ParseTurtle(bytes.NewReader(ttl), rdf.Options{}, func(tr rdf.Triple) error {
		if tr.S.Value != iri && tr.O.Value != iri {
			b.WriteString(tr.String())
			b.WriteByte('\n')
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(b.String())
}

// A record without a dct:identifier goes by its IRI in the store, and so in
// the index, also when a later run re-indexes it for a change of its dataset.
func TestRunIndexesStoreIdentifiers(t *testing.T) {
	e := newEnv(t)
	fs := newFeedServer(t)
	feed := func(title string) []byte {
		return []byte(`@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix csvw: <http://www.w3.org/ns/csvw#> . @prefix h: <http://healthdataportal.eu/ns/health#> .
<https://example.org/ds> a dcat:Dataset ; dct:identifier "DS" ; dct:title "` + title + `"@nb ; h:hasVariables <https://example.org/t> .
<https://example.org/t> csvw:column <https://example.org/v> .
<https://example.org/v> csvw:name "V" ; csvw:title "Vekt"@nb .`)
	}
	fs.serve(200, "text/turtle", feed("Første"))
	e.addSource(t, catalog.Source{Name: "s", URL: fs.URL})
	e.run(t, "s")
	fs.serve(200, "text/turtle", feed("Andre"))
	if run := e.run(t, "s"); run.Stats.Updated != 1 {
		t.Fatalf("second run = %+v; want the dataset updated", run.Stats)
	}
	res := e.search(t, "vekt")
	if len(res.Hits) != 1 || res.Hits[0].Identifier != "https://example.org/v" || res.Hits[0].Dataset.Identifier != "DS" || res.Hits[0].Dataset.Title["nb"] != "Andre" {
		t.Errorf("search vekt = %+v; want the variable by its IRI, in dataset DS titled Andre", res.Hits)
	}
}

// Two sources may publish the same IRI; one withdrawing it leaves the
// other's record in search.
func TestRunSameIRIInTwoSources(t *testing.T) {
	e := newEnv(t)
	a, b := newFeedServer(t), newFeedServer(t)
	msis := readFixture(t, "fhi-msis.ttl")
	a.serve(200, "text/turtle", msis)
	b.serve(200, "text/turtle", msis)
	e.addSource(t, catalog.Source{Name: "a", URL: a.URL})
	e.addSource(t, catalog.Source{Name: "b", URL: b.URL})
	e.run(t, "a")
	e.run(t, "b")
	all := e.search(t, "").Total
	ds, _, _ := e.store.FindDatasets(context.Background(), catalog.DatasetFilter{Source: "b"})
	gone := ds[0]
	b.serve(200, "application/n-triples", withoutResource(t, msis, gone.IRI))
	if run := e.run(t, "b"); run.Stats.Removed == 0 {
		t.Fatalf("run = %+v; want records removed from b", run.Stats)
	}
	res, err := e.index.Search(context.Background(), &catalog.SearchRequest{Type: catalog.KindDataset, Query: gone.Title.String()})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range res.Hits {
		found = found || (h.IRI == gone.IRI && h.Source == "a")
	}
	if !found {
		t.Errorf("after b withdrew <%s>, search finds %+v; want a's copy", gone.IRI, res.Hits)
	}
	if got := e.search(t, "").Total; got != all-uint64(gone.VariableCount) {
		t.Errorf("variables in search = %d; want %d (b's withdrawn ones gone, a's kept)", got, all-uint64(gone.VariableCount))
	}
}

// When the index fails after the store took a run, the run says so and the
// next run indexes the whole source again.
func TestRunCatchesUpAfterIndexFailure(t *testing.T) {
	e := newEnv(t)
	fs := newFeedServer(t)
	fs.serve(200, "text/turtle", readFixture(t, "fhi-sysvak.ttl"))
	e.addSource(t, catalog.Source{Name: "s", URL: fs.URL})
	e.index.Close() // every index write now fails
	run := e.run(t, "s")
	if run.Status != catalog.RunOK || !strings.Contains(run.Error, "search index could not be updated") {
		t.Fatalf("run = %s %q; want ok with an index error", run.Status, run.Error)
	}
	src, _ := e.store.FindSource(context.Background(), "s")
	if !src.State.IndexStale {
		t.Fatalf("source state = %+v; want IndexStale", src.State)
	}
	fresh, err := search.NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	e.index, e.h.Index = fresh, fresh
	run = e.run(t, "s")
	if run.Status != catalog.RunUnchanged || run.Error != "" || run.Stats.Unchanged != 4 || run.Stats.VariablesUnchanged != 25 {
		t.Fatalf("catch-up run = %s %q %+v; want unchanged, 4 + 25 unchanged", run.Status, run.Error, run.Stats)
	}
	if got := e.search(t, "").Total; got != 25 {
		t.Errorf("after the catch-up run the index has %d variables; want 25", got)
	}
	if src, _ := e.store.FindSource(context.Background(), "s"); src.State.IndexStale {
		t.Errorf("IndexStale still set after a good run")
	}
}

// A 304 is an unchanged run that repeats the counts and findings of the
// last good run; a failed run does not move "last harvested".
func TestRunNotModified(t *testing.T) {
	e := newEnv(t)
	body := readFixture(t, "fdk-2017/gdoc-data-2017-10-19.ttl")
	var requests, conditional int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if requests > 3 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "text/turtle")
		w.Write(body)
	}))
	defer srv.Close()
	e.addSource(t, catalog.Source{Name: "nav", URL: srv.URL})
	first := e.run(t, "nav")
	findings, _ := e.store.FindFindings(context.Background(), "nav", first.ID)
	second := e.run(t, "nav")
	if conditional != 1 || second.Status != catalog.RunUnchanged || second.Stats.Datasets != first.Stats.Datasets ||
		second.Stats.Unchanged != first.Stats.Datasets || second.Stats.Warnings != first.Stats.Warnings {
		t.Errorf("second run = %s %+v (conditional requests %d); want unchanged with %+v's counts", second.Status, second.Stats, conditional, first.Stats)
	}
	again, _ := e.store.FindFindings(context.Background(), "nav", second.ID)
	if len(findings) == 0 || len(again) != len(findings) {
		t.Errorf("unchanged run has %d findings; want the first run's %d", len(again), len(findings))
	}
	third := e.run(t, "nav")
	again, _ = e.store.FindFindings(context.Background(), "nav", third.ID)
	if third.Status != catalog.RunUnchanged || third.FindingsRun != first.ID || len(again) != len(findings) {
		t.Errorf("a second unchanged run = %s repeating %q with %d findings; want unchanged, repeating %s's %d", third.Status, third.FindingsRun, len(again), first.ID, len(findings))
	}
	src, _ := e.store.FindSource(context.Background(), "nav")
	harvested := src.State.LastHarvested
	// The validators go when a later run fails: the server then errs.
	src.State.ETag = ""
	e.store.PutSource(context.Background(), src)
	requests = 10
	if run := e.run(t, "nav"); run.Status != catalog.RunFailed {
		t.Fatalf("run = %s; want failed", run.Status)
	}
	src, _ = e.store.FindSource(context.Background(), "nav")
	if !src.State.LastHarvested.Equal(harvested) || src.State.Failures != 1 {
		t.Errorf("after a failed run last harvested = %v, failures %d; want %v, 1", src.State.LastHarvested, src.State.Failures, harvested)
	}
}

// A run cut short by shutdown fails, says why, and does not count towards
// the source's back-off.
func TestRunInterrupted(t *testing.T) {
	e := newEnv(t)
	e.addSource(t, catalog.Source{Name: "moba", URL: "file:fhi-moba.ttl"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	run, err := e.h.Run(ctx, "moba")
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != catalog.RunFailed || !strings.Contains(run.Error, "interrupted") {
		t.Errorf("run = %s %q; want failed: interrupted", run.Status, run.Error)
	}
	if src, _ := e.store.FindSource(context.Background(), "moba"); src.State.Failures != 0 {
		t.Errorf("failures = %d after an interrupted run; want 0", src.State.Failures)
	}
	if res := e.search(t, ""); res.Total != 0 {
		t.Errorf("an interrupted first run indexed %d variables; want none", res.Total)
	}
}

// TestRunChanged: Changed hears of every run that changed the store, once
// the source's state is stored (so that what is made from the store then
// sees the run's LastChanged), and of no other run; LastChanged moves with
// any change, the catalogue's own record included.
func TestRunChanged(t *testing.T) {
	e := newEnv(t)
	fs := newFeedServer(t)
	full := readFixture(t, "fhi-msis.ttl")
	fs.serve(200, "text/turtle", full)
	e.addSource(t, catalog.Source{Name: "msis", URL: fs.URL})
	type heard struct {
		source      string
		lastChanged time.Time
	}
	var got []heard
	e.h.Changed = func(source string) {
		src, err := e.store.FindSource(context.Background(), source)
		if err != nil {
			t.Errorf("Changed(%s): FindSource: %v", source, err)
			return
		}
		got = append(got, heard{source, src.State.LastChanged})
	}
	catalogTitle := []byte(`"Meldingssystem for smittsomme sykdommer (MSIS): uttrekk koblet til MoBa"@nb`)
	if !bytes.Contains(full, catalogTitle) {
		t.Fatalf("fhi-msis.ttl no longer has the catalogue title %s", catalogTitle)
	}
	for _, step := range []struct {
		name        string
		body        []byte
		wantChanged bool
	}{
		{"first run", full, true},
		{"the same feed", full, false},
		{"the same triples, another byte", append(append([]byte{}, full...), '\n'), false},
		{"the catalogue's title only", bytes.Replace(full, catalogTitle, []byte(`"MSIS (ny tittel)"@nb`), 1), true},
	} {
		got = nil
		fs.serve(200, "text/turtle", step.body)
		run := e.run(t, "msis")
		if run.Status != catalog.RunOK && run.Status != catalog.RunUnchanged {
			t.Fatalf("%s: run = %s %q", step.name, run.Status, run.Error)
		}
		switch {
		case !step.wantChanged && len(got) != 0:
			t.Errorf("%s: Changed heard %v; want nothing", step.name, got)
		case step.wantChanged && (len(got) != 1 || got[0].source != "msis" || !got[0].lastChanged.Equal(run.Started)):
			t.Errorf("%s: Changed heard %v; want msis once, with LastChanged %v stored", step.name, got, run.Started)
		}
	}
}
