package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/katalog/katalog/catalog"
)

// Rebuild makes a new index at path from the live records of store, in
// bulk (see bulk.go). It builds in a folder beside path and renames it into
// place only when the build is complete, so a failed rebuild leaves the
// old index as it was.
// The caller must not have the index at path open. It returns the number of
// documents indexed.
func Rebuild(ctx context.Context, store catalog.Store, path string) (int, error) {
	tmp := path + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, fmt.Errorf("rebuild index: %w", err)
	}
	// What a rebuild that crashed left of its build.
	if left, err := filepath.Glob(tmp + ".build-*"); err == nil {
		for _, dir := range left {
			os.RemoveAll(dir)
		}
	}
	start := time.Now()
	x, n, err := build(ctx, store, tmp)
	if err == nil {
		slog.Info("search: index built", "documents", n, "took_ms", time.Since(start).Milliseconds())
		err = x.Close()
	}
	if err != nil {
		os.RemoveAll(tmp)
		return 0, fmt.Errorf("rebuild index: %w", err)
	}
	old := path + ".old"
	os.RemoveAll(old)
	if _, err := os.Stat(path); err == nil {
		if err := os.Rename(path, old); err != nil {
			return 0, fmt.Errorf("rebuild index: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, fmt.Errorf("rebuild index: %w", err)
	}
	os.RemoveAll(old)
	return n, nil
}

// build makes a new index at path of the live records of store, read
// beside the build, and opens it.
func build(ctx context.Context, store catalog.Store, path string) (*Index, int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan numbered, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		seq := 0
		err := readDocuments(ctx, store, func(docs []catalog.Document) bool {
			select {
			case batches <- numbered{seq, docs}:
				seq++
				return true
			case <-ctx.Done():
				return false
			}
		})
		if err != nil {
			cancel() // the build stops too
		}
		readErr <- err
	}()
	x, n, err := buildBulk(ctx, cancel, path, batches)
	cancel() // the reader stops, if the build did not take its batches
	rerr := <-readErr
	// Whichever failed first cancelled the other: report its error.
	switch {
	case err != nil && (rerr == nil || !errors.Is(err, context.Canceled)):
		return nil, 0, err
	case rerr != nil:
		if x != nil {
			x.Close()
		}
		return nil, 0, rerr
	}
	return x, n, nil
}

// Fill indexes every live dataset and variable of store into idx. Reading
// the store runs beside indexing: one goroutine gathers the next batch
// while the index takes the last.
func Fill(ctx context.Context, idx catalog.Index, store catalog.Store) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []catalog.Document, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		readErr <- readDocuments(ctx, store, func(docs []catalog.Document) bool {
			select {
			case batches <- docs:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	// Two batches at a time: Bleve builds one's segment on the calling
	// goroutine, which would otherwise leave a core idle.
	var n atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, fillWorkers)
	for w := range fillWorkers {
		wg.Go(func() {
			for docs := range batches {
				if errs[w] != nil {
					continue // drain
				}
				if err := idx.Index(ctx, docs); err != nil {
					errs[w] = err
					cancel()
					continue
				}
				n.Add(int64(len(docs)))
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return int(n.Load()), err
	}
	if err := <-readErr; err != nil {
		return int(n.Load()), err
	}
	return int(n.Load()), ctx.Err()
}

// fillWorkers is how many batches Fill indexes at once.
const fillWorkers = 2

// fillBatch is how many documents Fill indexes at a time.
const fillBatch = 5000

// readDocuments reads every live dataset and variable of store as index
// documents and hands them to emit fillBatch at a time, until emit says
// stop.
func readDocuments(ctx context.Context, store catalog.Store, emit func([]catalog.Document) bool) error {
	datasets, _, err := store.FindDatasets(ctx, catalog.DatasetFilter{})
	if err != nil {
		return err
	}
	docs := make([]catalog.Document, 0, fillBatch)
	flush := func() bool {
		if len(docs) == 0 {
			return true
		}
		ok := emit(docs)
		docs = make([]catalog.Document, 0, fillBatch)
		return ok
	}
	lists := map[string]*catalog.CodeList{} // source + IRI → code list
	for i := range datasets {
		ds := &datasets[i]
		vars, _, err := store.FindVariables(ctx, catalog.VariableFilter{Source: ds.Source, Dataset: ds.IRI})
		if err != nil {
			return err
		}
		members := make([]catalog.Document, 0, len(vars))
		for j := range vars {
			v := &vars[j]
			var cl *catalog.CodeList
			if v.CodeList != "" {
				key := ds.Source + "\x00" + v.CodeList
				if c, ok := lists[key]; ok {
					cl = c
				} else {
					cl, err = store.FindCodeList(ctx, ds.Source, v.CodeList)
					if catalog.ErrorCode(err) == catalog.ENOTFOUND {
						cl, err = nil, nil
					}
					if err != nil {
						return err
					}
					lists[key] = cl
				}
			}
			members = append(members, catalog.Document{Dataset: ds, Variable: v, CodeList: cl})
		}
		docs = append(docs, catalog.Document{Dataset: ds, Members: members})
		for _, m := range members {
			docs = append(docs, m)
			if len(docs) >= fillBatch && !flush() {
				return ctx.Err()
			}
		}
	}
	flush()
	return nil
}
