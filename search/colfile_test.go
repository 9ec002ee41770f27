package search_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/search"
)

// TestColumnFiles checks that an index opened again reads its facet
// columns from disk and answers as before, and that a damaged file is
// built again rather than believed.
func TestColumnFiles(t *testing.T) {
	defer search.KeepColumnsFrom(1)()
	path := filepath.Join(t.TempDir(), "idx")
	x, err := search.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	index(t, x, corpus())
	if _, err := x.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	req := catalog.SearchRequest{Query: "kjønn", Filters: map[string][]string{catalog.FacetPublisher: {"Folkehelseinstituttet"}}}
	want := run(t, x, req)
	dir := search.ColumnsDir(x)
	x.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*.cols"))
	if len(files) != 1 {
		t.Fatalf("column files after a search of a compacted index: %v; want one", files)
	}

	reopen := func(what string) {
		t.Helper()
		x, err := search.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		search.WithoutCache(x)
		got := run(t, x, req)
		if got.Total != want.Total || !reflect.DeepEqual(identifiers(got.Hits), identifiers(want.Hits)) || !reflect.DeepEqual(got.Facets, want.Facets) {
			t.Errorf("%s: %d %v %v; want %d %v %v", what, got.Total, identifiers(got.Hits), got.Facets, want.Total, identifiers(want.Hits), want.Facets)
		}
		if n := search.ColumnsLoaded(x); (n == 1) != (what == "reopened") {
			t.Errorf("%s: columns of %d segments read from disk", what, n)
		}
	}
	reopen("reopened")

	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(files[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	reopen("damaged")
	if again, err := os.ReadFile(files[0]); err != nil || reflect.DeepEqual(again, data) {
		t.Errorf("the damaged column file was not written again (%v)", err)
	}
	reopen("reopened")
}
