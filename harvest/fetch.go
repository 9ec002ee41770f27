package harvest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/transform"
)

// page is one fetched page of a feed: its body, read whole, and what the
// transport said about it.
type page struct {
	url         string
	body        []byte
	contentType string
	status      int    // HTTP status; 0 for files
	etag        string // validators for the next conditional request
	lastMod     string
	notModified bool
	retryAfter  time.Time
}

// maxRedirects is how many redirects one request may follow.
const maxRedirects = 5

// fetcher reads the pages of one run's feed within the run's limits.
type fetcher struct {
	h       *Harvester
	origin  *url.URL // scheme and host that links may lead to
	allow   map[string]bool
	budget  int64 // bytes the run may still read
	max     int64
	client  *http.Client
	baseDir string
}

func (h *Harvester) newFetcher(src *url.URL, limits resolvedLimits) *fetcher {
	f := &fetcher{h: h, origin: src, allow: map[string]bool{}, budget: limits.maxBytes, max: limits.maxBytes, baseDir: h.BaseDir}
	for _, host := range limits.allowHosts {
		f.allow[strings.ToLower(host)] = true
	}
	c := *h.client()
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("more than %d redirects (the last to %s)", maxRedirects, req.URL.Redacted())
		}
		return f.mayFollow(req.URL, "redirect")
	}
	f.client = &c
	return f
}

// mayFollow refuses a link (a redirect or a paging link) that leaves the
// source's scheme and host, unless the host is allowed.
func (f *fetcher) mayFollow(u *url.URL, what string) error {
	if u.Scheme == f.origin.Scheme && strings.EqualFold(u.Host, f.origin.Host) {
		return nil
	}
	if (u.Scheme == "http" || u.Scheme == "https") && f.allow[strings.ToLower(u.Hostname())] {
		return nil
	}
	return fmt.Errorf("refused to follow a %s to %s: it leaves %s://%s (add the host to the source's allow_hosts if it is meant)",
		what, u.Redacted(), f.origin.Scheme, f.origin.Host)
}

// fetch reads one page. etag and lastMod make the request conditional.
func (f *fetcher) fetch(ctx context.Context, u *url.URL, etag, lastMod string) (*page, error) {
	switch u.Scheme {
	case "file":
		return f.openFile(u, etag)
	case "http", "https":
		return f.get(ctx, u, etag, lastMod)
	}
	return nil, fmt.Errorf("source URL %q: scheme %q is not supported (use http, https or file)", u.String(), u.Scheme)
}

// filePath resolves a file: URL (file:relative/path or file:///absolute)
// against the base folder and checks that it lies under an allowed root.
func (f *fetcher) filePath(u *url.URL) (string, error) {
	var path string
	switch {
	case u.Opaque != "": // file:relative/path
		path = u.Opaque
	case u.Host == "" || u.Host == "localhost": // file:///absolute/path
		path = u.Path
	default:
		return "", fmt.Errorf("file URL %q names host %q: write file:///absolute/path or file:relative/path", u.String(), u.Host)
	}
	if p, err := url.PathUnescape(path); err == nil {
		path = p
	}
	base := f.baseDir
	if base == "" {
		base, _ = os.Getwd()
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(base, path)
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	roots := f.h.FileRoots
	if len(roots) == 0 {
		roots = []string{base}
	}
	for _, root := range roots {
		root, err := filepath.Abs(root)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(root, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return path, nil
		}
	}
	return "", fmt.Errorf("feed file %s is outside the folders katalog may read (%s); add its folder to file_roots", path, strings.Join(roots, ", "))
}

func (f *fetcher) openFile(u *url.URL, etag string) (*page, error) {
	path, err := f.filePath(u)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("feed file %s does not exist (relative file: URLs are read from %s)", path, f.baseDirName())
	case err != nil:
		return nil, fmt.Errorf("open feed file: %w", err)
	case st.IsDir():
		return nil, fmt.Errorf("feed file %s is a folder", path)
	}
	// A file's size and modification time serve as its ETag.
	validator := fmt.Sprintf("file:%d:%d", st.Size(), st.ModTime().UnixNano())
	p := &page{url: u.String(), contentType: mime.TypeByExtension(filepath.Ext(path)), etag: validator}
	if etag != "" && etag == validator {
		p.notModified = true
		return p, nil
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open feed file: %w", err)
	}
	defer file.Close()
	if p.body, err = f.read(file, st.Size()); err != nil {
		return nil, fmt.Errorf("read feed file %s: %w", path, err)
	}
	return p, nil
}

func (f *fetcher) baseDirName() string {
	if f.baseDir == "" {
		return "the working directory"
	}
	return f.baseDir
}

// acceptRDF is the Accept header of feed requests: Turtle preferred.
const acceptRDF = "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.9, application/ld+json;q=0.9, */*;q=0.1"

func (f *fetcher) get(ctx context.Context, u *url.URL, etag, lastMod string) (*page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", acceptRDF)
	req.Header.Set("User-Agent", f.h.userAgent())
	if etag != "" && !strings.HasPrefix(etag, "file:") {
		req.Header.Set("If-None-Match", etag)
	}
	if lastMod != "" {
		req.Header.Set("If-Modified-Since", lastMod)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	p := &page{
		url:         resp.Request.URL.String(),
		contentType: resp.Header.Get("Content-Type"),
		status:      resp.StatusCode,
		etag:        resp.Header.Get("ETag"),
		lastMod:     resp.Header.Get("Last-Modified"),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		p.notModified = true
		return p, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		p.retryAfter = retryAfter(resp.Header.Get("Retry-After"), f.h.now())
		msg := fmt.Sprintf("GET %s: the server answered %s", u.Redacted(), resp.Status)
		if !p.retryAfter.IsZero() {
			msg += fmt.Sprintf(" and asked to retry after %s", p.retryAfter.Format(time.RFC3339))
		}
		return p, errors.New(msg)
	case resp.StatusCode != http.StatusOK:
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		msg := strings.TrimSpace(string(snippet))
		if msg != "" {
			msg = ": " + msg
		}
		return p, fmt.Errorf("GET %s: the server answered %s%s", u.Redacted(), resp.Status, msg)
	}
	if p.body, err = f.read(resp.Body, resp.ContentLength); err != nil {
		return p, fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	if resp.ContentLength > 0 && int64(len(p.body)) < resp.ContentLength {
		return p, fmt.Errorf("GET %s: the body ended after %d of %d bytes", u.Redacted(), len(p.body), resp.ContentLength)
	}
	return p, nil
}

// read reads a body whole within the run's byte budget, unpacking gzip
// (a .gz file, or a server that sends gzip without being asked). size is
// the body's length if known (a file's size, a Content-Length), else -1.
func (f *fetcher) read(r io.Reader, size int64) ([]byte, error) {
	body, err := f.readLimited(r, size)
	if err != nil {
		return nil, err
	}
	if len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("the body looks gzipped but is not: %w", err)
		}
		f.budget += int64(len(body)) // the limit applies to the unpacked feed
		if body, err = f.readLimited(zr, -1); err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
	}
	return body, nil
}

// readLimited reads r to its end, failing if it holds more than the
// budget. A known size is read into one buffer of that size: growing a
// buffer of tens of megabytes by appending copies and clears it several
// times over.
func (f *fetcher) readLimited(r io.Reader, size int64) ([]byte, error) {
	body, err := readAll(io.LimitReader(r, f.budget+1), min(size, f.budget)+1)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("the connection closed before the body ended (%d bytes read)", len(body))
		}
		return nil, err
	}
	if int64(len(body)) > f.budget {
		return nil, fmt.Errorf("the feed is larger than the limit of %d bytes (set max_bytes for the source to allow more)", f.max)
	}
	f.budget -= int64(len(body))
	return body, nil
}

// readAll is io.ReadAll into a buffer of capacity size to start with (at
// least 512 bytes).
func readAll(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, max(size, 512))
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return now.Add(time.Duration(secs) * time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return t
	}
	return time.Time{}
}

// toUTF8 converts a body whose Content-Type names a charset other than
// UTF-8. RDF/XML is left to its XML declaration.
func toUTF8(body []byte, contentType string, xml bool) ([]byte, error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || xml {
		return body, nil
	}
	cs := strings.ToLower(strings.TrimSpace(params["charset"]))
	switch cs {
	case "", "utf-8", "utf8", "us-ascii":
		return body, nil
	}
	enc, err := ianaindex.IANA.Encoding(cs)
	if err != nil || enc == nil {
		return nil, fmt.Errorf("the feed's charset %q is not one katalog can read; publish it as UTF-8", cs)
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), body)
	if err != nil {
		return nil, fmt.Errorf("convert the feed from %s to UTF-8: %w", cs, err)
	}
	return out, nil
}

func (h *Harvester) client() *http.Client {
	if h.Client != nil {
		return h.Client
	}
	h.defaultOnce.Do(func() { h.defaultClient = NewHTTPClient() })
	return h.defaultClient
}

// NewHTTPClient returns the client a Harvester uses when given none: every
// phase of a request is bounded, so that a server that hangs cannot hold a
// worker; the run's own timeout bounds the whole body.
func NewHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: time.Minute,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   2,
	}}
}

func (h *Harvester) userAgent() string {
	return "katalog/" + h.Version
}
