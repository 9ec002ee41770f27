package bolt

import (
	"bytes"
	"context"
	"fmt"

	"github.com/katalog/katalog/catalog"
	bolt "go.etcd.io/bbolt"
)

// FindDatasetByID implements catalog.Store.
func (s *DB) FindDatasetByID(ctx context.Context, identifier string) (*catalog.Dataset, error) {
	var d catalog.Dataset
	err := s.db.View(func(tx *bolt.Tx) error {
		return findByID(tx, catalog.KindDataset, identifier, &d)
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// FindVariableByID implements catalog.Store.
func (s *DB) FindVariableByID(ctx context.Context, identifier string) (*catalog.Variable, error) {
	var v catalog.Variable
	err := s.db.View(func(tx *bolt.Tx) error {
		return findByID(tx, catalog.KindVariable, identifier, &v)
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func findByID(tx *bolt.Tx, kind catalog.RecordKind, identifier string, dst any) error {
	ref := tx.Bucket([]byte(bucketIDs)).Get(idKey(kind, identifier))
	if ref == nil {
		return catalog.Errorf(catalog.ENOTFOUND, "no %s with identifier %q", kind, identifier)
	}
	source, iri := splitIDValue(ref)
	return getRecord(tx, source, recordBucket(kind), iri, dst)
}

func getRecord(tx *bolt.Tx, source, bucket, iri string, dst any) error {
	b := sourceBucket(tx, source, bucket)
	var v []byte
	if b != nil {
		v = b.Get([]byte(iri))
	}
	if v == nil {
		return catalog.Errorf(catalog.ENOTFOUND, "source %q has no record <%s>", source, iri)
	}
	h, err := decodeHeader(v)
	if err != nil {
		return fmt.Errorf("record <%s>: %w", iri, err)
	}
	return h.decode(dst)
}

// FindDatasetByIRI implements catalog.Store.
func (s *DB) FindDatasetByIRI(ctx context.Context, source, iri string) (*catalog.Dataset, error) {
	var d catalog.Dataset
	err := s.db.View(func(tx *bolt.Tx) error {
		return getRecord(tx, source, bucketDatasets, iri, &d)
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// FindDatasets implements catalog.Store.
func (s *DB) FindDatasets(ctx context.Context, f catalog.DatasetFilter) ([]catalog.Dataset, int, error) {
	var out []catalog.Dataset
	total := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachSource(tx, f.Source, bucketDatasets, func(b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				h, err := decodeHeader(v)
				if err != nil {
					return fmt.Errorf("dataset <%s>: %w", k, err)
				}
				if h.withdrawn && !f.Withdrawn {
					return nil
				}
				total++
				if total <= f.Offset || (f.Size > 0 && len(out) >= f.Size) {
					return nil
				}
				var d catalog.Dataset
				if err := h.decode(&d); err != nil {
					return fmt.Errorf("dataset <%s>: %w", k, err)
				}
				out = append(out, d)
				return nil
			})
		})
	})
	return out, total, err
}

// FindVariables implements catalog.Store.
func (s *DB) FindVariables(ctx context.Context, f catalog.VariableFilter) ([]catalog.Variable, int, error) {
	if f.Dataset != "" && f.Source == "" {
		return nil, 0, catalog.Errorf(catalog.EINVALID, "find variables of a dataset: no source given")
	}
	var out []catalog.Variable
	var scratch []byte
	total := 0
	keep := func(k, v []byte) error {
		h, err := decodeHeader(v)
		if err != nil {
			return fmt.Errorf("variable <%s>: %w", k, err)
		}
		if h.withdrawn && !f.Withdrawn {
			return nil
		}
		total++
		if total <= f.Offset || (f.Size > 0 && len(out) >= f.Size) {
			return nil
		}
		var vr catalog.Variable
		if err := h.decodeWith(&scratch, &vr); err != nil {
			return fmt.Errorf("variable <%s>: %w", k, err)
		}
		out = append(out, vr)
		return nil
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		if f.Dataset == "" {
			return forEachSource(tx, f.Source, bucketVariables, func(b *bolt.Bucket) error {
				return b.ForEach(keep)
			})
		}
		order := sourceBucket(tx, f.Source, bucketOrder)
		vars := sourceBucket(tx, f.Source, bucketVariables)
		if order == nil || vars == nil {
			return nil
		}
		// The order list of a withdrawn dataset is no longer maintained, so
		// its variables may since have moved to another dataset.
		check := false
		if ds := sourceBucket(tx, f.Source, bucketDatasets); ds != nil {
			if h, err := decodeHeader(ds.Get([]byte(f.Dataset))); err == nil {
				check = h.withdrawn
			}
		}
		prefix := orderPrefix(f.Dataset)
		c := order.Cursor()
		n := 0
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			n++
		}
		if f.Size > 0 {
			n = min(n, f.Size)
		}
		out = make([]catalog.Variable, 0, n)
		vc := vars.Cursor() // one cursor for all: Get makes one each time
		for k, iri := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, iri = c.Next() {
			vk, v := vc.Seek(iri)
			if !bytes.Equal(vk, iri) || v == nil {
				return fmt.Errorf("dataset <%s> lists variable <%s>, which is not stored", f.Dataset, iri)
			}
			if check && !belongsTo(v, f.Dataset) {
				continue // moved to another dataset since this one was withdrawn
			}
			if err := keep(iri, v); err != nil {
				return err
			}
		}
		return nil
	})
	return out, total, err
}

// forEachSource calls fn with the named nested bucket of one source, or of
// every source when source is "".
func forEachSource(tx *bolt.Tx, source, bucket string, fn func(*bolt.Bucket) error) error {
	if source != "" {
		if b := sourceBucket(tx, source, bucket); b != nil {
			return fn(b)
		}
		return nil
	}
	return tx.Bucket([]byte(bucketRecords)).ForEachBucket(func(k []byte) error {
		if b := sourceBucket(tx, string(k), bucket); b != nil {
			return fn(b)
		}
		return nil
	})
}

// FindCodeList implements catalog.Store.
func (s *DB) FindCodeList(ctx context.Context, source, iri string) (*catalog.CodeList, error) {
	var cl catalog.CodeList
	err := s.db.View(func(tx *bolt.Tx) error {
		b := sourceBucket(tx, source, bucketCodeLists)
		var v []byte
		if b != nil {
			v = b.Get([]byte(iri))
		}
		if v == nil {
			return catalog.Errorf(catalog.ENOTFOUND, "source %q has no code list <%s>", source, iri)
		}
		return recordJSON.Unmarshal(v, &cl)
	})
	if err != nil {
		return nil, err
	}
	return &cl, nil
}

// FindCatalogs implements catalog.Store.
func (s *DB) FindCatalogs(ctx context.Context, source string) ([]catalog.Catalog, error) {
	var out []catalog.Catalog
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachSource(tx, source, bucketCatalogs, func(b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				var c catalog.Catalog
				if err := recordJSON.Unmarshal(v, &c); err != nil {
					return fmt.Errorf("catalog <%s>: %w", k, err)
				}
				out = append(out, c)
				return nil
			})
		})
	})
	return out, err
}

// belongsTo reports whether a stored variable is in the dataset, so that a
// withdrawn dataset's order list does not claim variables that moved on.
func belongsTo(v []byte, dataset string) bool {
	h, err := decodeHeader(v)
	if err != nil {
		return false
	}
	var ref struct {
		Dataset string `json:"dataset"`
	}
	return h.decode(&ref) == nil && ref.Dataset == dataset
}
