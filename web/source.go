package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

func (s *Server) registerSourceRoutes(g *echo.Group) {
	g.GET("/sources", s.handleSourceList)
	g.GET("/sources/:name/runs", s.handleSourceRuns)
	g.GET("/sources/:name/runs/:run", s.handleSourceRun)
	g.GET("/sources/:name/findings", s.handleSourceFindings)
	g.POST("/sources/:name/harvest", s.handleSourceHarvest, s.requireAdmin)
	g.POST("/sources/:name/release", s.handleSourceRelease, s.requireAdmin)
}

// sourceView is a source as the API lists it (CONTRACT.md).
type sourceView struct {
	Name      string           `json:"name"`
	URL       string           `json:"url"`
	Schedule  string           `json:"schedule"`
	Publisher string           `json:"publisher,omitempty"`
	LastRun   *runView         `json:"last_run"`
	NextRun   *time.Time       `json:"next_run"`
	Quality   *catalog.Quality `json:"quality"`
}

// runView is a harvest run as the API shows it (CONTRACT.md RUN).
type runView struct {
	*catalog.HarvestRun
	DurationMS  int64  `json:"duration_ms"`
	FindingsURL string `json:"findings_url"`
}

func newRunView(r *catalog.HarvestRun) *runView {
	return &runView{
		HarvestRun:  r,
		DurationMS:  r.Duration().Milliseconds(),
		FindingsURL: "/api/v1/sources/" + r.Source + "/findings?run=" + r.ID,
	}
}

func (s *Server) handleSourceList(c echo.Context) error {
	views, err := s.sourceViews(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, views)
}

func (s *Server) sourceViews(ctx context.Context) ([]sourceView, error) {
	srcs, err := s.store.FindSources(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]sourceView, 0, len(srcs))
	for _, src := range srcs {
		v := sourceView{Name: src.Name, URL: src.URL, Schedule: src.Schedule, Publisher: src.Publisher}
		if src.State.LastRun != "" {
			run, err := s.store.FindRunByID(ctx, src.Name, src.State.LastRun)
			if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
				return nil, err
			}
			if run != nil {
				v.LastRun = newRunView(run)
				v.Quality = run.Quality
			}
		}
		if t := src.State.NextRun; !t.IsZero() {
			v.NextRun = &t
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Server) handleSourceRuns(c echo.Context) error {
	ctx := c.Request().Context()
	name := c.Param("name")
	if _, err := s.store.FindSource(ctx, name); err != nil {
		return err
	}
	runs, err := s.store.FindRuns(ctx, name, 100)
	if err != nil {
		return err
	}
	out := make([]*runView, 0, len(runs))
	for i := range runs {
		out = append(out, newRunView(&runs[i]))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleSourceRun(c echo.Context) error {
	run, err := s.store.FindRunByID(c.Request().Context(), c.Param("name"), c.Param("run"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newRunView(run))
}

func (s *Server) handleSourceFindings(c echo.Context) error {
	ctx := c.Request().Context()
	src, err := s.store.FindSource(ctx, c.Param("name"))
	if err != nil {
		return err
	}
	runID := c.QueryParam("run")
	if runID == "" {
		runID = src.State.LastRun
	}
	filter, err := newFindingFilter(c)
	if err != nil {
		return err
	}
	out := []catalog.Finding{}
	if runID == "" {
		return c.JSON(http.StatusOK, out)
	}
	findings, err := s.store.FindFindings(ctx, src.Name, runID)
	if err != nil {
		return err
	}
	for _, f := range findings {
		if filter.keep(f) {
			out = append(out, f)
		}
	}
	return c.JSON(http.StatusOK, out)
}

// findingFilter picks findings by ?severity= and ?resource=; empty picks
// all.
type findingFilter struct {
	Severity string
	Resource string
}

func newFindingFilter(c echo.Context) (findingFilter, error) {
	f := findingFilter{Severity: c.QueryParam("severity"), Resource: c.QueryParam("resource")}
	switch f.Severity {
	case "", string(catalog.SeverityError), string(catalog.SeverityWarning), string(catalog.SeverityInfo):
		return f, nil
	}
	return f, catalog.Errorf(catalog.EINVALID, "severity must be error, warning or info, not %q", f.Severity)
}

func (ff findingFilter) keep(f catalog.Finding) bool {
	return (ff.Severity == "" || string(f.Severity) == ff.Severity) && (ff.Resource == "" || f.Resource == ff.Resource)
}

func (s *Server) handleSourcesPage(c echo.Context) error {
	views, err := s.sourceViews(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "sources", s.pages.msgs.t(pageLang(c), "nav.sources"), views)
}

// sourcePage is the model of a source's page: its last run, quality and
// findings, grouped by resource and filtered by severity and resource.
type sourcePage struct {
	Source  sourceView
	Filter  findingFilter
	Counts  map[string]int    // findings of the resource filter by severity
	Tabs    map[string]string // severity ("" for all) → link
	Groups  []findingGroup
	Total   int // groups in all, across pages
	Page    int
	Pages   int
	PrevURL string
	NextURL string
}

type findingGroup struct {
	Resource string
	Dataset  string // the identifier of the dataset the resource is, if it is one
	Findings []catalog.Finding
}

// groupsPerPage is how many resources a source page lists at a time.
const groupsPerPage = 50

func (s *Server) handleSourcePage(c echo.Context) error {
	ctx := c.Request().Context()
	src, err := s.store.FindSource(ctx, c.Param("name"))
	if err != nil {
		return err
	}
	filter, err := newFindingFilter(c)
	if err != nil {
		return err
	}
	page, err := intParam(c.QueryParams(), "page")
	if err != nil {
		return err
	}
	views, err := s.sourceViews(ctx)
	if err != nil {
		return err
	}
	p := &sourcePage{Filter: filter, Counts: map[string]int{}, Tabs: map[string]string{}}
	for _, v := range views {
		if v.Name == src.Name {
			p.Source = v
		}
	}
	var findings []catalog.Finding
	if src.State.LastRun != "" {
		findings, err = s.store.FindFindings(ctx, src.Name, src.State.LastRun)
		if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return err
		}
	}
	index := map[string]int{}
	for _, f := range findings {
		if filter.Resource != "" && f.Resource != filter.Resource {
			continue
		}
		p.Counts[string(f.Severity)]++
		if !filter.keep(f) {
			continue
		}
		i, ok := index[f.Resource]
		if !ok {
			i = len(p.Groups)
			index[f.Resource] = i
			p.Groups = append(p.Groups, findingGroup{Resource: f.Resource})
		}
		p.Groups[i].Findings = append(p.Groups[i].Findings, f)
	}
	// Resources with errors first, then by how much is wrong; within a
	// resource, errors before warnings before notes.
	for _, g := range p.Groups {
		sort.SliceStable(g.Findings, func(i, j int) bool {
			return severityRank[g.Findings[i].Severity] < severityRank[g.Findings[j].Severity]
		})
	}
	sort.SliceStable(p.Groups, func(i, j int) bool {
		ei, ej := errorsIn(p.Groups[i].Findings), errorsIn(p.Groups[j].Findings)
		if ei != ej {
			return ei > ej
		}
		return len(p.Groups[i].Findings) > len(p.Groups[j].Findings)
	})
	p.Page, p.Total = max(page, 1), len(p.Groups)
	p.Pages = max(1, (p.Total+groupsPerPage-1)/groupsPerPage)
	if p.Page > p.Pages {
		return catalog.Errorf(catalog.ENOTFOUND, "page %d is past the last page, %d", p.Page, p.Pages)
	}
	lo := (p.Page - 1) * groupsPerPage
	p.Groups = p.Groups[lo:min(lo+groupsPerPage, p.Total)]
	for i := range p.Groups {
		if d, err := s.store.FindDatasetByIRI(ctx, src.Name, p.Groups[i].Resource); err == nil && d.Withdrawn == nil {
			p.Groups[i].Dataset = d.Identifier
		}
	}

	link := func(severity string, page int) string {
		q := url.Values{}
		if severity != "" {
			q.Set("severity", severity)
		}
		if filter.Resource != "" {
			q.Set("resource", filter.Resource)
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		u := "/sources/" + url.PathEscape(src.Name)
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		return u
	}
	for _, sev := range []string{"", string(catalog.SeverityError), string(catalog.SeverityWarning), string(catalog.SeverityInfo)} {
		p.Tabs[sev] = link(sev, 1)
	}
	if p.Page > 1 {
		p.PrevURL = link(filter.Severity, p.Page-1)
	}
	if p.Page < p.Pages {
		p.NextURL = link(filter.Severity, p.Page+1)
	}
	return s.render(c, http.StatusOK, "source", src.Name, p)
}

var severityRank = map[catalog.Severity]int{catalog.SeverityError: 0, catalog.SeverityWarning: 1, catalog.SeverityInfo: 2}

func errorsIn(fs []catalog.Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == catalog.SeverityError {
			n++
		}
	}
	return n
}
