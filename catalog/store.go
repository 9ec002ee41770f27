package catalog

import (
	"context"
	"io"
	"time"
)

// Store keeps sources, harvest runs, findings and the harvested records. It
// is the source of truth: the search index can always be rebuilt from it.
//
// Find methods return an *Error with code ENOTFOUND when nothing matches.
// Implementations are safe for concurrent use.
type Store interface {
	// PutSource creates or updates a source, configuration and state.
	PutSource(ctx context.Context, src *Source) error
	// FindSource returns the source with the given name.
	FindSource(ctx context.Context, name string) (*Source, error)
	// FindSources returns every source, by name.
	FindSources(ctx context.Context) ([]Source, error)

	// PutRun creates or updates a harvest run.
	PutRun(ctx context.Context, run *HarvestRun) error
	// FindRuns returns a source's runs, newest first, without their
	// Changes; limit <= 0 means all.
	FindRuns(ctx context.Context, source string, limit int) ([]HarvestRun, error)
	// FindRunByID returns one run of a source with its Changes.
	FindRunByID(ctx context.Context, source, id string) (*HarvestRun, error)
	// PutFindings stores the validation findings of a run.
	PutFindings(ctx context.Context, source, runID string, findings []Finding) error
	// FindFindings returns the findings of a run.
	FindFindings(ctx context.Context, source, runID string) ([]Finding, error)

	// ApplySnapshot replaces a source's records with snap in one transaction
	// and says what changed. Records that vanished are kept as tombstones.
	// It sets Source on every record of snap and Identifier to the one the
	// record goes by in the store (its IRI where it has no identifier or
	// another source holds it); written records also get their Hash,
	// FirstSeen and LastChanged.
	ApplySnapshot(ctx context.Context, source string, snap *Snapshot, opts ApplyOptions) (*Changes, error)

	// FindDatasetByID returns a dataset, tombstones included, by identifier.
	FindDatasetByID(ctx context.Context, identifier string) (*Dataset, error)
	// FindDatasetByIRI returns a dataset of a source by IRI.
	FindDatasetByIRI(ctx context.Context, source, iri string) (*Dataset, error)
	// FindDatasets returns the datasets that match f and how many match in all.
	FindDatasets(ctx context.Context, f DatasetFilter) ([]Dataset, int, error)
	// FindVariableByID returns a variable, tombstones included, by identifier.
	FindVariableByID(ctx context.Context, identifier string) (*Variable, error)
	// FindVariables returns the variables that match f and how many match in all.
	FindVariables(ctx context.Context, f VariableFilter) ([]Variable, int, error)
	// FindCodeList returns a code list of a source by IRI.
	FindCodeList(ctx context.Context, source, iri string) (*CodeList, error)
	// FindCatalogs returns the catalogues a source published.
	FindCatalogs(ctx context.Context, source string) ([]Catalog, error)

	// Revision returns the store's revision: a number that grows, in the
	// same transaction, with every ApplySnapshot that changes what the
	// store holds of a source's records (Changes.Written). It is kept
	// across restarts. Sources, runs and findings do not move it.
	Revision(ctx context.Context) (uint64, error)

	Close() error
}

// Backuper is a store that can copy itself while it serves.
type Backuper interface {
	// Backup writes a consistent copy of the whole store to w: the store as
	// of one moment, while reads and writes go on. It calls size, when not
	// nil, with the copy's length in bytes before it writes anything, and
	// returns the number of bytes written.
	Backup(ctx context.Context, w io.Writer, size func(int64)) (int64, error)
}

// DatasetFilter selects datasets. Zero fields select everything; Size 0 means
// no limit. Tombstones are left out unless Withdrawn is set.
type DatasetFilter struct {
	Source    string
	Withdrawn bool
	Offset    int
	Size      int
}

// VariableFilter selects variables. Dataset (an IRI) needs Source. Variables
// of one dataset come in dataset order; otherwise in store order. Size 0
// means no limit. Tombstones are left out unless Withdrawn is set.
type VariableFilter struct {
	Source    string
	Dataset   string
	Withdrawn bool
	Offset    int
	Size      int
}

// ApplyOptions tune ApplySnapshot.
type ApplyOptions struct {
	// Now is the time recorded as first-seen, last-changed and withdrawn.
	Now time.Time
	// MaxRemoveShare holds the snapshot (nothing written, Changes.Held set)
	// when it would withdraw more than this share (0..1) of the source's
	// datasets or of its variables. Zero disables the guard.
	MaxRemoveShare float64
}

// RecordKind says whether a Ref is to a dataset or a variable.
type RecordKind string

// The kinds of record.
const (
	KindDataset  RecordKind = "dataset"
	KindVariable RecordKind = "variable"
)

// Ref points to a record.
type Ref struct {
	Kind       RecordKind `json:"kind"`
	Identifier string     `json:"identifier"`
	IRI        string     `json:"iri"`
	Dataset    string     `json:"dataset,omitempty"` // for a variable: its dataset IRI
	// From is, for a variable that moved to another dataset, the IRI of
	// the dataset it left.
	From string `json:"from,omitempty"`
}

// Changes is what ApplySnapshot did, or would have done when Held.
type Changes struct {
	Added     []Ref
	Updated   []Ref
	Removed   []Ref
	Unchanged int
	// Reordered lists the IRIs of datasets whose variable order changed.
	Reordered []string
	// Conflicts lists records whose identifier a live record of another
	// source holds already; they are stored, but their identifier keeps
	// pointing at the other source's record.
	Conflicts []Conflict
	// Held is set when the mass-deletion guard stopped the snapshot;
	// HeldReason then says why.
	Held       bool
	HeldReason string
	// Written is set when the snapshot changed anything the store holds of
	// the source: a record (Added, Updated, Removed), the order of a
	// dataset's variables, a catalogue or a code list. The store's
	// Revision then moved.
	Written bool
}

// Conflict is a record whose identifier another source's record holds.
type Conflict struct {
	Kind        RecordKind
	Identifier  string
	IRI         string
	OwnerSource string
	OwnerIRI    string
}
