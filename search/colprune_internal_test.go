package search

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPruneColumns checks that the columns of retired segments (and their
// files) go once there are more than two, but not those being built.
func TestPruneColumns(t *testing.T) {
	c := newColumns()
	c.dir = t.TempDir()
	for id := uint64(1); id <= 5; id++ {
		c.segs[id] = &segColumns{}
		if err := os.WriteFile(colPath(c.dir, id), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c.building[6] = true
	c.prune(map[uint64]bool{4: true, 5: true, 6: true})
	if len(c.segs) != 5 {
		t.Fatalf("pruned with three retired of five: %d left", len(c.segs))
	}
	c.segs[7] = &segColumns{}
	c.prune(map[uint64]bool{5: true, 7: true})
	for id := uint64(1); id <= 7; id++ {
		_, kept := c.segs[id]
		_, err := os.Stat(colPath(c.dir, id))
		want := id == 5 || id == 7
		if kept != want || (id <= 5 && (err == nil) != want) {
			t.Errorf("segment %d: kept %v, file %v; want %v", id, kept, err == nil, want)
		}
	}
	if files, _ := filepath.Glob(filepath.Join(c.dir, "*.cols")); len(files) != 1 {
		t.Errorf("files left: %v; want segment 5's", files)
	}
}
