package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

func (s *Server) registerVariableRoutes(g *echo.Group) {
	g.GET("/variables/:id", s.handleVariableGet)
	g.GET("/variables/:id/similar", s.handleSimilar)
}

// similarHit is a similar variable as the API shows it.
type similarHit struct {
	searchHit
	Reasons []catalog.Reason `json:"reasons"`
}

// defaultSimilar is how many similar variables the API gives by default.
const defaultSimilar = 10

func (s *Server) handleSimilar(c echo.Context) error {
	n, err := intParam(c.QueryParams(), "size")
	if err != nil {
		return err
	}
	if n == 0 {
		n = defaultSimilar
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	hits, err := s.similar(c.Request().Context(), id, n)
	if err != nil {
		return err
	}
	out := make([]similarHit, 0, len(hits))
	for _, h := range hits {
		out = append(out, similarHit{apiHit(h.SearchHit), h.Reasons})
	}
	return c.JSON(http.StatusOK, map[string][]similarHit{"similar": out})
}

// similar finds the variables like the variable with identifier id.
func (s *Server) similar(ctx context.Context, id string, n int) ([]catalog.SimilarHit, error) {
	v, err := s.store.FindVariableByID(ctx, id)
	if err != nil {
		return nil, err
	}
	ds, err := s.store.FindDatasetByIRI(ctx, v.Source, v.Dataset)
	if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return nil, err
	}
	return s.index.Similar(ctx, catalog.Document{Dataset: ds, Variable: v}, n)
}

// variableRecord is a variable with what a reader needs around it: its code
// list, dataset, table, publisher and the freshness of its source. It is the
// API's variable record (CONTRACT.md) and the variable page's model.
type variableRecord struct {
	Identifier     string                  `json:"identifier"`
	IRI            string                  `json:"iri"`
	Name           string                  `json:"name"`
	Title          catalog.Text            `json:"title"`
	Description    catalog.Text            `json:"description"`
	Datatype       string                  `json:"datatype"`
	Unit           string                  `json:"unit,omitempty"`
	PropertyURLs   []string                `json:"property_urls,omitempty"`
	Subjects       []catalog.Concept       `json:"subjects,omitempty"`
	Temporal       []catalog.Period        `json:"temporal,omitempty"`
	AltIdentifiers []catalog.AltIdentifier `json:"alt_identifiers,omitempty"`
	CodeList       *catalog.CodeList       `json:"code_list"`
	Dataset        catalog.DatasetRef      `json:"dataset"`
	Table          *catalog.Table          `json:"table,omitempty"`
	Position       int                     `json:"position"`
	Publisher      *catalog.Agent          `json:"publisher"`
	ContactPoints  []catalog.Contact       `json:"contact_points,omitempty"`
	AccessRights   string                  `json:"access_rights,omitempty"`
	// AccessRequestURL is where to apply for access to the dataset
	// (dcatno:accessRequestURL).
	AccessRequestURL string           `json:"access_request_url,omitempty"`
	Source           sourceRef        `json:"source"`
	FirstHarvested   time.Time        `json:"first_harvested"`
	LastChanged      time.Time        `json:"last_changed"`
	LastHarvested    *time.Time       `json:"last_harvested"`
	Status           string           `json:"status"` // active | withdrawn
	Withdrawn        *time.Time       `json:"withdrawn,omitempty"`
	Validation       validationStatus `json:"validation"`
	// Similar are variables of other datasets like this one, for the page
	// (the API has them at /variables/{id}/similar).
	Similar []catalog.SimilarHit `json:"-"`
	// AccessBody is the health data access body to apply to when the
	// dataset is not public and names no place to apply, for the page.
	AccessBody *catalog.Agent `json:"-"`
}

// validationStatus is what validating its feed found about a record.
type validationStatus struct {
	Status   string `json:"status"` // ok | warnings | errors
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
}

// sourceRef tells where a record came from and how fresh it is.
type sourceRef struct {
	Name          string     `json:"name"`
	URL           string     `json:"url,omitempty"`
	LastHarvested *time.Time `json:"last_harvested,omitempty"`
	LastChanged   *time.Time `json:"last_changed,omitempty"`
}

func (s *Server) handleVariableGet(c echo.Context) error {
	v, err := s.variableFromPath(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// pathID returns the :id path parameter, unescaped. Echo routes on the
// escaped path (URL.RawPath) only when it differs from the default encoding
// of the decoded one; otherwise the parameter arrives decoded already and
// must not be unescaped again ("100%25" would become "100%", an error).
func pathID(c echo.Context) (string, error) {
	id := c.Param("id")
	if c.Request().URL.RawPath == "" {
		return id, nil
	}
	u, err := url.PathUnescape(id)
	if err != nil {
		return "", catalog.Errorf(catalog.EINVALID, "the identifier %q is not validly escaped", id)
	}
	return u, nil
}

// variableFromPath finds the variable whose identifier is the :id path
// parameter.
func (s *Server) variableFromPath(c echo.Context) (*variableRecord, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return s.findVariable(c.Request().Context(), id)
}

// findVariable looks a variable up by its identifier and gathers its record.
func (s *Server) findVariable(ctx context.Context, id string) (*variableRecord, error) {
	v, err := s.store.FindVariableByID(ctx, id)
	if err != nil {
		return nil, err
	}
	rec := &variableRecord{
		Identifier: v.Identifier, IRI: v.IRI, Name: v.Name,
		Title: nonNil(v.Title), Description: nonNil(v.Description), Datatype: v.Datatype, Unit: v.Unit,
		PropertyURLs: v.PropertyURLs, Subjects: v.Subjects, Temporal: v.Temporal, AltIdentifiers: v.AltIdentifiers,
		Position: v.Position, FirstHarvested: v.FirstSeen, LastChanged: v.LastChanged,
		Status: status(v.Withdrawn), Withdrawn: v.Withdrawn,
		Source:     s.sourceRef(ctx, v.Source),
		Validation: validationStatus{Status: v.Validation.Status(), Errors: v.Validation.Errors, Warnings: v.Validation.Warnings},
	}
	rec.LastHarvested = rec.Source.LastHarvested
	if v.CodeList != "" {
		cl, err := s.store.FindCodeList(ctx, v.Source, v.CodeList)
		if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return nil, err
		}
		if cl == nil {
			cl = &catalog.CodeList{IRI: v.CodeList, Codes: []catalog.Code{}}
		}
		rec.CodeList = cl
	}
	ds, err := s.store.FindDatasetByIRI(ctx, v.Source, v.Dataset)
	if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return nil, err
	}
	rec.Dataset = catalog.DatasetRef{IRI: v.Dataset, Title: catalog.Text{}}
	if ds != nil {
		rec.Dataset = catalog.DatasetRef{Identifier: ds.Identifier, IRI: ds.IRI, Title: nonNil(ds.Title)}
		rec.Publisher, rec.ContactPoints, rec.AccessRights = ds.Publisher, ds.Contacts, ds.AccessRights
		rec.AccessRequestURL = ds.AccessRequestURL
		for i := range ds.Tables {
			if ds.Tables[i].IRI == v.Table {
				rec.Table = &ds.Tables[i]
			}
		}
	}
	return rec, nil
}

// status says whether a record is live or a tombstone.
func status(withdrawn *time.Time) string {
	if withdrawn != nil {
		return "withdrawn"
	}
	return "active"
}

// nonNil makes an absent text an empty JSON object rather than null.
func nonNil(t catalog.Text) catalog.Text {
	if t == nil {
		return catalog.Text{}
	}
	return t
}

func (s *Server) sourceRef(ctx context.Context, name string) sourceRef {
	ref := sourceRef{Name: name}
	src, err := s.store.FindSource(ctx, name)
	if err != nil {
		return ref
	}
	ref.URL = src.URL
	if t := src.State.LastHarvested; !t.IsZero() {
		ref.LastHarvested = &t
	}
	if t := src.State.LastChanged; !t.IsZero() {
		ref.LastChanged = &t
	}
	return ref
}

// pageSimilar is how many similar variables a variable page shows.
const pageSimilar = 8

func (s *Server) handleVariablePage(c echo.Context) error {
	v, err := s.variableFromPath(c)
	if err != nil {
		return err
	}
	if v.Withdrawn == nil {
		if v.Similar, err = s.similar(c.Request().Context(), v.Identifier, pageSimilar); err != nil {
			return err
		}
	}
	v.AccessBody = s.accessBody(v.AccessRights, v.AccessRequestURL)
	title := v.Name
	if t, _, ok := v.Title.Get(pageLang(c)); ok {
		title = v.Name + ": " + t
	}
	return s.render(c, http.StatusOK, "variable", title, v)
}

// accessBody returns the health data access body (HDAB) to apply to for a
// dataset that is not public and gives no address to apply at, or nil.
func (s *Server) accessBody(rights, requestURL string) *catalog.Agent {
	if requestURL != "" || rights == "" || strings.HasSuffix(rights, "/PUBLIC") || s.pub.HDAB.Homepage == "" {
		return nil
	}
	return &s.pub.HDAB
}
