package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
	"github.com/labstack/echo/v4"
)

// The DCAT endpoint: Katalog's own catalogue for the harvesters of other
// catalogues (CONTRACT.md, "DCAT endpoint").

const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// rdfTypes are the RDF media types Katalog serves, in its order of
// preference when a client likes several equally.
var rdfTypes = []struct {
	mediaType string
	format    rdf.Format
}{
	{"text/turtle", rdf.FormatTurtle},
	{"application/ld+json", rdf.FormatJSONLD},
	{"application/rdf+xml", rdf.FormatRDFXML},
	{"application/n-triples", rdf.FormatNTriples},
}

func mediaTypeOf(f rdf.Format) string {
	for _, t := range rdfTypes {
		if t.format == f {
			return t.mediaType
		}
	}
	return "application/octet-stream"
}

var extensionFormats = map[string]rdf.Format{
	".ttl": rdf.FormatTurtle, ".jsonld": rdf.FormatJSONLD, ".rdf": rdf.FormatRDFXML, ".nt": rdf.FormatNTriples,
}

// acceptRange is one media range of an Accept header.
type acceptRange struct {
	typ, sub string
	q        float64
}

func parseAccept(h string) []acceptRange {
	var out []acceptRange
	for _, part := range strings.Split(h, ",") {
		fields := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(fields[0]))
		typ, sub, ok := strings.Cut(mt, "/")
		if !ok || typ == "" || sub == "" {
			continue
		}
		r := acceptRange{typ: typ, sub: sub, q: 1}
		for _, p := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") {
				if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q >= 0 && q <= 1 {
					r.q = q
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// quality returns the q a client gives a media type: that of the most
// specific range that matches it, or 0.
func quality(ranges []acceptRange, mediaType string) float64 {
	typ, sub, _ := strings.Cut(mediaType, "/")
	best, spec := 0.0, -1
	for _, r := range ranges {
		s := -1
		switch {
		case r.typ == typ && r.sub == sub:
			s = 2
		case r.typ == typ && r.sub == "*":
			s = 1
		case r.typ == "*" && r.sub == "*":
			s = 0
		}
		if s > spec {
			best, spec = r.q, s
		}
	}
	return best
}

// negotiate picks what to answer an Accept header with: an RDF format, or
// HTML when html is offered and the client prefers it. ok is false when the
// client accepts none of them (a 406). No Accept header means Turtle.
func negotiate(accept string, html bool) (f rdf.Format, isHTML, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return rdf.FormatTurtle, false, true
	}
	ranges := parseAccept(accept)
	best := 0.0
	for _, t := range rdfTypes {
		if q := quality(ranges, t.mediaType); q > best {
			f, best = t.format, q
		}
	}
	if q := quality(ranges, "application/json"); q > best {
		f, best = rdf.FormatJSONLD, q
	}
	if html {
		// A browser names text/html itself; */* alone means RDF.
		if q := quality(ranges, "text/html"); q > best && hasExplicit(ranges, "text", "html") {
			return 0, true, true
		}
	}
	return f, false, best > 0
}

func hasExplicit(ranges []acceptRange, typ, sub string) bool {
	for _, r := range ranges {
		if r.typ == typ && r.sub == sub && r.q > 0 {
			return true
		}
	}
	return false
}

// notAcceptable is the 406 answer, which lists what can be had.
func notAcceptable(html bool) error {
	types := make([]string, 0, len(rdfTypes)+1)
	for _, t := range rdfTypes {
		types = append(types, t.mediaType)
	}
	if html {
		types = append(types, "text/html")
	}
	return echo.NewHTTPError(http.StatusNotAcceptable, "Katalog serves this resource as "+strings.Join(types, ", "))
}

// catalogRoutes are the addresses of the catalogue.
var catalogRoutes = []string{"/catalog", "/catalog.ttl", "/catalog.jsonld", "/catalog.rdf", "/catalog.nt"}

func isCatalogRoute(path string) bool { return slices.Contains(catalogRoutes, path) }

func (s *Server) registerCatalogRoutes(e *echo.Echo) {
	for _, p := range catalogRoutes {
		e.GET(p, s.handleCatalog, s.limited(s.exportLimit))
		e.HEAD(p, s.handleCatalog, s.limited(s.exportLimit))
	}
	e.GET("/context.jsonld", s.handleContext)
	e.HEAD("/context.jsonld", s.handleContext)
}

// handleContext publishes the JSON-LD context of Katalog's JSON-LD: the
// prefixes every document also carries inline (so that no reader has to
// fetch it).
func (s *Server) handleContext(c echo.Context) error {
	ctx := make(map[string]string, len(dcat.Prefixes))
	for _, p := range dcat.Prefixes {
		ctx[p.Name] = p.IRI
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.JSONPretty(http.StatusOK, map[string]any{"@context": ctx}, "  ")
}

// publication returns what Katalog says about itself, with its base address
// taken from the request when none is configured.
func (s *Server) publication(c echo.Context) *dcat.Publication {
	base := s.pub.Base
	if base == "" {
		base = c.Scheme() + "://" + c.Request().Host
	}
	pub := s.pub.WithBase(base)
	return &pub
}

func (s *Server) handleCatalog(c echo.Context) error {
	req := c.Request()
	c.Response().Header().Add(echo.HeaderVary, echo.HeaderAccept)
	c.Response().Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	format, fixed := extensionFormats[strings.TrimPrefix(req.URL.Path, "/catalog")]
	if !fixed {
		f, isHTML, ok := negotiate(req.Header.Get(echo.HeaderAccept), true)
		if !ok {
			return notAcceptable(true)
		}
		if isHTML {
			return c.Redirect(http.StatusSeeOther, "/sources")
		}
		format = f
	}
	q := req.URL.Query()
	profile, err := dcat.ParseProfile(q.Get("profile"))
	if err != nil {
		return err
	}
	opt := dcat.ExportOptions{Profile: profile}
	if v := q.Get("page"); v != "" {
		if opt.Page, err = strconv.Atoi(v); err != nil || opt.Page < 1 {
			return catalog.Errorf(catalog.EINVALID, "page must be a whole number from 1, not %q", v)
		}
		opt.Size = defaultPageSize
	}
	if v := q.Get("size"); v != "" {
		if opt.Size, err = strconv.Atoi(v); err != nil || opt.Size < 1 || opt.Size > maxPageSize {
			return catalog.Errorf(catalog.EINVALID, "size must be a whole number from 1 to %d, not %q", maxPageSize, v)
		}
		if opt.Page == 0 {
			opt.Page = 1
		}
	}
	if v := q.Get("modified_since"); v != "" {
		if opt.ModifiedSince, err = parseSince(v); err != nil {
			return err
		}
	}
	pub := s.publication(c)
	opt.PageURL = func(n int) string { return catalogPageURL(pub.Base, req.URL, n, opt.Size) }

	x, err := dcat.NewExport(req.Context(), s.store, pub, opt)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	doc := catalogDocumentOf(s.version, pub, format, req.URL, opt, x)
	etag := doc.etag()
	h.Set(echo.HeaderContentType, mediaTypeOf(format)+"; charset=utf-8")
	h.Set("ETag", etag)
	if !x.Modified.IsZero() {
		h.Set(echo.HeaderLastModified, x.Modified.UTC().Format(http.TimeFormat))
	}
	h.Set("Cache-Control", "public, max-age=60")
	if notModified(req, etag, x.Modified) {
		return c.NoContent(http.StatusNotModified)
	}
	if req.Method == http.MethodHead {
		c.Response().WriteHeader(http.StatusOK)
		return nil
	}
	if opt.Page == 0 {
		// The whole catalogue reads the whole store.
		defer s.releaseStore()
	}
	return s.sendCatalog(c, x, format, doc)
}

// mappedStore is a store whose memory map can give back the pages a read
// of the whole store brought in (catalog/bolt).
type mappedStore interface{ ReleaseMapped() error }

// releaseStore gives back the store's mapped pages after a read of the
// whole catalogue, so that the process's resident memory stays that of
// its working set.
func (s *Server) releaseStore() {
	if m, ok := s.store.(mappedStore); ok {
		if err := m.ReleaseMapped(); err != nil {
			s.log.Warn("store", "error", err)
		}
	}
}

// parseSince reads modified_since: a date or a date and time (RFC 3339).
func parseSince(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, catalog.Errorf(catalog.EINVALID, "modified_since must be a date (2026-01-31) or a date and time (2026-01-31T12:00:00Z), not %q", v)
}

// catalogPageURL is the address of page n of the request's listing, with its other
// parameters kept in a stable order.
func catalogPageURL(base string, u *url.URL, n, size int) string {
	q := u.Query()
	q.Set("page", strconv.Itoa(n))
	q.Set("size", strconv.Itoa(size))
	return base + u.Path + "?" + q.Encode()
}

// catalogDocument names a catalogue document. page names what was asked
// for: the syntax, the address (path and query, which the Hydra links
// repeat), the publication (base address included) and Katalog's version;
// it stays the same from one harvest to the next. id names the document
// itself: page and the state of the store it is made of (dcat.Export.State),
// so it changes whenever a harvest changes anything the document says. Both
// are hex.
type catalogDocument struct{ page, id string }

func catalogDocumentOf(version string, pub *dcat.Publication, f rdf.Format, u *url.URL, opt dcat.ExportOptions, x *dcat.Export) catalogDocument {
	pubJSON, err := json.Marshal(pub)
	if err != nil {
		// A Publication is strings, texts, times and maps of strings.
		panic(fmt.Sprintf("catalogue: publication to JSON: %v", err))
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%v\n%s\n%s\n%s\n", version, f, u.Path, u.Query().Encode(), pubJSON)
	page := h.Sum(nil)
	fmt.Fprintf(h, "%s\n%d\n%d\n%s\n%s", opt.Profile, opt.Page, opt.Size,
		opt.ModifiedSince.UTC().Format(time.RFC3339Nano), x.State())
	return catalogDocument{page: hex.EncodeToString(page[:12]), id: hex.EncodeToString(h.Sum(nil)[:12])}
}

// etag is the document's ETag: weak, since the same document may go out
// gzipped or not.
func (d catalogDocument) etag() string { return `W/"` + d.id + `"` }

// notModified applies If-None-Match, or else If-Modified-Since.
func notModified(req *http.Request, etag string, modified time.Time) bool {
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == strings.TrimPrefix(etag, "W/") || t == "*" {
				return true
			}
		}
		return false
	}
	if ims := req.Header.Get("If-Modified-Since"); ims != "" && !modified.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !modified.Truncate(time.Second).After(t) {
			return true
		}
	}
	return false
}

// wantsRDF reports whether a client asks for RDF rather than a web page: it
// names an RDF media type itself and likes it at least as well as HTML.
// A browser, or a client that accepts anything (*/*), gets the page.
func wantsRDF(accept string) (rdf.Format, bool) {
	ranges := parseAccept(accept)
	best, f := 0.0, rdf.Format(0)
	for _, t := range rdfTypes {
		typ, sub, _ := strings.Cut(t.mediaType, "/")
		if hasExplicit(ranges, typ, sub) {
			if q := quality(ranges, t.mediaType); q > best {
				best, f = q, t.format
			}
		}
	}
	if best == 0 || quality(ranges, "text/html") > best {
		return 0, false
	}
	return f, true
}

// negotiated answers with page for web browsers and with describe for RDF
// clients (Vary: Accept). ?format=ttl, jsonld, rdf or nt asks for that
// syntax whatever the Accept header says, so that a page can link to its
// RDF.
func (s *Server) negotiated(page echo.HandlerFunc, describe func(c echo.Context, pub *dcat.Publication, w *rdf.Writer) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Add(echo.HeaderVary, echo.HeaderAccept)
		f, ok := wantsRDF(c.Request().Header.Get(echo.HeaderAccept))
		if name := c.QueryParam("format"); name != "" {
			if f, ok = extensionFormats["."+name]; !ok {
				return catalog.Errorf(catalog.EINVALID, "format must be ttl, jsonld, rdf or nt, not %q", name)
			}
		}
		if !ok {
			return page(c)
		}
		pub := s.publication(c)
		// Describe into a buffer first, so that a missing record is a
		// clean 404 rather than a cut document.
		var buf strings.Builder
		w := rdf.NewWriter(&buf, f, dcat.Prefixes)
		if err := describe(c, pub, w); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, mediaTypeOf(f)+"; charset=utf-8", []byte(buf.String()))
	}
}

func (s *Server) describeFDP(c echo.Context, pub *dcat.Publication, w *rdf.Writer) error {
	srcs, err := s.store.FindSources(c.Request().Context())
	if err != nil {
		return err
	}
	var modified time.Time
	for _, src := range srcs {
		if src.State.LastChanged.After(modified) {
			modified = src.State.LastChanged
		}
	}
	if modified.IsZero() {
		modified = s.now()
	}
	pub.Software = s.version
	return dcat.DescribeFDP(pub, modified, w)
}

func (s *Server) describeDataset(c echo.Context, pub *dcat.Publication, w *rdf.Writer) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.store.FindDatasetByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if d.Withdrawn != nil {
		return gone("dataset", *d.Withdrawn)
	}
	profile, err := dcat.ParseProfile(c.QueryParam("profile"))
	if err != nil {
		return err
	}
	return dcat.DescribeDataset(c.Request().Context(), s.store, pub, profile, d, w)
}

func (s *Server) describeVariable(c echo.Context, pub *dcat.Publication, w *rdf.Writer) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := s.store.FindVariableByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if v.Withdrawn != nil {
		return gone("variable", *v.Withdrawn)
	}
	return dcat.DescribeVariable(c.Request().Context(), s.store, pub, v, w)
}

// gone is the answer for a withdrawn record's RDF: 410, saying when.
func gone(kind string, withdrawn time.Time) error {
	return echo.NewHTTPError(http.StatusGone, "the "+kind+" was withdrawn from its source on "+withdrawn.UTC().Format("2006-01-02"))
}

// findMintedAgent finds the agent whose Katalog IRI ends in key: Katalog's
// own publisher, or a publisher that has neither an IRI nor an
// organisation number.
func (s *Server) findMintedAgent(c echo.Context, pub *dcat.Publication) (*catalog.Agent, *catalog.Contact, error) {
	key, err := pathID(c)
	if err != nil {
		return nil, nil, err
	}
	want := pub.Base + "/agents/" + url.PathEscape(key)
	if iri, ok := pub.MintsAgentIRI(&pub.Publisher); ok && iri == want {
		return &pub.Publisher, &pub.Contact, nil
	}
	ctx := c.Request().Context()
	cats, err := s.store.FindCatalogs(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	for _, cat := range cats {
		if cat.Publisher != nil {
			if iri, ok := pub.MintsAgentIRI(cat.Publisher); ok && iri == want {
				return cat.Publisher, firstContact(cat.Contacts), nil
			}
		}
	}
	ds, _, err := s.store.FindDatasets(ctx, catalog.DatasetFilter{})
	if err != nil {
		return nil, nil, err
	}
	for _, d := range ds {
		if d.Publisher != nil {
			if iri, ok := pub.MintsAgentIRI(d.Publisher); ok && iri == want {
				return d.Publisher, firstContact(d.Contacts), nil
			}
		}
	}
	return nil, nil, catalog.Errorf(catalog.ENOTFOUND, "no agent %q", key)
}

func firstContact(cs []catalog.Contact) *catalog.Contact {
	if len(cs) == 0 {
		return nil
	}
	return &cs[0]
}

// handleAgentPage sends a browser to the agent's datasets.
func (s *Server) handleAgentPage(c echo.Context) error {
	a, _, err := s.findMintedAgent(c, s.publication(c))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/search?"+url.Values{"type": {"dataset"}, "publisher": {a.Name.String()}}.Encode())
}

func (s *Server) describeAgent(c echo.Context, pub *dcat.Publication, w *rdf.Writer) error {
	a, contact, err := s.findMintedAgent(c, pub)
	if err != nil {
		return err
	}
	return dcat.DescribeAgent(pub, a, contact, w)
}

// exportWait is how long a catalogue request waits for its turn before it
// is answered 503.
var exportWait = 20 * time.Second

// exportTurn waits until fewer than Config.Exports catalogue documents are
// being written. Writing one keeps a CPU busy for as long as it streams (a
// page of 100 datasets up to a second, the whole catalogue several), and
// several at once would slow searching for everyone. The caller must call
// release when done.
func (s *Server) exportTurn(c echo.Context) (release func(), err error) {
	ctx, cancel := context.WithTimeout(c.Request().Context(), exportWait)
	defer cancel()
	release, err = s.exportTurnOf(ctx)
	if err != nil && c.Request().Context().Err() == nil {
		c.Response().Header().Set("Retry-After", "10")
		return nil, catalog.Errorf(catalog.EUNAVAILABLE, "the catalogue is being written for %d other clients, as many as this server writes at a time; try again in a few seconds", cap(s.exports))
	}
	return release, err
}

// exportTurnOf is exportTurn for work of the server's own, which waits as
// long as ctx lets it.
func (s *Server) exportTurnOf(ctx context.Context) (release func(), err error) {
	select {
	case s.exports <- struct{}{}:
		return func() { <-s.exports }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
