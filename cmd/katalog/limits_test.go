package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/search"
	"github.com/katalog/katalog/web"
)

// TestDefaultRateLimits sends requests from one address at steady rates,
// on a clock the test moves, through a server with the default
// configuration's limits: a harvester paging through /catalog one request
// at a time, or a person searching, is never held back; a client many
// times faster is, once its burst is spent. Each request is one the
// handler refuses at once (400), so that only the limiter costs time; a
// 429 would come before it. (An empty suggestion is 200 and costs nothing
// either.)
func TestDefaultRateLimits(t *testing.T) {
	cfg, err := parseConfig(bytes.NewReader(defaultConfig), "default", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	store, err := bolt.Open(filepath.Join(t.TempDir(), "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	idx, err := search.NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	srv, err := web.New(web.Config{Store: store, Index: idx, Version: "test", Now: func() time.Time { return now },
		SearchLimit: cfg.SearchLimit, ExportLimit: cfg.ExportLimit, TrustedProxies: cfg.TrustedProxies,
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, target string
		every        time.Duration // between requests
		n            int
		firstLimited int // the first request answered 429 (1-based); 0 for none
	}{
		// 100 pages a second: each page of one dataset in about 10 ms.
		{"sequential harvester", "/catalog?page=1&profile=none", 10 * time.Millisecond, 5000, 0},
		{"harvester 3× as fast", "/catalog.ttl?page=1&profile=none", 10 * time.Millisecond / 3, 5000, 1500},
		// A suggestion for each key typed, 10 keys a second, for minutes.
		{"person typing", "/api/v1/suggest?q=", 100 * time.Millisecond, 3000, 0},
		{"search at 20 a second", "/api/v1/search?size=1000", 50 * time.Millisecond, 3000, 0},
		{"search at 100 a second", "/api/v1/search?size=1000", 10 * time.Millisecond, 3000, 250},
	}
	for i, c := range cases {
		remote := fmt.Sprintf("192.0.2.%d:4711", i+1)
		first := 0
		for n := 1; n <= c.n && first == 0; n++ {
			now = now.Add(c.every)
			req := httptest.NewRequest(http.MethodGet, c.target, nil)
			req.RemoteAddr = remote
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			switch rec.Code {
			case http.StatusTooManyRequests:
				first = n
			case http.StatusBadRequest, http.StatusOK:
			default:
				t.Fatalf("%s: GET %s = %d %.200s; want 400 (or 200) or 429", c.name, c.target, rec.Code, rec.Body)
			}
		}
		// A limited client gets its burst and then the rate: allow a
		// request either way for rounding.
		if c.firstLimited == 0 && first != 0 || c.firstLimited != 0 && (first < c.firstLimited-1 || first > c.firstLimited+1) {
			t.Errorf("%s: a request every %v to %s: first 429 on request %d; want %d (0: none in %d)", c.name, c.every, c.target, first, c.firstLimited, c.n)
		}
	}
}
