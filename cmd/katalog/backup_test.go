package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/search"
	"github.com/katalog/katalog/web"
)

// katalog runs the command line and returns its exit status and output.
func katalog(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// harvested returns a data folder with one harvest of the given config.
func harvested(t *testing.T, cfg string) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	if code, out, errs := katalog(t, "harvest", "--config", cfg, "--data", data); code != exitOK {
		t.Fatalf("harvest = %d: %s %s", code, out, errs)
	}
	return data
}

// files lists a folder's entries, to tell what a command left behind.
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// storeState is what a store says about its catalogue: its live dataset
// identifiers and how many variables it has.
func storeState(t *testing.T, path string) (datasets []string, variables int) {
	t.Helper()
	s, err := bolt.OpenReadOnly(path)
	if err != nil {
		t.Fatalf("OpenReadOnly(%s) = %v", path, err)
	}
	defer s.Close()
	ctx := context.Background()
	ds, _, err := s.FindDatasets(ctx, catalog.DatasetFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		datasets = append(datasets, d.Identifier)
	}
	slices.Sort(datasets)
	if _, variables, err = s.FindVariables(ctx, catalog.VariableFilter{}); err != nil {
		t.Fatal(err)
	}
	return datasets, variables
}

// searchState is how many documents a data folder's index has and how many
// hits each query finds.
func searchState(t *testing.T, data string, queries ...string) []uint64 {
	t.Helper()
	idx, err := search.Open(paths(data).index)
	if err != nil {
		t.Fatalf("search.Open: %v", err)
	}
	defer idx.Close()
	n, err := idx.Count()
	if err != nil {
		t.Fatal(err)
	}
	out := []uint64{n}
	for _, q := range queries {
		res, err := idx.Search(context.Background(), &catalog.SearchRequest{Query: q, Size: 10})
		if err != nil {
			t.Fatalf("Search(%q) = %v", q, err)
		}
		out = append(out, res.Total)
	}
	return out
}

func TestBackupCommand(t *testing.T) {
	cfg := writeConfig(t, "sources:\n  - name: sysvak\n    url: file:feeds/fhi-sysvak.ttl\nadmin_token_env: KATALOG_TEST_BACKUP_TOKEN\n")
	data := harvested(t, cfg)
	wantDatasets, wantVars := storeState(t, paths(data).store)

	t.Run("data folder", func(t *testing.T) {
		dir := t.TempDir()
		out := filepath.Join(dir, "b.db")
		code, stdout, stderr := katalog(t, "backup", "--data", data, "--out", out)
		if code != exitOK || !strings.Contains(stdout, "backed up 4 datasets and 25 variables") || !strings.Contains(stdout, out) {
			t.Fatalf("backup = %d, %q, %q; want 0 and the counts of the copy", code, stdout, stderr)
		}
		if ds, vars := storeState(t, out); !slices.Equal(ds, wantDatasets) || vars != wantVars {
			t.Errorf("the backup holds %v, %d variables; want %v, %d", ds, vars, wantDatasets, wantVars)
		}
		if got := files(t, dir); !slices.Equal(got, []string{"b.db"}) {
			t.Errorf("the backup folder holds %v; want only b.db", got)
		}
	})

	t.Run("into a folder", func(t *testing.T) {
		dir := t.TempDir()
		if code, _, stderr := katalog(t, "backup", "--data", data, "--out", dir); code != exitOK {
			t.Fatalf("backup --out DIR = %d: %s", code, stderr)
		}
		got := files(t, dir)
		if len(got) != 1 || !strings.HasPrefix(got[0], "katalog-") || !strings.HasSuffix(got[0], "Z.db") {
			t.Errorf("backup --out DIR wrote %v; want one katalog-<UTC time>.db", got)
		}
	})

	t.Run("store in use", func(t *testing.T) {
		s, err := bolt.Open(paths(data).store)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		dir := t.TempDir()
		code, _, stderr := katalog(t, "backup", "--data", data, "--out", filepath.Join(dir, "b.db"))
		if code != exitCannot {
			t.Errorf("backup of a store in use = exit %d; want %d", code, exitCannot)
		}
		for _, want := range []string{paths(data).store, "in use by a running katalog", "--url"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("backup of a store in use said %q; want it to mention %q", stderr, want)
			}
		}
		if got := files(t, dir); len(got) != 0 {
			t.Errorf("a refused backup left %v", got)
		}
	})

	// A running server: the test holds the store open, as serve does.
	store, err := bolt.Open(paths(data).store)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	idx, err := search.NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	srv, err := web.New(web.Config{Store: store, Index: idx, AdminToken: "tok-123", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	t.Run("url", func(t *testing.T) {
		t.Setenv("KATALOG_TEST_BACKUP_TOKEN", "tok-123")
		out := filepath.Join(t.TempDir(), "b.db")
		code, stdout, stderr := katalog(t, "backup", "--url", ts.URL, "--config", cfg, "--out", out)
		if code != exitOK || !strings.Contains(stdout, "backed up 4 datasets and 25 variables") {
			t.Fatalf("backup --url = %d, %q, %q; want 0 and the counts", code, stdout, stderr)
		}
		if ds, vars := storeState(t, out); !slices.Equal(ds, wantDatasets) || vars != wantVars {
			t.Errorf("the backup holds %v, %d variables; want %v, %d", ds, vars, wantDatasets, wantVars)
		}
	})

	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("not a store "), 2000))
	}))
	defer garbage.Close()
	cut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.Write(make([]byte, 8192))
	}))
	defer cut.Close()
	for _, c := range []struct {
		name, token string
		args        []string
		want        []string
	}{
		{"wrong token", "tok-12", []string{"--url", ts.URL, "--config", cfg}, []string{"401", "admin token", "KATALOG_TEST_BACKUP_TOKEN"}},
		{"no token", "", []string{"--url", ts.URL, "--config", cfg}, []string{"KATALOG_TEST_BACKUP_TOKEN is not set"}},
		{"not a store", "tok-123", []string{"--url", garbage.URL, "--config", cfg}, []string{"does not verify", "not a bbolt database", "left as it was"}},
		{"cut short", "tok-123", []string{"--url", cut.URL, "--config", cfg}, []string{"after 8192 bytes", "left as it was"}},
		{"url and data", "tok-123", []string{"--url", ts.URL, "--config", cfg, "--data", data}, []string{"not both"}},
		{"no out", "tok-123", []string{"--data", data, "--out", ""}, []string{"--out FILE is required"}},
		{"no store", "", []string{"--data", filepath.Join(t.TempDir(), "nothing")}, []string{"katalog.db: the file does not exist"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("KATALOG_TEST_BACKUP_TOKEN", c.token)
			dir := t.TempDir()
			out := filepath.Join(dir, "b.db")
			os.WriteFile(out, []byte("an older backup"), 0o600)
			args := append([]string{"backup", "--out", out}, c.args...)
			code, _, stderr := katalog(t, args...)
			if code != exitCannot {
				t.Errorf("katalog %s = exit %d; want %d", strings.Join(args, " "), code, exitCannot)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("katalog %s said %q; want it to mention %q", strings.Join(args, " "), stderr, w)
				}
			}
			if strings.Contains(stderr, "tok-12") {
				t.Errorf("the error %q shows the token", stderr)
			}
			if got, _ := os.ReadFile(out); string(got) != "an older backup" || len(files(t, dir)) != 1 {
				t.Errorf("a failed backup left %v and %q in the target; want the older file alone, unchanged", files(t, dir), got)
			}
		})
	}
}

// TestRestoreRoundTrip: harvest, back up, harvest more, restore: the store
// and the search index answer as they did at the backup, and the store the
// restore replaced is kept.
func TestRestoreRoundTrip(t *testing.T) {
	sysvak := writeConfig(t, "sources:\n  - name: sysvak\n    url: file:feeds/fhi-sysvak.ttl\n")
	both := writeConfig(t, "sources:\n  - name: sysvak\n    url: file:feeds/fhi-sysvak.ttl\n  - name: msis\n    url: file:feeds/fhi-msis.ttl\n")
	data := harvested(t, sysvak)
	queries := []string{"msis", "sysvak", "vaksine"}
	atBackupDS, atBackupVars := storeState(t, paths(data).store)
	atBackupSearch := searchState(t, data, queries...)

	backup := filepath.Join(t.TempDir(), "b.db")
	if code, _, stderr := katalog(t, "backup", "--data", data, "--out", backup); code != exitOK {
		t.Fatalf("backup = %d: %s", code, stderr)
	}
	if code, out, stderr := katalog(t, "harvest", "--config", both, "--data", data); code != exitOK {
		t.Fatalf("harvest = %d: %s %s", code, out, stderr)
	}
	changedDS, changedVars := storeState(t, paths(data).store)
	changedSearch := searchState(t, data, queries...)
	if len(changedDS) <= len(atBackupDS) || changedSearch[1] == atBackupSearch[1] {
		t.Fatalf("the second harvest changed nothing (%d datasets, search %v); the test needs it to", len(changedDS), changedSearch)
	}

	code, stdout, stderr := katalog(t, "restore", "--from", backup, "--data", data)
	if code != exitOK {
		t.Fatalf("restore = %d: %s %s", code, stdout, stderr)
	}
	for _, want := range []string{"restored 4 datasets and 25 variables", "katalog.db.before-restore-", "indexed 29 documents"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("restore said %q; want it to mention %q", stdout, want)
		}
	}
	if ds, vars := storeState(t, paths(data).store); !slices.Equal(ds, atBackupDS) || vars != atBackupVars {
		t.Errorf("after restore the store holds %v, %d variables; want as at the backup: %v, %d", ds, vars, atBackupDS, atBackupVars)
	}
	if got := searchState(t, data, queries...); !slices.Equal(got, atBackupSearch) {
		t.Errorf("after restore the index has %d documents and finds %v for %q; want as at the backup: %d, %v",
			got[0], got[1:], queries, atBackupSearch[0], atBackupSearch[1:])
	}
	var kept []string
	for _, name := range files(t, data) {
		if strings.HasPrefix(name, "katalog.db.before-restore-") {
			kept = append(kept, name)
		} else if name != "katalog.db" && name != "index.bleve" {
			t.Errorf("restore left %s in the data folder", name)
		}
	}
	if len(kept) != 1 || !strings.HasSuffix(kept[0], "Z") {
		t.Fatalf("kept stores: %v; want one katalog.db.before-restore-<UTC time>", kept)
	}
	if ds, vars := storeState(t, filepath.Join(data, kept[0])); !slices.Equal(ds, changedDS) || vars != changedVars {
		t.Errorf("the kept store holds %d datasets, %d variables; want the replaced store's %d, %d", len(ds), vars, len(changedDS), changedVars)
	}
	// The restored store is a working one: harvesting into it goes on.
	if code, out, stderr := katalog(t, "harvest", "--config", sysvak, "--data", data); code != exitOK || !strings.Contains(out, "sysvak: ") {
		t.Errorf("harvest after restore = %d: %s %s", code, out, stderr)
	}

	// Again, and over a damaged store: each replaced store is kept under
	// its own name, even within one second.
	os.WriteFile(paths(data).store, []byte("damaged"), 0o644)
	code, stdout, stderr = katalog(t, "restore", "--from", backup, "--data", data)
	if code != exitOK || !strings.Contains(stderr, "cannot be read") {
		t.Fatalf("restore over a damaged store = %d, %q, %q; want 0 and a warning", code, stdout, stderr)
	}
	if code, stdout, stderr = katalog(t, "restore", "--from", backup, "--data", data); code != exitOK {
		t.Fatalf("restore = %d, %q, %q", code, stdout, stderr)
	}
	kept = kept[:0]
	for _, name := range files(t, data) {
		if strings.HasPrefix(name, "katalog.db.before-restore-") {
			kept = append(kept, name)
		}
	}
	if len(kept) != 3 {
		t.Errorf("after three restores the data folder keeps %v; want three replaced stores", kept)
	}
	damaged := 0
	for _, name := range kept {
		if b, _ := os.ReadFile(filepath.Join(data, name)); string(b) == "damaged" {
			damaged++
		}
	}
	if damaged != 1 {
		t.Errorf("%d of the kept stores %v are the damaged one; want 1", damaged, kept)
	}
	if ds, vars := storeState(t, paths(data).store); !slices.Equal(ds, atBackupDS) || vars != atBackupVars {
		t.Errorf("after restores the store holds %v, %d variables; want %v, %d", ds, vars, atBackupDS, atBackupVars)
	}

	// Into a new data folder, as for a replica: nothing to keep.
	fresh := filepath.Join(t.TempDir(), "replica")
	code, stdout, stderr = katalog(t, "restore", "--from", backup, "--data", fresh)
	if code != exitOK || strings.Contains(stdout, "kept as") {
		t.Fatalf("restore into a new folder = %d, %q, %q; want 0 and nothing kept", code, stdout, stderr)
	}
	if got := searchState(t, fresh, queries...); !slices.Equal(got, atBackupSearch) {
		t.Errorf("the new folder's index: %v; want %v", got, atBackupSearch)
	}
}

func TestRestoreRefuses(t *testing.T) {
	cfg := writeConfig(t, "sources:\n  - name: sysvak\n    url: file:feeds/fhi-sysvak.ttl\n")
	data := harvested(t, cfg)
	good := filepath.Join(t.TempDir(), "b.db")
	if code, _, stderr := katalog(t, "backup", "--data", data, "--out", good); code != exitOK {
		t.Fatalf("backup = %d: %s", code, stderr)
	}
	backup, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	text := write("notes.txt", bytes.Repeat([]byte("not a store\n"), 1000))
	short := write("short.db", backup[:len(backup)/2])

	cases := []struct {
		name string
		args []string
		lock bool
		want []string
	}{
		{"not bbolt", []string{"--from", text}, false, []string{text, "not a bbolt database", "nothing in " + data + " was changed"}},
		{"cut short", []string{"--from", short}, false, []string{short, "cut short", "nothing in " + data + " was changed"}},
		{"missing", []string{"--from", filepath.Join(dir, "nope.db")}, false, []string{"nope.db: the file does not exist"}},
		{"own store", []string{"--from", paths(data).store}, false, []string{"the data folder's own store"}},
		{"in use", []string{"--from", good}, true, []string{paths(data).store, "in use by a running katalog", "stop it", "nothing in " + data + " was changed"}},
		{"no from", nil, false, []string{"--from FILE is required"}},
	}
	for _, c := range cases {
		var before []byte
		t.Run(c.name, func(t *testing.T) {
			if c.lock { // as a running katalog holds it
				s, err := bolt.Open(paths(data).store)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
			}
			before, _ = os.ReadFile(paths(data).store) // Open writes a transaction
			args := append([]string{"restore", "--data", data}, c.args...)
			code, stdout, stderr := katalog(t, args...)
			if code != exitCannot {
				t.Errorf("katalog %s = exit %d (%s); want %d", strings.Join(args, " "), code, stdout, exitCannot)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("katalog %s said %q; want it to mention %q", strings.Join(args, " "), stderr, w)
				}
			}
		})
		if got := files(t, data); !slices.Equal(got, []string{"index.bleve", "katalog.db"}) {
			t.Errorf("%s: after a refused restore the data folder holds %v; want katalog.db and index.bleve only", c.name, got)
		}
		if after, _ := os.ReadFile(paths(data).store); !bytes.Equal(after, before) {
			t.Errorf("%s: a refused restore changed the store", c.name)
		}
	}
}
