//go:build !linux

package bolt

// ReleaseMapped does nothing where the store's memory map is not given
// back page by page.
func (d *DB) ReleaseMapped() error { return nil }
