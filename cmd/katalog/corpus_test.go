package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/search"
)

// TestHarvestCorpus is the harvest benchmark of docs/benchmarks.md: it
// serves a generated corpus (KATALOG_CORPUS, from scale_feeds.py) over HTTP
// from another process on 127.0.0.1, harvests it with `katalog harvest` into
// an empty data folder, then harvests it again unchanged, and reports wall
// time, peak RSS and each phase's rate. Run it with `make bench-harvest`.
func TestHarvestCorpus(t *testing.T) {
	corpus := os.Getenv("KATALOG_CORPUS")
	if corpus == "" {
		t.Skip("set KATALOG_CORPUS to a folder of feeds made by scale_feeds.py")
	}
	files, err := filepath.Glob(filepath.Join(corpus, "*.ttl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no *.ttl feeds in %s", corpus)
	}
	sort.Strings(files)
	addr := freeAddr(t)
	server := exec.Command(os.Args[0])
	server.Env = append(os.Environ(), "KATALOG_TEST_FILESERVER="+corpus+"@"+addr)
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer server.Process.Kill()
	waitHTTP(t, "http://"+addr+"/"+filepath.Base(files[0]))

	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString("workers: 2\nsources:\n")
	for _, f := range files {
		name := strings.ToLower(strings.NewReplacer("_", "-", ".ttl", "").Replace(filepath.Base(f)))
		fmt.Fprintf(&cfg, "  - name: %s\n    url: http://%s/%s\n", name, addr, filepath.Base(f))
	}
	cfgPath := filepath.Join(dir, "katalog.yaml")
	os.WriteFile(cfgPath, []byte(cfg.String()), 0o644)
	data := filepath.Join(dir, "data")

	first := harvestProcess(t, cfgPath, data)
	runs, vars := lastRuns(t, data)
	var read, validation, mapping, store, index int64
	for _, r := range runs {
		read += r.Timings.FetchParse
		validation += r.Timings.Validate
		mapping += r.Timings.Map
		store += r.Timings.Store
		index += r.Timings.Index
	}
	second := harvestProcess(t, cfgPath, data)
	again, _ := lastRuns(t, data)
	indexed := 0
	for _, r := range again {
		if r.Status != catalog.RunUnchanged || r.Timings.Index != 0 {
			indexed++
		}
	}
	rate := func(ms int64) float64 { return float64(vars) / (float64(ms) / 1000) }
	t.Logf("corpus: %d feeds, %d variables, served over HTTP from %s", len(files), vars, addr)
	t.Logf("first harvest: %s wall, peak RSS %d MiB", first.wall.Round(time.Millisecond), first.rssKiB>>10)
	t.Logf("  summed over runs (two at a time): read %.1f s (%.0f var/s), validate %.1f s (%.0f var/s), map %.1f s (%.0f var/s), store %.1f s (%.0f var/s), index %.1f s (%.0f var/s)",
		float64(read)/1000, rate(read), float64(validation)/1000, rate(validation), float64(mapping)/1000, rate(mapping),
		float64(store)/1000, rate(store), float64(index)/1000, rate(index))
	t.Logf("  validation is %.1f %% of the summed phases", 100*float64(validation)/float64(read+validation+mapping+store+index))
	t.Logf("unchanged re-harvest: %s wall, peak RSS %d MiB, %d of %d runs wrote to the index", second.wall.Round(time.Millisecond), second.rssKiB>>10, indexed, len(again))
	if indexed != 0 {
		t.Errorf("%d runs of the unchanged re-harvest were not unchanged or wrote to the index", indexed)
	}
	idx, err := search.Open(filepath.Join(data, "index.bleve"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if n, _ := idx.Count(); n < uint64(vars) {
		t.Errorf("the index holds %d documents; want at least the %d variables", n, vars)
	}
}

type procStats struct {
	wall   time.Duration
	rssKiB int64
}

// harvestProcess runs `katalog harvest` as a process and measures it.
func harvestProcess(t *testing.T, cfg, data string) procStats {
	t.Helper()
	cmd := exec.Command(os.Args[0], "harvest", "--config", cfg, "--data", data)
	cmd.Env = append(os.Environ(), "KATALOG_TEST_MAIN=1")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("katalog harvest: %v\n%s", err, out.String())
	}
	wall := time.Since(start)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = ru.Maxrss
	}
	return procStats{wall: wall, rssKiB: rss}
}

// lastRuns returns each source's last run and how many variables they read.
func lastRuns(t *testing.T, data string) ([]catalog.HarvestRun, int) {
	t.Helper()
	store, err := bolt.Open(filepath.Join(data, "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srcs, err := store.FindSources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []catalog.HarvestRun
	vars := 0
	for _, s := range srcs {
		runs, err := store.FindRuns(context.Background(), s.Name, 1)
		if err != nil || len(runs) == 0 {
			t.Fatalf("source %s has no run: %v", s.Name, err)
		}
		if runs[0].Status == catalog.RunFailed {
			t.Errorf("source %s failed: %s", s.Name, runs[0].Error)
		}
		out = append(out, runs[0])
		vars += runs[0].Stats.Variables
	}
	return out, vars
}

func waitHTTP(t *testing.T, url string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if resp, err := http.Head(url); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the corpus server did not answer at %s", url)
}
