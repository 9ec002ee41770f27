package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
	// Query searches the dataset's variables (parameter vq); the page
	// then lists the matches, most relevant first.
	Query  string
	Groups []variableGroup
	// AccessBody is the health data access body to apply to, as on the
	// variable page.
	AccessBody *catalog.Agent
	Pages      int
	PrevURL    string
	NextURL    string
}

// variableGroup is a run of a dataset's variables from one table.
type variableGroup struct {
	Table     *catalog.Table // nil when the variables name none
	Variables []variableItem
}

func (s *Server) handleDatasetPage(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.datasetFromPath(c)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	p := &datasetPage{datasetRecord: d, Query: strings.TrimSpace(q.Get("vq")), AccessBody: s.accessBody(d.AccessRights, d.AccessRequestURL)}
	if p.Query != "" {
		p.Variables, err = s.searchDatasetVariables(c, d, p.Query)
	} else {
		p.Variables, err = s.datasetVariables(ctx, d, q, 100)
	}
	if err != nil {
		return err
	}
	p.Groups = groupByTable(p.Variables.Variables, d.Tables)
	p.Pages = (p.Variables.Total + p.Variables.Size - 1) / p.Variables.Size
	link := func(page int) string {
		lq := url.Values{"page": {strconv.Itoa(page)}}
		if p.Query != "" {
			lq.Set("vq", p.Query)
		} else {
			lq.Set("size", strconv.Itoa(p.Variables.Size))
		}
		return "/datasets/" + url.PathEscape(d.Identifier) + "?" + lq.Encode() + "#vars-h"
	}
	if p.Variables.Page > 1 {
		p.PrevURL = link(p.Variables.Page - 1)
	}
	if p.Variables.Page < p.Pages {
		p.NextURL = link(p.Variables.Page + 1)
	}
	return s.render(c, http.StatusOK, "dataset", d.Title.String(), p)
}

// searchDatasetVariables finds a dataset's variables that match query, a
// page of 100 by relevance.
func (s *Server) searchDatasetVariables(c echo.Context, d *datasetRecord, query string) (*variablePage, error) {
	ctx := c.Request().Context()
	page, err := intParam(c.QueryParams(), "page")
	if err != nil {
		return nil, err
	}
	const size = 100
	if page == 0 {
		page = 1
	}
	if page*size > catalog.MaxSearchWindow {
		return nil, catalog.Errorf(catalog.EINVALID, "page must be at most %d", catalog.MaxSearchWindow/size)
	}
	res, err := s.index.Search(ctx, &catalog.SearchRequest{
		Query: query, Type: catalog.KindVariable, Page: page, Size: size, Lang: pageLang(c), Lenient: true,
		Filters: map[string][]string{catalog.FacetDataset: {d.Identifier}},
	})
	if err != nil {
		return nil, err
	}
	out := &variablePage{Total: int(res.Total), Page: page, Size: size, Variables: make([]variableItem, 0, len(res.Hits))}
	for _, h := range res.Hits {
		v, err := s.store.FindVariableByID(ctx, h.Identifier)
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			continue // withdrawn since the index saw it
		}
		if err != nil {
			return nil, err
		}
		out.Variables = append(out.Variables, variableItem{
			Identifier: v.Identifier, IRI: v.IRI, Name: v.Name, Title: nonNil(v.Title), Description: nonNil(v.Description),
			Datatype: v.Datatype, Unit: v.Unit, Table: v.Table, CodeList: v.CodeList, Position: v.Position,
		})
	}
	return out, nil
}

// groupByTable splits variables into runs of one table each; a table's
// runs are joined, in the order the tables first appear.
func groupByTable(vars []variableItem, tables []catalog.Table) []variableGroup {
	var groups []variableGroup
	at := map[string]int{}
	for _, v := range vars {
		i, ok := at[v.Table]
		if !ok {
			g := variableGroup{}
			for j := range tables {
				if tables[j].IRI == v.Table && v.Table != "" {
					g.Table = &tables[j]
				}
			}
			i = len(groups)
			at[v.Table] = i
			groups = append(groups, g)
		}
		groups[i].Variables = append(groups[i].Variables, v)
	}
	return groups
}
