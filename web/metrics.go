package web

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are a server's Prometheus collectors, on a registry of the
// server's own rather than the global default, so that two servers in one
// process (tests) count apart. They are safe for concurrent use.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.HistogramVec // by route template, method, status class
	harvestRuns *prometheus.CounterVec   // by source, status
	harvestTime *prometheus.HistogramVec // by source, status
	limited     *prometheus.CounterVec   // by limit
	// catalogCache counts catalogue documents by how the cache served
	// them: hit, miss (written afresh and into the cache) or bypass
	// (written afresh only).
	catalogCache *prometheus.CounterVec
	// routes are the route templates registered, set once by New before
	// the server answers; any other path is counted as "unmatched".
	routes map[string]bool
}

// Label values of requests that matched no route, and of methods outside
// HTTP's usual ones: raw paths and methods would make the label sets
// unbounded.
const (
	unmatchedRoute = "unmatched"
	otherMethod    = "OTHER"
)

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "katalog_http_request_duration_seconds",
			Help: "Time to answer HTTP requests, by route template (such as /api/v1/variables/:id), method and status class (2xx, 4xx…).",
			// From a cached search (under a millisecond) to a whole-catalogue
			// export (minutes).
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10, 60, 300},
		}, []string{"route", "method", "code"}),
		harvestRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "katalog_harvest_runs_total",
			Help: "Harvest runs finished, by source and status (ok, unchanged, held, failed).",
		}, []string{"source", "status"}),
		harvestTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "katalog_harvest_duration_seconds",
			Help:    "Time harvest runs took from start to finish, by source and status.",
			Buckets: []float64{.1, .5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600},
		}, []string{"source", "status"}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "katalog_http_rate_limited_total",
			Help: "Requests refused with 429 because their client was over a rate limit, by limit (search, export).",
		}, []string{"limit"}),
		catalogCache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "katalog_catalog_cache_requests_total",
			Help: "Catalogue documents sent (GET /catalog…), by result: hit (from the cache), miss (written, and kept in the cache), bypass (written, not cached: another request was writing it too slowly, or the cache failed).",
		}, []string{"result"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "katalog_build_info",
		Help:        "Always 1; its version label is the version of katalog serving.",
		ConstLabels: prometheus.Labels{"version": s.version},
	})
	build.Set(1)
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.harvestRuns, m.harvestTime, m.limited, m.catalogCache, build,
		newIndexCollector(s),
	)
	if s.cache != nil {
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "katalog_catalog_cache_bytes",
				Help: "Bytes of the catalogue documents in the cache, gzip-compressed.",
			}, func() float64 { b, _ := s.cache.Size(); return float64(b) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "katalog_catalog_cache_documents",
				Help: "Catalogue documents in the cache.",
			}, func() float64 { _, n := s.cache.Size(); return float64(n) }),
		)
	}
	return m
}

// handler serves the registry in Prometheus's text format. A gauge that
// cannot be computed is left out and logged; the rest are served.
func (m *metrics) handler(log *slog.Logger) echo.HandlerFunc {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
		// The server's gzip middleware compresses; twice would be wrong.
		DisableCompression: true,
	})
	return echo.WrapHandler(h)
}

func (s *Server) registerMetricsRoutes(e *echo.Echo) {
	e.GET("/metrics", s.metrics.handler(s.log))
}

// measureRequests times every request into katalog_http_request_duration_seconds.
// It runs outside every other middleware, so errors are turned into their
// answers here and the status counted is the one sent.
func (s *Server) measureRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		route := c.Path()
		if !s.metrics.routes[route] {
			route = unmatchedRoute
		}
		s.metrics.requests.WithLabelValues(route, methodLabel(c.Request().Method), statusClass(c.Response().Status)).
			Observe(time.Since(start).Seconds())
		return nil
	}
}

func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return otherMethod
}

// statusClass returns "2xx" for 200 to 299, and so on.
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// ObserveRun counts a finished harvest run in katalog_harvest_runs_total and
// katalog_harvest_duration_seconds; a run still running is ignored. Wire it
// to the harvester's reports of finished runs. It is safe for concurrent use.
func (s *Server) ObserveRun(run *catalog.HarvestRun) {
	if run == nil || run.Status == catalog.RunRunning || run.Finished.IsZero() {
		return
	}
	status := string(run.Status)
	s.metrics.harvestRuns.WithLabelValues(run.Source, status).Inc()
	s.metrics.harvestTime.WithLabelValues(run.Source, status).Observe(run.Duration().Seconds())
}

// indexCollector computes the gauges of the search index when scraped: its
// document count, its size on disk, and the live datasets and variables in
// it (withdrawn records are not indexed). The counts by kind are two
// searches that list everything with a size of one; the index answers
// those from its result cache until its next write.
type indexCollector struct {
	s                        *Server
	documents, size, records *prometheus.Desc
}

func newIndexCollector(s *Server) *indexCollector {
	return &indexCollector{
		s: s,
		documents: prometheus.NewDesc("katalog_index_documents",
			"Documents in the search index (datasets and variables).", nil, nil),
		size: prometheus.NewDesc("katalog_index_size_bytes",
			"Size of the search index's files on disk.", nil, nil),
		records: prometheus.NewDesc("katalog_records",
			"Live (not withdrawn) records in the search index, by kind (dataset, variable).", []string{"kind"}, nil),
	}
}

// scrapeTimeout bounds the searches of one scrape.
const scrapeTimeout = 10 * time.Second

// Describe implements prometheus.Collector.
func (c *indexCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.documents
	if c.s.indexSize != nil {
		ch <- c.size
	}
	ch <- c.records
}

// Collect implements prometheus.Collector.
func (c *indexCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, err error, labels ...string) {
		if err != nil {
			ch <- prometheus.NewInvalidMetric(d, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	n, err := c.s.index.Count()
	gauge(c.documents, float64(n), err)
	if c.s.indexSize != nil {
		size, err := c.s.indexSize()
		gauge(c.size, float64(size), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	for _, kind := range []catalog.RecordKind{catalog.KindDataset, catalog.KindVariable} {
		res, err := c.s.index.Search(ctx, &catalog.SearchRequest{Type: kind, Page: 1, Size: 1})
		var total uint64
		if err == nil {
			total = res.Total
		}
		gauge(c.records, float64(total), err, string(kind))
	}
}
