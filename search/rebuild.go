package search

import (
	"context"
	"fmt"
	"os"

	"github.com/katalog/katalog/catalog"
)

// Rebuild makes a new index at path from the live records of store. It
// builds in a folder beside path and renames it into place only when the
// build is complete, so a failed rebuild leaves the old index as it was.
// The caller must not have the index at path open. It returns the number of
// documents indexed.
func Rebuild(ctx context.Context, store catalog.Store, path string) (int, error) {
	tmp := path + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, fmt.Errorf("rebuild index: %w", err)
	}
	x, err := Open(tmp)
	if err != nil {
		return 0, fmt.Errorf("rebuild index: %w", err)
	}
	n, err := Fill(ctx, x, store)
	if cerr := x.Close(); err == nil {
		err = cerr
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

// Fill indexes every live dataset and variable of store into idx.
func Fill(ctx context.Context, idx catalog.Index, store catalog.Store) (int, error) {
	datasets, _, err := store.FindDatasets(ctx, catalog.DatasetFilter{})
	if err != nil {
		return 0, err
	}
	const batch = 2000
	n := 0
	docs := make([]catalog.Document, 0, batch)
	flush := func() error {
		if len(docs) == 0 {
			return nil
		}
		n += len(docs)
		err := idx.Index(ctx, docs)
		docs = docs[:0]
		return err
	}
	lists := map[string]*catalog.CodeList{} // source + IRI → code list
	for i := range datasets {
		ds := &datasets[i]
		docs = append(docs, catalog.Document{Dataset: ds})
		vars, _, err := store.FindVariables(ctx, catalog.VariableFilter{Source: ds.Source, Dataset: ds.IRI})
		if err != nil {
			return n, err
		}
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
						return n, err
					}
					lists[key] = cl
				}
			}
			docs = append(docs, catalog.Document{Dataset: ds, Variable: v, CodeList: cl})
			if len(docs) >= batch {
				if err := flush(); err != nil {
					return n, err
				}
			}
		}
	}
	return n, flush()
}
