// Package web is Katalog's HTTP side: the REST API, the server-rendered
// explorer and the health endpoints, on Echo. It speaks to the rest of
// Katalog through the catalog interfaces only; templates and static files
// are embedded and parsed at start-up.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/web/pagecache"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Config is what a Server needs. Store and Index are required.
type Config struct {
	Store catalog.Store
	Index catalog.Index
	// Harvests starts runs for the admin API; nil leaves those routes
	// answering that harvesting is not available here.
	Harvests catalog.Harvests
	// AdminToken is the bearer token of the admin API; "" closes it.
	AdminToken string
	// Validator validates feeds posted to the API; nil turns that off.
	Validator catalog.FeedValidator
	Logger    *slog.Logger
	Version   string
	Now       func() time.Time
	// Ready reports whether the server can answer searches; nil means
	// always. /readyz answers 503 until it is true.
	Ready func() bool
	// Publication is what the DCAT endpoint says about this Katalog; an
	// empty Base is taken from each request.
	Publication dcat.Publication
	// IndexSize reports the search index's size on disk for /metrics; nil
	// leaves that gauge out.
	IndexSize func() (int64, error)
	// SearchLimit is the rate limit per client of searching: the API's
	// search and suggest and the search page. ExportLimit is that of the
	// DCAT catalogue: /catalog and its .ttl, .jsonld, .rdf and .nt forms.
	// The zero RateLimit is none.
	SearchLimit, ExportLimit RateLimit
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client: a request from one of them is counted for the right-most
	// address in that header that is not a trusted proxy. With none, a
	// request's client is its TCP peer.
	TrustedProxies []netip.Prefix
	// MaxBody is the largest request body read (0: DefaultMaxBody);
	// MaxFeedBody is that of a feed posted for validation (0:
	// DefaultMaxFeedBody). Larger ones are answered 413.
	MaxBody, MaxFeedBody int64
	// Exports is how many catalogue documents are written at a time (0:
	// half the CPUs, at least one); more requests wait for a turn.
	Exports int
	// CatalogCache keeps the catalogue documents the DCAT endpoint writes,
	// gzip-compressed, so that a document asked for again is sent from
	// disk until a harvest changes it; nil writes every one afresh. The
	// server must be the cache's only user.
	CatalogCache *pagecache.Cache
}

// Defaults of the request body limits.
const (
	DefaultMaxBody     = 64 << 10
	DefaultMaxFeedBody = 32 << 20
)

// Server serves the API and the explorer. It is safe for concurrent use.
type Server struct {
	echo       *echo.Echo
	store      catalog.Store
	index      catalog.Index
	harvests   catalog.Harvests
	adminToken string
	validator  catalog.FeedValidator
	log        *slog.Logger
	now        func() time.Time
	ready      func() bool
	pages      *pages
	pub        dcat.Publication
	metrics    *metrics
	indexSize  func() (int64, error)

	searchLimit, exportLimit *limiter
	proxies                  []netip.Prefix
	maxBody, maxFeedBody     int64
	feedRoutes               map[string]bool // routes that take MaxFeedBody; set by New
	exports                  chan struct{}   // a token per catalogue document being written
	cache                    *pagecache.Cache
	warmNeeded               chan struct{} // holds a token when a harvest changed the store since the last warming began

	version string
}

// New returns a server with every route registered. It fails when the
// embedded templates do not parse.
func New(cfg Config) (*Server, error) {
	s := &Server{
		echo:       echo.New(),
		store:      cfg.Store,
		index:      cfg.Index,
		harvests:   cfg.Harvests,
		adminToken: cfg.AdminToken,
		validator:  cfg.Validator,
		log:        cfg.Logger,
		now:        cfg.Now,
		ready:      cfg.Ready,
		version:    cfg.Version,
		pub:        cfg.Publication,
		indexSize:  cfg.IndexSize,
		proxies:    cfg.TrustedProxies,
		feedRoutes: map[string]bool{},
		cache:      cfg.CatalogCache,
		warmNeeded: make(chan struct{}, 1),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.pub.Title == nil {
		base := s.pub.Base
		s.pub = dcat.DefaultPublication()
		s.pub.Base = base
	}
	if s.ready == nil {
		s.ready = func() bool { return true }
	}
	if s.maxBody = cfg.MaxBody; s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if s.maxFeedBody = cfg.MaxFeedBody; s.maxFeedBody <= 0 {
		s.maxFeedBody = DefaultMaxFeedBody
	}
	if cfg.Exports <= 0 {
		cfg.Exports = max(1, runtime.GOMAXPROCS(0)/2)
	}
	s.exports = make(chan struct{}, cfg.Exports)
	s.searchLimit = newLimiter("search", cfg.SearchLimit, s.now)
	s.exportLimit = newLimiter("export", cfg.ExportLimit, s.now)
	s.metrics = newMetrics(s)
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = func(r *http.Request) string { return s.clientAddr(r).String() }
	e.Use(s.measureRequests)
	e.Use(middleware.RequestID())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "error", err, "path", c.Request().URL.Path, "stack", string(stack))
			return err
		},
	}))
	e.Use(s.logRequests)
	e.Use(s.limitBody)
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "strict-origin-when-cross-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
	}))
	// Level 1 (best speed): a whole-catalogue export is 700 MB of Turtle;
	// the default level 6 took a quarter of the CPU of streaming it, for
	// output a fifth smaller (fixture export: 2.5 instead of 3.1 MB). The
	// catalogue compresses its documents itself, once for the client and
	// its cache together.
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024, Level: 1,
		Skipper: func(c echo.Context) bool { return isCatalogRoute(c.Path()) }}))

	api := e.Group("/api/v1")
	s.registerSearchRoutes(api)
	s.registerVariableRoutes(api)
	s.registerDatasetRoutes(api)
	s.registerSourceRoutes(api)
	s.registerValidateRoutes(api)
	s.registerAdminRoutes(api)
	s.registerHealthRoutes(e)
	s.registerPageRoutes(e)
	s.registerCatalogRoutes(e)
	s.registerMetricsRoutes(e)
	s.metrics.routes = map[string]bool{}
	for _, r := range e.Routes() {
		s.metrics.routes[r.Path] = true
	}
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.echo.ServeHTTP(w, r)
}

// Serve answers requests on l with h until ctx is cancelled, then shuts
// down gracefully, giving in-flight requests up to grace to finish.
func Serve(ctx context.Context, l net.Listener, h http.Handler, grace time.Duration, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute, // whole-catalogue exports stream for a while
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Requests still running, or connections that never sent one
		// (Shutdown counts a new connection as busy for 5 s): close them.
		log.Warn("connections still open after the grace period are closed", "grace", grace)
		err = srv.Close()
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		level := slog.LevelDebug
		if res.Status >= 500 {
			level = slog.LevelError
		}
		s.log.Log(req.Context(), level, "request",
			"method", req.Method, "path", req.URL.Path, "status", res.Status,
			"bytes", res.Size, "duration_ms", float64(time.Since(start).Microseconds())/1000,
			"request_id", res.Header().Get(echo.HeaderXRequestID))
		return nil
	}
}

// limitBody answers 413 to a request whose body is larger than its
// route's limit: at once when its Content-Length says so, else as soon as
// the handler reads past the limit.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		limit := s.maxBody
		if s.feedRoutes[c.Path()] {
			limit = s.maxFeedBody
		}
		if req.ContentLength > limit {
			return bodyTooLarge(limit)
		}
		if req.Body != nil && req.Body != http.NoBody {
			req.Body = http.MaxBytesReader(c.Response().Writer, req.Body, limit)
		}
		return next(c)
	}
}

func bodyTooLarge(limit int64) error {
	size := strconv.FormatInt(limit, 10) + " bytes"
	switch {
	case limit%(1<<20) == 0:
		size = strconv.FormatInt(limit>>20, 10) + "MB"
	case limit%(1<<10) == 0:
		size = strconv.FormatInt(limit>>10, 10) + "KB"
	}
	return catalog.Errorf(catalog.ETOOLARGE, "the request body is larger than this route's limit of %s", size)
}

// errorBody is the API's error object.
type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"request_id,omitempty"`
	} `json:"error"`
}

// handleError maps errors to statuses: catalog error codes, Echo's own HTTP
// errors (unknown routes, bad methods), and anything else as a logged 500.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
		err = bodyTooLarge(tooLarge.Limit)
	}
	code, msg := catalog.ErrorCode(err), catalog.ErrorMessage(err)
	status := statusForCode(code)
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status, code, msg = he.Code, codeForStatus(he.Code), http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok {
			msg = m
		}
	}
	rid := c.Response().Header().Get(echo.HeaderXRequestID)
	switch {
	case code == catalog.EUNAVAILABLE:
		s.log.Warn("busy", "error", err, "path", c.Request().URL.Path, "request_id", rid)
	case status >= 500:
		s.log.Error("internal error", "error", err, "path", c.Request().URL.Path, "request_id", rid)
	}
	if isAPI(c) {
		var body errorBody
		body.Error.Code, body.Error.Message = code, msg
		if status >= 500 {
			body.Error.RequestID = rid
		}
		c.JSON(status, body)
		return
	}
	s.renderError(c, status, msg, rid)
}

func statusForCode(code string) int {
	switch code {
	case catalog.EINVALID:
		return http.StatusBadRequest
	case catalog.ENOTFOUND:
		return http.StatusNotFound
	case catalog.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case catalog.ECONFLICT:
		return http.StatusConflict
	case catalog.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case catalog.ERATELIMIT:
		return http.StatusTooManyRequests
	case catalog.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func codeForStatus(status int) string {
	switch {
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
		return catalog.ENOTFOUND
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return catalog.EUNAUTHORIZED
	case status == http.StatusRequestEntityTooLarge:
		return catalog.ETOOLARGE
	case status == http.StatusTooManyRequests:
		return catalog.ERATELIMIT
	case status == http.StatusServiceUnavailable:
		return catalog.EUNAVAILABLE
	case status < 500:
		return catalog.EINVALID
	}
	return catalog.EINTERNAL
}

// isAPI reports whether an error should be answered in JSON: on the API,
// the health endpoints, and to a script that asks for JSON only.
func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return len(p) >= 5 && p[:5] == "/api/" || p == "/healthz" || p == "/readyz" ||
		c.Request().Header.Get(echo.HeaderAccept) == echo.MIMEApplicationJSON
}
