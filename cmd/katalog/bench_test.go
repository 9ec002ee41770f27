package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/harvest"
)

// fixtureApp opens Katalog on a fresh data folder with the default
// configuration (every bundled feed).
func fixtureApp(tb testing.TB) *app {
	tb.Helper()
	cfg, err := loadConfig("")
	if err != nil {
		tb.Fatal(err)
	}
	cfg.BaseDir, err = filepath.Abs("../..")
	if err != nil {
		tb.Fatal(err)
	}
	// The embedded configuration reads the working directory's feeds: here
	// the repository root's.
	cfg.FileRoots = []string{cfg.BaseDir}
	a, err := openApp(context.Background(), cfg, tb.TempDir(), newLogger(io.Discard))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(a.close)
	return a
}

// BenchmarkHarvestFixtures harvests and indexes every bundled feed into an
// empty data folder: the time a first `make run` spends before it serves.
func BenchmarkHarvestFixtures(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		a := fixtureApp(b)
		b.StartTimer()
		for _, r := range harvest.RunAll(context.Background(), a.harvester, a.sourceNames(), 2) {
			if r.Status != catalog.RunOK {
				b.Fatalf("%s: %s %s", r.Source, r.Status, r.Error)
			}
		}
	}
}
