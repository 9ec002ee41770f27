package harvest

import "github.com/katalog/katalog/catalog"

// Phase is where a run is.
type Phase string

// The phases of a run, in order.
const (
	PhaseFetch Phase = "fetch" // fetching and reading pages
	PhaseStore Phase = "store" // mapping and storing records
	PhaseIndex Phase = "index" // updating the search index
	PhaseDone  Phase = "done"
)

// Progress is how a run is getting on.
type Progress struct {
	Source    string
	Phase     Phase
	Bytes     int64
	Pages     int
	Datasets  int
	Variables int
	Run       *catalog.HarvestRun // the finished run, in PhaseDone
}

func (h *Harvester) progress(p Progress) {
	if h.Progress != nil {
		h.Progress(p)
	}
}
