package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

func (s *Server) registerDatasetRoutes(g *echo.Group) {
	g.GET("/datasets/:id", s.handleDatasetGet)
	g.GET("/datasets/:id/variables", s.handleDatasetVariables)
}

// datasetView is a dataset with the freshness of its source: the API's
// dataset record and the dataset page's model.
type datasetView struct {
	*catalog.Dataset
	Source sourceRef `json:"source"`
	Status string    `json:"status"` // active | withdrawn
}

// variablePage is one page of a dataset's variables.
type variablePage struct {
	Total     int                `json:"total"`
	Page      int                `json:"page"`
	Size      int                `json:"size"`
	Variables []catalog.Variable `json:"variables"`
}

func (s *Server) handleDatasetGet(c echo.Context) error {
	d, err := s.datasetFromPath(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) handleDatasetVariables(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.datasetFromPath(c)
	if err != nil {
		return err
	}
	page, err := s.datasetVariables(ctx, d.Dataset, c.QueryParams(), 50)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// datasetFromPath finds the dataset whose identifier is the :id path
// parameter.
func (s *Server) datasetFromPath(c echo.Context) (*datasetView, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return s.findDataset(c.Request().Context(), id)
}

func (s *Server) findDataset(ctx context.Context, id string) (*datasetView, error) {
	d, err := s.store.FindDatasetByID(ctx, id)
	if err != nil {
		return nil, err
	}
	view := &datasetView{Dataset: d, Source: s.sourceRef(ctx, d.Source), Status: "active"}
	if d.Withdrawn != nil {
		view.Status = "withdrawn"
	}
	return view, nil
}

// datasetVariables reads page and size (1..1000, default defSize) from q
// and returns that page of the dataset's variables.
func (s *Server) datasetVariables(ctx context.Context, d *catalog.Dataset, q url.Values, defSize int) (*variablePage, error) {
	page, err := intParam(q, "page")
	if err != nil {
		return nil, err
	}
	size, err := intParam(q, "size")
	if err != nil {
		return nil, err
	}
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = defSize
	}
	if page < 1 || size < 1 || size > 1000 {
		return nil, catalog.Errorf(catalog.EINVALID, "page must be 1 or more and size between 1 and 1000")
	}
	vars, total, err := s.store.FindVariables(ctx, catalog.VariableFilter{
		Source: d.Source, Dataset: d.IRI, Offset: (page - 1) * size, Size: size,
	})
	if err != nil {
		return nil, err
	}
	if vars == nil {
		vars = []catalog.Variable{}
	}
	return &variablePage{Total: total, Page: page, Size: size, Variables: vars}, nil
}

// datasetPage is the model of the dataset page.
type datasetPage struct {
	*datasetView
	Variables *variablePage
	Pages     int
	PrevURL   string
	NextURL   string
}

func (s *Server) handleDatasetPage(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.datasetFromPath(c)
	if err != nil {
		return err
	}
	vars, err := s.datasetVariables(ctx, d.Dataset, c.QueryParams(), 100)
	if err != nil {
		return err
	}
	p := &datasetPage{datasetView: d, Variables: vars}
	p.Pages = (vars.Total + vars.Size - 1) / vars.Size
	base := "/datasets/" + url.PathEscape(d.Identifier) + "?size=" + strconv.Itoa(vars.Size) + "&page="
	if vars.Page > 1 {
		p.PrevURL = base + strconv.Itoa(vars.Page-1)
	}
	if vars.Page < p.Pages {
		p.NextURL = base + strconv.Itoa(vars.Page+1)
	}
	return s.render(c, http.StatusOK, "dataset", d.Title.String(), p)
}
