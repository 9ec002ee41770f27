package web

import (
	"context"
	"net/http"
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
	Name      string     `json:"name"`
	URL       string     `json:"url"`
	Schedule  string     `json:"schedule"`
	Publisher string     `json:"publisher,omitempty"`
	LastRun   *runView   `json:"last_run"`
	NextRun   *time.Time `json:"next_run"`
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
	if runID == "" {
		return c.JSON(http.StatusOK, []catalog.Finding{})
	}
	findings, err := s.store.FindFindings(ctx, src.Name, runID)
	if err != nil {
		return err
	}
	if findings == nil {
		findings = []catalog.Finding{}
	}
	return c.JSON(http.StatusOK, findings)
}

func (s *Server) handleSourcesPage(c echo.Context) error {
	views, err := s.sourceViews(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "sources", s.pages.msgs.t(pageLang(c), "nav.sources"), views)
}
