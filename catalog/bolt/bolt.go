// Package bolt is Katalog's store: catalog.Store on a single bbolt file.
//
// Layout (private to this package): sources, runs and findings each have a
// bucket; a source's records live in one nested bucket per source under
// "records", so that a harvest replaces one source's records in one
// transaction; "ids" maps dataset and variable identifiers to their source
// and IRI. Records are stored with a small header (format, flags, content
// hash) in front of their JSON, so that a harvest can compare hashes without
// decoding.
package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/katalog/katalog/catalog"
	bolt "go.etcd.io/bbolt"
)

// Bucket names.
const (
	bucketMeta     = "meta"
	bucketSources  = "sources"
	bucketRuns     = "runs"
	bucketFindings = "findings"
	bucketChanges  = "changes" // run → catalog.RunChanges
	bucketIDs      = "ids"
	bucketRecords  = "records"

	// Nested buckets of one source under "records".
	bucketCatalogs  = "catalogs"
	bucketDatasets  = "datasets"
	bucketVariables = "variables"
	bucketCodeLists = "codelists"
	bucketOrder     = "order" // dataset IRI \x00 position → variable IRI
)

// topBuckets are the buckets every store has.
var topBuckets = []string{bucketMeta, bucketSources, bucketRuns, bucketFindings, bucketChanges, bucketIDs, bucketRecords}

const schemaVersion = "1"

// DB is a catalog.Store on a bbolt file. It is safe for concurrent use.
type DB struct {
	db *bolt.DB
}

var _ catalog.Store = (*DB)(nil)

// Open opens or creates the store at path. It fails rather than waits, with
// an error wrapping ErrInUse, when another process holds the file.
func Open(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db, err := bolt.Open(path, 0o644, &bolt.Options{
		Timeout:      time.Second,
		FreelistType: bolt.FreelistMapType,
		// Address space, not memory: a large first mapping spares the
		// remaps (each of which copies every live node) as the file grows.
		InitialMmapSize: 2 << 30,
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w", path, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range topBuckets {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return err
			}
		}
		meta := tx.Bucket([]byte(bucketMeta))
		switch v := meta.Get([]byte("schema")); {
		case v == nil:
			return meta.Put([]byte("schema"), []byte(schemaVersion))
		case string(v) != schemaVersion:
			return fmt.Errorf("store schema %s, this katalog reads %s: run a katalog of the matching version or harvest into a new data folder", v, schemaVersion)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return &DB{db: db}, nil
}

// Close closes the file.
func (s *DB) Close() error { return s.db.Close() }

// keyRevision is the meta key of the store's revision, a big-endian uint64.
const keyRevision = "revision"

// Revision implements catalog.Store.
func (s *DB) Revision(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var rev uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		rev = revision(tx)
		return nil
	})
	return rev, err
}

func revision(tx *bolt.Tx) uint64 {
	v := tx.Bucket([]byte(bucketMeta)).Get([]byte(keyRevision))
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// bumpRevision moves the store's revision on by one.
func bumpRevision(tx *bolt.Tx) error {
	return tx.Bucket([]byte(bucketMeta)).Put([]byte(keyRevision), binary.BigEndian.AppendUint64(nil, revision(tx)+1))
}

// PutSource implements catalog.Store.
func (s *DB) PutSource(ctx context.Context, src *catalog.Source) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket([]byte(bucketSources)), []byte(src.Name), src)
	})
}

// FindSource implements catalog.Store.
func (s *DB) FindSource(ctx context.Context, name string) (*catalog.Source, error) {
	var src catalog.Source
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketSources)).Get([]byte(name))
		if v == nil {
			return catalog.Errorf(catalog.ENOTFOUND, "no source named %q", name)
		}
		return json.Unmarshal(v, &src)
	})
	if err != nil {
		return nil, err
	}
	return &src, nil
}

// FindSources implements catalog.Store.
func (s *DB) FindSources(ctx context.Context) ([]catalog.Source, error) {
	var out []catalog.Source
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketSources)).ForEach(func(k, v []byte) error {
			var src catalog.Source
			if err := json.Unmarshal(v, &src); err != nil {
				return fmt.Errorf("source %s: %w", k, err)
			}
			out = append(out, src)
			return nil
		})
	})
	return out, err
}

// PutRun implements catalog.Store. The run's Changes are kept apart, so
// that listing runs does not read them.
func (s *DB) PutRun(ctx context.Context, run *catalog.HarvestRun) error {
	if run.ID == "" || run.Source == "" {
		return catalog.Errorf(catalog.EINVALID, "a run needs an id and a source")
	}
	r := *run
	r.Changes = nil
	key := runKey(run.Source, run.ID)
	return s.db.Update(func(tx *bolt.Tx) error {
		if run.Changes != nil {
			if err := putJSON(tx.Bucket([]byte(bucketChanges)), key, run.Changes); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket([]byte(bucketRuns)), key, &r)
	})
}

// FindRuns implements catalog.Store.
func (s *DB) FindRuns(ctx context.Context, source string, limit int) ([]catalog.HarvestRun, error) {
	var out []catalog.HarvestRun
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := runKey(source, "")
		c := tx.Bucket([]byte(bucketRuns)).Cursor()
		// Seek past the last key with the prefix, then walk backwards.
		k, v := c.Seek(append(append([]byte{}, prefix...), 0xff))
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && hasPrefix(k, prefix); k, v = c.Prev() {
			var run catalog.HarvestRun
			if err := json.Unmarshal(v, &run); err != nil {
				return fmt.Errorf("run %s: %w", k, err)
			}
			out = append(out, run)
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// FindRunByID implements catalog.Store.
func (s *DB) FindRunByID(ctx context.Context, source, id string) (*catalog.HarvestRun, error) {
	var run catalog.HarvestRun
	err := s.db.View(func(tx *bolt.Tx) error {
		key := runKey(source, id)
		v := tx.Bucket([]byte(bucketRuns)).Get(key)
		if v == nil {
			return catalog.Errorf(catalog.ENOTFOUND, "source %q has no run %q", source, id)
		}
		if err := json.Unmarshal(v, &run); err != nil {
			return err
		}
		if c := tx.Bucket([]byte(bucketChanges)).Get(key); c != nil {
			run.Changes = &catalog.RunChanges{}
			return json.Unmarshal(c, run.Changes)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &run, nil
}

// PutFindings implements catalog.Store.
func (s *DB) PutFindings(ctx context.Context, source, runID string, findings []catalog.Finding) error {
	v, err := encodeFindings(findings)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketFindings)).Put(runKey(source, runID), v)
	})
}

// FindFindings implements catalog.Store. A run that repeats another's
// findings (HarvestRun.FindingsRun) has that run's.
func (s *DB) FindFindings(ctx context.Context, source, runID string) ([]catalog.Finding, error) {
	var out []catalog.Finding
	err := s.db.View(func(tx *bolt.Tx) error {
		key := runKey(source, runID)
		v := tx.Bucket([]byte(bucketFindings)).Get(key)
		if v == nil {
			var run catalog.HarvestRun
			if r := tx.Bucket([]byte(bucketRuns)).Get(key); r != nil && json.Unmarshal(r, &run) == nil && run.FindingsRun != "" {
				v = tx.Bucket([]byte(bucketFindings)).Get(runKey(source, run.FindingsRun))
			}
		}
		if v == nil {
			return catalog.Errorf(catalog.ENOTFOUND, "source %q has no findings for run %q", source, runID)
		}
		var err error
		out, err = decodeFindings(v)
		return err
	})
	return out, err
}

func runKey(source, id string) []byte {
	k := make([]byte, 0, len(source)+1+len(id))
	k = append(k, source...)
	k = append(k, 0)
	return append(k, id...)
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func hasPrefix(b, prefix []byte) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == string(prefix)
}

func orderKey(dataset string, pos int) []byte {
	k := make([]byte, 0, len(dataset)+5)
	k = append(k, dataset...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint32(k, uint32(pos))
}

func orderPrefix(dataset string) []byte {
	k := make([]byte, 0, len(dataset)+1)
	k = append(k, dataset...)
	return append(k, 0)
}
