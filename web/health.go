package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) registerHealthRoutes(e *echo.Echo) {
	e.GET("/healthz", s.handleHealth)
	e.GET("/readyz", s.handleReady)
}

func (s *Server) handleHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.version})
}

func (s *Server) handleReady(c echo.Context) error {
	if !s.ready() {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "starting"})
	}
	if _, err := s.index.Count(); err != nil {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "index unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
