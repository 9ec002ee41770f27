package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

// requireAdmin lets a request through only with the admin bearer token:
// "Authorization: Bearer <token>", compared in constant time. Without a
// configured token every admin request is refused.
func (s *Server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.adminToken == "" {
			return catalog.Errorf(catalog.EUNAUTHORIZED, "the admin API is closed: no admin token is configured")
		}
		auth := c.Request().Header.Get(echo.HeaderAuthorization)
		scheme, token, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") ||
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.adminToken)) != 1 {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="katalog admin"`)
			return catalog.Errorf(catalog.EUNAUTHORIZED, "this needs the admin token: Authorization: Bearer <token>")
		}
		return next(c)
	}
}

// startedRun is the answer to a request that started a harvest.
type startedRun struct {
	Run    string `json:"run"`
	Source string `json:"source"`
	RunURL string `json:"run_url"`
}

func (s *Server) handleSourceHarvest(c echo.Context) error {
	return s.startRun(c, false)
}

// handleSourceRelease lets a source's held run go ahead: it starts a run that
// may withdraw what the mass-deletion guard held back.
func (s *Server) handleSourceRelease(c echo.Context) error {
	return s.startRun(c, true)
}

func (s *Server) startRun(c echo.Context, release bool) error {
	if s.harvests == nil {
		return catalog.Errorf(catalog.ECONFLICT, "this katalog does not harvest")
	}
	name := c.Param("name")
	id, err := s.harvests.Start(c.Request().Context(), name, release)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, startedRun{Run: id, Source: name, RunURL: "/api/v1/sources/" + name + "/runs/" + id})
}
