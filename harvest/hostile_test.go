package harvest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/katalog/katalog/catalog"
)

// Hostile feeds: what a publisher, or anyone between it and Katalog, could
// send to break a harvest. Each test harvests the good catalogue
// (testdata/formats/catalog.ttl) into a source first and then serves the
// hostile feed at the same address. A run must end (a watchdog fails the
// test after hostileDeadline), and either fail with an error that says what
// and where while the good copy stays in the store and in search, or, for a
// feed that is valid however odd, give the right records.

// hostileDeadline is how long a hostile run may take before the test calls
// it hung. The runs take well under a second; the margin is for the race
// detector on a busy machine.
const hostileDeadline = 2 * time.Minute

// switchServer answers with a good catalogue until a test gives it a
// hostile handler, and counts requests by path and query.
type switchServer struct {
	*httptest.Server
	mu       sync.Mutex // guards the fields below
	hostile  http.HandlerFunc
	requests map[string]int
}

func newSwitchServer(t *testing.T, good []byte, goodType string) *switchServer {
	s := &switchServer{requests: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[r.URL.RequestURI()]++
		hostile := s.hostile
		s.mu.Unlock()
		if hostile != nil {
			hostile(w, r)
			return
		}
		w.Header().Set("Content-Type", goodType)
		w.Write(good)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *switchServer) serve(h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hostile = h
}

// serveBody makes the server answer every request with body.
func (s *switchServer) serveBody(contentType string, body []byte) {
	s.serve(func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.Write(body)
	})
}

// requestsTo returns how many requests asked for uri (path and query).
func (s *switchServer) requestsTo(uri string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[uri]
}

// hostile is a source "reg" at /feed on a switchServer, harvested once from
// a good catalogue.
type hostile struct {
	*env
	srv     *switchServer
	good    *catalog.HarvestRun
	records string // storedRecords after the good run
}

func newHostile(t *testing.T, good []byte, goodType string, limits catalog.SourceLimits) *hostile {
	t.Helper()
	h := &hostile{env: newEnv(t), srv: newSwitchServer(t, good, goodType)}
	if limits.Timeout == 0 {
		limits.Timeout = 30 * time.Second
	}
	h.addSource(t, catalog.Source{Name: "reg", URL: h.srv.URL + "/feed", Limits: limits})
	h.good = h.run(t)
	if h.good.Status != catalog.RunOK || h.good.Stats.Datasets != 2 || h.good.Stats.Variables != 4 {
		t.Fatalf("good run = %s %q %+v; want ok with 2 datasets and 4 variables", h.good.Status, h.good.Error, h.good.Stats)
	}
	h.records = storedRecords(t, h.store, "reg")
	return h
}

// run harvests the source, and fails the test if the run has not ended
// within hostileDeadline.
func (h *hostile) run(t *testing.T) *catalog.HarvestRun {
	t.Helper()
	h.now = h.now.Add(time.Minute)
	type result struct {
		run *catalog.HarvestRun
		err error
	}
	done := make(chan result, 1)
	go func() {
		run, err := h.h.Run(context.Background(), "reg")
		done <- result{run, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Run(reg): %v", r.err)
		}
		return r.run
	case <-time.After(hostileDeadline):
		t.Fatalf("the harvest did not end within %v", hostileDeadline)
	}
	return nil
}

// checkFailed checks that a run failed with an error holding every want.
func checkFailed(t *testing.T, run *catalog.HarvestRun, wants ...string) {
	t.Helper()
	if run.Status != catalog.RunFailed {
		t.Fatalf("run = %s %q %+v; want failed", run.Status, run.Error, run.Stats)
	}
	for _, want := range wants {
		if !strings.Contains(run.Error, want) {
			t.Errorf("run error = %q; want it to say %q", run.Error, want)
		}
	}
}

// checkKept checks that the good copy is still the source's: its records
// in the store, its variables in search, and its last good run.
func (h *hostile) checkKept(t *testing.T) {
	t.Helper()
	if got := storedRecords(t, h.store, "reg"); got != h.records {
		t.Errorf("the store holds\n%s\nwant the good copy\n%s", got, h.records)
	}
	if got := h.search(t, "").Total; got != 4 {
		t.Errorf("search finds %d variables; want the good copy's 4", got)
	}
	if res := h.search(t, "hodeomkrets"); res.Total != 1 || res.Hits[0].Identifier != "TEST:HODE" {
		t.Errorf("search hodeomkrets = %d hits %+v; want TEST:HODE", res.Total, res.Hits)
	}
	src, err := h.store.FindSource(context.Background(), "reg")
	if err != nil {
		t.Fatal(err)
	}
	if src.State.LastGoodRun != h.good.ID {
		t.Errorf("the source's last good run = %s; want %s", src.State.LastGoodRun, h.good.ID)
	}
}

// checkSameRecords checks that a valid run changed nothing: the feed said
// what the good copy said.
func (h *hostile) checkSameRecords(t *testing.T, run *catalog.HarvestRun) {
	t.Helper()
	s := run.Stats
	if run.Status != catalog.RunOK || run.Error != "" || s.Datasets != 2 || s.Variables != 4 || s.Unchanged != 2 || s.VariablesUnchanged != 4 ||
		s.Added+s.Updated+s.Removed+s.VariablesAdded+s.VariablesUpdated+s.VariablesRemoved != 0 {
		t.Errorf("run = %s %q %+v; want ok with the 2 datasets and 4 variables unchanged", run.Status, run.Error, run.Stats)
	}
	if got := storedRecords(t, h.store, "reg"); got != h.records {
		t.Errorf("the store holds\n%s\nwant\n%s", got, h.records)
	}
	if res := h.search(t, "hodeomkrets"); res.Total != 1 || res.Hits[0].Identifier != "TEST:HODE" {
		t.Errorf("search hodeomkrets = %d hits %+v; want TEST:HODE", res.Total, res.Hits)
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// hostileFile reads a file of testdata/hostile with {{SERVER}} replaced.
func hostileFile(t *testing.T, name, server string) []byte {
	t.Helper()
	return bytes.ReplaceAll(readTestdata(t, filepath.Join("hostile", name)), []byte("{{SERVER}}"), []byte(server))
}

// posAt returns "line L, column C" of byte offset off of body: lines
// counted by LF, columns in runes (an invalid byte counts as one), both
// from 1, as the readers count them.
func posAt(body []byte, off int) string {
	line := 1 + bytes.Count(body[:off], []byte("\n"))
	start := bytes.LastIndexByte(body[:off], '\n') + 1
	return fmt.Sprintf("line %d, column %d", line, utf8.RuneCount(body[start:off])+1)
}

// first returns a function that finds s in a body, and nth one that finds
// the n-th occurrence (from 1) of a byte.
func first(s string) func([]byte) int {
	return func(b []byte) int { return bytes.Index(b, []byte(s)) }
}

func nth(c byte, n int) func([]byte) int {
	return func(b []byte) int {
		for i := range b {
			if b[i] == c {
				if n--; n == 0 {
					return i
				}
			}
		}
		return -1
	}
}

// Feeds that are not what they claim, or that ask for more than a reader
// gives: each run fails saying what and where, and the good copy stays. (The
// line readers' limits on long tokens are the same code for Turtle and
// N-Triples, so only Turtle gets a 17 MB literal.)
func TestHostileFeedsFail(t *testing.T) {
	const fodsel = "https://register.example.no/dataset/fodsel"
	const deep = 100_000
	huge := strings.Repeat("a", 17<<20) // over rdf.DefaultMaxLiteralBytes (16 MB)
	jsonld := string(readTestdata(t, "formats/catalog.jsonld"))
	const rdfXMLHead = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/" xmlns:ex="http://ex.org/">` + "\n"
	cases := []struct {
		name        string
		file        string // in testdata/hostile, or
		body        string // made here
		contentType string
		format      string
		at          func([]byte) int // where the error is, or nil for "line 1"
		msg         string
	}{
		{name: "billion laughs", file: "billion-laughs.rdf", contentType: "application/rdf+xml", format: "rdfxml",
			at: first("<!DOCTYPE"), msg: "DOCTYPE declares entities; entity declarations are not supported and entities are never expanded"},
		{name: "external entity", file: "external-entity.rdf", contentType: "application/rdf+xml", format: "rdfxml",
			at: first("<!DOCTYPE"), msg: "DOCTYPE declares entities"},
		{name: "invalid UTF-8 in Turtle", file: "invalid-utf8.ttl", contentType: "text/turtle", format: "turtle",
			at: first("\xf8"), msg: "invalid UTF-8 byte 0xF8"},
		{name: "invalid UTF-8 in N-Triples", body: "<" + fodsel + "> <http://purl.org/dc/terms/title> \"F\xf8dsler\"@nb .\n", contentType: "application/n-triples", format: "ntriples",
			at: first("\xf8"), msg: "invalid UTF-8 byte 0xF8"},
		{name: "invalid UTF-8 in JSON-LD", body: strings.Replace(jsonld, "Fødsler", "F\xf8dsler", 1), contentType: "application/ld+json", format: "jsonld",
			at: first("\xf8"), msg: "invalid UTF-8 byte 0xF8"},
		{name: "invalid UTF-8 in RDF/XML", body: rdfXMLHead + `<rdf:Description rdf:about="` + fodsel + `"><dct:title>F` + "\xf8" + `dsler</dct:title></rdf:Description></rdf:RDF>`,
			contentType: "application/rdf+xml", format: "rdfxml", at: first("\xf8"), msg: "invalid UTF-8"},
		{name: "IRI with spaces in Turtle", file: "iri-spaces.ttl", contentType: "text/turtle", format: "turtle",
			at: first(" og mer"), msg: "character ' ' is not allowed in an IRI"},
		{name: "IRI with spaces in N-Triples", file: "iri-spaces.nt", contentType: "application/n-triples", format: "ntriples",
			at: first(" og mer"), msg: "character ' ' is not allowed in an IRI"},
		{name: "IRI with spaces in RDF/XML", file: "iri-spaces.rdf", contentType: "application/rdf+xml", format: "rdfxml",
			at: first(`<dcat:Dataset rdf:about="https://register.example.no/dataset/vaksine`), msg: `rdf:about "https://register.example.no/dataset/vaksine og mer" contains ' ', which is not allowed in an IRI`},
		{name: "IRI with spaces in JSON-LD", file: "iri-spaces.jsonld", contentType: "application/ld+json", format: "jsonld",
			at: first(`"https://register.example.no/dataset/vaksine og mer"`), msg: `@id "https://register.example.no/dataset/vaksine og mer" contains ' ', which is not allowed in an IRI`},
		{name: "JSON-LD objects nested 100,000 deep", contentType: "application/ld+json", format: "jsonld",
			body: `{"@id": "` + fodsel + `", "@type": "http://www.w3.org/ns/dcat#Dataset", "http://ex.org/p": ` + strings.Repeat(`{"http://ex.org/p": `, deep) + `"x"` + strings.Repeat("}", deep) + "}",
			at:   nth('{', 257), msg: "arrays and objects nested deeper than 256 levels"},
		{name: "JSON-LD arrays nested 100,000 deep", contentType: "application/ld+json", format: "jsonld",
			body: strings.Repeat("[", deep) + strings.Repeat("]", deep),
			at:   nth('[', 257), msg: "arrays and objects nested deeper than 256 levels"},
		{name: "Turtle nested 100,000 deep", contentType: "text/turtle", format: "turtle",
			body: "<" + fodsel + "> <http://ex.org/p> " + strings.Repeat("[ <http://ex.org/p> ", deep) + `"x"` + strings.Repeat(" ]", deep) + " .",
			at:   nth('[', 257), msg: "nesting deeper than 256 levels"},
		{name: "RDF/XML nested 100,000 deep", contentType: "application/rdf+xml", format: "rdfxml",
			body: rdfXMLHead + `<rdf:Description rdf:about="` + fodsel + `">` + strings.Repeat(`<ex:p rdf:parseType="Resource">`, deep) + strings.Repeat("</ex:p>", deep) + "</rdf:Description></rdf:RDF>",
			at:   nth('<', 257), msg: "elements nested deeper than 256 levels"},
		{name: "17 MB string in JSON-LD", contentType: "application/ld+json", format: "jsonld",
			body: `{"@id": "` + fodsel + `",` + "\n" + `"http://purl.org/dc/terms/description": "` + huge + `"}`,
			at:   first(`"aaa`), msg: "string longer than 16777216 bytes"},
		// The readers stream through a buffer: past it, a token's start is
		// gone, and the error says where in the token's line the reader was
		// when it passed the limit.
		{name: "17 MB literal in RDF/XML", contentType: "application/rdf+xml", format: "rdfxml",
			body: rdfXMLHead + `<rdf:Description rdf:about="` + fodsel + `"><dct:description>` + huge + "</dct:description></rdf:Description></rdf:RDF>",
			msg:  "literal longer than 16777216 bytes"},
		{name: "17 MB literal in Turtle", contentType: "text/turtle", format: "turtle",
			body: "<" + fodsel + ">\n  <http://purl.org/dc/terms/description> \"" + huge + "\"@nb .\n",
			msg:  "literal longer than 16777216 bytes"},
	}
	// One source takes every hostile feed in turn: each failure must leave
	// the good copy for the next.
	h := newHostile(t, readTestdata(t, "formats/catalog.ttl"), "text/turtle", catalog.SourceLimits{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := []byte(c.body)
			if c.file != "" {
				body = hostileFile(t, c.file, h.srv.URL)
			}
			h.srv.serveBody(c.contentType, body)
			start := time.Now()
			run := h.run(t)
			t.Logf("run %s in %v: %.300s", run.Status, time.Since(start).Round(time.Millisecond), run.Error)
			where := "line "
			if c.at != nil {
				off := c.at(body)
				if off < 0 {
					t.Fatalf("the test's feed lacks what the error should point at")
				}
				where = posAt(body, off) + ": "
			} else {
				line := 1 + bytes.Count(body[:bytes.Index(body, []byte(huge))], []byte("\n"))
				where = fmt.Sprintf("line %d, column ", line)
			}
			checkFailed(t, run, fmt.Sprintf("read %s feed: %s: %s", c.format, c.format, where), c.msg)
			h.checkKept(t)
		})
	}
}

// A JSON-LD feed whose context is remote fails, and the context is never
// fetched, though its URL points at the feed's own server.
func TestHostileRemoteContext(t *testing.T) {
	for _, c := range []struct{ file, path string }{
		{"remote-context.jsonld", "/context.jsonld"},
		{"remote-context-import.jsonld", "/imported.jsonld"},
		{"remote-context-scoped.jsonld", "/scoped.jsonld"},
	} {
		t.Run(c.file, func(t *testing.T) {
			h := newHostile(t, readTestdata(t, "formats/catalog.ttl"), "text/turtle", catalog.SourceLimits{})
			h.srv.serveBody("application/ld+json", hostileFile(t, c.file, h.srv.URL))
			run := h.run(t)
			checkFailed(t, run, "jsonld: remote @context "+h.srv.URL+c.path+" is not fetched")
			if n := h.srv.requestsTo(c.path); n != 0 {
				t.Errorf("the context %s was requested %d times; want never", c.path, n)
			}
			if n := h.srv.requestsTo("/feed"); n != 2 {
				t.Errorf("the feed was requested %d times; want 2 (the good run and this one)", n)
			}
			h.checkKept(t)
		})
	}
}

// Odd but valid: a byte order mark, and lines ended by CRLF, LF and a lone
// CR in turn, in each syntax. The records are those of the same feed
// without them.
func TestHostileValidOddities(t *testing.T) {
	const bom = "\xEF\xBB\xBF"
	mixed := func(b []byte) []byte {
		lines := strings.Split(string(b), "\n")
		var out strings.Builder
		for i, l := range lines {
			out.WriteString(l)
			if i < len(lines)-1 {
				out.WriteString([]string{"\r\n", "\n", "\r"}[i%3])
			}
		}
		return []byte(out.String())
	}
	types := map[string]string{"catalog.ttl": "text/turtle", "catalog.nt": "application/n-triples", "catalog.rdf": "application/rdf+xml", "catalog.jsonld": "application/ld+json"}
	cases := []struct {
		name, good, contentType string
		body                    func(t *testing.T) []byte
	}{
		{"bom.ttl", "catalog.ttl", "text/turtle", func(t *testing.T) []byte { return readTestdata(t, "hostile/bom.ttl") }},
		{"bom.ttl, syntax sniffed", "catalog.ttl", "", func(t *testing.T) []byte { return readTestdata(t, "hostile/bom.ttl") }},
		{"mixed-line-endings.ttl", "catalog.ttl", "text/turtle", func(t *testing.T) []byte { return readTestdata(t, "hostile/mixed-line-endings.ttl") }},
		{"mixed-line-endings.ttl, syntax sniffed", "catalog.ttl", "", func(t *testing.T) []byte { return readTestdata(t, "hostile/mixed-line-endings.ttl") }},
	}
	for _, f := range []struct{ file, contentType string }{
		{"catalog.nt", "application/n-triples"}, {"catalog.rdf", "application/rdf+xml"}, {"catalog.jsonld", "application/ld+json"},
	} {
		for _, sniff := range []bool{false, true} {
			ct, name := f.contentType, f.file
			if sniff {
				ct, name = "", name+", syntax sniffed"
			}
			cases = append(cases, struct {
				name, good, contentType string
				body                    func(t *testing.T) []byte
			}{"BOM and mixed line endings in " + name, f.file, ct, func(t *testing.T) []byte {
				return append([]byte(bom), mixed(readTestdata(t, "formats/"+f.file))...)
			}})
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			good := readTestdata(t, "formats/"+c.good)
			h := newHostile(t, good, types[c.good], catalog.SourceLimits{})
			body := c.body(t)
			if bytes.Equal(body, good) || !bytes.HasPrefix(body, []byte(bom)) && !bytes.Contains(body, []byte("\r")) {
				t.Fatalf("the feed is not odd: no BOM and no CR")
			}
			h.srv.serveBody(c.contentType, body)
			h.checkSameRecords(t, h.run(t))
		})
	}
	// The fixtures are what testdata/README.md says they are.
	catalogTTL := readTestdata(t, "formats/catalog.ttl")
	body := catalogTTL[bytes.Index(catalogTTL, []byte("@prefix")):]
	if b := readTestdata(t, "hostile/bom.ttl"); !bytes.HasPrefix(b, []byte(bom)) || !bytes.HasSuffix(b, body) {
		t.Errorf("hostile/bom.ttl is not catalog.ttl after a BOM")
	}
	m := readTestdata(t, "hostile/mixed-line-endings.ttl")
	crlf, cr := bytes.Count(m, []byte("\r\n")), bytes.Count(m, []byte("\r"))
	if lf := bytes.Count(m, []byte("\n")); crlf == 0 || lf == crlf || cr == crlf {
		t.Errorf("hostile/mixed-line-endings.ttl has %d CRLF, %d LF, %d CR; want some of each", crlf, lf-crlf, cr-crlf)
	}
	norm := bytes.ReplaceAll(bytes.ReplaceAll(m, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	if !bytes.HasSuffix(norm, body) {
		t.Errorf("hostile/mixed-line-endings.ttl is not catalog.ttl with other line endings")
	}
}

// A cycle in an RDF list (rdf:rest leading back) ends the list: each
// column is read once, and the records are those of the good catalogue.
func TestHostileListCycle(t *testing.T) {
	h := newHostile(t, readTestdata(t, "formats/catalog.ttl"), "text/turtle", catalog.SourceLimits{})
	h.srv.serveBody("text/turtle", readTestdata(t, "hostile/list-cycle.ttl"))
	h.checkSameRecords(t, h.run(t))
	vars, _, err := h.store.FindVariables(context.Background(), catalog.VariableFilter{Source: "reg"})
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 4)
	for _, v := range vars {
		if v.Position < 0 || v.Position >= 4 || names[v.Position] != "" && v.Dataset == "https://register.example.no/dataset/fodsel" {
			t.Fatalf("variable %s has position %d", v.Name, v.Position)
		}
		if v.Dataset == "https://register.example.no/dataset/fodsel" {
			names[v.Position] = v.Name
		}
	}
	if got := strings.Join(names, " "); got != "VEKT KJONN HODE " {
		t.Errorf("the first dataset's variables by position = %q; want VEKT KJONN HODE, each once, in list order", got)
	}
}

// Hydra paging that goes round in a circle (page 2 links back to page 1)
// ends when it comes back: the two pages are the good catalogue. Paging
// that never ends (every page links to a new one) stops at max_pages and
// fails.
func TestHostilePaging(t *testing.T) {
	t.Run("cycle", func(t *testing.T) {
		h := newHostile(t, readTestdata(t, "formats/catalog.ttl"), "text/turtle", catalog.SourceLimits{})
		pages := [][]byte{hostileFile(t, "paging-cycle-1.ttl", h.srv.URL), hostileFile(t, "paging-cycle-2.ttl", h.srv.URL)}
		h.srv.serve(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/turtle")
			if r.URL.Query().Get("page") == "2" {
				w.Write(pages[1])
			} else {
				w.Write(pages[0])
			}
		})
		run := h.run(t)
		if first, second := h.srv.requestsTo("/feed"), h.srv.requestsTo("/feed?page=2"); run.Pages != 2 || first != 2 || second != 1 {
			t.Errorf("run read %d pages; the first page was requested %d times (with the good run's), the second %d; want 2 pages, 2 and 1 requests", run.Pages, first, second)
		}
		h.checkSameRecords(t, run)
	})
	t.Run("endless", func(t *testing.T) {
		h := newHostile(t, readTestdata(t, "formats/catalog.ttl"), "text/turtle", catalog.SourceLimits{MaxPages: 20})
		var pages atomic.Int32
		h.srv.serve(func(w http.ResponseWriter, r *http.Request) {
			k := pages.Add(1)
			w.Header().Set("Content-Type", "text/turtle")
			fmt.Fprintf(w, `<https://register.example.no/dataset/d%[1]d> a <http://www.w3.org/ns/dcat#Dataset> .
<%[2]s/feed?page=%[1]d> a <http://www.w3.org/ns/hydra/core#PartialCollectionView> ; <http://www.w3.org/ns/hydra/core#next> <%[2]s/feed?page=%[3]d> .
`, k, h.srv.URL, k+1)
		})
		run := h.run(t)
		checkFailed(t, run, "the feed has more than 20 pages (page 20 links to "+h.srv.URL+"/feed?page=21)", "max_pages")
		if n := pages.Load(); n != 20 {
			t.Errorf("the server answered %d pages; want 20", n)
		}
		h.checkKept(t)
	})
}

// A literal that is one 2 MB word (no spaces) is read, stored and
// indexed, and the run ends in seconds.
func TestHostileLongWord(t *testing.T) {
	h := newHostile(t, readTestdata(t, "formats/catalog.ttl"), "text/turtle", catalog.SourceLimits{})
	word := strings.Repeat("blodtrykk", 2<<20/len("blodtrykk"))
	h.srv.serveBody("text/turtle", append(readTestdata(t, "formats/catalog.ttl"),
		"\n<https://register.example.no/dataset/fodsel/variable/HODE> <http://purl.org/dc/terms/description> \""+word+"\"@nb .\n"...))
	start := time.Now()
	run := h.run(t)
	t.Logf("run %s in %v", run.Status, time.Since(start).Round(time.Millisecond))
	if run.Status != catalog.RunOK || run.Stats.VariablesUpdated != 1 {
		t.Fatalf("run = %s %q %+v; want ok with TEST:HODE updated", run.Status, run.Error, run.Stats)
	}
	v, err := h.store.FindVariableByID(context.Background(), "TEST:HODE")
	if err != nil || v.Description["nb"] != word {
		t.Errorf("TEST:HODE's description has %d bytes (%v); want the %d-byte word", len(v.Description["nb"]), err, len(word))
	}
	if res := h.search(t, "hodeomkrets"); res.Total != 1 || res.Hits[0].Identifier != "TEST:HODE" {
		t.Errorf("search hodeomkrets = %d hits %+v; want TEST:HODE", res.Total, res.Hits)
	}
}

// Two million triples about one dataset, streamed as fast as the server
// can write them (140 MB): max_bytes stops the read, the server is hung up
// on long before it is done, and the run fails in seconds having held no
// more than about max_bytes of the feed.
func TestHostileManyTriples(t *testing.T) {
	const triples = 2_000_000
	const maxBytes = 8 << 20
	h := newHostile(t, readTestdata(t, "formats/catalog.ttl"), "text/turtle", catalog.SourceLimits{MaxBytes: maxBytes})
	var written atomic.Int64
	full := int64(0)
	for i := 0; i < triples; i++ {
		full += int64(len(manyTriplesLine(i)))
	}
	h.srv.serve(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/turtle")
		bw := bufio.NewWriterSize(w, 64<<10)
		for i := 0; i < triples; i++ {
			n, err := bw.WriteString(manyTriplesLine(i))
			written.Add(int64(n))
			if err != nil {
				return // the harvester hung up
			}
		}
		bw.Flush()
	})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	run := h.run(t)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("run %s in %v, server wrote %d of %d bytes, %d MB allocated: %s", run.Status, elapsed.Round(time.Millisecond), written.Load(), full, allocated>>20, run.Error)
	checkFailed(t, run, fmt.Sprintf("the feed is larger than the limit of %d bytes (set max_bytes for the source to allow more)", maxBytes))
	if w := written.Load(); w > full/4 {
		t.Errorf("the server wrote %d of %d bytes before the harvester stopped reading; want it stopped near %d", w, full, maxBytes)
	}
	// What the run allocates is the body it reads, grown by doubling, and
	// the server's lines: a few times max_bytes, not the stream.
	if allocated > 12*maxBytes {
		t.Errorf("the run allocated %d MB; want no more than %d MB for a limit of %d MB", allocated>>20, 12*maxBytes>>20, maxBytes>>20)
	}
	h.checkKept(t)
}

func manyTriplesLine(i int) string {
	return fmt.Sprintf("<https://register.example.no/dataset/fodsel> <http://www.w3.org/ns/dcat#keyword> \"k%d\" .\n", i)
}

// A gzip bomb (a small body that unpacks to far more than max_bytes), sent
// as a .gz file or as a gzip Content-Encoding: the unpacking stops at the
// limit.
func TestHostileGzipBomb(t *testing.T) {
	const maxBytes = 1 << 20
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 32 {
		zw.Write(zeros)
	}
	zw.Close()
	bomb := buf.Bytes()
	for _, c := range []struct{ name, contentType, encoding, wantErr string }{
		{"gzip file", "application/gzip", "", "gunzip: the feed is larger than the limit of 1048576 bytes"},
		{"gzip content encoding", "text/turtle", "gzip", "the feed is larger than the limit of 1048576 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHostile(t, readTestdata(t, "formats/catalog.ttl"), "text/turtle", catalog.SourceLimits{MaxBytes: maxBytes})
			h.srv.serve(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", c.contentType)
				if c.encoding != "" {
					w.Header().Set("Content-Encoding", c.encoding)
				}
				w.Write(bomb)
			})
			run := h.run(t)
			t.Logf("a %d-byte bomb of 32 MB: %s", len(bomb), run.Error)
			checkFailed(t, run, c.wantErr)
			h.checkKept(t)
		})
	}
}

// manyValues returns the good catalogue followed by one statement that
// gives subject n values of property: each value is what value appends
// for its number (a Turtle term; prefix is declared first).
func manyValues(good []byte, prefix, subject, property string, n int, value func([]byte, int) []byte) []byte {
	b := append([]byte{}, good...)
	b = append(b, "\n"+prefix+"\n<"+subject+"> <"+property+">"...)
	for i := range n {
		if i > 0 {
			b = append(b, " ,"...)
		}
		b = append(b, "\n  "...)
		b = value(b, i)
	}
	return append(b, " .\n"...)
}

// keywordValue is the i-th keyword, "k<i>"; columnValue the i-th column,
// v:C<i>.
func keywordValue(b []byte, i int) []byte {
	return append(strconv.AppendInt(append(b, `"k`...), int64(i), 10), '"')
}

func columnValue(b []byte, i int) []byte {
	return strconv.AppendInt(append(b, "v:C"...), int64(i), 10)
}

// A million values of one property of one subject: keywords of a dataset,
// columns of a table, and the columns as an RDF list. Read whole, such a
// feed took minutes and gigabytes (docs/benchmarks.md); the default
// max_values_per_property (100,000) stops the read at the value past it,
// and the run fails in under a second, saying which subject, which
// property, the limit and the key that raises it, having held no more than
// that many values. The good copy stays. Under the race detector the
// feeds have 20,000 values and the source a limit of 2,000, so that the
// test takes seconds there too; `go test ./harvest` runs the million.
func TestHostileManyValues(t *testing.T) {
	const (
		fodsel  = "https://register.example.no/dataset/fodsel"
		table   = fodsel + "/table/main"
		keyword = "http://www.w3.org/ns/dcat#keyword"
		column  = "http://www.w3.org/ns/csvw#column"
	)
	n, limits, limit := 1_000_000, catalog.SourceLimits{}, DefaultMaxValuesPerProperty
	if raceEnabled {
		n, limits.MaxValuesPerProperty = 20_000, 2_000
		limit = limits.MaxValuesPerProperty
	}
	good := readTestdata(t, "formats/catalog.ttl")
	const columns = "@prefix v: <" + fodsel + "/variable/> ."
	hint := " (set max_values_per_property for the source to allow more)"
	cases := []struct {
		name string
		body []byte
		want string
	}{
		{"keywords of a dataset", manyValues(good, "", fodsel, keyword, n, keywordValue),
			fmt.Sprintf("read turtle feed: <%s> has more than %d values of <%s>, the limit for one property of one subject", fodsel, limit, keyword) + hint},
		{"columns of a table", manyValues(good, columns, table, column, n, columnValue),
			fmt.Sprintf("read turtle feed: <%s> has more than %d values of <%s>, the limit for one property of one subject", table, limit, column) + hint},
		// A list is read as the values of the property that points to it.
		{"columns of a table in an RDF list", manyValues(good, columns, table, column, 1, func(b []byte, _ int) []byte {
			b = append(b, '(')
			for i := range n {
				b = columnValue(append(b, ' '), i)
			}
			return append(b, " )"...)
		}),
			fmt.Sprintf("read turtle feed: an RDF list has more than %d members (one of them is <%s/variable/C%d>), the limit for the values of one property of one subject", limit, fodsel, limit-1) + hint},
	}
	h := newHostile(t, good, "text/turtle", limits)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.srv.serveBody("text/turtle", c.body)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			run := h.run(t)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d values, %d bytes: run %s in %v, %d MB allocated: %s", n, len(c.body), run.Status, elapsed.Round(time.Millisecond), allocated>>20, run.Error)
			checkFailed(t, run, c.want)
			// The run holds the body, read whole (a few times its size,
			// as it grows), and a graph of the values up to the limit:
			// not a graph of the million.
			if most := uint64(4*len(c.body)) + 128<<20; allocated > most {
				t.Errorf("the run allocated %d MB; want no more than %d MB", allocated>>20, most>>20)
			}
			h.checkKept(t)
		})
	}
}

// max_values_per_property comes from the source, else from the defaults,
// and counts the values of all pages together.
func TestHostileManyValuesLimits(t *testing.T) {
	const fodsel = "https://register.example.no/dataset/fodsel"
	const keyword = "http://www.w3.org/ns/dcat#keyword"
	good := readTestdata(t, "formats/catalog.ttl")
	keywords := func(n int) []byte { return manyValues(good, "", fodsel, keyword, n, keywordValue) } // and the good feed's 2
	refused := func(limit int) string {
		return fmt.Sprintf("read turtle feed: <%s> has more than %d values of <%s>", fodsel, limit, keyword)
	}
	h := newHostile(t, good, "text/turtle", catalog.SourceLimits{})
	h.h.Defaults.MaxValuesPerProperty = 1000
	setLimit := func(t *testing.T, max int) {
		t.Helper()
		src, err := h.store.FindSource(context.Background(), "reg")
		if err != nil {
			t.Fatal(err)
		}
		src.Limits.MaxValuesPerProperty = max
		if err := h.store.PutSource(context.Background(), src); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("the defaults' limit", func(t *testing.T) {
		h.srv.serveBody("text/turtle", keywords(999))
		checkFailed(t, h.run(t), refused(1000), "set max_values_per_property for the source")
		h.checkKept(t)
	})
	t.Run("the source's limit over the defaults'", func(t *testing.T) {
		setLimit(t, 2000)
		h.srv.serveBody("text/turtle", keywords(1999))
		checkFailed(t, h.run(t), refused(2000))
		h.checkKept(t)
		h.srv.serveBody("text/turtle", keywords(1998))
		if run := h.run(t); run.Status != catalog.RunOK || run.Stats.Updated != 1 {
			t.Fatalf("run with 2,000 keywords = %s %q %+v; want ok under the source's limit of 2,000, with TEST:FODSEL updated", run.Status, run.Error, run.Stats)
		}
		d, err := h.store.FindDatasetByID(context.Background(), "TEST:FODSEL")
		if n := len(d.Keywords["nb"]) + len(d.Keywords[catalog.LangUndetermined]) + len(d.Keywords["en"]); err != nil || n != 2000 {
			t.Errorf("TEST:FODSEL has %d keywords (%v); want 2,000", n, err)
		}
	})
	t.Run("values on two pages", func(t *testing.T) {
		setLimit(t, 1000)
		half := manyValues(nil, "", fodsel, keyword, 600, keywordValue)
		h.srv.serve(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/turtle")
			if r.URL.Query().Get("page") == "2" {
				w.Write(half)
				return
			}
			w.Write(good)
			fmt.Fprintf(w, "\n<%[1]s/feed> a <http://www.w3.org/ns/hydra/core#PartialCollectionView> ; <http://www.w3.org/ns/hydra/core#next> <%[1]s/feed?page=2> .\n%s", h.srv.URL, half)
		})
		checkFailed(t, h.run(t), "page 2: "+refused(1000))
	})
	t.Run("the validation service", func(t *testing.T) {
		_, err := h.h.ValidateFeed(context.Background(), bytes.NewReader(keywords(999)), "text/turtle", "")
		want := fmt.Sprintf("the feed is too large to validate: <%s> has more than 1000 values of <%s>, the limit for one property of one subject (max_values_per_property)", fodsel, keyword)
		if catalog.ErrorCode(err) != catalog.EINVALID || catalog.ErrorMessage(err) != want {
			t.Errorf("ValidateFeed(1,001 keywords) = %v (%s); want %s %q", err, catalog.ErrorCode(err), catalog.EINVALID, want)
		}
		if _, err := h.h.ValidateFeed(context.Background(), bytes.NewReader(keywords(998)), "text/turtle", ""); err != nil {
			t.Errorf("ValidateFeed(1,000 keywords) = %v; want a report", err)
		}
	})
}
