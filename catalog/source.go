package catalog

import (
	"context"
	"time"
)

// Source is one feed that Katalog harvests: its configuration and the state
// the harvester keeps between runs.
type Source struct {
	Name      string `json:"name"` // unique, [a-z0-9-]+
	URL       string `json:"url"`
	Format    string `json:"format,omitempty"`    // auto|turtle|rdfxml|jsonld|ntriples
	Schedule  string `json:"schedule,omitempty"`  // Go duration or 5-field cron
	Publisher string `json:"publisher,omitempty"` // display name overriding the feed's
	Profile   string `json:"profile,omitempty"`   // validation profile; "" means the harvester's default

	Limits SourceLimits `json:"limits"`
	State  SourceState  `json:"state"`
}

// SourceLimits bound what one harvest of a source may do. Zero values mean
// the harvester's defaults.
type SourceLimits struct {
	MaxBytes int64         `json:"max_bytes,omitempty"` // all pages together
	MaxPages int           `json:"max_pages,omitempty"`
	Timeout  time.Duration `json:"timeout,omitempty"` // the whole run
	// MaxRemoveShare holds a run that would withdraw more than this share
	// (0..1) of the source's datasets or variables; a negative value
	// turns the guard off.
	MaxRemoveShare float64 `json:"max_remove_share,omitempty"`
	// AllowHosts are hosts besides the source URL's own that paging and
	// redirect links may lead to.
	AllowHosts []string `json:"allow_hosts,omitempty"`
	// MaxValuesPerProperty bounds the values of one property of one
	// subject in the feed (a dataset's keywords, a table's columns); a
	// feed that has more fails its run as it is read.
	MaxValuesPerProperty int `json:"max_values_per_property,omitempty"`
}

// SourceState is what the harvester remembers about a source between runs.
type SourceState struct {
	// Validators of the last good content: HTTP ETag and Last-Modified, or
	// a file's size and modification time, and the hash of all its pages.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	Hash         string `json:"hash,omitempty"`

	LastRun       string    `json:"last_run,omitempty"`
	LastGoodRun   string    `json:"last_good_run,omitempty"`
	LastHarvested time.Time `json:"last_harvested,omitzero"` // end of the last run that read the feed
	LastChanged   time.Time `json:"last_changed,omitzero"`   // when a run last changed a record
	NextRun       time.Time `json:"next_run,omitzero"`
	Failures      int       `json:"failures,omitempty"` // consecutive failed runs
	// Held is set while the last run was held by the mass-deletion guard;
	// ReleaseHold lets the next run withdraw what it would.
	Held        bool `json:"held,omitempty"`
	ReleaseHold bool `json:"release_hold,omitempty"`
	// IndexStale is set when the store took a run's records but the
	// search index did not; the next run indexes the whole source.
	IndexStale bool `json:"index_stale,omitempty"`
}

// RunStatus is the outcome of a harvest run.
type RunStatus string

// The run statuses. A run is RunRunning until it ends in one of the others.
const (
	RunRunning   RunStatus = "running"
	RunOK        RunStatus = "ok"
	RunFailed    RunStatus = "failed"
	RunUnchanged RunStatus = "unchanged"
	RunHeld      RunStatus = "held"
)

// HarvestRun is the report of one harvest of one source.
type HarvestRun struct {
	ID         string    `json:"id"`
	Source     string    `json:"source"`
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished,omitzero"`
	Status     RunStatus `json:"status"`
	Stats      RunStats  `json:"stats"`
	Error      string    `json:"error"`
	Bytes      int64     `json:"bytes"`
	Pages      int       `json:"pages"`
	HTTPStatus int       `json:"http_status,omitempty"`
	Format     string    `json:"format,omitempty"`
	// RetryAfter is when the server asked Katalog to come back (429/503).
	RetryAfter time.Time `json:"retry_after,omitzero"`
	// Timings is how long each phase took.
	Timings RunTimings `json:"timings"`
	// Quality is how well the feed met its validation profile.
	Quality *Quality `json:"quality,omitempty"`
	// FindingsRun names the run whose findings this one repeats (an
	// unchanged feed); stores give those for this run's.
	FindingsRun string `json:"findings_run,omitempty"`
	// Changes lists what changed, by identifier. Stores keep it apart from
	// the run: lists of runs leave it out, a single run has it.
	Changes *RunChanges `json:"changes,omitempty"`
}

// Duration returns how long the run took, or zero while it runs.
func (r *HarvestRun) Duration() time.Duration {
	if r.Finished.IsZero() {
		return 0
	}
	return r.Finished.Sub(r.Started)
}

// RunStats counts what a run found and did. Added, Updated, Unchanged and
// Removed count datasets: a dataset is updated when it or any of its
// variables changed. The Variables… fields count variables.
type RunStats struct {
	Datasets  int `json:"datasets"`
	Variables int `json:"variables"`
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Removed   int `json:"removed"`
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`

	VariablesAdded     int `json:"variables_added"`
	VariablesUpdated   int `json:"variables_updated"`
	VariablesUnchanged int `json:"variables_unchanged"`
	VariablesRemoved   int `json:"variables_removed"`
}

// RunChanges lists the identifiers of the records a run changed.
type RunChanges struct {
	Added            []string `json:"added"`   // datasets
	Updated          []string `json:"updated"` // datasets
	Removed          []string `json:"removed"` // datasets
	VariablesAdded   []string `json:"variables_added"`
	VariablesUpdated []string `json:"variables_updated"`
	VariablesRemoved []string `json:"variables_removed"`
}

// RunTimings are the durations of a run's phases, in milliseconds.
type RunTimings struct {
	FetchParse int64 `json:"fetch_parse_ms"` // fetch every page and read its RDF
	Validate   int64 `json:"validate_ms"`
	Map        int64 `json:"map_ms"` // RDF to records, hashes
	Store      int64 `json:"store_ms"`
	Index      int64 `json:"index_ms"`
}

// Harvests starts runs on request, for the admin API. Start returns the id
// of the run it started; the run goes on in the background. It fails with
// an *Error ECONFLICT while the source has a run in progress and ENOTFOUND
// for an unknown source. release lets the run withdraw records even past
// the mass-deletion guard.
type Harvests interface {
	Start(ctx context.Context, source string, release bool) (runID string, err error)
}

// Severity grades a Finding.
type Severity string

// The severities of findings.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Finding is one thing a register holder should fix (or know) about a
// harvested record. Findings are data, not errors: a record with findings is
// still stored and searchable.
type Finding struct {
	Severity Severity `json:"severity"`
	Resource string   `json:"resource"`           // IRI of the record
	Path     string   `json:"path,omitempty"`     // property path, e.g. "dct:title"
	Message  Text     `json:"message"`            // nb and en: what to do
	Rule     string   `json:"rule"`               // stable rule name
	SpecURL  string   `json:"spec_url,omitempty"` // the specification text
}
