package bolt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/katalog/katalog/catalog"
	bolt "go.etcd.io/bbolt"
)

// ErrInUse is the error, wrapped, of opening a store that another process
// holds: a running katalog serve or harvest has it open for writing, or, for
// Open, any katalog has it open at all.
var ErrInUse = errors.New("the file is in use by another katalog process")

var _ catalog.Backuper = (*DB)(nil)

// OpenReadOnly opens an existing store for reading only, as a backup or a
// restore reads one: it never creates or changes the file, and other
// readers may have it open too. It fails when the file is missing, empty,
// not a bbolt file, shorter than its own pages say (a copy cut short), or
// not a Katalog store of this schema; and rather than wait, with an error
// wrapping ErrInUse, when a process has the store open for writing. The
// write methods of the DB it returns fail.
func OpenReadOnly(path string) (*DB, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("open store %s: the file does not exist", path)
	case err != nil:
		return nil, fmt.Errorf("open store %s: %w", path, err)
	case fi.IsDir():
		return nil, fmt.Errorf("open store %s: a folder, not a store file", path)
	case fi.Size() == 0:
		return nil, fmt.Errorf("open store %s: the file is empty, not a Katalog store", path)
	}
	db, err := bolt.Open(path, 0, &bolt.Options{ReadOnly: true, Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	switch {
	case errors.Is(err, bolt.ErrTimeout):
		return nil, fmt.Errorf("open store %s: %w", path, ErrInUse)
	case err != nil:
		return nil, fmt.Errorf("open store %s: not a bbolt database, so not a Katalog store (%v)", path, err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		// Before any page but the two meta pages is read: a page past the
		// end of the file would be a fault, not an error.
		if need := tx.Size(); fi.Size() < need {
			return fmt.Errorf("the file is cut short: %d bytes of the %d its pages take (a copy that did not finish?)", fi.Size(), need)
		}
		for _, name := range topBuckets {
			if tx.Bucket([]byte(name)) == nil {
				return fmt.Errorf("a bbolt database, but not a Katalog store: it has no %q bucket", name)
			}
		}
		if v := tx.Bucket([]byte(bucketMeta)).Get([]byte("schema")); string(v) != schemaVersion {
			return fmt.Errorf("store schema %s, this katalog reads %s: run a katalog of the matching version", v, schemaVersion)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return &DB{db: db}, nil
}

// Hold keeps other processes from opening the store file at path for
// writing until release is called, the way a reading katalog does. It reads
// only what bbolt needs to lock the file, so it holds a store of another
// schema too. It fails, with an error wrapping ErrInUse, when a process has
// the file open for writing; and when the file is missing or not a bbolt
// file.
func Hold(path string) (release func() error, err error) {
	db, err := bolt.Open(path, 0, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	switch {
	case errors.Is(err, bolt.ErrTimeout):
		return nil, fmt.Errorf("hold store %s: %w", path, ErrInUse)
	case err != nil:
		return nil, fmt.Errorf("hold store %s: %w", path, err)
	}
	return db.Close, nil
}

// Backup implements catalog.Backuper. The copy is written in one read
// transaction, so writers go on meanwhile (the file may grow, since pages the
// copy still reads are not reused until it ends). The copy is a store that
// Open and OpenReadOnly accept; cancelling ctx stops the copy at its next
// write.
func (s *DB) Backup(ctx context.Context, w io.Writer, size func(int64)) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		if size != nil {
			size(tx.Size())
		}
		var err error
		n, err = tx.WriteTo(&ctxWriter{ctx: ctx, w: w})
		return err
	})
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			err = cerr // bbolt does not wrap the writer's error
		}
		return n, fmt.Errorf("back up store: %w", err)
	}
	return n, nil
}

// Check reads every page of the store and reports what bbolt finds wrong
// with the file (pages neither reachable nor free, pages freed twice, keys
// out of order), up to ten problems; nil means the file is sound. It takes
// as long as reading the whole file.
func (s *DB) Check() error {
	return s.db.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() { // drained to the end: it closes when done
			if len(errs) < 10 {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("check store %s: %w", s.db.Path(), errors.Join(errs...))
		}
		return nil
	})
}

// ctxWriter is a writer that stops once its context is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
