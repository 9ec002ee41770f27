// Package harvest fetches the feeds of Katalog's sources, reads them with
// package dcat, stores each source's records in one transaction and brings
// the search index up to date. It reaches the store and the index only
// through the catalog interfaces.
package harvest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
)

// Harvester runs harvests. Store and Index are required; the rest have
// defaults. A Harvester is safe for concurrent use by runs of different
// sources; the caller must not run one source twice at the same time.
type Harvester struct {
	Store catalog.Store
	Index catalog.Index

	Client  *http.Client     // default http.DefaultClient
	Now     func() time.Time // default time.Now
	Logger  *slog.Logger     // default slog.Default()
	Version string           // sent in User-Agent as katalog/<Version>
	// BaseDir resolves relative file: URLs; "" means the working directory.
	BaseDir string
	// MaxBytes caps the size of one feed; 0 means 200 MB.
	MaxBytes int64
	// Timeout caps one run, fetch to index; 0 means 30 minutes.
	Timeout time.Duration

	defaultOnce   sync.Once
	defaultClient *http.Client // when Client is nil; set once by defaultOnce
}

// DefaultMaxBytes is the size limit of a feed when Harvester.MaxBytes is 0.
const DefaultMaxBytes = 200 << 20

// indexBatch is how many documents go to the index at a time.
const indexBatch = 2000

func (h *Harvester) timeout() time.Duration {
	if h.Timeout > 0 {
		return h.Timeout
	}
	return 30 * time.Minute
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

// Run harvests one source and returns its run report. The report is stored
// whatever happens; err is non-nil only when the report itself could not be
// stored. A failed run leaves the source's previous records untouched.
//
// A run cut short by ctx (katalog shutting down) fails with an error that
// says so, but does not count as a failure of the source for back-off.
func (h *Harvester) Run(ctx context.Context, name string) (*catalog.HarvestRun, error) {
	src, err := h.Store.FindSource(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("harvest %s: %w", name, err)
	}
	started := h.now()
	run := &catalog.HarvestRun{
		ID:      started.Format("20060102T150405.000000Z"),
		Source:  src.Name,
		Started: started,
		Status:  catalog.RunRunning,
	}
	if err := h.Store.PutRun(ctx, run); err != nil {
		return nil, fmt.Errorf("harvest %s: %w", name, err)
	}
	runCtx, cancel := context.WithTimeout(ctx, h.timeout())
	findings, runErr := h.harvest(runCtx, src, run)
	cancel()
	run.Finished = h.now()
	src.State.LastRun = run.ID
	interrupted := ctx.Err() != nil
	switch {
	case runErr == nil:
	case interrupted:
		run.Error = "interrupted: katalog was shutting down (" + runErr.Error() + ")"
	case errors.Is(runErr, context.DeadlineExceeded):
		run.Error = fmt.Sprintf("the harvest took longer than %s and was stopped: %v", h.timeout(), runErr)
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
			"duration_ms", run.Duration().Milliseconds())
	}
	if sched, err := ParseSchedule(src.Schedule); err == nil {
		src.State.NextRun = NextRun(sched, run.Finished, src.State.Failures)
	}
	// Store the report even if the caller gave up waiting.
	ctx = context.WithoutCancel(ctx)
	if err := h.Store.PutFindings(ctx, src.Name, run.ID, findings); err != nil {
		return run, fmt.Errorf("harvest %s: store findings: %w", name, err)
	}
	if err := h.Store.PutRun(ctx, run); err != nil {
		return run, fmt.Errorf("harvest %s: store run: %w", name, err)
	}
	if err := h.Store.PutSource(ctx, src); err != nil {
		return run, fmt.Errorf("harvest %s: store source state: %w", name, err)
	}
	return run, nil
}

// harvest does the work of a run and fills in run; src.State is updated for
// the caller to store. An error fails the run unless run.Status says
// otherwise.
func (h *Harvester) harvest(ctx context.Context, src *catalog.Source, run *catalog.HarvestRun) ([]catalog.Finding, error) {
	f, err := h.fetch(ctx, src.URL, src.State.ETag, src.State.LastModified)
	if f != nil {
		run.HTTPStatus = f.status
	}
	if err != nil {
		return nil, err
	}
	defer f.body.Close()
	if f.notModified {
		return h.unchanged(ctx, src, run)
	}
	max := h.MaxBytes
	if max == 0 {
		max = DefaultMaxBytes
	}
	body := &limitedReader{r: f.body, max: max}
	br := bufio.NewReaderSize(body, 64<<10)
	format, err := chooseFormat(src.Format, f.contentType, br)
	if err != nil {
		return nil, err
	}
	run.Format = format.String()
	res, err := dcat.Read(&ctxReader{ctx: ctx, r: br}, format, rdf.Options{Base: src.URL})
	run.Bytes = body.n
	run.Pages = 1
	if err != nil {
		return nil, fmt.Errorf("read %s feed: %w", format, err)
	}
	snap := &res.Snapshot
	if len(snap.Datasets) == 0 {
		return nil, fmt.Errorf("the feed has no dcat:Dataset (read %d triples)", res.Triples)
	}
	prepare(src, snap)
	run.Stats.Datasets, run.Stats.Variables = len(snap.Datasets), len(snap.Variables)

	ch, err := h.Store.ApplySnapshot(ctx, src.Name, snap, catalog.ApplyOptions{Now: run.Started})
	if err != nil {
		return nil, err
	}
	findings := append(res.Findings, conflictFindings(ch.Conflicts)...)
	tally(run, ch, findings)
	if ch.Held {
		run.Status = catalog.RunHeld
		run.Error = ch.HeldReason
		return findings, nil
	}
	// The snapshot is committed: from here on the run is ok, and the index
	// is brought up to date even if katalog is shutting down.
	run.Status = catalog.RunOK
	src.State.ETag, src.State.LastModified = f.etag, f.lastMod
	if len(ch.Added)+len(ch.Updated)+len(ch.Removed) > 0 {
		src.State.LastChanged = run.Started
	}
	if err := h.updateIndex(context.WithoutCancel(ctx), src, snap, ch); err != nil {
		// The store has the new records; the next run indexes the whole
		// source again. Say so rather than hide it.
		src.State.IndexStale = true
		return findings, fmt.Errorf("records stored, but the search index could not be updated; the next run indexes the source again: %w", err)
	}
	src.State.IndexStale = false
	return findings, nil
}

// unchanged completes a run whose feed the server says has not changed
// since the last good run (HTTP 304): nothing is read or written, and the
// run repeats the last good run's counts and findings.
func (h *Harvester) unchanged(ctx context.Context, src *catalog.Source, run *catalog.HarvestRun) ([]catalog.Finding, error) {
	run.Status = catalog.RunUnchanged
	if src.State.LastGoodRun == "" {
		return nil, nil
	}
	prev, err := h.Store.FindRunByID(ctx, src.Name, src.State.LastGoodRun)
	if err != nil {
		return nil, nil // the report lacks counts, but the run is right
	}
	run.Format = prev.Format
	run.Stats = catalog.RunStats{
		Datasets: prev.Stats.Datasets, Variables: prev.Stats.Variables,
		Unchanged: prev.Stats.Datasets + prev.Stats.Variables,
		Errors:    prev.Stats.Errors, Warnings: prev.Stats.Warnings,
	}
	findings, err := h.Store.FindFindings(ctx, src.Name, prev.ID)
	if err != nil {
		return nil, nil
	}
	return findings, nil
}

// ctxReader stops a long parse when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// chooseFormat picks the feed's syntax: the configured one, else the
// Content-Type, else the content itself.
func chooseFormat(configured, contentType string, br *bufio.Reader) (rdf.Format, error) {
	if configured != "" && configured != "auto" {
		return rdf.ParseFormat(configured)
	}
	if f, ok := rdf.FormatFromMediaType(contentType); ok {
		return f, nil
	}
	head, err := br.Peek(4096)
	if len(head) == 0 {
		if err == nil || errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("the feed is empty")
		}
		return 0, fmt.Errorf("read feed: %w", err)
	}
	if f, ok := rdf.Sniff(head); ok {
		return f, nil
	}
	return 0, fmt.Errorf("cannot tell the feed's RDF syntax from its Content-Type %q or its content; set format: in the source's configuration", contentType)
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

// tally fills in the run's statistics and change lists.
func tally(run *catalog.HarvestRun, ch *catalog.Changes, findings []catalog.Finding) {
	run.Stats.Added, run.Stats.Updated, run.Stats.Removed = len(ch.Added), len(ch.Updated), len(ch.Removed)
	run.Stats.Unchanged = ch.Unchanged
	run.Added, run.Updated, run.Removed = refIDs(ch.Added), refIDs(ch.Updated), refIDs(ch.Removed)
	for _, f := range findings {
		switch f.Severity {
		case catalog.SeverityError:
			run.Stats.Errors++
		case catalog.SeverityWarning:
			run.Stats.Warnings++
		}
	}
}

func refIDs(refs []catalog.Ref) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		id := r.Identifier
		if id == "" {
			id = r.IRI
		}
		out = append(out, id)
	}
	sort.Strings(out)
	return out
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

// updateIndex brings the index in line with what ApplySnapshot changed:
// changed records are indexed again (a changed dataset with all its
// variables, whose documents carry the dataset's title and publisher), and
// withdrawn ones are deleted.
func (h *Harvester) updateIndex(ctx context.Context, src *catalog.Source, snap *catalog.Snapshot, ch *catalog.Changes) error {
	if h.Index == nil {
		return nil
	}
	datasets := make(map[string]*catalog.Dataset, len(snap.Datasets))
	for i := range snap.Datasets {
		datasets[snap.Datasets[i].IRI] = &snap.Datasets[i]
	}
	lists := make(map[string]*catalog.CodeList, len(snap.CodeLists))
	for i := range snap.CodeLists {
		lists[snap.CodeLists[i].IRI] = &snap.CodeLists[i]
	}
	changedDS := make(map[string]bool)
	changedVar := make(map[string]bool)
	for _, refs := range [][]catalog.Ref{ch.Added, ch.Updated} {
		for _, r := range refs {
			if r.Kind == catalog.KindDataset {
				changedDS[r.IRI] = true
			} else {
				changedVar[r.IRI] = true
			}
		}
	}
	// After a failed index update every record of the source is indexed
	// again, changed or not.
	all := src.State.IndexStale
	var docs []catalog.Document
	flush := func(force bool) error {
		if len(docs) == 0 || (!force && len(docs) < indexBatch) {
			return nil
		}
		err := h.Index.Index(ctx, docs)
		docs = docs[:0]
		return err
	}
	for i := range snap.Datasets {
		if d := &snap.Datasets[i]; all || changedDS[d.IRI] {
			docs = append(docs, catalog.Document{Dataset: d})
		}
	}
	for i := range snap.Variables {
		v := &snap.Variables[i]
		if !all && !changedVar[v.IRI] && !changedDS[v.Dataset] {
			continue
		}
		docs = append(docs, catalog.Document{Dataset: datasets[v.Dataset], Variable: v, CodeList: lists[v.CodeList]})
		if err := flush(false); err != nil {
			return err
		}
	}
	if err := flush(true); err != nil {
		return err
	}
	var gone []string
	for _, r := range ch.Removed {
		gone = append(gone, r.IRI)
	}
	if len(gone) > 0 {
		return h.Index.Delete(ctx, src.Name, gone)
	}
	return nil
}

// Summary is a one-line account of a run for logs and terminals.
func Summary(run *catalog.HarvestRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", run.Source, run.Status)
	if run.Status != catalog.RunFailed {
		fmt.Fprintf(&b, ", %d datasets, %d variables (added %d, updated %d, unchanged %d, removed %d; %d errors, %d warnings)",
			run.Stats.Datasets, run.Stats.Variables, run.Stats.Added, run.Stats.Updated, run.Stats.Unchanged, run.Stats.Removed,
			run.Stats.Errors, run.Stats.Warnings)
	}
	fmt.Fprintf(&b, " in %s", run.Duration().Round(time.Millisecond))
	if run.Error != "" {
		fmt.Fprintf(&b, ": %s", run.Error)
	}
	return b.String()
}
