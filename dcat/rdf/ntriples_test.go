package rdf

import (
	"strings"
	"testing"
)

func TestParseNTriples(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Triple
	}{
		{"IRIs", "<http://a/s> <http://a/p> <http://a/o> .\n",
			[]Triple{{IRI("http://a/s"), IRI("http://a/p"), IRI("http://a/o")}}},
		{"no final newline, tabs, comment", "<http://a/s>\t<http://a/p>\t\"x\" . # note",
			[]Triple{{IRI("http://a/s"), IRI("http://a/p"), Literal("x", "", "")}}},
		{"minimal white space", `<http://a/s><http://a/p>"x"@EN-gb.`,
			[]Triple{{IRI("http://a/s"), IRI("http://a/p"), Literal("x", "en-gb", "")}}},
		{"typed literal and escapes", `<http://a/s> <http://a/p> "a\tb\u00E6\"\\"^^<http://a/dt> .`,
			[]Triple{{IRI("http://a/s"), IRI("http://a/p"), Literal("a\tb\u00e6\"\\", "", "http://a/dt")}}},
		{"blank nodes", "_:x <http://a/p> _:y .\n_:y <http://a/p> _:x .",
			[]Triple{{Blank("1"), IRI("http://a/p"), Blank("2")}, {Blank("2"), IRI("http://a/p"), Blank("1")}}},
		{"BOM and CRLF", "\xEF\xBB\xBF<urn:a> <urn:b> <mailto:c@d.no> .\r\n\r\n<urn:a> <urn:b> \"e\" .\r\n",
			[]Triple{{IRI("urn:a"), IRI("urn:b"), IRI("mailto:c@d.no")}, {IRI("urn:a"), IRI("urn:b"), Literal("e", "", "")}}},
		{"empty document", "# nothing\n\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseString(FormatNTriples, tc.in, Options{})
			if err != nil {
				t.Fatalf("ParseNTriples(%q) = %v; want nil", tc.in, err)
			}
			if !Isomorphic(got, tc.want) {
				t.Errorf("ParseNTriples(%q) =\n%s\nwant\n%s", tc.in, ntLines(got), ntLines(tc.want))
			}
		})
	}
}

func TestParseNTriplesErrors(t *testing.T) {
	tests := []struct {
		name, in  string
		opts      Options
		line, col int
		msg       string
	}{
		{"relative IRI", "<http://a/s> <p> <http://a/o> .", Options{Base: "http://a/"}, 1, 14, "relative IRI <p> is not allowed"},
		{"prefixed name", "<http://a/s> <http://a/p> a:b .", Options{}, 1, 27, "expected an object"},
		{"two triples on a line", "<http://a/s> <http://a/p> <http://a/o> . <http://a/s> <http://a/p> <http://a/o> .", Options{}, 1, 42, "expected end of line"},
		{"space before language tag", `<http://a/s> <http://a/p> "x" @en .`, Options{}, 1, 31, "expected '.'"},
		{"long string", `<http://a/s> <http://a/p> """x""" .`, Options{}, 1, 29, "expected '.'"},
		{"number", "<http://a/s> <http://a/p> 1 .", Options{}, 1, 27, "expected an object"},
		{"missing dot", "<http://a/s> <http://a/p> <http://a/o>\n", Options{}, 1, 39, "expected '.' after triple"},
		{"blank predicate", "<http://a/s> _:p <http://a/o> .", Options{}, 1, 14, "a blank node cannot be a predicate"},
		{"invalid UTF-8", "<http://a/s> <http://a/p> \"\xe2\x82\" .\n", Options{}, 1, 28, "invalid UTF-8"},
		{"literal too long", `<http://a/s> <http://a/p> "abcdefghijklmnop" .`, Options{MaxLiteralBytes: 12}, 1, 27, "literal longer than 12 bytes"},
		{"position on a later line", "<http://a/s> <http://a/p> <http://a/o> .\n<http://a/s> <http://a/p> <http://a/o> ;", Options{}, 2, 40, "expected '.'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseString(FormatNTriples, tc.in, tc.opts)
			checkSyntaxError(t, "ParseNTriples", tc.in, err, "ntriples", tc.line, tc.col, tc.msg)
		})
	}
}

// TestNTriplesRoundTrip checks that Triple.String output reads back.
func TestNTriplesRoundTrip(t *testing.T) {
	in := turtlePrefixes + `:s :p "a\"b\\c\nd\re\tf", "x"@en, 1, [ :q <http://ex.org/ä%20> ] .`
	ts, err := parseString(FormatTurtle, in, Options{})
	if err != nil {
		t.Fatalf("ParseTurtle(%q) = %v", in, err)
	}
	var b strings.Builder
	for _, tr := range ts {
		b.WriteString(tr.String())
		b.WriteByte('\n')
	}
	back, err := parseString(FormatNTriples, b.String(), Options{})
	if err != nil {
		t.Fatalf("ParseNTriples(%q) = %v; want nil", b.String(), err)
	}
	if !Isomorphic(ts, back) {
		t.Errorf("ParseNTriples(%q) =\n%s\nwant\n%s", b.String(), ntLines(back), ntLines(ts))
	}
}
