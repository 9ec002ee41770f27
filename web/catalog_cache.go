package web

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
	"github.com/katalog/katalog/web/pagecache"
	"github.com/labstack/echo/v4"
)

// The catalogue's documents go out gzip-compressed to clients that take
// gzip, compressed here rather than by the gzip middleware: once, for the
// client and the page cache (Config.CatalogCache) together. A document in
// the cache goes out as its file (gzip), or decompressed on the fly.

// cacheWait is how long a catalogue request waits for another request that
// is writing the same document into the cache before it writes the
// document itself, without the cache: as long as a request waits for its
// turn to write (exportWait), so that a crowd of harvesters asking for one
// page while other pages are being written still has it written once. (A
// slow client slows the writing of its document, and so those waiting.)
var cacheWait = 20 * time.Second

// sendCatalog sends x's document, named doc, with the status and headers
// set: from the cache when it is there, else written afresh (and into the
// cache).
func (s *Server) sendCatalog(c echo.Context, x *dcat.Export, format rdf.Format, doc catalogDocument) error {
	ctx := c.Request().Context()
	gz := acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding))
	var fill *pagecache.Writer
	if s.cache != nil {
		wctx, cancel := context.WithTimeout(ctx, cacheWait)
		hit, w, err := s.cache.Get(wctx, doc.id, doc.page)
		cancel()
		switch {
		case hit != nil:
			defer hit.Close()
			s.metrics.catalogCache.WithLabelValues("hit").Inc()
			return s.sendCached(c, hit, gz, doc)
		case w != nil:
			fill = w
			defer fill.Abort() // unless committed
			s.metrics.catalogCache.WithLabelValues("miss").Inc()
		case ctx.Err() != nil:
			return ctx.Err()
		default:
			if !errors.Is(err, context.DeadlineExceeded) {
				s.log.Warn("catalogue cache", "error", err)
			}
			s.metrics.catalogCache.WithLabelValues("bypass").Inc()
		}
	}
	release, err := s.exportTurn(c)
	if err != nil {
		return err
	}
	defer release()
	if gz {
		c.Response().Header().Set(echo.HeaderContentEncoding, "gzip")
	}
	c.Response().WriteHeader(http.StatusOK)
	out, finish := catalogOutput(c.Response(), gz, fill)
	w := rdf.NewWriter(out, format, dcat.Prefixes)
	if _, err := x.Write(ctx, w); err != nil {
		// The status is sent: all that is left is to log the error and
		// break the connection, so that the client sees a cut-off answer
		// rather than a short document it would take for the catalogue.
		// The cache keeps nothing (fill.Abort is deferred).
		s.log.Error("catalogue export failed", "error", err, "path", c.Request().URL.String())
		panic(http.ErrAbortHandler)
	}
	if err := w.Close(); err != nil {
		s.log.Warn("catalogue export not delivered", "error", err)
		return nil
	}
	if err := finish(); err != nil {
		s.log.Warn("catalogue export not delivered", "error", err)
		return nil
	}
	if fill != nil {
		if err := fill.Commit(); errors.Is(err, pagecache.ErrTooLarge) {
			s.log.Info("catalogue document larger than its cache, not kept", "path", c.Request().URL.String(), "cache_bytes", s.cache.Max())
		} else if err != nil {
			s.log.Warn("catalogue cache", "error", err)
		}
	}
	return nil
}

// sendCached sends a cached document: its file as it is to a client that
// takes gzip (with the kernel's sendfile where the connection allows),
// decompressed to one that does not.
func (s *Server) sendCached(c echo.Context, e *pagecache.Entry, gz bool, doc catalogDocument) error {
	res := c.Response()
	if gz {
		res.Header().Set(echo.HeaderContentEncoding, "gzip")
		res.Header().Set(echo.HeaderContentLength, strconv.FormatInt(e.Size, 10))
		res.WriteHeader(http.StatusOK)
		// The ResponseWriter underneath, not Echo's: its ReadFrom sends
		// a file with sendfile.
		n, err := io.Copy(res.Writer, e.File)
		res.Size += n
		if err != nil {
			s.log.Warn("catalogue export not delivered", "error", err)
		}
		return nil
	}
	res.WriteHeader(http.StatusOK)
	dst := &clientWriter{w: res}
	zr, err := gzip.NewReader(e.File)
	if err == nil {
		_, err = io.Copy(dst, zr) // to EOF, which checks the gzip trailer
	}
	switch {
	case err == nil:
	case dst.err != nil:
		s.log.Warn("catalogue export not delivered", "error", err)
	default:
		// The file is damaged: never send a short document as whole.
		s.cache.Remove(doc.id)
		s.log.Error("catalogue cache: a damaged document, removed", "error", err, "path", c.Request().URL.String())
		panic(http.ErrAbortHandler)
	}
	return nil
}

// clientWriter remembers an error of writing to the client, to tell it
// from an error of reading a cached document.
type clientWriter struct {
	w   io.Writer
	err error
}

func (w *clientWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}

// catalogOutput returns where a document is written, and finish, which ends
// the compressed streams: to client, gzip-compressed when gz, and, when
// fill is not nil, gzip-compressed into the cache at the same time (the
// bytes the client gets when it takes gzip). The client gets the document
// as it is written. When writing the cache fails (a full disk, a document
// larger than the cache), the client still gets the whole document, and
// fill's Commit fails.
func catalogOutput(client io.Writer, gz bool, fill *pagecache.Writer) (out io.Writer, finish func() error) {
	switch {
	case gz && fill != nil:
		zw, _ := gzip.NewWriterLevel(&cacheTee{w: client, cache: fill}, gzip.BestSpeed)
		return zw, zw.Close
	case gz:
		zw, _ := gzip.NewWriterLevel(client, gzip.BestSpeed)
		return zw, zw.Close
	case fill != nil:
		zw, _ := gzip.NewWriterLevel(fill, gzip.BestSpeed)
		t := &cacheTee{w: client, cache: zw}
		return t, func() error {
			if t.err == nil {
				zw.Close() // an error is fill's, and fails its Commit
			}
			return nil
		}
	}
	return client, func() error { return nil }
}

// cacheTee writes to w, and what w took to cache until cache fails; an
// error of cache's is kept in err, never returned.
type cacheTee struct {
	w, cache io.Writer
	err      error
}

func (t *cacheTee) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	if t.err == nil && n > 0 {
		_, t.err = t.cache.Write(p[:n])
	}
	return n, err
}

// acceptsGzip reports whether a client's Accept-Encoding lets the answer be
// gzip-compressed: it names gzip (or x-gzip), or else *, with a q above 0,
// and likes it at least as well as identity where it names identity. An
// answer Katalog may not compress goes out as it is even when the client
// refuses identity too.
func acceptsGzip(header string) bool {
	gzipQ, identityQ, anyQ := -1.0, -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			gzipQ = max(gzipQ, q)
		case "identity":
			identityQ = q
		case "*":
			anyQ = q
		}
	}
	if gzipQ < 0 {
		gzipQ = anyQ
	}
	return gzipQ > 0 && gzipQ >= identityQ
}

// warmListings are the listings WarmCatalog writes every page of: those
// harvesters ask for by default, in Turtle, 100 datasets a page.
var warmListings = []url.Values{
	{},                          // HealthDCAT-AP, the default profile
	{"profile": {"dcat-ap-no"}}, // data.norge.no
}

// warmDelay is how long WarmCatalog lets the store settle before it
// begins: harvests of several sources often end together.
var warmDelay = 2 * time.Second

// CatalogChanged tells the server that a harvest changed the store, so that
// WarmCatalog writes the catalogue's pages again. It does not block; wire it
// to harvest.Harvester.Changed.
func (s *Server) CatalogChanged() {
	select {
	case s.warmNeeded <- struct{}{}:
	default: // a warming is due already
	}
}

// WarmCatalog writes into the catalogue cache the pages harvesters ask for
// by default (warmListings), one page at a time, each in an export turn of
// its own: once at start and again after each CatalogChanged. A change
// while it warms starts it over with the new pages. It does nothing without
// a cache, or without a configured base address: the pages' links are
// built from the address a request names. It returns when ctx ends.
func (s *Server) WarmCatalog(ctx context.Context) {
	if s.cache == nil || s.pub.Base == "" {
		return
	}
	for {
		t := time.NewTimer(warmDelay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		select {
		case <-s.warmNeeded: // this warming covers it
		default:
		}
		s.warmPass(ctx)
		s.releaseStore()
		select {
		case <-ctx.Done():
			return
		case <-s.warmNeeded:
		}
	}
}

// warmPass writes every page of every warm listing that is not in the
// cache. It stops early when ctx ends or the store changes again.
func (s *Server) warmPass(ctx context.Context) {
	start := time.Now()
	written, kept := 0, 0
	for _, listing := range warmListings {
		for page, last := 1, 1; page <= last; page++ {
			if ctx.Err() != nil {
				return
			}
			if len(s.warmNeeded) > 0 {
				s.log.Info("catalogue warming starts over: the store changed", "written", written, "cached_already", kept)
				return
			}
			total, wrote, err := s.warmPage(ctx, listing, page)
			if err != nil {
				if ctx.Err() == nil {
					s.log.Warn("catalogue warming", "error", err, "page", page, "listing", listing.Encode())
				}
				break
			}
			if wrote {
				written++
			} else {
				kept++
			}
			last = (&dcat.Page{Size: defaultPageSize, Total: total}).Last()
		}
	}
	s.log.Info("catalogue warmed", "written", written, "cached_already", kept, "duration_ms", time.Since(start).Milliseconds())
}

// warmPage writes page n of a listing into the cache unless it is there,
// as GET /catalog?page=n&size=100 in Turtle would. It returns how many
// datasets the listing has and whether it wrote the page.
func (s *Server) warmPage(ctx context.Context, listing url.Values, n int) (total int, wrote bool, err error) {
	q := url.Values{}
	for k, v := range listing {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	q.Set("size", strconv.Itoa(defaultPageSize))
	u := &url.URL{Path: "/catalog", RawQuery: q.Encode()}
	profile, err := dcat.ParseProfile(q.Get("profile"))
	if err != nil {
		return 0, false, err
	}
	pub := s.pub.WithBase(s.pub.Base)
	opt := dcat.ExportOptions{Profile: profile, Page: n, Size: defaultPageSize}
	opt.PageURL = func(n int) string { return catalogPageURL(pub.Base, u, n, opt.Size) }
	x, err := dcat.NewExport(ctx, s.store, &pub, opt)
	if err != nil {
		return 0, false, err
	}
	doc := catalogDocumentOf(s.version, &pub, rdf.FormatTurtle, u, opt, x)
	hit, fill, err := s.cache.Get(ctx, doc.id, doc.page)
	if err != nil {
		return x.Total, false, err
	}
	if hit != nil {
		hit.Close()
		return x.Total, false, nil
	}
	defer fill.Abort() // unless committed
	release, err := s.exportTurnOf(ctx)
	if err != nil {
		return x.Total, false, err
	}
	defer release()
	zw, _ := gzip.NewWriterLevel(fill, gzip.BestSpeed)
	w := rdf.NewWriter(zw, rdf.FormatTurtle, dcat.Prefixes)
	if _, err := x.Write(ctx, w); err != nil {
		return x.Total, false, err
	}
	if err := w.Close(); err != nil {
		return x.Total, false, err
	}
	if err := zw.Close(); err != nil {
		return x.Total, false, err
	}
	if err := fill.Commit(); err != nil {
		return x.Total, false, fmt.Errorf("%s: %w", u, err)
	}
	return x.Total, true, nil
}
