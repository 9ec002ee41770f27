package search

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/katalog/katalog/catalog"
)

// Limits of a search request.
const (
	DefaultSize   = 20
	MaxSize       = 100
	MaxWindow     = catalog.MaxSearchWindow
	MaxQueryRunes = 1000
	facetSize     = 100
)

// Relevance ranking diversifies the top of the list: within the first
// diversifyWindow hits and the best perPublisher of each publisher, each
// further hit from a dataset, or from a publisher (a source, on Bleve's
// path), already shown counts for less, so that a concept measured in many
// editions of one study does not bury the other registers.
const (
	diversifyWindow = 200
	perPublisher    = 5
	decayDataset    = 0.5
	decaySource     = 0.8
)

// Search implements catalog.Index.
func (x *Index) Search(ctx context.Context, req *catalog.SearchRequest) (*catalog.SearchResult, error) {
	start := time.Now()
	if err := normalize(req); err != nil {
		return nil, err
	}
	cur, err := decodeCursor(req)
	if err != nil {
		return nil, err
	}
	key := cacheKey(req)
	cached, gen, ok := x.cache.get(key)
	if ok {
		cached.Took = time.Since(start)
		return cached, nil
	}
	var tq textQuery
	queryError, text := "", req.Query
	if strings.TrimSpace(text) != "" {
		tq, err = x.textQuery(ctx, text, false)
		if err != nil && req.Lenient && catalog.ErrorCode(err) == catalog.EINVALID {
			queryError, text = catalog.ErrorMessage(err), plainWords(text)
			tq, err = x.textQuery(ctx, text, false)
		}
		if err != nil {
			return nil, err
		}
	}
	out, err := x.search(ctx, req, tq.q, cur)
	if err != nil {
		return nil, err
	}
	if out.Total == 0 && tq.units > 1 {
		// No record has every word: show those with some of them.
		relaxed, err := x.textQuery(ctx, text, true)
		if err != nil {
			return nil, err
		}
		tq.q, tq.marks = relaxed.q, relaxed.marks
		if out, err = x.search(ctx, req, tq.q, cur); err != nil {
			return nil, err
		}
		out.Relaxed = true
	}
	if tq.correction != "" {
		ok, err := x.corrects(ctx, req, tq.correction, out)
		if err != nil {
			return nil, err
		}
		if ok {
			out.Correction = tq.correction
		}
	}
	x.highlightHits(tq.marks, out.Hits)
	out.QueryError = queryError
	x.cache.put(key, gen, out)
	res := *out
	res.Took = time.Since(start)
	return &res, nil
}

// plainWords returns the words of a query without its operators, at most
// as many as a query may have, each cut to the longest a word may be.
func plainWords(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`"()*+:`, r)
	})
	var out []string
	for _, w := range words {
		w = strings.TrimLeft(w, "-")
		if w == "" || w == "OR" || w == "AND" {
			continue
		}
		if r := []rune(w); len(r) > maxWordSize {
			w = string(r[:maxWordSize])
		}
		out = append(out, w)
		if len(out) == maxClauses {
			break
		}
	}
	return strings.Join(out, " ")
}

// search runs one search for a page of hits and the facet counts: by the
// fast path where it can, else by Bleve's collector.
func (x *Index) search(ctx context.Context, req *catalog.SearchRequest, tq query.Query, cur cursor) (*catalog.SearchResult, error) {
	if cur.After == nil {
		out, err := x.searchFast(ctx, req, tq, cur)
		if !errors.Is(err, errNotReady) {
			return out, err
		}
	}
	return x.searchBleve(ctx, req, tq, cur)
}

// columnIndex returns the index of a field among the column fields.
func columnIndex(name string) uint8 {
	for i, f := range columnFields() {
		if f == name {
			return uint8(i)
		}
	}
	return 255
}

func relevance(req *catalog.SearchRequest) bool {
	return req.Sort == "" || req.Sort == catalog.SortRelevance
}

// searchFast is search by the fast path: ties in index order, the top of a
// relevance-ordered list diversified when there is a text query.
func (x *Index) searchFast(ctx context.Context, req *catalog.SearchRequest, tq query.Query, cur cursor) (*catalog.SearchResult, error) {
	from, need := cur.Offset, cur.Offset+req.Size
	var after *scored
	if cur.Key != nil {
		after, from, need = &scored{score: cur.Key.Score, doc: cur.Key.Doc, key: cur.Key.Sort, id: cur.Key.ID}, 0, req.Size
	}
	diversify := tq != nil && after == nil && relevance(req)
	if diversify {
		need = max(diversifyWindow, need)
	}
	groups := 0
	if diversify {
		groups = perPublisher
	}
	p, err := x.fastSearch(ctx, req, tq, fastOptions{need: need, perGroup: groups, after: after, force: cur.Key != nil})
	if err != nil {
		return nil, err
	}
	defer p.snap.Close()
	order := p.top
	if diversify {
		// The window is the best matches and the best few of each
		// publisher, so that one study's many editions cannot fill it.
		n := min(diversifyWindow, len(order))
		window := append(slices.Clone(order[:n]), p.groupTop...)
		window = uniqueScored(window)
		window = p.diversified(window)
		// Past the window, the plain order, without what the window showed.
		shown := make(map[uint64]bool, len(window))
		for _, m := range window {
			shown[m.doc] = true
		}
		order = window
		for _, m := range p.top[n:] {
			if !shown[m.doc] {
				order = append(order, m)
			}
		}
	}
	lo, hi := min(from, len(order)), min(from+req.Size, len(order))
	hits, err := p.hits(order[lo:hi])
	if err != nil {
		return nil, err
	}
	out := &catalog.SearchResult{Total: p.total, Hits: hits, Facets: p.facets}
	first := from
	if after != nil {
		first = cur.Seen
	}
	lastID := "" // title and modified ties go by id, so the cursor needs it
	if orderOf(req.Sort) != byScore && hi > lo {
		lastID = p.rk.id(order[hi-1].doc)
	}
	out.Next = fastNext(p.total, order, first, len(hits), hi-1, diversify, lastID)
	return out, nil
}

// fastNext returns the cursor after a page of n hits that starts at first:
// for a diversified list an offset (it is not in score order), else the
// score and document of the page's last hit, order[last].
func fastNext(total uint64, order []scored, first, n, last int, diversify bool, lastID string) string {
	seen := first + n
	if n == 0 || uint64(seen) >= total {
		return ""
	}
	if diversify && seen < MaxWindow {
		return cursor{Offset: seen, Seen: seen}.encode()
	}
	m := order[last]
	return cursor{Key: &fastKey{m.score, m.doc, m.key, lastID}, Seen: seen}.encode()
}

// searchBleve is search by Bleve's collector, for the title and modified
// orders and while the fast path's columns are being built.
func (x *Index) searchBleve(ctx context.Context, req *catalog.SearchRequest, tq query.Query, cur cursor) (*catalog.SearchResult, error) {
	q := buildQuery(req, "", tq)
	relevance := req.Sort == "" || req.Sort == catalog.SortRelevance
	from, size := cur.Offset, req.Size
	// A page that starts inside the diversified window is cut from the
	// diversified window followed by the plain order past it, so that pages
	// neither overlap nor skip hits where they straddle the window's end.
	diversify := tq != nil && relevance && cur.After == nil && from < diversifyWindow
	if diversify {
		from, size = 0, max(diversifyWindow, from+size)
	}
	sr := bleve.NewSearchRequestOptions(q, size, from, false)
	if cur.After != nil {
		sr.From = 0
	}
	sr.Fields = []string{fieldHit}
	for _, name := range catalog.FacetNames() {
		sr.AddFacet(name, bleve.NewFacetRequest(name, facetSize))
	}
	sr.SortBy(sortOrder(req.Sort))
	sr.SearchAfter = cur.After
	res, err := x.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &catalog.SearchResult{
		Total:  res.Total,
		Hits:   make([]catalog.SearchHit, 0, len(res.Hits)),
		Facets: make(map[string][]catalog.FacetCount, len(res.Facets)),
	}
	for _, h := range res.Hits {
		hit, err := toHit(h)
		if err != nil {
			return nil, err
		}
		out.Hits = append(out.Hits, hit)
	}
	// The cursor of the next page: an offset inside the diversified window,
	// the sort key of the page's last hit in plain order past it.
	lastPlain := len(res.Hits) - 1
	if diversify {
		n := min(diversifyWindow, len(out.Hits))
		out.Hits = append(diversified(out.Hits[:n]), out.Hits[n:]...)
		lo := min(cur.Offset, len(out.Hits))
		hi := min(lo+req.Size, len(out.Hits))
		out.Hits = out.Hits[lo:hi]
		lastPlain = hi - 1
	}
	first := cur.Offset
	if cur.After != nil {
		first = cur.Seen
	}
	if seen := first + len(out.Hits); len(out.Hits) > 0 && uint64(seen) < res.Total {
		next := cursor{Seen: seen}
		if diversify && seen < diversifyWindow {
			next.Offset = seen
		} else {
			next.After = bleveSortKey(res.Hits[lastPlain], req.Sort)
		}
		out.Next = next.encode()
	}
	for _, name := range catalog.FacetNames() {
		out.Facets[name] = x.facetCounts(name, res.Facets[name])
	}
	// A facet with a selection is counted as if its own selection were not
	// applied, so that the other values stay visible for multi-select.
	for _, name := range catalog.FacetNames() {
		if len(req.Filters[name]) == 0 {
			continue
		}
		fr := bleve.NewSearchRequestOptions(buildQuery(req, name, tq), 0, 0, false)
		fr.AddFacet(name, bleve.NewFacetRequest(name, facetSize))
		res, err := x.idx.SearchInContext(ctx, fr)
		if err != nil {
			return nil, fmt.Errorf("search: facet %s: %w", name, err)
		}
		out.Facets[name] = x.facetCounts(name, res.Facets[name])
	}
	return out, nil
}

// sortOrder returns the Bleve sort of a sort name; every order ends in the
// document id, so that it is total and cursors are exact.
func sortOrder(sort string) []string {
	switch sort {
	case catalog.SortTitle:
		return []string{fieldSortTitle, "_id"}
	case catalog.SortModified:
		return []string{"-" + fieldModified, "-_score", "_id"}
	}
	return []string{"-_score", fieldSortTitle, "_id"}
}

// bleveSortKey returns the values a hit sorts by, as SearchAfter takes them.
func bleveSortKey(h *search.DocumentMatch, sort string) []string {
	key := append([]string(nil), h.Sort...)
	for i, name := range sortOrder(sort) {
		if strings.TrimPrefix(name, "-") == "_score" && i < len(key) {
			key[i] = strconv.FormatFloat(h.Score, 'g', -1, 64)
		}
	}
	return key
}

// diversified reorders hits (sorted by score) by a score that decays with
// each earlier hit from the same dataset and from the same source, and
// reports that score.
func diversified(hits []catalog.SearchHit) []catalog.SearchHit {
	type ranked struct {
		hit   catalog.SearchHit
		score float64
	}
	perDataset := map[string]int{}
	perSource := map[string]int{}
	rs := make([]ranked, len(hits))
	for i, h := range hits {
		ds, src := h.Dataset.IRI, h.Source
		rs[i] = ranked{h, h.Score * math.Pow(decayDataset, float64(perDataset[ds])) * math.Pow(decaySource, float64(perSource[src]))}
		perDataset[ds]++
		perSource[src]++
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].score > rs[j].score })
	out := make([]catalog.SearchHit, len(rs))
	for i, r := range rs {
		out[i] = r.hit
		out[i].Score = r.score
	}
	return out
}

// normalize checks a request and fills in defaults.
func normalize(req *catalog.SearchRequest) error {
	if n := utf8.RuneCountInString(req.Query); n > MaxQueryRunes {
		return catalog.Errorf(catalog.EINVALID, "the query is %d characters long; the limit is %d", n, MaxQueryRunes)
	}
	switch {
	case req.Size == 0:
		req.Size = DefaultSize
	case req.Size < 1 || req.Size > MaxSize:
		return catalog.Errorf(catalog.EINVALID, "size must be between 1 and %d, not %d", MaxSize, req.Size)
	}
	switch {
	case req.Page == 0:
		req.Page = 1
	case req.Page < 1:
		return catalog.Errorf(catalog.EINVALID, "page must be 1 or more, not %d", req.Page)
	case req.After == "" && req.Page > MaxWindow/req.Size:
		return catalog.Errorf(catalog.EINVALID, "page %d of size %d goes past the first %d hits; narrow the search instead", req.Page, req.Size, MaxWindow)
	}
	switch req.Type {
	case "", catalog.KindVariable, catalog.KindDataset:
	default:
		return catalog.Errorf(catalog.EINVALID, "type must be variable or dataset, not %q", req.Type)
	}
	switch req.Sort {
	case "", catalog.SortRelevance, catalog.SortTitle, catalog.SortModified:
	default:
		return catalog.Errorf(catalog.EINVALID, "sort must be relevance, title or modified, not %q", req.Sort)
	}
	for name := range req.Filters {
		if !isFacet(name) {
			return catalog.Errorf(catalog.EINVALID, "%q is not a facet; the facets are %s", name, strings.Join(catalog.FacetNames(), ", "))
		}
	}
	return nil
}

func isFacet(name string) bool {
	for _, f := range catalog.FacetNames() {
		if f == name {
			return true
		}
	}
	return false
}

// buildQuery makes the query of a request: the text query (all records if
// nil), AND the type, AND each facet's selection (values of one facet OR-ed)
// but that of the facet named skip.
func buildQuery(req *catalog.SearchRequest, skip string, text query.Query) query.Query {
	var must []query.Query
	if text != nil {
		must = append(must, text)
	} else {
		must = append(must, bleve.NewMatchAllQuery())
	}
	if req.Type != "" {
		must = append(must, termQuery(fieldType, string(req.Type)))
	}
	for _, name := range catalog.FacetNames() {
		values := req.Filters[name]
		if len(values) == 0 || name == skip {
			continue
		}
		any := make([]query.Query, 0, len(values))
		for _, v := range values {
			any = append(any, termQuery(name, v))
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	if len(must) == 1 {
		return must[0]
	}
	return bleve.NewConjunctionQuery(must...)
}

func termQuery(field, value string) *query.TermQuery {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	return q
}

func boosted(q *query.TermQuery, boost float64) query.Query {
	q.SetBoost(boost)
	return q
}

func toHit(h *search.DocumentMatch) (catalog.SearchHit, error) {
	sh, err := stored(h)
	if err != nil {
		return catalog.SearchHit{}, err
	}
	return hitOf(sh, h.Score), nil
}

// hitOf is the search hit of a stored hit with its score.
func hitOf(sh storedHit, score float64) catalog.SearchHit {
	return catalog.SearchHit{
		Type:        sh.Type,
		Identifier:  sh.Identifier,
		IRI:         sh.IRI,
		Name:        sh.Name,
		Title:       sh.Title,
		Description: sh.Description,
		Datatype:    sh.Datatype,
		Dataset:     sh.Dataset,
		Publisher:   sh.Publisher,
		Score:       score,
		Temporal:    sh.Temporal,
		Source:      sh.Source,
	}
}

// stored reads what the index stores of a hit.
func stored(h *search.DocumentMatch) (storedHit, error) {
	raw, _ := h.Fields[fieldHit].(string)
	var sh storedHit
	if err := json.Unmarshal([]byte(raw), &sh); err != nil {
		return sh, fmt.Errorf("search hit <%s>: %w", h.ID, err)
	}
	return sh, nil
}

func (x *Index) facetCounts(name string, fr *search.FacetResult) []catalog.FacetCount {
	out := []catalog.FacetCount{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, catalog.FacetCount{Value: t.Term, Count: t.Count, Label: x.label(name, t.Term)})
	}
	return out
}

// cursor is where a page starts: an offset, or the sort key of the hit
// before it (Seen hits came before).
type cursor struct {
	Offset int      `json:"o,omitempty"`
	After  []string `json:"a,omitempty"` // Bleve's search-after key
	Key    *fastKey `json:"k,omitempty"` // the fast path's
	Seen   int      `json:"n,omitempty"`
}

// fastKey is the fast path's position: a score and a document number.
type fastKey struct {
	Score float64 `json:"s"`
	Doc   uint64  `json:"d"`
	Sort  sortKey `json:"k,omitempty"`
	ID    string  `json:"i,omitempty"` // title and modified order: ties go by id
}

func (c cursor) encode() string {
	data, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(data)
}

// decodeCursor returns where the page a request asks for starts.
func decodeCursor(req *catalog.SearchRequest) (cursor, error) {
	if req.After == "" {
		return cursor{Offset: (req.Page - 1) * req.Size}, nil
	}
	bad := catalog.Errorf(catalog.EINVALID, "after: %q is not a cursor from this search's next", req.After)
	data, err := base64.RawURLEncoding.DecodeString(req.After)
	if err != nil {
		return cursor{}, bad
	}
	var c cursor
	if err := json.Unmarshal(data, &c); err != nil || c.Offset < 0 || c.Seen < 0 ||
		(c.After != nil && len(c.After) != len(sortOrder(req.Sort))) {
		return cursor{}, bad
	}
	return c, nil
}
