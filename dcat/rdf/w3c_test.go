package rdf

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// w3cDir holds the W3C RDF 1.1 test suites, relative to this package.
const w3cDir = "../../fixtures/w3c-rdf-tests"

const (
	mfNS   = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
	rdftNS = "http://www.w3.org/ns/rdftest#"
)

// w3cTest is one entry of a manifest. action and result are file paths
// relative to the suite's folder.
type w3cTest struct {
	name, kind, action, result string
}

// loadManifest parses suite/manifest.ttl with ParseTurtle and returns its
// entries in order, and the base IRI the suite assumes for its files.
func loadManifest(t *testing.T, suite string) ([]w3cTest, string) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join(w3cDir, suite))
	if err != nil {
		t.Fatal(err)
	}
	dirIRI := "file://" + filepath.ToSlash(dir) + "/"
	f, err := os.Open(filepath.Join(dir, "manifest.ttl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var triples []Triple
	err = ParseTurtle(f, Options{Base: dirIRI + "manifest.ttl"}, func(tr Triple) error {
		triples = append(triples, tr)
		return nil
	})
	if err != nil {
		t.Fatalf("ParseTurtle(%s/manifest.ttl) = %v; want nil", suite, err)
	}
	objects := func(s Term, p string) []Term {
		var out []Term
		for _, tr := range triples {
			if tr.S == s && tr.P.Value == p {
				out = append(out, tr.O)
			}
		}
		return out
	}
	one := func(s Term, p string) Term {
		if o := objects(s, p); len(o) > 0 {
			return o[0]
		}
		return Term{}
	}
	manifest := IRI(dirIRI + "manifest.ttl")
	base := one(manifest, mfNS+"assumedTestBase").Value
	if base == "" {
		// The N-Triples manifest names no base; its tests need none. Use the
		// suite's published location, as the other suites do.
		base = "https://w3c.github.io/rdf-tests/rdf/rdf11/" + suite + "/"
	}
	rel := func(iri string) string {
		if iri == "" {
			return ""
		}
		if !strings.HasPrefix(iri, dirIRI) {
			t.Fatalf("%s: file %s is outside the suite", suite, iri)
		}
		return strings.TrimPrefix(iri, dirIRI)
	}
	var tests []w3cTest
	for list := one(manifest, mfNS+"entries"); !list.IsZero() && list.Value != RDFNil; list = one(list, RDFRest) {
		e := one(list, RDFFirst)
		tests = append(tests, w3cTest{
			name:   one(e, mfNS+"name").Value,
			kind:   strings.TrimPrefix(one(e, RDFType).Value, rdftNS),
			action: rel(one(e, mfNS+"action").Value),
			result: rel(one(e, mfNS+"result").Value),
		})
	}
	if len(tests) == 0 {
		t.Fatalf("%s/manifest.ttl: no entries", suite)
	}
	return tests, base
}

func parseFile(path string, f Format, base string) ([]Triple, error) {
	r, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return collect(r, f, Options{Base: base})
}

func collect(r io.Reader, f Format, opts Options) ([]Triple, error) {
	var out []Triple
	err := Parse(r, f, opts, func(t Triple) error {
		out = append(out, t)
		return nil
	})
	return out, err
}

func ntLines(ts []Triple) string {
	lines := make([]string, len(ts))
	for i, t := range ts {
		lines[i] = t.String()
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func TestW3CSuites(t *testing.T) {
	for _, suite := range []string{"rdf-turtle", "rdf-n-triples", "rdf-xml"} {
		t.Run(suite, func(t *testing.T) {
			tests, base := loadManifest(t, suite)
			dir := filepath.Join(w3cDir, suite)
			counts := map[string]int{}
			passed := map[string]int{}
			for _, tc := range tests {
				var format Format
				var class string
				switch tc.kind {
				case "TestTurtlePositiveSyntax", "TestNTriplesPositiveSyntax":
					class = "positive"
				case "TestTurtleNegativeSyntax", "TestNTriplesNegativeSyntax", "TestXMLNegativeSyntax":
					class = "negative"
				case "TestTurtleEval", "TestXMLEval":
					class = "eval"
				case "TestTurtleNegativeEval":
					class = "negative-eval"
				default:
					t.Errorf("%s: unknown test type %q", tc.name, tc.kind)
					continue
				}
				switch {
				case strings.HasPrefix(tc.kind, "TestTurtle"):
					format = FormatTurtle
				case strings.HasPrefix(tc.kind, "TestNTriples"):
					format = FormatNTriples
				default:
					format = FormatRDFXML
				}
				counts[class]++
				ok := t.Run(tc.name, func(t *testing.T) {
					got, err := parseFile(filepath.Join(dir, tc.action), format, base+tc.action)
					switch class {
					case "positive":
						if err != nil {
							t.Errorf("Parse%s(%s) = %v; want nil", format, tc.action, err)
						}
					case "negative", "negative-eval":
						if err == nil {
							t.Errorf("Parse%s(%s) = nil; want an error", format, tc.action)
						}
					case "eval":
						if err != nil {
							t.Fatalf("Parse%s(%s) = %v; want nil", format, tc.action, err)
						}
						want, err := parseFile(filepath.Join(dir, tc.result), FormatNTriples, "")
						if err != nil {
							t.Fatalf("ParseNTriples(%s) = %v; want nil", tc.result, err)
						}
						if !Isomorphic(got, want) {
							t.Errorf("Parse%s(%s) gave a graph not isomorphic to %s:\ngot:\n%s\nwant:\n%s",
								format, tc.action, tc.result, ntLines(got), ntLines(want))
						}
					}
				})
				if ok {
					passed[class]++
				}
			}
			for _, class := range []string{"positive", "negative", "eval", "negative-eval"} {
				if counts[class] > 0 {
					t.Logf("%s: %s %d/%d passed", suite, class, passed[class], counts[class])
				}
			}
		})
	}
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
