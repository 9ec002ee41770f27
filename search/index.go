// Package search is Katalog's search index: an embedded Bleve index of
// datasets and variables with Norwegian and English analyzers and facets.
// It implements catalog.Index and holds nothing the store does not: Rebuild
// makes a new index from a catalog.Store.
package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/search/lexicon"
)

// Keys of Katalog's own data in the index's internal storage.
const (
	internalVersion = "katalog.mapping"
	internalLabels  = "katalog.labels"
)

// Index is a catalog.Index on Bleve. It is safe for concurrent use.
type Index struct {
	idx      bleve.Index
	path     string // the index's folder; "" in memory
	expand   *expander
	cols     *columns // facet columns of the index's segments
	cache    *resultCache
	postings *postingsCache       // decoded postings of the frequent terms
	mappers  chan *docMapper      // idle mappers, kept with what they analysed (not a sync.Pool: it empties at every GC)
	specs    map[string]fieldSpec // of the index's mapping, for new mappers
	suggest  *suggestDict
	loading  sync.WaitGroup // the suggestions' load that Prepare starts; Close waits for it

	mu     sync.RWMutex                       // guards labels
	labels map[string]map[string]catalog.Text // facet → value → label

	persist sync.Mutex // serialises writing the labels with their batch

	compact compactor
	words   wordCache // how the analyzers read words, for highlighting
	dfas    dfaCache  // the automata of misspellings

	batches, indexed, deleted atomic.Uint64 // writes since Open
}

// Writes counts what an Index has written since it was opened.
type Writes struct {
	Batches uint64 // batches committed
	Indexed uint64 // documents added or replaced
	Deleted uint64 // documents deleted
}

// Writes returns how much the index has written since it was opened.
func (x *Index) Writes() Writes {
	return Writes{Batches: x.batches.Load(), Indexed: x.indexed.Load(), Deleted: x.deleted.Load()}
}

var _ catalog.Index = (*Index)(nil)

// ErrStale is returned by Open for an index made by another version of
// Katalog's mapping: rebuild it from the store.
var ErrStale = errors.New("search index was made with another mapping")

// Open opens the index at path, creating an empty one if there is none.
func Open(path string) (*Index, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		idx, err := bleve.New(path, newMapping())
		if err != nil {
			return nil, fmt.Errorf("create search index %s: %w", path, err)
		}
		return newIndex(idx, path, true)
	}
	idx, err := bleve.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open search index %s: %w", path, err)
	}
	x, err := newIndex(idx, path, false)
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("open search index %s: %w", path, err)
	}
	return x, nil
}

// NewMemOnly returns an empty index in memory, for tests.
func NewMemOnly() (*Index, error) {
	idx, err := bleve.NewMemOnly(newMapping())
	if err != nil {
		return nil, err
	}
	return newIndex(idx, "", true)
}

func newIndex(idx bleve.Index, path string, fresh bool) (*Index, error) {
	lex, err := lexicon.Default()
	if err != nil {
		return nil, err
	}
	x := &Index{idx: idx, path: path, labels: map[string]map[string]catalog.Text{}, expand: newExpander(lex, idx.Mapping()), cols: newColumns(), cache: newResultCache(), postings: newPostingsCache(postingsCacheSize)}
	x.specs, x.mappers = fieldSpecs(idx.Mapping()), make(chan *docMapper, runtime.GOMAXPROCS(0))
	x.suggest = newSuggestDict(fresh)
	if path != "" {
		x.cols.dir = filepath.Join(path, columnsDir)
	}
	if fresh {
		if err := idx.SetInternal([]byte(internalVersion), []byte(mappingVersion)); err != nil {
			return nil, err
		}
		x.compact.start(x)
		return x, nil
	}
	v, err := idx.GetInternal([]byte(internalVersion))
	if err != nil {
		return nil, err
	}
	if string(v) != mappingVersion {
		return nil, ErrStale
	}
	if data, err := idx.GetInternal([]byte(internalLabels)); err != nil {
		return nil, err
	} else if len(data) > 0 {
		if err := json.Unmarshal(data, &x.labels); err != nil {
			return nil, fmt.Errorf("facet labels: %w", err)
		}
	}
	x.compact.start(x)
	return x, nil
}

// Prepare starts reading from disk, or building, in the background, what
// the fast path needs of the index as it is now (the facet columns of its
// large segments) and the suggestion keys, so that a server's first
// searches and suggestions find them ready. A load that fails is tried
// again, and its error returned, by the first suggestion.
func (x *Index) Prepare() {
	r, err := x.reader()
	if err != nil {
		return
	}
	defer r.Close()
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		x.cols.prepare(snap)
	}
	x.loading.Go(func() { x.suggest.load(x) })
}

// analyze runs the named analyzer of the index's mapping over text.
func (x *Index) analyze(analyzer, text string) analysis.TokenStream {
	return x.expand.analyze(analyzer, text)
}

// reader opens a reader on the index as it is now; close it after use.
func (x *Index) reader() (index.IndexReader, error) {
	ix, err := x.idx.Advanced()
	if err != nil {
		return nil, err
	}
	return ix.Reader()
}

// Close stops the background compaction and facet column builds and
// closes the index.
func (x *Index) Close() error {
	x.compact.close()
	x.cols.close()
	x.loading.Wait()
	return x.idx.Close()
}

// Count implements catalog.Index.
func (x *Index) Count() (uint64, error) { return x.idx.DocCount() }

// DiskSize returns the bytes of the files in the index's folder: its
// segments, and merged-away ones Bleve has not yet removed. It lists the
// folder and reads no file; an index in memory has 0.
func (x *Index) DiskSize() (int64, error) {
	if x.path == "" {
		return 0, nil
	}
	var n int64
	err := filepath.WalkDir(x.path, func(_ string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // a segment merged away while we looked
		}
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		n += info.Size()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("search index size: %w", err)
	}
	return n, nil
}

// Index implements catalog.Index. The documents go in as one batch.
func (x *Index) Index(ctx context.Context, docs []catalog.Document) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b, learned, tables, err := x.batch(docs)
	if err != nil {
		return err
	}
	tables = lastByID(tables)
	done, err := x.suggest.before(x, tables)
	if err != nil {
		return err
	}
	defer done()
	defer x.cache.clear()
	x.batches.Add(1)
	x.indexed.Add(uint64(len(docs)))
	x.compact.wrote(len(docs))
	err = x.commit(b, learned)
	return errors.Join(err, x.suggest.after(tables, err == nil))
}

// commit commits a batch, and the facet labels with it if it has new ones.
func (x *Index) commit(b *bleve.Batch, learned map[string]map[string]catalog.Text) error {
	if !x.mergeLabels(learned) {
		return x.idx.Batch(b)
	}
	// New labels go in with the batch. Encoding them and committing happen
	// under one lock, so that a batch with an older label set can never
	// land after one with a newer set.
	x.persist.Lock()
	defer x.persist.Unlock()
	data, err := x.labelsJSON()
	if err != nil {
		return err
	}
	b.SetInternal([]byte(internalLabels), data)
	return x.idx.Batch(b)
}

// batch maps documents to a Bleve batch, in parallel over parts of docs,
// and learns the facet labels and suggestion tables they carry.
func (x *Index) batch(docs []catalog.Document) (*bleve.Batch, map[string]map[string]catalog.Text, []tableChange, error) {
	parts := min(runtime.GOMAXPROCS(0), max(1, len(docs)/minBatchPart))
	batches := make([]*bleve.Batch, parts)
	tables := make([][]tableChange, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(docs)/parts, (p+1)*len(docs)/parts
		wg.Go(func() {
			b := x.idx.NewBatch()
			m := x.mapper()
			defer x.idleMapper(m)
			for _, d := range docs[lo:hi] {
				fields := m.fields()
				id, err := bleveDoc(d, fields)
				if t, ok := fields[fieldSuggest].(string); ok {
					tables[p] = append(tables[p], tableChange{id: id, next: []byte(t)})
				}
				var doc *document.Document
				if err == nil {
					doc, err = m.document(id, fields)
				}
				if err == nil {
					err = b.IndexAdvanced(doc)
				}
				if err != nil {
					errs[p] = fmt.Errorf("index <%s>: %w", d.IRI(), err)
					return
				}
			}
			batches[p] = b
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, nil, err
	}
	b := batches[0]
	for _, o := range batches[1:] {
		b.Merge(o)
	}
	learned := map[string]map[string]catalog.Text{}
	for _, d := range docs {
		learnLabels(learned, d)
	}
	return b, learned, slices.Concat(tables...), nil
}

// mapper returns an idle mapper, or a new one.
func (x *Index) mapper() *docMapper {
	select {
	case m := <-x.mappers:
		return m
	default:
		return newDocMapper(x.specs)
	}
}

// idleMapper keeps m for the next batch, unless enough are kept.
func (x *Index) idleMapper(m *docMapper) {
	select {
	case x.mappers <- m:
	default:
	}
}

// minBatchPart is the fewest documents worth mapping on a goroutine of their own.
const minBatchPart = 500

// Delete implements catalog.Index.
func (x *Index) Delete(ctx context.Context, source string, iris []string) error {
	b := x.idx.NewBatch()
	tables := make([]tableChange, len(iris))
	for i, iri := range iris {
		tables[i].id = docID(source, iri)
		b.Delete(tables[i].id)
	}
	tables = lastByID(tables)
	done, err := x.suggest.before(x, tables)
	if err != nil {
		return err
	}
	defer done()
	defer x.cache.clear()
	x.batches.Add(1)
	x.deleted.Add(uint64(len(iris)))
	x.compact.wrote(len(iris))
	err = x.idx.Batch(b)
	return errors.Join(err, x.suggest.after(tables, err == nil))
}

// docID is the id of a record's document: its source and IRI, since two
// sources may publish the same IRI.
func docID(source, iri string) string {
	return source + "\x00" + iri
}

// learnLabels notes display labels of the facet values of a document: the
// dataset's title for its identifier, and concept labels for themes.
func learnLabels(into map[string]map[string]catalog.Text, d catalog.Document) {
	put := func(facet, value string, label catalog.Text) {
		if value == "" || len(label) == 0 {
			return
		}
		if into[facet] == nil {
			into[facet] = map[string]catalog.Text{}
		}
		into[facet][value] = label
	}
	if ds := d.Dataset; ds != nil {
		put(catalog.FacetDataset, ds.Identifier, ds.Title)
		for _, c := range ds.Themes {
			put(catalog.FacetTheme, conceptValue(c), c.Label)
		}
	}
	if v := d.Variable; v != nil {
		for _, c := range v.Subjects {
			put(catalog.FacetTheme, conceptValue(c), c.Label)
		}
	}
}

// mergeLabels adds learned labels and reports whether any were new.
func (x *Index) mergeLabels(learned map[string]map[string]catalog.Text) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	changed := false
	for facet, values := range learned {
		if x.labels[facet] == nil {
			x.labels[facet] = map[string]catalog.Text{}
		}
		for v, l := range values {
			if old, ok := x.labels[facet][v]; ok && textEqual(old, l) {
				continue
			}
			x.labels[facet][v] = l
			changed = true
		}
	}
	return changed
}

func (x *Index) labelsJSON() ([]byte, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return json.Marshal(x.labels)
}

// FacetLabel returns the display label of a facet value, if it has one
// (see label): for a selected value that no record of a search has.
func (x *Index) FacetLabel(facet, value string) catalog.Text { return x.label(facet, value) }

// label returns the display label of a facet value, if it has one: the
// nb/nn/en labels of the EU vocabularies and of languages first, then what
// the feeds called it.
func (x *Index) label(facet, value string) catalog.Text {
	switch facet {
	case catalog.FacetAccessRights, catalog.FacetTheme:
		for _, table := range []string{"access-right/", "data-theme/"} {
			if t, ok := catalog.VocabularyLabel("http://publications.europa.eu/resource/authority/" + table + value); ok {
				return t
			}
		}
	case catalog.FacetLanguage:
		if t, ok := catalog.LanguageName(value); ok {
			return t
		}
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.labels[facet][value]
}

func textEqual(a, b catalog.Text) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
