package catalog

import "time"

// Source is one feed that Katalog harvests: its configuration and the state
// the harvester keeps between runs.
type Source struct {
	Name      string `json:"name"` // unique, [a-z0-9-]+
	URL       string `json:"url"`
	Format    string `json:"format,omitempty"`    // auto|turtle|rdfxml|jsonld|ntriples
	Schedule  string `json:"schedule,omitempty"`  // Go duration or 5-field cron
	Publisher string `json:"publisher,omitempty"` // display name overriding the feed's

	State SourceState `json:"state"`
}

// SourceState is what the harvester remembers about a source between runs.
type SourceState struct {
	ETag          string    `json:"etag,omitempty"`
	LastModified  string    `json:"last_modified,omitempty"`
	Hash          string    `json:"hash,omitempty"` // of the last good content
	LastRun       string    `json:"last_run,omitempty"`
	LastGoodRun   string    `json:"last_good_run,omitempty"`
	LastHarvested time.Time `json:"last_harvested,omitzero"` // end of the last run that read the feed

	LastChanged time.Time `json:"last_changed,omitzero"`
	NextRun     time.Time `json:"next_run,omitzero"`
	Failures    int       `json:"failures,omitempty"` // consecutive failed runs
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
	Added      []string  `json:"added,omitempty"`   // identifiers
	Updated    []string  `json:"updated,omitempty"` // identifiers
	Removed    []string  `json:"removed,omitempty"` // identifiers
	Bytes      int64     `json:"bytes"`
	Pages      int       `json:"pages"`
	HTTPStatus int       `json:"http_status,omitempty"`
	Format     string    `json:"format,omitempty"`
}

// Duration returns how long the run took, or zero while it runs.
func (r *HarvestRun) Duration() time.Duration {
	if r.Finished.IsZero() {
		return 0
	}
	return r.Finished.Sub(r.Started)
}

// RunStats counts what a run found and did. Added, Updated, Unchanged and
// Removed count datasets and variables together.
type RunStats struct {
	Datasets  int `json:"datasets"`
	Variables int `json:"variables"`
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Removed   int `json:"removed"`
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
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
