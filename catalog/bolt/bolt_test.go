package bolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	bolt "go.etcd.io/bbolt"
)

var (
	t1 = time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	t2 = t1.Add(24 * time.Hour)
	t3 = t2.Add(24 * time.Hour)
	t4 = t3.Add(24 * time.Hour)
)

// openTest opens a new store in a temporary folder and closes it when the
// test ends.
func openTest(t testing.TB) *DB {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// dump returns every key and value of the store, nested buckets included,
// so that a test can tell whether anything was written.
func dump(t *testing.T, s *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(path string, b *bolt.Bucket) error
	walk = func(path string, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			p := path + "/" + string(k)
			if v == nil {
				out[p+"/"] = ""
				return walk(p, b.Bucket(k))
			}
			out[p] = string(v)
			return nil
		})
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(string(name), b) })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// diffDumps describes how two dumps differ, or returns "".
func diffDumps(before, after map[string]string) string {
	var diffs []string
	for k, v := range before {
		if w, ok := after[k]; !ok {
			diffs = append(diffs, "deleted "+k)
		} else if w != v {
			diffs = append(diffs, "changed "+k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			diffs = append(diffs, "added "+k)
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "\n")
}

func wantCode(t *testing.T, call string, err error, code string) {
	t.Helper()
	if got := catalog.ErrorCode(err); got != code {
		t.Errorf("%s error = %v (code %q); want code %q", call, err, got, code)
	}
}

func TestSources(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	srcs := []catalog.Source{
		{Name: "fhi-mfr", URL: "https://data.fhi.no/mfr.ttl", Format: "turtle", Schedule: "1h"},
		{Name: "dk-registers", URL: "file:///feeds/dk.ttl", Schedule: "0 3 * * *", Publisher: "Sundhedsdatastyrelsen"},
		{Name: "hunt", URL: "https://hunt.no/feed.jsonld", Format: "jsonld"},
	}
	for i := range srcs {
		if err := s.PutSource(ctx, &srcs[i]); err != nil {
			t.Fatalf("PutSource(%q) = %v", srcs[i].Name, err)
		}
	}

	// An update replaces configuration and state.
	upd := srcs[0]
	upd.Schedule = "30m"
	upd.State = catalog.SourceState{ETag: `"abc"`, LastRun: "20260105T100000.000000Z", Failures: 2, NextRun: t2}
	if err := s.PutSource(ctx, &upd); err != nil {
		t.Fatalf("PutSource(%q) = %v", upd.Name, err)
	}

	tests := []struct {
		name string
		want *catalog.Source
	}{
		{"fhi-mfr", &upd},
		{"dk-registers", &srcs[1]},
		{"hunt", &srcs[2]},
	}
	for _, tt := range tests {
		got, err := s.FindSource(ctx, tt.name)
		if err != nil {
			t.Errorf("FindSource(%q) error = %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("FindSource(%q) = %+v; want %+v", tt.name, got, tt.want)
		}
	}

	_, err := s.FindSource(ctx, "fhi")
	wantCode(t, `FindSource("fhi")`, err, catalog.ENOTFOUND)

	all, err := s.FindSources(ctx)
	if err != nil {
		t.Fatalf("FindSources() error = %v", err)
	}
	var names []string
	for _, src := range all {
		names = append(names, src.Name)
	}
	if want := []string{"dk-registers", "fhi-mfr", "hunt"}; !reflect.DeepEqual(names, want) {
		t.Errorf("FindSources() names = %v; want %v", names, want)
	}
	if all[1].State.Failures != 2 {
		t.Errorf("FindSources()[1].State.Failures = %d; want 2", all[1].State.Failures)
	}
}

func TestFindSourcesEmpty(t *testing.T) {
	got, err := openTest(t).FindSources(context.Background())
	if err != nil || len(got) != 0 {
		t.Errorf("FindSources() on an empty store = %v, %v; want none, nil", got, err)
	}
}

func runID(t time.Time) string { return t.Format("20060102T150405.000000Z") }

func TestRuns(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	// "a" and "ab" share a prefix, and "b" sorts last of all sources, so
	// that both ends of the runs bucket are exercised.
	ids := map[string][]string{}
	for _, src := range []string{"a", "ab", "b"} {
		for i := range 5 {
			id := runID(t1.Add(time.Duration(i) * time.Hour))
			run := &catalog.HarvestRun{ID: id, Source: src, Started: t1.Add(time.Duration(i) * time.Hour), Status: catalog.RunRunning}
			if err := s.PutRun(ctx, run); err != nil {
				t.Fatalf("PutRun(%s/%s) = %v", src, id, err)
			}
			ids[src] = append(ids[src], id)
		}
	}

	// Finishing a run updates it in place.
	done := catalog.HarvestRun{
		ID: ids["a"][4], Source: "a", Started: t1.Add(4 * time.Hour), Finished: t1.Add(4*time.Hour + time.Minute),
		Status: catalog.RunOK, Stats: catalog.RunStats{Datasets: 3, Variables: 12, Added: 15},
		Changes: &catalog.RunChanges{Added: []string{"MFR"}, VariablesAdded: []string{"MFR:A", "MFR:B"}},
		Bytes:   1024, Pages: 1, HTTPStatus: 200, Format: "turtle",
	}
	if err := s.PutRun(ctx, &done); err != nil {
		t.Fatalf("PutRun(update) = %v", err)
	}

	newestFirst := func(src string, n int) []string {
		var out []string
		for i := len(ids[src]) - 1; i >= 0 && len(out) < n; i-- {
			out = append(out, ids[src][i])
		}
		return out
	}
	tests := []struct {
		source string
		limit  int
		want   []string
	}{
		{"a", 0, newestFirst("a", 5)},
		{"a", -1, newestFirst("a", 5)},
		{"a", 2, newestFirst("a", 2)},
		{"a", 10, newestFirst("a", 5)},
		{"ab", 3, newestFirst("ab", 3)},
		{"b", 0, newestFirst("b", 5)},
		{"b", 1, newestFirst("b", 1)},
		{"", 0, nil},
		{"c", 0, nil},
		{"0", 0, nil},
	}
	for _, tt := range tests {
		runs, err := s.FindRuns(ctx, tt.source, tt.limit)
		if err != nil {
			t.Errorf("FindRuns(%q, %d) error = %v", tt.source, tt.limit, err)
			continue
		}
		var got []string
		for _, r := range runs {
			if r.Source != tt.source {
				t.Errorf("FindRuns(%q, %d) returned a run of %q", tt.source, tt.limit, r.Source)
			}
			got = append(got, r.ID)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("FindRuns(%q, %d) = %v; want %v", tt.source, tt.limit, got, tt.want)
		}
	}

	// Lists of runs leave the change lists out; one run has them.
	listed, err := s.FindRuns(ctx, "a", 1)
	if err != nil || len(listed) != 1 || listed[0].ID != done.ID || listed[0].Changes != nil {
		t.Errorf("FindRuns(a, 1) = %+v, %v; want the finished run without its changes", listed, err)
	}
	got, err := s.FindRunByID(ctx, "a", done.ID)
	if err != nil {
		t.Fatalf("FindRunByID(a, %s) error = %v", done.ID, err)
	}
	if !reflect.DeepEqual(*got, done) {
		t.Errorf("FindRunByID(a, %s) = %+v; want %+v", done.ID, *got, done)
	}
	if got.Duration() != time.Minute {
		t.Errorf("Duration() = %v; want 1m", got.Duration())
	}
	other, err := s.FindRunByID(ctx, "ab", done.ID)
	if err != nil || other.Status != catalog.RunRunning {
		t.Errorf("FindRunByID(ab, %s) = %+v, %v; want the running run of ab", done.ID, other, err)
	}
	_, err = s.FindRunByID(ctx, "a", "20990101T000000.000000Z")
	wantCode(t, "FindRunByID(a, future)", err, catalog.ENOTFOUND)
	_, err = s.FindRunByID(ctx, "zz", done.ID)
	wantCode(t, "FindRunByID(zz, …)", err, catalog.ENOTFOUND)
}

func TestPutRunInvalid(t *testing.T) {
	s := openTest(t)
	for _, run := range []catalog.HarvestRun{
		{Source: "a"},
		{ID: "1"},
		{},
	} {
		err := s.PutRun(context.Background(), &run)
		wantCode(t, fmt.Sprintf("PutRun(%+v)", run), err, catalog.EINVALID)
	}
}

func TestFindings(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	findings := []catalog.Finding{
		{Severity: catalog.SeverityError, Resource: "https://data.fhi.no/dataset/mfr", Path: "dct:title",
			Message: catalog.Text{"nb": "Mangler tittel", "en": "Missing title"}, Rule: "dataset-title"},
		{Severity: catalog.SeverityWarning, Resource: "https://data.fhi.no/var/1", Path: "csvw:datatype",
			Message: catalog.Text{"en": "Unknown datatype"}, Rule: "variable-datatype", SpecURL: "https://example.org/spec#dt"},
	}
	if err := s.PutFindings(ctx, "fhi-mfr", "r1", findings); err != nil {
		t.Fatalf("PutFindings = %v", err)
	}
	if err := s.PutFindings(ctx, "fhi-mfr", "r2", nil); err != nil {
		t.Fatalf("PutFindings(nil) = %v", err)
	}

	got, err := s.FindFindings(ctx, "fhi-mfr", "r1")
	if err != nil || !reflect.DeepEqual(got, findings) {
		t.Errorf("FindFindings(fhi-mfr, r1) = %+v, %v; want %+v", got, err, findings)
	}
	got, err = s.FindFindings(ctx, "fhi-mfr", "r2")
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("FindFindings(fhi-mfr, r2) = %#v, %v; want an empty list", got, err)
	}
	_, err = s.FindFindings(ctx, "fhi-mfr", "r3")
	wantCode(t, "FindFindings(fhi-mfr, r3)", err, catalog.ENOTFOUND)
	_, err = s.FindFindings(ctx, "hunt", "r1")
	wantCode(t, "FindFindings(hunt, r1)", err, catalog.ENOTFOUND)

	// A run that repeats another's findings has them without a copy.
	if err := s.PutRun(ctx, &catalog.HarvestRun{ID: "r4", Source: "fhi-mfr", Status: catalog.RunUnchanged, FindingsRun: "r1"}); err != nil {
		t.Fatal(err)
	}
	got, err = s.FindFindings(ctx, "fhi-mfr", "r4")
	if err != nil || !reflect.DeepEqual(got, findings) {
		t.Errorf("FindFindings(fhi-mfr, r4), a run repeating r1 = %+v, %v; want r1's", got, err)
	}
}

// Many findings share a few messages: they are stored once, and a store
// written before that (a plain JSON array) still reads.
func TestFindingsShareMessages(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	msg := catalog.Text{"nb": "Variabelen mangler dct:description (beskrivelse).", "en": "The variable has no dct:description (description)."}
	many := make([]catalog.Finding, 20000)
	for i := range many {
		many[i] = catalog.Finding{Severity: catalog.SeverityError, Resource: fmt.Sprintf("https://data.fhi.no/var/%d", i),
			Path: "dct:description", Message: catalog.Text{"en": msg["en"], "nb": msg["nb"]}, Rule: "national:Column.dct:description:missing",
			SpecURL: "https://data.health.europa.eu/healthdcat-ap/"}
	}
	v, err := encodeFindings(many)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(many)
	if len(v)*10 > len(plain) {
		t.Errorf("20,000 findings with one message take %d bytes; want a tenth of their JSON's %d", len(v), len(plain))
	}
	if err := s.PutFindings(ctx, "nhanes", "r1", many); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FindFindings(ctx, "nhanes", "r1"); err != nil || !reflect.DeepEqual(got, many) {
		t.Errorf("FindFindings after PutFindings of 20,000: %d findings, %v; want them back", len(got), err)
	}
	got, err := decodeFindings(plain)
	if err != nil || !reflect.DeepEqual(got, many) {
		t.Errorf("decodeFindings(a plain JSON array) = %d findings, %v; want them all", len(got), err)
	}
	if _, err := decodeFindings(append([]byte{findingsFormat}, "not snappy"...)); err == nil {
		t.Errorf("decodeFindings(garbage) = nil error; want one")
	}
}

func TestOpenCreatesFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "nested", "katalog.db")
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	defer s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("Open(%q) made no file: %v", path, err)
	}
}

func TestPersistence(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "katalog.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	src := &catalog.Source{Name: "mfr", URL: "https://data.fhi.no/mfr.ttl", State: catalog.SourceState{Hash: "h1"}}
	run := &catalog.HarvestRun{ID: runID(t1), Source: "mfr", Started: t1, Status: catalog.RunOK}
	if err := s.PutSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	if err := s.PutFindings(ctx, "mfr", run.ID, []catalog.Finding{{Severity: catalog.SeverityInfo, Rule: "r"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplySnapshot(ctx, "mfr", newSnapshot("mfr", 2, 3), catalog.ApplyOptions{Now: t1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	s, err = Open(path)
	if err != nil {
		t.Fatalf("Open(%q) again = %v", path, err)
	}
	defer s.Close()
	if got, err := s.FindSource(ctx, "mfr"); err != nil || got.State.Hash != "h1" {
		t.Errorf("FindSource(mfr) after reopening = %+v, %v; want state hash h1", got, err)
	}
	if got, err := s.FindRuns(ctx, "mfr", 0); err != nil || len(got) != 1 || got[0].ID != run.ID {
		t.Errorf("FindRuns(mfr) after reopening = %+v, %v; want run %s", got, err, run.ID)
	}
	if got, err := s.FindFindings(ctx, "mfr", run.ID); err != nil || len(got) != 1 {
		t.Errorf("FindFindings(mfr) after reopening = %+v, %v; want 1 finding", got, err)
	}
	vars, total, err := s.FindVariables(ctx, catalog.VariableFilter{Source: "mfr", Dataset: dsIRI("mfr", 1)})
	if err != nil || total != 3 || names(vars) != "V0 V1 V2" {
		t.Errorf("FindVariables(mfr, ds 1) after reopening = %s (%d), %v; want V0 V1 V2 (3)", names(vars), total, err)
	}
	if d, err := s.FindDatasetByID(ctx, "MFR-DS0"); err != nil || !d.FirstSeen.Equal(t1) {
		t.Errorf("FindDatasetByID(MFR-DS0) after reopening = %+v, %v; want first seen %v", d, err, t1)
	}
	ch, err := s.ApplySnapshot(ctx, "mfr", newSnapshot("mfr", 2, 3), catalog.ApplyOptions{Now: t2})
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Added)+len(ch.Updated)+len(ch.Removed) != 0 || ch.Unchanged != 8 {
		t.Errorf("ApplySnapshot(same) after reopening = %d added, %d updated, %d removed, %d unchanged; want 0, 0, 0, 8",
			len(ch.Added), len(ch.Updated), len(ch.Removed), ch.Unchanged)
	}
}

func TestOpenOtherSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "katalog.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketMeta)).Put([]byte("schema"), []byte("0"))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	_, err = Open(path)
	if err == nil {
		t.Fatalf("Open(store of schema 0) = nil error; want one")
	}
	for _, want := range []string{path, "schema 0", "reads " + schemaVersion} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open(store of schema 0) error = %q; want it to mention %q", err, want)
		}
	}
	// The failed Open must not leave the file locked.
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("bbolt.Open after a failed Open = %v; want the file released", err)
	}
	db.Close()
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "katalog.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s2, err := Open(path)
	took := time.Since(start)
	if err == nil {
		s2.Close()
		t.Fatalf("Open(%q) while open elsewhere = nil error; want one", path)
	}
	if !strings.Contains(err.Error(), "in use") || !strings.Contains(err.Error(), path) {
		t.Errorf("Open(%q) while open elsewhere error = %q; want it to name the file and say it is in use", path, err)
	}
	if took > 5*time.Second {
		t.Errorf("Open(%q) while open elsewhere took %v; want it to fail fast", path, took)
	}
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatalf("Open(%q) after Close = %v", path, err)
	}
	s.Close()
}

func TestContextCanceled(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.ApplySnapshot(ctx, "mfr", newSnapshot("mfr", 1, 1), catalog.ApplyOptions{Now: t1}); !errors.Is(err, context.Canceled) {
		t.Errorf("ApplySnapshot(canceled) = %v; want context.Canceled", err)
	}
	if err := s.PutSource(ctx, &catalog.Source{Name: "mfr"}); !errors.Is(err, context.Canceled) {
		t.Errorf("PutSource(canceled) = %v; want context.Canceled", err)
	}
	if _, total, _ := s.FindDatasets(context.Background(), catalog.DatasetFilter{Withdrawn: true}); total != 0 {
		t.Errorf("a canceled ApplySnapshot stored %d datasets; want 0", total)
	}
}

// TestReleaseMapped checks that the store reads the same after giving
// back its mapped pages.
func TestReleaseMapped(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for i := range 200 {
		src := catalog.Source{Name: fmt.Sprintf("source-%03d", i), URL: "https://example.org/feed.ttl", Publisher: strings.Repeat("x", 500)}
		if err := s.PutSource(ctx, &src); err != nil {
			t.Fatal(err)
		}
	}
	before := dump(t, s)
	if err := s.ReleaseMapped(); err != nil {
		t.Fatalf("ReleaseMapped() = %v", err)
	}
	if d := diffDumps(before, dump(t, s)); d != "" || len(before) < 200 {
		t.Errorf("after ReleaseMapped: %s (%d keys)", d, len(before))
	}
}
