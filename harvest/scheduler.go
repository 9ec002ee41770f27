package harvest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/katalog/katalog/catalog"
)

// Scheduler harvests each configured source when it is due: at its next-run
// time, or at once if it was never harvested. At most Workers runs go at a
// time and at most one per source. It also starts runs on request (it is a
// catalog.Harvests) while it runs.
type Scheduler struct {
	Harvester *Harvester
	Sources   []string      // names of the sources to schedule
	Workers   int           // default 2
	Tick      time.Duration // how often due sources are looked for; default 1s
	// Grace is how long runs in flight may go on once Run's context ends
	// before they are cancelled; default 3s. A cancelled run changes
	// nothing unless its snapshot was already committed.
	Grace time.Duration

	mu     sync.Mutex // guards the fields below while Run runs
	runCtx context.Context
	slots  chan struct{}
	wg     *sync.WaitGroup
}

var _ catalog.Harvests = (*Scheduler)(nil)

// Run schedules harvests until ctx is cancelled, then gives the runs in
// flight Grace to finish and cancels the rest.
func (s *Scheduler) Run(ctx context.Context) {
	workers, tick, grace := s.Workers, s.Tick, s.Grace
	if workers <= 0 {
		workers = 2
	}
	if tick <= 0 {
		tick = time.Second
	}
	if grace <= 0 {
		grace = 3 * time.Second
	}
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	wg := &sync.WaitGroup{}
	s.mu.Lock()
	s.runCtx, s.slots, s.wg = runCtx, make(chan struct{}, workers), wg
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.runCtx = nil
		s.mu.Unlock()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(grace):
			cancelRuns()
			<-done
		}
	}()
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		for _, name := range s.due(ctx) {
			select {
			case s.slots <- struct{}{}:
			default:
				continue // all workers busy: try again at the next tick
			}
			job, err := s.Harvester.Begin(ctx, name)
			if err != nil {
				<-s.slots // running already (started on request), or gone
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-s.slots }()
				job.Run(runCtx) // the run's report says how it went
			}()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Start implements catalog.Harvests: it begins a run of a configured source
// and runs it in the background as soon as a worker is free.
func (s *Scheduler) Start(ctx context.Context, source string, release bool) (string, error) {
	if !s.configured(source) {
		return "", catalog.Errorf(catalog.ENOTFOUND, "no source named %q in the configuration", source)
	}
	s.mu.Lock()
	runCtx, slots, wg := s.runCtx, s.slots, s.wg
	s.mu.Unlock()
	if runCtx == nil {
		return "", fmt.Errorf("start a harvest of %s: the scheduler is not running", source)
	}
	job, err := s.Harvester.Begin(ctx, source)
	if err != nil {
		return "", err
	}
	if release {
		job.src.State.ReleaseHold = true
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		case <-runCtx.Done():
		}
		job.Run(runCtx)
	}()
	return job.ID(), nil
}

func (s *Scheduler) configured(name string) bool {
	for _, n := range s.Sources {
		if n == name {
			return true
		}
	}
	return false
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

// Recover marks as failed the runs that a stopped katalog left running, so
// that no run stays "running" forever. It returns how many it marked.
func (h *Harvester) Recover(ctx context.Context) (int, error) {
	srcs, err := h.Store.FindSources(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, src := range srcs {
		runs, err := h.Store.FindRuns(ctx, src.Name, 0)
		if err != nil {
			return n, err
		}
		for i := range runs {
			r := &runs[i]
			if r.Status != catalog.RunRunning {
				continue
			}
			r.Status = catalog.RunFailed
			r.Error = "katalog stopped before the run ended; the next run of the source indexes its records again"
			r.Finished = h.now()
			if err := h.Store.PutRun(ctx, r); err != nil {
				return n, err
			}
			n++
			// The run may have stored records it did not index.
			src.State.IndexStale = true
			if err := h.Store.PutSource(ctx, &src); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
