package web

import (
	"context"
	"time"
)

// SetExportWait sets how long a catalogue request waits for its turn, for
// tests, and returns a function that restores it.
func SetExportWait(d time.Duration) (restore func()) {
	old := exportWait
	exportWait = d
	return func() { exportWait = old }
}

// SetWarmDelay sets how long WarmCatalog waits before it begins, for tests,
// and returns a function that restores it.
func SetWarmDelay(d time.Duration) (restore func()) {
	old := warmDelay
	warmDelay = d
	return func() { warmDelay = old }
}

// WarmPass runs one warming of the catalogue cache.
func WarmPass(s *Server, ctx context.Context) { s.warmPass(ctx) }
