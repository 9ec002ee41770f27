package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/web"
)

// harvests is a fake catalog.Harvests: it records what it was asked to
// start and answers as the harvester would.
type harvests struct {
	mu      sync.Mutex // guards started
	started []string
}

func (h *harvests) Start(ctx context.Context, source string, release bool) (string, error) {
	switch source {
	case "busy":
		return "", catalog.Errorf(catalog.ECONFLICT, "source busy has a harvest in progress")
	case "fhi-mfr", "hunt":
	default:
		return "", catalog.Errorf(catalog.ENOTFOUND, "no source named %q in the configuration", source)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	kind := "harvest"
	if release {
		kind = "release"
	}
	h.started = append(h.started, kind+" "+source)
	return "20261123T120000.000000Z", nil
}

func TestAdminAPI(t *testing.T) {
	t.Parallel()
	fake := &harvests{}
	ts := newTestServer(t, func(c *web.Config) { c.Harvests, c.AdminToken = fake, "s3cret-token" })
	closed := newTestServer(t, func(c *web.Config) { c.Harvests = fake })
	post := func(srv http.Handler, target, auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, target, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	cases := []struct {
		name   string
		srv    http.Handler
		target string
		auth   string
		status int
		code   string
	}{
		{"no token", ts.srv, "/api/v1/sources/fhi-mfr/harvest", "", 401, "unauthorized"},
		{"wrong token", ts.srv, "/api/v1/sources/fhi-mfr/harvest", "Bearer s3cret-tokeN", 401, "unauthorized"},
		{"token as basic auth", ts.srv, "/api/v1/sources/fhi-mfr/harvest", "Basic s3cret-token", 401, "unauthorized"},
		{"release without token", ts.srv, "/api/v1/sources/fhi-mfr/release", "", 401, "unauthorized"},
		{"admin API closed", closed.srv, "/api/v1/sources/fhi-mfr/harvest", "Bearer ", 401, "unauthorized"},
		{"unknown source", ts.srv, "/api/v1/sources/nope/harvest", "Bearer s3cret-token", 404, "not_found"},
		{"run in progress", ts.srv, "/api/v1/sources/busy/harvest", "Bearer s3cret-token", 409, "conflict"},
		{"harvest", ts.srv, "/api/v1/sources/fhi-mfr/harvest", "Bearer s3cret-token", 202, ""},
		{"release", ts.srv, "/api/v1/sources/hunt/release", "bearer s3cret-token", 202, ""},
	}
	for _, c := range cases {
		rec := post(c.srv, c.target, c.auth)
		if rec.Code != c.status {
			t.Errorf("%s: POST %s = %d %s; want %d", c.name, c.target, rec.Code, rec.Body, c.status)
			continue
		}
		if c.status == 202 {
			var got struct {
				Run    string `json:"run"`
				RunURL string `json:"run_url"`
			}
			json.Unmarshal(rec.Body.Bytes(), &got)
			if got.Run == "" || !strings.HasPrefix(got.RunURL, "/api/v1/sources/") {
				t.Errorf("%s: POST %s = %s; want the run id and its URL", c.name, c.target, rec.Body)
			}
			continue
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal(rec.Body.Bytes(), &e)
		if e.Error.Code != c.code || e.Error.Message == "" {
			t.Errorf("%s: POST %s = %s; want error code %s with a message", c.name, c.target, rec.Body, c.code)
		}
		if strings.Contains(rec.Body.String(), "s3cret") {
			t.Errorf("%s: the answer %s shows the token", c.name, rec.Body)
		}
	}
	if want := "harvest fhi-mfr,release hunt"; strings.Join(fake.started, ",") != want {
		t.Errorf("runs started: %v; want %s", fake.started, want)
	}
}

// deadlineRecorder is a ResponseRecorder whose connection has write
// deadlines, as a real one does.
type deadlineRecorder struct {
	*httptest.ResponseRecorder
	deadlines []time.Time
}

func (r *deadlineRecorder) SetWriteDeadline(t time.Time) error {
	r.deadlines = append(r.deadlines, t)
	return nil
}

// hiddenBackup is a store that cannot back itself up.
type hiddenBackup struct{ catalog.Store }

func TestAdminBackup(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *web.Config) { c.AdminToken = "s3cret-token" })
	closed := newTestServer(t)
	noBackup := newTestServer(t, func(c *web.Config) {
		c.AdminToken = "s3cret-token"
		c.Store = hiddenBackup{c.Store}
	})
	get := func(srv http.Handler, auth string) *deadlineRecorder {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/admin/backup", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := &deadlineRecorder{ResponseRecorder: httptest.NewRecorder()}
		srv.ServeHTTP(rec, req)
		return rec
	}
	for _, c := range []struct {
		name   string
		srv    http.Handler
		auth   string
		status int
		code   string
	}{
		{"no token", ts.srv, "", 401, "unauthorized"},
		{"wrong token", ts.srv, "Bearer s3cret-tokeN", 401, "unauthorized"},
		{"admin API closed", closed.srv, "Bearer s3cret-token", 401, "unauthorized"},
		{"store without backups", noBackup.srv, "Bearer s3cret-token", 409, "conflict"},
	} {
		rec := get(c.srv, c.auth)
		var e struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != c.status || e.Error.Code != c.code || e.Error.Message == "" {
			t.Errorf("%s: GET /api/v1/admin/backup = %d %s; want %d with error code %s", c.name, rec.Code, rec.Body, c.status, c.code)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q; want a JSON error, not a backup", c.name, ct)
		}
	}

	rec := get(ts.srv, "Bearer s3cret-token")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/admin/backup with the token = %d %s; want 200", rec.Code, rec.Body)
	}
	h := rec.Header()
	if ct := h.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("Content-Type = %q; want application/octet-stream", ct)
	}
	if cd, want := h.Get("Content-Disposition"), `attachment; filename="katalog-20250301T120000Z.db"`; cd != want {
		t.Errorf("Content-Disposition = %q; want %q (the server's UTC time)", cd, want)
	}
	if cl := h.Get("Content-Length"); cl != strconv.Itoa(rec.Body.Len()) {
		t.Errorf("Content-Length = %q; the body has %d bytes", cl, rec.Body.Len())
	}
	if cc := h.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", cc)
	}
	if len(rec.deadlines) == 0 || time.Until(rec.deadlines[0]) < 30*time.Second {
		t.Errorf("write deadlines set: %v; want one about a minute ahead, past the server's write timeout", rec.deadlines)
	}

	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, rec.Body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	copied, err := bolt.OpenReadOnly(path)
	if err != nil {
		t.Fatalf("the backup does not open as a store: %v", err)
	}
	defer copied.Close()
	if err := copied.Check(); err != nil {
		t.Errorf("Check(backup) = %v", err)
	}
	ctx := context.Background()
	if _, n, err := copied.FindDatasets(ctx, catalog.DatasetFilter{}); err != nil || n != numDatasets {
		t.Errorf("the backup has %d datasets (%v); want %d", n, err, numDatasets)
	}
	if _, n, err := copied.FindVariables(ctx, catalog.VariableFilter{}); err != nil || n != numVariables {
		t.Errorf("the backup has %d variables (%v); want %d", n, err, numVariables)
	}
	if runs, err := copied.FindRuns(ctx, "fhi-mfr", 0); err != nil || len(runs) != 3 {
		t.Errorf("the backup has %d runs of fhi-mfr (%v); want 3", len(runs), err)
	}
}

// failingBackup is a store whose backup fails after its first bytes.
type failingBackup struct{ catalog.Store }

func (failingBackup) Backup(ctx context.Context, w io.Writer, size func(int64)) (int64, error) {
	size(8192)
	n, _ := w.Write(make([]byte, 4096))
	return int64(n), errors.New("disk read error")
}

// TestAdminBackupFailsMidway: once the status is sent, a failed backup
// breaks the connection (http.ErrAbortHandler) rather than end a short file
// that looks whole.
func TestAdminBackupFailsMidway(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, func(c *web.Config) {
		c.AdminToken = "s3cret-token"
		c.Store = failingBackup{c.Store}
	})
	req := httptest.NewRequest(http.MethodGet, "/api/v1/admin/backup", nil)
	req.Header.Set("Authorization", "Bearer s3cret-token")
	rec := httptest.NewRecorder()
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Errorf("a backup failing midway: recovered %v after %d bytes; want http.ErrAbortHandler", r, rec.Body.Len())
		}
	}()
	ts.srv.ServeHTTP(rec, req)
}

// failingHarvests fails every start with an internal error, so that the
// server logs it.
type failingHarvests struct{}

func (failingHarvests) Start(context.Context, string, bool) (string, error) {
	return "", errors.New("store: disk full")
}

// The admin token never reaches the logs: not from requests that carry it,
// right or wrong, nor from the errors and panics they cause.
func TestAdminTokenNotLogged(t *testing.T) {
	t.Parallel()
	const token = "s3cret-token-4711"
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ok := newTestServer(t, func(c *web.Config) { c.Harvests, c.AdminToken, c.Logger = &harvests{}, token, logger })
	failing := newTestServer(t, func(c *web.Config) { c.Harvests, c.AdminToken, c.Logger = failingHarvests{}, token, logger })
	for _, r := range []struct {
		srv    http.Handler
		target string
		auth   string
		status int
	}{
		{ok.srv, "/api/v1/sources/fhi-mfr/harvest", "Bearer " + token, 202},
		{ok.srv, "/api/v1/sources/hunt/release", "Bearer " + token, 202},
		{ok.srv, "/api/v1/sources/fhi-mfr/harvest", "Bearer " + token + "x", 401},
		{ok.srv, "/api/v1/sources/fhi-mfr/harvest", "Basic " + token, 401},
		{ok.srv, "/api/v1/sources/nope/harvest", "Bearer " + token, 404},
		{failing.srv, "/api/v1/sources/fhi-mfr/harvest", "Bearer " + token, 500},
	} {
		req := httptest.NewRequest(http.MethodPost, r.target, nil)
		req.Header.Set("Authorization", r.auth)
		rec := httptest.NewRecorder()
		r.srv.ServeHTTP(rec, req)
		if rec.Code != r.status {
			t.Errorf("POST %s (%.6s…) = %d; want %d", r.target, r.auth, rec.Code, r.status)
		}
	}
	out := logs.String()
	if !strings.Contains(out, `"msg":"request"`) || !strings.Contains(out, "disk full") {
		t.Fatalf("the logs lack the requests or the internal error, so they prove nothing:\n%s", out)
	}
	if strings.Contains(out, token) || strings.Contains(out, "s3cret") {
		t.Errorf("the logs show the admin token:\n%s", out)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
