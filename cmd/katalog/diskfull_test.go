package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
)

// TestDiskFullAndReadOnly harvests into a data folder on a small tmpfs:
// once the disk is full a harvest that changes the source fails, saying
// which file could not be written and why, the last good copy stays, and
// once there is space again the next harvest goes through; on the folder
// remounted read-only katalog says which file it cannot write. It needs to
// mount a file system (root), and skips otherwise.
func TestDiskFullAndReadOnly(t *testing.T) {
	mnt := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=24m"); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, syscall.MNT_DETACH) })
	feeds, err := filepath.Abs("../../fixtures/feeds")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	feed := filepath.Join(dir, "feed.ttl")
	copyFile(t, filepath.Join(feeds, "fhi-msis.ttl"), feed)
	cfg := filepath.Join(dir, "katalog.yaml")
	os.WriteFile(cfg, []byte("max_remove_share: 1\nsources:\n  - name: reg\n    url: file://"+feed+"\n"), 0o644)
	data := filepath.Join(mnt, "data")

	if out, err := katalogProc(t, "harvest", "--config", cfg, "--data", data); err != nil {
		t.Fatalf("first harvest: %v\n%s", err, out)
	}
	before := datasetCount(t, data)

	// Fill the disk, then harvest a feed with other records.
	fill, err := os.Create(filepath.Join(mnt, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for {
		if _, err := fill.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	fill.Close()
	copyFile(t, filepath.Join(feeds, "hunt.ttl"), feed)
	out, err := katalogProc(t, "harvest", "--config", cfg, "--data", data)
	if err == nil || !strings.Contains(out, filepath.Join(data, "katalog.db")+": no space left on device") {
		t.Fatalf("harvest onto a full disk: %v\n%s\nwant a failure naming the store and saying the disk is full", err, out)
	}
	if got := datasetCount(t, data); got != before {
		t.Errorf("after the failed harvest the store has %d datasets; want the %d of the last good copy", got, before)
	}
	// The store could not take even the run's report; the last good run
	// stays the last one, and nothing is left running.
	if run := lastRun(t, data); run.Status != catalog.RunOK && run.Status != catalog.RunFailed {
		t.Errorf("the last run after the failure is %s %q", run.Status, run.Error)
	}
	os.Remove(filepath.Join(mnt, "fill"))
	if out, err := katalogProc(t, "harvest", "--config", cfg, "--data", data); err != nil {
		t.Fatalf("harvest once space is free again: %v\n%s", err, out)
	}
	if got := datasetCount(t, data); got == before {
		t.Errorf("once space was free the harvest did not take the new feed (%d datasets)", got)
	}

	// Read-only.
	if err := syscall.Mount("", mnt, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	out, err = katalogProc(t, "harvest", "--config", cfg, "--data", data)
	if err == nil || !strings.Contains(out, filepath.Join(data, "katalog.db")) || !strings.Contains(out, "read-only file system") {
		t.Errorf("harvest into a read-only folder: %v\n%s\nwant an error naming the store and saying the file system is read-only", err, out)
	}
}

// katalogProc runs the katalog command (this test binary) as a process and returns its
// combined output.
func katalogProc(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "KATALOG_TEST_MAIN=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func datasetCount(t *testing.T, data string) int {
	t.Helper()
	store, err := bolt.Open(filepath.Join(data, "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, n, err := store.FindDatasets(context.Background(), catalog.DatasetFilter{Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func lastRun(t *testing.T, data string) catalog.HarvestRun {
	t.Helper()
	store, err := bolt.Open(filepath.Join(data, "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	runs, err := store.FindRuns(context.Background(), "reg", 1)
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs: %v, %v", runs, err)
	}
	return runs[0]
}
