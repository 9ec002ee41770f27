package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/golang/snappy"
	jsoniter "github.com/json-iterator/go"
	"github.com/katalog/katalog/catalog"
	bolt "go.etcd.io/bbolt"
)

// A record value is a header followed by the record's JSON, compressed with
// Snappy: byte 0 the format (1), byte 1 flags, byte 2 the hash length n,
// then n bytes of content hash.
const (
	recordFormat  = 1
	flagWithdrawn = 1
	flagSnappy    = 2
)

func encodeRecord(hash string, withdrawn bool, v any) ([]byte, error) {
	if len(hash) > 255 {
		return nil, fmt.Errorf("content hash too long")
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	flags := byte(flagSnappy)
	if withdrawn {
		flags |= flagWithdrawn
	}
	out := make([]byte, 3+len(hash), 3+len(hash)+snappy.MaxEncodedLen(len(body)))
	out[0], out[1], out[2] = recordFormat, flags, byte(len(hash))
	copy(out[3:], hash)
	return append(out, snappy.Encode(out[len(out):cap(out)], body)...), nil
}

// header is the decoded header of a record value. body aliases bbolt memory
// and is valid only inside the transaction that read it.
type header struct {
	hash      []byte // aliases the record like body
	withdrawn bool
	snappy    bool
	body      []byte
}

// decode reads the record's JSON into dst.
func (h header) decode(dst any) error {
	return h.decodeWith(nil, dst)
}

// decodeWith is decode with a scratch buffer for the decompressed JSON,
// reused from one record to the next (the decoder copies what it keeps).
func (h header) decodeWith(scratch *[]byte, dst any) error {
	body := h.body
	if h.snappy {
		var buf []byte
		if scratch != nil {
			buf = *scratch
		}
		n, err := snappy.DecodedLen(body)
		if err != nil {
			return fmt.Errorf("decompress record: %w", err)
		}
		if cap(buf) < n {
			buf = make([]byte, n)
		}
		if body, err = snappy.Decode(buf[:cap(buf)], body); err != nil {
			return fmt.Errorf("decompress record: %w", err)
		}
		if scratch != nil {
			*scratch = buf
		}
	}
	if v, ok := dst.(*catalog.Variable); ok {
		if decodeVariable(body, v) {
			return nil
		}
		*v = catalog.Variable{}
	}
	return recordJSON.Unmarshal(body, dst)
}

// recordJSON decodes records: json-iterator in its standard-library mode
// reads them three times as fast as encoding/json (an export of the 1M
// corpus decodes a million variables).
var recordJSON = jsoniter.ConfigCompatibleWithStandardLibrary

func decodeHeader(v []byte) (header, error) {
	if len(v) < 3 || v[0] != recordFormat || len(v) < 3+int(v[2]) {
		return header{}, errors.New("corrupt record header")
	}
	n := int(v[2])
	return header{
		hash:      v[3 : 3+n],
		withdrawn: v[1]&flagWithdrawn != 0,
		snappy:    v[1]&flagSnappy != 0,
		body:      v[3+n:],
	}, nil
}

// sourceBuckets are the nested buckets of one source.
type sourceBuckets struct {
	catalogs, datasets, variables, codelists, order *bolt.Bucket
}

func createSourceBuckets(tx *bolt.Tx, source string) (*sourceBuckets, error) {
	root, err := tx.Bucket([]byte(bucketRecords)).CreateBucketIfNotExists([]byte(source))
	if err != nil {
		return nil, err
	}
	var sb sourceBuckets
	for _, nb := range []struct {
		name string
		dst  **bolt.Bucket
	}{
		{bucketCatalogs, &sb.catalogs},
		{bucketDatasets, &sb.datasets},
		{bucketVariables, &sb.variables},
		{bucketCodeLists, &sb.codelists},
		{bucketOrder, &sb.order},
	} {
		b, err := root.CreateBucketIfNotExists([]byte(nb.name))
		if err != nil {
			return nil, err
		}
		*nb.dst = b
	}
	return &sb, nil
}

// sourceBucket returns one nested bucket of a source, or nil.
func sourceBucket(tx *bolt.Tx, source, name string) *bolt.Bucket {
	root := tx.Bucket([]byte(bucketRecords)).Bucket([]byte(source))
	if root == nil {
		return nil
	}
	return root.Bucket([]byte(name))
}

// oldRecord is what ApplySnapshot reads of a stored record.
type oldRecord struct {
	key []byte
	header
}

func readHeaders(b *bolt.Bucket) (map[string]header, []oldRecord, error) {
	byKey := make(map[string]header)
	var ordered []oldRecord
	err := b.ForEach(func(k, v []byte) error {
		h, err := decodeHeader(v)
		if err != nil {
			return fmt.Errorf("record %s: %w", k, err)
		}
		byKey[string(k)] = h
		ordered = append(ordered, oldRecord{key: k, header: h})
		return nil
	})
	return byKey, ordered, err
}

var errHeld = errors.New("snapshot held")

// ApplySnapshot implements catalog.Store.
func (s *DB) ApplySnapshot(ctx context.Context, source string, snap *catalog.Snapshot, opts catalog.ApplyOptions) (*catalog.Changes, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if source == "" {
		return nil, catalog.Errorf(catalog.EINVALID, "apply snapshot: no source name")
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	var ch *catalog.Changes
	err := s.db.Update(func(tx *bolt.Tx) error {
		ch = &catalog.Changes{}
		a, err := newApplier(tx, source, now, ch)
		if err != nil {
			return err
		}
		return a.apply(snap, opts.MaxRemoveShare)
	})
	if errors.Is(err, errHeld) {
		return ch, nil
	}
	if err != nil {
		return nil, fmt.Errorf("apply snapshot of %s: %w", source, err)
	}
	return ch, nil
}

// applier carries one ApplySnapshot transaction.
type applier struct {
	tx     *bolt.Tx
	source string
	now    time.Time
	ch     *catalog.Changes
	sb     *sourceBuckets
	ids    *bolt.Bucket

	// Writes wait in pending until the end of the transaction and then go
	// in key order: bbolt keeps a transaction's nodes unsplit until commit,
	// so inserting tens of thousands of keys out of order costs a copy of
	// the node per insert.
	pending map[*bolt.Bucket][]kv
	written map[string]bool // variable IRIs written by this transaction
}

type kv struct{ k, v []byte }

// put queues a write.
func (a *applier) put(b *bolt.Bucket, k, v []byte) {
	a.pending[b] = append(a.pending[b], kv{k, v})
	a.ch.Written = true
}

// flush writes the queued writes, bucket by bucket, in key order. For a
// key queued twice the later write wins.
func (a *applier) flush() error {
	for b, kvs := range a.pending {
		// Keys go in in order, so pages can be filled almost full.
		b.FillPercent = 0.9
		sort.SliceStable(kvs, func(i, j int) bool { return bytes.Compare(kvs[i].k, kvs[j].k) < 0 })
		for i, w := range kvs {
			if i+1 < len(kvs) && bytes.Equal(kvs[i+1].k, w.k) {
				continue
			}
			if err := b.Put(w.k, w.v); err != nil {
				return err
			}
		}
	}
	clear(a.pending)
	return nil
}

func newApplier(tx *bolt.Tx, source string, now time.Time, ch *catalog.Changes) (*applier, error) {
	sb, err := createSourceBuckets(tx, source)
	if err != nil {
		return nil, err
	}
	return &applier{
		tx: tx, source: source, now: now, ch: ch, sb: sb, ids: tx.Bucket([]byte(bucketIDs)),
		pending: map[*bolt.Bucket][]kv{}, written: map[string]bool{},
	}, nil
}

func (a *applier) apply(snap *catalog.Snapshot, maxRemoveShare float64) error {
	oldDS, dsOrder, err := readHeaders(a.sb.datasets)
	if err != nil {
		return err
	}
	oldVars, varOrder, err := readHeaders(a.sb.variables)
	if err != nil {
		return err
	}

	// Plan: which records vanished.
	seenDS := make(map[string]bool, len(snap.Datasets))
	for i := range snap.Datasets {
		seenDS[snap.Datasets[i].IRI] = true
	}
	seenVars := make(map[string]bool, len(snap.Variables))
	for i := range snap.Variables {
		seenVars[snap.Variables[i].IRI] = true
	}
	var goneDS, goneVars []oldRecord
	liveDS, liveVars := 0, 0
	for _, r := range dsOrder {
		if r.withdrawn {
			continue
		}
		liveDS++
		if !seenDS[string(r.key)] {
			goneDS = append(goneDS, r)
		}
	}
	for _, r := range varOrder {
		if r.withdrawn {
			continue
		}
		liveVars++
		if !seenVars[string(r.key)] {
			goneVars = append(goneVars, r)
		}
	}
	if reason := massDeletion(maxRemoveShare, len(goneDS), liveDS, len(goneVars), liveVars); reason != "" {
		a.ch.Held, a.ch.HeldReason = true, reason
		for _, r := range goneDS {
			a.ch.Removed = append(a.ch.Removed, catalog.Ref{Kind: catalog.KindDataset, IRI: string(r.key)})
		}
		for _, r := range goneVars {
			a.ch.Removed = append(a.ch.Removed, catalog.Ref{Kind: catalog.KindVariable, IRI: string(r.key)})
		}
		return errHeld
	}

	if err := a.putCatalogs(snap.Catalogs); err != nil {
		return err
	}
	if err := a.putCodeLists(snap.CodeLists); err != nil {
		return err
	}
	done := make(map[string]bool, len(snap.Datasets))
	for i := range snap.Datasets {
		d := &snap.Datasets[i]
		if done[d.IRI] {
			continue
		}
		done[d.IRI] = true
		if err := a.putDataset(d, oldDS); err != nil {
			return fmt.Errorf("dataset %s: %w", d.IRI, err)
		}
	}
	clear(done)
	order := make(map[string][]string)
	var datasets []string
	for i := range snap.Variables {
		v := &snap.Variables[i]
		if done[v.IRI] {
			continue
		}
		done[v.IRI] = true
		if err := a.putVariable(v, oldVars); err != nil {
			return fmt.Errorf("variable %s: %w", v.IRI, err)
		}
		if _, ok := order[v.Dataset]; !ok {
			datasets = append(datasets, v.Dataset)
		}
		order[v.Dataset] = append(order[v.Dataset], v.IRI)
	}
	for i := range snap.Datasets {
		if _, ok := order[snap.Datasets[i].IRI]; !ok {
			datasets = append(datasets, snap.Datasets[i].IRI)
			order[snap.Datasets[i].IRI] = nil
		}
	}
	for _, ds := range datasets {
		if err := a.putOrder(ds, order[ds]); err != nil {
			return err
		}
	}
	for _, r := range goneDS {
		if err := a.withdrawDataset(r); err != nil {
			return err
		}
	}
	for _, r := range goneVars {
		if err := a.withdrawVariable(r); err != nil {
			return err
		}
	}
	if err := a.flush(); err != nil {
		return err
	}
	if a.ch.Written {
		return bumpRevision(a.tx)
	}
	return nil
}

// massDeletion returns why a snapshot must be held, or "".
func massDeletion(maxShare float64, goneDS, liveDS, goneVars, liveVars int) string {
	if maxShare <= 0 {
		return ""
	}
	if liveDS > 0 && float64(goneDS)/float64(liveDS) > maxShare {
		return fmt.Sprintf("the feed would withdraw %d of %d datasets (%.0f%%), more than the %.0f%% allowed at once",
			goneDS, liveDS, 100*float64(goneDS)/float64(liveDS), 100*maxShare)
	}
	if liveVars > 0 && float64(goneVars)/float64(liveVars) > maxShare {
		return fmt.Sprintf("the feed would withdraw %d of %d variables (%.0f%%), more than the %.0f%% allowed at once",
			goneVars, liveVars, 100*float64(goneVars)/float64(liveVars), 100*maxShare)
	}
	return ""
}

func (a *applier) putCatalogs(cats []catalog.Catalog) error {
	keep := make(map[string]bool, len(cats))
	for i := range cats {
		c := cats[i]
		c.Source = a.source
		keep[c.IRI] = true
		data, err := json.Marshal(&c)
		if err != nil {
			return err
		}
		if bytes.Equal(a.sb.catalogs.Get([]byte(c.IRI)), data) {
			continue
		}
		if err := a.sb.catalogs.Put([]byte(c.IRI), data); err != nil {
			return err
		}
		a.ch.Written = true
	}
	return a.deleteUnlisted(a.sb.catalogs, keep)
}

func (a *applier) putCodeLists(lists []catalog.CodeList) error {
	keep := make(map[string]bool, len(lists))
	for i := range lists {
		cl := &lists[i]
		keep[cl.IRI] = true
		data, err := json.Marshal(cl)
		if err != nil {
			return err
		}
		if bytes.Equal(a.sb.codelists.Get([]byte(cl.IRI)), data) {
			continue
		}
		if err := a.sb.codelists.Put([]byte(cl.IRI), data); err != nil {
			return err
		}
		a.ch.Written = true
	}
	return a.deleteUnlisted(a.sb.codelists, keep)
}

func (a *applier) deleteUnlisted(b *bolt.Bucket, keep map[string]bool) error {
	var drop [][]byte
	err := b.ForEach(func(k, _ []byte) error {
		if !keep[string(k)] {
			drop = append(drop, append([]byte{}, k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range drop {
		if err := b.Delete(k); err != nil {
			return err
		}
		a.ch.Written = true
	}
	return nil
}

// status is what a snapshot record is to the store.
type status int

const (
	statusAdded status = iota
	statusUpdated
	statusUnchanged
)

// classify compares a snapshot record with the stored one. For an added or
// updated record that was stored before, it decodes the stored record into
// was.
func classify(iri, hash string, old map[string]header, was any) (status, error) {
	prev, existed := old[iri]
	switch {
	case !existed:
		return statusAdded, nil
	case !prev.withdrawn && string(prev.hash) == hash:
		return statusUnchanged, nil
	}
	if err := prev.decode(was); err != nil {
		return 0, err
	}
	if prev.withdrawn {
		return statusAdded, nil
	}
	return statusUpdated, nil
}

// track counts a written record in Changes.
func (a *applier) track(st status, ref catalog.Ref) {
	if st == statusUpdated {
		a.ch.Updated = append(a.ch.Updated, ref)
	} else {
		a.ch.Added = append(a.ch.Added, ref)
	}
}

// identify claims the identifier of a record being written, releasing the
// one it had before if it changed.
func (a *applier) identify(kind catalog.RecordKind, oldID, newID, iri string) (string, error) {
	if oldID != "" && oldID != newID {
		if err := a.dropID(kind, oldID, iri); err != nil {
			return "", err
		}
	}
	return a.claimID(kind, newID, iri)
}

func (a *applier) putDataset(d *catalog.Dataset, old map[string]header) error {
	d.Source, d.Withdrawn = a.source, nil
	if d.Hash == "" {
		d.Hash = d.ContentHash()
	}
	var was catalog.Dataset
	st, err := classify(d.IRI, d.Hash, old, &was)
	if err != nil {
		return err
	}
	if st == statusUnchanged {
		a.ch.Unchanged++
		d.Identifier = a.heldID(catalog.KindDataset, d.Identifier, d.IRI)
		return nil
	}
	d.FirstSeen, d.LastChanged = firstSeen(was.FirstSeen, a.now), a.now
	if d.Identifier, err = a.identify(catalog.KindDataset, was.Identifier, d.Identifier, d.IRI); err != nil {
		return err
	}
	a.track(st, catalog.Ref{Kind: catalog.KindDataset, Identifier: d.Identifier, IRI: d.IRI})
	data, err := encodeRecord(d.Hash, false, d)
	if err != nil {
		return err
	}
	a.put(a.sb.datasets, []byte(d.IRI), data)
	return nil
}

func (a *applier) putVariable(v *catalog.Variable, old map[string]header) error {
	v.Source, v.Withdrawn = a.source, nil
	if v.Hash == "" {
		v.Hash = v.ContentHash(nil)
	}
	var was catalog.Variable
	st, err := classify(v.IRI, v.Hash, old, &was)
	if err != nil {
		return err
	}
	if st == statusUnchanged {
		a.ch.Unchanged++
		v.Identifier = a.heldID(catalog.KindVariable, v.Identifier, v.IRI)
		return nil
	}
	v.FirstSeen, v.LastChanged = firstSeen(was.FirstSeen, a.now), a.now
	if v.Identifier, err = a.identify(catalog.KindVariable, was.Identifier, v.Identifier, v.IRI); err != nil {
		return err
	}
	ref := catalog.Ref{Kind: catalog.KindVariable, Identifier: v.Identifier, IRI: v.IRI, Dataset: v.Dataset}
	if st == statusUpdated && was.Dataset != v.Dataset {
		ref.From = was.Dataset
	}
	a.track(st, ref)
	data, err := encodeRecord(v.Hash, false, v)
	if err != nil {
		return err
	}
	a.put(a.sb.variables, []byte(v.IRI), data)
	a.written[v.IRI] = true
	return nil
}

// firstSeen keeps a stored record's first-seen time, or starts one now.
func firstSeen(was, now time.Time) time.Time {
	if was.IsZero() {
		return now
	}
	return was
}

func (a *applier) withdrawDataset(r oldRecord) error {
	var d catalog.Dataset
	if err := r.decode(&d); err != nil {
		return err
	}
	t := a.now
	d.Withdrawn = &t
	a.ch.Removed = append(a.ch.Removed, catalog.Ref{Kind: catalog.KindDataset, Identifier: d.Identifier, IRI: d.IRI})
	data, err := encodeRecord(string(r.hash), true, &d)
	if err != nil {
		return err
	}
	a.put(a.sb.datasets, r.key, data)
	return nil
}

func (a *applier) withdrawVariable(r oldRecord) error {
	var v catalog.Variable
	if err := r.decode(&v); err != nil {
		return err
	}
	t := a.now
	v.Withdrawn = &t
	a.ch.Removed = append(a.ch.Removed, catalog.Ref{Kind: catalog.KindVariable, Identifier: v.Identifier, IRI: v.IRI, Dataset: v.Dataset})
	data, err := encodeRecord(string(r.hash), true, &v)
	if err != nil {
		return err
	}
	a.put(a.sb.variables, r.key, data)
	return nil
}

// putOrder records the order of a dataset's variables, rewriting it only
// when it changed.
func (a *applier) putOrder(dataset string, iris []string) error {
	prefix := orderPrefix(dataset)
	c := a.sb.order.Cursor()
	same, n := true, 0
	for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
		if n >= len(iris) || string(v) != iris[n] {
			same = false
			break
		}
		n++
	}
	if same && n == len(iris) {
		return nil
	}
	a.ch.Reordered = append(a.ch.Reordered, dataset)
	var drop [][]byte
	for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
		drop = append(drop, append([]byte{}, k...))
	}
	for _, k := range drop {
		if err := a.sb.order.Delete(k); err != nil {
			return err
		}
		a.ch.Written = true
	}
	for i, iri := range iris {
		a.put(a.sb.order, orderKey(dataset, i), []byte(iri))
		if !a.written[iri] {
			if err := a.setPosition(iri, i); err != nil {
				return err
			}
		}
	}
	return nil
}

// setPosition rewrites a stored variable whose position in its dataset
// changed while its content did not.
func (a *applier) setPosition(iri string, pos int) error {
	v := a.sb.variables.Get([]byte(iri))
	if v == nil {
		return nil
	}
	h, err := decodeHeader(v)
	if err != nil {
		return err
	}
	var vr catalog.Variable
	if err := h.decode(&vr); err != nil {
		return err
	}
	if vr.Position == pos {
		return nil
	}
	vr.Position = pos
	data, err := encodeRecord(string(h.hash), h.withdrawn, &vr)
	if err != nil {
		return err
	}
	a.put(a.sb.variables, []byte(iri), data)
	return nil
}

// claimID points an identifier at a record of this source and returns the
// identifier the record gets. When a live record of another source holds the
// identifier already, that record keeps it, this record is known by its IRI
// instead, and Changes.Conflicts says so.
func (a *applier) claimID(kind catalog.RecordKind, identifier, iri string) (string, error) {
	if identifier == "" {
		identifier = iri
	}
	key := idKey(kind, identifier)
	want := idValue(a.source, iri)
	cur := a.ids.Get(key)
	if bytes.Equal(cur, want) {
		return identifier, nil
	}
	if cur != nil {
		src, curIRI := splitIDValue(cur)
		if src != a.source && a.isLive(src, kind, curIRI) {
			a.ch.Conflicts = append(a.ch.Conflicts, catalog.Conflict{
				Kind: kind, Identifier: identifier, IRI: iri, OwnerSource: src, OwnerIRI: curIRI,
			})
			if identifier == iri {
				return identifier, nil
			}
			return a.claimID(kind, iri, iri)
		}
	}
	a.put(a.ids, key, want)
	return identifier, nil
}

// heldID returns the identifier an unchanged stored record goes by: its
// own, or its IRI where it has none or another source holds it.
func (a *applier) heldID(kind catalog.RecordKind, identifier, iri string) string {
	if identifier != "" && bytes.Equal(a.ids.Get(idKey(kind, identifier)), idValue(a.source, iri)) {
		return identifier
	}
	return iri
}

// isLive reports whether a source holds a record that is not withdrawn.
func (a *applier) isLive(source string, kind catalog.RecordKind, iri string) bool {
	b := sourceBucket(a.tx, source, recordBucket(kind))
	if b == nil {
		return false
	}
	v := b.Get([]byte(iri))
	if v == nil {
		return false
	}
	h, err := decodeHeader(v)
	return err == nil && !h.withdrawn
}

// dropID removes an identifier that pointed at iri of this source.
func (a *applier) dropID(kind catalog.RecordKind, identifier, iri string) error {
	if identifier == "" {
		return nil
	}
	key := idKey(kind, identifier)
	if bytes.Equal(a.ids.Get(key), idValue(a.source, iri)) {
		a.ch.Written = true
		return a.ids.Delete(key)
	}
	return nil
}

// idKey is the key of an identifier in the ids bucket: "d" or "v", a zero
// byte, the identifier.
func idKey(kind catalog.RecordKind, identifier string) []byte {
	return []byte(string(kind[:1]) + "\x00" + identifier)
}

func recordBucket(kind catalog.RecordKind) string {
	if kind == catalog.KindDataset {
		return bucketDatasets
	}
	return bucketVariables
}

func idValue(source, iri string) []byte {
	return []byte(source + "\x00" + iri)
}

func splitIDValue(v []byte) (source, iri string) {
	i := bytes.IndexByte(v, 0)
	if i < 0 {
		return "", string(v)
	}
	return string(v[:i]), string(v[i+1:])
}
