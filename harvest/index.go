package harvest

import (
	"context"

	"github.com/katalog/katalog/catalog"
)

// updateIndex brings the index in line with what ApplySnapshot changed:
// changed records are indexed again (a changed dataset with all its
// variables, whose documents carry the dataset's title and publisher), and
// withdrawn ones are deleted. A dataset's document carries its variables
// (Members), so it is indexed again too when any of them changed. After a
// failed update (IndexStale) every record of the source is indexed again.
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
	touched := make(map[string]bool) // datasets whose variables changed
	for _, refs := range [][]catalog.Ref{ch.Added, ch.Updated, ch.Removed} {
		for _, r := range refs {
			if r.Kind == catalog.KindDataset {
				changedDS[r.IRI] = true
			} else {
				changedVar[r.IRI] = true
				touched[r.Dataset] = true
				if r.From != "" {
					touched[r.From] = true // a variable it listed moved away
				}
			}
		}
	}
	all := src.State.IndexStale
	members := make(map[string][]catalog.Document, len(snap.Datasets))
	var changed []catalog.Document // the variables to index again
	for i := range snap.Variables {
		v := &snap.Variables[i]
		d := catalog.Document{Dataset: datasets[v.Dataset], Variable: v, CodeList: lists[v.CodeList]}
		members[v.Dataset] = append(members[v.Dataset], d)
		if all || changedVar[v.IRI] || changedDS[v.Dataset] {
			changed = append(changed, d)
		}
	}
	b := h.newBatcher(ctx)
	for i := range snap.Datasets {
		d := &snap.Datasets[i]
		if !all && !changedDS[d.IRI] && !touched[d.IRI] {
			continue
		}
		if err := b.add(catalog.Document{Dataset: d, Members: members[d.IRI]}); err != nil {
			return err
		}
	}
	for _, d := range changed {
		if err := b.add(d); err != nil {
			return err
		}
	}
	if err := b.flush(); err != nil {
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

// reindexSource indexes every live record of a source again, from the
// store.
func (h *Harvester) reindexSource(ctx context.Context, source string) error {
	datasets, _, err := h.Store.FindDatasets(ctx, catalog.DatasetFilter{Source: source})
	if err != nil {
		return err
	}
	lists := map[string]*catalog.CodeList{}
	b := h.newBatcher(ctx)
	for i := range datasets {
		ds := &datasets[i]
		vars, _, err := h.Store.FindVariables(ctx, catalog.VariableFilter{Source: source, Dataset: ds.IRI})
		if err != nil {
			return err
		}
		members := make([]catalog.Document, 0, len(vars))
		for j := range vars {
			v := &vars[j]
			cl, ok := lists[v.CodeList]
			if !ok && v.CodeList != "" {
				if cl, err = h.Store.FindCodeList(ctx, source, v.CodeList); catalog.ErrorCode(err) == catalog.ENOTFOUND {
					cl, err = nil, nil
				}
				if err != nil {
					return err
				}
				lists[v.CodeList] = cl
			}
			members = append(members, catalog.Document{Dataset: ds, Variable: v, CodeList: cl})
		}
		if err := b.add(catalog.Document{Dataset: ds, Members: members}); err != nil {
			return err
		}
		for _, m := range members {
			if err := b.add(m); err != nil {
				return err
			}
		}
	}
	return b.flush()
}

// batcher sends documents to the index indexBatch at a time.
type batcher struct {
	ctx  context.Context
	idx  catalog.Index
	docs []catalog.Document
}

func (h *Harvester) newBatcher(ctx context.Context) *batcher {
	return &batcher{ctx: ctx, idx: h.Index, docs: make([]catalog.Document, 0, indexBatch)}
}

func (b *batcher) add(d catalog.Document) error {
	b.docs = append(b.docs, d)
	if len(b.docs) < indexBatch {
		return nil
	}
	return b.flush()
}

func (b *batcher) flush() error {
	if len(b.docs) == 0 {
		return nil
	}
	err := b.idx.Index(b.ctx, b.docs)
	b.docs = b.docs[:0]
	return err
}
