package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	ten := ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 50, 7 * time.Millisecond},
		{ms(7), 99, 7 * time.Millisecond},
		{ten, 50, 5 * time.Millisecond},
		{ten, 90, 9 * time.Millisecond},
		{ten, 99, 10 * time.Millisecond},
		{ten, 100, 10 * time.Millisecond},
		{ten, 0.0001, 1 * time.Millisecond},
		{hundred, 50, 50 * time.Millisecond},
		{hundred, 90, 90 * time.Millisecond},
		{hundred, 99, 99 * time.Millisecond},
		{ms(1, 2, 3), 50, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("percentile(%v, %g) = %v, want %v", tt.sorted, tt.p, got, tt.want)
		}
	}
}

func TestLoopbackAddr(t *testing.T) {
	ok := map[string]string{
		"127.0.0.1:8080": "127.0.0.1:8080",
		"localhost:80":   "localhost:80",
		"LocalHost:80":   "LocalHost:80",
		"[::1]:8080":     "[::1]:8080",
	}
	for in, want := range ok {
		if got, err := loopbackAddr(in); err != nil || got != want {
			t.Errorf("loopbackAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"example.com:80", "10.0.0.1:8080", "0.0.0.0:8080", "127.0.0.2:8080", "[::]:8080",
		":8080", "127.0.0.1", "http://127.0.0.1:8080", "127.0.0.1:0", "127.0.0.1:http",
		"localhost.example.com:80",
	} {
		if got, err := loopbackAddr(in); err == nil {
			t.Errorf("loopbackAddr(%q) = %q, want an error", in, got)
		}
	}
}

func TestRunRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"example.com:8080", "192.168.1.10:8080"} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"-addr", addr, "-d", "100ms", "-warmup", "0"}, &stdout, &stderr)
		if code != exitUsage {
			t.Errorf("-addr %s: exit %d, want %d", addr, code, exitUsage)
		}
		if !strings.Contains(stderr.String(), "refusing") || !strings.Contains(stderr.String(), addr) {
			t.Errorf("-addr %s: stderr %q does not say why", addr, stderr.String())
		}
		if stdout.Len() > 0 {
			t.Errorf("-addr %s: stdout %q, want nothing", addr, stdout.String())
		}
	}
}

func TestRefuseNonLoopbackDial(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:80": true, "[::1]:80": true, "127.9.9.9:80": true, "10.1.2.3:80": false, "[2001:db8::1]:80": false} {
		if err := refuseNonLoopback("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("refuseNonLoopback(%s) = %v", addr, err)
		}
	}
}

func TestCheckConfig(t *testing.T) {
	for _, args := range [][]string{
		{"-c", "0"}, {"-d", "0s"}, {"-warmup", "-1s"}, {"-mix", "everything"}, {"-timeout", "0s"}, {"extra"},
	} {
		var stderr bytes.Buffer
		if code := run(context.Background(), args, &bytes.Buffer{}, &stderr); code != exitUsage {
			t.Errorf("%q: exit %d, want %d (stderr %q)", args, code, exitUsage, stderr.String())
		}
	}
}

// loopbackServer starts h on 127.0.0.1 and returns the -addr to load it
// with and the number of connections opened so far.
func loopbackServer(t *testing.T, h http.HandlerFunc) (string, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	return strings.TrimPrefix(ts.URL, "http://"), &conns
}

// load runs the command with -json and returns its exit status and report.
func load(t *testing.T, addr string, args ...string) (int, report) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append([]string{"-addr", addr, "-json", "-warmup", "0"}, args...)
	code := run(context.Background(), args, &stdout, &stderr)
	var rep report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("%q: exit %d, stdout %q, stderr %q: %v", args, code, stdout.String(), stderr.String(), err)
	}
	return code, rep
}

func classOf(rep report, class string) summary {
	for _, s := range rep.Classes {
		if s.Class == class {
			return s
		}
	}
	return summary{}
}

func TestRunCountsRequests(t *testing.T) {
	var served atomic.Int64
	var badPath atomic.Value
	addr, conns := loopbackServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/search" || !r.URL.Query().Has("q") {
			badPath.Store(r.URL.String())
		}
		served.Add(1)
		fmt.Fprint(w, `{"total":0,"hits":[],"facets":{}}`)
	})
	code, rep := load(t, addr, "-d", "300ms", "-c", "4", "-mix", "search")
	if code != exitOK {
		t.Errorf("exit %d, want 0; report %+v", code, rep)
	}
	if p, ok := badPath.Load().(string); ok {
		t.Errorf("unexpected request %s", p)
	}
	tot := rep.Total
	if tot.Requests < 10 || tot.Errors != 0 || tot.RPS <= 0 || tot.Bytes == 0 || tot.BytesPerSec <= 0 {
		t.Errorf("total = %+v, want requests, no errors, rates", tot)
	}
	if tot.P50MS > tot.P90MS || tot.P90MS > tot.P99MS || tot.P99MS > tot.MaxMS {
		t.Errorf("percentiles out of order: %+v", tot)
	}
	if s := classOf(rep, classSearch); s.Requests != tot.Requests || len(rep.Classes) != 1 {
		t.Errorf("classes = %+v, want search only", rep.Classes)
	}
	// The probe, plus requests the workers started before the end.
	if n := served.Load(); n < int64(tot.Requests)+1 {
		t.Errorf("server saw %d requests, report says %d", n, tot.Requests)
	}
	if n := conns.Load(); n > 4 {
		t.Errorf("%d connections opened for 4 workers; keep-alive is not working", n)
	}
	if rep.ElapsedS < 0.3 || rep.ElapsedS > 2 || rep.Workers != 4 || rep.Mix != "search" {
		t.Errorf("report header = %+v", rep)
	}
}

func TestRunCountsSearchErrors(t *testing.T) {
	var n atomic.Int64
	addr, _ := loopbackServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		http.NotFound(w, r)
	})
	code, rep := load(t, addr, "-d", "300ms", "-c", "4")
	if code != exitErrors {
		t.Errorf("exit %d, want %d", code, exitErrors)
	}
	tot := rep.Total
	if tot.Requests == 0 || tot.Errors != tot.Requests {
		t.Errorf("total = %+v, want every request an error", tot)
	}
	if rep.ErrorReasons["HTTP 500"] == 0 || rep.ErrorReasons["HTTP 404"] == 0 ||
		rep.ErrorReasons["HTTP 500"]+rep.ErrorReasons["HTTP 404"] != tot.Errors {
		t.Errorf("error reasons = %v, want 500s and 404s adding up to %d", rep.ErrorReasons, tot.Errors)
	}
}

func TestRunFullMix(t *testing.T) {
	const id = "MFR:HODE/2 x" // needs path escaping
	var badPath atomic.Value
	addr, _ := loopbackServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.EscapedPath(); {
		case p == "/api/v1/search" && r.URL.Query().Get("size") == "100":
			fmt.Fprintf(w, `{"hits":[{"identifier":%q},{"identifier":"MFR:SVLEN"}]}`, id)
		case (p == "/catalog.ttl" || p == "/catalog.jsonld") && r.URL.Query().Get("size") == "20" && r.URL.Query().Get("page") != "":
			fmt.Fprint(w, "ok")
		case p == "/api/v1/search", p == "/search", p == "/api/v1/suggest",
			p == "/api/v1/variables/MFR:HODE%2F2%20x", p == "/variables/MFR:SVLEN",
			p == "/variables/MFR:HODE%2F2%20x", p == "/api/v1/variables/MFR:SVLEN":
			fmt.Fprint(w, "ok")
		default:
			badPath.Store(r.URL.String())
			http.NotFound(w, r)
		}
	})
	code, rep := load(t, addr, "-d", "300ms", "-c", "4", "-mix", "full")
	if p, ok := badPath.Load().(string); ok {
		t.Errorf("unexpected request %s", p)
	}
	if code != exitOK || rep.Total.Errors != 0 {
		t.Errorf("exit %d, total %+v; want 0 and no errors", code, rep.Total)
	}
	var classes []string
	for _, s := range rep.Classes {
		classes = append(classes, s.Class)
		if s.Requests == 0 {
			t.Errorf("class %s had no requests", s.Class)
		}
	}
	want := []string{classSearch, classSuggest, classVariableAPI, classVariablePage, classSearchPage, classCatalog}
	if !slices.Equal(classes, want) {
		t.Errorf("classes %v, want %v", classes, want)
	}
}

func TestRunFullMixWithoutVariables(t *testing.T) {
	addr, _ := loopbackServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"hits":[]}`)
	})
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"-addr", addr, "-mix", "full", "-d", "100ms"}, &bytes.Buffer{}, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "no variables") {
		t.Errorf("exit %d, stderr %q; want 2 and why", code, stderr.String())
	}
}

func TestRunUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"-addr", addr, "-d", "100ms", "-warmup", "0"}, &bytes.Buffer{}, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "cannot reach") {
		t.Errorf("exit %d, stderr %q; want 2 and why", code, stderr.String())
	}
}

func TestSequence(t *testing.T) {
	m, err := buildMix("full", []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	draw := func(worker, n int) []request {
		s := newSequence(m, worker)
		out := make([]request, n)
		for i := range out {
			out[i] = s.nextRequest()
		}
		return out
	}
	a, b, c := draw(1, 2000), draw(1, 2000), draw(2, 2000)
	if !slices.Equal(a, b) {
		t.Error("the same worker's sequences differ")
	}
	if slices.Equal(a, c) {
		t.Error("two workers' sequences are the same")
	}
	counts := map[string]int{}
	for _, r := range a {
		counts[r.class]++
	}
	want := map[string]int{classSearch: 1000, classSuggest: 400, classSearchPage: 200, classCatalog: 100}
	for class, n := range want {
		if counts[class] != n {
			t.Errorf("%s: %d of 2000, want %d", class, counts[class], n)
		}
	}
	if v := counts[classVariableAPI] + counts[classVariablePage]; v != 300 || counts[classVariableAPI] < 100 || counts[classVariablePage] < 100 {
		t.Errorf("variables: %d API and %d pages, want 300 in all, both well represented", counts[classVariableAPI], counts[classVariablePage])
	}
	// Every search comes up once per pass through the pool.
	s := newSequence(mix{name: "search", pools: []pool{{1, searchRequests(classSearch, "/api/v1/search")}}}, 0)
	seen := map[string]bool{}
	for range len(searchQueries()) {
		seen[s.nextRequest().path] = true
	}
	if len(seen) != len(searchQueries()) {
		t.Errorf("one pass gave %d distinct searches of %d", len(seen), len(searchQueries()))
	}
}

func TestSearchQueries(t *testing.T) {
	qs := searchQueries()
	if len(qs) < 35 || len(qs) > 45 {
		t.Errorf("%d queries, want about 40", len(qs))
	}
	filtered, paged := 0, 0
	for _, q := range qs {
		if q.params != "" && !strings.HasPrefix(q.params, "&") {
			t.Errorf("%q: params %q must start with &", q.q, q.params)
		}
		for _, f := range []string{"&datatype=", "&type=", "&access_rights=", "&has_code_list="} {
			if strings.Contains(q.params, f) {
				filtered++
				break
			}
		}
		if strings.Contains(q.params, "&page=") || strings.Contains(q.params, "&sort=") {
			paged++
		}
	}
	if filtered*4 < len(qs) || filtered*2 > len(qs) || paged < 3 {
		t.Errorf("%d of %d queries filtered, %d paged or sorted; want about a third filtered", filtered, len(qs), paged)
	}
	if got := searchRequests(classSearch, "/api/v1/search")[2].path; got != "/api/v1/search?q=blood+pressure" {
		t.Errorf("escaped search = %q", got)
	}
}

func TestSuggestRequests(t *testing.T) {
	if got, want := prefixes("kjønn", 6), []string{"k", "kj", "kjø", "kjøn", "kjønn"}; !slices.Equal(got, want) {
		t.Errorf("prefixes(kjønn) = %q, want %q", got, want)
	}
	if got := prefixes("hodeomkrets", 6); len(got) != 6 || got[5] != "hodeom" {
		t.Errorf("prefixes(hodeomkrets) = %q", got)
	}
	reqs := suggestRequests()
	seen := map[string]bool{}
	for _, r := range reqs {
		q, ok := strings.CutPrefix(r.path, "/api/v1/suggest?q=")
		if !ok || r.class != classSuggest || seen[q] {
			t.Errorf("bad or repeated suggestion %+v", r)
		}
		seen[q] = true
		if n := utf8.RuneCountInString(strings.ReplaceAll(q, "%C3%", "")); n < 1 || n > 9 {
			t.Errorf("suggestion %q is not a short prefix", q)
		}
	}
	if !seen["kj%C3%B8"] || !seen["svlen"] || !seen["h"] {
		t.Errorf("missing expected prefixes among %d", len(reqs))
	}
}

func TestWriteText(t *testing.T) {
	m, _ := buildMix("full", []string{"x"})
	st := tally{}
	st.add(request{class: classSearch}, outcome{latency: 3 * time.Millisecond, status: 200, bytes: 2048})
	st.add(request{class: classSearch}, outcome{latency: 9 * time.Millisecond, status: 503})
	st.add(request{class: classCatalog}, outcome{latency: time.Millisecond, status: 404})
	rep := buildReport(config{addr: "127.0.0.1:1", workers: 2, duration: time.Second}, m, result{stats: st, elapsed: time.Second})
	var buf bytes.Buffer
	if err := writeText(&buf, rep); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"p99", "search", "total", "2.0 KiB/s", "HTTP 404 ×1, HTTP 503 ×1"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if rep.Total.Requests != 3 || rep.Total.Errors != 2 || rep.Total.MaxMS != 9 {
		t.Errorf("total = %+v", rep.Total)
	}
}

func TestRunReportsHarvestRuns(t *testing.T) {
	var runs atomic.Value
	runs.Store(`[]`)
	addr, _ := loopbackServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/sources/churn/runs" {
			fmt.Fprint(w, runs.Load().(string))
			return
		}
		fmt.Fprint(w, `{"total":0,"hits":[],"facets":{}}`)
	})
	code, rep := load(t, addr, "-d", "200ms", "-c", "2", "-harvesting", "churn")
	if code != exitErrors || len(rep.HarvestRuns) != 0 {
		t.Errorf("no runs: exit %d, runs %v; want %d and none", code, rep.HarvestRuns, exitErrors)
	}
	now := time.Now().UTC()
	runs.Store(fmt.Sprintf(`[{"started":%q,"status":"ok"},{"started":%q,"status":"ok"},{"started":%q,"status":"failed"},{"started":"2020-01-01T00:00:00Z","status":"ok"}]`,
		now.Add(time.Hour).Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339)))
	code, rep = load(t, addr, "-d", "200ms", "-c", "2", "-harvesting", "churn")
	if code != exitOK || rep.HarvestRuns["ok"] != 2 || rep.HarvestRuns["failed"] != 1 || len(rep.HarvestRuns) != 2 {
		t.Errorf("exit %d, runs %v; want 0, ok ×2 and failed ×1 (the run from 2020 is older than the load)", code, rep.HarvestRuns)
	}
}
