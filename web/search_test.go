package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

type searchResponse struct {
	Total  int                     `json:"total"`
	TookMS float64                 `json:"took_ms"`
	Hits   []searchHit             `json:"hits"`
	Facets map[string][]facetCount `json:"facets"`
}

type searchHit struct {
	Type        string            `json:"type"`
	Identifier  string            `json:"identifier"`
	IRI         string            `json:"iri"`
	Name        string            `json:"name"`
	Title       map[string]string `json:"title"`
	Description map[string]string `json:"description"`
	Datatype    string            `json:"datatype"`
	Dataset     struct {
		Identifier string            `json:"identifier"`
		IRI        string            `json:"iri"`
		Title      map[string]string `json:"title"`
	} `json:"dataset"`
	Publisher struct {
		Name string `json:"name"`
		IRI  string `json:"iri"`
	} `json:"publisher"`
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights"`
}

type facetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

func (r *searchResponse) identifiers() []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = h.Identifier
	}
	return out
}

func (r *searchResponse) facet(name, value string) int {
	for _, f := range r.Facets[name] {
		if f.Value == value {
			return f.Count
		}
	}
	return 0
}

func (ts *testServer) search(t *testing.T, query string) *searchResponse {
	t.Helper()
	var res searchResponse
	ts.getJSON(t, "/api/v1/search?"+query, http.StatusOK, &res)
	return &res
}

// TestSearchShape checks the response against CONTRACT.md key by key.
func TestSearchShape(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	target := "/api/v1/search?q=hodeomkrets"
	rec := ts.get(t, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d; want %d", target, rec.Code, http.StatusOK)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &top); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	if got, want := keys(t, rec.Body.Bytes()), []string{"facets", "hits", "took_ms", "total"}; !slices.Equal(got, want) {
		t.Errorf("GET %s: keys %v; want %v", target, got, want)
	}
	var total, took float64
	if err := json.Unmarshal(top["total"], &total); err != nil || total < 1 {
		t.Errorf("GET %s: total = %s; want a number of 1 or more", target, top["total"])
	}
	if err := json.Unmarshal(top["took_ms"], &took); err != nil || took < 0 {
		t.Errorf("GET %s: took_ms = %s; want a non-negative number", target, top["took_ms"])
	}

	var hits []json.RawMessage
	if err := json.Unmarshal(top["hits"], &hits); err != nil || len(hits) == 0 {
		t.Fatalf("GET %s: hits = %s; want a non-empty array", target, top["hits"])
	}
	// The first hit is a variable with every field of the contract.
	contract := []string{"type", "identifier", "iri", "name", "title", "description", "datatype", "dataset", "publisher", "score", "highlights"}
	if m := missing(keys(t, hits[0]), contract); len(m) > 0 {
		t.Errorf("GET %s: first hit %s lacks %v", target, hits[0], m)
	}
	var h map[string]json.RawMessage
	json.Unmarshal(hits[0], &h)
	for field, want := range map[string][]string{
		"dataset":   {"identifier", "iri", "title"},
		"publisher": {"iri", "name"},
	} {
		if got := keys(t, h[field]); !slices.Equal(got, want) {
			t.Errorf("GET %s: hit %s has keys %v; want %v", target, field, got, want)
		}
	}
	var hit searchHit
	if err := json.Unmarshal(hits[0], &hit); err != nil {
		t.Fatalf("GET %s: hit: %v", target, err)
	}
	want := searchHit{Type: "variable", Identifier: "MFR:HODE", IRI: "https://data.fhi.no/mfr/variable/HODE", Name: "HODE", Datatype: "integer"}
	if hit.Type != want.Type || hit.Identifier != want.Identifier || hit.IRI != want.IRI || hit.Name != want.Name || hit.Datatype != want.Datatype {
		t.Errorf("GET %s: first hit = %s %s %s %s %s; want %s %s %s %s %s", target,
			hit.Type, hit.Identifier, hit.IRI, hit.Name, hit.Datatype, want.Type, want.Identifier, want.IRI, want.Name, want.Datatype)
	}
	if hit.Title["nb"] != "Hodeomkrets" || hit.Title["en"] != "Head circumference" {
		t.Errorf("GET %s: title = %v; want nb Hodeomkrets, en Head circumference", target, hit.Title)
	}
	if hit.Description["nb"] == "" {
		t.Errorf("GET %s: description = %v; want nb", target, hit.Description)
	}
	if hit.Dataset.Identifier != "MFR" || hit.Dataset.IRI != "https://data.fhi.no/dataset/mfr" || hit.Dataset.Title["nb"] != "Medisinsk fødselsregister" {
		t.Errorf("GET %s: dataset = %+v; want MFR", target, hit.Dataset)
	}
	if hit.Publisher.Name != pubFHI || !strings.HasSuffix(hit.Publisher.IRI, "/983744516") {
		t.Errorf("GET %s: publisher = %+v; want %s", target, hit.Publisher, pubFHI)
	}
	if hit.Score <= 0 {
		t.Errorf("GET %s: score = %v; want > 0", target, hit.Score)
	}
	if frags := hit.Highlights["title.nb"]; len(frags) == 0 || !strings.Contains(strings.ToLower(frags[0]), "<mark>hodeomkrets</mark>") {
		t.Errorf("GET %s: highlights = %v; want title.nb with <mark>hodeomkrets</mark>", target, hit.Highlights)
	}

	var facets map[string][]map[string]json.RawMessage
	if err := json.Unmarshal(top["facets"], &facets); err != nil {
		t.Fatalf("GET %s: facets: %v", target, err)
	}
	names := make([]string, 0, len(facets))
	for name := range facets {
		names = append(names, name)
	}
	sort.Strings(names)
	if want := []string{"access_rights", "dataset", "datatype", "decade", "has_code_list", "language", "publisher", "theme"}; !slices.Equal(names, want) {
		t.Errorf("GET %s: facets %v; want %v", target, names, want)
	}
	for name, values := range facets {
		for _, v := range values {
			var s string
			var n int
			if json.Unmarshal(v["value"], &s) != nil || json.Unmarshal(v["count"], &n) != nil || s == "" || n < 1 {
				t.Errorf("GET %s: facet %s value %v; want a string value and a positive count", target, name, v)
			}
		}
	}
}

func TestSearchListsEverything(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		query     string
		total     int
		publisher map[string]int
	}{
		{"q=", numVariables + numDatasets, map[string]int{pubFHI: 7, pubNTNU: 7}},
		{"", numVariables + numDatasets, map[string]int{pubFHI: 7, pubNTNU: 7}},
		{"q=&type=variable", numVariables, map[string]int{pubFHI: 6, pubNTNU: 5}},
		{"q=&type=dataset", numDatasets, map[string]int{pubFHI: 1, pubNTNU: 2}},
		{"q=%20%20&type=variable", numVariables, map[string]int{pubFHI: 6, pubNTNU: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res := ts.search(t, tt.query)
			if res.Total != tt.total {
				t.Errorf("GET /api/v1/search?%s: total = %d; want %d", tt.query, res.Total, tt.total)
			}
			sum := 0
			for _, f := range res.Facets["publisher"] {
				sum += f.Count
				if want := tt.publisher[f.Value]; f.Count != want {
					t.Errorf("GET /api/v1/search?%s: publisher %q = %d; want %d", tt.query, f.Value, f.Count, want)
				}
			}
			if sum != res.Total {
				t.Errorf("GET /api/v1/search?%s: publisher counts sum to %d; want total %d", tt.query, sum, res.Total)
			}
			if len(res.Hits) != min(res.Total, 20) {
				t.Errorf("GET /api/v1/search?%s: %d hits; want %d (default size 20)", tt.query, len(res.Hits), min(res.Total, 20))
			}
		})
	}

	// The withdrawn variable is not listed.
	res := ts.search(t, "q=&type=variable&size=100")
	if slices.Contains(res.identifiers(), "HUNT4:GAMMEL") {
		t.Errorf("GET /api/v1/search?q=&type=variable lists the withdrawn HUNT4:GAMMEL")
	}
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		query string
		want  []string // identifiers, in any order
	}{
		{"type=variable&publisher=" + url.QueryEscape(pubFHI),
			[]string{"MFR:HODE", "MFR:SVLEN", "MFR:KJONN", "MFR:VEKT", "MFR:APGAR5", "MFR:FAAR"}},
		{"type=dataset&publisher=" + url.QueryEscape(pubFHI) + "&publisher=" + pubNTNU,
			[]string{"MFR", idHUNT4, "HUNT-XSS"}},
		{"publisher=" + pubNTNU + "&type=dataset", []string{idHUNT4, "HUNT-XSS"}},
		{"dataset=" + url.QueryEscape(idHUNT4) + "&type=variable",
			[]string{idSlash, "HUNT4:BLODTRYKK", idPercent, "HUNT4:ALDER"}},
		{"dataset=MFR&datatype=integer", []string{"MFR:HODE", "MFR:SVLEN", "MFR:VEKT", "MFR:APGAR5"}},
		{"datatype=string&datatype=boolean", []string{"MFR:KJONN", idPercent, idXSSVar}},
		{"access_rights=RESTRICTED&type=dataset", []string{idHUNT4}},
		{"theme=SOCI&type=variable", []string{idSlash, "HUNT4:BLODTRYKK", idPercent, "HUNT4:ALDER"}},
		{"theme=HEAL&access_rights=PUBLIC", nil},
		{"publisher=Nobody", nil},
		{"q=blodtrykk&publisher=" + pubNTNU, []string{"HUNT4:BLODTRYKK"}},
		{"q=blodtrykk&publisher=" + url.QueryEscape(pubFHI), nil},
		{"publisher=&type=dataset", []string{"MFR", idHUNT4, "HUNT-XSS"}}, // an empty value selects nothing
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res := ts.search(t, tt.query+"&size=100")
			got := res.identifiers()
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) || res.Total != len(want) {
				t.Errorf("GET /api/v1/search?%s = %d %v; want %d %v", tt.query, res.Total, got, len(want), want)
			}
		})
	}

	// Facets count the matches of the filtered search.
	res := ts.search(t, "type=variable&publisher="+pubNTNU)
	if n := res.facet("dataset", idHUNT4); n != 4 {
		t.Errorf("GET /api/v1/search?type=variable&publisher=NTNU: dataset facet %q = %d; want 4", idHUNT4, n)
	}
	if n := res.facet("dataset", "MFR"); n != 0 {
		t.Errorf("GET /api/v1/search?type=variable&publisher=NTNU: dataset facet MFR = %d; want 0", n)
	}
}

func TestSearchPaging(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	all := ts.search(t, "size=100")
	if len(all.Hits) != numVariables+numDatasets {
		t.Fatalf("GET /api/v1/search?size=100: %d hits; want %d", len(all.Hits), numVariables+numDatasets)
	}
	var paged []string
	for page, want := range []int{5, 5, 4, 0} {
		q := "size=5&page=" + strconv.Itoa(page+1)
		res := ts.search(t, q)
		if len(res.Hits) != want || res.Total != numVariables+numDatasets {
			t.Errorf("GET /api/v1/search?%s: %d hits of %d; want %d of %d", q, len(res.Hits), res.Total, want, numVariables+numDatasets)
		}
		if res.Hits == nil {
			t.Errorf("GET /api/v1/search?%s: hits is null; want []", q)
		}
		paged = append(paged, res.identifiers()...)
	}
	if !slices.Equal(paged, all.identifiers()) {
		t.Errorf("pages of 5 = %v; want %v", paged, all.identifiers())
	}

	res := ts.search(t, "size=1&type=variable")
	if len(res.Hits) != 1 || res.Total != numVariables {
		t.Errorf("GET /api/v1/search?size=1&type=variable: %d hits of %d; want 1 of %d", len(res.Hits), res.Total, numVariables)
	}
}

func TestSearchSort(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	res := ts.search(t, "type=variable&sort=title&size=100")
	var titles []string
	for _, h := range res.Hits {
		titles = append(titles, strings.ToLower(h.Title["nb"]))
	}
	if len(titles) != numVariables || !slices.IsSorted(titles) {
		t.Errorf("GET /api/v1/search?type=variable&sort=title: titles %q; want %d in order", titles, numVariables)
	}
	res = ts.search(t, "type=dataset&sort=modified")
	if got, want := res.identifiers(), []string{"MFR", idHUNT4, "HUNT-XSS"}; !slices.Equal(got, want) {
		t.Errorf("GET /api/v1/search?type=dataset&sort=modified = %v; want %v (newest first)", got, want)
	}
	for _, q := range []string{"q=hode&sort=relevance", "q=HODE"} {
		if res := ts.search(t, q); len(res.Hits) == 0 || res.Hits[0].Identifier != "MFR:HODE" {
			t.Errorf("GET /api/v1/search?%s: first hit %v; want MFR:HODE", q, res.identifiers())
		}
	}
}

func TestSearchBadRequests(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, query := range []string{
		"size=100000",
		"size=101",
		"size=0",
		"size=-1",
		"size=abc",
		"size=1.5",
		"page=0",
		"page=-3",
		"page=abc",
		"q=hjerte&page=4611686018427387904&size=4",
		"page=4611686018427387904&size=4",
		"page=1000&size=100", // past the first 10,000 hits
		"type=x",
		"type=Variable",
		"sort=popularity",
		"q=" + strings.Repeat("a", 10000),
		"q=" + url.QueryEscape(strings.Repeat("hode ", 2000)),
		"q=" + url.QueryEscape(`"unclosed`),
		"q=" + url.QueryEscape("name:"),
		"q=" + url.QueryEscape("(("),
		"q=" + url.QueryEscape("a*"),
		"after=not-a-cursor",
		"q=blod&size=100000",
	} {
		name := query
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			ts.wantAPIError(t, "/api/v1/search?"+query, http.StatusBadRequest, "invalid")
		})
	}
	// The message says where.
	rec := ts.get(t, "/api/v1/search?q="+url.QueryEscape(`blod "unclosed`))
	if body := rec.Body.String(); !strings.Contains(body, "the quote is not closed (column 6)") {
		t.Errorf("GET search with an open quote: %s; want the column", body)
	}
	// The explorer reads such a query as plain words and says so.
	page := ts.getHTML(t, "/search?q="+url.QueryEscape(`hode "unclosed`), http.StatusOK)
	if !strings.Contains(page, "column 6") {
		t.Errorf("GET /search with an open quote: the page does not show the parser's message")
	}
}

// TestSearchHighlightsEscaped checks that highlights are HTML in which
// nothing from a feed is markup but <mark>.
func TestSearchHighlightsEscaped(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, q := range []string{"skadevariabel", "alert", "img", "harmful"} {
		res := ts.search(t, "q="+q)
		n := 0
		for _, h := range res.Hits {
			for field, frags := range h.Highlights {
				for _, f := range frags {
					n++
					bare := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(f)
					if strings.ContainsAny(bare, "<>") {
						t.Errorf("GET /api/v1/search?q=%s: highlight %s of %s = %q; want feed text escaped", q, field, h.Identifier, f)
					}
				}
			}
		}
		if n == 0 {
			t.Errorf("GET /api/v1/search?q=%s: no highlights; want some", q)
		}
	}
	// The title itself is data: JSON carries it as it is.
	res := ts.search(t, "q=skadevariabel&type=variable")
	if len(res.Hits) == 0 || res.Hits[0].Title["nb"] != "Skadevariabel "+xssScript {
		t.Errorf("GET /api/v1/search?q=skadevariabel: hits %v; want %s with its title", res.identifiers(), idXSSVar)
	}
}
