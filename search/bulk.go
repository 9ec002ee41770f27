package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
	"github.com/katalog/katalog/catalog"
)

// Bulk build. Bleve's writer takes a batch at a time: it analyses the
// batch, builds its segment, waits while the segment is introduced and
// persisted, and merges segments in the background again and again as
// they pile up; a rebuild then merges what is left into one. For a whole
// index at once, bulk does the work once, on every core: each batch is
// analysed and built into a segment in memory by whichever core is free,
// every run of bulkRun consecutive segments is merged into a file as soon
// as it is complete, and the runs are merged into the one segment the
// index keeps, its documents in the order of the batches.
// The index around it (its mapping, the file that names its segments) is
// made by Bleve's own offline builder, whose segment is then replaced by
// the one built here.

// bulkRun is how many consecutive batch segments are merged into one
// while the build goes on.
const bulkRun = 10

// bulk is a build in progress.
type bulk struct {
	dir     string // where segment files are built
	mapping mapping.IndexMapping
	plugin  zap.ZapPlugin

	stop chan struct{} // closed when the build is cancelled: merges stop

	mu      sync.Mutex
	batches []segment.Segment // in memory, by batch number; nil until built or once merged
	runs    []string          // files of merged runs by run number; "" until merged
	labels  map[string]map[string]catalog.Text
	docs    int
}

// numbered is a batch and its place in the build.
type numbered struct {
	seq  int
	docs []catalog.Document
}

// buildBulk makes a new index at path, which must not exist, of the
// batches it receives until the channel closes, and opens it. After an
// error it calls cancel, so that the sender stops, removes what it built
// and returns the error; it drains the channel unless it could not start.
func buildBulk(ctx context.Context, cancel context.CancelFunc, path string, batches <-chan numbered) (*Index, int, error) {
	dir, err := os.MkdirTemp(filepath.Dir(path), filepath.Base(path)+".build-")
	if err != nil {
		cancel()
		return nil, 0, err
	}
	defer os.RemoveAll(dir)
	b := &bulk{dir: dir, mapping: newMapping(), stop: make(chan struct{}), labels: map[string]map[string]catalog.Text{}}
	defer context.AfterFunc(ctx, func() { close(b.stop) })()
	specs := fieldSpecs(b.mapping)
	var wg sync.WaitGroup
	errs := make([]error, runtime.GOMAXPROCS(0))
	for w := range errs {
		wg.Go(func() {
			m := newDocMapper(specs)
			for batch := range batches {
				if errs[w] != nil || ctx.Err() != nil {
					continue // drain
				}
				if err := b.add(m, batch); err != nil {
					errs[w] = err
					cancel()
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, 0, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	final, err := b.finish()
	if err != nil {
		return nil, 0, err
	}
	x, err := b.install(path, final)
	if err != nil {
		os.RemoveAll(path)
		return nil, 0, err
	}
	return x, b.docs, nil
}

// add builds a batch's segment, with m, and merges its run if that
// completes it.
func (b *bulk) add(m *docMapper, batch numbered) error {
	results := make([]index.Document, 0, len(batch.docs))
	for _, d := range batch.docs {
		doc, err := b.analyse(m, d)
		if err != nil {
			return fmt.Errorf("index <%s>: %w", d.IRI(), err)
		}
		results = append(results, doc)
	}
	seg, _, err := b.plugin.New(results)
	if err != nil {
		return fmt.Errorf("build segment: %w", err)
	}
	b.mu.Lock()
	for batch.seq >= len(b.batches) {
		b.batches = append(b.batches, nil)
	}
	b.batches[batch.seq] = seg
	b.docs += len(batch.docs)
	for _, d := range batch.docs {
		learnLabels(b.labels, d)
	}
	run := batch.seq / bulkRun
	var segs []segment.Segment
	for seq := run * bulkRun; seq < (run+1)*bulkRun && seq < len(b.batches); seq++ {
		if b.batches[seq] == nil {
			break
		}
		segs = append(segs, b.batches[seq])
	}
	if len(segs) < bulkRun {
		b.mu.Unlock()
		return nil
	}
	for seq := run * bulkRun; seq < (run+1)*bulkRun; seq++ {
		b.batches[seq] = nil
	}
	b.mu.Unlock()
	merged := filepath.Join(b.dir, fmt.Sprintf("r%d.zap", run))
	if err := b.merge(segs, merged); err != nil {
		return err
	}
	b.mu.Lock()
	for run >= len(b.runs) {
		b.runs = append(b.runs, "")
	}
	b.runs[run] = merged
	b.mu.Unlock()
	return nil
}

// analyse maps a catalog document to Bleve's and analyses its fields.
func (b *bulk) analyse(m *docMapper, d catalog.Document) (index.Document, error) {
	fields := m.fields()
	id, err := bleveDoc(d, fields)
	if err != nil {
		return nil, err
	}
	doc, err := m.document(id, fields)
	if err != nil {
		return nil, err
	}
	doc.AddIDField()
	// docMapper adds no composite field (the mapping has no _all): each
	// indexed field is analysed on its own.
	doc.VisitFields(func(f index.Field) {
		if f.Options().IsIndexed() {
			f.Analyze()
		}
	})
	return doc, nil
}

// merge merges segments into one at out, in their order, and closes
// them.
func (b *bulk) merge(segs []segment.Segment, out string) error {
	defer closeAll(segs)
	if _, _, err := b.plugin.Merge(segs, make([]*roaring.Bitmap, len(segs)), out, b.stop, nil); err != nil {
		return fmt.Errorf("merge segments: %w", err)
	}
	return nil
}

func closeAll(segs []segment.Segment) {
	for _, s := range segs {
		s.Close()
	}
}

// finish merges every segment built into one and returns its file; "" if
// there were no documents.
func (b *bulk) finish() (string, error) {
	var segs []segment.Segment
	for run := 0; run*bulkRun < len(b.batches); run++ {
		if run < len(b.runs) && b.runs[run] != "" {
			s, err := b.plugin.Open(b.runs[run])
			if err != nil {
				closeAll(segs)
				return "", fmt.Errorf("merge segments: %w", err)
			}
			segs = append(segs, s)
			continue
		}
		for seq := run * bulkRun; seq < min((run+1)*bulkRun, len(b.batches)); seq++ {
			if s := b.batches[seq]; s != nil {
				segs = append(segs, s)
			}
		}
	}
	if len(segs) == 0 {
		return "", nil
	}
	out := filepath.Join(b.dir, "final.zap")
	return out, b.merge(segs, out)
}

// install makes the index at path around the segment file final (none:
// an empty index) and opens it.
func (b *bulk) install(path, final string) (*Index, error) {
	if final == "" {
		return Open(path)
	}
	// Bleve's offline builder writes the index's metadata and the file
	// naming its one segment, which names nothing else; its segment, of one
	// empty document, then gives way to the one built here.
	builder, err := bleve.NewBuilder(path, b.mapping, map[string]any{"buildPathPrefix": b.dir})
	if err != nil {
		return nil, err
	}
	if err := builder.Index("\x00bulk", map[string]any{}); err != nil {
		return nil, err
	}
	if err := builder.Close(); err != nil {
		return nil, err
	}
	zaps, err := filepath.Glob(filepath.Join(path, "store", "*.zap"))
	if err != nil {
		return nil, err
	}
	if len(zaps) != 1 {
		return nil, fmt.Errorf("bulk build: Bleve's builder wrote %d segments, want 1", len(zaps))
	}
	if err := os.Rename(final, zaps[0]); err != nil {
		return nil, err
	}
	idx, err := bleve.Open(path)
	if err != nil {
		return nil, err
	}
	labels, err := json.Marshal(b.labels)
	if err == nil {
		err = idx.SetInternal([]byte(internalVersion), []byte(mappingVersion))
	}
	if err == nil {
		err = idx.SetInternal([]byte(internalLabels), labels)
	}
	var x *Index
	if err == nil {
		x, err = newIndex(idx, path, false)
	}
	if err != nil {
		idx.Close()
		return nil, err
	}
	return x, nil
}
