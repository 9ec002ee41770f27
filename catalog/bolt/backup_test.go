package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	bolt "go.etcd.io/bbolt"
)

// generation is the harvest a writer applies as its g-th: g%4+1 datasets of
// three variables, every title naming g, so that a copy shows which
// generation it holds and whether it holds only that one.
func generation(g int) *catalog.Snapshot {
	snap := newSnapshot("gen", g%4+1, 3)
	for i := range snap.Datasets {
		snap.Datasets[i].Title["nb"] = fmt.Sprintf("gen %d", g)
	}
	for i := range snap.Variables {
		snap.Variables[i].Title["nb"] = fmt.Sprintf("gen %d", g)
	}
	return rehash(snap)
}

// storeGeneration returns the one generation a store holds, or an error
// saying how its records disagree with every generation.
func storeGeneration(ctx context.Context, s *DB) (int, error) {
	ds, nds, err := s.FindDatasets(ctx, catalog.DatasetFilter{})
	if err != nil {
		return 0, err
	}
	if nds == 0 {
		return 0, fmt.Errorf("no live datasets")
	}
	var g int
	if _, err := fmt.Sscanf(ds[0].Title["nb"], "gen %d", &g); err != nil {
		return 0, fmt.Errorf("dataset title %q: %v", ds[0].Title["nb"], err)
	}
	want := generation(g)
	if nds != len(want.Datasets) {
		return g, fmt.Errorf("gen %d has %d live datasets; want %d", g, nds, len(want.Datasets))
	}
	for _, w := range want.Datasets {
		d, err := s.FindDatasetByID(ctx, w.Identifier)
		if err != nil {
			return g, err
		}
		if d.Withdrawn != nil || d.Title["nb"] != w.Title["nb"] {
			return g, fmt.Errorf("dataset %s: %q, withdrawn %v; want %q, live", w.Identifier, d.Title["nb"], d.Withdrawn, w.Title["nb"])
		}
		vars, total, err := s.FindVariables(ctx, catalog.VariableFilter{Source: "gen", Dataset: w.IRI})
		if err != nil {
			return g, err
		}
		if total != 3 {
			return g, fmt.Errorf("dataset %s has %d variables; want 3", w.Identifier, total)
		}
		for _, v := range vars {
			if v.Title["nb"] != w.Title["nb"] {
				return g, fmt.Errorf("variable %s: %q; want %q", v.Identifier, v.Title["nb"], w.Title["nb"])
			}
		}
	}
	if _, nv, err := s.FindVariables(ctx, catalog.VariableFilter{}); err != nil || nv != len(want.Variables) {
		return g, fmt.Errorf("gen %d has %d live variables (%v); want %d", g, nv, err, len(want.Variables))
	}
	return g, nil
}

// TestBackupWhileWriting backs up a store while another goroutine applies
// harvest after harvest: the copy must open, pass bbolt's check and hold
// exactly one generation, the one committed when the backup began, although
// several more are committed while it is written.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	apply(t, s, "gen", generation(0), catalog.ApplyOptions{Now: t1})

	var committed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Go(func() {
		for g := 1; ; g++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.ApplySnapshot(ctx, "gen", generation(g), catalog.ApplyOptions{Now: t1}); err != nil {
				writeErr = err
				return
			}
			committed.Store(int64(g))
		}
	})
	waitFor := func(g int64) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for committed.Load() < g {
			if time.Now().After(deadline) {
				close(stop)
				wg.Wait()
				t.Fatalf("the writer reached generation %d in 10 s; want %d (error: %v)", committed.Load(), g, writeErr)
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitFor(3)

	path := filepath.Join(t.TempDir(), "copy.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	lo := committed.Load()
	var announced, during int64
	n, err := s.Backup(ctx, f, func(size int64) {
		announced = size
		// The copy's transaction is open: let two more harvests commit
		// before a byte of it is written.
		waitFor(committed.Load() + 2)
		during = committed.Load()
	})
	hi := committed.Load() + 1 // one may have committed and not yet been counted
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup = %v", err)
	}
	if writeErr != nil {
		t.Fatalf("the writer failed: %v", writeErr)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); n != announced || fi.Size() != n {
		t.Errorf("Backup wrote %d bytes, announced %d, the file has %d; want all equal", n, announced, fi.Size())
	}

	c, err := OpenReadOnly(path)
	if err != nil {
		t.Fatalf("OpenReadOnly(copy) = %v", err)
	}
	defer c.Close()
	if err := c.Check(); err != nil {
		t.Errorf("Check(copy) = %v", err)
	}
	g, err := storeGeneration(ctx, c)
	if err != nil {
		t.Fatalf("the copy is not one generation: %v", err)
	}
	if int64(g) < lo || int64(g) > hi || int64(g) >= during {
		t.Errorf("the copy holds generation %d; want the one of when the backup began: at least %d, before %d (committed during the backup)", g, lo, during)
	}
	if live, err := storeGeneration(ctx, s); err != nil || live <= g {
		t.Errorf("the live store holds generation %d (%v); want it past the copy's %d", live, err, g)
	}
}

func TestBackupCanceled(t *testing.T) {
	s := openTest(t)
	apply(t, s, "mfr", newSnapshot("mfr", 2, 5), catalog.ApplyOptions{Now: t1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var buf bytes.Buffer
	if _, err := s.Backup(ctx, &buf, nil); !errors.Is(err, context.Canceled) || buf.Len() != 0 {
		t.Errorf("Backup(canceled) = %v, %d bytes; want context.Canceled, nothing written", err, buf.Len())
	}
	// Cancelled midway: the writer stops at its next write.
	ctx, cancel = context.WithCancel(context.Background())
	_, err := s.Backup(ctx, writerFunc(func(p []byte) (int, error) {
		cancel()
		return len(p), nil
	}), nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Backup(canceled midway) = %v; want context.Canceled", err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	good := filepath.Join(dir, "katalog.db")
	s, err := Open(good)
	if err != nil {
		t.Fatal(err)
	}
	apply(t, s, "mfr", newSnapshot("mfr", 2, 5), catalog.ApplyOptions{Now: t1})
	var backup bytes.Buffer
	if _, err := s.Backup(ctx, &backup, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()

	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plain := filepath.Join(dir, "plain.db") // bbolt, but not Katalog's
	db, err := bolt.Open(plain, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err })
	db.Close()
	other := filepath.Join(dir, "schema0.db")
	os.WriteFile(other, backup.Bytes(), 0o644)
	db, err = bolt.Open(other, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte(bucketMeta)).Put([]byte("schema"), []byte("0")) })
	db.Close()

	cases := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.db"), "does not exist"},
		{"folder", dir, "a folder"},
		{"empty", write("empty.db", nil), "empty"},
		{"text", write("text.db", bytes.Repeat([]byte("not a database\n"), 1000)), "not a bbolt database"},
		{"short text", write("short.db", []byte("hello")), "not a bbolt database"},
		{"cut short", write("cut.db", backup.Bytes()[:backup.Len()-4096]), "cut short"},
		{"other bbolt", plain, `not a Katalog store: it has no "meta" bucket`},
		{"other schema", other, "store schema 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := os.ReadFile(c.path)
			s, err := OpenReadOnly(c.path)
			if err == nil {
				s.Close()
				t.Fatalf("OpenReadOnly(%s) = nil error; want one saying %q", c.name, c.want)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.path) {
				t.Errorf("OpenReadOnly(%s) = %q; want it to name the file and say %q", c.name, err, c.want)
			}
			if after, _ := os.ReadFile(c.path); !bytes.Equal(before, after) {
				t.Errorf("OpenReadOnly(%s) changed the file", c.name)
			}
		})
	}

	copyPath := write("copy.db", backup.Bytes())
	r, err := OpenReadOnly(copyPath)
	if err != nil {
		t.Fatalf("OpenReadOnly(backup) = %v", err)
	}
	if _, total, err := r.FindDatasets(ctx, catalog.DatasetFilter{}); err != nil || total != 2 {
		t.Errorf("FindDatasets(backup) = %d, %v; want 2", total, err)
	}
	if err := r.PutSource(ctx, &catalog.Source{Name: "x"}); err == nil {
		t.Errorf("PutSource on a read-only store = nil error; want one")
	}
	// Readers share the file; a writer cannot have it meanwhile.
	r2, err := OpenReadOnly(copyPath)
	if err != nil {
		t.Errorf("a second OpenReadOnly = %v; want readers to share the file", err)
	} else {
		r2.Close()
	}
	if w, err := Open(copyPath); !errors.Is(err, ErrInUse) {
		if err == nil {
			w.Close()
		}
		t.Errorf("Open while read elsewhere = %v; want ErrInUse", err)
	}
	r.Close()
	if after, _ := os.ReadFile(copyPath); !bytes.Equal(after, backup.Bytes()) {
		t.Errorf("reading a backup read-only changed it")
	}

	w, err := Open(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if r, err := OpenReadOnly(copyPath); !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "in use") {
		if err == nil {
			r.Close()
		}
		t.Errorf("OpenReadOnly while open for writing = %v; want ErrInUse", err)
	}
}

func TestHold(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "katalog.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if release, err := Hold(path); !errors.Is(err, ErrInUse) {
		if err == nil {
			release()
		}
		t.Errorf("Hold while open for writing = %v; want ErrInUse", err)
	}
	s.Close()

	release, err := Hold(path)
	if err != nil {
		t.Fatalf("Hold(closed store) = %v", err)
	}
	if s, err := Open(path); !errors.Is(err, ErrInUse) {
		if err == nil {
			s.Close()
		}
		t.Errorf("Open while held = %v; want ErrInUse", err)
	}
	if err := release(); err != nil {
		t.Errorf("release = %v", err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatalf("Open after release = %v", err)
	}
	s.Close()

	if _, err := Hold(filepath.Join(dir, "nope.db")); err == nil || errors.Is(err, ErrInUse) {
		t.Errorf("Hold(missing file) = %v; want an error other than ErrInUse", err)
	}
}
