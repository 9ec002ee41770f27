package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The help of a search that finds nothing or has a misspelt word: "did you
// mean" in the API and on the page, and on the page the filters to drop.

func TestSearchDidYouMean(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		query string
		want  string // "" for no did_you_mean
	}{
		{"q=blodtrykkk", "blodtrykk"},
		{"q=Kroppsmasseindex", "Kroppsmasseindeks"},
		{"q=blodtrykkk+HODE", "blodtrykk HODE"},
		{"q=blodtrykkk&publisher=NTNU", "blodtrykk"},
		{"q=blodtrykkk&publisher=" + url.QueryEscape(pubFHI), ""}, // blodtrykk is not in FHI's records
		{"q=blodtrykk", ""},
		{"q=SVLEN", ""},
		{"q=zzqqxx", ""},
		{"", ""},
	}
	for _, tt := range tests {
		target := "/api/v1/search?" + tt.query
		rec := ts.get(t, target)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d; want %d", target, rec.Code, http.StatusOK)
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &top); err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		raw, ok := top["did_you_mean"]
		var got string
		if ok {
			if err := json.Unmarshal(raw, &got); err != nil || got == "" {
				t.Errorf("GET %s: did_you_mean = %s; want a non-empty string or none", target, raw)
			}
		}
		if got != tt.want {
			t.Errorf("GET %s: did_you_mean = %q; want %q", target, got, tt.want)
		}
	}
}

// helpLink finds the "did you mean" link of a search page.
var helpLinkRE = regexp.MustCompile(`<a href="([^"]*)">(Mente du|Meinte du|Did you mean) «([^»]*)»\?</a>`)

// dropLinkRE finds the links of a search page that drop a filter, with the
// count after each.
var dropLinkRE = regexp.MustCompile(`<li><a href="([^"]*)">(?:Fjern|Remove) ([^<]*(?:<[^>]*>[^<]*)*?)</a>: (\d+) (?:treff|results)</li>`)

func TestSearchPageDidYouMean(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		target   string
		question string // the words of the question, as the page's language asks it
		fixed    string
		link     url.Values // the query of the corrected search
		none     bool       // the page says it found nothing
	}{
		{"/search?q=blodtrykkk", "Mente du", "blodtrykk", url.Values{"q": {"blodtrykk"}, "type": {"variable"}}, false},
		{"/search?q=blodtrykkk&lang=nn", "Meinte du", "blodtrykk", url.Values{"q": {"blodtrykk"}, "type": {"variable"}}, false},
		{"/search?q=blodtrykkk&lang=en&publisher=NTNU&page=1", "Did you mean", "blodtrykk",
			url.Values{"q": {"blodtrykk"}, "type": {"variable"}, "publisher": {"NTNU"}}, false},
		// measured is in a description only, where typos are not matched.
		{"/search?q=measurde", "Mente du", "measured", url.Values{"q": {"measured"}, "type": {"variable"}}, true},
	}
	for _, tt := range tests {
		page := ts.getHTML(t, tt.target, http.StatusOK)
		m := helpLinkRE.FindStringSubmatch(page)
		if m == nil {
			t.Errorf("GET %s: no \"%s «%s»?\" link", tt.target, tt.question, tt.fixed)
			continue
		}
		if m[2] != tt.question || html.UnescapeString(m[3]) != tt.fixed {
			t.Errorf("GET %s: %q «%s»?; want %q «%s»?", tt.target, m[2], m[3], tt.question, tt.fixed)
		}
		u, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil || u.Path != "/search" || u.Query().Encode() != tt.link.Encode() {
			t.Errorf("GET %s: the link goes to %s; want /search?%s", tt.target, m[1], tt.link.Encode())
		}
		if none := strings.Contains(page, "Ingen treff") || strings.Contains(page, "No results"); none != tt.none {
			t.Errorf("GET %s: says it found nothing: %v; want %v", tt.target, none, tt.none)
		}
	}
	// No dataset has measured: a correction is given only where it finds.
	for _, target := range []string{"/search?q=blodtrykk", "/search?q=SVLEN", "/search?q=zzqqxx", "/search?q=measurde&type=dataset"} {
		if page := ts.getHTML(t, target, http.StatusOK); helpLinkRE.MatchString(page) {
			t.Errorf("GET %s: a \"did you mean\" link; want none", target)
		}
	}
}

func TestSearchPageDropFilters(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	type drop struct {
		label string // the filter, as the link names it
		count int
		query url.Values // of the link
	}
	tests := []struct {
		target string
		drops  []drop
	}{
		// MFR (FHI) has the only gYear variable; NTNU has five variables.
		{"/search?publisher=NTNU&datatype=gYear", []drop{
			{"Registerforvalter: NTNU", 1, url.Values{"datatype": {"gYear"}, "type": {"variable"}}},
			{"Datatype: gYear", 5, url.Values{"publisher": {"NTNU"}, "type": {"variable"}}},
		}},
		// Two values of one facet are one filter; the query stays. alder
		// finds HUNT4:ALDER and, by its synonym age, MFR:SVLEN.
		{"/search?q=alder&publisher=NTNU&publisher=" + url.QueryEscape(pubFHI) + "&datatype=boolean&lang=en", []drop{
			{"Register holder: NTNU, " + pubFHI, 0, url.Values{"q": {"alder"}, "datatype": {"boolean"}, "type": {"variable"}}},
			{"Data type: boolean", 2, url.Values{"q": {"alder"}, "publisher": {"NTNU", pubFHI}, "type": {"variable"}}},
		}},
		{"/search?q=zzqqxx", nil},         // nothing found, no filter
		{"/search?datatype=integer", nil}, // something found
	}
	for _, tt := range tests {
		page := ts.getHTML(t, tt.target, http.StatusOK)
		got := dropLinkRE.FindAllStringSubmatch(page, -1)
		if len(got) != len(tt.drops) {
			t.Errorf("GET %s: %d links that drop a filter; want %d", tt.target, len(got), len(tt.drops))
			continue
		}
		for i, m := range got {
			want := tt.drops[i]
			label := html.UnescapeString(tagRE.ReplaceAllString(m[2], ""))
			count, _ := strconv.Atoi(m[3])
			if label != want.label || count != want.count {
				t.Errorf("GET %s: drop link %d: %q, %d results; want %q, %d", tt.target, i, label, count, want.label, want.count)
			}
			u, err := url.Parse(html.UnescapeString(m[1]))
			if err != nil || u.Path != "/search" || u.Query().Encode() != want.query.Encode() {
				t.Errorf("GET %s: drop link %d goes to %s; want /search?%s", tt.target, i, m[1], want.query.Encode())
				continue
			}
			// The link finds what it says.
			if n := resultCount(t, u.String(), ts.getHTML(t, u.String(), http.StatusOK)); n != want.count {
				t.Errorf("GET %s: %d results; the link said %d", u, n, want.count)
			}
		}
		if tips := strings.Contains(page, `<ul class="tips">`); tips != (resultCount(t, tt.target, page) == 0) {
			t.Errorf("GET %s: tips shown: %v; want them when nothing is found", tt.target, tips)
		}
	}
}

// TestSearchHelpEscaped checks that the query, its correction and the
// filters' values are escaped in the help.
func TestSearchHelpEscaped(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	q := "blodtrykkk " + xssScript
	tests := []struct {
		target string
		want   string // escaped, on the page
		drops  int
	}{
		{"/search?q=" + url.QueryEscape(q), "«blodtrykk " + html.EscapeString(xssScript) + "»?", 0},
		{"/search?q=" + url.QueryEscape(q) + "&datatype=" + url.QueryEscape(xssImg) + "&publisher=NTNU", html.EscapeString(xssImg), 2},
	}
	for _, tt := range tests {
		page := ts.getHTML(t, tt.target, http.StatusOK)
		if strings.Contains(page, xssScript) || strings.Contains(page, xssImg) || strings.Contains(page, "<img") {
			t.Errorf("GET %s: the page has markup of the query or a filter unescaped", tt.target)
		}
		if !strings.Contains(page, tt.want) {
			t.Errorf("GET %s: no %s on the page", tt.target, tt.want)
		}
		if n := len(dropLinkRE.FindAllString(page, -1)); n != tt.drops {
			t.Errorf("GET %s: %d links that drop a filter; want %d", tt.target, n, tt.drops)
		}
	}
}
