package harvest

import (
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
	"strings"
	"time"
)

// fetched is an open feed body and what the transport said about it.
type fetched struct {
	body        io.ReadCloser
	contentType string
	status      int    // HTTP status; 0 for files
	etag        string // validators for the next conditional request
	lastMod     string
	notModified bool
}

// fetch opens a source's URL: file: (a path, relative ones resolved against
// h.BaseDir) or http(s)://.
func (h *Harvester) fetch(ctx context.Context, rawURL string, etag, lastMod string) (*fetched, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("source URL %q: %w", rawURL, err)
	}
	switch u.Scheme {
	case "file":
		return h.openFile(u)
	case "http", "https":
		return h.get(ctx, u, etag, lastMod)
	}
	return nil, fmt.Errorf("source URL %q: scheme %q is not supported (use http, https or file)", rawURL, u.Scheme)
}

func (h *Harvester) openFile(u *url.URL) (*fetched, error) {
	var path string
	switch {
	case u.Opaque != "": // file:relative/path
		path = u.Opaque
	case u.Host == "" || u.Host == "localhost": // file:///absolute/path
		path = u.Path
	default:
		return nil, fmt.Errorf("file URL %q names host %q: write file:///absolute/path or file:relative/path", u.String(), u.Host)
	}
	if p, err := url.PathUnescape(path); err == nil {
		path = p
	}
	if !filepath.IsAbs(path) && h.BaseDir != "" {
		path = filepath.Join(h.BaseDir, path)
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("feed file %s does not exist (relative file: URLs are read from %s)", path, h.baseDirName())
	}
	if err != nil {
		return nil, fmt.Errorf("open feed file: %w", err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("feed file %s is a folder", path)
	}
	return &fetched{body: f, contentType: mime.TypeByExtension(filepath.Ext(path))}, nil
}

func (h *Harvester) baseDirName() string {
	if h.BaseDir == "" {
		return "the working directory"
	}
	return h.BaseDir
}

// acceptRDF is the Accept header of feed requests: Turtle preferred.
const acceptRDF = "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.9, application/ld+json;q=0.9, application/trig;q=0.1, */*;q=0.1"

func (h *Harvester) get(ctx context.Context, u *url.URL, etag, lastMod string) (*fetched, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", acceptRDF)
	req.Header.Set("User-Agent", h.userAgent())
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastMod != "" {
		req.Header.Set("If-Modified-Since", lastMod)
	}
	resp, err := h.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	f := &fetched{
		body:        resp.Body,
		contentType: resp.Header.Get("Content-Type"),
		status:      resp.StatusCode,
		etag:        resp.Header.Get("ETag"),
		lastMod:     resp.Header.Get("Last-Modified"),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		resp.Body.Close()
		f.body, f.notModified = http.NoBody, true
		return f, nil
	case resp.StatusCode != http.StatusOK:
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		resp.Body.Close()
		msg := strings.TrimSpace(string(snippet))
		if msg != "" {
			msg = ": " + msg
		}
		return f, fmt.Errorf("GET %s: the server answered %s%s", u.Redacted(), resp.Status, msg)
	}
	return f, nil
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

// limitedReader counts bytes and fails once more than max have been read.
type limitedReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.max > 0 && l.n > l.max {
		return n, fmt.Errorf("the feed is larger than the limit of %d bytes", l.max)
	}
	return n, err
}
