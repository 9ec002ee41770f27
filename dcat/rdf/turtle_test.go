package rdf

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func parseString(f Format, in string, opts Options) ([]Triple, error) {
	return collect(strings.NewReader(in), f, opts)
}

// mustNTriples parses the expected graph of a test case.
func mustNTriples(t *testing.T, nt string) []Triple {
	t.Helper()
	ts, err := parseString(FormatNTriples, nt, Options{})
	if err != nil {
		t.Fatalf("bad test case: ParseNTriples(%q) = %v", nt, err)
	}
	return ts
}

const turtlePrefixes = "@prefix : <http://ex.org/> .\n"

func TestParseTurtle(t *testing.T) {
	tests := []struct {
		name, in, base, want string
	}{
		{"semicolon before ]", `:s :p [ :q :o ; ] .`, "",
			`<http://ex.org/s> <http://ex.org/p> _:b . _:b <http://ex.org/q> <http://ex.org/o> .`},
		{"repeated semicolons in []", `[ :p :o ;; :q :r ] .`, "",
			`_:b <http://ex.org/p> <http://ex.org/o> . _:b <http://ex.org/q> <http://ex.org/r> .`},
		{"repeated semicolons at end", `:s :p :o ;;; .`, "",
			`<http://ex.org/s> <http://ex.org/p> <http://ex.org/o> .`},
		{"blank node property list as subject", `[ :p :o ] :q :r .`, "",
			`_:b <http://ex.org/p> <http://ex.org/o> . _:b <http://ex.org/q> <http://ex.org/r> .`},
		{"anonymous subject", `[] :p :o .`, "",
			`_:b <http://ex.org/p> <http://ex.org/o> .`},
		{"object list", `:s :p :a, :b .`, "",
			`<http://ex.org/s> <http://ex.org/p> <http://ex.org/a> . <http://ex.org/s> <http://ex.org/p> <http://ex.org/b> .`},
		{"a", `:s a :C .`, "",
			`<http://ex.org/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex.org/C> .`},
		{"collection", `:s :p ( :a "b" ) .`, "", `
			<http://ex.org/s> <http://ex.org/p> _:l1 .
			_:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <http://ex.org/a> .
			_:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:l2 .
			_:l2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "b" .
			_:l2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .`},
		{"empty collection", `:s :p () .`, "",
			`<http://ex.org/s> <http://ex.org/p> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .`},
		{"numbers", `:s :p 1, -2.5, +3e2, 1.e0, .5 .`, "", `
			<http://ex.org/s> <http://ex.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
			<http://ex.org/s> <http://ex.org/p> "-2.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .
			<http://ex.org/s> <http://ex.org/p> "+3e2"^^<http://www.w3.org/2001/XMLSchema#double> .
			<http://ex.org/s> <http://ex.org/p> "1.e0"^^<http://www.w3.org/2001/XMLSchema#double> .
			<http://ex.org/s> <http://ex.org/p> ".5"^^<http://www.w3.org/2001/XMLSchema#decimal> .`},
		{"integer before final dot", `:s :p 7.`, "",
			`<http://ex.org/s> <http://ex.org/p> "7"^^<http://www.w3.org/2001/XMLSchema#integer> .`},
		{"booleans", `:s :p true, false .`, "", `
			<http://ex.org/s> <http://ex.org/p> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
			<http://ex.org/s> <http://ex.org/p> "false"^^<http://www.w3.org/2001/XMLSchema#boolean> .`},
		{"language tag is lower-cased", `:s :p "Hei"@NB-no .`, "",
			`<http://ex.org/s> <http://ex.org/p> "Hei"@nb-no .`},
		{"datatype", `@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . :s :p "2020"^^xsd:gYear, "x"^^<http://ex.org/dt> .`, "", `
			<http://ex.org/s> <http://ex.org/p> "2020"^^<http://www.w3.org/2001/XMLSchema#gYear> .
			<http://ex.org/s> <http://ex.org/p> "x"^^<http://ex.org/dt> .`},
		{"xsd:string is a simple literal", `:s :p "x"^^<http://www.w3.org/2001/XMLSchema#string> .`, "",
			`<http://ex.org/s> <http://ex.org/p> "x" .`},
		{"string forms and escapes", `:s :p 'a\'b', "c\"d\u00E6\U0001F600", """e""f
g""", '''h'i''', "\t\b\n\r\f\\" .`, "", `
			<http://ex.org/s> <http://ex.org/p> "a'b" .
			<http://ex.org/s> <http://ex.org/p> "c\"d\u00E6\U0001F600" .
			<http://ex.org/s> <http://ex.org/p> "e\"\"f\ng" .
			<http://ex.org/s> <http://ex.org/p> "h'i" .
			<http://ex.org/s> <http://ex.org/p> "\t\b\n\r\f\\" .`},
		{"quotes inside a long string", `:s :p """a"b""c""" .`, "",
			`<http://ex.org/s> <http://ex.org/p> "a\"b\"\"c" .`},
		{"local name escapes", `:s :p :a\,b\.c, :%41%42, :x.y, :1:2 .`, "", `
			<http://ex.org/s> <http://ex.org/p> <http://ex.org/a,b.c> .
			<http://ex.org/s> <http://ex.org/p> <http://ex.org/%41%42> .
			<http://ex.org/s> <http://ex.org/p> <http://ex.org/x.y> .
			<http://ex.org/s> <http://ex.org/p> <http://ex.org/1:2> .`},
		{"relative IRIs against Options.Base", `<a> <#p> <../c> .`, "http://ex.org/x/y",
			`<http://ex.org/x/a> <http://ex.org/x/y#p> <http://ex.org/c> .`},
		{"@base and BASE change the base", `@base <http://one.org/d/> . <a> :p <b> . BASE <../e/> <f> :p <g> .`, "", `
			<http://one.org/d/a> <http://ex.org/p> <http://one.org/d/b> .
			<http://one.org/e/f> <http://ex.org/p> <http://one.org/e/g> .`},
		{"SPARQL PREFIX in any case", "prefix p: <http://p.org/>\nPrEfIx q: <http://q.org/>\np:s q:p p:o .", "",
			`<http://p.org/s> <http://q.org/p> <http://p.org/o> .`},
		{"prefix redefined", `@prefix p: <http://one.org/> . p:s :p :o . @prefix p: <http://two.org/> . p:s :p :o .`, "", `
			<http://one.org/s> <http://ex.org/p> <http://ex.org/o> .
			<http://two.org/s> <http://ex.org/p> <http://ex.org/o> .`},
		{"prefix named like a keyword", `@prefix a: <http://a.org/> . @prefix true: <http://t.org/> . a:s a true:o .`, "",
			`<http://a.org/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://t.org/o> .`},
		{"input labels never collide with generated ones", `_:b1 :p [ :q _:b2 ] . _:b1 :r _:b2 .`, "", `
			_:x <http://ex.org/p> _:y . _:y <http://ex.org/q> _:z . _:x <http://ex.org/r> _:z .`},
		{"comments", "# c1\n:s :p :o . # c2 æøå\n# c3", "",
			`<http://ex.org/s> <http://ex.org/p> <http://ex.org/o> .`},
		{"mailto and urn IRIs", `<mailto:x@y.no> :p <urn:isbn:0451450523> .`, "",
			`<mailto:x@y.no> <http://ex.org/p> <urn:isbn:0451450523> .`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseString(FormatTurtle, turtlePrefixes+tc.in, Options{Base: tc.base})
			if err != nil {
				t.Fatalf("ParseTurtle(%q) = %v; want nil", tc.in, err)
			}
			want := mustNTriples(t, strings.ReplaceAll(strings.TrimSpace(tc.want), " . ", " .\n"))
			if !Isomorphic(got, want) {
				t.Errorf("ParseTurtle(%q) =\n%s\nwant\n%s", tc.in, ntLines(got), ntLines(want))
			}
		})
	}
}

// TestParseTurtleBlankLabels checks that the three blank nodes of a document
// that uses the labels a reader might generate stay three.
func TestParseTurtleBlankLabels(t *testing.T) {
	in := turtlePrefixes + `_:b1 :p _:b2 . _:b2 :p [] . _:b0 :p _:b3 .`
	got, err := parseString(FormatTurtle, in, Options{})
	if err != nil {
		t.Fatalf("ParseTurtle(%q) = %v; want nil", in, err)
	}
	labels := map[string]bool{}
	for _, tr := range got {
		for _, term := range []Term{tr.S, tr.O} {
			if term.IsBlank() {
				labels[term.Value] = true
			}
		}
	}
	if len(labels) != 5 {
		t.Errorf("ParseTurtle(%q) gave %d distinct blank nodes (%v); want 5", in, len(labels), labels)
	}
}

func TestParseTurtleEncoding(t *testing.T) {
	want := mustNTriples(t, "<http://ex.org/s> <http://ex.org/p> \"a\\nb\" .\n<http://ex.org/s> <http://ex.org/q> \"c\" .")
	tests := []struct{ name, in string }{
		{"BOM", "\xEF\xBB\xBF" + turtlePrefixes + ":s :p \"a\\nb\" ; :q \"c\" ."},
		{"CRLF", strings.ReplaceAll(turtlePrefixes+":s :p \"\"\"a\nb\"\"\" ;\n :q \"c\" .\n", "\n", "\r\n")},
	}
	for _, tc := range tests {
		got, err := parseString(FormatTurtle, tc.in, Options{})
		if err != nil {
			t.Fatalf("%s: ParseTurtle(%q) = %v; want nil", tc.name, tc.in, err)
		}
		// In the CRLF case the long string keeps its CR, as Turtle says.
		if tc.name == "CRLF" {
			for i := range got {
				got[i].O.Value = strings.ReplaceAll(got[i].O.Value, "\r", "")
			}
		}
		if !Isomorphic(got, want) {
			t.Errorf("%s: ParseTurtle(%q) =\n%s\nwant\n%s", tc.name, tc.in, ntLines(got), ntLines(want))
		}
	}
}

func TestParseTurtleErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		opts      Options
		line, col int
		msg       string
	}{
		{"missing dot", "<http://a/s> <http://a/p> <http://a/o> ]", Options{}, 1, 40, "expected '.' after triple, found ']'"},
		{"undefined prefix", "@prefix a: <http://a/> .\na:s b:p a:o .", Options{}, 2, 5, `undefined prefix "b:"`},
		{"position counts runes", "# æøå\n<http://a/æ> <http://a/p> \"ø\" ; ] .", Options{}, 2, 33, "expected '.' after triple, found ']'"},
		{"relative IRI without base", "<s> <http://a/p> <http://a/o> .", Options{}, 1, 1, "relative IRI <s>"},
		{"invalid UTF-8 in string", "<http://a/s> <http://a/p> \"ab\xffc\" .", Options{}, 1, 30, "invalid UTF-8"},
		{"invalid UTF-8 in comment", "#\xff\n", Options{}, 1, 2, "invalid UTF-8"},
		{"invalid UTF-8 in IRI", "<http://a/\xc3> <http://a/p> 1 .", Options{}, 1, 11, "invalid UTF-8"},
		{"bad escape", `<http://a/s> <http://a/p> "\q" .`, Options{}, 1, 29, `invalid escape '\q'`},
		{"surrogate escape", `<http://a/s> <http://a/p> "\uD800" .`, Options{}, 1, 28, "not a Unicode scalar value"},
		{"literal subject", `"s" <http://a/p> <http://a/o> .`, Options{}, 1, 1, "a literal cannot be a subject"},
		{"unterminated string", "<http://a/s> <http://a/p> \"abc", Options{}, 1, 27, "string not closed"},
		{"line break in string", "<http://a/s> <http://a/p> \"a\nb\" .", Options{}, 1, 29, "line break"},
		{"missing object", "<http://a/s> <http://a/p> .", Options{}, 1, 27, "expected an object"},
		{"unclosed bracket", "<http://a/s> <http://a/p> [ <http://a/q> 1 .", Options{}, 1, 44, "expected ']'"},
		{"unclosed collection", "<http://a/s> <http://a/p> ( 1 2", Options{}, 1, 32, "collection not closed"},
		{"literal too long", `<http://a/s> <http://a/p> "0123456789abc" .`, Options{MaxLiteralBytes: 10}, 1, 27, "literal longer than 10 bytes"},
		{"IRI too long", `<http://a/s> <http://a/p> <http://a/0123456789> .`, Options{MaxLiteralBytes: 10}, 1, 27, "IRI longer than 10 bytes"},
		{"brackets too deep", "<http://a/s> <http://a/p> " + strings.Repeat("[ <http://a/p> ", 5) + "1" + strings.Repeat(" ]", 5) + " .", Options{MaxDepth: 4}, 1, 87, "nesting deeper than 4 levels"},
		{"collections too deep", "<http://a/s> <http://a/p> " + strings.Repeat("(", 300) + strings.Repeat(")", 300) + " .", Options{}, 1, 283, "nesting deeper than 256 levels"},
		{"a as subject", "a <http://a/p> <http://a/o> .", Options{}, 1, 1, `unexpected word "a"`},
		{"@prefix without dot", "@prefix a: <http://a/>\na:s a:p a:o .", Options{}, 2, 1, "expected '.' after @prefix directive"},
		{"bad base option", "<http://a/s> <http://a/p> <http://a/o> .", Options{Base: "not/absolute"}, 0, 0, "not absolute"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseString(FormatTurtle, tc.in, tc.opts)
			checkSyntaxError(t, "ParseTurtle", tc.in, err, "turtle", tc.line, tc.col, tc.msg)
		})
	}
}

// checkSyntaxError checks err is a *SyntaxError at line:col (unless line is
// 0) whose message contains msg.
func checkSyntaxError(t *testing.T, fn, in string, err error, format string, line, col int, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s(%q) = nil; want an error containing %q", fn, in, msg)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("%s(%q) = %v; want an error containing %q", fn, in, err, msg)
	}
	if line == 0 {
		return
	}
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("%s(%q) = %T %v; want a *SyntaxError", fn, in, err, err)
	}
	if se.Format != format || se.Line != line || se.Col != col {
		t.Errorf("%s(%q) = %v; want format %s, line %d, column %d", fn, in, err, format, line, col)
	}
}

// TestParseTurtleChunks parses the W3C Turtle documents and a feed through
// readers that return one byte, or half the request, at a time: every
// token must survive being split across reads.
func TestParseTurtleChunks(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(w3cDir, "rdf-turtle", "*.ttl"))
	paths = append(paths, filepath.Join(feedsDir, "fhi-msis.ttl"))
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		opts := Options{Base: "http://example.org/" + filepath.Base(path)}
		whole, wholeErr := collect(strings.NewReader(string(data)), FormatTurtle, opts)
		for name, r := range map[string]io.Reader{
			"one byte": iotest.OneByteReader(strings.NewReader(string(data))),
			"half":     iotest.HalfReader(strings.NewReader(string(data))),
		} {
			got, err := collect(r, FormatTurtle, opts)
			if fmt.Sprint(err) != fmt.Sprint(wholeErr) {
				t.Errorf("%s, %s reads: ParseTurtle = %v; want %v", filepath.Base(path), name, err, wholeErr)
				continue
			}
			if !Isomorphic(got, whole) {
				t.Errorf("%s, %s reads: ParseTurtle gave a different graph", filepath.Base(path), name)
			}
		}
	}
}

// TestParseTurtleLongTokens checks tokens longer than the read buffer and
// that positions stay right after them.
func TestParseTurtleLongTokens(t *testing.T) {
	long := strings.Repeat("x", 3*lexBufSize+17)
	in := turtlePrefixes + ":s :p \"" + long + "\" .\n:s :p <http://ex.org/" + long + "> .\n:s :p :" + long + " .\n:s :p \"\"\"" + long + "\n\"\"\" .\n:s :p ] ."
	got, err := collect(iotest.HalfReader(strings.NewReader(in)), FormatTurtle, Options{})
	checkSyntaxError(t, "ParseTurtle", "<long document>", err, "turtle", 7, 7, "expected an object")
	if len(got) != 4 {
		t.Fatalf("ParseTurtle(<long document>) gave %d triples before the error; want 4", len(got))
	}
	for i, want := range []string{long, "http://ex.org/" + long, "http://ex.org/" + long, long + "\n"} {
		if got[i].O.Value != want {
			t.Errorf("triple %d: object of length %d; want length %d", i, len(got[i].O.Value), len(want))
		}
	}
}

func TestParseTurtleHandlerError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := ParseTurtle(strings.NewReader(turtlePrefixes+":a :b :c, :d, :e ."), Options{}, func(Triple) error {
		if n++; n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Errorf("ParseTurtle with a failing handler = %v after %d triples; want %v after 2", err, n, stop)
	}
}

func TestParseTurtleReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader(turtlePrefixes+":a :b :c .\n:a :b "), iotest.ErrReader(boom))
	_, err := collect(r, FormatTurtle, Options{})
	if !errors.Is(err, boom) {
		t.Errorf("ParseTurtle(failing reader) = %v; want an error wrapping %v", err, boom)
	}
}
