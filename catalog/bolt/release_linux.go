package bolt

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// ReleaseMapped gives back the pages of the store's memory map that this
// process has read, after a read of the whole store (a catalogue export,
// warming the catalogue cache): they stay in the kernel's page cache, so
// reading them again costs a minor fault, not a disk read, but they no
// longer count in the process's resident memory. bbolt writes through the
// file, never the map, so no page of the map is dirty.
func (d *DB) ReleaseMapped() error {
	// A read transaction holds the map in place (bbolt remaps only under
	// its write lock on the map).
	return d.db.View(func(tx *bolt.Tx) error {
		info := d.db.Info()
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, info.Data, uintptr(tx.Size()), unix.MADV_DONTNEED); errno != 0 {
			return fmt.Errorf("store: release mapped pages: %w", errno)
		}
		return nil
	})
}
