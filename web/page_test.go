package web_test

import (
	"github.com/katalog/katalog/catalog"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var (
	facetRE  = regexp.MustCompile(`<li><a href="([^"]*)"([^>]*)>`)
	inputQRE = regexp.MustCompile(`<input[^>]*\bname="q"[^>]*>`)
	formRE   = regexp.MustCompile(`<form[^>]*\baction="/search"[^>]*\bmethod="get"`)
)

// resultCount returns the number of results a search page reports.
func resultCount(t *testing.T, target, page string) int {
	t.Helper()
	m := resultsRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("GET %s: no result count on the page", target)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// facetLink is a link in the facet list of a search page.
type facetLink struct {
	URL      string
	Query    url.Values
	Selected bool
}

// facetLinks returns the links in the facet list of the search page at
// target that toggle a value of facet: those whose query differs from the
// page's own in that facet only.
func facetLinks(t *testing.T, target, page, facet string) []facetLink {
	t.Helper()
	cur, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	here := cur.Query()
	if !here.Has("type") {
		here.Set("type", "variable")
	}
	start := strings.Index(page, `<aside class="facets"`)
	end := strings.Index(page, "</aside>")
	if start < 0 || end < start {
		t.Fatalf("GET %s: no facet list", target)
	}
	var out []facetLink
	for _, m := range facetRE.FindAllStringSubmatch(page[start:end], -1) {
		u, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil || u.Path != "/search" {
			continue
		}
		q := u.Query()
		same := true
		for _, k := range append([]string{"q", "type"}, catalog.FacetNames()...) {
			if k != facet && !slices.Equal(q[k], here[k]) {
				same = false
			}
		}
		if same {
			out = append(out, facetLink{URL: u.String(), Query: q, Selected: strings.Contains(m[2], `class="on"`)})
		}
	}
	return out
}

// link returns the facet link that selects exactly values, or fails.
func link(t *testing.T, links []facetLink, facet string, values ...string) facetLink {
	t.Helper()
	for _, l := range links {
		got := slices.Clone(l.Query[facet])
		slices.Sort(got)
		want := slices.Clone(values)
		slices.Sort(want)
		if slices.Equal(got, want) {
			return l
		}
	}
	t.Fatalf("no facet link with %s=%v among %v", facet, values, links)
	return facetLink{}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

func TestHomePage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	page := ts.getHTML(t, "/", http.StatusOK)
	if !formRE.MatchString(page) {
		t.Errorf("GET /: no <form action=\"/search\" method=\"get\">")
	}
	if !inputQRE.MatchString(page) {
		t.Errorf("GET /: no <input name=\"q\">")
	}
	if text := tagRE.ReplaceAllString(page, ""); !strings.Contains(text, "11 variabler i 3 datasett fra 2 registerforvaltere") {
		t.Errorf("GET /: no catalogue statistics (11 variables, 3 datasets, 2 publishers)")
	}
	links := hrefs(page)
	for _, want := range []string{"/datasets/MFR", "/search?publisher=NTNU&type=variable"} {
		if !slices.Contains(links, want) {
			t.Errorf("GET /: no link to %s among %v", want, links)
		}
	}
	// The one script is Katalog's own file, which only enhances the page.
	if scripts := scriptRE.FindAllString(page, -1); len(scripts) != 1 || !ownScriptRE.MatchString(scripts[0]) {
		t.Errorf("GET /: scripts %q; want only <script src=\"/static/…/katalog.js\" defer></script>", scripts)
	}
}

var (
	scriptRE    = regexp.MustCompile(`(?is)<script\b.*?</script>`)
	ownScriptRE = regexp.MustCompile(`^<script src="/static/[0-9a-f]+/katalog\.js" defer></script>$`)
)

func TestSearchPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		target string
		count  int
		links  []string // links to hits the page must have
	}{
		{"/search?q=hodeomkrets", 1, []string{"/variables/MFR:HODE"}},
		{"/search?q=HODE", 1, []string{"/variables/MFR:HODE"}},
		{"/search?q=blodtrykk", 1, []string{"/variables/HUNT4:BLODTRYKK"}},
		{"/search?q=gutt", 1, []string{"/variables/MFR:KJONN"}}, // a code label
		{"/search?q=", numVariables, []string{"/variables/MFR:HODE", "/variables/" + url.PathEscape(idSlash)}},
		{"/search", numVariables, nil},
		{"/search?type=dataset", numDatasets, []string{"/datasets/MFR", "/datasets/" + url.PathEscape(idHUNT4)}},
		{"/search?q=zzqqxx", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			page := ts.getHTML(t, tt.target, http.StatusOK)
			if n := resultCount(t, tt.target, page); n != tt.count {
				t.Errorf("GET %s: %d results; want %d", tt.target, n, tt.count)
			}
			links := hrefs(page)
			for _, l := range tt.links {
				if !slices.Contains(links, l) {
					t.Errorf("GET %s: no link to %s", tt.target, l)
				}
			}
			if tt.count == 0 && !strings.Contains(page, "Ingen treff") {
				t.Errorf("GET %s: no \"Ingen treff\" message", tt.target)
			}
			if q := (&url.URL{RawQuery: strings.TrimPrefix(tt.target, "/search?")}).Query().Get("q"); q != "" &&
				!strings.Contains(page, `value="`+q+`"`) {
				t.Errorf("GET %s: the search box does not keep the query %q", tt.target, q)
			}
		})
	}

	for _, target := range []string{"/search?size=abc", "/search?page=0", "/search?type=x", "/search?sort=x", "/search?size=1000"} {
		page := ts.getHTML(t, target, http.StatusBadRequest)
		if htmlLang(page) == "" {
			t.Errorf("GET %s: no <html lang>; want the error page", target)
		}
	}
}

// TestSearchPageLinks follows every record link of a search page.
func TestSearchPageLinks(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, target := range []string{"/search?q=&size=100", "/search?type=dataset"} {
		page := ts.getHTML(t, target, http.StatusOK)
		n := 0
		for _, h := range hrefs(page) {
			if strings.HasPrefix(h, "/variables/") || strings.HasPrefix(h, "/datasets/") {
				n++
				ts.getHTML(t, h, http.StatusOK)
			}
		}
		if n == 0 {
			t.Errorf("GET %s: no record links", target)
		}
	}
}

func TestSearchPageFacets(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	const start = "/search?q="
	page := ts.getHTML(t, start, http.StatusOK)
	if n := resultCount(t, start, page); n != numVariables {
		t.Fatalf("GET %s: %d results; want %d", start, n, numVariables)
	}

	// Select NTNU: the results narrow to its variables.
	ntnu := link(t, facetLinks(t, start, page, "publisher"), "publisher", pubNTNU)
	if ntnu.Selected {
		t.Errorf("GET %s: the NTNU link is marked selected before it was", start)
	}
	narrowed := ts.getHTML(t, ntnu.URL, http.StatusOK)
	if n := resultCount(t, ntnu.URL, narrowed); n != 5 {
		t.Errorf("GET %s: %d results; want NTNU's 5", ntnu.URL, n)
	}
	if links := hrefs(narrowed); slices.Contains(links, "/variables/MFR:HODE") || !slices.Contains(links, "/variables/HUNT4:ALDER") {
		t.Errorf("GET %s: links %v; want HUNT4's variables and not MFR's", ntnu.URL, links)
	}

	// The NTNU link is now on, and toggles the filter off again.
	links := facetLinks(t, ntnu.URL, narrowed, "publisher")
	off := link(t, links, "publisher")
	if !off.Selected {
		t.Errorf("GET %s: the link that removes NTNU is not marked selected", ntnu.URL)
	}
	back := ts.getHTML(t, off.URL, http.StatusOK)
	if n := resultCount(t, off.URL, back); n != numVariables {
		t.Errorf("GET %s: %d results; want all %d again", off.URL, n, numVariables)
	}

	// Two values of one facet are OR-ed.
	both := "/search?q=&publisher=" + pubNTNU + "&publisher=" + url.QueryEscape(pubFHI)
	page = ts.getHTML(t, both, http.StatusOK)
	if n := resultCount(t, both, page); n != numVariables {
		t.Errorf("GET %s: %d results; want %d", both, n, numVariables)
	}
	pubs := facetLinks(t, both, page, "publisher")
	for _, l := range pubs {
		if !l.Selected {
			t.Errorf("GET %s: publisher link %s is not marked selected", both, l.URL)
		}
	}
	if n := len(pubs); n != 2 {
		t.Errorf("GET %s: %d publisher links; want 2", both, n)
	}

	// Another facet ANDs: NTNU's variables of type integer.
	integer := link(t, facetLinks(t, ntnu.URL, narrowed, "datatype"), "datatype", "integer")
	if got := integer.Query["publisher"]; !slices.Equal(got, []string{pubNTNU}) {
		t.Errorf("datatype link %s keeps publisher %v; want [%s]", integer.URL, got, pubNTNU)
	}
	page = ts.getHTML(t, integer.URL, http.StatusOK)
	if n := resultCount(t, integer.URL, page); n != 2 {
		t.Errorf("GET %s: %d results; want 2 (BLODTRYKK, ALDER)", integer.URL, n)
	}

	// A dataset identifier with a space and a slash survives the round trip.
	ds := link(t, facetLinks(t, integer.URL, page, "dataset"), "dataset", idHUNT4)
	page = ts.getHTML(t, ds.URL, http.StatusOK)
	if n := resultCount(t, ds.URL, page); n != 2 {
		t.Errorf("GET %s: %d results; want 2", ds.URL, n)
	}
}

func TestSearchPagePaging(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	target := "/search?q=&size=5"
	var seen []string
	for page := 1; ; page++ {
		if page > 3 {
			t.Fatalf("more than 3 pages of 5 for %d variables", numVariables)
		}
		body := ts.getHTML(t, target, http.StatusOK)
		for _, h := range hrefs(body) {
			if strings.HasPrefix(h, "/variables/") && !slices.Contains(seen, h) {
				seen = append(seen, h)
			}
		}
		m := regexp.MustCompile(`<a href="([^"]*)" rel="next">`).FindStringSubmatch(body)
		if m == nil {
			if page != 3 {
				t.Errorf("GET %s: no next link on page %d of 3", target, page)
			}
			break
		}
		target = html.UnescapeString(m[1])
	}
	if len(seen) != numVariables {
		t.Errorf("pages of 5 link %d variables; want %d", len(seen), numVariables)
	}
}

func TestPageLanguage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	skip := map[string]string{"nb": "Hopp til innholdet", "nn": "Hopp til innhaldet", "en": "Skip to content"}
	tests := []struct {
		target string
		hdr    []string
		want   string
	}{
		{"/", nil, "nb"},
		{"/?lang=nn", nil, "nn"},
		{"/?lang=en", nil, "en"},
		{"/?lang=nb", nil, "nb"},
		{"/?lang=en-GB", nil, "en"},
		{"/?lang=xx", nil, "nb"},
		{"/search?q=hode&lang=nn", nil, "nn"},
		{"/variables/MFR:HODE?lang=en", nil, "en"},
		{"/datasets/MFR?lang=nn", nil, "nn"},
		{"/sources?lang=en", nil, "en"},
		{"/variables/NOPE?lang=en", nil, "en"},
		{"/", []string{"Accept-Language", "en-US,en;q=0.9"}, "en"},
		{"/", []string{"Accept-Language", "nn-NO"}, "nn"},
		{"/", []string{"Accept-Language", "de, en;q=0.5, nn;q=0.8"}, "nn"},
		{"/", []string{"Accept-Language", "fr, de"}, "nb"},
		{"/", []string{"Cookie", "lang=en"}, "en"},
		{"/", []string{"Cookie", "lang=nn", "Accept-Language", "en"}, "nn"},
		{"/?lang=nb", []string{"Cookie", "lang=en"}, "nb"},
		{"/", []string{"Cookie", "lang=zz", "Accept-Language", "en"}, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.target+strings.Join(tt.hdr, " "), func(t *testing.T) {
			rec := ts.get(t, tt.target, tt.hdr...)
			page := rec.Body.String()
			if got := htmlLang(page); got != tt.want {
				t.Errorf("GET %s %v: <html lang=%q>; want %q", tt.target, tt.hdr, got, tt.want)
			}
			if !strings.Contains(page, skip[tt.want]) {
				t.Errorf("GET %s %v: no %q; want the interface in %s", tt.target, tt.hdr, skip[tt.want], tt.want)
			}
		})
	}

	// ?lang= is remembered in a cookie.
	rec := ts.get(t, "/?lang=nn")
	var lang *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "lang" {
			lang = c
		}
	}
	if lang == nil || lang.Value != "nn" || lang.Path != "/" {
		t.Fatalf("GET /?lang=nn: cookie %v; want lang=nn for /", lang)
	}
	for _, target := range []string{"/", "/search?q=hode", "/variables/MFR:KJONN"} {
		if got := htmlLang(ts.get(t, target, "Cookie", lang.String()).Body.String()); got != "nn" {
			t.Errorf("GET %s with cookie %s: <html lang=%q>; want nn", target, lang, got)
		}
	}
	if v := rec.Header().Values("Vary"); !strings.Contains(strings.Join(v, ","), "Accept-Language") {
		t.Errorf("GET /?lang=nn: Vary = %v; want Accept-Language", v)
	}
}

func TestVariablePage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		target string
		want   []string
		not    []string
	}{
		{"/variables/MFR:HODE", []string{
			"<title>HODE: Hodeomkrets · Katalog</title>", "<code>HODE</code>", "Hodeomkrets", "Head circumference",
			"cm", "1999", `href="/datasets/MFR"`, "Medisinsk fødselsregister", "Folkehelseinstituttet", "Fødsel",
			"Ikke-allmenn tilgang", "2 t siden", "Ingen kodeliste",
		}, []string{`<table class="codes">`}},
		{"/variables/MFR:HODE?lang=en", []string{
			"<title>HODE: Head circumference · Katalog</title>", "Head circumference", "Non-public", "2 h ago", "No code list",
		}, nil},
		{"/variables/MFR:KJONN", []string{
			`<table class="codes">`, "<code>1</code>", "Gutt", "<code>2</code>", "Jente", "<code>9</code>", "Ukjent", "Kodeliste",
		}, []string{"Ingen kodeliste"}},
		{"/variables/MFR:KJONN?lang=en", []string{`<table class="codes">`, "Boy", "Girl", "Unknown", "Code list"}, []string{">Gutt<"}},
		{"/variables/" + url.PathEscape(idSlash), []string{"<code>BMI</code>", "Kroppsmasseindeks", "HUNT4 voksen",
			`href="/datasets/HUNT4%20Voksen%2F2017"`}, nil},
		{"/variables/" + url.PathEscape(idPercent), []string{"<code>ROYK</code>", "Røyker daglig"}, nil},
		{"/variables/HUNT4:GAMMEL", []string{"Gammel variabel", "Trukket tilbake 2025-03-01"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			page := ts.getHTML(t, tt.target, http.StatusOK)
			for _, s := range tt.want {
				if !strings.Contains(page, s) {
					t.Errorf("GET %s: page lacks %q", tt.target, s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(page, s) {
					t.Errorf("GET %s: page has %q", tt.target, s)
				}
			}
		})
	}
}

func TestDatasetPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	page := ts.getHTML(t, "/datasets/MFR", http.StatusOK)
	for _, s := range []string{
		"<title>Medisinsk fødselsregister · Katalog</title>", "<h1>Medisinsk fødselsregister</h1>", "Alle fødsler i Norge",
		"Folkehelseinstituttet", "mailto:mfr@fhi.no", "Helse", "Ikke-allmenn tilgang", "1967", "Variabler (6)",
	} {
		if !strings.Contains(page, s) {
			t.Errorf("GET /datasets/MFR: page lacks %q", s)
		}
	}
	var vars []string
	for _, h := range hrefs(page) {
		if name, ok := strings.CutPrefix(h, "/variables/MFR:"); ok {
			vars = append(vars, name)
		}
	}
	if !slices.Equal(vars, mfrVariables) {
		t.Errorf("GET /datasets/MFR: variable links %v; want %v in feed order", vars, mfrVariables)
	}
	if en := ts.getHTML(t, "/datasets/MFR?lang=en", http.StatusOK); !strings.Contains(en, "<h1>Medical Birth Registry of Norway</h1>") || !strings.Contains(en, "Health") {
		t.Errorf("GET /datasets/MFR?lang=en: no English title and theme")
	}

	// Pages of variables.
	page = ts.getHTML(t, "/datasets/MFR?size=4", http.StatusOK)
	m := regexp.MustCompile(`<a href="([^"]*)" rel="next">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("GET /datasets/MFR?size=4: no next page link")
	}
	next, _, _ := strings.Cut(html.UnescapeString(m[1]), "#") // as a browser sends it
	page2 := ts.getHTML(t, next, http.StatusOK)
	if !strings.Contains(page2, `href="/variables/MFR:FAAR"`) || strings.Contains(page2, `href="/variables/MFR:HODE"`) {
		t.Errorf("GET %s: want the variables after the first 4", next)
	}

	// An identifier with a space and a slash, and links to escaped variables.
	target := "/datasets/" + url.PathEscape(idHUNT4)
	page = ts.getHTML(t, target, http.StatusOK)
	if !strings.Contains(page, "<h1>HUNT4 voksen</h1>") || !strings.Contains(page, "2017–2019") {
		t.Errorf("GET %s: page lacks the title or 2017–2019", target)
	}
	n := 0
	for _, h := range hrefs(page) {
		if strings.HasPrefix(h, "/variables/") {
			n++
			ts.getHTML(t, h, http.StatusOK)
		}
	}
	if n != 4 {
		t.Errorf("GET %s: %d variable links; want 4", target, n)
	}

	ts.getHTML(t, "/datasets/MFR?page=0", http.StatusBadRequest)
}

func TestSourcesPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	page := ts.getHTML(t, "/sources", http.StatusOK)
	for _, s := range []string{"fhi-mfr", "https://data.fhi.no/mfr.ttl", `class="status ok"`, "1 / 6", "2 t siden", "2025-03-01", "hunt", "Ikke høstet ennå"} {
		if !strings.Contains(page, s) {
			t.Errorf("GET /sources: page lacks %q", s)
		}
	}
}

func TestSourcePage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	page := ts.getHTML(t, "/sources/fhi-mfr?lang=en", http.StatusOK)
	for _, s := range []string{"81/100", "11/12 mandatory properties", "7/20 recommended properties", "national",
		"All (2)", "Errors (1)", "Warnings (1)",
		"https://data.fhi.no/mfr/variable/FAAR", "Give a datatype", "https://data.fhi.no/mfr/variable/VEKT", "Describe the variable"} {
		if !strings.Contains(page, s) {
			t.Errorf("GET /sources/fhi-mfr: page lacks %q", s)
		}
	}
	if strings.Index(page, "mfr/variable/FAAR") > strings.Index(page, "mfr/variable/VEKT") {
		t.Errorf("GET /sources/fhi-mfr: the resource with an error should come first")
	}
	if !strings.Contains(page, `<span class="sev">Error</span>`) || !strings.Contains(ts.getHTML(t, "/sources/fhi-mfr?lang=nb", http.StatusOK), `<span class="sev">Feil</span>`) {
		t.Errorf("GET /sources/fhi-mfr: severities should be named in the page's language")
	}
	errorsOnly := ts.getHTML(t, "/sources/fhi-mfr?severity=error&lang=en", http.StatusOK)
	if !strings.Contains(errorsOnly, "Give a datatype") || strings.Contains(errorsOnly, "Describe the variable") ||
		!strings.Contains(errorsOnly, `aria-current="page">Errors (1)`) {
		t.Errorf("GET /sources/fhi-mfr?severity=error: want the error only, its tab current")
	}
	vekt := ts.getHTML(t, "/sources/fhi-mfr?lang=nb&resource="+url.QueryEscape("https://data.fhi.no/mfr/variable/VEKT"), http.StatusOK)
	if strings.Contains(vekt, "Oppgi datatype") || !strings.Contains(vekt, "Beskriv variabelen") || !strings.Contains(vekt, "Alle (1)") {
		t.Errorf("GET /sources/fhi-mfr?resource=…VEKT: want the VEKT finding only, counted alone")
	}
	hunt := ts.getHTML(t, "/sources/hunt?lang=en", http.StatusOK)
	if !strings.Contains(hunt, "No findings.") {
		t.Errorf("GET /sources/hunt: a source never run should say it has no findings")
	}
	ts.getHTML(t, "/sources/fhi-mfr?severity=fatal", http.StatusBadRequest)
	ts.getHTML(t, "/sources/fhi-mfr?page=2", http.StatusNotFound)
	ts.getHTML(t, "/sources/nope", http.StatusNotFound)
}

func TestPageNotFound(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct{ target, want string }{
		{"/variables/MFR:NOPE", "Fant ikke siden"},
		{"/variables/" + url.PathEscape("HUNT4/Spørreskjema 2/BMI"), "Fant ikke siden"},
		{"/variables/MFR:NOPE?lang=en", "Page not found"},
		{"/datasets/NOPE", "Fant ikke siden"},
		{"/datasets/NOPE?lang=nn", "Fann ikkje sida"},
		{"/nowhere", "Fant ikke siden"},
	}
	for _, tt := range tests {
		page := ts.getHTML(t, tt.target, http.StatusNotFound)
		if !strings.Contains(page, tt.want) {
			t.Errorf("GET %s: page lacks %q", tt.target, tt.want)
		}
		if !inputQRE.MatchString(page) {
			t.Errorf("GET %s: the error page has no search box", tt.target)
		}
	}
}

// TestPagesEscapeFeedText checks that markup in feed text and in the
// request never reaches a page as markup.
func TestPagesEscapeFeedText(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	const (
		escScript = "&lt;script&gt;alert(1)&lt;/script&gt;"
		escImg    = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"
	)
	tests := []struct {
		target string
		status int
		want   []string // the escaped text, so that the test sees it shown
	}{
		{"/", http.StatusOK, []string{escScript}},
		{"/?lang=en", http.StatusOK, []string{escImg}},
		{"/search?q=skadevariabel", http.StatusOK, []string{escScript, "<mark>Skadevariabel</mark>"}},
		{"/search?q=skadevariabel&lang=en", http.StatusOK, []string{escImg}},
		{"/search?q=alert", http.StatusOK, []string{escScript, "<mark>alert</mark>"}},
		{"/search?q=onerror&lang=en", http.StatusOK, []string{escImg}},
		{"/search?type=dataset", http.StatusOK, []string{escScript}},
		{"/search?q=&dataset=HUNT-XSS", http.StatusOK, []string{escScript}},
		{"/variables/" + idXSSVar, http.StatusOK, []string{escScript, escImg}},
		{"/variables/" + idXSSVar + "?lang=en", http.StatusOK, []string{escImg}},
		{"/datasets/HUNT-XSS", http.StatusOK, []string{escScript}},
		{"/datasets/HUNT-XSS?lang=en", http.StatusOK, []string{escImg}},
		// Markup in the request itself.
		{"/search?q=" + url.QueryEscape(xssScript+xssImg), http.StatusOK, []string{escScript}},
		{"/search?publisher=" + url.QueryEscape(xssImg), http.StatusOK, []string{escImg}},
		{"/search?q=%22%3E%3Cimg%20src%3Dx%3E&lang=" + url.QueryEscape(xssScript), http.StatusOK, nil},
		{"/variables/" + url.PathEscape(xssScript), http.StatusNotFound, []string{escScript}},
		{"/search?type=" + url.QueryEscape(xssImg), http.StatusBadRequest, nil},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			page := ts.getHTML(t, tt.target, tt.status)
			lower := strings.ToLower(scriptRE.ReplaceAllStringFunc(page, func(s string) string {
				if ownScriptRE.MatchString(s) {
					return ""
				}
				return s
			}))
			for _, raw := range []string{"<script", "<img", "onerror=alert(1)>"} {
				if strings.Contains(lower, raw) {
					i := strings.Index(lower, raw)
					t.Errorf("GET %s: page has raw %q: …%s…", tt.target, raw, page[max(0, i-80):min(len(page), i+80)])
				}
			}
			for _, s := range tt.want {
				if !strings.Contains(page, s) {
					t.Errorf("GET %s: page lacks the escaped %q", tt.target, s)
				}
			}
		})
	}
}

// A selected value with no matches keeps its label: the missing bucket
// reads as words, not as its code.
func TestSelectedMissingLabel(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	page := ts.getHTML(t, "/search?q=zzzz&publisher=_missing&lang=en", http.StatusOK)
	if !strings.Contains(page, "Not stated") || strings.Contains(page, ">_missing") || strings.Contains(page, ": _missing") {
		t.Errorf("GET /search with publisher=_missing: the selection does not read \"Not stated\"")
	}
}

func TestSearchPageSort(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	sortRE := regexp.MustCompile(`<a href="/search\?([^"]*)"( aria-current="true")?>(relevans|tittel|sist endret)</a>`)
	for target, want := range map[string]string{
		"/search?q=blodtrykk":            "relevans",
		"/search?q=blodtrykk&sort=title": "tittel",
	} {
		page := ts.getHTML(t, target, http.StatusOK)
		found := 0
		for _, m := range sortRE.FindAllStringSubmatch(page, -1) {
			found++
			q, _ := url.ParseQuery(html.UnescapeString(m[1]))
			if q.Get("q") != "blodtrykk" || q.Get("sort") == "" {
				t.Errorf("GET %s: sort link %q loses the query or names no order", target, m[1])
			}
			if (m[2] != "") != (m[3] == want) {
				t.Errorf("GET %s: %s marked current = %v", target, m[3], m[2] != "")
			}
		}
		if found != 3 {
			t.Errorf("GET %s: %d sort links; want 3", target, found)
		}
	}
}

// TestSearchPageSelectedWithoutMatches checks that a selected facet value
// that no hit has any more still shows its label, not its raw value.
func TestSearchPageSelectedWithoutMatches(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var all struct {
		Facets map[string][]struct {
			Value string       `json:"value"`
			Label catalog.Text `json:"label"`
		} `json:"facets"`
	}
	ts.getJSON(t, "/api/v1/search?q=&type=variable", http.StatusOK, &all)
	var label string
	for _, f := range all.Facets["dataset"] {
		if f.Value == idHUNT4 {
			label = f.Label["nb"]
		}
	}
	if label == "" || label == idHUNT4 {
		t.Fatalf("dataset %s has label %q in the API; want its title", idHUNT4, label)
	}
	target := "/search?q=hodeomkrets&dataset=" + url.QueryEscape(idHUNT4)
	page := ts.getHTML(t, target, http.StatusOK)
	if n := resultCount(t, target, page); n != 0 {
		t.Fatalf("GET %s: %d results; want none", target, n)
	}
	off := link(t, facetLinks(t, target, page, "dataset"), "dataset")
	if !off.Selected {
		t.Errorf("GET %s: the selected dataset is not marked selected", target)
	}
	if !strings.Contains(page, html.EscapeString(label)) {
		t.Errorf("GET %s: the page does not show the selected dataset's label %q", target, label)
	}
}
