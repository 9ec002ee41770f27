package harvest

import (
	"context"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/search"
)

// TestRepairIndex: an index that lost documents, holds a withdrawn record,
// or belongs to a source marked IndexStale is put right from the store.
func TestRepairIndex(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	fs := newFeedServer(t)
	full := readFixture(t, "fhi-msis.ttl")
	fs.serve(200, "text/turtle", full)
	e.addSource(t, catalog.Source{Name: "msis", URL: fs.URL})
	e.addSource(t, catalog.Source{Name: "sysvak", URL: "fhi-sysvak.ttl"})
	e.run(t, "msis")
	e.run(t, "sysvak")
	want, _ := e.index.Count()
	if live, err := e.h.liveRecords(ctx); err != nil || uint64(live) != want {
		t.Fatalf("after two good runs: %d live records (%v), %d documents; want equal", live, err, want)
	}
	if repaired, err := e.h.RepairIndex(ctx); err != nil || len(repaired) != 0 {
		t.Fatalf("RepairIndex on a matching index = %v, %v; want nothing to do", repaired, err)
	}

	// A crash after the store took a run that withdrew a dataset, before
	// the index heard of it: the index is the one from before the run.
	ds, _, _ := e.store.FindDatasets(ctx, catalog.DatasetFilter{Source: "msis"})
	gone := ds[0]
	fs.serve(200, "application/n-triples", withoutResource(t, full, gone.IRI))
	saved := e.h.Index
	e.h.Index = nil // the run stores but does not index
	e.run(t, "msis")
	e.h.Index = saved
	if n, _ := e.index.Count(); n != want {
		t.Fatalf("the index changed without the harvester: %d documents, want %d", n, want)
	}
	repaired, err := e.h.RepairIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(repaired) != 2 {
		t.Errorf("repaired %v; want both sources (the counts differ)", repaired)
	}
	live, _ := e.h.liveRecords(ctx)
	if n, _ := e.index.Count(); n != uint64(live) || n != want-uint64(1+gone.VariableCount) {
		t.Errorf("after the repair: %d documents, %d live records; want %d", n, live, want-uint64(1+gone.VariableCount))
	}
	res, err := e.index.Search(ctx, &catalog.SearchRequest{Filters: map[string][]string{catalog.FacetDataset: {gone.Identifier}}})
	if err != nil || res.Total != 0 {
		t.Errorf("the withdrawn dataset still has %d documents (%v)", res.Total, err)
	}

	// An empty index and a source marked stale: both sources come back, and
	// the mark is cleared.
	src, _ := e.store.FindSource(ctx, "sysvak")
	src.State.IndexStale = true
	e.store.PutSource(ctx, src)
	fresh, err := search.NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	e.index, e.h.Index = fresh, fresh
	if _, err := e.h.RepairIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := fresh.Count(); n != uint64(live) {
		t.Errorf("an empty index repaired to %d documents; want %d", n, live)
	}
	if src, _ := e.store.FindSource(ctx, "sysvak"); src.State.IndexStale {
		t.Errorf("IndexStale still set after the repair")
	}
}
