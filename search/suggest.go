package search

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/katalog/katalog/catalog"
)

// Suggestions complete a prefix to the titles and names of records. They
// are not postings of each record, which made a fifth of the cost of
// indexing: a dataset's document stores a table of the suggestion keys of
// the dataset and its variables (fieldSuggest, stored, not indexed), and
// the index keeps in memory, for each key, how many records have it and
// which datasets' tables list it. The tables are read when the index is
// first asked for suggestions or written to; after that the counts follow
// every batch. A variable's suggestions change with its dataset's document,
// which the harvest indexes again whenever one of its variables changes
// (catalog.Document.Members).

// Limits of suggestions: how many a request may ask for, and how many
// distinct titles starting with the prefix are weighed (the most common of
// them win; past this many, the first in alphabetical order are weighed).
const (
	MaxSuggestions  = 20
	maxSuggestScan  = 1000
	maxSuggestRunes = 100
)

// Suggest implements catalog.Index: titles (in any language) and variable
// names that start with prefix, the ones most records have first, then
// words before names and codes, then the shortest.
func (x *Index) Suggest(ctx context.Context, prefix string, n int) ([]catalog.Suggestion, error) {
	if utf8.RuneCountInString(prefix) > maxSuggestRunes {
		return nil, catalog.Errorf(catalog.EINVALID, "q is %d characters long; suggestions take at most %d", utf8.RuneCountInString(prefix), maxSuggestRunes)
	}
	if n < 1 || n > MaxSuggestions {
		return nil, catalog.Errorf(catalog.EINVALID, "size must be between 1 and %d, not %d", MaxSuggestions, n)
	}
	key := suggestKey(prefix)
	if key == "" {
		return []catalog.Suggestion{}, nil
	}
	if err := x.suggest.load(x); err != nil {
		return nil, err
	}
	terms := x.suggest.prefix(key, maxSuggestScan)
	sort.Slice(terms, func(i, j int) bool {
		a, b := terms[i], terms[j]
		if a.count != b.count {
			return a.count > b.count
		}
		// Words before names and codes (BLODN_E28) unless the prefix is one.
		if an, bn := knownName(a.key), knownName(b.key); an != bn && !knownName(key) {
			return bn
		}
		if len(a.key) != len(b.key) {
			return len(a.key) < len(b.key)
		}
		return a.key < b.key
	})
	r, err := x.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := []catalog.Suggestion{}
	for _, t := range terms {
		if len(out) == n {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, ok := x.suggest.shown(t)
		if !ok {
			var from int
			if s, from, ok, err = suggestion(r, t); err != nil {
				return nil, err
			}
			if ok && from == 0 {
				x.suggest.remember(t, s)
			}
		}
		// A title completed at its first word and at a later one is
		// shown once, with the more common key's count.
		if ok && !slices.ContainsFunc(out, func(o catalog.Suggestion) bool { return o.Text == s.Text && o.Type == s.Type }) {
			s.Count = t.count
			out = append(out, s)
		}
	}
	return out, nil
}

// suggestion returns the suggestion of a key: the text as the first record
// with the key writes it, that record, and how many records have the key.
// It reads the tables of the datasets that list the key in turn, in case
// one changed since the key was counted, and says which it read it from.
func suggestion(r index.IndexReader, t suggestTerm) (catalog.Suggestion, int, bool, error) {
	for i, id := range t.datasets {
		raw, err := storedTable(r, id)
		if err != nil {
			return catalog.Suggestion{}, 0, false, err
		}
		if raw == nil {
			continue // deleted since the key was counted
		}
		s, ok, err := findSuggestion(raw, t.key)
		if err != nil {
			return catalog.Suggestion{}, 0, false, fmt.Errorf("suggest: %s: %w", id, err)
		}
		if ok {
			return s, i, true, nil
		}
	}
	return catalog.Suggestion{}, 0, false, nil
}

// findSuggestion returns the suggestion of the row of key in an encoded
// table, reading no more of it than it must.
func findSuggestion(raw []byte, key string) (catalog.Suggestion, bool, error) {
	r := &tableReader{b: raw}
	records := r.records(true)
	var s catalog.Suggestion
	found := false
	err := r.rows(len(records), func(k []byte, _, record int, text []byte) {
		switch {
		case string(k) == key:
			rec := records[record]
			s, found = catalog.Suggestion{Text: string(text), Type: rec.kind, Identifier: rec.identifier}, true
			r.err = errStopRows
		case string(k) > key:
			r.err = errStopRows // the rows are in order
		}
	})
	if err != nil && err != errStopRows {
		return s, false, err
	}
	return s, found, nil
}

// storedTable returns the suggestion table of the document with the id, or
// nil if it has none.
func storedTable(r index.IndexReader, id string) ([]byte, error) {
	if _, ok := r.(*scorch.IndexSnapshot); !ok {
		return storedTableOf(r, id)
	}
	tfr, err := r.TermFieldReader(context.Background(), []byte(id), "_id", false, false, false)
	if err != nil {
		return nil, err
	}
	defer tfr.Close()
	m, err := tfr.Next(nil)
	if err != nil || m == nil {
		return nil, err
	}
	return storedTableAt(r, m.ID)
}

// storedTableAt returns the suggestion table of a document by its number
// in the index, reading only that of its stored fields.
func storedTableAt(r index.IndexReader, internal index.IndexInternalID) ([]byte, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		id, err := r.ExternalID(internal)
		if err != nil {
			return nil, err
		}
		return storedTableOf(r, id)
	}
	offs := offsets(snap)
	doc := binary.BigEndian.Uint64(internal)
	seg := sort.Search(len(offs)-1, func(i int) bool { return offs[i+1] > doc })
	if seg >= len(offs)-1 {
		return nil, fmt.Errorf("document %d: no such document", doc)
	}
	var raw []byte
	err := snap.Segments()[seg].VisitDocument(doc-offs[seg], func(field string, _ byte, value []byte, _ []uint64) bool {
		if field == fieldSuggest {
			raw = append([]byte{}, value...)
			return false
		}
		return true
	})
	return raw, err
}

// storedTableOf is storedTable for an index that is not scorch (the
// in-memory one of tests).
func storedTableOf(r index.IndexReader, id string) ([]byte, error) {
	doc, err := r.Document(id)
	if err != nil || doc == nil {
		return nil, err
	}
	var raw []byte
	doc.VisitFields(func(f index.Field) {
		if f.Name() == fieldSuggest {
			raw = append([]byte{}, f.Value()...)
		}
	})
	return raw, nil
}

// suggestTable is what a dataset's document stores for suggestions: the
// dataset and its variables, and their suggestion keys in order, each with
// how many of them have it and the text and record of the first.
type suggestTable struct {
	records []suggestRecord
	rows    []suggestRow
}

type suggestRecord struct {
	kind       catalog.RecordKind
	identifier string
}

type suggestRow struct {
	key    string
	count  int
	record int // of records
	text   string
}

// newSuggestTable makes the table of a dataset's document.
func newSuggestTable(d catalog.Document) suggestTable {
	var t suggestTable
	at := map[string]int{} // key → row
	add := func(kind catalog.RecordKind, identifier string, title catalog.Text, name string) {
		rec := len(t.records)
		t.records = append(t.records, suggestRecord{kind, identifier})
		for _, k := range suggestKeys(title, name) {
			if i, ok := at[k.key]; ok {
				t.rows[i].count++
				continue
			}
			at[k.key] = len(t.rows)
			t.rows = append(t.rows, suggestRow{key: k.key, count: 1, record: rec, text: k.text})
		}
	}
	add(catalog.KindDataset, d.Dataset.Identifier, d.Dataset.Title, "")
	for _, m := range d.Members {
		if v := m.Variable; v != nil {
			add(catalog.KindVariable, v.Identifier, v.Title, v.Name)
		}
	}
	slices.SortFunc(t.rows, func(a, b suggestRow) int { return strings.Compare(a.key, b.key) })
	return t
}

// encode writes the table as the number of records and each record (its
// kind as one byte and its identifier), the number of texts and each text
// (the rows' texts, once each), and the number of rows and each row: its
// key as the length of the prefix it shares with the row before and the
// rest, its count, record and text. Numbers are uvarints, strings a uvarint
// length and the bytes.
func (t suggestTable) encode() []byte {
	var b []byte
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(t.records)))
	for _, r := range t.records {
		kind := byte(0)
		if r.kind == catalog.KindVariable {
			kind = 1
		}
		b = append(b, kind)
		str(r.identifier)
	}
	texts := map[string]int{}
	var order []string
	for _, r := range t.rows {
		if _, ok := texts[r.text]; !ok {
			texts[r.text] = len(order)
			order = append(order, r.text)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(order)))
	for _, s := range order {
		str(s)
	}
	b = binary.AppendUvarint(b, uint64(len(t.rows)))
	prev := ""
	for _, r := range t.rows {
		shared := 0
		for shared < len(prev) && shared < len(r.key) && prev[shared] == r.key[shared] {
			shared++
		}
		b = binary.AppendUvarint(b, uint64(shared))
		str(r.key[shared:])
		b = binary.AppendUvarint(b, uint64(r.count))
		b = binary.AppendUvarint(b, uint64(r.record))
		b = binary.AppendUvarint(b, uint64(texts[r.text]))
		prev = r.key
	}
	return b
}

var errSuggestTable = errors.New("damaged suggestion table")

// errStopRows ends a walk of a table's rows early.
var errStopRows = errors.New("stop")

// tableReader reads an encoded table.
type tableReader struct {
	b   []byte
	err error
}

func (r *tableReader) uvarint() int {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v >= 1<<31 {
		r.err, r.b = errSuggestTable, nil
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *tableReader) bytes() []byte {
	n := r.uvarint()
	if n > len(r.b) {
		r.err, r.b = errSuggestTable, nil
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

// records skips to the rows, returning the records if keep is set.
func (r *tableReader) records(keep bool) []suggestRecord {
	n := r.uvarint()
	var out []suggestRecord
	for i := 0; i < n && r.err == nil; i++ {
		if len(r.b) == 0 {
			r.err = errSuggestTable
			break
		}
		kind := catalog.KindDataset
		if r.b[0] == 1 {
			kind = catalog.KindVariable
		}
		r.b = r.b[1:]
		id := r.bytes()
		if keep {
			out = append(out, suggestRecord{kind, string(id)})
		}
	}
	return out
}

// rows reads the texts and calls fn with each row, the key's bytes valid
// only during the call, and returns the error.
func (r *tableReader) rows(records int, fn func(key []byte, count int, record int, text []byte)) error {
	var texts [][]byte
	for i, n := 0, r.uvarint(); i < n && r.err == nil; i++ {
		texts = append(texts, r.bytes())
	}
	var key []byte
	n := r.uvarint()
	for i := 0; i < n && r.err == nil; i++ {
		shared := r.uvarint()
		rest := r.bytes()
		count := r.uvarint()
		record := r.uvarint()
		text := r.uvarint()
		if r.err == nil && (shared > len(key) || record >= records || count < 1 || text >= len(texts)) {
			r.err = errSuggestTable
		}
		if r.err == nil {
			key = append(key[:shared], rest...)
			fn(key, count, record, texts[text])
		}
	}
	if r.err == nil && len(r.b) > 0 {
		r.err = errSuggestTable
	}
	return r.err
}

// suggestDict is the index's memory of suggestion keys: for each, how many
// records have it and which datasets' documents list it (in the order of
// their ids). It is made from the stored tables on first use (load) and then
// follows each batch (before, after). After a batch whose outcome it cannot
// know (an error), it is made again on next use.
type suggestDict struct {
	// writing is held shared by each batch from reading the tables it
	// replaces to counting them, and exclusively by a load.
	writing sync.RWMutex
	loaded  atomic.Bool

	mu     sync.RWMutex // guards what follows
	keys   map[string]*suggestEntry
	sorted []string // the keys in order, and keys since removed
	fresh  []string // keys added since sorted was made
	ids    map[string]uint32
	names  []string // dataset documents' ids by their number in ids
}

type suggestEntry struct {
	count    int
	datasets []uint32
	shown    *catalog.Suggestion // as the first of datasets has it, once read
	version  uint64              // changes whenever shown may no longer hold
}

// changed forgets the suggestion shown for the entry.
func (e *suggestEntry) changed() {
	e.shown = nil
	e.version++
}

// suggestTerm is a key as Suggest weighs it.
type suggestTerm struct {
	key      string
	count    int
	datasets []string // the documents that list it, first first
	entry    *suggestEntry
	version  uint64 // of entry, as it was
}

func newSuggestDict(fresh bool) *suggestDict {
	d := &suggestDict{keys: map[string]*suggestEntry{}, ids: map[string]uint32{}}
	d.loaded.Store(fresh)
	return d
}

// load reads the suggestion tables of the index's dataset documents, unless
// the dictionary holds them.
func (d *suggestDict) load(x *Index) error {
	if d.loaded.Load() {
		return nil
	}
	d.writing.Lock()
	defer d.writing.Unlock()
	if d.loaded.Load() {
		return nil
	}
	d.mu.Lock()
	d.keys, d.sorted, d.fresh = map[string]*suggestEntry{}, nil, nil
	d.ids, d.names = map[string]uint32{}, nil
	d.mu.Unlock()
	if err := d.read(x); err != nil {
		return fmt.Errorf("suggestions: %w", err)
	}
	d.loaded.Store(true)
	return nil
}

func (d *suggestDict) read(x *Index) error {
	r, err := x.reader()
	if err != nil {
		return err
	}
	defer r.Close()
	tfr, err := r.TermFieldReader(context.Background(), []byte(catalog.KindDataset), fieldType, false, false, false)
	if err != nil {
		return err
	}
	defer tfr.Close()
	var tfd index.TermFieldDoc
	for {
		m, err := tfr.Next(tfd.Reset())
		if err != nil {
			return err
		}
		if m == nil {
			break
		}
		id, err := r.ExternalID(m.ID)
		if err != nil {
			return err
		}
		raw, err := storedTableAt(r, m.ID)
		if err != nil {
			return err
		}
		if raw == nil {
			continue
		}
		if err := d.update(id, nil, raw); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
	}
	return nil
}

// update replaces the table of a dataset document, prev by next (nil:
// none).
func (d *suggestDict) update(id string, prev, next []byte) error {
	a, err := tableKeys(prev)
	if err != nil {
		return err
	}
	b, err := tableKeys(next)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	num, ok := d.ids[id]
	if !ok {
		num = uint32(len(d.names))
		d.ids[id] = num
		d.names = append(d.names, id)
	}
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || (len(a) > 0 && string(a[0].key) < string(b[0].key)):
			d.remove(a[0], num)
			a = a[1:]
		case len(a) == 0 || string(b[0].key) < string(a[0].key):
			d.add(b[0], num)
			b = b[1:]
		default:
			d.replace(a[0], b[0], num)
			a, b = a[1:], b[1:]
		}
	}
	return nil
}

// replace counts a key that dataset num's table had before and has still.
func (d *suggestDict) replace(prev, next keyCount, num uint32) {
	if e := d.keys[string(next.key)]; e != nil {
		if i, listed := d.position(e, num); listed {
			e.count += next.count - prev.count
			if i == 0 {
				e.changed() // its record or text may have changed
			}
			return
		}
	}
	d.add(next, num)
}

func (d *suggestDict) add(r keyCount, num uint32) {
	e := d.keys[string(r.key)]
	if e == nil {
		e = &suggestEntry{}
		k := string(r.key)
		d.keys[k] = e
		d.fresh = append(d.fresh, k)
	}
	i, listed := d.position(e, num)
	if listed {
		return // counted already
	}
	e.count += r.count
	e.datasets = slices.Insert(e.datasets, i, num)
	if i == 0 {
		e.changed()
	}
}

// position returns where dataset num is, or would be, among the entry's
// datasets. They are kept in the order of their documents' ids, so that the
// suggestion shown does not depend on the order they came in.
func (d *suggestDict) position(e *suggestEntry, num uint32) (int, bool) {
	name := d.names[num]
	i := sort.Search(len(e.datasets), func(i int) bool { return d.names[e.datasets[i]] >= name })
	return i, i < len(e.datasets) && e.datasets[i] == num
}

func (d *suggestDict) remove(r keyCount, num uint32) {
	e := d.keys[string(r.key)]
	if e == nil {
		return
	}
	i, listed := d.position(e, num)
	if !listed {
		return // nothing of it was counted
	}
	e.count -= r.count
	e.datasets = slices.Delete(e.datasets, i, i+1)
	if i == 0 {
		e.changed()
	}
	if e.count <= 0 || len(e.datasets) == 0 {
		delete(d.keys, string(r.key))
	}
}

// keyCount is a row of a table as the dictionary counts it; key is part of
// the encoded table.
type keyCount struct {
	key   []byte
	count int
}

// tableKeys returns the rows of an encoded table, in key order.
func tableKeys(raw []byte) ([]keyCount, error) {
	if raw == nil {
		return nil, nil
	}
	r := &tableReader{b: raw}
	r.records(false)
	if r.err != nil {
		return nil, r.err
	}
	// The keys are copied one after the other into keys, and sliced from
	// it at the end.
	var keys []byte
	var ends, counts []int
	last := 0 // where the last key starts in keys
	err := r.rows(1<<31-1, func(key []byte, count, _ int, _ []byte) {
		if len(ends) > 0 && string(key) <= string(keys[last:]) {
			r.err = errSuggestTable // out of order: update's walk needs order
		}
		last = len(keys)
		keys = append(keys, key...)
		ends = append(ends, len(keys))
		counts = append(counts, count)
	})
	if err != nil {
		return nil, err
	}
	out := make([]keyCount, len(ends))
	start := 0
	for i, end := range ends {
		out[i] = keyCount{keys[start:end:end], counts[i]}
		start = end
	}
	return out, nil
}

// tableChange is what a batch does to a document's suggestion table.
type tableChange struct {
	id         string
	prev, next []byte // nil: none
}

// lastByID returns the changes with one per document: the last, as Bleve
// keeps the last of a batch's operations on a document.
func lastByID(changes []tableChange) []tableChange {
	at := make(map[string]int, len(changes))
	out := changes[:0:0]
	for _, c := range changes {
		if i, ok := at[c.id]; ok {
			out[i] = c
			continue
		}
		at[c.id] = len(out)
		out = append(out, c)
	}
	return out
}

// before reads the tables that a batch replaces or deletes, into the
// changes' prev, and holds the dictionary for the batch until done is
// called, after the batch's after.
func (d *suggestDict) before(x *Index, changes []tableChange) (done func(), err error) {
	if len(changes) == 0 || d.load(x) != nil {
		// A dictionary that did not load reads every table when it does.
		return func() {}, nil
	}
	d.writing.RLock()
	r, err := x.reader()
	if err != nil {
		d.writing.RUnlock()
		return nil, err
	}
	defer r.Close()
	for i := range changes {
		if changes[i].prev, err = storedTable(r, changes[i].id); err != nil {
			d.writing.RUnlock()
			return nil, fmt.Errorf("suggestions of %s: %w", changes[i].id, err)
		}
	}
	return d.writing.RUnlock, nil
}

// after counts the changes of a batch; committed says whether it was. A
// batch that failed may still have been applied: the dictionary is made
// again on next use.
func (d *suggestDict) after(changes []tableChange, committed bool) error {
	if len(changes) == 0 || !d.loaded.Load() {
		return nil
	}
	if !committed {
		d.loaded.Store(false)
		return nil
	}
	var errs []error
	for _, c := range changes {
		if c.prev == nil && c.next == nil {
			continue
		}
		if err := d.update(c.id, c.prev, c.next); err != nil {
			errs = append(errs, fmt.Errorf("suggestions of %s: %w", c.id, err))
		}
	}
	if len(errs) > 0 {
		d.loaded.Store(false)
	}
	return errors.Join(errs...)
}

// prefix returns up to limit keys that start with p, in order.
func (d *suggestDict) prefix(p string, limit int) []suggestTerm {
	d.mu.Lock()
	if len(d.fresh) > 0 {
		d.merge()
	}
	d.mu.Unlock()
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []suggestTerm
	for i := sort.SearchStrings(d.sorted, p); i < len(d.sorted) && len(out) < limit; i++ {
		k := d.sorted[i]
		if !strings.HasPrefix(k, p) {
			break
		}
		e := d.keys[k]
		if e == nil {
			continue
		}
		t := suggestTerm{key: k, count: e.count, entry: e, version: e.version}
		for _, num := range e.datasets[:min(len(e.datasets), maxSuggestTries)] {
			t.datasets = append(t.datasets, d.names[num])
		}
		out = append(out, t)
	}
	return out
}

// shown returns the suggestion of a term as it was last read, if the
// dataset it was read from still holds it.
func (d *suggestDict) shown(t suggestTerm) (catalog.Suggestion, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if t.entry.shown == nil {
		return catalog.Suggestion{}, false
	}
	return *t.entry.shown, true
}

// remember keeps the suggestion of a term, read from the first dataset's
// table, unless the entry changed since the term was taken from it.
func (d *suggestDict) remember(t suggestTerm, s catalog.Suggestion) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t.entry.version == t.version && d.keys[t.key] == t.entry {
		t.entry.shown = &s
	}
}

// maxSuggestTries is how many datasets that list a key Suggest reads for
// its text before it gives the key up.
const maxSuggestTries = 4

// merge adds the fresh keys to sorted and drops the removed ones.
func (d *suggestDict) merge() {
	slices.Sort(d.fresh)
	merged := make([]string, 0, len(d.keys))
	a, b := d.sorted, d.fresh
	for len(a) > 0 || len(b) > 0 {
		var k string
		switch {
		case len(b) == 0 || (len(a) > 0 && a[0] < b[0]):
			k, a = a[0], a[1:]
		case len(a) == 0 || b[0] < a[0]:
			k, b = b[0], b[1:]
		default:
			k, a, b = a[0], a[1:], b[1:]
		}
		if d.keys[k] != nil && (len(merged) == 0 || merged[len(merged)-1] != k) {
			merged = append(merged, k)
		}
	}
	d.sorted, d.fresh = merged, nil
}
