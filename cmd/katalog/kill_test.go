package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
)

// TestKillNine kills `katalog harvest` with SIGKILL at random moments, again
// and again, alternating between two configurations whose feeds replace
// each other's records, so that kills land in fetching, storing and
// indexing. After each kill it opens the data folder as `katalog serve`
// does and checks that the store reads back whole, that no run is left
// running, and that the index is repaired to match the store.
// KATALOG_KILLS sets the number of kills (default 20; `make bench-kill`
// runs 200).
func TestKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 20 processes")
	}
	kills := 20
	if s := os.Getenv("KATALOG_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("KATALOG_KILLS=%q: want a positive number", s)
		}
		kills = n
	}
	feeds, err := filepath.Abs("../../fixtures/feeds")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	var configs [2]string
	for i, set := range [2][3]string{
		{"hunt.ttl", "ihcc-canpath.ttl", "fhi-msis.ttl"},
		{"ihcc-ge.ttl", "ihcc-gs.ttl", "fhi-sysvak.ttl"},
	} {
		yaml := "workers: 2\nmax_remove_share: 1\nfile_roots: [" + feeds + "]\nsources:\n"
		for j, f := range set {
			yaml += fmt.Sprintf("  - name: s%d\n    url: file://%s\n", j, filepath.Join(feeds, f))
		}
		configs[i] = filepath.Join(dir, fmt.Sprintf("katalog-%d.yaml", i))
		if err := os.WriteFile(configs[i], []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// How long an uninterrupted harvest takes, to spread the kills over.
	start := time.Now()
	harvestOnce(t, configs[0], data, nil)
	full := time.Since(start)
	checkAfterKill(t, configs[0], data)

	seed := uint64(time.Now().UnixNano())
	t.Logf("a full harvest took %v; kill times drawn with seed %d", full.Round(time.Millisecond), seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	killed, repairs := 0, 0
	for i := range kills {
		cfg := configs[(i+1)%2]
		after := time.Duration(rng.Int64N(int64(full)))
		if harvestOnce(t, cfg, data, &after) {
			killed++
		}
		repairs += checkAfterKill(t, cfg, data)
		if t.Failed() {
			t.Fatalf("after kill %d (%v into a harvest with %s)", i+1, after.Round(time.Millisecond), filepath.Base(cfg))
		}
	}
	t.Logf("%d of %d harvests killed before they ended; %d source indexes repaired", killed, kills, repairs)
	if killed < kills/4 {
		t.Errorf("only %d of %d harvests were killed before they ended", killed, kills)
	}
	// And the data folder still harvests to the end.
	harvestOnce(t, configs[kills%2], data, nil)
	checkAfterKill(t, configs[kills%2], data)
}

// harvestOnce runs `katalog harvest` as a process, killed with SIGKILL after
// *killAfter when that is not nil. It reports whether it killed it.
func harvestOnce(t *testing.T, cfg, data string, killAfter *time.Duration) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "harvest", "--config", cfg, "--data", data)
	cmd.Env = append(os.Environ(), "KATALOG_TEST_MAIN=1")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if killAfter == nil {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("katalog harvest: %v\n%s", err, out.String())
		}
		return false
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-exited: // it finished first
		return false
	case <-time.After(*killAfter):
		cmd.Process.Kill()
		<-exited
		return true
	}
}

// checkAfterKill opens the data folder as `katalog serve` does (runs left
// running are marked failed, the index is repaired) and checks it. It
// returns how many sources' indexes were repaired.
func checkAfterKill(t *testing.T, cfgPath, data string) int {
	t.Helper()
	ctx := context.Background()
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	a, err := openApp(ctx, cfg, data, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("open the data folder after a kill: %v", err)
	}
	defer a.close()
	repaired, err := a.harvester.RepairIndex(ctx)
	if err != nil {
		t.Fatalf("repair the index after a kill: %v", err)
	}
	srcs, err := a.store.FindSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		runs, err := a.store.FindRuns(ctx, src.Name, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.Status == catalog.RunRunning {
				t.Errorf("source %s: run %s is still running", src.Name, r.ID)
			}
		}
		if src.State.IndexStale {
			if cur, _ := a.store.FindSource(ctx, src.Name); cur != nil && cur.State.IndexStale {
				t.Errorf("source %s: the index is still marked stale after the repair", src.Name)
			}
		}
	}
	datasets, _, err := a.store.FindDatasets(ctx, catalog.DatasetFilter{})
	if err != nil {
		t.Fatalf("read the datasets: %v", err)
	}
	variables := 0
	for _, d := range datasets {
		vars, _, err := a.store.FindVariables(ctx, catalog.VariableFilter{Source: d.Source, Dataset: d.IRI})
		if err != nil {
			t.Fatalf("read the variables of <%s>: %v", d.IRI, err)
		}
		if len(vars) != d.VariableCount {
			t.Errorf("dataset <%s> says %d variables; the store has %d", d.IRI, d.VariableCount, len(vars))
		}
		variables += len(vars)
	}
	docs, err := a.index.Count()
	if err != nil {
		t.Fatal(err)
	}
	if docs != uint64(len(datasets)+variables) {
		t.Errorf("the index holds %d documents; the store has %d live datasets and %d variables", docs, len(datasets), variables)
	}
	res, err := a.index.Search(ctx, &catalog.SearchRequest{Type: catalog.KindVariable})
	if err != nil || res.Total != uint64(variables) {
		t.Errorf("a search for every variable found %d (%v); want %d", res.Total, err, variables)
	}
	return len(repaired)
}
