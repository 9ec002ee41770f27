package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

func (s *Server) registerDatasetRoutes(g *echo.Group) {
	g.GET("/datasets/:id", s.handleDatasetGet)
	g.GET("/datasets/:id/variables", s.handleDatasetVariables)
}

// datasetRecord is a dataset with the freshness of its source: the API's
// dataset record and the dataset page's model.
type datasetRecord struct {
	Identifier        string                 `json:"identifier"`
	IRI               string                 `json:"iri"`
	Title             catalog.Text           `json:"title"`
	Description       catalog.Text           `json:"description"`
	Publisher         *catalog.Agent         `json:"publisher"`
	ContactPoints     []catalog.Contact      `json:"contact_points,omitempty"`
	Themes            []catalog.Concept      `json:"themes,omitempty"`
	Keywords          catalog.Keywords       `json:"keywords,omitempty"`
	Temporal          []catalog.Period       `json:"temporal,omitempty"`
	AccessRights      string                 `json:"access_rights,omitempty"`
	AccessRequestURL  string                 `json:"access_request_url,omitempty"`
	Languages         []string               `json:"languages,omitempty"`
	LandingPages      []string               `json:"landing_pages,omitempty"`
	Spatial           []string               `json:"spatial,omitempty"`
	Frequency         string                 `json:"frequency,omitempty"`
	ConformsTo        []string               `json:"conforms_to,omitempty"`
	Issued            string                 `json:"issued,omitempty"`
	Modified          string                 `json:"modified,omitempty"`
	Distributions     []catalog.Distribution `json:"distributions,omitempty"`
	HasStructuredData *bool                  `json:"has_structured_data,omitempty"`
	Tables            []catalog.Table        `json:"tables,omitempty"`
	VariableCount     int                    `json:"variable_count"`
	Quality           *catalog.Quality       `json:"quality"`
	Catalog           string                 `json:"catalog,omitempty"`
	Source            sourceRef              `json:"source"`
	FirstHarvested    time.Time              `json:"first_harvested"`
	LastChanged       time.Time              `json:"last_changed"`
	LastHarvested     *time.Time             `json:"last_harvested"`
	Status            string                 `json:"status"` // active | withdrawn
	Withdrawn         *time.Time             `json:"withdrawn,omitempty"`

	source string // the name of the source, for store lookups
}

// variableItem is a variable as a dataset's variable list shows it.
type variableItem struct {
	Identifier  string       `json:"identifier"`
	IRI         string       `json:"iri"`
	Name        string       `json:"name"`
	Title       catalog.Text `json:"title"`
	Description catalog.Text `json:"description"`
	Datatype    string       `json:"datatype"`
	Unit        string       `json:"unit,omitempty"`
	Table       string       `json:"table,omitempty"`
	CodeList    string       `json:"code_list,omitempty"` // IRI
	Position    int          `json:"position"`
}

// variablePage is one page of a dataset's variables.
type variablePage struct {
	Total     int            `json:"total"`
	Page      int            `json:"page"`
	Size      int            `json:"size"`
	Variables []variableItem `json:"variables"`
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
	page, err := s.datasetVariables(ctx, d, c.QueryParams(), 50)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// datasetFromPath finds the dataset whose identifier is the :id path
// parameter.
func (s *Server) datasetFromPath(c echo.Context) (*datasetRecord, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return s.findDataset(c.Request().Context(), id)
}

func (s *Server) findDataset(ctx context.Context, id string) (*datasetRecord, error) {
	d, err := s.store.FindDatasetByID(ctx, id)
	if err != nil {
		return nil, err
	}
	rec := &datasetRecord{
		Identifier: d.Identifier, IRI: d.IRI, Title: nonNil(d.Title), Description: nonNil(d.Description),
		Publisher: d.Publisher, ContactPoints: d.Contacts, Themes: d.Themes, Keywords: d.Keywords,
		Temporal: d.Temporal, AccessRights: d.AccessRights, AccessRequestURL: d.AccessRequestURL,
		Languages: d.Languages, LandingPages: d.LandingPages, Spatial: d.Spatial, Frequency: d.Frequency,
		ConformsTo: d.ConformsTo, Issued: d.Issued, Modified: d.Modified, Distributions: d.Distributions,
		HasStructuredData: d.HasStructuredData, Tables: d.Tables, VariableCount: d.VariableCount, Quality: d.Quality,
		Catalog: d.Catalog, Source: s.sourceRef(ctx, d.Source),
		FirstHarvested: d.FirstSeen, LastChanged: d.LastChanged,
		Status: status(d.Withdrawn), Withdrawn: d.Withdrawn,
		source: d.Source,
	}
	rec.LastHarvested = rec.Source.LastHarvested
	return rec, nil
}

// datasetVariables reads page and size (1..1000, default defSize) from q
// and returns that page of the dataset's variables.
func (s *Server) datasetVariables(ctx context.Context, d *datasetRecord, q url.Values, defSize int) (*variablePage, error) {
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
	if page < 1 || page > 1_000_000 || size < 1 || size > 1000 {
		return nil, catalog.Errorf(catalog.EINVALID, "page must be between 1 and 1000000 and size between 1 and 1000")
	}
	vars, total, err := s.store.FindVariables(ctx, catalog.VariableFilter{
		Source: d.source, Dataset: d.IRI, Offset: (page - 1) * size, Size: size,
	})
	if err != nil {
		return nil, err
	}
	out := &variablePage{Total: total, Page: page, Size: size, Variables: make([]variableItem, 0, len(vars))}
	for _, v := range vars {
		out.Variables = append(out.Variables, variableItem{
			Identifier: v.Identifier, IRI: v.IRI, Name: v.Name, Title: nonNil(v.Title), Description: nonNil(v.Description),
			Datatype: v.Datatype, Unit: v.Unit, Table: v.Table, CodeList: v.CodeList, Position: v.Position,
		})
	}
	return out, nil
}

// datasetPage is the model of the dataset page.
type datasetPage struct {
	*datasetRecord
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
	vars, err := s.datasetVariables(ctx, d, c.QueryParams(), 100)
	if err != nil {
		return err
	}
	p := &datasetPage{datasetRecord: d, Variables: vars}
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
