package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/search"
	"github.com/katalog/katalog/web"
)

// BenchmarkCatalogHTTP downloads the whole catalogue as Turtle over HTTP
// from the store of the data folder KATALOG_DATA (MB/s of the document).
//
//	KATALOG_DATA=/tmp/bigdata go test ./web -run '^$' -bench CatalogHTTP -benchtime 1x
func BenchmarkCatalogHTTP(b *testing.B) {
	dir := os.Getenv("KATALOG_DATA")
	if dir == "" {
		b.Skip("set KATALOG_DATA to a harvested data folder")
	}
	store, err := bolt.Open(filepath.Join(dir, "katalog.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	idx, err := search.NewMemOnly()
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	srv, err := web.New(web.Config{Store: store, Index: idx})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	var n int64
	for i := 0; i < b.N; i++ {
		resp, err := http.Get(hs.URL + "/catalog.ttl")
		if err != nil {
			b.Fatal(err)
		}
		n, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("GET /catalog.ttl: %d, %v", resp.StatusCode, err)
		}
	}
	b.SetBytes(n)
}
