package dcat_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
)

// benchStore opens the store of the data folder KATALOG_DATA (for example a
// harvested 1M-variable corpus), or else a store of the fhi-mfr fixture.
func benchStore(b *testing.B) catalog.Store {
	b.Helper()
	if dir := os.Getenv("KATALOG_DATA"); dir != "" {
		st, err := bolt.Open(filepath.Join(dir, "katalog.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}
	st, err := bolt.Open(filepath.Join(b.TempDir(), "katalog.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	f, err := os.Open("../fixtures/feeds/fhi-mfr.ttl")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	res, err := dcat.Read(f, rdf.FormatTurtle, rdf.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.ApplySnapshot(context.Background(), "fhi-mfr", &res.Snapshot, catalog.ApplyOptions{}); err != nil {
		b.Fatal(err)
	}
	return st
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// BenchmarkExport writes the whole catalogue as Turtle (MB/s of output).
//
//	KATALOG_DATA=/tmp/bigdata go test ./dcat -run '^$' -bench Export -benchtime 1x
func BenchmarkExport(b *testing.B) {
	st := benchStore(b)
	pub := dcat.DefaultPublication().WithBase("http://127.0.0.1:8080")
	ctx := context.Background()
	var bytes int64
	for i := 0; i < b.N; i++ {
		x, err := dcat.NewExport(ctx, st, &pub, dcat.ExportOptions{Profile: dcat.ProfileHealthDCATAP})
		if err != nil {
			b.Fatal(err)
		}
		cw := &countingWriter{}
		w := rdf.NewWriter(cw, rdf.FormatTurtle, dcat.Prefixes)
		if _, err := x.Write(ctx, w); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		bytes = cw.n
	}
	b.SetBytes(bytes)
}

// BenchmarkExportPage writes one page of 100 datasets, as a harvester asks
// for it: the middle page of the catalogue.
func BenchmarkExportPage(b *testing.B) {
	st := benchStore(b)
	pub := dcat.DefaultPublication().WithBase("http://127.0.0.1:8080")
	ctx := context.Background()
	_, total, err := st.FindDatasets(ctx, catalog.DatasetFilter{Size: 1})
	if err != nil {
		b.Fatal(err)
	}
	page := max(1, (total/100+1)/2)
	url := func(n int) string { return "http://127.0.0.1:8080/catalog?page=" + strconv.Itoa(n) }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x, err := dcat.NewExport(ctx, st, &pub, dcat.ExportOptions{Profile: dcat.ProfileHealthDCATAP, Page: page, Size: 100, PageURL: url})
		if err != nil {
			b.Fatal(err)
		}
		w := rdf.NewWriter(io.Discard, rdf.FormatTurtle, dcat.Prefixes)
		if _, err := x.Write(ctx, w); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestExportState: an export's State stays as it is while nothing it
// reads changes, and changes with the store's records and with a source's
// address or last change; a source's other harvest state leaves it alone.
func TestExportState(t *testing.T) {
	ctx := context.Background()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := os.Open("../fixtures/feeds/fhi-mfr.ttl")
	if err != nil {
		t.Fatal(err)
	}
	res, err := dcat.Read(f, rdf.FormatTurtle, rdf.Options{})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	src := catalog.Source{Name: "fhi-mfr", URL: "https://data.fhi.no/mfr.ttl"}
	if err := st.PutSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplySnapshot(ctx, "fhi-mfr", &res.Snapshot, catalog.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	pub := dcat.DefaultPublication().WithBase("http://127.0.0.1:8080")
	state := func() string {
		t.Helper()
		x, err := dcat.NewExport(ctx, st, &pub, dcat.ExportOptions{Profile: dcat.ProfileHealthDCATAP})
		if err != nil {
			t.Fatal(err)
		}
		return x.State()
	}
	prev := state()
	for _, step := range []struct {
		name        string
		change      func()
		wantChanged bool
	}{
		{"nothing", func() {}, false},
		{"the source's next run", func() { src.State.NextRun = time.Now(); st.PutSource(ctx, &src) }, false},
		{"the source's last change", func() { src.State.LastChanged = time.Now(); st.PutSource(ctx, &src) }, true},
		{"the source's address", func() { src.URL = "https://data.fhi.no/mfr2.ttl"; st.PutSource(ctx, &src) }, true},
		{"the catalogue's title", func() {
			snap := res.Snapshot
			snap.Catalogs = slices.Clone(snap.Catalogs)
			snap.Catalogs[0].Title = catalog.Text{"nb": "Ny tittel"}
			if _, err := st.ApplySnapshot(ctx, "fhi-mfr", &snap, catalog.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
		}, true},
	} {
		step.change()
		got := state()
		if changed := got != prev; changed != step.wantChanged {
			t.Errorf("after a change of %s: State changed = %v; want %v\n%s", step.name, changed, step.wantChanged, got)
		}
		prev = got
	}
}
