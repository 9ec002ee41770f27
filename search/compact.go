package search

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Compaction: a search looks up each of its terms in every segment of the
// index, so an index of one segment answers a narrow query about twice as
// fast as the score of segments Bleve's merge policy leaves after a bulk
// load. Rebuild compacts its new index before it goes into place; a
// serving index compacts in the background once many documents have been
// written and the writing has paused.

// Compaction thresholds of a serving index.
const (
	compactAfterWrites = 100_000          // documents written since the last compaction
	compactIdle        = 30 * time.Second // without writes
	compactCheck       = 5 * time.Second
)

// compactor runs background compactions of an index.
type compactor struct {
	lastWrite atomic.Int64  // unix nanoseconds of the last write
	since     atomic.Uint64 // documents written since the last compaction
	stop      chan struct{}
	wg        sync.WaitGroup
	once      sync.Once
}

// wrote notes that n documents were written.
func (c *compactor) wrote(n int) {
	c.since.Add(uint64(n))
	c.lastWrite.Store(time.Now().UnixNano())
}

// start compacts x in the background whenever the thresholds are met,
// until close.
func (c *compactor) start(x *Index) {
	c.stop = make(chan struct{})
	c.wg.Go(func() {
		t := time.NewTicker(compactCheck)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
			}
			idle := time.Since(time.Unix(0, c.lastWrite.Load())) >= compactIdle
			if n := c.since.Load(); n < compactAfterWrites || !idle {
				continue
			}
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				select {
				case <-c.stop:
				case <-ctx.Done():
				}
				cancel()
			}()
			start := time.Now()
			segs, err := x.Compact(ctx)
			cancel()
			if err != nil {
				slog.Error("search: compact", "err", err)
				continue
			}
			slog.Info("search: compacted", "segments", segs, "took", time.Since(start).Round(time.Millisecond))
		}
	})
}

func (c *compactor) close() {
	c.once.Do(func() {
		if c.stop != nil {
			close(c.stop)
		}
	})
	c.wg.Wait()
}

// Compact merges the segments of the index into one and returns how many
// segments it had before.
func (x *Index) Compact(ctx context.Context) (int, error) {
	x.compact.since.Store(0)
	adv, err := x.idx.Advanced()
	if err != nil {
		return 0, err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return 0, nil // in memory
	}
	segments := func() (int, error) {
		r, err := s.Reader()
		if err != nil {
			return 0, err
		}
		defer r.Close()
		return len(r.(*scorch.IndexSnapshot).Segments()), nil
	}
	before, err := segments()
	if err != nil {
		return 0, err
	}
	// A force merge merges ten segments at a time: a few rounds make one.
	for n := before; n > 1; {
		if err := s.ForceMerge(ctx, nil); err != nil {
			return before, fmt.Errorf("compact search index: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return before, err
		}
		after, err := segments()
		if err != nil {
			return before, err
		}
		if after >= n {
			break // writes meanwhile: enough for now
		}
		n = after
	}
	return before, nil
}
