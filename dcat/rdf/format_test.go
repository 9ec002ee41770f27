package rdf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{FormatTurtle, FormatNTriples, FormatRDFXML, FormatJSONLD} {
		got, err := ParseFormat(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v, nil", f.String(), got, err, f)
		}
	}
	if got, err := ParseFormat(" Turtle "); err != nil || got != FormatTurtle {
		t.Errorf("ParseFormat(%q) = %v, %v; want %v, nil", " Turtle ", got, err, FormatTurtle)
	}
	for _, name := range []string{"", "n3", "xml", "json-ld", "nt"} {
		if got, err := ParseFormat(name); err == nil {
			t.Errorf("ParseFormat(%q) = %v, nil; want an error", name, got)
		}
	}
	if got := Format(0).String(); got != "Format(0)" {
		t.Errorf("Format(0).String() = %q; want %q", got, "Format(0)")
	}
}

func TestFormatFromMediaType(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		ok   bool
	}{
		{"text/turtle", FormatTurtle, true},
		{"text/turtle; charset=utf-8", FormatTurtle, true},
		{"Text/Turtle;charset=UTF-8", FormatTurtle, true},
		{"application/x-turtle", FormatTurtle, true},
		{"application/n-triples", FormatNTriples, true},
		{"application/rdf+xml", FormatRDFXML, true},
		{"application/xml", FormatRDFXML, true},
		{"text/xml; charset=iso-8859-1", FormatRDFXML, true},
		{"application/ld+json", FormatJSONLD, true},
		{`application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"`, FormatJSONLD, true},
		{"application/json", FormatJSONLD, true},
		{"text/plain", 0, false},
		{"text/html", 0, false},
		{"", 0, false},
		{"application/turtle;;;", 0, false},
		{"text/turtle;;bad", FormatTurtle, true},
	}
	for _, tc := range tests {
		got, ok := FormatFromMediaType(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("FormatFromMediaType(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name, in string
		want     Format
		ok       bool
	}{
		{"XML prolog", `<?xml version="1.0"?><rdf:RDF/>`, FormatRDFXML, true},
		{"rdf:RDF root", "\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">", FormatRDFXML, true},
		{"XML comment", "<!-- feed -->\n<rdf:RDF>", FormatRDFXML, true},
		{"JSON object", "\xEF\xBB\xBF  {\"@context\": {}}", FormatJSONLD, true},
		{"JSON array", "[\n  {\"@id\": \"x\"}]", FormatJSONLD, true},
		{"empty JSON array", "[]", FormatJSONLD, true},
		{"@prefix", "# comment\n@prefix dcat: <http://www.w3.org/ns/dcat#> .", FormatTurtle, true},
		{"PREFIX", "PREFIX dcat: <http://www.w3.org/ns/dcat#>\n", FormatTurtle, true},
		{"base", "base <http://ex.org/>\n", FormatTurtle, true},
		{"Turtle blank node subject", "[ a <http://ex.org/C> ] .", FormatTurtle, true},
		{"Turtle with ; on a line", "<http://a/s> <http://a/p> <http://a/o> ;\n  <http://a/q> 1 .\n", FormatTurtle, true},
		{"Turtle prefixed names", "ex:s ex:p ex:o .\n", FormatTurtle, true},
		{"N-Triples", "# c\n<http://a/s> <http://a/p> <http://a/o> .\n_:b <http://a/p> \"x\\\"y\"@en . # c\n<http://a/s> <http://a/p> \"1\"^^<http://a/int> .\n<http://a/s> <http://a/p> <http://a/incomplete", FormatNTriples, true},
		{"N-Triples is a subset of Turtle", "<http://a/s> <http://a/p> 1 .\n", FormatTurtle, true},
		{"empty", "  \n", 0, false},
		{"plain text", "Hello, world", 0, false},
		{"binary", "\x00\x01\x02", 0, false},
	}
	for _, tc := range tests {
		got, ok := Sniff([]byte(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: Sniff(%q) = %v, %v; want %v, %v", tc.name, tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestSniffFeeds checks Sniff on the first kilobyte of each fixture.
func TestSniffFeeds(t *testing.T) {
	for _, ff := range feedFiles(t) {
		data, err := os.ReadFile(ff.path)
		if err != nil {
			t.Fatal(err)
		}
		head := data[:min(len(data), 1024)]
		if got, ok := Sniff(head); got != ff.format || !ok {
			t.Errorf("Sniff(first KB of %s) = %v, %v; want %v, true", filepath.Base(ff.path), got, ok, ff.format)
		}
	}
}

func TestParseUnknownFormat(t *testing.T) {
	err := Parse(strings.NewReader(""), Format(9), Options{}, func(Triple) error { return nil })
	if err == nil {
		t.Errorf("Parse(Format(9)) = nil; want an error")
	}
}
