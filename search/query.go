package search

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/format/html"
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

// Boosts of the fields a query is matched against: an exact variable name
// first, then titles, then descriptions and code labels.
const (
	boostName        = 20
	boostNameWord    = 6
	boostIdentifier  = 20
	boostTitle       = 3
	boostDescription = 1
	boostCodes       = 0.5
	boostKeywords    = 1
	boostDataset     = 0.3
)

// Relevance ranking diversifies the top of the list: within the first
// diversifyWindow hits, each further hit from a dataset or source already
// shown counts for less, so that a concept measured in many editions of one
// study does not bury the other registers.
const (
	diversifyWindow = 200
	decayDataset    = 0.5
	decaySource     = 0.8
)

// Search implements catalog.Index.
func (x *Index) Search(ctx context.Context, req *catalog.SearchRequest) (*catalog.SearchResult, error) {
	start := time.Now()
	if err := normalize(req); err != nil {
		return nil, err
	}
	inDatasets, err := x.datasetsNamed(ctx, req.Query)
	if err != nil {
		return nil, err
	}
	q := buildQuery(req, "", inDatasets)
	text := strings.TrimSpace(req.Query) != ""
	from, size := (req.Page-1)*req.Size, req.Size
	// A page that starts inside the diversified window is cut from the
	// diversified window followed by the plain order past it, so that pages
	// neither overlap nor skip hits where they straddle the window's end.
	diversify := text && (req.Sort == "" || req.Sort == catalog.SortRelevance) && from < diversifyWindow
	if diversify {
		from, size = 0, max(diversifyWindow, from+size)
	}
	sr := bleve.NewSearchRequestOptions(q, size, from, false)
	sr.Fields = []string{fieldHit}
	for _, name := range catalog.FacetNames() {
		sr.AddFacet(name, bleve.NewFacetRequest(name, facetSize))
	}
	if text && !diversify {
		addHighlight(sr)
	}
	switch req.Sort {
	case catalog.SortTitle:
		sr.SortBy([]string{fieldSortTitle, "_id"})
	case catalog.SortModified:
		sr.SortBy([]string{"-" + fieldModified, "-_score", "_id"})
	default:
		sr.SortBy([]string{"-_score", fieldSortTitle, "_id"})
	}
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
	if diversify {
		n := min(diversifyWindow, len(out.Hits))
		out.Hits = append(diversified(out.Hits[:n]), out.Hits[n:]...)
		lo := min((req.Page-1)*req.Size, len(out.Hits))
		hi := min(lo+req.Size, len(out.Hits))
		out.Hits = out.Hits[lo:hi]
		if err := x.highlight(ctx, q, out.Hits); err != nil {
			return nil, err
		}
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
		fr := bleve.NewSearchRequestOptions(buildQuery(req, name, inDatasets), 0, 0, false)
		fr.AddFacet(name, bleve.NewFacetRequest(name, facetSize))
		res, err := x.idx.SearchInContext(ctx, fr)
		if err != nil {
			return nil, fmt.Errorf("search: facet %s: %w", name, err)
		}
		out.Facets[name] = x.facetCounts(name, res.Facets[name])
	}
	out.Took = time.Since(start)
	return out, nil
}

func addHighlight(sr *bleve.SearchRequest) {
	sr.Highlight = bleve.NewHighlightWithStyle(html.Name)
	for _, l := range textLanguages() {
		sr.Highlight.AddField(fieldTitle + l.suffix)
		sr.Highlight.AddField(fieldDescription + l.suffix)
	}
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

// highlight fills in the highlights of a page of hits with a second search
// restricted to them.
func (x *Index) highlight(ctx context.Context, q query.Query, hits []catalog.SearchHit) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = docID(h.Source, h.IRI)
	}
	sr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(q, bleve.NewDocIDQuery(ids)), len(ids), 0, false)
	addHighlight(sr)
	res, err := x.idx.SearchInContext(ctx, sr)
	if err != nil {
		return fmt.Errorf("search: highlight: %w", err)
	}
	frags := make(map[string]map[string][]string, len(res.Hits))
	for _, h := range res.Hits {
		frags[h.ID] = highlights(h)
	}
	for i := range hits {
		hits[i].Highlights = frags[docID(hits[i].Source, hits[i].IRI)]
	}
	return nil
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
	case req.Page > MaxWindow/req.Size:
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

// buildQuery turns a request into a Bleve query: the text matched against
// the name, title, description and code-label fields (or the record being in
// one of inDatasets, whose titles match the text), AND the type, AND each
// facet's selection (values of one facet OR-ed) but that of the facet named
// skip.
func buildQuery(req *catalog.SearchRequest, skip string, inDatasets []string) query.Query {
	var must []query.Query
	if text := strings.TrimSpace(req.Query); text != "" {
		must = append(must, textQuery(text, inDatasets))
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

// maxNamedDatasets caps how many datasets whose titles match a query lend
// their variables to its results.
const maxNamedDatasets = 50

// datasetsNamed returns the identifiers of the datasets whose titles match
// text, so that "pasientregister" also finds the variables of the patient
// register: variable documents do not repeat their dataset's title, which
// would cost every one of them an analysed field.
func (x *Index) datasetsNamed(ctx context.Context, text string) ([]string, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var titles []query.Query
	for _, l := range textLanguages() {
		titles = append(titles, match(fieldTitle+l.suffix, text, 1))
	}
	q := bleve.NewConjunctionQuery(termQuery(fieldType, string(catalog.KindDataset)), bleve.NewDisjunctionQuery(titles...))
	sr := bleve.NewSearchRequestOptions(q, maxNamedDatasets, 0, false)
	sr.Fields = []string{fieldHit}
	res, err := x.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search: datasets: %w", err)
	}
	var ids []string
	for _, h := range res.Hits {
		hit, err := toHit(h)
		if err != nil {
			return nil, err
		}
		if hit.Identifier != "" {
			ids = append(ids, hit.Identifier)
		}
	}
	return ids, nil
}

// textQuery matches free text against every text field, each analysed by
// its own language's analyzer, and matches the records of inDatasets.
func textQuery(text string, inDatasets []string) query.Query {
	var should []query.Query
	add := func(q query.Query) { should = append(should, q) }
	exact := strings.TrimSpace(text)
	add(boosted(termQuery(fieldNameLower, strings.ToLower(exact)), boostName))
	// A variable name among other words: "SVLEN hodeomkrets".
	if words := strings.Fields(exact); len(words) > 1 {
		for _, w := range words {
			add(boosted(termQuery(fieldNameLower, strings.ToLower(w)), boostNameWord))
		}
	}
	add(boosted(termQuery(fieldIdentifier, exact), boostIdentifier))
	for _, l := range textLanguages() {
		add(match(fieldTitle+l.suffix, text, boostTitle))
		add(match(fieldDescription+l.suffix, text, boostDescription))
		add(match(fieldCodes+l.suffix, text, boostCodes))
	}
	add(match(fieldKeywords, text, boostKeywords))
	for _, id := range inDatasets {
		add(boosted(termQuery(catalog.FacetDataset, id), boostDataset))
	}
	return bleve.NewDisjunctionQuery(should...)
}

func match(field, text string, boost float64) query.Query {
	q := bleve.NewMatchQuery(text)
	q.SetField(field)
	q.SetBoost(boost)
	return q
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
	raw, _ := h.Fields[fieldHit].(string)
	var sh storedHit
	if err := json.Unmarshal([]byte(raw), &sh); err != nil {
		return catalog.SearchHit{}, fmt.Errorf("search hit <%s>: %w", h.ID, err)
	}
	hit := catalog.SearchHit{
		Type:        sh.Type,
		Identifier:  sh.Identifier,
		IRI:         sh.IRI,
		Name:        sh.Name,
		Title:       sh.Title,
		Description: sh.Description,
		Datatype:    sh.Datatype,
		Dataset:     sh.Dataset,
		Publisher:   sh.Publisher,
		Score:       h.Score,
		Temporal:    sh.Temporal,
		Source:      sh.Source,
	}
	hit.Highlights = highlights(h)
	return hit, nil
}

// highlights returns the fragments of a match that mark something, keyed
// the way the API names fields ("title.nb").
func highlights(h *search.DocumentMatch) map[string][]string {
	var out map[string][]string
	for field, frags := range h.Fragments {
		var marked []string
		for _, f := range frags {
			if strings.Contains(f, "<mark>") {
				marked = append(marked, f)
			}
		}
		if len(marked) == 0 {
			continue
		}
		if out == nil {
			out = map[string][]string{}
		}
		out[highlightKey(field)] = marked
	}
	return out
}

// highlightKey names a highlighted field the way the API does: "title.nb".
func highlightKey(field string) string {
	if i := strings.LastIndexByte(field, '_'); i > 0 {
		return field[:i] + "." + field[i+1:]
	}
	return field
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
