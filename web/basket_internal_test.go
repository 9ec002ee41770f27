package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/labstack/echo/v4"
)

// A full basket of identifiers, some of them awkward, survives the cookies, and no
// cookie passes the 4 KB browsers keep.
func TestBasketCookies(t *testing.T) {
	var b basket
	for i := 0; i < maxBasket; i++ {
		id := fmt.Sprintf("MoBa:Skjema%d_v12:AA%04d", i%7, i)
		if i%50 == 0 {
			id = fmt.Sprintf("Reg:Skjema %d,«ø»;\"\\!%%:%04d", i%7, i)
		}
		var err error
		if b, err = b.add(id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.add("one too many"); err == nil {
		t.Errorf("adding variable %d: no error", maxBasket+1)
	}

	e := echo.New()
	rec := httptest.NewRecorder()
	if err := writeBasket(e.NewContext(httptest.NewRequest(http.MethodPost, "/basket", nil), rec), b); err != nil {
		t.Fatal(err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) < 2 || len(cookies) > basketChunks {
		t.Fatalf("%d cookies; want between 2 and %d", len(cookies), basketChunks)
	}
	req := httptest.NewRequest(http.MethodGet, "/basket", nil)
	for _, line := range rec.Header().Values("Set-Cookie") {
		if len(line) > 4096 {
			t.Errorf("Set-Cookie of %d bytes", len(line))
		}
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	if got := readBasket(req); !slices.Equal(got, b) {
		t.Errorf("read back %d identifiers, want %d; first %q", len(got), len(b), got[:min(3, len(got))])
	}

	// A smaller basket expires the cookies it no longer needs.
	rec = httptest.NewRecorder()
	writeBasket(e.NewContext(req, rec), b[:2])
	// Longer identifiers than the cookies hold are refused, not cut.
	long := make(basket, 0, maxBasket)
	for i := 0; i < maxBasket; i++ {
		long = append(long, fmt.Sprintf("%0100d", i))
	}
	if err := writeBasket(e.NewContext(req, httptest.NewRecorder()), long); err == nil {
		t.Errorf("a basket of 100 KB of identifiers was written")
	}
	live, expired := 0, 0
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			expired++
		} else {
			live++
		}
	}
	if live != 1 || expired != len(cookies)-1 {
		t.Errorf("shrinking to 2: %d cookies set, %d expired; want 1 and %d", live, expired, len(cookies)-1)
	}
}
