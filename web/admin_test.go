package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/katalog/katalog/catalog"
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
