package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// browser is a client of the test server with a cookie jar, as a reader's
// browser is.
type browser struct {
	ts      *testServer
	cookies map[string]*http.Cookie
}

func newBrowser(ts *testServer) *browser {
	return &browser{ts: ts, cookies: map[string]*http.Cookie{}}
}

func (b *browser) do(t *testing.T, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.ts.srv.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s = %d: %.500s", req.Method, req.URL, rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return rec
}

func (b *browser) get(t *testing.T, target string) *httptest.ResponseRecorder {
	t.Helper()
	return b.do(t, httptest.NewRequest(http.MethodGet, target, nil))
}

// post submits a basket form; accept "" posts as a browser without
// JavaScript does.
func (b *browser) post(t *testing.T, form url.Values, accept string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/basket", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return b.do(t, req)
}

var basketRowRE = regexp.MustCompile(`<tr data-id="([^"]*)">`)

// basketRows returns the identifiers of the rows of a basket page.
func basketRows(page string) []string {
	var out []string
	for _, m := range basketRowRE.FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func TestBasketWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t)
	b := newBrowser(ts)
	back := "/search?q=blodtrykk"

	// The search page offers to add each variable.
	page := b.get(t, back).Body.String()
	if !strings.Contains(page, `<form class="basket-toggle" method="post" action="/basket"`) {
		t.Fatalf("search page has no basket buttons")
	}
	for _, id := range []string{"MFR:SVLEN", "HUNT4:BLODTRYKK", "MFR:VEKT"} {
		rec := b.post(t, url.Values{"op": {"add"}, "id": {id}, "back": {back}}, "")
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != back {
			t.Fatalf("add %s = %d to %q; want 303 to %q", id, rec.Code, rec.Header().Get("Location"), back)
		}
	}
	// Adding again changes nothing.
	b.post(t, url.Values{"op": {"add"}, "id": {"MFR:SVLEN"}}, "")

	page = b.get(t, "/basket").Body.String()
	if got, want := basketRows(page), []string{"MFR:SVLEN", "MFR:VEKT", "HUNT4:BLODTRYKK"}; !slices.Equal(got, want) {
		t.Errorf("basket rows = %q; want %q (grouped by register holder, in the order added)", got, want)
	}
	for _, want := range []string{pubFHI, pubNTNU, `id="basket-count">3<`, `/basket/export?format=csv`, `/basket/export?format=application`} {
		if !strings.Contains(page, want) {
			t.Errorf("basket page lacks %q", want)
		}
	}
	// Pages show what is in the basket: a variable page offers removal.
	vpage := b.get(t, "/variables/MFR:SVLEN").Body.String()
	if !strings.Contains(vpage, `name="op" value="remove"`) {
		t.Errorf("variable page of a variable in the basket does not offer removal")
	}

	b.post(t, url.Values{"op": {"remove"}, "id": {"MFR:VEKT"}}, "")
	if got := basketRows(b.get(t, "/basket").Body.String()); !slices.Equal(got, []string{"MFR:SVLEN", "HUNT4:BLODTRYKK"}) {
		t.Errorf("after removing MFR:VEKT: %q", got)
	}
	b.post(t, url.Values{"op": {"clear"}}, "")
	if len(b.cookies) != 0 {
		t.Errorf("cookies left after clearing: %v", b.cookies)
	}
	if page := b.get(t, "/basket").Body.String(); len(basketRows(page)) != 0 || !strings.Contains(page, `class="none"`) {
		t.Errorf("empty basket page shows rows or no help")
	}
}

func TestBasketScript(t *testing.T) {
	ts := newTestServer(t)
	b := newBrowser(ts)
	rec := b.post(t, url.Values{"op": {"add"}, "id": {"MFR:SVLEN", "HUNT4:ALDER"}}, "application/json")
	var got struct {
		Count int      `json:"count"`
		IDs   []string `json:"ids"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 200 {
		t.Fatalf("add = %d %s (%v)", rec.Code, rec.Body, err)
	}
	if got.Count != 2 || !slices.Equal(got.IDs, []string{"MFR:SVLEN", "HUNT4:ALDER"}) {
		t.Errorf("add = %+v", got)
	}
	// An unknown variable is refused with a message a script can show.
	rec = b.post(t, url.Values{"op": {"add"}, "id": {"MFR:NOPE"}}, "application/json")
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `no variable with the identifier \"MFR:NOPE\"`) {
		t.Errorf("add unknown = %d %s; want 400 naming it", rec.Code, rec.Body)
	}
	rec = b.post(t, url.Values{"op": {"explode"}}, "application/json")
	if rec.Code != http.StatusBadRequest {
		t.Errorf("unknown op = %d; want 400", rec.Code)
	}
	rec = b.post(t, url.Values{"op": {"replace"}, "id": {"MFR:KJONN"}}, "application/json")
	if !strings.Contains(rec.Body.String(), `"ids":["MFR:KJONN"]`) {
		t.Errorf("replace = %s", rec.Body)
	}
}

func TestBasketRefusesOtherSites(t *testing.T) {
	ts := newTestServer(t)
	b := newBrowser(ts)
	for _, back := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		rec := b.post(t, url.Values{"op": {"add"}, "id": {"MFR:SVLEN"}, "back": {back}}, "")
		if loc := rec.Header().Get("Location"); loc != "/basket" {
			t.Errorf("back=%q: redirect to %q; want /basket", back, loc)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/basket", strings.NewReader("op=clear"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if rec := b.do(t, req); rec.Code != http.StatusForbidden {
		t.Errorf("cross-site post = %d; want 403", rec.Code)
	}
}

func TestSharedBasket(t *testing.T) {
	ts := newTestServer(t)
	owner := newBrowser(ts)
	owner.post(t, url.Values{"op": {"add"}, "id": {"MFR:SVLEN", "HUNT4:BLODTRYKK", idSlash}}, "")
	page := owner.get(t, "/basket").Body.String()
	m := regexp.MustCompile(`id="share-url"[^>]*value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("basket page shows no share link")
	}
	share, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil || share.Path != "/basket" {
		t.Fatalf("share link %q", m[1])
	}

	// A co-applicant, with an empty basket of their own, sees the list.
	co := newBrowser(ts)
	page = co.get(t, share.RequestURI()).Body.String()
	if got, want := basketRows(page), []string{"MFR:SVLEN", "HUNT4:BLODTRYKK", idSlash}; !slices.Equal(got, want) {
		t.Errorf("shared list rows = %q; want %q", got, want)
	}
	if len(co.cookies) != 0 {
		t.Errorf("viewing a shared list changed the viewer's basket")
	}
	// Taking it makes it theirs.
	form := url.Values{"op": {"add"}, "back": {"/basket"}}
	for _, id := range basketRows(page) {
		form.Add("id", id)
	}
	co.post(t, form, "")
	if got := basketRows(co.get(t, "/basket").Body.String()); len(got) != 3 {
		t.Errorf("after taking the shared list: %q", got)
	}

	// Identifiers that no longer name a variable are listed as missing.
	page = co.get(t, "/basket?v=MFR:SVLEN&v=GONE:1").Body.String()
	if !strings.Contains(page, `<code>GONE:1</code>`) || len(basketRows(page)) != 1 {
		t.Errorf("shared list with a missing identifier: rows %q", basketRows(page))
	}
}

func TestBasketExports(t *testing.T) {
	ts := newTestServer(t)
	b := newBrowser(ts)
	b.post(t, url.Values{"op": {"add"}, "id": {"MFR:SVLEN", "HUNT4:BLODTRYKK", "MFR:KJONN"}}, "")

	rec := b.get(t, "/basket/export?format=csv")
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("csv Content-Type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, `attachment; filename="variabelliste-2025-03-01.csv"`) {
		t.Errorf("csv Content-Disposition %q", cd)
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "register_holder" || rows[0][3] != "variable_identifier" {
		t.Fatalf("csv rows %q", rows)
	}
	var ids, holders []string
	for _, r := range rows[1:] {
		ids, holders = append(ids, r[3]), append(holders, r[0])
	}
	if !slices.Equal(ids, []string{"MFR:SVLEN", "MFR:KJONN", "HUNT4:BLODTRYKK"}) || !slices.Equal(holders, []string{pubFHI, pubFHI, pubNTNU}) {
		t.Errorf("csv variables %q by %q", ids, holders)
	}

	// Excel: BOM, semicolons for Norwegian, commas for English, CRLF.
	for lang, sep := range map[string]string{"nb": ";", "en": ","} {
		body := b.get(t, "/basket/export?format=excel&lang="+lang).Body.String()
		if !strings.HasPrefix(body, "\ufeff") || !strings.Contains(body, "\r\n") {
			t.Errorf("excel %s: no BOM or no CRLF", lang)
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(body, "\ufeff"), "\r\n")
		if strings.Count(first, sep) != 12 {
			t.Errorf("excel %s header %q: want 13 columns separated by %q", lang, first, sep)
		}
	}

	var flat struct {
		Variables []struct {
			Identifier string `json:"identifier"`
			Dataset    struct {
				Identifier string `json:"identifier"`
			} `json:"dataset"`
			Publisher struct {
				Name map[string]string `json:"name"`
			} `json:"publisher"`
		} `json:"variables"`
	}
	if err := json.Unmarshal(b.get(t, "/basket/export?format=json").Body.Bytes(), &flat); err != nil {
		t.Fatal(err)
	}
	if len(flat.Variables) != 3 || flat.Variables[2].Dataset.Identifier != idHUNT4 || flat.Variables[2].Publisher.Name["nb"] != pubNTNU {
		t.Errorf("json export %+v", flat)
	}

	// The application document, against its published schema.
	rec = b.get(t, "/basket/export?format=application")
	schema, err := jsonschema.CompileString("docs/basket-application.schema.json", mustRead(t, "../docs/basket-application.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("application document does not meet its schema: %v\n%s", err, rec.Body)
	}
	var app struct {
		Format          string `json:"format"`
		ListURL         string `json:"list_url"`
		RegisterHolders []struct {
			Name     map[string]string `json:"name"`
			Datasets []struct {
				Identifier   string `json:"identifier"`
				AccessRights string `json:"access_rights"`
				Variables    []struct {
					Identifier string `json:"identifier"`
				} `json:"variables"`
			} `json:"datasets"`
		} `json:"register_holders"`
		Counts struct{ RegisterHolders, Datasets, Variables int } `json:"counts"`
	}
	json.Unmarshal(rec.Body.Bytes(), &app)
	if app.Format != "katalog-variable-list/1" || len(app.RegisterHolders) != 2 || app.Counts.Variables != 3 || app.Counts.Datasets != 2 {
		t.Errorf("application document %+v", app)
	}
	if h := app.RegisterHolders[1]; h.Name["nb"] != pubNTNU || h.Datasets[0].Identifier != idHUNT4 || !strings.HasSuffix(h.Datasets[0].AccessRights, "/RESTRICTED") {
		t.Errorf("second register holder %+v", h)
	}
	if u, _ := url.Parse(app.ListURL); !slices.Equal(u.Query()["v"], []string{"MFR:SVLEN", "HUNT4:BLODTRYKK", "MFR:KJONN"}) {
		t.Errorf("list_url %q", app.ListURL)
	}

	// A shared list exports without a basket of one's own.
	rows, _ = csv.NewReader(newBrowser(ts).get(t, "/basket/export?format=csv&v=HUNT4:ALDER").Body).ReadAll()
	if len(rows) != 2 || rows[1][3] != "HUNT4:ALDER" {
		t.Errorf("shared csv %q", rows)
	}
	if rec := b.get(t, "/basket/export?format=pdf"); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown format = %d; want 400", rec.Code)
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestRecordRDFLinks(t *testing.T) {
	ts := newTestServer(t)
	page := ts.getHTML(t, "/variables/MFR:SVLEN", 200)
	if !strings.Contains(page, `href="/variables/MFR:SVLEN?format=ttl"`) {
		t.Fatalf("variable page has no Turtle link")
	}
	rec := ts.get(t, "/variables/MFR:SVLEN?format=ttl")
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/turtle") || !bytes.Contains(rec.Body.Bytes(), []byte("csvw:Column")) {
		t.Errorf("?format=ttl = %q %.200s", ct, rec.Body)
	}
	if rec := ts.get(t, "/datasets/MFR?format=jsonld"); !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/ld+json") {
		t.Errorf("dataset ?format=jsonld = %q", rec.Header().Get("Content-Type"))
	}
	if rec := ts.get(t, "/variables/MFR:SVLEN?format=docx"); rec.Code != http.StatusBadRequest {
		t.Errorf("?format=docx = %d; want 400", rec.Code)
	}
}

func TestDatasetPageSearch(t *testing.T) {
	ts := newTestServer(t)
	page := ts.getHTML(t, "/datasets/MFR?vq=vekt", 200)
	if rows := basketRows(page); !slices.Equal(rows, []string{"MFR:VEKT"}) {
		t.Errorf("dataset search for vekt: rows %q", rows)
	}
	page = ts.getHTML(t, "/datasets/MFR", 200)
	if rows := basketRows(page); len(rows) != len(mfrVariables) {
		t.Errorf("dataset page rows %q; want %d", rows, len(mfrVariables))
	}
}
