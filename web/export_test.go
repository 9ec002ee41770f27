package web

import "time"

// SetExportWait sets how long a catalogue request waits for its turn, for
// tests, and returns a function that restores it.
func SetExportWait(d time.Duration) (restore func()) {
	old := exportWait
	exportWait = d
	return func() { exportWait = old }
}
