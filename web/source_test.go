package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// runContractKeys are the keys of RUN in CONTRACT.md.
var runContractKeys = []string{"id", "started", "finished", "status", "stats", "error", "findings_url"}

type run struct {
	ID       string    `json:"id"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Status   string    `json:"status"`
	Stats    struct {
		Datasets  int `json:"datasets"`
		Variables int `json:"variables"`
		Added     int `json:"added"`
		Updated   int `json:"updated"`
		Unchanged int `json:"unchanged"`
		Removed   int `json:"removed"`
		Errors    int `json:"errors"`
		Warnings  int `json:"warnings"`
	} `json:"stats"`
	Error       string `json:"error"`
	FindingsURL string `json:"findings_url"`
}

type finding struct {
	Severity string            `json:"severity"`
	Resource string            `json:"resource"`
	Path     string            `json:"path"`
	Message  map[string]string `json:"message"`
	Rule     string            `json:"rule"`
}

// checkRunShape checks that a RUN object has the contract's keys.
func checkRunShape(t *testing.T, where string, raw json.RawMessage) {
	t.Helper()
	if m := missing(keys(t, raw), runContractKeys); len(m) > 0 {
		t.Errorf("%s: run %s lacks %v", where, raw, m)
	}
	var r map[string]json.RawMessage
	json.Unmarshal(raw, &r)
	want := []string{"added", "datasets", "errors", "removed", "unchanged", "updated", "variables",
		"variables_added", "variables_removed", "variables_unchanged", "variables_updated", "warnings"}
	if got := keys(t, r["stats"]); !slices.Equal(got, want) {
		t.Errorf("%s: run stats keys %v; want %v", where, got, want)
	}
}

func TestSourceList(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var raw []map[string]json.RawMessage
	ts.getJSON(t, "/api/v1/sources", http.StatusOK, &raw)
	if len(raw) != 2 {
		t.Fatalf("GET /api/v1/sources: %d sources; want 2", len(raw))
	}
	for _, src := range raw {
		for _, k := range []string{"name", "url", "schedule", "last_run", "next_run"} {
			if _, ok := src[k]; !ok {
				t.Errorf("GET /api/v1/sources: source %s lacks %q", src["name"], k)
			}
		}
	}
	checkRunShape(t, "GET /api/v1/sources", raw[0]["last_run"])

	var srcs []struct {
		Name     string  `json:"name"`
		URL      string  `json:"url"`
		Schedule string  `json:"schedule"`
		LastRun  *run    `json:"last_run"`
		NextRun  *string `json:"next_run"`
		Quality  *struct {
			Profile string `json:"profile"`
			Score   int    `json:"score"`
		} `json:"quality"`
	}
	ts.getJSON(t, "/api/v1/sources", http.StatusOK, &srcs)
	mfr, hunt := srcs[0], srcs[1]
	if mfr.Name != "fhi-mfr" || mfr.URL != "https://data.fhi.no/mfr.ttl" || mfr.Schedule != "1h" {
		t.Errorf("GET /api/v1/sources: first = %s %s %s; want fhi-mfr https://data.fhi.no/mfr.ttl 1h", mfr.Name, mfr.URL, mfr.Schedule)
	}
	if mfr.NextRun == nil {
		t.Errorf("GET /api/v1/sources: fhi-mfr next_run is null; want %v", testNow.Add(time.Hour))
	} else if next, err := time.Parse(time.RFC3339, *mfr.NextRun); err != nil || !next.Equal(testNow.Add(time.Hour)) {
		t.Errorf("GET /api/v1/sources: fhi-mfr next_run = %q (%v); want RFC 3339 %v", *mfr.NextRun, err, testNow.Add(time.Hour))
	}
	if r := mfr.LastRun; r == nil {
		t.Errorf("GET /api/v1/sources: fhi-mfr last_run is null; want run %s", run3)
	} else {
		if r.ID != run3 || r.Status != "ok" || r.Error != "" ||
			!r.Started.Equal(testNow.Add(-2*time.Hour)) || !r.Finished.Equal(testNow.Add(-2*time.Hour+3*time.Second)) {
			t.Errorf("GET /api/v1/sources: fhi-mfr last_run = %+v; want %s ok", r, run3)
		}
		s := r.Stats
		if got, want := [8]int{s.Datasets, s.Variables, s.Added, s.Updated, s.Unchanged, s.Removed, s.Errors, s.Warnings}, [8]int{1, 6, 1, 2, 4, 0, 1, 1}; got != want {
			t.Errorf("GET /api/v1/sources: fhi-mfr last_run stats = %v; want %v", got, want)
		}
		var fs []finding
		ts.getJSON(t, r.FindingsURL, http.StatusOK, &fs)
		if len(fs) != 2 {
			t.Errorf("GET %s (findings_url): %d findings; want 2", r.FindingsURL, len(fs))
		}
	}
	if mfr.Quality == nil || mfr.Quality.Score != 81 || mfr.Quality.Profile != "national" {
		t.Errorf("GET /api/v1/sources: fhi-mfr quality = %+v; want the last run's, 81 national", mfr.Quality)
	}
	if hunt.Name != "hunt" || hunt.URL != "file:///srv/feeds/hunt.ttl" || hunt.Schedule != "0 3 * * *" || hunt.LastRun != nil || hunt.NextRun != nil {
		t.Errorf("GET /api/v1/sources: second = %+v; want hunt, never run", hunt)
	}
}

func TestSourceRuns(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var raw []json.RawMessage
	ts.getJSON(t, "/api/v1/sources/fhi-mfr/runs", http.StatusOK, &raw)
	for _, r := range raw {
		checkRunShape(t, "GET /api/v1/sources/fhi-mfr/runs", r)
	}
	var runs []run
	ts.getJSON(t, "/api/v1/sources/fhi-mfr/runs", http.StatusOK, &runs)
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.ID)
	}
	if want := []string{run3, run2, run1}; !slices.Equal(ids, want) {
		t.Fatalf("GET /api/v1/sources/fhi-mfr/runs = %v; want %v (newest first)", ids, want)
	}
	if r := runs[1]; r.Status != "failed" || r.Error == "" {
		t.Errorf("GET /api/v1/sources/fhi-mfr/runs: %s status %q, error %q; want failed with the error", r.ID, r.Status, r.Error)
	}
	// Each run's findings_url gives that run's findings.
	for i, want := range []int{2, 0, 1} {
		var fs []finding
		target := runs[i].FindingsURL
		ts.getJSON(t, target, http.StatusOK, &fs)
		if fs == nil || len(fs) != want {
			t.Errorf("GET %s = %v; want %d findings", target, fs, want)
		}
	}

	var none []run
	ts.getJSON(t, "/api/v1/sources/hunt/runs", http.StatusOK, &none)
	if none == nil || len(none) != 0 {
		t.Errorf("GET /api/v1/sources/hunt/runs = %v; want []", none)
	}
}

func TestSourceFindings(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var fs []finding
	ts.getJSON(t, "/api/v1/sources/fhi-mfr/findings", http.StatusOK, &fs)
	if len(fs) != 2 {
		t.Fatalf("GET /api/v1/sources/fhi-mfr/findings: %d findings; want the last run's 2", len(fs))
	}
	f := fs[0]
	if f.Severity != "error" || f.Resource != "https://data.fhi.no/mfr/variable/FAAR" || f.Path != "csvw:datatype" ||
		f.Message["nb"] != "Oppgi datatype" || f.Message["en"] != "Give a datatype" || f.Rule != "variable-datatype" {
		t.Errorf("GET /api/v1/sources/fhi-mfr/findings: first = %+v; want the FAAR datatype error", f)
	}
	if fs[1].Severity != "warning" {
		t.Errorf("GET /api/v1/sources/fhi-mfr/findings: second severity %q; want warning", fs[1].Severity)
	}
	var raw []json.RawMessage
	ts.getJSON(t, "/api/v1/sources/fhi-mfr/findings", http.StatusOK, &raw)
	if m := missing(keys(t, raw[0]), []string{"severity", "resource", "path", "message", "rule"}); len(m) > 0 {
		t.Errorf("GET /api/v1/sources/fhi-mfr/findings: finding lacks %v", m)
	}

	ts.getJSON(t, "/api/v1/sources/fhi-mfr/findings?run="+run1, http.StatusOK, &fs)
	if len(fs) != 1 || fs[0].Severity != "info" {
		t.Errorf("GET /api/v1/sources/fhi-mfr/findings?run=%s = %+v; want one info", run1, fs)
	}

	ts.getJSON(t, "/api/v1/sources/fhi-mfr/findings?severity=warning", http.StatusOK, &fs)
	if len(fs) != 1 || fs[0].Path != "dct:description" {
		t.Errorf("GET /api/v1/sources/fhi-mfr/findings?severity=warning = %+v; want the VEKT warning", fs)
	}
	ts.getJSON(t, "/api/v1/sources/fhi-mfr/findings?resource="+url.QueryEscape("https://data.fhi.no/mfr/variable/FAAR"), http.StatusOK, &fs)
	if len(fs) != 1 || fs[0].Path != "csvw:datatype" {
		t.Errorf("GET /api/v1/sources/fhi-mfr/findings?resource=…FAAR = %+v; want the FAAR error", fs)
	}
	ts.wantAPIError(t, "/api/v1/sources/fhi-mfr/findings?severity=fatal", http.StatusBadRequest, "invalid")

	var none []finding
	ts.getJSON(t, "/api/v1/sources/hunt/findings", http.StatusOK, &none)
	if none == nil || len(none) != 0 {
		t.Errorf("GET /api/v1/sources/hunt/findings = %v; want [] for a source never run", none)
	}
}

func TestSourceNotFound(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, target := range []string{
		"/api/v1/sources/nope/runs",
		"/api/v1/sources/nope/findings",
		"/api/v1/sources/fhi-mfr/findings?run=19990101T000000.000000Z",
		"/api/v1/sources/fhi-mfr",
	} {
		ts.wantAPIError(t, target, http.StatusNotFound, "not_found")
	}
}
