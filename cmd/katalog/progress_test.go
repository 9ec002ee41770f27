package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/harvest"
)

func TestProgressBoard(t *testing.T) {
	done := &catalog.HarvestRun{Source: "a", Status: catalog.RunOK, Started: time.Unix(0, 0), Finished: time.Unix(2, 0),
		Stats: catalog.RunStats{Datasets: 3, Variables: 40, Added: 3, VariablesAdded: 40}}
	failed := &catalog.HarvestRun{Source: "b", Status: catalog.RunFailed, Error: "GET x: 500"}

	// Not a terminal: a plain line per source as it finishes.
	var plain bytes.Buffer
	b := newProgressBoard(&plain, []string{"a", "b"})
	b.update(harvest.Progress{Source: "a", Phase: harvest.PhaseFetch, Bytes: 2048, Pages: 1})
	b.update(harvest.Progress{Source: "a", Phase: harvest.PhaseDone, Run: done})
	b.finish([]*catalog.HarvestRun{done, failed})
	if want := "a: ok, 3 datasets (added 3, updated 0, unchanged 0, removed 0), 40 variables (added 40, updated 0, removed 0); 0 errors, 0 warnings in 2s\nb: failed in 0s: GET x: 500\n"; plain.String() != want {
		t.Errorf("plain progress =\n%q\nwant\n%q", plain.String(), want)
	}

	// A terminal: a line per source, redrawn in place.
	var tty bytes.Buffer
	b = newProgressBoard(&tty, []string{"a", "b"})
	b.tty = true
	b.update(harvest.Progress{Source: "a", Phase: harvest.PhaseFetch, Bytes: 3 << 20, Pages: 2})
	b.update(harvest.Progress{Source: "b", Phase: harvest.PhaseDone, Run: failed})
	out := tty.String()
	for _, want := range []string{"a                      fetch  [###.........]  2 pages", "3.0 MB", "b: failed", "\x1b[2A", "\x1b[2K"} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal progress %q lacks %q", out, want)
		}
	}
}
