package search_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/search"
)

// corpusStore returns a store in a temporary folder that holds the corpus,
// harvested from one source per publisher.
func corpusStore(t *testing.T) *bolt.DB {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "katalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	snaps := map[string]*catalog.Snapshot{}
	lists := map[string]map[string]bool{}
	for _, d := range corpus() {
		src := d.Dataset.Source
		if snaps[src] == nil {
			snaps[src], lists[src] = &catalog.Snapshot{}, map[string]bool{}
		}
		snap := snaps[src]
		if d.Variable == nil {
			snap.Datasets = append(snap.Datasets, *d.Dataset)
			continue
		}
		snap.Variables = append(snap.Variables, *d.Variable)
		if cl := d.CodeList; cl != nil && !lists[src][cl.IRI] {
			lists[src][cl.IRI] = true
			snap.CodeLists = append(snap.CodeLists, *cl)
		}
	}
	for src, snap := range snaps {
		if _, err := store.ApplySnapshot(context.Background(), src, snap, catalog.ApplyOptions{}); err != nil {
			t.Fatalf("ApplySnapshot(%s) = %v", src, err)
		}
	}
	return store
}

func TestFill(t *testing.T) {
	store := corpusStore(t)
	x := backends[0].open(t)
	n, err := search.Fill(context.Background(), x, store)
	if err != nil || n != 20 {
		t.Fatalf("Fill() = %d, %v; want 20", n, err)
	}
	if c, err := x.Count(); err != nil || c != 20 {
		t.Errorf("Count() after Fill = %d, %v; want 20", c, err)
	}
	res := run(t, x, catalog.SearchRequest{Query: "SVLEN"})
	if len(res.Hits) != 1 || res.Hits[0].Source != "fhi" || res.Hits[0].Dataset.Identifier != "MFR" {
		t.Errorf("Search(\"SVLEN\") after Fill = %+v; want MFR:SVLEN of source fhi", res.Hits)
	}
}

func TestRebuild(t *testing.T) {
	ctx := context.Background()
	store := corpusStore(t)
	path := filepath.Join(t.TempDir(), "idx")

	n, err := search.Rebuild(ctx, store, path)
	if err != nil || n != 20 {
		t.Fatalf("Rebuild() = %d, %v; want 20", n, err)
	}
	x, err := search.Open(path)
	if err != nil {
		t.Fatalf("Open(rebuilt index) = %v", err)
	}
	// The rebuilt index answers like one indexed from the documents: code
	// lists, titles and facets all came from the store.
	for _, tt := range searchCases {
		res := run(t, x, tt.req)
		if res.Total != tt.total {
			t.Errorf("rebuilt index: Search(%s) total = %d; want %d", describe(tt.req), res.Total, tt.total)
		}
	}
	checkLabels(t, run(t, x, catalog.SearchRequest{}))
	x.Close()

	// A harvest that withdraws a dataset, then a rebuild: the tombstones
	// are not indexed.
	lpr := corpusDataset("LPR")
	if _, err := store.ApplySnapshot(ctx, lpr.Source, &catalog.Snapshot{}, catalog.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if n, err := search.Rebuild(ctx, store, path); err != nil || n != 16 {
		t.Fatalf("Rebuild() after withdrawing LPR = %d, %v; want 16", n, err)
	}
	x, err = search.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if res := run(t, x, catalog.SearchRequest{Query: "Landspatientregistret"}); res.Total != 0 {
		t.Errorf("Search(\"Landspatientregistret\") after the rebuild = %v; want no hits", identifiers(res.Hits))
	}
	if c, _ := x.Count(); c != 16 {
		t.Errorf("Count() after the rebuild = %d; want 16", c)
	}
	x.Close()

	// A rebuild that cannot write its build fails, and says why.
	done := make(chan error, 1)
	go func() {
		_, err := search.Rebuild(ctx, store, filepath.Join(path, "missing", "idx"))
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || errors.Is(err, context.Canceled) {
			t.Errorf("Rebuild(in a missing folder) = %v; want the folder's error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Rebuild(in a missing folder) hangs")
	}

	// A rebuild that fails leaves the old index as it was.
	store.Close()
	if _, err := search.Rebuild(ctx, store, path); err == nil {
		t.Fatalf("Rebuild(closed store) = nil error; want one")
	}
	x, err = search.Open(path)
	if err != nil {
		t.Fatalf("Open() after a failed rebuild = %v", err)
	}
	defer x.Close()
	if c, _ := x.Count(); c != 16 {
		t.Errorf("Count() after a failed rebuild = %d; want the old 16", c)
	}
	if res := run(t, x, catalog.SearchRequest{Query: "blodtrykket"}); res.Total != 2 {
		t.Errorf("Search(\"blodtrykket\") after a failed rebuild total = %d; want 2", res.Total)
	}
	for _, leftover := range []string{path + ".new", path + ".old"} {
		if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Stat(%s) after a failed rebuild = %v; want it gone", leftover, err)
		}
	}
}

func TestOpenStale(t *testing.T) {
	// An index Katalog did not make, or made before mappings had versions.
	path := filepath.Join(t.TempDir(), "idx")
	idx, err := bleve.New(path, bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	idx.Close()
	for range 2 { // the first failed Open must release the index
		done := make(chan error, 1)
		go func() {
			x, err := search.Open(path)
			if err == nil {
				x.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, search.ErrStale) {
				t.Errorf("Open(index without a mapping version) = %v; want ErrStale", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Open(index without a mapping version) did not return")
		}
	}
}

func TestOpenNotAnIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idx")
	if err := os.WriteFile(path, []byte("not an index"), 0o644); err != nil {
		t.Fatal(err)
	}
	x, err := search.Open(path)
	if err == nil {
		x.Close()
		t.Fatalf("Open(a plain file) = nil error; want one")
	}
	if errors.Is(err, search.ErrStale) {
		t.Errorf("Open(a plain file) = %v; want an error other than ErrStale", err)
	}
}

func TestCompact(t *testing.T) {
	ctx := context.Background()
	x, err := search.Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	// A segment per document; Bleve's own merging may have joined them
	// all by the time Compact runs on a busy machine, so index them again
	// (replacing them) a few times until it finds several.
	var before int
	var want *catalog.SearchResult
	for round := 0; round < 5 && before < 2; round++ {
		for _, d := range corpus() {
			index(t, x, []catalog.Document{d})
		}
		want = run(t, x, catalog.SearchRequest{Query: "svangerskapslengde"})
		if want.Total == 0 {
			t.Fatal("Search(svangerskapslengde) found nothing")
		}
		var err error
		if before, err = x.Compact(ctx); err != nil {
			t.Fatalf("Compact() = %v", err)
		}
	}
	if before < 2 {
		t.Fatalf("Compact() found %d segments after %d batches, five times; want several", before, len(corpus()))
	}
	if n, err := x.Compact(ctx); err != nil || n != 1 {
		t.Errorf("Compact() again found %d segments, %v; want 1", n, err)
	}
	got := run(t, x, catalog.SearchRequest{Query: "svangerskapslengde"})
	if got.Total != want.Total || !slices.Equal(identifiers(got.Hits), identifiers(want.Hits)) {
		t.Errorf("after Compact: %d hits %v; before: %d hits %v", got.Total, identifiers(got.Hits), want.Total, identifiers(want.Hits))
	}
	if n, _ := x.Count(); n != uint64(len(corpus())) {
		t.Errorf("Count() after Compact = %d; want %d", n, len(corpus()))
	}
}

// DiskSize is the bytes of the index's files, which grow as it fills (the
// merger works in the background, so no exact size is certain).
func TestDiskSize(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "idx")
	x, err := search.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	empty, err := x.DiskSize()
	if err != nil || empty <= 0 {
		t.Fatalf("DiskSize() of an empty index = %d, %v; want its metadata's bytes", empty, err)
	}
	if _, err := search.Fill(ctx, x, corpusStore(t)); err != nil {
		t.Fatal(err)
	}
	full, err := x.DiskSize()
	if err != nil || full <= empty {
		t.Errorf("DiskSize() after Fill = %d, %v; want more than the empty index's %d", full, err, empty)
	}
	mem, err := search.NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if n, err := mem.DiskSize(); n != 0 || err != nil {
		t.Errorf("DiskSize() of an index in memory = %d, %v; want 0", n, err)
	}
}

// TestBuildBulk checks that an index built in bulk, a batch of one
// document at a time (so that runs of batches are merged, then the runs),
// answers the searches of TestSearch, the corrections of TestCorrection and
// the suggestions of TestSuggestFollowsChanges as an index the documents
// were written to.
func TestBuildBulk(t *testing.T) {
	docs := withMembers(corpus())
	var batches [][]catalog.Document
	for i := range docs {
		batches = append(batches, docs[i:i+1])
	}
	x, n, err := search.BuildBulk(context.Background(), filepath.Join(t.TempDir(), "idx"), batches)
	if err != nil || n != len(docs) {
		t.Fatalf("BuildBulk() = %d, %v; want %d", n, err, len(docs))
	}
	defer x.Close()
	checkSearchCases(t, x)
	for _, tt := range correctionCases {
		if res := run(t, x, tt.req); res.Correction != tt.want {
			t.Errorf("Search(%s) [%s]: correction %q; want %q", describe(tt.req), tt.name, res.Correction, tt.want)
		}
	}
	checkLabels(t, run(t, x, catalog.SearchRequest{}))
	written := backends[0].open(t)
	index(t, written, corpus())
	if got, want := suggestions(t, x, true), suggestions(t, written, true); !slices.Equal(got, want) {
		t.Errorf("built in bulk, the index suggests\n%q\nwant\n%q", got, want)
	}
}
