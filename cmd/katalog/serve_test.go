package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
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
		t.Skip("runs for about 15 s")
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
	waitHealthy(t, addr, exited)

	time.Sleep(5 * time.Second)
	mu.Lock()
	okRuns := len(hits)
	failing = true
	switched := time.Now()
	mu.Unlock()
	if okRuns < 3 {
		t.Errorf("in the first ~5 s the feed was fetched %d times; want at least 3 with a 2 s schedule", okRuns)
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

func waitHealthy(t *testing.T, addr string, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("katalog serve exited early: %v", err)
		default:
		}
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("katalog serve did not answer on %s within 30 s", addr)
}
