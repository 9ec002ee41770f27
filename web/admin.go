package web

import (
	"crypto/subtle"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

// registerAdminRoutes registers the admin routes that are not about one
// source (those are with the source routes).
func (s *Server) registerAdminRoutes(g *echo.Group) {
	g.GET("/admin/backup", s.handleBackup, s.requireAdmin)
}

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

// backupStall is how long a backup download may make no progress before
// the connection is cut; while it makes progress it may take as long as it
// needs, beyond the server's write timeout.
const backupStall = time.Minute

// handleBackup streams a consistent copy of the store, as of the moment the
// request came, while the server goes on serving and harvesting. It needs a
// store that is a catalog.Backuper.
func (s *Server) handleBackup(c echo.Context) error {
	b, ok := s.store.(catalog.Backuper)
	if !ok {
		return catalog.Errorf(catalog.ECONFLICT, "this katalog's store cannot be backed up while it serves")
	}
	req, res := c.Request(), c.Response()
	name := "katalog-" + s.now().UTC().Format("20060102T150405Z") + ".db"
	w := &stallWriter{w: res, rc: http.NewResponseController(res)}
	start := time.Now()
	n, err := b.Backup(req.Context(), w, func(size int64) {
		h := res.Header()
		h.Set(echo.HeaderContentType, echo.MIMEOctetStream)
		h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
		h.Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
		h.Set("Cache-Control", "no-store")
		res.WriteHeader(http.StatusOK)
	})
	if err != nil {
		if !res.Committed {
			return err
		}
		// The status is sent: break the connection, so that the client
		// sees a cut-off download rather than a short file.
		s.log.Warn("backup not delivered", "error", err, "bytes", n)
		panic(http.ErrAbortHandler)
	}
	s.log.Info("backup sent", "file", name, "bytes", n, "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// stallWriter moves the connection's write deadline on as a long download
// makes progress, so that a stalled client is cut off after backupStall and
// a slow but steady one is not.
type stallWriter struct {
	w    io.Writer
	rc   *http.ResponseController
	next time.Time // when to move the deadline on again
}

func (sw *stallWriter) Write(p []byte) (int, error) {
	if now := time.Now(); now.After(sw.next) {
		// Not every ResponseWriter has deadlines (test recorders do
		// not); the server's own write timeout then stays.
		if sw.rc.SetWriteDeadline(now.Add(backupStall)) == nil {
			sw.next = now.Add(backupStall / 10)
		} else {
			sw.next = now.Add(backupStall)
		}
	}
	return sw.w.Write(p)
}
