package dcat_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

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
