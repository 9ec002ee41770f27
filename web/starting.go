package web

import (
	"encoding/json"
	"net/http"
	"sync/atomic"

	"github.com/katalog/katalog/catalog"
)

// Starting is the handler of a katalog that listens while it opens its
// store and index (a rebuild of a large index takes minutes) and harvests
// new sources for the first time: /healthz answers 200, /readyz and every
// other request 503 with Retry-After, so that a load balancer sends nothing
// yet. Ready hands every later request to the server. It is safe for
// concurrent use.
type Starting struct {
	version string
	server  atomic.Pointer[Server]
}

// NewStarting returns a Starting that says it runs version.
func NewStarting(version string) *Starting {
	return &Starting{version: version}
}

// Ready hands over to s.
func (st *Starting) Ready(s *Server) { st.server.Store(s) }

// ServeHTTP implements http.Handler.
func (st *Starting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s := st.server.Load(); s != nil {
		s.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var body any
	switch r.URL.Path {
	case "/healthz":
		w.WriteHeader(http.StatusOK)
		body = map[string]string{"status": "ok", "version": st.version}
	case "/readyz":
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		body = map[string]string{"status": "starting"}
	default:
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		var e errorBody
		e.Error.Code = catalog.EUNAVAILABLE
		e.Error.Message = "katalog is starting: it is opening its search index and harvesting new sources; try again in a few seconds"
		body = e
	}
	if r.Method != http.MethodHead {
		json.NewEncoder(w).Encode(body)
	}
}
