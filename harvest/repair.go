package harvest

import (
	"context"
	"fmt"

	"github.com/katalog/katalog/catalog"
)

// RepairIndex brings the search index in line with the store after a stop
// that left them apart (a crash between storing a run's records and
// indexing them, a killed rebuild). Sources marked IndexStale are indexed
// again; so is every source when the index holds another number of
// documents than the store has live records. A repaired source's withdrawn
// records are deleted from the index. The index keeps answering meanwhile.
// It returns the sources it indexed again. Run it before the scheduler
// starts: it must not race a run of the same source.
func (h *Harvester) RepairIndex(ctx context.Context) ([]string, error) {
	if h.Index == nil {
		return nil, nil
	}
	srcs, err := h.Store.FindSources(ctx)
	if err != nil {
		return nil, err
	}
	live, err := h.liveRecords(ctx)
	if err != nil {
		return nil, err
	}
	docs, err := h.Index.Count()
	if err != nil {
		return nil, err
	}
	all := docs != uint64(live)
	if all {
		h.logger().Warn("the search index does not match the store: indexing every source again",
			"index_documents", docs, "live_records", live)
	}
	var repaired []string
	for i := range srcs {
		src := &srcs[i]
		if !all && !src.State.IndexStale {
			continue
		}
		if err := h.reindexSource(ctx, src.Name); err != nil {
			return repaired, fmt.Errorf("repair the index of source %q: %w", src.Name, err)
		}
		if err := h.deleteWithdrawn(ctx, src.Name); err != nil {
			return repaired, fmt.Errorf("repair the index of source %q: %w", src.Name, err)
		}
		if src.State.IndexStale {
			// Read the source again: a run may have changed its state.
			cur, err := h.Store.FindSource(ctx, src.Name)
			if err != nil {
				return repaired, err
			}
			cur.State.IndexStale = false
			if err := h.Store.PutSource(ctx, cur); err != nil {
				return repaired, err
			}
		}
		repaired = append(repaired, src.Name)
	}
	return repaired, nil
}

// liveRecords counts the store's live datasets and variables: the documents
// a matching index holds.
func (h *Harvester) liveRecords(ctx context.Context) (int, error) {
	_, datasets, err := h.Store.FindDatasets(ctx, catalog.DatasetFilter{Size: 1})
	if err != nil {
		return 0, err
	}
	_, variables, err := h.Store.FindVariables(ctx, catalog.VariableFilter{Size: 1})
	if err != nil {
		return 0, err
	}
	return datasets + variables, nil
}

// deleteWithdrawn deletes a source's withdrawn records from the index.
func (h *Harvester) deleteWithdrawn(ctx context.Context, source string) error {
	var gone []string
	datasets, _, err := h.Store.FindDatasets(ctx, catalog.DatasetFilter{Source: source, Withdrawn: true})
	if err != nil {
		return err
	}
	for _, d := range datasets {
		if d.Withdrawn != nil {
			gone = append(gone, d.IRI)
		}
	}
	variables, _, err := h.Store.FindVariables(ctx, catalog.VariableFilter{Source: source, Withdrawn: true})
	if err != nil {
		return err
	}
	for _, v := range variables {
		if v.Withdrawn != nil {
			gone = append(gone, v.IRI)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	return h.Index.Delete(ctx, source, gone)
}
