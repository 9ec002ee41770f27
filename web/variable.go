package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

func (s *Server) registerVariableRoutes(g *echo.Group) {
	g.GET("/variables/:id", s.handleVariableGet)
}

// variableView is a variable with what a reader needs around it: its code
// list, dataset, table, publisher and the freshness of its source. It is the
// API's variable record and the variable page's model.
type variableView struct {
	*catalog.Variable
	CodeListRecord *catalog.CodeList  `json:"code_list,omitempty"`
	CodeListIRI    string             `json:"code_list_iri,omitempty"`
	DatasetRef     catalog.DatasetRef `json:"dataset"`
	TableRecord    *catalog.Table     `json:"table,omitempty"`
	Publisher      *catalog.Agent     `json:"publisher,omitempty"`
	Contacts       []catalog.Contact  `json:"contact_points,omitempty"`
	AccessRights   string             `json:"access_rights,omitempty"`
	Source         sourceRef          `json:"source"`
	Status         string             `json:"status"` // active | withdrawn

	dataset *catalog.Dataset
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
func (s *Server) variableFromPath(c echo.Context) (*variableView, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return s.findVariable(c.Request().Context(), id)
}

// findVariable looks a variable up by its identifier and gathers its view.
func (s *Server) findVariable(ctx context.Context, id string) (*variableView, error) {
	v, err := s.store.FindVariableByID(ctx, id)
	if err != nil {
		return nil, err
	}
	view := &variableView{Variable: v, Status: "active"}
	if v.Withdrawn != nil {
		view.Status = "withdrawn"
	}
	// The code list is shown inline; the IRI field of the record is kept
	// as code_list_iri.
	view.CodeListIRI = v.CodeList
	if v.CodeList != "" {
		cl, err := s.store.FindCodeList(ctx, v.Source, v.CodeList)
		if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return nil, err
		}
		view.CodeListRecord = cl
	}
	ds, err := s.store.FindDatasetByIRI(ctx, v.Source, v.Dataset)
	if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return nil, err
	}
	if ds != nil {
		view.dataset = ds
		view.DatasetRef = catalog.DatasetRef{Identifier: ds.Identifier, IRI: ds.IRI, Title: ds.Title}
		view.Publisher, view.Contacts, view.AccessRights = ds.Publisher, ds.Contacts, ds.AccessRights
		for i := range ds.Tables {
			if ds.Tables[i].IRI == v.Table {
				view.TableRecord = &ds.Tables[i]
			}
		}
	}
	view.Source = s.sourceRef(ctx, v.Source)
	return view, nil
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

func (s *Server) handleVariablePage(c echo.Context) error {
	v, err := s.variableFromPath(c)
	if err != nil {
		return err
	}
	title := v.Name
	if t, _, ok := v.Title.Get(pageLang(c)); ok {
		title = v.Name + ": " + t
	}
	return s.render(c, http.StatusOK, "variable", title, v)
}
