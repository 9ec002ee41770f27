package harvest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
)

// Hydra terms of paged feeds.
const (
	nsHydra                    = "http://www.w3.org/ns/hydra/core#"
	hydraNext                  = nsHydra + "next"
	hydraNextPage              = nsHydra + "nextPage"
	hydraPartialCollectionView = nsHydra + "PartialCollectionView"
	hydraPagedCollection       = nsHydra + "PagedCollection"
)

// feed is what reading every page of a source gives.
type feed struct {
	graph       *dcat.Graph
	hash        string // of all pages, in order
	notModified bool   // the source says nothing changed since the last good run
	etag        string // validators of the first page
	lastMod     string
}

// readFeed fetches a source's pages, following Hydra next links, and parses
// them into one graph: the pages are one snapshot, so a failure on any page
// fails the whole read. It fills in the run's bytes, pages, HTTP status and
// format as it goes.
func (h *Harvester) readFeed(ctx context.Context, src *catalog.Source, limits resolvedLimits, run *catalog.HarvestRun) (*feed, error) {
	start, err := url.Parse(src.URL)
	if err != nil {
		return nil, fmt.Errorf("source URL %q: %w", src.URL, err)
	}
	f := h.newFetcher(start, limits)
	sum := sha256.New()
	out := &feed{}
	seen := map[string]bool{}
	next := start
	for {
		if run.Pages >= limits.maxPages {
			return nil, fmt.Errorf("the feed has more than %d pages (page %d links to %s); set max_pages for the source to allow more", limits.maxPages, run.Pages, next.Redacted())
		}
		seen[next.String()] = true
		var etag, lastMod string
		if run.Pages == 0 {
			etag, lastMod = src.State.ETag, src.State.LastModified
		}
		pg, err := f.fetch(ctx, next, etag, lastMod)
		if pg != nil {
			run.HTTPStatus, run.RetryAfter = pg.status, pg.retryAfter
		}
		if err != nil {
			return nil, pageError(run.Pages, err)
		}
		run.Pages++
		if run.Pages == 1 {
			out.etag, out.lastMod = pg.etag, pg.lastMod
			if pg.notModified {
				out.notModified = true
				return out, nil
			}
		}
		run.Bytes += int64(len(pg.body))
		writePageHash(sum, pg.body)
		// One page with the very bytes of the last good run: nothing to
		// parse. (The hash covers each page with its length, so a single
		// page cannot match the hash of several.)
		if run.Pages == 1 && src.State.Hash != "" && hashOf(sum) == src.State.Hash {
			out.notModified = true
			return out, nil
		}
		if out.graph == nil {
			out.graph = dcat.NewGraph()
			out.graph.MaxValues = limits.maxValues
		}
		h.progress(Progress{Source: src.Name, Phase: PhaseFetch, Bytes: run.Bytes, Pages: run.Pages})
		links, err := h.parsePage(ctx, src, pg, out.graph, run)
		if err != nil {
			return nil, pageError(run.Pages-1, err)
		}
		link := nextLink(links)
		if link == "" {
			break
		}
		u, err := url.Parse(pg.url)
		if err == nil {
			u, err = u.Parse(link)
		}
		if err != nil {
			return nil, pageError(run.Pages-1, fmt.Errorf("the hydra next link %q is not a URL", link))
		}
		if seen[u.String()] {
			break // a page links back: the feed has been read
		}
		if err := f.mayFollow(u, "paging link"); err != nil {
			return nil, pageError(run.Pages-1, err)
		}
		next = u
	}
	out.hash = hashOf(sum)
	return out, nil
}

// Read fetches and parses every page of a source's feed within the
// harvester's limits, as a run would, without storing anything: for
// `katalog validate URL`. The run it returns reports bytes, pages and
// format.
func (h *Harvester) Read(ctx context.Context, src catalog.Source) (*dcat.Graph, *catalog.HarvestRun, error) {
	run := &catalog.HarvestRun{Source: src.Name}
	src.State = catalog.SourceState{} // no validators: always read
	limits := h.limits(&src)
	ctx, cancel := context.WithTimeout(ctx, limits.timeout)
	defer cancel()
	fd, err := h.readFeed(ctx, &src, limits, run)
	if err != nil {
		return nil, run, err
	}
	return fd.graph, run, nil
}

// pageError says which page an error is about when the feed has several.
func pageError(page int, err error) error {
	if page == 0 {
		return err
	}
	return fmt.Errorf("page %d: %w", page+1, err)
}

func writePageHash(h hash.Hash, body []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(body)))
	h.Write(n[:])
	h.Write(body)
}

func hashOf(h hash.Hash) string {
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// hydraLink is a next link found on a page, with whether its subject is a
// Hydra view or paged collection.
type hydraLink struct {
	target string
	onView bool
}

// parsePage parses one page into g and returns the Hydra next links on it.
func (h *Harvester) parsePage(ctx context.Context, src *catalog.Source, pg *page, g *dcat.Graph, run *catalog.HarvestRun) ([]hydraLink, error) {
	format, err := chooseFormat(src.Format, pg.contentType, pg.body)
	if err != nil {
		return nil, err
	}
	run.Format = format.String()
	body, err := toUTF8(pg.body, pg.contentType, format == rdf.FormatRDFXML)
	if err != nil {
		return nil, err
	}
	type link struct {
		s      rdf.Term
		target string
	}
	var links []link
	views := map[rdf.Term]bool{}
	// Blank nodes belong to their document: the same label on two pages
	// names two nodes, so labels after the first page get the page's number.
	scope := ""
	if run.Pages > 1 {
		scope = fmt.Sprintf("p%d.", run.Pages)
	}
	err = rdf.Parse(&ctxReader{ctx: ctx, r: bytes.NewReader(body)}, format, rdf.Options{Base: pg.url, Relative: g.NoteRelative}, func(t rdf.Triple) error {
		if scope != "" {
			if t.S.Kind == rdf.KindBlank {
				t.S.Value = scope + t.S.Value
			}
			if t.O.Kind == rdf.KindBlank {
				t.O.Value = scope + t.O.Value
			}
		}
		switch t.P.Value {
		case hydraNext, hydraNextPage:
			if t.O.Kind != rdf.KindBlank && strings.TrimSpace(t.O.Value) != "" {
				links = append(links, link{t.S, strings.TrimSpace(t.O.Value)})
			}
		case rdf.RDFType:
			if t.O.Value == hydraPartialCollectionView || t.O.Value == hydraPagedCollection {
				views[t.S] = true
			}
		}
		return g.Add(t)
	})
	if tooMany := (*dcat.TooManyValuesError)(nil); errors.As(err, &tooMany) {
		return nil, fmt.Errorf("read %s feed: %w (set max_values_per_property for the source to allow more)", format, err)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s feed: %w", format, err)
	}
	out := make([]hydraLink, 0, len(links))
	for _, l := range links {
		out = append(out, hydraLink{target: l.target, onView: views[l.s]})
	}
	return out, nil
}

// nextLink picks the page's next link: one on a Hydra view or paged
// collection first, else any.
func nextLink(links []hydraLink) string {
	for _, l := range links {
		if l.onView {
			return l.target
		}
	}
	if len(links) > 0 {
		return links[0].target
	}
	return ""
}

// chooseFormat picks a page's syntax: the configured one, else the
// Content-Type, else the content itself.
func chooseFormat(configured, contentType string, body []byte) (rdf.Format, error) {
	if configured != "" && configured != "auto" {
		return rdf.ParseFormat(configured)
	}
	if f, ok := rdf.FormatFromMediaType(contentType); ok {
		return f, nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return 0, fmt.Errorf("the feed is empty")
	}
	if f, ok := rdf.Sniff(body[:min(len(body), 4096)]); ok {
		return f, nil
	}
	return 0, fmt.Errorf("cannot tell the feed's RDF syntax from its Content-Type %q or its content; set format: in the source's configuration", contentType)
}

// ctxReader stops a long parse when its context ends.
type ctxReader struct {
	ctx context.Context
	r   interface{ Read([]byte) (int, error) }
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// since returns the milliseconds since t.
func since(t time.Time) int64 { return time.Since(t).Milliseconds() }

var _ catalog.FeedValidator = (*Harvester)(nil)

// ValidateFeed implements catalog.FeedValidator: it reads a feed document
// within the harvester's byte limit and validates it against a profile
// ("" for the harvester's default).
func (h *Harvester) ValidateFeed(ctx context.Context, r io.Reader, contentType, profile string) (*catalog.ValidationReport, error) {
	v, err := h.validator(&catalog.Source{Profile: profile})
	if err != nil {
		return nil, err
	}
	limits := h.limits(&catalog.Source{})
	max := limits.maxBytes
	body, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read the feed: %w", err)
	}
	if int64(len(body)) > max {
		return nil, catalog.Errorf(catalog.EINVALID, "the feed is larger than the limit of %d bytes", max)
	}
	format, err := chooseFormat("auto", contentType, body)
	if err != nil {
		// Nothing says what it is: read it as Turtle, whose parser says
		// where it stops making sense.
		format = rdf.FormatTurtle
	}
	body, err = toUTF8(body, contentType, format == rdf.FormatRDFXML)
	if err != nil {
		return nil, catalog.Errorf(catalog.EINVALID, "%v", err)
	}
	g := dcat.NewGraph()
	g.MaxValues = limits.maxValues
	opts := rdf.Options{Base: "https://katalog.invalid/validate", Relative: g.NoteRelative}
	if err := rdf.Parse(&ctxReader{ctx: ctx, r: bytes.NewReader(body)}, format, opts, g.Add); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if tooMany := (*dcat.TooManyValuesError)(nil); errors.As(err, &tooMany) {
			return nil, catalog.Errorf(catalog.EINVALID, "the feed is too large to validate: %v (max_values_per_property)", err)
		}
		return nil, catalog.Errorf(catalog.EINVALID, "the feed is not valid %s: %v", format, err)
	}
	return v.Validate(g), nil
}
