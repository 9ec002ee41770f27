package web_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/web"
)

// scrape GETs /metrics and returns its lines that are not comments.
func (ts *testServer) scrape(t *testing.T) map[string]bool {
	t.Helper()
	rec := ts.get(t, "/metrics")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d %.300s; want 200", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("GET /metrics: Content-Type = %q; want Prometheus's text format", ct)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(rec.Body.String(), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			lines[l] = true
		}
	}
	return lines
}

// hasPrefix reports whether a line of the scrape starts with p.
func hasPrefix(lines map[string]bool, p string) bool {
	for l := range lines {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *web.Config) {
		c.IndexSize = func() (int64, error) { return 123456, nil }
	})
	for _, target := range []string{
		"/api/v1/variables/MFR:SVLEN",
		"/api/v1/variables/MFR:HODE",
		"/api/v1/variables/NO:SUCH",
		"/api/v1/search?q=hodeomkrets",
		"/no/such/page",
		"/static/no-such-file.css",
	} {
		ts.get(t, target)
	}
	ts.srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("BREW", "/api/v1/search", nil))
	started := testNow.Add(-time.Hour)
	ts.srv.ObserveRun(&catalog.HarvestRun{Source: "fhi-mfr", Status: catalog.RunOK, Started: started, Finished: started.Add(3 * time.Second)})
	ts.srv.ObserveRun(&catalog.HarvestRun{Source: "fhi-mfr", Status: catalog.RunUnchanged, Started: started, Finished: started.Add(time.Second / 2)})
	ts.srv.ObserveRun(&catalog.HarvestRun{Source: "hunt", Status: catalog.RunFailed, Started: started, Finished: started.Add(time.Minute)})
	ts.srv.ObserveRun(&catalog.HarvestRun{Source: "hunt", Status: catalog.RunRunning, Started: started})

	lines := ts.scrape(t)
	for _, want := range []string{
		`katalog_http_request_duration_seconds_count{code="2xx",method="GET",route="/api/v1/variables/:id"} 2`,
		`katalog_http_request_duration_seconds_count{code="4xx",method="GET",route="/api/v1/variables/:id"} 1`,
		`katalog_http_request_duration_seconds_count{code="2xx",method="GET",route="/api/v1/search"} 1`,
		`katalog_http_request_duration_seconds_count{code="4xx",method="GET",route="/static/*"} 1`,
		`katalog_http_request_duration_seconds_count{code="4xx",method="GET",route="unmatched"} 1`,
		`katalog_http_request_duration_seconds_count{code="4xx",method="OTHER",route="/api/v1/search"} 1`,
		`katalog_harvest_runs_total{source="fhi-mfr",status="ok"} 1`,
		`katalog_harvest_runs_total{source="fhi-mfr",status="unchanged"} 1`,
		`katalog_harvest_runs_total{source="hunt",status="failed"} 1`,
		`katalog_harvest_duration_seconds_sum{source="fhi-mfr",status="ok"} 3`,
		`katalog_harvest_duration_seconds_bucket{source="fhi-mfr",status="unchanged",le="0.5"} 1`,
		`katalog_harvest_duration_seconds_bucket{source="hunt",status="failed",le="30"} 0`,
		`katalog_harvest_duration_seconds_count{source="hunt",status="failed"} 1`,
		`katalog_index_documents 14`,
		`katalog_index_size_bytes 123456`,
		`katalog_records{kind="dataset"} 3`,
		`katalog_records{kind="variable"} 11`,
		`katalog_build_info{version="test"} 1`,
	} {
		if !lines[want] {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, p := range []string{`katalog_http_request_duration_seconds_bucket{code="2xx",method="GET",route="/api/v1/search",le="0.001"}`, "go_goroutines ", "go_memstats_heap_alloc_bytes ", "process_cpu_seconds_total "} {
		if !hasPrefix(lines, p) {
			t.Errorf("/metrics has no line starting %s", p)
		}
	}
	for l := range lines {
		// Raw paths (which grow without bound) never become labels.
		for _, bad := range []string{"MFR:", "NO:SUCH", "/no/such", "no-such-file", "hodeomkrets", `status="running"`, "BREW"} {
			if strings.Contains(l, bad) {
				t.Errorf("/metrics line %q has %q", l, bad)
			}
		}
	}

	// Each server counts in its own registry.
	other := newTestServer(t).scrape(t)
	if hasPrefix(other, "katalog_harvest_runs_total") || hasPrefix(other, `katalog_http_request_duration_seconds_count{code="2xx",method="GET",route="/api/v1/variables/:id"}`) {
		t.Errorf("a second server's /metrics shows the first server's counts")
	}
	if hasPrefix(other, "katalog_index_size_bytes") {
		t.Errorf("/metrics of a server without IndexSize has katalog_index_size_bytes")
	}
}

// A gauge that cannot be computed is left out; the rest are served.
func TestMetricsGaugeFails(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *web.Config) {
		c.IndexSize = func() (int64, error) { return 0, errors.New("index folder gone") }
	})
	lines := ts.scrape(t)
	if hasPrefix(lines, "katalog_index_size_bytes") {
		t.Errorf("/metrics has katalog_index_size_bytes though it could not be computed")
	}
	if !lines["katalog_index_documents 14"] || !hasPrefix(lines, "go_goroutines ") {
		t.Errorf("/metrics lacks the gauges that could be computed")
	}
}
