package rdf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testPrefixes = []Prefix{
	{"dct", "http://purl.org/dc/terms/"},
	{"dcat", "http://www.w3.org/ns/dcat#"},
	{"xsd", XSDNS},
	{"ex", "http://example.org/"},
}

var allFormats = []Format{FormatTurtle, FormatNTriples, FormatRDFXML, FormatJSONLD}

// writeAll writes ts in format f and returns the document.
func writeAll(t *testing.T, f Format, ts []Triple) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, f, testPrefixes)
	for _, tr := range ts {
		if err := w.Write(tr); err != nil {
			t.Fatalf("%v: Write(%v) = %v", f, tr, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("%v: Close() = %v", f, err)
	}
	return buf.Bytes()
}

// roundTrip writes ts in every format, reads each document back and checks
// that the graph is the same.
func roundTrip(t *testing.T, name string, ts []Triple) {
	t.Helper()
	for _, f := range allFormats {
		doc := writeAll(t, f, ts)
		got, err := collect(bytes.NewReader(doc), f, Options{})
		if err != nil {
			t.Errorf("%s as %v: reading it back: %v\n%s", name, f, err, doc)
			continue
		}
		want := ts
		if f == FormatRDFXML {
			want = xmlCharsOnly(ts)
		}
		if !Isomorphic(got, want) {
			t.Errorf("%s as %v: read back a different graph:\ngot:\n%s\nwant:\n%s\ndocument:\n%s", name, f, ntLines(got), ntLines(ts), doc)
		}
	}
}

// xmlCharsOnly returns ts with the control characters XML 1.0 cannot carry
// replaced by U+FFFD, as the RDF/XML writer does.
func xmlCharsOnly(ts []Triple) []Triple {
	out := make([]Triple, len(ts))
	for i, t := range ts {
		if t.O.Kind == KindLiteral {
			t.O.Value = strings.Map(func(r rune) rune {
				if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
					return '\uFFFD'
				}
				return r
			}, t.O.Value)
		}
		out[i] = t
	}
	return out
}

func TestWriteRoundTrip(t *testing.T) {
	s := IRI("http://example.org/dataset/1")
	b := Blank("p 1") // a label no syntax takes as is
	ts := []Triple{
		{s, IRI(RDFType), IRI("http://www.w3.org/ns/dcat#Dataset")},
		{s, IRI("http://purl.org/dc/terms/title"), Literal("Fødselsvekt \"i gram\"\nlinje 2\r\t\\ & <tag>", "nb", "")},
		{s, IRI("http://purl.org/dc/terms/title"), Literal("Birth weight", "en-GB", "")},
		{s, IRI("http://purl.org/dc/terms/identifier"), Literal("mfr:VEKT", "", "")},
		{s, IRI("http://purl.org/dc/terms/temporal"), b},
		{s, IRI("http://example.org/weird/iri#with-dash.dot"), IRI("mailto:a@b.no")},
		{s, IRI("http://example.org/x"), IRI("urn:isbn:123")},
		{s, IRI("http://example.org/x"), IRI("http://example.org/%C3%A5?q=1&r=2#frag")},
		{s, IRI("http://example.org/x"), IRI("http://example.org/æøå/ø")},
		{s, IRI("http://example.org/emoji"), Literal("😀 \u2028 ok", "", "")},
		{s, IRI("http://example.org/bool"), Literal("true", "", XSDBoolean)},
		{s, IRI("http://example.org/n2"), Literal("-1", "", XSDInteger)},
		{s, IRI("http://example.org/ctrl"), Literal("a\x7fb", "", "")},
		{b, IRI("http://www.w3.org/ns/dcat#startDate"), Literal("1967", "", XSDNS+"gYear")},
		{b, IRI(RDFType), IRI("http://purl.org/dc/terms/PeriodOfTime")},
		{IRI("http://example.org/dataset/2"), IRI("http://purl.org/dc/terms/title"), Literal("", "", "")},
		{s, IRI("http://purl.org/dc/terms/description"), Literal("back to the first subject", "", "")},
	}
	roundTrip(t, "handmade", ts)
}

// TestWriteW3C writes the graph of every W3C Turtle and RDF/XML evaluation
// test in every format and reads it back.
func TestWriteW3C(t *testing.T) {
	for _, suite := range []string{"rdf-turtle", "rdf-xml"} {
		tests, base := loadManifest(t, suite)
		n := 0
		for _, tc := range tests {
			if tc.kind != "TestTurtleEval" && tc.kind != "TestXMLEval" {
				continue
			}
			want, err := parseFile(filepath.Join(w3cDir, suite, tc.result), FormatNTriples, "")
			if err != nil {
				t.Fatalf("%s: %v", tc.result, err)
			}
			roundTrip(t, suite+"/"+tc.name, want)
			n++
		}
		_ = base
		if n < 50 {
			t.Errorf("%s: only %d evaluation tests", suite, n)
		}
	}
}

func TestWriteEmptyDocuments(t *testing.T) {
	for _, f := range allFormats {
		got, err := collect(bytes.NewReader(writeAll(t, f, nil)), f, Options{})
		if err != nil || len(got) != 0 {
			t.Errorf("%v: empty document read back as %v, %v", f, got, err)
		}
	}
}

func TestWriteTurtleIsReadable(t *testing.T) {
	s := IRI("http://example.org/dataset/1")
	doc := string(writeAll(t, FormatTurtle, []Triple{
		{s, IRI(RDFType), IRI("http://www.w3.org/ns/dcat#Dataset")},
		{s, IRI("http://purl.org/dc/terms/title"), Literal("A", "en", "")},
		{s, IRI("http://purl.org/dc/terms/title"), Literal("B", "nb", "")},
		{s, IRI("http://www.w3.org/ns/dcat#keyword"), Literal("k", "", "")},
	}))
	want := `@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .

<http://example.org/dataset/1>
    a dcat:Dataset ;
    dct:title "A"@en ,
        "B"@nb ;
    dcat:keyword "k" .
`
	if doc != want {
		t.Errorf("Turtle:\n%s\nwant:\n%s", doc, want)
	}
}

func TestWriteIRIs(t *testing.T) {
	s := IRI("http://example.org/s")
	doc := writeAll(t, FormatNTriples, []Triple{{s, IRI("http://example.org/p"), IRI("http://example.org/a b{c}")}})
	if want := "<http://example.org/a%20b%7Bc%7D>"; !bytes.Contains(doc, []byte(want)) {
		t.Errorf("N-Triples %s; want the IRI written as %s", doc, want)
	}
	w := NewWriter(&bytes.Buffer{}, FormatRDFXML, nil)
	if err := w.Write(Triple{s, IRI("http://example.org/2"), s}); err == nil || !strings.Contains(err.Error(), "XML name") {
		t.Errorf("RDF/XML with predicate <http://example.org/2>: %v; want an error that says it has no XML name", err)
	}
}

func TestWriteRejectsBadTriples(t *testing.T) {
	for _, f := range allFormats {
		w := NewWriter(&bytes.Buffer{}, f, nil)
		err := w.Write(Triple{Literal("x", "", ""), IRI("http://example.org/p"), IRI("http://example.org/o")})
		if err == nil || !strings.Contains(err.Error(), "subject") {
			t.Errorf("%v: a literal subject gave %v", f, err)
		}
		if err2 := w.Close(); err2 != err {
			t.Errorf("%v: Close() = %v; want the first error", f, err2)
		}
	}
}

// BenchmarkWrite measures how fast a realistic feed is written in each
// format (MB/s of output).
func BenchmarkWrite(b *testing.B) {
	data, err := os.ReadFile("../../fixtures/feeds/fhi-mfr.ttl")
	if err != nil {
		b.Fatal(err)
	}
	ts, err := collect(bytes.NewReader(data), FormatTurtle, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range allFormats {
		b.Run(f.String(), func(b *testing.B) {
			var buf bytes.Buffer
			w := NewWriter(&buf, f, testPrefixes)
			for _, tr := range ts {
				w.Write(tr)
			}
			w.Close()
			b.SetBytes(int64(buf.Len()))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				buf.Reset()
				w := NewWriter(&buf, f, testPrefixes)
				for _, tr := range ts {
					w.Write(tr)
				}
				w.Close()
			}
		})
	}
}

func TestValidLangTag(t *testing.T) {
	for tag, want := range map[string]bool{
		"nb": true, "en-GB": true, "de-CH-1996": true, "x-private1": true,
		"": false, "nb no": false, "1": false, "nb-": false, "-nb": false, "nb--no": false, "nø": false,
	} {
		if got := ValidLangTag(tag); got != want {
			t.Errorf("ValidLangTag(%q) = %v; want %v", tag, got, want)
		}
	}
	w := NewWriter(&bytes.Buffer{}, FormatTurtle, nil)
	if err := w.Write(Triple{IRI("http://example.org/s"), IRI("http://example.org/p"), Term{Kind: KindLiteral, Value: "x", Lang: "nb no"}}); err == nil {
		t.Errorf("a literal tagged %q was written", "nb no")
	}
}
