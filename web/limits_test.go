package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/katalog/katalog/harvest"
	"github.com/katalog/katalog/web"
)

// clock is a time that a test moves on by hand.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(testNow.UnixNano())
	return c
}

func (c *clock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Add(d time.Duration) { c.ns.Add(int64(d)) }

// from sends a request from the client at remote (host:port); hdr holds
// header name and value pairs.
func (ts *testServer) from(t *testing.T, method, target, remote string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.RemoteAddr = remote
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	ts.srv.ServeHTTP(rec, req)
	return rec
}

// wantLimited checks that rec is a 429 with Retry-After retry and, for the
// API, its error object.
func wantLimited(t *testing.T, what string, rec *httptest.ResponseRecorder, retry string, api bool) {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests {
		t.Errorf("%s = %d; want 429", what, rec.Code)
		return
	}
	if got := rec.Header().Get("Retry-After"); got != retry {
		t.Errorf("%s: Retry-After = %q; want %q", what, got, retry)
	}
	if !api {
		return
	}
	var e apiError
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != "rate_limited" || !strings.Contains(e.Error.Message, retry+" s") {
		t.Errorf("%s: body %s; want error code rate_limited and a message with the wait", what, rec.Body)
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	clk := newClock()
	ts := newTestServer(t, func(c *web.Config) {
		c.Now = clk.Now
		c.SearchLimit = web.RateLimit{PerSecond: 0.5, Burst: 3}
		c.ExportLimit = web.RateLimit{PerSecond: 0.25, Burst: 2}
	})
	// a2 is client a on another connection.
	const a, a2, b = "192.0.2.1:40000", "192.0.2.1:40001", "198.51.100.7:40000"

	// The search routes share one bucket per client: a burst of 3.
	for i, target := range []string{"/api/v1/search?q=vekt", "/api/v1/suggest?q=hod", "/search?q=vekt"} {
		if rec := ts.from(t, "GET", target, a); rec.Code != http.StatusOK {
			t.Fatalf("request %d of the burst: GET %s = %d; want 200", i+1, target, rec.Code)
		}
	}
	// At 0.5 a second the next token comes in 2 s.
	wantLimited(t, "GET /api/v1/search after the burst", ts.from(t, "GET", "/api/v1/search?q=vekt", a), "2", true)
	wantLimited(t, "GET /api/v1/suggest after the burst", ts.from(t, "GET", "/api/v1/suggest?q=vekt", a2), "2", true)
	page := ts.from(t, "GET", "/search?q=vekt", a)
	wantLimited(t, "GET /search after the burst", page, "2", false)
	if ct := page.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET /search after the burst: Content-Type %q; want the HTML error page", ct)
	}
	// Other clients, and other routes, are not held back.
	if rec := ts.from(t, "GET", "/api/v1/search?q=vekt", b); rec.Code != http.StatusOK {
		t.Errorf("GET /api/v1/search from another address = %d; want 200", rec.Code)
	}
	if rec := ts.from(t, "GET", "/api/v1/variables/MFR:SVLEN", a); rec.Code != http.StatusOK {
		t.Errorf("GET /api/v1/variables/MFR:SVLEN from a limited address = %d; want 200", rec.Code)
	}

	// The catalogue has a bucket of its own, for every form, GET and HEAD
	// alike: a burst of 2, then a token every 4 s.
	for _, r := range []struct{ method, target string }{{"GET", "/catalog"}, {"HEAD", "/catalog.ttl"}} {
		if rec := ts.from(t, r.method, r.target, a); rec.Code != http.StatusOK {
			t.Errorf("%s %s from an address over its search limit = %d; want 200", r.method, r.target, rec.Code)
		}
	}
	for _, target := range []string{"/catalog.jsonld", "/catalog?page=2", "/catalog.nt", "/catalog.rdf"} {
		wantLimited(t, "GET "+target+" after the burst", ts.from(t, "GET", target, a), "4", false)
	}
	wantLimited(t, "HEAD /catalog after the burst", ts.from(t, "HEAD", "/catalog", a), "4", false)
	clk.Add(1500 * time.Millisecond)
	wantLimited(t, "GET /catalog 1.5 s later", ts.from(t, "GET", "/catalog", a), "3", false)

	// Refused requests take no token: 2 s after the limit there is one.
	clk.Add(500 * time.Millisecond)
	if rec := ts.from(t, "GET", "/api/v1/search?q=vekt", a); rec.Code != http.StatusOK {
		t.Errorf("GET /api/v1/search 2 s after the limit = %d; want 200", rec.Code)
	}
	wantLimited(t, "GET /api/v1/search right after", ts.from(t, "GET", "/api/v1/search?q=vekt", a), "2", true)

	lines := ts.scrape(t)
	for _, want := range []string{
		`katalog_http_rate_limited_total{limit="search"} 4`,
		`katalog_http_rate_limited_total{limit="export"} 6`,
		`katalog_http_request_duration_seconds_count{code="4xx",method="GET",route="/api/v1/search"} 2`,
	} {
		if !lines[want] {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestRateLimitsOff(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t) // the zero RateLimit: none
	for i := range 300 {
		if rec := ts.from(t, "GET", "/api/v1/suggest?q=h", "192.0.2.1:1"); rec.Code != http.StatusOK {
			t.Fatalf("request %d without limits = %d; want 200", i+1, rec.Code)
		}
	}
}

// Behind a trusted proxy each client gets its own bucket; the
// X-Forwarded-For of anyone else counts for nothing.
func TestRateLimitsTrustedProxy(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *web.Config) {
		c.SearchLimit = web.RateLimit{PerSecond: 0.01, Burst: 1}
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	})
	const target = "/api/v1/suggest?q=h"
	xff := "X-Forwarded-For"
	steps := []struct {
		name, remote, xff string
		status            int
	}{
		{"client 1 through the proxy", "10.1.2.3:5000", "203.0.113.1", 200},
		{"client 1 again, through another proxy", "10.9.9.9:5000", "203.0.113.1", 429},
		{"client 2 through the proxy", "10.1.2.3:5000", "203.0.113.2", 200},
		{"client 3 with a forged first hop", "10.1.2.3:5000", "203.0.113.1, 203.0.113.3", 200},
		{"client 3 through two proxies", "10.1.2.3:5000", "203.0.113.3, 10.4.4.4", 429},
		{"client 4 through an IPv6 proxy", "[fd00::1]:5000", "2001:db8:1:2::4", 200},
		{"client 4's /64 neighbour", "[fd00::1]:5000", "2001:db8:1:2::5", 429},
		{"another /64", "[fd00::1]:5000", "2001:db8:1:3::4", 200},
		{"an untrusted address naming client 5", "198.51.100.9:5000", "203.0.113.5", 200},
		{"the same address naming client 6", "198.51.100.9:5000", "203.0.113.6", 429},
		{"client 5 itself", "203.0.113.5:5000", "", 200},
		{"the proxy's own request", "10.1.2.3:5000", "", 200},
		{"the proxy's own request again", "10.1.2.3:5000", "", 429},
		{"nonsense through the proxy: the proxy is the client", "10.1.2.3:5000", "not-an-address", 429},
		{"a hop with a port", "10.1.2.3:5000", "203.0.113.7:4711", 200},
		{"the same client without the port", "10.1.2.3:5000", "203.0.113.7", 429},
	}
	for _, s := range steps {
		var hdr []string
		if s.xff != "" {
			hdr = []string{xff, s.xff}
		}
		if rec := ts.from(t, "GET", target, s.remote, hdr...); rec.Code != s.status {
			t.Errorf("%s: GET %s from %s, X-Forwarded-For %q = %d; want %d", s.name, target, s.remote, s.xff, rec.Code, s.status)
		}
	}
}

func TestBodyLimits(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *web.Config) {
		c.Validator = &harvest.Harvester{Version: "test"}
		c.MaxBody, c.MaxFeedBody = 1<<10, 8<<10
		c.Harvests, c.AdminToken = &harvests{}, "s3cret-token"
	})
	big := strings.Repeat("# a Turtle comment to fill the body up\n", 300) // 11.7 KB
	medium := strings.Repeat("# a Turtle comment\n", 200) + flawed         // about 5 KB
	cases := []struct {
		name, method, target, body string
		chunked                    bool // no Content-Length: the limit hits while the handler reads
		status                     int
		code, message              string
	}{
		{"feed over the validation limit", "POST", "/api/v1/validate", big, false, 413, "too_large", "limit of 8KB"},
		{"feed over the limit, streamed", "POST", "/api/v1/validate", big, true, 413, "too_large", "limit of 8KB"},
		{"feed under the validation limit", "POST", "/api/v1/validate?profile=national", medium, true, 200, "", ""},
		{"body on an admin route", "POST", "/api/v1/sources/fhi-mfr/harvest", medium, false, 413, "too_large", "limit of 1KB"},
		{"body on a search", "GET", "/api/v1/search", medium, false, 413, "too_large", "limit of 1KB"},
		{"small body on a search", "GET", "/api/v1/search", "{}", false, 200, "", ""},
	}
	for _, c := range cases {
		req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "text/turtle")
		req.Header.Set("Authorization", "Bearer s3cret-token")
		if c.chunked {
			req.ContentLength = -1
			req.Body = io.NopCloser(strings.NewReader(c.body))
		}
		rec := httptest.NewRecorder()
		ts.srv.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Errorf("%s: %s %s with %d bytes = %d %.200s; want %d", c.name, c.method, c.target, len(c.body), rec.Code, rec.Body, c.status)
			continue
		}
		if c.code == "" {
			continue
		}
		var e apiError
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != c.code || !strings.Contains(e.Error.Message, c.message) {
			t.Errorf("%s: body %s; want error code %s saying %q", c.name, rec.Body, c.code, c.message)
		}
	}
}
