package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/harvest"
	"github.com/katalog/katalog/search"
	"github.com/katalog/katalog/web"
)

// flawed is a feed in which every dataset and variable breaks the national
// profile: no identifiers, publisher or theme, a date without a datatype,
// a variable without a datatype and one without a description.
const flawed = `@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix csvw: <http://www.w3.org/ns/csvw#> . @prefix h: <http://healthdataportal.eu/ns/health#> .
@prefix ex: <https://register.example.no/> .
ex:cat a dcat:Catalog ; dct:title "Fødselsregisteret"@nb ; dcat:dataset ex:births , ex:deaths .
ex:births a dcat:Dataset ; dct:title "Fødsler"@nb ; dct:modified "2024-01-01" ; h:hasVariables ex:births-vars .
ex:births-vars csvw:column ex:vekt , ex:lengde .
ex:vekt csvw:name "VEKT" ; csvw:title "Fødselsvekt"@nb ; dct:description "Vekt ved fødsel i gram"@nb .
ex:lengde csvw:name "LENGDE" ; csvw:title "Fødselslengde"@nb ; csvw:datatype "integer" .
ex:deaths a dcat:Dataset ; dct:title "Perinatale dødsfall"@nb .
`

type validation struct {
	Profile  string          `json:"profile"`
	Quality  catalog.Quality `json:"quality"`
	Datasets map[string]catalog.Quality
	Findings []finding `json:"findings"`
}

func post(t *testing.T, srv *web.Server, target, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Errorf("POST %s = %d; want no server error (body %.300s)", target, rec.Code, rec.Body)
	}
	return rec
}

func TestValidateAPI(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *web.Config) { c.Validator = &harvest.Harvester{Version: "test"} })
	examples, err := os.ReadFile("../fixtures/shacl/dcat-ap-no/examples/DCAT-AP-NO2.0-examples.ttl")
	if err != nil {
		t.Fatal(err)
	}

	rec := post(t, ts.srv, "/api/v1/validate", "text/turtle", string(examples))
	var good validation
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &good) != nil {
		t.Fatalf("POST /api/v1/validate (DCAT-AP-NO examples) = %d %.300s; want 200 and a report", rec.Code, rec.Body)
	}
	if good.Profile != "dcat-ap-no" || good.Quality.Errors != 0 || good.Quality.Warnings == 0 || len(good.Datasets) != 1 {
		t.Errorf("examples: profile %s, quality %+v, %d datasets; want dcat-ap-no, no errors, some warnings, one dataset", good.Profile, good.Quality, len(good.Datasets))
	}

	// No Content-Type: the content says it is Turtle.
	rec = post(t, ts.srv, "/api/v1/validate?profile=national", "", flawed)
	var bad validation
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &bad) != nil {
		t.Fatalf("POST /api/v1/validate?profile=national = %d %.300s; want 200 and a report", rec.Code, rec.Body)
	}
	want := map[string]bool{
		"error https://register.example.no/births dct:identifier":  false,
		"error https://register.example.no/births dct:modified":    false,
		"error https://register.example.no/deaths dct:publisher":   false,
		"error https://register.example.no/vekt csvw:datatype":     false,
		"error https://register.example.no/lengde dct:description": false,
	}
	for _, f := range bad.Findings {
		want[f.Severity+" "+f.Resource+" "+f.Path] = true
		if f.Message["nb"] == "" || f.Message["en"] == "" || !strings.HasPrefix(f.Rule, "national:") {
			t.Errorf("finding %+v: want messages in nb and en and a national rule", f)
		}
	}
	for k, found := range want {
		if !found {
			t.Errorf("POST /api/v1/validate?profile=national: no finding %q", k)
		}
	}
	if bad.Profile != "national" || bad.Quality.Errors == 0 || bad.Quality.Score >= good.Quality.Score {
		t.Errorf("flawed feed: profile %s, quality %+v; want national, errors, a lower score than the examples' %d", bad.Profile, bad.Quality, good.Quality.Score)
	}

	for _, c := range []struct {
		target, contentType, body string
		status                    int
		code, message             string
	}{
		{"/api/v1/validate", "text/turtle", "ex:a ex:b", http.StatusBadRequest, "invalid", "line 1, column 1"},
		{"/api/v1/validate", "application/ld+json", `{"@id": `, http.StatusBadRequest, "invalid", "jsonld: line 1, column 9"},
		{"/api/v1/validate?profile=dcat-ap-se", "text/turtle", string(examples), http.StatusBadRequest, "invalid", `unknown profile "dcat-ap-se"`},
	} {
		rec := post(t, ts.srv, c.target, c.contentType, c.body)
		var e apiError
		json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != c.status || e.Error.Code != c.code || !strings.Contains(e.Error.Message, c.message) {
			t.Errorf("POST %s %q = %d %+v; want %d %s saying %q", c.target, c.body, rec.Code, e.Error, c.status, c.code, c.message)
		}
	}

	off := newTestServer(t)
	if rec := post(t, off.srv, "/api/v1/validate", "text/turtle", string(examples)); rec.Code == http.StatusOK {
		t.Errorf("POST /api/v1/validate without a validator = 200; want an error")
	}
}

// A feed whose datasets all have errors is harvested all the same: its
// records are stored and searchable, flagged with their status, and the
// source page says what is wrong.
func TestFlawedFeedStaysSearchable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mfr.ttl"), []byte(flawed), 0o644); err != nil {
		t.Fatal(err)
	}
	store, err := bolt.Open(filepath.Join(dir, "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	idx, err := search.NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if err := store.PutSource(ctx, &catalog.Source{Name: "mfr", URL: "file:mfr.ttl", Schedule: "1h"}); err != nil {
		t.Fatal(err)
	}
	h := &harvest.Harvester{Store: store, Index: idx, BaseDir: dir, Version: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	run, err := h.Run(ctx, "mfr")
	if err != nil || run.Status != catalog.RunOK {
		t.Fatalf("Run = %+v, %v; want ok", run, err)
	}
	if run.Stats.Datasets != 2 || run.Stats.Variables != 2 || run.Stats.Errors == 0 || run.Quality == nil {
		t.Fatalf("run stats %+v, quality %v; want 2 datasets, 2 variables, errors and a quality score", run.Stats, run.Quality)
	}
	srv, err := web.New(web.Config{Store: store, Index: idx, Validator: h, Logger: slog.New(slog.NewTextHandler(t.Output(), nil)), Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{srv: srv, store: store}

	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			Identifier string `json:"identifier"`
		} `json:"hits"`
	}
	ts.getJSON(t, "/api/v1/search?q=f%C3%B8dselsvekt", http.StatusOK, &res)
	if res.Total != 1 {
		t.Fatalf("search for fødselsvekt finds %d; want the flawed variable", res.Total)
	}
	var v struct {
		Validation struct {
			Status string `json:"status"`
			Errors int    `json:"errors"`
		} `json:"validation"`
		IRI string `json:"iri"`
	}
	ts.getJSON(t, "/api/v1/variables/"+url.PathEscape(res.Hits[0].Identifier), http.StatusOK, &v)
	if v.Validation.Status != "errors" || v.Validation.Errors == 0 {
		t.Errorf("variable validation %+v; want status errors", v.Validation)
	}
	var d struct {
		Quality *catalog.Quality `json:"quality"`
	}
	ts.getJSON(t, "/api/v1/datasets/"+url.PathEscape("https://register.example.no/births"), http.StatusOK, &d)
	if d.Quality == nil || d.Quality.Errors == 0 || d.Quality.Score >= 100 {
		t.Errorf("dataset quality %+v; want errors and a score below 100", d.Quality)
	}

	varPage := ts.getHTML(t, "/variables/"+url.PathEscape(res.Hits[0].Identifier)+"?lang=en", http.StatusOK)
	findingsLink := "/sources/mfr?resource=" + url.QueryEscape(v.IRI)
	linked := false
	for _, h := range hrefs(varPage) {
		u, err := url.Parse(h)
		linked = linked || err == nil && u.Path == "/sources/mfr" && u.Query().Get("resource") == v.IRI
	}
	if !strings.Contains(varPage, `class="status errors"`) || !linked {
		t.Errorf("variable page lacks its error status or a link to %s", findingsLink)
	}

	page := ts.getHTML(t, "/sources/mfr?lang=en", http.StatusOK)
	for _, s := range []string{
		"https://register.example.no/births",
		"The dataset has no dct:identifier (identifier)",
		"https://register.example.no/vekt",
		"csvw:datatype",
		"/100",
	} {
		if !strings.Contains(page, s) {
			t.Errorf("GET /sources/mfr: page lacks %q", s)
		}
	}
	one := ts.getHTML(t, findingsLink+"&lang=en", http.StatusOK)
	if !strings.Contains(one, "https://register.example.no/vekt") || strings.Contains(one, "https://register.example.no/births</code>") {
		t.Errorf("GET %s: want the findings of the variable only", findingsLink)
	}
}
