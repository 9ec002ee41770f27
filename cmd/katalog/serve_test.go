package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
)

// TestMain lets the test binary stand in for katalog itself, so that tests
// can run `katalog serve` as a process and send it real signals.
// With KATALOG_TEST_FILESERVER=DIR@ADDR it serves DIR over HTTP instead
// (for the corpus benchmark, so that feeds come from another process).
func TestMain(m *testing.M) {
	if os.Getenv("KATALOG_TEST_MAIN") == "1" {
		main()
		return
	}
	if spec := os.Getenv("KATALOG_TEST_FILESERVER"); spec != "" {
		dir, addr, _ := strings.Cut(spec, "@")
		fmt.Fprintln(os.Stderr, http.ListenAndServe(addr, http.FileServer(http.Dir(dir))))
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// TestServeSchedulesBacksOffAndStops runs `katalog serve` with a 2 s schedule
// against a local feed: it harvests again and again, backs off once the feed
// fails, and stops within 5 s of SIGTERM with exit status 0 and no run left
// running.
func TestServeSchedulesBacksOffAndStops(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for about 15-30 s")
	}
	feed, err := os.ReadFile("../../harvest/testdata/formats/catalog.ttl")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex // guards the fields below
		failing bool
		hits    []time.Time
		fails   []time.Time
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if failing {
			fails = append(fails, time.Now())
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		}
		hits = append(hits, time.Now())
		w.Header().Set("Content-Type", "text/turtle")
		w.Write(feed)
	}))
	defer srv.Close()

	dir := t.TempDir()
	cfg := filepath.Join(dir, "katalog.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("sources:\n  - name: reg\n    url: %s/feed.ttl\n    schedule: 2s\n", srv.URL)), 0o644)
	addr := freeAddr(t)
	data := filepath.Join(dir, "data")
	cmd := exec.Command(os.Args[0], "serve", "--config", cfg, "--addr", addr, "--data", data)
	cmd.Env = append(os.Environ(), "KATALOG_TEST_MAIN=1")
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()
	waitReady(t, addr, exited)

	// A 2 s schedule fetches the feed again and again: three fetches take
	// about 4 s after the first harvest, or more on a loaded machine (the
	// next run is planned when the last one has finished).
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		n := len(hits)
		mu.Unlock()
		if n >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	fetched := append([]time.Time(nil), hits...)
	failing = true
	switched := time.Now()
	mu.Unlock()
	if len(fetched) < 3 {
		t.Errorf("in 15 s the feed was fetched %d times; want at least 3 with a 2 s schedule", len(fetched))
	}
	for i := 1; i < len(fetched); i++ {
		if gap := fetched[i].Sub(fetched[i-1]); gap < 1500*time.Millisecond {
			t.Errorf("fetch %d came %v after the one before; want about 2 s (the schedule)", i+1, gap)
		}
	}
	time.Sleep(9 * time.Second)
	mu.Lock()
	failed := append([]time.Time(nil), fails...)
	mu.Unlock()
	// Without back-off a 2 s schedule fetches 4-5 times in 9 s; with it the
	// waits are 4 s, then 8 s.
	if len(failed) < 1 || len(failed) > 3 {
		t.Errorf("in 9 s of failures the feed was fetched %d times (since %v: %v); want 1 to 3 with back-off", len(failed), switched, failed)
	}
	if len(failed) >= 2 && failed[1].Sub(failed[0]) < 3500*time.Millisecond {
		t.Errorf("the first retry after a failure came %v later; want about 4 s", failed[1].Sub(failed[0]))
	}

	stop := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("katalog serve exited with %v after SIGTERM; want status 0\n%s", err, logs.String())
		}
		if took := time.Since(stop); took > 5*time.Second {
			t.Errorf("katalog serve took %v to stop; want under 5 s", took)
		}
	case <-time.After(6 * time.Second):
		t.Fatalf("katalog serve did not stop within 6 s of SIGTERM\n%s", logs.String())
	}

	store, err := bolt.Open(filepath.Join(data, "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	runs, err := store.FindRuns(context.Background(), "reg", 0)
	if err != nil {
		t.Fatal(err)
	}
	oks, fs := 0, 0
	for _, r := range runs {
		switch r.Status {
		case catalog.RunRunning:
			t.Errorf("run %s is still running after katalog stopped", r.ID)
		case catalog.RunOK, catalog.RunUnchanged:
			oks++
		case catalog.RunFailed:
			fs++
		}
	}
	src, _ := store.FindSource(context.Background(), "reg")
	if oks < 3 || fs < 1 || src.State.Failures < 1 {
		t.Errorf("runs: %d good, %d failed, source failures %d; want >= 3, >= 1, >= 1", oks, fs, src.State.Failures)
	}
	if d, err := store.FindDatasetByID(context.Background(), "TEST:FODSEL"); err != nil || d.Withdrawn != nil {
		t.Errorf("after failed runs the dataset is %+v, %v; want it stored and live", d, err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitReady waits until katalog serve at addr answers /readyz with 200.
func waitReady(t *testing.T, addr string, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("katalog serve exited early: %v", err)
		default:
		}
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("katalog serve did not answer on %s within 30 s", addr)
}

// TestServeMetrics runs `katalog serve` in process on two fixture feeds:
// /metrics counts the first harvest's runs and one started through the
// admin API, times requests by route, and says how large the index is; the
// logs never show the admin token.
func TestServeMetrics(t *testing.T) {
	const token = "metrics-test-token-0815"
	t.Setenv("KATALOG_TEST_ADMIN_TOKEN", token)
	cfg := writeConfig(t, "sources:\n  - name: msis\n    url: file:feeds/fhi-msis.ttl\n  - name: sysvak\n    url: file:feeds/fhi-sysvak.ttl\nadmin_token_env: KATALOG_TEST_ADMIN_TOKEN\n")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs lockedBuffer
	exited := make(chan error, 1)
	go func() {
		if code := run(ctx, []string{"serve", "--config", cfg, "--addr", addr, "--data", t.TempDir()}, nil, io.Discard, &logs); code != exitOK {
			exited <- fmt.Errorf("exit status %d", code)
		}
		close(exited)
	}()
	waitReady(t, addr, exited)
	base := "http://" + addr

	for _, target := range []string{"/api/v1/search?q=vaksine", "/api/v1/search?q=meslinger", "/api/v1/variables/NO:SUCH", "/catalog?page=1&size=2", "/nowhere"} {
		resp, err := http.Get(base + target)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/sources/msis/harvest", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /api/v1/sources/msis/harvest = %d; want 202", resp.StatusCode)
	}

	want := []string{
		`katalog_harvest_runs_total{source="msis",status="ok"} 1`,
		`katalog_harvest_runs_total{source="sysvak",status="ok"} 1`,
		`katalog_harvest_runs_total{source="msis",status="unchanged"} 1`, // the run started above
		`katalog_harvest_duration_seconds_count{source="msis",status="ok"} 1`,
		`katalog_http_request_duration_seconds_count{code="2xx",method="GET",route="/api/v1/search"} 2`,
		`katalog_http_request_duration_seconds_count{code="4xx",method="GET",route="/api/v1/variables/:id"} 1`,
		`katalog_http_request_duration_seconds_count{code="2xx",method="GET",route="/catalog"} 1`,
		`katalog_http_request_duration_seconds_count{code="4xx",method="GET",route="unmatched"} 1`,
		`katalog_http_request_duration_seconds_count{code="2xx",method="POST",route="/api/v1/sources/:name/harvest"} 1`,
		`katalog_index_documents 50`, // 9 datasets and 41 variables
		`katalog_records{kind="dataset"} 9`,
		`katalog_records{kind="variable"} 41`,
	}
	var body string
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
		var missing []string
		for _, w := range want {
			if !strings.Contains(body, "\n"+w+"\n") {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %q\n%s", missing, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if m := regexp.MustCompile(`\nkatalog_index_size_bytes (\S+)\n`).FindStringSubmatch(body); m == nil {
		t.Errorf("/metrics lacks katalog_index_size_bytes")
	} else if n, err := strconv.ParseFloat(m[1], 64); err != nil || n < 10_000 {
		t.Errorf("/metrics: katalog_index_size_bytes %s; want the size of an index on disk", m[1])
	}
	for _, p := range []string{"\ngo_goroutines ", "\nprocess_resident_memory_bytes "} {
		if !strings.Contains(body, p) {
			t.Errorf("/metrics lacks %s", strings.TrimSpace(p))
		}
	}

	cancel()
	if err := <-exited; err != nil {
		t.Errorf("katalog serve: %v\n%s", err, logs.String())
	}
	if out := logs.String(); strings.Contains(out, token) {
		t.Errorf("the logs of katalog serve show the admin token:\n%s", out)
	} else if !strings.Contains(out, `"msg":"harvested"`) {
		t.Errorf("the logs of katalog serve lack the harvests, so they prove nothing:\n%s", out)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeNoHarvest: `serve --no-harvest` answers from the data folder as
// it is: no first harvest of new sources, no scheduled runs, and the admin
// API says it does not harvest.
func TestServeNoHarvest(t *testing.T) {
	const token = "replica-test-token"
	t.Setenv("KATALOG_TEST_ADMIN_TOKEN", token)
	data := t.TempDir()
	one := writeConfig(t, "sources:\n  - name: msis\n    url: file:feeds/fhi-msis.ttl\n")
	if code := run(context.Background(), []string{"harvest", "--config", one, "--data", data}, nil, io.Discard, io.Discard); code != exitOK {
		t.Fatalf("harvest = %d", code)
	}
	// A schedule of one second, and a source never harvested.
	cfg := writeConfig(t, "sources:\n  - name: msis\n    url: file:feeds/fhi-msis.ttl\n    schedule: 1s\n  - name: sysvak\n    url: file:feeds/fhi-sysvak.ttl\nadmin_token_env: KATALOG_TEST_ADMIN_TOKEN\n")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan error, 1)
	var logs lockedBuffer
	go func() {
		if code := run(ctx, []string{"serve", "--no-harvest", "--config", cfg, "--addr", addr, "--data", data}, nil, io.Discard, &logs); code != exitOK {
			exited <- fmt.Errorf("exit status %d\n%s", code, logs.String())
		}
		close(exited)
	}()
	waitReady(t, addr, exited)
	base := "http://" + addr
	resp, err := http.Get(base + "/api/v1/search?q=")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"total":`) || strings.Contains(string(body), `"total":0`) {
		t.Errorf("search on the replica = %d %s; want hits", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/sources/msis/harvest", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("POST …/harvest on a replica = %d; want 409", resp.StatusCode)
	}
	time.Sleep(2500 * time.Millisecond) // past the 1 s schedule, twice
	cancel()
	if err := <-exited; err != nil {
		t.Fatal(err)
	}
	store, err := bolt.Open(filepath.Join(data, "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for name, want := range map[string]int{"msis": 1, "sysvak": 0} {
		runs, err := store.FindRuns(context.Background(), name, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != want {
			t.Errorf("source %s has %d runs after serving with --no-harvest; want %d", name, len(runs), want)
		}
	}
}

// TestServeListensWhileStarting: serve listens before its first harvest
// ends; meanwhile /healthz is 200, /readyz and the API 503 with
// Retry-After, and afterwards all answer.
func TestServeListensWhileStarting(t *testing.T) {
	feed, err := os.ReadFile("../../harvest/testdata/formats/catalog.ttl")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // the first harvest waits for the test
		w.Header().Set("Content-Type", "text/turtle")
		w.Write(feed)
	}))
	defer srv.Close()
	cfg := writeConfig(t, "sources:\n  - name: reg\n    url: "+srv.URL+"/feed.ttl\n")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan error, 1)
	go func() {
		if code := run(ctx, []string{"serve", "--config", cfg, "--addr", addr, "--data", t.TempDir()}, nil, io.Discard, io.Discard); code != exitOK {
			exited <- fmt.Errorf("exit status %d", code)
		}
		close(exited)
	}()
	defer func() {
		cancel()
		<-exited
	}()
	get := func(path string) (int, string, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0, "", err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After"), string(b)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if code, _, _ := get("/healthz"); code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("/healthz did not answer during the first harvest")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, c := range []struct{ path, want string }{
		{"/readyz", `"starting"`},
		{"/api/v1/search?q=hode", `"unavailable"`},
	} {
		if code, retry, body := get(c.path); code != http.StatusServiceUnavailable || retry == "" || !strings.Contains(body, c.want) {
			t.Errorf("GET %s while starting = %d (Retry-After %q) %s; want 503 with Retry-After and %s", c.path, code, retry, body, c.want)
		}
	}
	close(release)
	waitReady(t, addr, exited)
	if code, _, body := get("/api/v1/search?q=hodeomkrets"); code != http.StatusOK || strings.Contains(body, `"total":0`) {
		t.Errorf("search once ready = %d %s; want hits", code, body)
	}
}

// TestServeCatalogCache: with a base address, serve writes the default
// pages of the catalogue into DATA/cache/catalog as it starts, so that the
// first harvester is sent them from there; a harvest that changes the store
// has them written again; serve without the cache removes its folder.
func TestServeCatalogCache(t *testing.T) {
	const token = "cache-test-token"
	t.Setenv("KATALOG_TEST_ADMIN_TOKEN", token)
	dir, data := t.TempDir(), t.TempDir()
	feed, err := os.ReadFile("../../fixtures/feeds/fhi-msis.ttl")
	if err != nil {
		t.Fatal(err)
	}
	feedPath := filepath.Join(dir, "msis.ttl")
	if err := os.WriteFile(feedPath, feed, 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	base := "http://" + addr
	config := func(extra string) string {
		path := filepath.Join(dir, "katalog.yaml")
		body := "sources:\n  - name: msis\n    url: file:msis.ttl\n    schedule: 24h\nadmin_token_env: KATALOG_TEST_ADMIN_TOKEN\nbase_url: " + base + "\n" + extra
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	serve := func(cfg string) (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		var logs lockedBuffer
		exited := make(chan error, 1)
		go func() {
			if code := run(ctx, []string{"serve", "--config", cfg, "--addr", addr, "--data", data}, nil, io.Discard, &logs); code != exitOK {
				exited <- fmt.Errorf("exit status %d\n%s", code, logs.String())
			}
			close(exited)
		}()
		waitReady(t, addr, exited)
		return func() {
			cancel()
			if err := <-exited; err != nil {
				t.Fatal(err)
			}
		}
	}
	metric := func(name string) string {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if m := regexp.MustCompile(`\n` + regexp.QuoteMeta(name) + ` (\S+)\n`).FindSubmatch(b); m != nil {
			return string(m[1])
		}
		return "0"
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 20 s", what)
			}
		}
	}
	get := func(target string) (etag, body string) {
		t.Helper()
		resp, err := http.Get(base + target) // Go's client asks for gzip
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !resp.Uncompressed {
			t.Fatalf("GET %s = %d, gzipped %v; want 200, gzipped", target, resp.StatusCode, resp.Uncompressed)
		}
		return resp.Header.Get("ETag"), string(b)
	}
	cached := func(etag string) bool {
		_, err := os.Stat(filepath.Join(data, "cache", "catalog", strings.Trim(strings.TrimPrefix(etag, "W/"), `"`)+".gz"))
		return err == nil
	}

	stop := serve(config(""))
	const page = "/catalog?page=1&size=100"
	waitFor("the default pages warmed", func() bool { return metric("katalog_catalog_cache_documents") == "2" })
	etag, body := get(page)
	if !cached(etag) || !strings.Contains(body, "<"+base+"/catalog>") {
		t.Errorf("GET %s: ETag %s, cached %v; want the warmed page", page, etag, cached(etag))
	}
	if hits, misses := metric(`katalog_catalog_cache_requests_total{result="hit"}`), metric(`katalog_catalog_cache_requests_total{result="miss"}`); hits != "1" || misses != "0" {
		t.Errorf("after warming, GET %s: %s hits, %s misses; want 1, 0", page, hits, misses)
	}

	const title = `"Meldingssystem for smittsomme sykdommer (MSIS): uttrekk koblet til MoBa"@nb`
	if !bytes.Contains(feed, []byte(title)) {
		t.Fatalf("fhi-msis.ttl lacks the catalogue title %s", title)
	}
	if err := os.WriteFile(feedPath, bytes.Replace(feed, []byte(title), []byte(`"MSIS, ny tittel"@nb`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/sources/msis/harvest", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waitFor("the changed page warmed", func() bool {
		head, err := http.Head(base + page)
		if err != nil {
			t.Fatal(err)
		}
		head.Body.Close()
		e := head.Header.Get("ETag")
		return e != etag && cached(e)
	})
	etag2, body := get(page)
	if etag2 == etag || !strings.Contains(body, "MSIS, ny tittel") {
		t.Errorf("GET %s after the harvest: ETag %s (before %s); want a new page with the new title", page, etag2, etag)
	}
	if misses := metric(`katalog_catalog_cache_requests_total{result="miss"}`); misses != "0" {
		t.Errorf("after the harvest and warming: %s misses; want 0", misses)
	}
	if des, _ := os.ReadDir(filepath.Join(data, "cache", "catalog")); len(des) != 2 {
		t.Errorf("files in the cache after the harvest: %d; want 2 (the old versions dropped)", len(des))
	}
	stop()

	stop = serve(config("catalog_cache:\n  max_size: 0\n"))
	if _, err := os.Stat(filepath.Join(data, "cache", "catalog")); !os.IsNotExist(err) {
		t.Errorf("serve without a cache left its folder: %v", err)
	}
	if _, body := get(page); !strings.Contains(body, "MSIS, ny tittel") {
		t.Errorf("GET %s without a cache: not the page", page)
	}
	stop()
}
