package search

import (
	"context"

	"github.com/katalog/katalog/catalog"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
)

// WithoutCache turns the result cache of x off, so that benchmarks measure
// every search.
func WithoutCache(x *Index) { x.cache = nil }

// SplitAfter sets after how many matches a search shares its pass with
// the other cores, and returns a function that restores it.
func SplitAfter(n int) (restore func()) {
	old := splitAfter
	splitAfter = n
	return func() { splitAfter = old }
}

// EvalMatches returns every match of text (relaxed: any of its words)
// with its score, as the fast path scores it, by the evaluator of eval.go
// and by Bleve's searchers, both on one snapshot (Bleve's merger renumbers
// documents as it goes). ok is false if the evaluator does not take the
// query.
func EvalMatches(x *Index, text string, relaxed bool) (docs []uint64, scores []float64, want []uint64, wantScores []float64, ok bool, err error) {
	ctx := context.Background()
	tq, err := x.textQuery(ctx, text, relaxed)
	if err != nil {
		return nil, nil, nil, nil, false, err
	}
	r, err := x.reader()
	if err != nil {
		return nil, nil, nil, nil, false, err
	}
	defer r.Close()
	snap := r.(*scorch.IndexSnapshot)
	cols, _ := x.cols.forSnapshot(snap, true)
	p := &fastPage{snap: snap, cols: cols, offs: offsets(snap)}
	prog, ok, err := compileQuery(snap, tq.q, x.postings)
	if !ok || err != nil {
		return nil, nil, nil, nil, false, err
	}
	err = p.scanEval(ctx, prog, newChunks(p.offs[len(p.offs)-1]), func(doc uint64, score float64, _ *segColumns, _ uint64) {
		docs = append(docs, doc)
		scores = append(scores, score)
	}, nil)
	if err != nil {
		return nil, nil, nil, nil, false, err
	}
	s, err := tq.q.Searcher(ctx, snap, x.idx.Mapping(), bsearch.SearcherOptions{})
	if err != nil {
		return nil, nil, nil, nil, false, err
	}
	defer s.Close()
	err = p.scanQuery(ctx, s, newChunks(p.offs[len(p.offs)-1]), func(doc uint64, score float64, _ *segColumns, _ uint64) {
		want = append(want, doc)
		wantScores = append(wantScores, score)
	}, nil)
	return docs, scores, want, wantScores, true, err
}

// DatasetsNamed returns the identifiers of the datasets named by text, the
// best first, as the query builder finds them (by the evaluator) and as a
// Bleve search finds them.
func DatasetsNamed(x *Index, text string) (got, want []string, err error) {
	ctx := context.Background()
	b := &builder{x: x, ctx: ctx}
	defer b.close()
	q := b.datasetQuery(text)
	if q == nil {
		return nil, nil, nil
	}
	if got, err = b.datasetsNamed(text); err != nil {
		return nil, nil, err
	}
	want, err = x.topIdentifiersBleve(ctx, q, maxNamedDatasets)
	return got, want, err
}

// Finds reports whether any record matches text under req's type and
// filters, as the spelling check asks it (by the evaluator) and by Bleve's
// searchers.
func Finds(x *Index, req *catalog.SearchRequest, text string) (got, want bool, err error) {
	ctx := context.Background()
	tq, err := x.textQuery(ctx, text, false)
	if err != nil {
		return false, false, err
	}
	if got, err = x.finds(ctx, req, tq.q); err != nil {
		return false, false, err
	}
	r, err := x.reader()
	if err != nil {
		return false, false, err
	}
	defer r.Close()
	want, err = findsBleve(ctx, r, x.idx.Mapping(), buildQuery(req, "", tq.q))
	return got, want, err
}

// DecodeFrom sets the fewest postings of a list kept decoded, and returns
// a function that restores it.
func DecodeFrom(n uint64) (restore func()) {
	old := decodeFrom
	decodeFrom = n
	return func() { decodeFrom = old }
}

// ColumnsLoaded returns how many segments' facet columns x read from disk.
func ColumnsLoaded(x *Index) int64 { return x.cols.loaded.Load() }

// ColumnsDir is the folder of x's column files.
func ColumnsDir(x *Index) string { return x.cols.dir }

// KeepColumnsFrom sets the fewest documents of a segment whose columns are
// kept on disk, and returns a function that restores it.
func KeepColumnsFrom(n uint64) (restore func()) {
	old := colFileMin
	colFileMin = n
	return func() { colFileMin = old }
}

// ReadDocuments reads the index documents of store as Fill does, fillBatch
// at a time.
func ReadDocuments(ctx context.Context, store catalog.Store, emit func([]catalog.Document) bool) error {
	return readDocuments(ctx, store, emit)
}

// BuildBulk makes a new index at path of batches as Rebuild does, and
// opens it.
func BuildBulk(ctx context.Context, path string, batches [][]catalog.Document) (*Index, int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan numbered)
	go func() {
		defer close(ch)
		for i, docs := range batches {
			select {
			case ch <- numbered{i, docs}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return buildBulk(ctx, cancel, path, ch)
}
