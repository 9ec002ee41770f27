package rdf

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseJSONLDFixture(t *testing.T) {
	path := feedsDir + "/fdk-2017/difi-dataset-2017-10-19.jsonld"
	got, err := parseFile(path, FormatJSONLD, "")
	if err != nil {
		t.Fatalf("ParseJSONLD(%s) = %v; want nil", path, err)
	}
	if len(got) < 500 {
		t.Errorf("ParseJSONLD(%s) gave %d triples; want at least 500", path, len(got))
	}
	// The file writes "http:\/\/data.norge.no\/node\/960" and tags strings
	// with the language "no".
	want := Triple{
		S: IRI("http://data.norge.no/node/960"),
		P: IRI("http://purl.org/dc/terms/description"),
		O: Literal("REST-API i formatene XML, JSON(P), CSV og YAML, og komplett nedlasting i CSV.", "no", ""),
	}
	found := false
	for _, tr := range got {
		if tr == want {
			found = true
		}
		for _, term := range []Term{tr.S, tr.P, tr.O} {
			if term.IsIRI() && strings.Contains(term.Value, `\`) {
				t.Errorf("ParseJSONLD(%s) kept an escape in IRI %s", path, term)
			}
		}
	}
	if !found {
		t.Errorf("ParseJSONLD(%s) lacks %s", path, want)
	}
}

func TestParseJSONLD(t *testing.T) {
	tests := []struct {
		name, in, base, want string
	}{
		{"inline context", `{"@context": {"dct": "http://purl.org/dc/terms/"}, "@id": "http://ex.org/d", "dct:title": {"@value": "Tittel", "@language": "NB"}}`, "",
			`<http://ex.org/d> <http://purl.org/dc/terms/title> "Tittel"@nb .`},
		{"bundled DCAT-AP 3 context", `{
  "@context": "https://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld",
  "@id": "http://ex.org/cat", "@type": "Catalogue",
  "dataset": [{"@id": "http://ex.org/ds", "@type": "Dataset"}]
}`, "", `
			<http://ex.org/cat> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Catalog> .
			<http://ex.org/cat> <http://www.w3.org/ns/dcat#dataset> <http://ex.org/ds> .
			<http://ex.org/ds> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Dataset> .`},
		{"named graph and blank nodes", `{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/g", "@graph": [{"p": {"q": 1}}]}`, "", `
			_:a <http://ex.org/p> _:b .
			_:b <http://ex.org/q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`},
		{"relative @id against Options.Base", `{"@context": {"@vocab": "http://ex.org/"}, "@id": "x", "p": true}`, "http://b.org/dir/",
			`<http://b.org/dir/x> <http://ex.org/p> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .`},
		{"BOM", "\xEF\xBB\xBF" + `[{"@id": "http://ex.org/s", "http://ex.org/p": "v"}]`, "",
			`<http://ex.org/s> <http://ex.org/p> "v" .`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseString(FormatJSONLD, tc.in, Options{Base: tc.base})
			if err != nil {
				t.Fatalf("ParseJSONLD(%q) = %v; want nil", tc.in, err)
			}
			want := mustNTriples(t, strings.TrimSpace(tc.want))
			if !Isomorphic(got, want) {
				t.Errorf("ParseJSONLD(%q) =\n%s\nwant\n%s", tc.in, ntLines(got), ntLines(want))
			}
		})
	}
}

func TestParseJSONLDRemoteContext(t *testing.T) {
	tests := []struct{ in, url string }{
		{`{"@context": "https://schema.org/", "@type": "Dataset", "name": "x"}`, "https://schema.org/"},
		// 192.0.2.0/24 is reserved for documentation: a fetch could only hang.
		{`{"@context": ["http://192.0.2.1/context.jsonld", {"x": "http://x/"}], "x:p": 1}`, "http://192.0.2.1/context.jsonld"},
		{`{"@context": {"@import": "https://example.org/imported.jsonld"}, "@id": "http://a/b"}`, "https://example.org/imported.jsonld"},
	}
	for _, tc := range tests {
		start := time.Now()
		_, err := parseString(FormatJSONLD, tc.in, Options{})
		want := "jsonld: remote @context " + tc.url + " is not fetched; bundle it or inline it"
		var rc *RemoteContextError
		if !errors.As(err, &rc) || rc.URL != tc.url || err.Error() != want {
			t.Errorf("ParseJSONLD(%q) = %v; want %q", tc.in, err, want)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("ParseJSONLD(%q) took %v; it must not wait for the network", tc.in, d)
		}
	}
}

func TestParseJSONLDErrors(t *testing.T) {
	tests := []struct {
		name, in  string
		opts      Options
		line, col int
		msg       string
	}{
		{"syntax error", "{\n  \"@id\": \"http://a/b\",\n  \"p\": [1,, 2]\n}", Options{}, 3, 11, "invalid JSON: invalid character ','"},
		{"unterminated", "{\"a\": \"b\"", Options{}, 1, 10, "invalid JSON: unexpected end of JSON input"},
		{"trailing data", `{"a": 1} x`, Options{}, 1, 10, "invalid character 'x' after top-level value"},
		{"invalid UTF-8", "{\n \"a\": \"\xff\"}", Options{}, 2, 8, "invalid UTF-8 byte 0xFF"},
		{"too deep", strings.Repeat("[", 20) + strings.Repeat("]", 20), Options{MaxDepth: 10}, 1, 11, "nested deeper than 10 levels"},
		{"string too long", `{"@id": "http://a/` + strings.Repeat("b", 100) + `"}`, Options{MaxLiteralBytes: 50}, 1, 9, "string longer than 50 bytes"},
		{"not an object", `"http://example.org/doc.jsonld"`, Options{}, 1, 1, "must be a JSON object or array"},
		{"invalid JSON-LD", `{"@id": 5}`, Options{}, 0, 0, "jsonld:"},
		// json-gold passes IRIs with spaces on (urn:a b) or silently drops
		// the statements that hold them (http://...): both are errors here,
		// as in the other syntaxes.
		{"space in a node IRI", "{\n \"@id\": \"urn:a b\", \"http://ex.org/p\": \"x\"}", Options{}, 2, 9, `@id "urn:a b" contains ' ', which is not allowed in an IRI`},
		{"space in an IRI value", `{"@context": {"link": {"@id": "http://ex.org/link", "@type": "@id"}}, "@id": "http://ex.org/s", "link": "http://ex.org/a b"}`, Options{}, 1, 105, `@id "http://ex.org/a b" contains ' '`},
		{"space in a type", `{"@id": "http://ex.org/s", "@type": "http://ex.org/T\tU"}`, Options{}, 1, 37, `@type "http://ex.org/T\tU" contains '\t'`},
		{"space in a property", `{"@id": "http://ex.org/s", "http://ex.org/p x": "v"}`, Options{}, 1, 28, `property "http://ex.org/p x" contains ' '`},
		{"bracket in a datatype", `{"@id": "http://ex.org/s", "http://ex.org/p": {"@value": "1", "@type": "http://ex.org/<d>"}}`, Options{}, 1, 72, `datatype "http://ex.org/<d>" contains '<'`},
		{"space in a compact IRI", `{"@context": {"ex": "http://ex.org/"}, "@id": "ex:a b", "ex:p": "x"}`, Options{}, 0, 0, `@id "http://ex.org/a b" contains ' '`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseString(FormatJSONLD, tc.in, tc.opts)
			checkSyntaxError(t, "ParseJSONLD", tc.in, err, "jsonld", tc.line, tc.col, tc.msg)
		})
	}
}

// json-gold's own triple order varies between runs; ParseJSONLD's must not.
func TestParseJSONLDDeterministic(t *testing.T) {
	read := func() string {
		f, err := os.Open("../../fixtures/feeds/fdk-2017/difi-dataset-2017-10-19.jsonld")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var b strings.Builder
		err = ParseJSONLD(f, Options{Base: "https://example.org/difi.jsonld"}, func(tr Triple) error {
			b.WriteString(tr.String())
			b.WriteByte('\n')
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	first := read()
	for i := 0; i < 5; i++ {
		if read() != first {
			t.Fatalf("ParseJSONLD gave a different triple order on run %d", i+2)
		}
	}
}

func TestRelativeIRIsReported(t *testing.T) {
	cases := []struct {
		format Format
		doc    string
		want   []string
	}{
		{FormatTurtle, `<a> <http://x.org/p> <http://x.org/abs> , <../b> .`, []string{"a", "../b"}},
		{FormatRDFXML, `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://x.org/"><rdf:Description rdf:about="a"><ex:p rdf:resource="http://x.org/abs"/><ex:q rdf:resource="NOR"/></rdf:Description></rdf:RDF>`, []string{"a", "NOR"}},
		{FormatJSONLD, `{"@context": {"ex": "http://x.org/"}, "@id": "http://x.org/s", "ex:p": {"@id": "NOR"}}`, []string{"NOR"}},
	}
	for _, c := range cases {
		var got []string
		opts := Options{Base: "http://base.org/feed", Relative: func(ref string) { got = append(got, ref) }}
		if err := Parse(strings.NewReader(c.doc), c.format, opts, func(Triple) error { return nil }); err != nil {
			t.Fatalf("Parse(%s): %v", c.format, err)
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("Parse(%s) reported relative IRIs %q; want %q", c.format, got, c.want)
		}
	}
}
