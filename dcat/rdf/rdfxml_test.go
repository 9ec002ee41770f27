package rdf

import (
	"strings"
	"testing"
	"testing/iotest"
)

// rdfXML wraps body in an rdf:RDF element with the usual namespaces.
func rdfXML(body string) string {
	return `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:ex="http://ex.org/" xmlns:foaf="http://xmlns.com/foaf/0.1/">
` + body + `
</rdf:RDF>`
}

func TestParseRDFXML(t *testing.T) {
	tests := []struct {
		name, in, base, want string
	}{
		{"mailto and urn IRIs", rdfXML(`
  <foaf:Person rdf:about="mailto:x@y.no">
    <ex:book rdf:resource="urn:isbn:0451450523"/>
  </foaf:Person>`), "", `
			<mailto:x@y.no> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Person> .
			<mailto:x@y.no> <http://ex.org/book> <urn:isbn:0451450523> .`},
		{"urn subject and mailto object", rdfXML(`
  <rdf:Description rdf:about="urn:isbn:0451450523">
    <ex:contact rdf:resource="mailto:post@example.no"/>
  </rdf:Description>`), "", `
			<urn:isbn:0451450523> <http://ex.org/contact> <mailto:post@example.no> .`},
		{"xml:lang inherits and resets", rdfXML(`
  <rdf:Description rdf:about="http://ex.org/s" xml:lang="NB">
    <ex:a>nb</ex:a>
    <ex:b xml:lang="">none</ex:b>
    <ex:c rdf:datatype="http://ex.org/dt">typed</ex:c>
    <ex:d ex:e="attr"/>
  </rdf:Description>`), "", `
			<http://ex.org/s> <http://ex.org/a> "nb"@nb .
			<http://ex.org/s> <http://ex.org/b> "none" .
			<http://ex.org/s> <http://ex.org/c> "typed"^^<http://ex.org/dt> .
			<http://ex.org/s> <http://ex.org/d> _:b .
			_:b <http://ex.org/e> "attr"@nb .`},
		{"xml:base and rdf:ID", rdfXML(`
  <rdf:Description rdf:ID="one" xml:base="http://base.org/dir/file#frag">
    <ex:p rdf:resource="../other"/>
    <ex:q rdf:ID="stmt">v</ex:q>
  </rdf:Description>`), "http://ignored.org/", `
			<http://base.org/dir/file#one> <http://ex.org/p> <http://base.org/other> .
			<http://base.org/dir/file#one> <http://ex.org/q> "v" .
			<http://base.org/dir/file#stmt> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement> .
			<http://base.org/dir/file#stmt> <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <http://base.org/dir/file#one> .
			<http://base.org/dir/file#stmt> <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <http://ex.org/q> .
			<http://base.org/dir/file#stmt> <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> "v" .`},
		{"relative rdf:about against Options.Base", rdfXML(`<rdf:Description rdf:about="x"><ex:p>1</ex:p></rdf:Description>`), "http://b.org/a/b", `
			<http://b.org/a/x> <http://ex.org/p> "1" .`},
		{"rdf:li numbering and a typed node", rdfXML(`
  <rdf:Seq rdf:about="http://ex.org/seq">
    <rdf:li>a</rdf:li>
    <rdf:li rdf:resource="http://ex.org/b"/>
    <rdf:_7>c</rdf:_7>
    <rdf:li>d</rdf:li>
  </rdf:Seq>`), "", `
			<http://ex.org/seq> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/1999/02/22-rdf-syntax-ns#Seq> .
			<http://ex.org/seq> <http://www.w3.org/1999/02/22-rdf-syntax-ns#_1> "a" .
			<http://ex.org/seq> <http://www.w3.org/1999/02/22-rdf-syntax-ns#_2> <http://ex.org/b> .
			<http://ex.org/seq> <http://www.w3.org/1999/02/22-rdf-syntax-ns#_7> "c" .
			<http://ex.org/seq> <http://www.w3.org/1999/02/22-rdf-syntax-ns#_3> "d" .`},
		{"parseType Resource, Collection and Literal", rdfXML(`
  <rdf:Description rdf:about="http://ex.org/s">
    <ex:r rdf:parseType="Resource"><ex:q>1</ex:q></ex:r>
    <ex:c rdf:parseType="Collection"><rdf:Description rdf:about="http://ex.org/a"/><rdf:Description rdf:nodeID="n"/></ex:c>
    <ex:l rdf:parseType="Literal"><b xmlns="http://www.w3.org/1999/xhtml" class="x">bold &amp; <i>it</i></b><!--c--></ex:l>
    <ex:o rdf:parseType="Other"><x/></ex:o>
    <ex:e rdf:parseType="Collection"/>
  </rdf:Description>`), "", `
			<http://ex.org/s> <http://ex.org/r> _:r .
			_:r <http://ex.org/q> "1" .
			<http://ex.org/s> <http://ex.org/c> _:l1 .
			_:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <http://ex.org/a> .
			_:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:l2 .
			_:l2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> _:n .
			_:l2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .
			<http://ex.org/s> <http://ex.org/l> "<b xmlns=\"http://www.w3.org/1999/xhtml\" class=\"x\">bold &amp; <i>it</i></b><!--c-->"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral> .
			<http://ex.org/s> <http://ex.org/o> "<x></x>"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral> .
			<http://ex.org/s> <http://ex.org/e> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .`},
		{"root node element without rdf:RDF", `<ex:Thing xmlns:ex="http://ex.org/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about="http://ex.org/t"/>`, "", `
			<http://ex.org/t> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex.org/Thing> .`},
		{"BOM, CRLF and entities", "\xEF\xBB\xBF" + strings.ReplaceAll(rdfXML(`<rdf:Description rdf:about="http://ex.org/s?a=1&amp;b=2"><ex:p>x&#13;&lt;
y</ex:p></rdf:Description>`), "\n", "\r\n"), "", `
			<http://ex.org/s?a=1&b=2> <http://ex.org/p> "x\r<\ny" .`},
		{"ISO-8859-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + strings.TrimPrefix(rdfXML("<rdf:Description rdf:about=\"http://ex.org/s\"><ex:p>bl\xe5</ex:p></rdf:Description>"), `<?xml version="1.0"?>`), "", `
			<http://ex.org/s> <http://ex.org/p> "bl\u00E5" .`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseString(FormatRDFXML, tc.in, Options{Base: tc.base})
			if err != nil {
				t.Fatalf("ParseRDFXML(%q) = %v; want nil", tc.in, err)
			}
			want := mustNTriples(t, strings.TrimSpace(tc.want))
			if !Isomorphic(got, want) {
				t.Errorf("ParseRDFXML(%q) =\n%s\nwant\n%s", tc.in, ntLines(got), ntLines(want))
			}
		})
	}
}

func TestParseRDFXMLErrors(t *testing.T) {
	billionLaughs := `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/">
  <rdf:Description rdf:about="http://ex.org/s"><ex:p>&lol3;</ex:p></rdf:Description>
</rdf:RDF>`
	tests := []struct {
		name, in  string
		opts      Options
		line, col int
		msg       string
	}{
		{"billion laughs", billionLaughs, Options{}, 2, 1, "entities are never expanded"},
		{"undeclared entity", rdfXML(`<rdf:Description rdf:about="http://ex.org/s"><ex:p>&lol;</ex:p></rdf:Description>`), Options{}, 4, 52, "invalid character entity &lol;"},
		{"external entity", `<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<r>&xxe;</r>`, Options{}, 2, 1, "entities are never expanded"},
		{"depth limit", rdfXML(`<rdf:Description rdf:about="http://ex.org/s">` + strings.Repeat(`<ex:p rdf:parseType="Resource">`, 10) + strings.Repeat(`</ex:p>`, 10) + `</rdf:Description>`), Options{MaxDepth: 6}, 4, 170, "nested deeper than 6 levels"},
		{"default depth limit", rdfXML(strings.Repeat(`<rdf:Description><ex:p>`, 200) + strings.Repeat(`</ex:p></rdf:Description>`, 200)), Options{}, 4, 2939, "nested deeper than 256 levels"},
		{"huge text", rdfXML(`<rdf:Description rdf:about="http://ex.org/s"><ex:p>` + strings.Repeat("x", 100000) + `</ex:p></rdf:Description>`), Options{MaxLiteralBytes: 1000}, 4, 46, "longer than 1000 bytes"},
		{"huge attribute", rdfXML(`<rdf:Description rdf:about="http://ex.org/s" ex:p="` + strings.Repeat("x", 100000) + `"/>`), Options{MaxLiteralBytes: 1000}, 4, 1, "longer than 1000 bytes"},
		{"huge XML literal", rdfXML(`<rdf:Description rdf:about="http://ex.org/s"><ex:p rdf:parseType="Literal">` + strings.Repeat("<a>x</a>", 1000) + `</ex:p></rdf:Description>`), Options{MaxLiteralBytes: 1000}, 4, 46, "XML literal longer than 1000 bytes"},
		{"invalid UTF-8", rdfXML("<rdf:Description rdf:about=\"http://ex.org/s\"><ex:p>a\xffb</ex:p></rdf:Description>"), Options{}, 4, 53, "invalid UTF-8"},
		{"undeclared prefix", rdfXML(`<rdf:Description rdf:about="http://ex.org/s"><no:p>1</no:p></rdf:Description>`), Options{}, 4, 46, `namespace prefix "no" of <no:p> is not declared`},
		{"mismatched end tag", rdfXML(`<rdf:Description rdf:about="http://ex.org/s"><ex:p>1</ex:q></rdf:Description>`), Options{}, 4, 53, "<ex:p> is closed by </ex:q>"},
		{"text between properties", rdfXML(`<rdf:Description rdf:about="http://ex.org/s">oops<ex:p>1</ex:p></rdf:Description>`), Options{}, 4, 46, `text "oops"`},
		{"relative IRI without base", rdfXML(`<rdf:Description rdf:about="rel"/>`), Options{}, 4, 1, "relative IRI but there is no base IRI"},
		{"space in IRI", rdfXML(`<rdf:Description rdf:about="http://ex.org/a b"/>`), Options{}, 4, 1, "not allowed in an IRI"},
		{"unqualified property attribute", rdfXML(`<rdf:Description rdf:about="http://ex.org/s" title="x"/>`), Options{}, 4, 1, `attribute "title"`},
		{"input ends early", strings.TrimSuffix(rdfXML(`<rdf:Description rdf:about="http://ex.org/s">`), "\n</rdf:RDF>"), Options{}, 4, 46, "input ends inside <rdf:Description>"},
		{"no root", "<?xml version=\"1.0\"?>\n", Options{}, 2, 1, "no root element"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseString(FormatRDFXML, tc.in, tc.opts)
			in := tc.in
			if len(in) > 300 {
				in = in[:300] + "…"
			}
			checkSyntaxError(t, "ParseRDFXML", in, err, "rdfxml", tc.line, tc.col, tc.msg)
		})
	}
}

// TestParseRDFXMLChunks parses the Geonorge feed byte by byte.
func TestParseRDFXMLChunks(t *testing.T) {
	path := feedsDir + "/fdk-2017/geonorge-data-2017-10-19.xml"
	whole, err := parseFile(path, FormatRDFXML, "")
	if err != nil {
		t.Fatalf("ParseRDFXML(%s) = %v; want nil", path, err)
	}
	data, err := readFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect(iotest.OneByteReader(strings.NewReader(data)), FormatRDFXML, Options{})
	if err != nil {
		t.Fatalf("ParseRDFXML(%s, one byte at a time) = %v; want nil", path, err)
	}
	if !Isomorphic(got, whole) {
		t.Errorf("ParseRDFXML(%s, one byte at a time) gave a different graph", path)
	}
}
