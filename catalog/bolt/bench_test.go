package bolt

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/katalog/katalog/catalog"
)

// BenchmarkApplySnapshot applies a harvest of 100 datasets of 100 variables
// each: into an empty store, and again unchanged.
func BenchmarkApplySnapshot(b *testing.B) {
	ctx := context.Background()
	b.Run("first", func(b *testing.B) {
		dir := b.TempDir()
		snap := newSnapshot("mfr", 100, 100)
		n := 0
		for b.Loop() {
			b.StopTimer()
			n++
			s, err := Open(filepath.Join(dir, fmt.Sprintf("%d.db", n)))
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			ch, err := s.ApplySnapshot(ctx, "mfr", snap, catalog.ApplyOptions{Now: t1})
			b.StopTimer()
			if err != nil || len(ch.Added) != 10100 {
				b.Fatalf("ApplySnapshot = %d added, %v; want 10100", len(ch.Added), err)
			}
			s.Close()
			b.StartTimer()
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		s := openTest(b)
		if _, err := s.ApplySnapshot(ctx, "mfr", newSnapshot("mfr", 100, 100), catalog.ApplyOptions{Now: t1}); err != nil {
			b.Fatal(err)
		}
		snap := newSnapshot("mfr", 100, 100)
		for b.Loop() {
			ch, err := s.ApplySnapshot(ctx, "mfr", snap, catalog.ApplyOptions{Now: t2})
			if err != nil || ch.Unchanged != 10100 {
				b.Fatalf("ApplySnapshot(same) = %d unchanged, %v; want 10100", ch.Unchanged, err)
			}
		}
	})
}
