package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

func (s *Server) registerSearchRoutes(g *echo.Group) {
	g.GET("/search", s.handleSearch, s.limited(s.searchLimit))
	g.GET("/suggest", s.handleSuggest, s.limited(s.searchLimit))
}

// searchResponse is the API's search result (CONTRACT.md).
type searchResponse struct {
	Total  uint64                  `json:"total"`
	TookMS float64                 `json:"took_ms"`
	Hits   []searchHit             `json:"hits"`
	Facets map[string][]facetCount `json:"facets"`
	// Next is the cursor of the next page (pass it as after=), absent on
	// the last page.
	Next string `json:"next,omitempty"`
	// Relaxed says no record had every word, so the hits have some.
	Relaxed bool `json:"relaxed,omitempty"`
	// DidYouMean is the query with its misspelt words corrected, absent
	// when there is none.
	DidYouMean string `json:"did_you_mean,omitempty"`
}

type searchHit struct {
	Type        catalog.RecordKind  `json:"type"`
	Identifier  string              `json:"identifier"`
	IRI         string              `json:"iri"`
	Name        string              `json:"name"`
	Title       catalog.Text        `json:"title"`
	Description catalog.Text        `json:"description"`
	Datatype    string              `json:"datatype"`
	Dataset     catalog.DatasetRef  `json:"dataset"`
	Publisher   catalog.AgentRef    `json:"publisher"`
	Score       float64             `json:"score"`
	Highlights  map[string][]string `json:"highlights"`
	Temporal    []catalog.Period    `json:"temporal,omitempty"`
}

type facetCount struct {
	Value string       `json:"value"`
	Count int          `json:"count"`
	Label catalog.Text `json:"label,omitempty"`
}

func (s *Server) handleSearch(c echo.Context) error {
	req, err := searchRequest(c.QueryParams(), "")
	if err != nil {
		return err
	}
	res, err := s.index.Search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	out := searchResponse{
		Total:      res.Total,
		TookMS:     float64(res.Took.Microseconds()) / 1000,
		Hits:       make([]searchHit, 0, len(res.Hits)),
		Facets:     make(map[string][]facetCount, len(res.Facets)),
		Next:       res.Next,
		Relaxed:    res.Relaxed,
		DidYouMean: res.Correction,
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, apiHit(h))
	}
	for name, counts := range res.Facets {
		fc := make([]facetCount, 0, len(counts))
		for _, f := range counts {
			fc = append(fc, facetCount{Value: f.Value, Count: f.Count, Label: f.Label})
		}
		out.Facets[name] = fc
	}
	return c.JSON(http.StatusOK, out)
}

// apiHit is a search hit as the API shows it: empty texts as {}, not null.
func apiHit(h catalog.SearchHit) searchHit {
	marks := h.Highlights
	if marks == nil {
		marks = map[string][]string{}
	}
	return searchHit{
		Type: h.Type, Identifier: h.Identifier, IRI: h.IRI, Name: h.Name,
		Title: nonNil(h.Title), Description: nonNil(h.Description), Datatype: h.Datatype,
		Dataset: h.Dataset, Publisher: h.Publisher, Score: h.Score,
		Highlights: marks, Temporal: h.Temporal,
	}
}

// defaultSuggestions is how many suggestions /suggest gives by default.
const defaultSuggestions = 10

func (s *Server) handleSuggest(c echo.Context) error {
	n, err := intParam(c.QueryParams(), "size")
	if err != nil {
		return err
	}
	if n == 0 {
		n = defaultSuggestions
	}
	sug, err := s.index.Suggest(c.Request().Context(), c.QueryParam("q"), n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string][]catalog.Suggestion{"suggestions": sug})
}

// searchRequest reads a search from query parameters, shared by the API and
// the explorer. defaultType applies when the parameters name none.
func searchRequest(q url.Values, defaultType catalog.RecordKind) (*catalog.SearchRequest, error) {
	req := &catalog.SearchRequest{
		Query:   q.Get("q"),
		Type:    catalog.RecordKind(q.Get("type")),
		Sort:    q.Get("sort"),
		Lang:    q.Get("lang"),
		After:   q.Get("after"),
		Filters: map[string][]string{},
	}
	if req.Type == "" {
		req.Type = defaultType
	}
	var err error
	if req.Size, err = intParam(q, "size"); err != nil {
		return nil, err
	}
	if req.Page, err = intParam(q, "page"); err != nil {
		return nil, err
	}
	for _, name := range catalog.FacetNames() {
		for _, v := range q[name] {
			if v = strings.TrimSpace(v); v != "" {
				req.Filters[name] = append(req.Filters[name], v)
			}
		}
	}
	return req, nil
}

// intParam reads an optional count query parameter (page, size); absent is
// 0, so a value given must be 1 or more.
func intParam(q url.Values, name string) (int, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, catalog.Errorf(catalog.EINVALID, "%s must be a whole number of 1 or more, not %q", name, v)
	}
	return n, nil
}

// searchPage is the model of the search and home pages.
type searchPage struct {
	Req      *catalog.SearchRequest
	Res      *catalog.SearchResult
	Facets   []facetView
	Selected []facetValueView // selected filters, with links that remove them
	ClearURL string
	TypeURL  map[string]string // by record kind; string keys, so templates can index it
	Sorts    []sortLink
	PrevURL  string
	NextURL  string
	Pages    int
	// CorrectionURL is the search for the query with its misspelt words
	// corrected (Res.Correction), with the same filters; "" if none.
	CorrectionURL string
	// DropFilters are, when nothing is found, the facets with a selection
	// and what the search finds without each.
	DropFilters []dropFilter
}

// sortLink is a link to the same search in another order.
type sortLink struct {
	Sort    string
	URL     string
	Current bool
}

// dropFilter is a facet's selection and how many results the search has
// without it.
type dropFilter struct {
	Facet  string
	Values []facetValueView
	URL    string // the search without this facet's selection
	Count  uint64
}

// maxDropFilters caps the facets a search that found nothing is counted
// without, one search each.
const maxDropFilters = 5

type facetView struct {
	Name   string
	Values []facetValueView
	// More says a value past the first eight is selected, so the list
	// of the rest starts open.
	More bool
}

type facetValueView struct {
	Facet    string
	Value    string
	Label    catalog.Text
	Count    int
	Selected bool
	URL      string // the search with this value toggled
}

// homePage is the model of the front page: how much the catalogue holds,
// the variable facets to start browsing from, and the datasets by title.
type homePage struct {
	*searchPage // variables: counts and facets
	Datasets    *searchPage
	Publishers  int
}

func (s *Server) handleHomePage(c echo.Context) error {
	vars, err := s.searchPage(c, url.Values{"type": {string(catalog.KindVariable)}}, 1)
	if err != nil {
		return err
	}
	sets, err := s.searchPage(c, url.Values{"type": {string(catalog.KindDataset)}, "sort": {catalog.SortTitle}}, 0)
	if err != nil {
		return err
	}
	home := &homePage{searchPage: vars, Datasets: sets, Publishers: len(vars.Res.Facets[catalog.FacetPublisher])}
	return s.render(c, http.StatusOK, "home", "", home)
}

func (s *Server) handleSearchPage(c echo.Context) error {
	q := c.QueryParams()
	if q.Get("type") == "" {
		q.Set("type", string(catalog.KindVariable))
	}
	page, err := s.searchPage(c, q, 0)
	if err != nil {
		return err
	}
	if err := s.searchHelp(c, q, page); err != nil {
		return err
	}
	title := q.Get("q")
	if title == "" {
		title = s.pages.msgs.t(pageLang(c), "nav.search")
	}
	return s.render(c, http.StatusOK, "search", title, page)
}

// searchPage runs the search the query parameters q describe; a size above
// 0 overrides theirs without showing up in the page's links.
// facetLabel returns the label of a facet value: the index's label, or
// Katalog's own for the values it makes (missing, decades, code lists).
func (s *Server) facetLabel(facet string, f catalog.FacetCount) catalog.Text {
	switch {
	case f.Label != nil:
		return f.Label
	case f.Value == catalog.FacetMissing:
		return s.pages.msgs.text("facet._missing")
	case facet == catalog.FacetCodeList:
		return s.pages.msgs.text("facet.code_list." + f.Value)
	case facet == catalog.FacetDecade:
		if y, err := strconv.Atoi(f.Value); err == nil {
			d := fmt.Sprintf("%d–%d", y, y+9)
			return catalog.Text{"nb": d, "nn": d, "en": d}
		}
	}
	// A value no hit has (a selection that now matches nothing) has no
	// label in the answer: the index may know it still.
	if l, ok := s.index.(facetLabeler); ok {
		return l.FacetLabel(facet, f.Value)
	}
	return nil
}

// facetLabeler is an index that knows the labels of facet values.
type facetLabeler interface {
	FacetLabel(facet, value string) catalog.Text
}

func (s *Server) searchPage(c echo.Context, q url.Values, size int) (*searchPage, error) {
	req, err := searchRequest(q, catalog.KindVariable)
	if err != nil {
		return nil, err
	}
	if size > 0 {
		req.Size = size
	}
	req.Lang = pageLang(c)
	req.Lenient = true
	res, err := s.index.Search(c.Request().Context(), req)
	if err != nil {
		return nil, err
	}
	p := &searchPage{Req: req, Res: res, TypeURL: map[string]string{}}
	for _, name := range catalog.FacetNames() {
		fv := facetView{Name: name}
		selected := map[string]bool{}
		for _, v := range req.Filters[name] {
			selected[v] = true
		}
		for _, f := range res.Facets[name] {
			fv.Values = append(fv.Values, facetValueView{
				Facet: name, Value: f.Value, Label: s.facetLabel(name, f), Count: f.Count,
				Selected: selected[f.Value], URL: toggleURL(q, name, f.Value),
			})
			delete(selected, f.Value)
		}
		// A selected value with no matches still shows, so it can be removed.
		for _, v := range req.Filters[name] {
			if selected[v] {
				fv.Values = append(fv.Values, facetValueView{Facet: name, Value: v, Label: s.facetLabel(name, catalog.FacetCount{Value: v}), Selected: true, URL: toggleURL(q, name, v)})
			}
		}
		for i, v := range fv.Values {
			if v.Selected {
				p.Selected = append(p.Selected, v)
				fv.More = fv.More || i >= 8
			}
		}
		if len(fv.Values) > 0 {
			p.Facets = append(p.Facets, fv)
		}
	}
	clear := url.Values{"q": {req.Query}, "type": {string(req.Type)}}
	p.ClearURL = "/search?" + clear.Encode()
	for _, kind := range []catalog.RecordKind{catalog.KindVariable, catalog.KindDataset} {
		tq := withoutPage(q)
		tq.Set("type", string(kind))
		p.TypeURL[string(kind)] = "/search?" + tq.Encode()
	}
	for _, sort := range []string{catalog.SortRelevance, catalog.SortTitle, catalog.SortModified} {
		sq := withoutPage(q)
		sq.Set("sort", sort)
		cur := req.Sort == sort || req.Sort == "" && sort == catalog.SortRelevance
		p.Sorts = append(p.Sorts, sortLink{Sort: sort, URL: "/search?" + sq.Encode(), Current: cur})
	}
	p.Pages = int((res.Total + uint64(req.Size) - 1) / uint64(req.Size))
	if req.Page > 1 {
		p.PrevURL = pageURL(q, req.Page-1)
	}
	if req.Page < p.Pages && req.Page*req.Size < catalog.MaxSearchWindow {
		p.NextURL = pageURL(q, req.Page+1)
	}
	return p, nil
}

// searchHelp adds to a search page the link to the corrected query, and,
// when nothing was found, what the search finds without each facet's
// selection (of the first maxDropFilters facets with one): one search each,
// of one hit.
func (s *Server) searchHelp(c echo.Context, q url.Values, p *searchPage) error {
	if fixed := p.Res.Correction; fixed != "" {
		nq := withoutCursor(q)
		nq.Set("q", fixed)
		p.CorrectionURL = "/search?" + nq.Encode()
	}
	if p.Res.Total > 0 {
		return nil
	}
	for _, name := range catalog.FacetNames() {
		if len(p.Req.Filters[name]) == 0 {
			continue
		}
		if len(p.DropFilters) == maxDropFilters {
			break
		}
		req := *p.Req
		req.Filters = map[string][]string{}
		for f, vs := range p.Req.Filters {
			if f != name {
				req.Filters[f] = vs
			}
		}
		req.Page, req.Size, req.After = 1, 1, ""
		res, err := s.index.Search(c.Request().Context(), &req)
		if err != nil {
			return err
		}
		d := dropFilter{Facet: name, Count: res.Total}
		for _, v := range p.Selected {
			if v.Facet == name {
				d.Values = append(d.Values, v)
			}
		}
		nq := withoutCursor(q)
		nq.Del(name)
		d.URL = "/search?" + nq.Encode()
		p.DropFilters = append(p.DropFilters, d)
	}
	return nil
}

// withoutCursor returns q without its page, cursor and language.
func withoutCursor(q url.Values) url.Values {
	nq := withoutPage(q)
	nq.Del("after")
	return nq
}

// toggleURL returns the search URL with one facet value selected or not.
func toggleURL(q url.Values, facet, value string) string {
	nq := withoutPage(q)
	var kept []string
	found := false
	for _, v := range nq[facet] {
		if v == value {
			found = true
			continue
		}
		kept = append(kept, v)
	}
	if !found {
		kept = append(kept, value)
	}
	nq[facet] = kept
	return "/search?" + nq.Encode()
}

func withoutPage(q url.Values) url.Values {
	nq := url.Values{}
	for k, v := range q {
		if k != "page" && k != "lang" {
			nq[k] = append([]string(nil), v...)
		}
	}
	return nq
}

func pageURL(q url.Values, page int) string {
	nq := withoutPage(q)
	nq.Set("page", strconv.Itoa(page))
	return "/search?" + nq.Encode()
}
