package rdf

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"
)

const fuzzBase = "http://example.org/dir/doc"

// checkFuzzError fails unless err is a usable *SyntaxError.
func checkFuzzError(t *testing.T, fn string, in []byte, err error, format string, wantPos bool) {
	t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("%s(%q) = %T %v; want a *SyntaxError", fn, in, err, err)
	}
	if se.Format != format || se.Msg == "" || wantPos && (se.Line < 1 || se.Col < 1) {
		t.Fatalf("%s(%q) = %#v; want format %s, a message and a position", fn, in, se, format)
	}
}

// checkRoundTrip checks that the triples, written as N-Triples, read back
// as the same graph.
func checkRoundTrip(t *testing.T, fn string, in []byte, ts []Triple) {
	t.Helper()
	var b strings.Builder
	for _, tr := range ts {
		for _, term := range []Term{tr.S, tr.P, tr.O} {
			if term.IsZero() || term.IsIRI() && !isAbsoluteIRI(term.Value) {
				t.Fatalf("%s(%q) gave a bad term %#v in %v", fn, in, term, tr)
			}
		}
		b.WriteString(tr.String())
		b.WriteByte('\n')
	}
	back, err := parseString(FormatNTriples, b.String(), Options{})
	if err != nil {
		t.Fatalf("%s(%q) gave triples that do not read back: ParseNTriples(%q) = %v", fn, in, b.String(), err)
	}
	if !Isomorphic(ts, back) {
		t.Fatalf("%s(%q) gave triples that read back differently:\n%s\nvs\n%s", fn, in, ntLines(ts), ntLines(back))
	}
}

// fuzzLineReader checks a line-based reader: errors are positioned, results
// survive a round trip, and reading one byte at a time changes nothing.
func fuzzLineReader(t *testing.T, f Format, fn string, data []byte) {
	opts := Options{Base: fuzzBase, MaxDepth: 32, MaxLiteralBytes: 1 << 16}
	ts, err := collect(strings.NewReader(string(data)), f, opts)
	ts2, err2 := collect(iotest.OneByteReader(strings.NewReader(string(data))), f, opts)
	if fmt.Sprint(err) != fmt.Sprint(err2) {
		t.Fatalf("%s(%q) = %v, but %v when read byte by byte", fn, data, err, err2)
	}
	if err != nil {
		checkFuzzError(t, fn, data, err, f.String(), true)
		return
	}
	if !Isomorphic(ts, ts2) {
		t.Fatalf("%s(%q) gave a different graph when read byte by byte", fn, data)
	}
	checkRoundTrip(t, fn, data, ts)
}

func FuzzParseTurtle(f *testing.F) {
	for _, seed := range []string{
		"@prefix : <http://ex.org/> .\n:s :p :o, \"x\"@en, 1, -2.5e3, true ; a :C .",
		"PREFIX ex: <http://ex.org/>\nex:s ex:p [ ex:q ( 1 2 ( ) ) ; ] .",
		"<a> <b> \"\"\"long\n\"quoted\" \\u00E6\"\"\" .",
		"@base <http://x.org/a/b> . <../c> <#d> '''x''' .",
		"_:a <http://p> _:b . [] <http://p> [ <http://q> 'y'^^<http://dt> ] .",
		"@prefix e.g: <http://e/> . e.g:a\\,b e.g:%41 e.g:c.d .",
		"# comment\n\xEF\xBB\xBF<http://a> <http://b> <http://c> .",
		":s :p :o",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLineReader(t, FormatTurtle, "ParseTurtle", data)
	})
}

func FuzzParseNTriples(f *testing.F) {
	for _, seed := range []string{
		"<http://a/s> <http://a/p> <http://a/o> .\n",
		"_:x <http://a/p> \"a\\tb\\u00E6\"@en-GB . # c\r\n",
		"<http://a/s> <http://a/p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .",
		"<http://a/s><http://a/p>_:y.",
		"<s> <p> <o> .",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLineReader(t, FormatNTriples, "ParseNTriples", data)
	})
}

func FuzzParseRDFXML(f *testing.F) {
	for _, seed := range []string{
		rdfXML(`<rdf:Description rdf:about="mailto:a@b.no" ex:p="v" xml:lang="nb"><ex:q rdf:resource="urn:x:y"/></rdf:Description>`),
		rdfXML(`<ex:T rdf:ID="t" xml:base="http://b.org/"><ex:p rdf:parseType="Resource"><ex:q>1</ex:q></ex:p><rdf:li rdf:nodeID="n"/></ex:T>`),
		rdfXML(`<rdf:Description><ex:l rdf:parseType="Literal"><a xmlns="http://h/" b="c">d<!--e--></a></ex:l><ex:c rdf:parseType="Collection"><rdf:Description/></ex:c></rdf:Description>`),
		`<!DOCTYPE r [<!ENTITY a "b">]><r/>`,
		`<ex:x xmlns:ex="http://ex.org/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><ex:p rdf:datatype="http://d">1</ex:p></ex:x>`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{Base: fuzzBase, MaxDepth: 32, MaxLiteralBytes: 1 << 16}
		ts, err := collect(strings.NewReader(string(data)), FormatRDFXML, opts)
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				checkFuzzError(t, "ParseRDFXML", data, err, "rdfxml", true)
			} else if !strings.HasPrefix(err.Error(), "rdfxml: ") {
				t.Fatalf("ParseRDFXML(%q) = %v; want a *SyntaxError or an rdfxml error", data, err)
			}
			return
		}
		checkRoundTrip(t, "ParseRDFXML", data, ts)
	})
}

func FuzzParseJSONLD(f *testing.F) {
	for _, seed := range []string{
		`{"@context": {"dct": "http://purl.org/dc/terms/"}, "@id": "http://ex.org/d", "dct:title": {"@value": "T", "@language": "no"}}`,
		`[{"@id": "_:a", "http://ex.org/p": [{"@id": "_:b"}, 1, 2.5, true, {"@list": ["x"]}]}]`,
		`{"@context": "https://schema.org/", "name": "x"}`,
		`{"@context": {"@vocab": "http://v/"}, "@graph": [{"@id": "rel", "p": {"q": null}}]}`,
		`{"a": [1,, 2]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{Base: fuzzBase, MaxDepth: 32, MaxLiteralBytes: 1 << 16}
		ts, err := collect(strings.NewReader(string(data)), FormatJSONLD, opts)
		if err != nil {
			var rc *RemoteContextError
			if !errors.As(err, &rc) {
				checkFuzzError(t, "ParseJSONLD", data, err, "jsonld", false)
			}
			return
		}
		for _, tr := range ts {
			if tr.S.IsZero() || tr.P.IsZero() || tr.O.IsZero() {
				t.Fatalf("ParseJSONLD(%q) gave a bad triple %#v", data, tr)
			}
		}
	})
}
