package web

import (
	"net/http"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

func (s *Server) registerValidateRoutes(g *echo.Group) {
	r := g.POST("/validate", s.handleValidate)
	s.feedRoutes[r.Path] = true
}

// validationResponse is the answer of the validation service.
type validationResponse struct {
	Profile  string                     `json:"profile"`
	Quality  catalog.Quality            `json:"quality"`
	Datasets map[string]catalog.Quality `json:"datasets"`
	Findings []catalog.Finding          `json:"findings"`
}

// handleValidate validates a feed posted as the request body against the
// profile named by ?profile= (default dcat-ap-no); the Content-Type says
// the syntax, or the content does.
func (s *Server) handleValidate(c echo.Context) error {
	if s.validator == nil {
		return catalog.Errorf(catalog.ECONFLICT, "this katalog does not validate feeds")
	}
	profile := c.QueryParam("profile")
	if profile == "" {
		profile = "dcat-ap-no"
	}
	rep, err := s.validator.ValidateFeed(c.Request().Context(), c.Request().Body, c.Request().Header.Get("Content-Type"), profile)
	if err != nil {
		return err
	}
	out := validationResponse{Profile: rep.Profile, Quality: rep.Quality, Datasets: rep.Datasets, Findings: rep.Findings}
	if out.Findings == nil {
		out.Findings = []catalog.Finding{}
	}
	return c.JSON(http.StatusOK, out)
}
