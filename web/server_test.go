package web_test

import (
	"context"
	"encoding/json"
	"html"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/search"
	"github.com/katalog/katalog/web"
)

// The test catalogue: two sources, three datasets, eleven live variables
// and one withdrawn variable.
var testNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	authority = "http://publications.europa.eu/resource/authority/"

	xssScript = `<script>alert(1)</script>`
	xssImg    = `"><img src=x onerror=alert(1)>`

	idSlash   = "HUNT4/Spørreskjema 1/BMI" // needs %2F and %20 in a path
	idPercent = "HUNT4:RØYK 100%"          // escapes to a path Go keeps no RawPath for
	idHUNT4   = "HUNT4 Voksen/2017"        // a dataset identifier with a space and a slash
	idXSSVar  = "HUNT-XSS:V1"

	pubFHI  = "Folkehelseinstituttet"
	pubNTNU = "NTNU"

	run1 = "20250227T120000.000000Z" // ok
	run2 = "20250228T120000.000000Z" // failed
	run3 = "20250301T100000.000000Z" // ok, the last run of fhi-mfr
)

// mfrVariables are the names of the MFR dataset's variables in feed order.
var mfrVariables = []string{"HODE", "SVLEN", "KJONN", "VEKT", "APGAR5", "FAAR"}

const (
	numVariables = 11
	numDatasets  = 3
)

type testServer struct {
	srv   *web.Server
	store *bolt.DB
	ready *atomic.Bool
}

// newTestServer returns a server on a real bbolt store in t.TempDir() and
// an in-memory search index filled from it. opts may change the config.
func newTestServer(t *testing.T, opts ...func(*web.Config)) *testServer {
	t.Helper()
	ctx := context.Background()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "katalog.db"))
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	t.Cleanup(func() { store.Close() })

	apply := func(source string, snap *catalog.Snapshot, at time.Time) {
		t.Helper()
		if _, err := store.ApplySnapshot(ctx, source, snap, catalog.ApplyOptions{Now: at}); err != nil {
			t.Fatalf("ApplySnapshot(%s): %v", source, err)
		}
	}
	apply("fhi-mfr", mfrSnapshot(), testNow.Add(-50*time.Hour))
	apply("hunt", huntSnapshot(true), testNow.Add(-48*time.Hour))
	apply("hunt", huntSnapshot(false), testNow.Add(-time.Hour)) // withdraws HUNT4:GAMMEL

	for _, src := range []*catalog.Source{
		{
			Name: "fhi-mfr", URL: "https://data.fhi.no/mfr.ttl", Format: "turtle", Schedule: "1h",
			State: catalog.SourceState{
				LastRun: run3, LastGoodRun: run3,
				LastHarvested: testNow.Add(-2 * time.Hour), LastChanged: testNow.Add(-50 * time.Hour),
				NextRun: testNow.Add(time.Hour),
			},
		},
		{Name: "hunt", URL: "file:///srv/feeds/hunt.ttl", Schedule: "0 3 * * *"},
	} {
		if err := store.PutSource(ctx, src); err != nil {
			t.Fatalf("PutSource(%s): %v", src.Name, err)
		}
	}
	runs := []catalog.HarvestRun{ // stored out of order on purpose
		{
			ID: run2, Source: "fhi-mfr", Started: testNow.Add(-24 * time.Hour), Finished: testNow.Add(-24*time.Hour + time.Second),
			Status: catalog.RunFailed, Error: "fetch https://data.fhi.no/mfr.ttl: 503 Service Unavailable", HTTPStatus: 503,
		},
		{
			ID: run3, Source: "fhi-mfr", Started: testNow.Add(-2 * time.Hour), Finished: testNow.Add(-2*time.Hour + 3*time.Second),
			Status: catalog.RunOK,
			Stats:  catalog.RunStats{Datasets: 1, Variables: 6, Added: 1, Updated: 2, Unchanged: 4, Removed: 0, Errors: 1, Warnings: 1},
			Quality: &catalog.Quality{Profile: "national", Score: 81, Mandatory: catalog.Fulfilled{Met: 11, Total: 12},
				Recommended: catalog.Fulfilled{Met: 7, Total: 20}, Errors: 1, Warnings: 1},
		},
		{
			ID: run1, Source: "fhi-mfr", Started: testNow.Add(-48 * time.Hour), Finished: testNow.Add(-48*time.Hour + 2*time.Second),
			Status: catalog.RunOK, Stats: catalog.RunStats{Datasets: 1, Variables: 5, Added: 6},
		},
	}
	for i := range runs {
		if err := store.PutRun(ctx, &runs[i]); err != nil {
			t.Fatalf("PutRun(%s): %v", runs[i].ID, err)
		}
	}
	findings := map[string][]catalog.Finding{
		run3: {
			{Severity: catalog.SeverityError, Resource: "https://data.fhi.no/mfr/variable/FAAR", Path: "csvw:datatype",
				Message: catalog.Text{"nb": "Oppgi datatype", "en": "Give a datatype"}, Rule: "variable-datatype"},
			{Severity: catalog.SeverityWarning, Resource: "https://data.fhi.no/mfr/variable/VEKT", Path: "dct:description",
				Message: catalog.Text{"nb": "Beskriv variabelen", "en": "Describe the variable"}, Rule: "variable-description"},
		},
		run2: nil, // a failed run stores no findings, as the harvester does
		run1: {
			{Severity: catalog.SeverityInfo, Resource: "https://data.fhi.no/dataset/mfr", Path: "dct:language",
				Message: catalog.Text{"nb": "Oppgi språk", "en": "Give the language"}, Rule: "dataset-language"},
		},
	}
	for id, fs := range findings {
		if err := store.PutFindings(ctx, "fhi-mfr", id, fs); err != nil {
			t.Fatalf("PutFindings(%s): %v", id, err)
		}
	}

	idx, err := search.NewMemOnly()
	if err != nil {
		t.Fatalf("search.NewMemOnly: %v", err)
	}
	t.Cleanup(func() { idx.Close() })
	n, err := search.Fill(ctx, idx, store)
	if err != nil {
		t.Fatalf("search.Fill: %v", err)
	}
	if want := numVariables + numDatasets; n != want {
		t.Fatalf("search.Fill indexed %d documents; want %d", n, want)
	}

	ready := new(atomic.Bool)
	ready.Store(true)
	cfg := web.Config{
		Store:   store,
		Index:   idx,
		Logger:  slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		Version: "test",
		Now:     func() time.Time { return testNow },
		Ready:   ready.Load,
	}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := web.New(cfg)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	return &testServer{srv: srv, store: store, ready: ready}
}

func text(nb, en string) catalog.Text {
	t := catalog.Text{}
	t.Set("nb", nb)
	t.Set("en", en)
	return t
}

func mfrSnapshot() *catalog.Snapshot {
	const ds = "https://data.fhi.no/dataset/mfr"
	const table = "https://data.fhi.no/mfr/table/fodsel"
	const kjonn = "https://data.fhi.no/mfr/codelist/kjonn"
	v := func(pos int, name string, title catalog.Text, datatype string) catalog.Variable {
		return catalog.Variable{
			IRI: "https://data.fhi.no/mfr/variable/" + name, Identifier: "MFR:" + name, Name: name,
			Dataset: ds, Table: table, Position: pos, Title: title, Datatype: datatype,
		}
	}
	vars := []catalog.Variable{
		v(0, "HODE", text("Hodeomkrets", "Head circumference"), "integer"),
		v(1, "SVLEN", text("Svangerskapslengde", "Gestational age"), "integer"),
		v(2, "KJONN", text("Kjønn", "Sex"), "string"),
		v(3, "VEKT", text("Fødselsvekt", "Birth weight"), "integer"),
		v(4, "APGAR5", text("Apgar-skår etter 5 minutter", "Apgar score at 5 minutes"), "integer"),
		v(5, "FAAR", text("Fødselsår", "Year of birth"), "gYear"),
	}
	vars[0].Description = text("Barnets hodeomkrets målt ved fødsel", "The child's head circumference measured at birth")
	vars[0].Unit = "cm"
	vars[0].Temporal = []catalog.Period{{Start: "1999"}}
	vars[2].CodeList = kjonn
	return &catalog.Snapshot{
		Datasets: []catalog.Dataset{{
			IRI: ds, Identifier: "MFR",
			Title:       text("Medisinsk fødselsregister", "Medical Birth Registry of Norway"),
			Description: text("Alle fødsler i Norge", "All births in Norway"),
			Publisher: &catalog.Agent{
				IRI: "https://data.brreg.no/enhetsregisteret/api/enheter/983744516", Identifier: "983744516",
				Name: text(pubFHI, "Norwegian Institute of Public Health"), Homepage: "https://www.fhi.no",
			},
			Contacts:     []catalog.Contact{{Name: text("MFR-kontakt", ""), Email: "mfr@fhi.no"}},
			Themes:       []catalog.Concept{{IRI: authority + "data-theme/HEAL"}},
			AccessRights: authority + "access-right/NON_PUBLIC",
			Temporal:     []catalog.Period{{Start: "1967"}},
			Modified:     "2025-01-15",
			Tables:       []catalog.Table{{IRI: table, Title: text("Fødsel", "Birth")}},
		}},
		Variables: vars,
		CodeLists: []catalog.CodeList{{
			IRI: kjonn, Identifier: "kjonn", Title: text("Kjønn", "Sex"),
			Codes: []catalog.Code{
				{Notation: "1", Label: text("Gutt", "Boy")},
				{Notation: "2", Label: text("Jente", "Girl")},
				{Notation: "9", Label: text("Ukjent", "Unknown")},
			},
		}},
	}
}

// huntSnapshot is the hunt source's feed; withOld adds a variable that a
// later harvest withdraws.
func huntSnapshot(withOld bool) *catalog.Snapshot {
	const hunt4 = "https://hunt.ntnu.no/dataset/hunt4"
	const xss = "https://hunt.ntnu.no/dataset/xss"
	ntnu := &catalog.Agent{IRI: "https://data.brreg.no/enhetsregisteret/api/enheter/974767880", Name: text(pubNTNU, "")}
	v := func(ds string, pos int, iri, id, name string, title catalog.Text, datatype string) catalog.Variable {
		return catalog.Variable{IRI: iri, Identifier: id, Name: name, Dataset: ds, Position: pos, Title: title, Datatype: datatype}
	}
	vars := []catalog.Variable{
		v(hunt4, 0, "https://hunt.ntnu.no/var/bmi", idSlash, "BMI", text("Kroppsmasseindeks", "Body mass index"), "decimal"),
		v(hunt4, 1, "https://hunt.ntnu.no/var/bt", "HUNT4:BLODTRYKK", "BLODTRYKK", text("Systolisk blodtrykk", "Systolic blood pressure"), "integer"),
		v(hunt4, 2, "https://hunt.ntnu.no/var/royk", idPercent, "ROYK", text("Røyker daglig", "Smokes daily"), "boolean"),
		v(hunt4, 3, "https://hunt.ntnu.no/var/alder", "HUNT4:ALDER", "ALDER", text("Alder ved deltakelse", "Age at participation"), "integer"),
	}
	if withOld {
		vars = append(vars, v(hunt4, 4, "https://hunt.ntnu.no/var/gammel", "HUNT4:GAMMEL", "GAMMEL", text("Gammel variabel", "Old variable"), "string"))
	}
	evil := v(xss, 0, "https://hunt.ntnu.no/var/xss", idXSSVar, "XSS1",
		text("Skadevariabel "+xssScript, xssImg+" harmful"), "string")
	evil.Description = text("Skadevariabel "+xssScript+" "+xssImg+" tekst", "Harmful "+xssImg)
	vars = append(vars, evil)
	return &catalog.Snapshot{
		Datasets: []catalog.Dataset{
			{
				IRI: hunt4, Identifier: idHUNT4,
				Title:     text("HUNT4 voksen", "HUNT4 adults"),
				Publisher: ntnu,
				Themes: []catalog.Concept{
					{IRI: authority + "data-theme/HEAL"},
					{IRI: authority + "data-theme/SOCI"},
				},
				AccessRights: authority + "access-right/RESTRICTED",
				Temporal:     []catalog.Period{{Start: "2017", End: "2019"}},
				Keywords:     catalog.Keywords{"nb": {"befolkningsundersøkelse"}},
				Modified:     "2024-06-01",
			},
			{
				IRI: xss, Identifier: "HUNT-XSS",
				Title:        text("Testdata "+xssScript, xssImg),
				Description:  text("Beskrivelse "+xssImg, ""),
				Publisher:    ntnu,
				AccessRights: authority + "access-right/PUBLIC",
				Modified:     "2023-01-01",
			},
		},
		Variables: vars,
	}
}

// get sends a GET request through the server. hdr holds header name and
// value pairs. No request may ever answer 5xx.
func (ts *testServer) get(t *testing.T, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	ts.srv.ServeHTTP(rec, req)
	if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
		t.Errorf("GET %.200s = %d; want no server error (body %.500s)", target, rec.Code, rec.Body)
	}
	return rec
}

// getJSON GETs target, checks its status and decodes its JSON body into v.
func (ts *testServer) getJSON(t *testing.T, target string, wantStatus int, v any) {
	t.Helper()
	rec := ts.get(t, target)
	if rec.Code != wantStatus {
		t.Fatalf("GET %.200s = %d; want %d (body %.300s)", target, rec.Code, wantStatus, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET %s: Content-Type = %q; want application/json", target, ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %.200s: decode %.300s: %v", target, rec.Body, err)
	}
}

// getHTML GETs target and checks its status and that it is an HTML page.
func (ts *testServer) getHTML(t *testing.T, target string, wantStatus int, hdr ...string) string {
	t.Helper()
	rec := ts.get(t, target, hdr...)
	if rec.Code != wantStatus {
		t.Fatalf("GET %s = %d; want %d (body %.500s)", target, rec.Code, wantStatus, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET %s: Content-Type = %q; want text/html", target, ct)
	}
	return rec.Body.String()
}

// apiError is the REST API's error object.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// wantAPIError GETs target and checks that it fails with status and an
// error object with code and a message.
func (ts *testServer) wantAPIError(t *testing.T, target string, status int, code string) {
	t.Helper()
	var e apiError
	ts.getJSON(t, target, status, &e)
	if e.Error.Code != code {
		t.Errorf("GET %.200s: error.code = %q; want %q", target, e.Error.Code, code)
	}
	if strings.TrimSpace(e.Error.Message) == "" {
		t.Errorf("GET %.200s: error.message is empty", target)
	}
}

// keys returns the sorted keys of a JSON object.
func keys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %s: %v", raw, err)
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// missing returns the names in want that are not in have.
func missing(have, want []string) []string {
	var out []string
	for _, w := range want {
		if !slices.Contains(have, w) {
			out = append(out, w)
		}
	}
	return out
}

var (
	hrefRE     = regexp.MustCompile(`href="([^"]*)"`)
	htmlLangRE = regexp.MustCompile(`<html lang="([^"]*)"`)
	resultsRE  = regexp.MustCompile(`id="results-h"[^>]*>\s*(\d+)`)
)

// hrefs returns the link targets of a page, unescaped.
func hrefs(page string) []string {
	var out []string
	for _, m := range hrefRE.FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func htmlLang(page string) string {
	if m := htmlLangRE.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

func TestHealth(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var health map[string]string
	ts.getJSON(t, "/healthz", http.StatusOK, &health)
	if health["status"] != "ok" || health["version"] != "test" {
		t.Errorf("GET /healthz = %v; want status ok, version test", health)
	}

	var ready map[string]string
	ts.getJSON(t, "/readyz", http.StatusOK, &ready)
	if ready["status"] != "ready" {
		t.Errorf("GET /readyz: status = %q; want ready", ready["status"])
	}
	ts.ready.Store(false)
	ts.getJSON(t, "/readyz", http.StatusServiceUnavailable, &ready)
	// Liveness does not depend on readiness.
	ts.getJSON(t, "/healthz", http.StatusOK, &health)
	ts.ready.Store(true)
	ts.getJSON(t, "/readyz", http.StatusOK, &ready)
}

func TestReadyNilMeansAlways(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *web.Config) { c.Ready = nil })
	var ready map[string]string
	ts.getJSON(t, "/readyz", http.StatusOK, &ready)
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, target := range []string{
		"/", "/search?q=hode", "/variables/MFR:HODE", "/no-such-page",
		"/api/v1/search?q=hode", "/api/v1/variables/nope", "/healthz",
	} {
		h := ts.get(t, target).Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: Content-Security-Policy = %q; want default-src and script-src 'self', no unsafe-inline", target, csp)
		}
		for name, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("GET %s: %s = %q; want %q", target, name, got, want)
			}
		}
		if got := h.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
			t.Errorf("GET %s: Referrer-Policy = %q; want a restrictive policy", target, got)
		}
	}
}

func TestStaticAsset(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	page := ts.getHTML(t, "/", http.StatusOK)
	var css string
	for _, h := range hrefs(page) {
		if strings.HasPrefix(h, "/static/") && strings.HasSuffix(h, ".css") {
			css = h
		}
	}
	if css == "" {
		t.Fatalf("GET / links no stylesheet under /static/")
	}
	rec := ts.get(t, css)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d; want %d", css, rec.Code, http.StatusOK)
	}
	want, err := os.ReadFile("static/katalog.css")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Body.String() != string(want) {
		t.Errorf("GET %s: body is not static/katalog.css", css)
	}
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
		t.Errorf("GET %s: Cache-Control = %q; want a year and immutable", css, cc)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("GET %s: Content-Type = %q; want text/css", css, ct)
	}

	// A stale hash is not served from the cache forever.
	stale := "/static/000000000000/katalog.css"
	if rec := ts.get(t, stale); rec.Code != http.StatusNotFound {
		t.Errorf("GET %s = %d; want %d", stale, rec.Code, http.StatusNotFound)
	}
}

func TestNotFoundRoutes(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, target := range []string{"/api/v1/nope", "/api/v2/search", "/api/"} {
		ts.wantAPIError(t, target, http.StatusNotFound, "not_found")
	}
	page := ts.getHTML(t, "/no/such/page", http.StatusNotFound)
	if htmlLang(page) != "nb" {
		t.Errorf("GET /no/such/page: <html lang=%q>; want nb", htmlLang(page))
	}
}

// TestServeStopsWithSilentConnection: a connection that never sends a
// request does not turn a graceful stop into an error; it is closed when
// the grace period ends.
func TestServeStopsWithSilentConnection(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- web.Serve(ctx, l, http.NotFoundHandler(), 200*time.Millisecond, slog.New(slog.DiscardHandler))
	}()
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve = %v after a stop with a silent connection; want nil", err)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("the stop took %v; want about the 200 ms grace", took)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
}
