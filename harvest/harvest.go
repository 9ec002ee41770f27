// Package harvest fetches the feeds of Katalog's sources, reads them with
// package dcat, stores each source's records in one transaction and brings
// the search index up to date. It reaches the store and the index only
// through the catalog interfaces.
//
// A run reads every page of a feed (following Hydra next links) into one
// graph before anything is written, so a failure anywhere leaves the
// source's previous records as they were. Unchanged feeds are recognised
// by HTTP validators (ETag, Last-Modified), by a file's size and time, or by
// a hash of their bytes, and then write nothing.
package harvest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/validate"
	"github.com/katalog/katalog/dcat"
)

// Harvester runs harvests. Store and Index are required; the rest have
// defaults. A Harvester is safe for concurrent use; it runs at most one
// harvest of a source at a time.
type Harvester struct {
	Store catalog.Store
	Index catalog.Index

	Client  *http.Client     // default NewHTTPClient()
	Now     func() time.Time // default time.Now
	Logger  *slog.Logger     // default slog.Default()
	Version string           // sent in User-Agent as katalog/<Version>
	// BaseDir resolves relative file: URLs; "" means the working directory.
	BaseDir string
	// FileRoots are the folders file: URLs may read; none means BaseDir.
	FileRoots []string
	// Defaults apply where a source's own limits are zero.
	Defaults catalog.SourceLimits
	// Progress, if set, hears how runs get on. It is called from the
	// goroutines that run harvests and must not block.
	Progress func(Progress)
	// Profile is the validation profile of sources that name none;
	// "" means "national".
	Profile string
	// Changed, if set, is called after a run that changed the store (a
	// record, the order of variables, a catalogue or a code list) has
	// stored its report and the source's state, so that what is made from
	// the store can be made again. It is called from the goroutine of the
	// run and must not block.
	Changed func(source string)

	defaultOnce   sync.Once
	defaultClient *http.Client // when Client is nil; set once by defaultOnce

	mu         sync.Mutex                     // guards the fields below
	running    map[string]bool                // sources with a run in progress
	validators map[string]*validate.Validator // by profile, made on first use
}

// validator returns the validator of a source's profile.
func (h *Harvester) validator(src *catalog.Source) (*validate.Validator, error) {
	profile := src.Profile
	if profile == "" {
		profile = h.Profile
	}
	if profile == "" {
		profile = "national"
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if v, ok := h.validators[profile]; ok {
		return v, nil
	}
	v, err := validate.New(profile)
	if err != nil {
		return nil, err
	}
	if h.validators == nil {
		h.validators = map[string]*validate.Validator{}
	}
	h.validators[profile] = v
	return v, nil
}

// Defaults of the limits of a run. DefaultMaxValuesPerProperty is far
// above any real feed's (the fixtures' largest is a table of 2,922
// columns) and far below what takes a run minutes and gigabytes (a million
// keywords of one dataset, or a million columns of one table).
const (
	DefaultMaxBytes             = 200 << 20
	DefaultMaxPages             = 1000
	DefaultTimeout              = 30 * time.Minute
	DefaultMaxRemoveShare       = 0.5
	DefaultMaxValuesPerProperty = 100_000
)

// indexBatch is how many documents go to the index at a time.
const indexBatch = 2000

// resolvedLimits are a run's limits with every default filled in.
type resolvedLimits struct {
	maxBytes       int64
	maxPages       int
	timeout        time.Duration
	maxRemoveShare float64 // 0: no guard
	allowHosts     []string
	maxValues      int // of one property of one subject
}

func (h *Harvester) limits(src *catalog.Source) resolvedLimits {
	pick := func(own, def, fallback int64) int64 {
		switch {
		case own > 0:
			return own
		case def > 0:
			return def
		}
		return fallback
	}
	l := resolvedLimits{
		maxBytes:   pick(src.Limits.MaxBytes, h.Defaults.MaxBytes, DefaultMaxBytes),
		maxPages:   int(pick(int64(src.Limits.MaxPages), int64(h.Defaults.MaxPages), DefaultMaxPages)),
		timeout:    time.Duration(pick(int64(src.Limits.Timeout), int64(h.Defaults.Timeout), int64(DefaultTimeout))),
		allowHosts: append(append([]string{}, h.Defaults.AllowHosts...), src.Limits.AllowHosts...),
		maxValues:  int(pick(int64(src.Limits.MaxValuesPerProperty), int64(h.Defaults.MaxValuesPerProperty), DefaultMaxValuesPerProperty)),
	}
	switch share := src.Limits.MaxRemoveShare; {
	case share < 0:
	case share > 0:
		l.maxRemoveShare = share
	case h.Defaults.MaxRemoveShare < 0:
	case h.Defaults.MaxRemoveShare > 0:
		l.maxRemoveShare = h.Defaults.MaxRemoveShare
	default:
		l.maxRemoveShare = DefaultMaxRemoveShare
	}
	return l
}

func (h *Harvester) now() time.Time {
	if h.Now != nil {
		return h.Now().UTC()
	}
	return time.Now().UTC()
}

func (h *Harvester) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

// Run harvests one source and returns its run report. It fails with an
// ECONFLICT *catalog.Error when the source has a run in progress.
func (h *Harvester) Run(ctx context.Context, name string) (*catalog.HarvestRun, error) {
	job, err := h.Begin(ctx, name)
	if err != nil {
		return nil, err
	}
	return job.Run(ctx)
}

// Job is a harvest run that has begun (its report is stored as running) but
// not yet done its work.
type Job struct {
	h   *Harvester
	src *catalog.Source
	run *catalog.HarvestRun
}

// ID returns the id of the job's run.
func (j *Job) ID() string { return j.run.ID }

// Begin claims a source for a run and stores the run's report as running.
// The caller must call Run on the job.
func (h *Harvester) Begin(ctx context.Context, name string) (*Job, error) {
	src, err := h.Store.FindSource(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("harvest %s: %w", name, err)
	}
	h.mu.Lock()
	if h.running == nil {
		h.running = map[string]bool{}
	}
	if h.running[name] {
		h.mu.Unlock()
		return nil, catalog.Errorf(catalog.ECONFLICT, "source %s has a harvest in progress", name)
	}
	h.running[name] = true
	h.mu.Unlock()
	started := h.now()
	run := &catalog.HarvestRun{
		ID:      started.Format("20060102T150405.000000Z"),
		Source:  src.Name,
		Started: started,
		Status:  catalog.RunRunning,
	}
	if err := h.Store.PutRun(ctx, run); err != nil {
		h.release(name)
		return nil, fmt.Errorf("harvest %s: %w", name, err)
	}
	return &Job{h: h, src: src, run: run}, nil
}

func (h *Harvester) release(name string) {
	h.mu.Lock()
	delete(h.running, name)
	h.mu.Unlock()
}

// Run does the job's harvest and returns its report. The report is stored
// whatever happens; err is non-nil only when it could not be. A failed run
// leaves the source's previous records untouched. A run cut short by ctx
// (katalog shutting down) fails with an error that says so but does not
// count as a failure of the source for back-off.
func (j *Job) Run(ctx context.Context) (*catalog.HarvestRun, error) {
	h, src, run := j.h, j.src, j.run
	defer h.release(src.Name)
	limits := h.limits(src)
	runCtx, cancel := context.WithTimeout(ctx, limits.timeout)
	findings, changed, runErr := h.harvest(runCtx, src, limits, run)
	cancel()
	if changed && h.Changed != nil {
		defer h.Changed(src.Name) // after the state below is stored
	}
	run.Finished = h.now()
	src.State.LastRun = run.ID
	interrupted := ctx.Err() != nil
	switch {
	case runErr == nil:
	case interrupted:
		run.Error = "interrupted: katalog was shutting down (" + runErr.Error() + ")"
	case errors.Is(runErr, context.DeadlineExceeded):
		run.Error = fmt.Sprintf("the harvest took longer than %s and was stopped: %v", limits.timeout, runErr)
	default:
		run.Error = runErr.Error()
	}
	if run.Status == catalog.RunRunning || run.Status == catalog.RunFailed {
		run.Status = catalog.RunFailed
		if !interrupted {
			src.State.Failures++
		}
		h.logger().Warn("harvest failed", "source", src.Name, "run", run.ID, "error", run.Error)
	} else {
		src.State.Failures = 0
		src.State.LastGoodRun = run.ID
		src.State.LastHarvested = run.Finished
		h.logger().Info("harvested", "source", src.Name, "run", run.ID, "status", run.Status,
			"datasets", run.Stats.Datasets, "variables", run.Stats.Variables,
			"added", run.Stats.Added, "updated", run.Stats.Updated, "removed", run.Stats.Removed,
			"pages", run.Pages, "bytes", run.Bytes, "duration_ms", run.Duration().Milliseconds())
	}
	if sched, err := ParseSchedule(src.Schedule); err == nil {
		src.State.NextRun = NextRun(sched, run.Finished, src.State.Failures)
	}
	if run.RetryAfter.After(src.State.NextRun) {
		src.State.NextRun = run.RetryAfter
	}
	h.progress(Progress{Source: src.Name, Phase: PhaseDone, Bytes: run.Bytes, Pages: run.Pages,
		Datasets: run.Stats.Datasets, Variables: run.Stats.Variables, Run: run})
	// Store the report even if the caller gave up waiting.
	ctx = context.WithoutCancel(ctx)
	if run.FindingsRun == "" {
		if err := h.Store.PutFindings(ctx, src.Name, run.ID, findings); err != nil {
			return run, fmt.Errorf("harvest %s: store findings: %w", src.Name, err)
		}
	}
	if err := h.Store.PutRun(ctx, run); err != nil {
		return run, fmt.Errorf("harvest %s: store run: %w", src.Name, err)
	}
	if err := h.Store.PutSource(ctx, src); err != nil {
		return run, fmt.Errorf("harvest %s: store source state: %w", src.Name, err)
	}
	return run, nil
}

// harvest does the work of a run and fills in run; src.State is updated for
// the caller to store. An error fails the run unless run.Status says
// otherwise. The bool says whether the run changed the store.
func (h *Harvester) harvest(ctx context.Context, src *catalog.Source, limits resolvedLimits, run *catalog.HarvestRun) ([]catalog.Finding, bool, error) {
	start := time.Now()
	// A release or a stale index needs the records written or indexed
	// again, so validators that would say "unchanged" are not sent.
	fresh := src.State.ReleaseHold
	if fresh {
		src.State.ETag, src.State.LastModified, src.State.Hash = "", "", ""
	}
	fd, err := h.readFeed(ctx, src, limits, run)
	run.Timings.FetchParse = since(start)
	if err != nil {
		return nil, false, err
	}
	if fd.notModified {
		findings, err := h.unchanged(ctx, src, run)
		return findings, false, err
	}

	start = time.Now()
	v, err := h.validator(src)
	if err != nil {
		return nil, false, err
	}
	report := v.Validate(fd.graph)
	run.Quality = &report.Quality
	run.Timings.Validate = since(start)

	start = time.Now()
	res := dcat.Decode(fd.graph)
	fd.graph = nil // the graph is the run's largest allocation: let it go
	snap := &res.Snapshot
	if len(snap.Datasets) == 0 {
		return nil, false, fmt.Errorf("the feed has no dcat:Dataset (read %d triples)", res.Triples)
	}
	attachValidation(snap, report)
	prepare(src, snap)
	run.Stats.Datasets, run.Stats.Variables = len(snap.Datasets), len(snap.Variables)
	run.Timings.Map = since(start)
	h.progress(Progress{Source: src.Name, Phase: PhaseStore, Bytes: run.Bytes, Pages: run.Pages, Datasets: len(snap.Datasets), Variables: len(snap.Variables)})

	start = time.Now()
	share := limits.maxRemoveShare
	if src.State.ReleaseHold {
		share = 0
	}
	ch, err := h.Store.ApplySnapshot(ctx, src.Name, snap, catalog.ApplyOptions{Now: run.Started, MaxRemoveShare: share})
	run.Timings.Store = since(start)
	if err != nil {
		return nil, false, err
	}
	findings := append(append(report.Findings, res.Findings...), conflictFindings(ch.Conflicts)...)
	tally(run, snap, ch, findings)
	if ch.Held {
		run.Status = catalog.RunHeld
		run.Error = ch.HeldReason + ". Nothing was changed; check the feed, and if the removals are meant, release the hold (POST /api/v1/sources/" + src.Name + "/release)."
		src.State.Held = true
		return findings, false, nil
	}
	// The snapshot is committed: from here on the run is ok, and the index
	// is brought up to date even if katalog is shutting down.
	run.Status = catalog.RunOK
	src.State.Held, src.State.ReleaseHold = false, false
	src.State.ETag, src.State.LastModified, src.State.Hash = fd.etag, fd.lastMod, fd.hash
	if ch.Written {
		src.State.LastChanged = run.Started
	}
	start = time.Now()
	h.progress(Progress{Source: src.Name, Phase: PhaseIndex, Bytes: run.Bytes, Pages: run.Pages, Datasets: len(snap.Datasets), Variables: len(snap.Variables)})
	err = h.updateIndex(context.WithoutCancel(ctx), src, snap, ch)
	run.Timings.Index = since(start)
	if err != nil {
		// The store has the new records; the next run indexes the whole
		// source again. Say so rather than hide it.
		src.State.IndexStale = true
		return findings, ch.Written, fmt.Errorf("records stored, but the search index could not be updated; the next run indexes the source again: %w", err)
	}
	src.State.IndexStale = false
	return findings, ch.Written, nil
}

// unchanged completes a run whose feed has not changed since the last good
// run: nothing is written (but a stale index is rebuilt for the source from
// the store), and the run repeats the last good run's counts and findings;
// the findings are not copied, the run points to them.
func (h *Harvester) unchanged(ctx context.Context, src *catalog.Source, run *catalog.HarvestRun) ([]catalog.Finding, error) {
	run.Status = catalog.RunUnchanged
	if src.State.IndexStale {
		start := time.Now()
		err := h.reindexSource(context.WithoutCancel(ctx), src.Name)
		run.Timings.Index = since(start)
		if err != nil {
			return nil, fmt.Errorf("the feed is unchanged, but indexing the source again failed: %w", err)
		}
		src.State.IndexStale = false
	}
	if src.State.LastGoodRun == "" {
		return nil, nil
	}
	prev, err := h.Store.FindRunByID(ctx, src.Name, src.State.LastGoodRun)
	if err != nil {
		return nil, nil // the report lacks counts, but the run is right
	}
	run.Format, run.Quality = prev.Format, prev.Quality
	run.Stats = catalog.RunStats{
		Datasets: prev.Stats.Datasets, Variables: prev.Stats.Variables,
		Unchanged: prev.Stats.Datasets, VariablesUnchanged: prev.Stats.Variables,
		Errors: prev.Stats.Errors, Warnings: prev.Stats.Warnings,
	}
	run.FindingsRun = prev.ID
	if prev.FindingsRun != "" {
		run.FindingsRun = prev.FindingsRun
	}
	return nil, nil
}

// attachValidation records on each dataset its quality and on each
// variable its count of findings, so that pages and searches can show them.
func attachValidation(snap *catalog.Snapshot, report *validate.Report) {
	for i := range snap.Datasets {
		if q, ok := report.Datasets[snap.Datasets[i].IRI]; ok {
			snap.Datasets[i].Quality = &q
		}
	}
	for i := range snap.Variables {
		snap.Variables[i].Validation = report.Resources[snap.Variables[i].IRI]
	}
}

// prepare applies the source's configuration to its snapshot and computes
// the content hashes that tell changed records from unchanged ones.
func prepare(src *catalog.Source, snap *catalog.Snapshot) {
	if src.Publisher != "" {
		for i := range snap.Datasets {
			d := &snap.Datasets[i]
			if d.Publisher == nil {
				d.Publisher = &catalog.Agent{}
			}
			d.Publisher.Name = catalog.Text{catalog.LangUndetermined: src.Publisher}
		}
	}
	lists := make(map[string]*catalog.CodeList, len(snap.CodeLists))
	for i := range snap.CodeLists {
		lists[snap.CodeLists[i].IRI] = &snap.CodeLists[i]
	}
	for i := range snap.Datasets {
		snap.Datasets[i].Hash = snap.Datasets[i].ContentHash()
	}
	for i := range snap.Variables {
		v := &snap.Variables[i]
		v.Hash = v.ContentHash(lists[v.CodeList])
	}
}

// splitRefs returns the identifiers of the datasets and of the variables
// among refs, and notes the datasets' IRIs in datasets.
func splitRefs(refs []catalog.Ref, datasets map[string]bool) (ds, vars []string) {
	for _, r := range refs {
		if r.Kind == catalog.KindDataset {
			datasets[r.IRI] = true
			ds = append(ds, refID(r))
		} else {
			vars = append(vars, refID(r))
		}
	}
	return ds, vars
}

// tally fills in the run's statistics and change lists. Datasets count as
// updated when they or any of their variables changed.
func tally(run *catalog.HarvestRun, snap *catalog.Snapshot, ch *catalog.Changes, findings []catalog.Finding) {
	c := &catalog.RunChanges{}
	dsAdded, dsRemoved, dsUpdated := map[string]bool{}, map[string]bool{}, map[string]bool{}
	c.Added, c.VariablesAdded = splitRefs(ch.Added, dsAdded)
	c.Removed, c.VariablesRemoved = splitRefs(ch.Removed, dsRemoved)
	_, c.VariablesUpdated = splitRefs(ch.Updated, dsUpdated)
	// A dataset whose variables changed is updated too.
	for _, refs := range [][]catalog.Ref{ch.Added, ch.Updated, ch.Removed} {
		for _, r := range refs {
			if r.Kind == catalog.KindVariable && !dsAdded[r.Dataset] && !dsRemoved[r.Dataset] {
				dsUpdated[r.Dataset] = true
			}
		}
	}
	ids := make(map[string]string, len(snap.Datasets))
	for _, d := range snap.Datasets {
		ids[d.IRI] = d.Identifier
	}
	for iri := range dsUpdated {
		if id, ok := ids[iri]; ok {
			c.Updated = append(c.Updated, id)
		}
	}
	for _, l := range [][]string{c.Added, c.Updated, c.Removed, c.VariablesAdded, c.VariablesUpdated, c.VariablesRemoved} {
		sort.Strings(l)
	}
	s := &run.Stats
	s.Added, s.Updated, s.Removed = len(c.Added), len(c.Updated), len(c.Removed)
	s.Unchanged = len(snap.Datasets) - s.Added - s.Updated
	s.VariablesAdded, s.VariablesUpdated, s.VariablesRemoved = len(c.VariablesAdded), len(c.VariablesUpdated), len(c.VariablesRemoved)
	s.VariablesUnchanged = len(snap.Variables) - s.VariablesAdded - s.VariablesUpdated
	if ch.Held {
		s.Added, s.Updated, s.Unchanged, s.VariablesAdded, s.VariablesUpdated, s.VariablesUnchanged = 0, 0, 0, 0, 0, 0
	}
	for _, f := range findings {
		switch f.Severity {
		case catalog.SeverityError:
			s.Errors++
		case catalog.SeverityWarning:
			s.Warnings++
		}
	}
	run.Changes = c
}

func refID(r catalog.Ref) string {
	if r.Identifier != "" {
		return r.Identifier
	}
	return r.IRI
}

func conflictFindings(cs []catalog.Conflict) []catalog.Finding {
	var out []catalog.Finding
	for _, c := range cs {
		out = append(out, catalog.Finding{
			Severity: catalog.SeverityWarning,
			Resource: c.IRI,
			Path:     "dct:identifier",
			Rule:     "katalog.identifier-taken",
			Message: catalog.Text{
				"nb": fmt.Sprintf("Identifikatoren %q brukes allerede av kilden %s (<%s>). Katalog viser denne posten under IRI-en; velg en identifikator som er unik.", c.Identifier, c.OwnerSource, c.OwnerIRI),
				"en": fmt.Sprintf("The identifier %q is already used by source %s (<%s>). Katalog shows this record under its IRI; choose an identifier that is unique.", c.Identifier, c.OwnerSource, c.OwnerIRI),
			},
		})
	}
	return out
}

// Summary is a one-line account of a run for logs and terminals.
func Summary(run *catalog.HarvestRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", run.Source, run.Status)
	if run.Status != catalog.RunFailed {
		s := run.Stats
		fmt.Fprintf(&b, ", %d datasets (added %d, updated %d, unchanged %d, removed %d), %d variables (added %d, updated %d, removed %d); %d errors, %d warnings",
			s.Datasets, s.Added, s.Updated, s.Unchanged, s.Removed, s.Variables, s.VariablesAdded, s.VariablesUpdated, s.VariablesRemoved, s.Errors, s.Warnings)
	}
	if run.Pages > 1 {
		fmt.Fprintf(&b, ", %d pages", run.Pages)
	}
	fmt.Fprintf(&b, " in %s", run.Duration().Round(time.Millisecond))
	if tm := run.Timings; tm.Map+tm.Store+tm.Index > 0 {
		fmt.Fprintf(&b, " (read %dms, validate %dms, map %dms, store %dms, index %dms)", tm.FetchParse, tm.Validate, tm.Map, tm.Store, tm.Index)
	}
	if run.Error != "" {
		fmt.Fprintf(&b, ": %s", run.Error)
	}
	return b.String()
}
