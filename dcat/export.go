package dcat

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat/rdf"
)

// ExportOptions select what an Export writes.
type ExportOptions struct {
	Profile Profile
	// Page and Size select one page of datasets, from 1; Page 0 is the
	// whole catalogue.
	Page, Size int
	// PageURL returns the address of page n, for the Hydra links.
	PageURL func(n int) string
	// ModifiedSince, when set, keeps only datasets whose record Katalog
	// last changed at or after it.
	ModifiedSince time.Time
	// Source, when set, keeps only the catalogues and datasets of one
	// harvest source.
	Source string
	// AccessRights, when set, keeps only datasets with these access
	// rights (an IRI, or the code at its end: PUBLIC, RESTRICTED,
	// NON_PUBLIC; "none" for datasets that give none). HealthDCAT-AP is
	// validated per access level, so this is how to get one level.
	AccessRights string
}

func (o *ExportOptions) keep(d *catalog.Dataset) bool {
	if !o.ModifiedSince.IsZero() && d.LastChanged.Before(o.ModifiedSince) {
		return false
	}
	switch o.AccessRights {
	case "":
		return true
	case "none":
		return d.AccessRights == ""
	}
	return d.AccessRights == o.AccessRights || d.AccessRights != "" && lastSegment(d.AccessRights) == o.AccessRights
}

// Export is Katalog's catalogue, or one page of it, ready to be written:
// NewExport reads what the headers need (how many datasets, when anything
// last changed) and Write streams the document, one dataset at a time.
type Export struct {
	store catalog.Store
	pub   *Publication
	opt   ExportOptions

	revision uint64 // the store's, read before anything else
	sources  map[string]catalog.Source
	catalogs []catalog.Catalog
	// Total is the number of datasets the export selects (all pages).
	Total int
	// Modified is when a harvest last changed a record.
	Modified time.Time

	selected []catalog.Dataset // with ModifiedSince: every selected dataset
}

// batch is how many datasets an export reads from the store at a time.
const batch = 100

// NewExport prepares an export. A page past the last one is an ENOTFOUND
// error.
func NewExport(ctx context.Context, store catalog.Store, pub *Publication, opt ExportOptions) (*Export, error) {
	x := &Export{store: store, pub: pub, opt: opt, sources: make(map[string]catalog.Source)}
	// The revision first: a harvest that commits while the export reads
	// makes a document newer than its State, never older.
	var err error
	if x.revision, err = store.Revision(ctx); err != nil {
		return nil, err
	}
	srcs, err := store.FindSources(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range srcs {
		x.sources[s.Name] = s
		if s.State.LastChanged.After(x.Modified) {
			x.Modified = s.State.LastChanged
		}
	}
	if x.catalogs, err = store.FindCatalogs(ctx, opt.Source); err != nil {
		return nil, err
	}
	if opt.ModifiedSince.IsZero() && opt.AccessRights == "" {
		_, x.Total, err = store.FindDatasets(ctx, catalog.DatasetFilter{Source: opt.Source, Size: 1})
		if err != nil {
			return nil, err
		}
	} else {
		all, _, err := store.FindDatasets(ctx, catalog.DatasetFilter{Source: opt.Source})
		if err != nil {
			return nil, err
		}
		x.selected = []catalog.Dataset{}
		for _, d := range all {
			if opt.keep(&d) {
				x.selected = append(x.selected, d)
			}
		}
		x.Total = len(x.selected)
	}
	if opt.Page > 0 {
		if opt.Size <= 0 {
			return nil, catalog.Errorf(catalog.EINVALID, "page size must be at least 1")
		}
		last := (&Page{Size: opt.Size, Total: x.Total}).Last()
		if opt.Page > last {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "page %d is past the last page, %d", opt.Page, last)
		}
	}
	return x, nil
}

// State names what the export's document is made of: the store's revision
// when NewExport began, each source's address and last change, and the
// number of datasets selected. Two exports with the same options and
// publication and the same State write the same document; a harvest that
// changes anything a document says changes its State.
func (x *Export) State() string {
	var b strings.Builder
	fmt.Fprintf(&b, "revision %d\ntotal %d\nmodified %s\n", x.revision, x.Total, x.Modified.UTC().Format(time.RFC3339Nano))
	names := make([]string, 0, len(x.sources))
	for name := range x.sources {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		s := x.sources[name]
		fmt.Fprintf(&b, "source %q %q %s\n", name, s.URL, s.State.LastChanged.UTC().Format(time.RFC3339Nano))
	}
	return b.String()
}

// ExportStats say what an export wrote.
type ExportStats struct {
	Datasets  int
	Variables int
}

// Write writes the export's document to w, which it does not close.
func (x *Export) Write(ctx context.Context, w *rdf.Writer) (ExportStats, error) {
	var st ExportStats
	e := NewEncoder(x.pub, x.opt.Profile, w)
	var page *Page
	if x.opt.Page > 0 {
		page = &Page{Number: x.opt.Page, Size: x.opt.Size, Total: x.Total, URL: x.opt.PageURL}
	}
	e.Catalog(x.catalogs, x.Modified, page)
	byIRI := make(map[string]*catalog.Catalog, len(x.catalogs))
	firstOf := make(map[string]*catalog.Agent) // a source's first publisher
	for i := range x.catalogs {
		c := &x.catalogs[i]
		byIRI[c.IRI] = c
		if c.Publisher != nil && firstOf[c.Source] == nil {
			firstOf[c.Source] = c.Publisher
		}
	}
	for i := range x.catalogs {
		c := &x.catalogs[i]
		fallback := firstOf[c.Source]
		if fallback == nil {
			fallback = &x.pub.Publisher
		}
		e.SourceCatalog(c, x.sources[c.Source].URL, fallback)
	}
	if err := e.Err(); err != nil {
		return st, err
	}

	offset, limit := 0, x.Total
	if page != nil {
		offset = (page.Number - 1) * page.Size
		limit = min(page.Size, x.Total-offset)
	}
	// One goroutine reads datasets, variables and code lists from the
	// store while this one writes: reading and writing take about as long.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items := make(chan exportItem, 4)
	go x.read(ctx, offset, limit, items)
	for it := range items {
		if it.err != nil {
			return st, it.err
		}
		d := &it.dataset
		cat := byIRI[d.Catalog]
		e.Dataset(d, it.vars, cat, func(iri string) *catalog.CodeList { return it.codeLists[iri] })
		if cat != nil {
			e.ListDataset(cat.IRI, d.IRI)
		} else {
			e.ListDataset(x.pub.CatalogIRI(), d.IRI)
		}
		if err := e.Err(); err != nil {
			return st, err
		}
		st.Datasets++
		st.Variables += len(it.vars)
	}
	if err := ctx.Err(); err != nil {
		return st, err
	}
	return st, e.Err()
}

// exportItem is one dataset with what its description needs.
type exportItem struct {
	dataset   catalog.Dataset
	vars      []catalog.Variable
	codeLists map[string]*catalog.CodeList // the code lists not sent before
	err       error
}

// read sends the datasets offset..offset+limit with their variables and
// code lists (each code list once), then closes out.
func (x *Export) read(ctx context.Context, offset, limit int, out chan<- exportItem) {
	defer close(out)
	send := func(it exportItem) bool {
		select {
		case out <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	sent := make(map[string]bool) // code lists, by source and IRI
	for done := 0; done < limit; {
		if ctx.Err() != nil {
			return
		}
		var ds []catalog.Dataset
		if x.selected != nil {
			ds = x.selected[offset+done : offset+min(limit, done+batch)]
		} else {
			var err error
			ds, _, err = x.store.FindDatasets(ctx, catalog.DatasetFilter{Source: x.opt.Source, Offset: offset + done, Size: min(batch, limit-done)})
			if err != nil {
				send(exportItem{err: err})
				return
			}
			if len(ds) == 0 {
				// Fewer datasets than announced: a harvest withdrew some
				// while the export ran. Fail rather than send a document
				// that looks complete.
				send(exportItem{err: catalog.Errorf(catalog.ECONFLICT, "the catalogue changed during the export: %d of %d datasets written", done, limit)})
				return
			}
		}
		for _, d := range ds {
			it := exportItem{dataset: d}
			if x.opt.Profile == ProfileHealthDCATAP {
				var err error
				if it.vars, _, err = x.store.FindVariables(ctx, catalog.VariableFilter{Source: d.Source, Dataset: d.IRI}); err != nil {
					send(exportItem{err: err})
					return
				}
			}
			for _, v := range it.vars {
				key := d.Source + " " + v.CodeList
				if v.CodeList == "" || sent[key] {
					continue
				}
				sent[key] = true
				cl, err := x.store.FindCodeList(ctx, d.Source, v.CodeList)
				if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
					send(exportItem{err: err})
					return
				}
				if cl != nil {
					if it.codeLists == nil {
						it.codeLists = make(map[string]*catalog.CodeList)
					}
					it.codeLists[v.CodeList] = cl
				}
			}
			if !send(it) {
				return
			}
		}
		done += len(ds)
	}
}
