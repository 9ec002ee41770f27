package web_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat/rdf"
	"github.com/katalog/katalog/web"
)

const (
	nsDCAT  = "http://www.w3.org/ns/dcat#"
	nsHydra = "http://www.w3.org/ns/hydra/core#"
	nsFDP   = "https://w3id.org/fdp/fdp-o#"
	nsLDP   = "http://www.w3.org/ns/ldp#"
)

// parseRDF reads a response body in the format its Content-Type names.
func parseRDF(t *testing.T, contentType, body string) []rdf.Triple {
	t.Helper()
	f, ok := rdf.FormatFromMediaType(contentType)
	if !ok {
		t.Fatalf("Content-Type %q is not RDF", contentType)
	}
	var out []rdf.Triple
	err := rdf.Parse(strings.NewReader(body), f, rdf.Options{}, func(tr rdf.Triple) error {
		out = append(out, tr)
		return nil
	})
	if err != nil {
		t.Fatalf("parse %s: %v\n%.2000s", contentType, err, body)
	}
	return out
}

func objects(ts []rdf.Triple, s, p string) []string {
	var out []string
	for _, t := range ts {
		if (s == "" || t.S.Value == s) && t.P.Value == p {
			out = append(out, t.O.Value)
		}
	}
	return out
}

func subjectsOfType(ts []rdf.Triple, class string) []string {
	var out []string
	for _, t := range ts {
		if t.P.Value == rdf.RDFType && t.O.Value == class {
			out = append(out, t.S.Value)
		}
	}
	return out
}

func TestCatalogContentNegotiation(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, tc := range []struct {
		path, accept string
		status       int
		contentType  string
	}{
		{"/catalog", "", http.StatusOK, "text/turtle"},
		{"/catalog", "*/*", http.StatusOK, "text/turtle"},
		{"/catalog", "text/turtle", http.StatusOK, "text/turtle"},
		{"/catalog", "application/ld+json", http.StatusOK, "application/ld+json"},
		{"/catalog", "application/rdf+xml", http.StatusOK, "application/rdf+xml"},
		{"/catalog", "application/n-triples", http.StatusOK, "application/n-triples"},
		{"/catalog", "application/json", http.StatusOK, "application/ld+json"},
		{"/catalog", "text/turtle;q=0.5, application/rdf+xml;q=0.9", http.StatusOK, "application/rdf+xml"},
		{"/catalog", "application/*;q=0.8, text/turtle;q=0.1", http.StatusOK, "application/ld+json"},
		{"/catalog", "application/ld+json;q=0, */*;q=0.1", http.StatusOK, "text/turtle"},
		{"/catalog", "application/pdf", http.StatusNotAcceptable, ""},
		{"/catalog", "text/turtle;q=0", http.StatusNotAcceptable, ""},
		{"/catalog", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", http.StatusSeeOther, ""},
		{"/catalog.ttl", "application/pdf", http.StatusOK, "text/turtle"},
		{"/catalog.jsonld", "", http.StatusOK, "application/ld+json"},
		{"/catalog.rdf", "", http.StatusOK, "application/rdf+xml"},
		{"/catalog.nt", "", http.StatusOK, "application/n-triples"},
	} {
		rec := ts.get(t, tc.path, "Accept", tc.accept)
		if rec.Code != tc.status {
			t.Errorf("GET %s Accept %q = %d; want %d (%s)", tc.path, tc.accept, rec.Code, tc.status, rec.Body)
			continue
		}
		if !strings.Contains(rec.Header().Get("Vary"), "Accept") {
			t.Errorf("GET %s: Vary %q; want Accept", tc.path, rec.Header().Get("Vary"))
		}
		switch rec.Code {
		case http.StatusSeeOther:
			if loc := rec.Header().Get("Location"); loc != "/sources" {
				t.Errorf("GET %s from a browser: Location %q; want the sources page", tc.path, loc)
			}
		case http.StatusNotAcceptable:
			if !strings.Contains(rec.Body.String(), "text/turtle") {
				t.Errorf("406 body %s; want it to list what can be had", rec.Body)
			}
		case http.StatusOK:
			ct := rec.Header().Get("Content-Type")
			if !strings.HasPrefix(ct, tc.contentType) {
				t.Errorf("GET %s Accept %q: Content-Type %q; want %s", tc.path, tc.accept, ct, tc.contentType)
				continue
			}
			triples := parseRDF(t, ct, rec.Body.String())
			if got := len(subjectsOfType(triples, nsDCAT+"Dataset")); got != numDatasets {
				t.Errorf("GET %s as %s: %d datasets; want %d", tc.path, ct, got, numDatasets)
			}
		}
	}
}

// TestCatalogHydraPaging follows hydra:next from page 1, as CKAN and piveau
// do, and checks that every dataset comes exactly once and the total is right.
func TestJSONLDContext(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var doc struct {
		Context map[string]string `json:"@context"`
	}
	ts.getJSON(t, "/context.jsonld", http.StatusOK, &doc)
	if doc.Context["dcat"] != nsDCAT || doc.Context["healthdcatap"] == "" {
		t.Errorf("context %v; want the prefixes of the output", doc.Context)
	}
	// Every JSON-LD document carries the same context inline.
	body := ts.get(t, "/catalog.jsonld").Body.String()
	if !strings.Contains(body, `"dcat": "`+nsDCAT+`"`) {
		t.Errorf("the JSON-LD catalogue does not carry the context inline")
	}
}

func TestCatalogHydraPaging(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, size := range []int{1, 2, 3, 100} {
		seen := map[string]int{}
		next := "/catalog.ttl?page=1&size=" + itoa(size)
		pages := 0
		for next != "" {
			pages++
			if pages > 10 {
				t.Fatalf("size %d: more than 10 pages", size)
			}
			rec := ts.get(t, next)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d %s", next, rec.Code, rec.Body)
			}
			triples := parseRDF(t, rec.Header().Get("Content-Type"), rec.Body.String())
			for _, d := range subjectsOfType(triples, nsDCAT+"Dataset") {
				seen[d]++
			}
			views := subjectsOfType(triples, nsHydra+"PartialCollectionView")
			if len(views) != 1 {
				t.Fatalf("GET %s: %d hydra:PartialCollectionView; want 1", next, len(views))
			}
			if total := objects(triples, views[0], nsHydra+"totalItems"); len(total) != 1 || total[0] != itoa(numDatasets) {
				t.Errorf("GET %s: hydra:totalItems %v; want %d", next, total, numDatasets)
			}
			if len(objects(triples, views[0], nsHydra+"first")) != 1 || len(objects(triples, views[0], nsHydra+"last")) != 1 {
				t.Errorf("GET %s: want hydra:first and hydra:last", next)
			}
			next = ""
			if n := objects(triples, views[0], nsHydra+"next"); len(n) == 1 {
				u, err := url.Parse(n[0])
				if err != nil || !u.IsAbs() {
					t.Fatalf("hydra:next %q is not an absolute IRI", n[0])
				}
				next = u.RequestURI()
			}
		}
		if len(seen) != numDatasets {
			t.Errorf("size %d: %d datasets over %d pages; want %d", size, len(seen), pages, numDatasets)
		}
		for d, n := range seen {
			if n != 1 {
				t.Errorf("size %d: dataset <%s> came %d times", size, d, n)
			}
		}
		if want := (numDatasets + size - 1) / size; pages != want {
			t.Errorf("size %d: %d pages; want %d", size, pages, want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCatalogParameters(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/catalog?page=0", http.StatusBadRequest},
		{"/catalog?page=x", http.StatusBadRequest},
		{"/catalog?size=5000", http.StatusBadRequest},
		{"/catalog?page=99", http.StatusNotFound},
		{"/catalog?profile=ckan", http.StatusBadRequest},
		{"/catalog?modified_since=yesterday", http.StatusBadRequest},
		{"/catalog?profile=dcat-ap-no", http.StatusOK},
		{"/catalog?modified_since=2020-01-01", http.StatusOK},
	} {
		if rec := ts.get(t, tc.target); rec.Code != tc.status {
			t.Errorf("GET %s = %d; want %d (%s)", tc.target, rec.Code, tc.status, rec.Body)
		}
	}
	// Records changed since: fhi-mfr 50 h before testNow, hunt 48 h and
	// 1 h before (the second run changed the HUNT datasets or not).
	count := func(target string) int {
		rec := ts.get(t, target)
		return len(subjectsOfType(parseRDF(t, rec.Header().Get("Content-Type"), rec.Body.String()), nsDCAT+"Dataset"))
	}
	if n := count("/catalog?modified_since=2030-01-01"); n != 0 {
		t.Errorf("modified_since in the future: %d datasets; want 0", n)
	}
	if n := count("/catalog?modified_since=" + url.QueryEscape(testNow.Add(-49*60*60*1e9).Format("2006-01-02T15:04:05Z07:00"))); n != 2 {
		t.Errorf("modified_since between the two sources' harvests: %d datasets; want the 2 HUNT ones", n)
	}
	// The DCAT-AP-NO profile has no variables; HealthDCAT-AP has them.
	rec := ts.get(t, "/catalog?profile=dcat-ap-no")
	if n := len(subjectsOfType(parseRDF(t, rec.Header().Get("Content-Type"), rec.Body.String()), "http://www.w3.org/ns/csvw#Column")); n != 0 {
		t.Errorf("dcat-ap-no: %d columns; want none", n)
	}
	rec = ts.get(t, "/catalog")
	if n := len(subjectsOfType(parseRDF(t, rec.Header().Get("Content-Type"), rec.Body.String()), "http://www.w3.org/ns/csvw#Column")); n != numVariables {
		t.Errorf("healthdcat-ap: %d columns; want %d", n, numVariables)
	}
}

func TestCatalogConditionalGet(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	rec := ts.get(t, "/catalog.ttl")
	etag, lm := rec.Header().Get("ETag"), rec.Header().Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("ETag %q, Last-Modified %q; want both", etag, lm)
	}
	head := httptest.NewRecorder()
	ts.srv.ServeHTTP(head, httptest.NewRequest(http.MethodHead, "/catalog.ttl", nil))
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("ETag") != etag {
		t.Errorf("HEAD /catalog.ttl: %d, %d bytes, ETag %q; want 200, no body, %s", head.Code, head.Body.Len(), head.Header().Get("ETag"), etag)
	}
	if rec := ts.get(t, "/catalog.ttl", "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match the ETag: %d with %d bytes; want 304 and no body", rec.Code, rec.Body.Len())
	}
	if rec := ts.get(t, "/catalog.ttl", "If-Modified-Since", lm); rec.Code != http.StatusNotModified {
		t.Errorf("If-Modified-Since Last-Modified: %d; want 304", rec.Code)
	}
	if rec := ts.get(t, "/catalog.ttl", "If-None-Match", `"other"`); rec.Code != http.StatusOK {
		t.Errorf("If-None-Match another ETag: %d; want 200", rec.Code)
	}
	for _, other := range []string{"/catalog.nt", "/catalog.ttl?page=1", "/catalog.ttl?profile=dcat-ap-no"} {
		if e := ts.get(t, other).Header().Get("ETag"); e == etag {
			t.Errorf("%s has the ETag of /catalog.ttl", other)
		}
	}
}

func TestFAIRDataPoint(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, accept := range []string{"text/turtle", "application/ld+json"} {
		rec := ts.get(t, "/", "Accept", accept)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), accept) {
			t.Fatalf("GET / Accept %s = %d %s", accept, rec.Code, rec.Header().Get("Content-Type"))
		}
		triples := parseRDF(t, rec.Header().Get("Content-Type"), rec.Body.String())
		fdp := subjectsOfType(triples, nsFDP+"FAIRDataPoint")
		if len(fdp) != 1 || !strings.HasSuffix(fdp[0], "/") {
			t.Fatalf("fdp-o:FAIRDataPoint %v; want the root", fdp)
		}
		for _, p := range []string{"metadataCatalog", "conformsToFdpSpec", "metadataIssued", "metadataModified", "metadataIdentifier"} {
			if len(objects(triples, fdp[0], nsFDP+p)) == 0 {
				t.Errorf("the FDP record has no fdp-o:%s", p)
			}
		}
		containers := subjectsOfType(triples, nsLDP+"DirectContainer")
		if len(containers) != 1 || len(objects(triples, containers[0], nsLDP+"contains")) != 1 ||
			objects(triples, containers[0], nsLDP+"hasMemberRelation")[0] != nsFDP+"metadataCatalog" {
			t.Errorf("want one LDP DirectContainer of the catalogue: %v", containers)
		}
	}
	page := ts.getHTML(t, "/", http.StatusOK, "Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	if !strings.Contains(page, `name="q"`) {
		t.Errorf("GET / from a browser is not the search page")
	}
	ts.getHTML(t, "/", http.StatusOK, "Accept", "*/*")
}

// TestDereference checks that the IRIs Katalog mints answer RDF to RDF
// clients and pages to browsers.
func TestDereference(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, tc := range []struct{ path, subject, class string }{
		{"/datasets/MFR", "https://data.fhi.no/dataset/mfr", nsDCAT + "Dataset"},
		{"/variables/MFR:SVLEN", "https://data.fhi.no/mfr/variable/SVLEN", "http://www.w3.org/ns/csvw#Column"},
		{"/datasets/" + url.PathEscape(idHUNT4), "", nsDCAT + "Dataset"},
		{"/agents/katalog", "", "http://xmlns.com/foaf/0.1/Agent"},
	} {
		for _, accept := range []string{"text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"} {
			rec := ts.get(t, tc.path, "Accept", accept)
			if rec.Code != http.StatusOK {
				t.Errorf("GET %s Accept %s = %d %s", tc.path, accept, rec.Code, rec.Body)
				continue
			}
			triples := parseRDF(t, rec.Header().Get("Content-Type"), rec.Body.String())
			got := subjectsOfType(triples, tc.class)
			if len(got) == 0 || tc.subject != "" && !contains(got, tc.subject) {
				t.Errorf("GET %s as %s: things of type %s are %v; want %s", tc.path, accept, tc.class, got, tc.subject)
			}
		}
		if rec := ts.get(t, tc.path, "Accept", "text/html,*/*;q=0.8"); rec.Code != http.StatusOK && rec.Code != http.StatusSeeOther {
			t.Errorf("GET %s from a browser = %d", tc.path, rec.Code)
		}
	}
	if rec := ts.get(t, "/variables/HUNT4:GAMMEL", "Accept", "text/turtle"); rec.Code != http.StatusGone {
		t.Errorf("a withdrawn variable as RDF: %d; want 410", rec.Code)
	}
	if rec := ts.get(t, "/agents/nobody", "Accept", "text/turtle"); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown agent: %d; want 404", rec.Code)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// failingVariables is a store whose variables cannot be read.
type failingVariables struct{ catalog.Store }

func (failingVariables) FindVariables(context.Context, catalog.VariableFilter) ([]catalog.Variable, int, error) {
	return nil, 0, errors.New("disk on fire")
}

// TestCatalogExportFailure: when the store fails after the status is sent,
// the client must see a broken answer, never a short document it would take
// for the whole catalogue.
func TestCatalogExportFailure(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *web.Config) { c.Store = failingVariables{c.Store} })
	hs := httptest.NewServer(ts.srv)
	defer hs.Close()
	for _, path := range []string{"/catalog.ttl", "/catalog.nt?page=1&size=2"} {
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			continue // cut off before the headers: fine
		}
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Errorf("GET %s with a failing store: a complete %d answer; want the connection cut", path, resp.StatusCode)
		}
	}
}

// blockingStore holds every FindVariables until release is closed.
type blockingStore struct {
	catalog.Store
	entered chan struct{} // one value per call that waits
	release chan struct{}
}

func (b *blockingStore) FindVariables(ctx context.Context, f catalog.VariableFilter) ([]catalog.Variable, int, error) {
	b.entered <- struct{}{}
	<-b.release
	return b.Store.FindVariables(ctx, f)
}

// TestCatalogExportsTakeTurns: with one export at a time, a second
// catalogue request waits for the first, and is answered 503 with
// Retry-After when its wait runs out; searching is not held up.
func TestCatalogExportsTakeTurns(t *testing.T) {
	defer web.SetExportWait(300 * time.Millisecond)()
	bs := &blockingStore{entered: make(chan struct{}, 100), release: make(chan struct{})}
	ts := newTestServer(t, func(c *web.Config) {
		bs.Store = c.Store
		c.Store = bs
		c.Exports = 1
	})
	get := func(target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		ts.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		return rec
	}
	first := make(chan *httptest.ResponseRecorder)
	go func() { first <- get("/catalog.ttl") }()
	<-bs.entered // the first export holds the only turn

	if rec := get("/catalog.nt"); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("a second export while the first runs = %d (Retry-After %q); want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := get("/api/v1/search?q=svangerskap"); rec.Code != http.StatusOK {
		t.Errorf("a search while an export runs = %d; want 200", rec.Code)
	}
	second := make(chan *httptest.ResponseRecorder)
	go func() { second <- get("/catalog.nt") }()
	time.Sleep(100 * time.Millisecond) // the second is waiting for its turn
	close(bs.release)
	if rec := <-first; rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "dcat:Catalog") {
		t.Errorf("the first export = %d, %d bytes; want the catalogue", rec.Code, rec.Body.Len())
	}
	if rec := <-second; rec.Code != http.StatusOK || rec.Body.Len() == 0 {
		t.Errorf("the export that waited for its turn = %d, %d bytes; want the catalogue", rec.Code, rec.Body.Len())
	}
}
