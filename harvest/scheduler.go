package harvest

import (
	"context"
	"sync"
	"time"

	"github.com/katalog/katalog/catalog"
)

// Scheduler harvests each configured source when it is due: at its next-run
// time, or at once if it was never harvested. At most Workers runs go at a
// time and at most one per source. Run stops when its context is cancelled.
type Scheduler struct {
	Harvester *Harvester
	Sources   []string      // names of the sources to schedule
	Workers   int           // default 2
	Tick      time.Duration // how often due sources are looked for; default 1s
}

// Run schedules harvests until ctx is cancelled, then waits for the runs in
// flight, which see the cancellation and end without changing the store
// unless their snapshot was already committed.
func (s *Scheduler) Run(ctx context.Context) {
	workers, tick := s.Workers, s.Tick
	if workers <= 0 {
		workers = 2
	}
	if tick <= 0 {
		tick = time.Second
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex // guards running
		running = map[string]bool{}
		slots   = make(chan struct{}, workers)
	)
	defer wg.Wait()
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		for _, name := range s.due(ctx) {
			mu.Lock()
			busy := running[name]
			mu.Unlock()
			if busy {
				continue
			}
			select {
			case slots <- struct{}{}:
			default:
				continue // all workers busy: try again at the next tick
			}
			mu.Lock()
			running[name] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.Harvester.Run(ctx, name) // the run's report says how it went
				mu.Lock()
				delete(running, name)
				mu.Unlock()
				<-slots
			}()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// due returns the configured sources whose next run has come.
func (s *Scheduler) due(ctx context.Context) []string {
	now := s.Harvester.now()
	var out []string
	for _, name := range s.Sources {
		src, err := s.Harvester.Store.FindSource(ctx, name)
		if err != nil {
			continue
		}
		if src.State.LastRun == "" || !src.State.NextRun.After(now) {
			out = append(out, name)
		}
	}
	return out
}

// RunAll harvests the named sources once, at most workers at a time, and
// returns their runs in the order of names. A source whose run could not
// even be recorded gets a failed run that says why.
func RunAll(ctx context.Context, h *Harvester, names []string, workers int) []*catalog.HarvestRun {
	if workers <= 0 {
		workers = 1
	}
	runs := make([]*catalog.HarvestRun, len(names))
	slots := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			run, err := h.Run(ctx, name)
			if run == nil {
				run = &catalog.HarvestRun{Source: name, Status: catalog.RunFailed}
			}
			if err != nil && run.Error == "" {
				run.Status, run.Error = catalog.RunFailed, err.Error()
			}
			runs[i] = run
		}()
	}
	wg.Wait()
	return runs
}
