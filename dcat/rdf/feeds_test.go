package rdf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	knakk "github.com/knakk/rdf"
)

// feedsDir holds the real-world feed fixtures, relative to this package.
const feedsDir = "../../fixtures/feeds"

type feedFile struct {
	path   string
	format Format
}

func feedFiles(t *testing.T) []feedFile {
	t.Helper()
	var files []feedFile
	for _, pattern := range []string{"*.ttl", "fdk-2017/*"} {
		paths, err := filepath.Glob(filepath.Join(feedsDir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			var f Format
			switch filepath.Ext(p) {
			case ".ttl":
				f = FormatTurtle
			case ".xml", ".rdf":
				f = FormatRDFXML
			case ".jsonld":
				f = FormatJSONLD
			case ".nt":
				f = FormatNTriples
			default:
				t.Fatalf("%s: no format for this extension", p)
			}
			files = append(files, feedFile{p, f})
		}
	}
	if len(files) < 20 {
		t.Fatalf("found %d feed files in %s; want at least 20", len(files), feedsDir)
	}
	return files
}

// TestParseFeeds parses every feed fixture and checks that each yields a
// plausible graph: triples, and a dcat:Catalog.
func TestParseFeeds(t *testing.T) {
	for _, ff := range feedFiles(t) {
		name, _ := filepath.Rel(feedsDir, ff.path)
		t.Run(name, func(t *testing.T) {
			info, err := os.Stat(ff.path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseFile(ff.path, ff.format, "https://example.org/feeds/"+name)
			if err != nil {
				t.Fatalf("Parse%s(%s) = %v; want nil", ff.format, name, err)
			}
			// Every feed is one catalogue; real metadata averages far fewer
			// than 1,000 bytes a triple.
			if min := int(info.Size() / 1000); len(got) == 0 || len(got) < min {
				t.Errorf("Parse%s(%s) gave %d triples; want at least %d", ff.format, name, len(got), max(min, 1))
			}
			catalogs := 0
			for _, tr := range got {
				if tr.P.Value == RDFType && tr.O.Value == "http://www.w3.org/ns/dcat#Catalog" {
					catalogs++
				}
			}
			if catalogs == 0 {
				t.Errorf("Parse%s(%s) found no dcat:Catalog", ff.format, name)
			}
			t.Logf("%s: %d triples, %d catalogues", name, len(got), catalogs)
		})
	}
}

// TestTurtleMatchesKnakk parses each Turtle feed with ParseTurtle and with
// github.com/knakk/rdf and checks that the two graphs are isomorphic.
func TestTurtleMatchesKnakk(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: parses every Turtle feed twice")
	}
	for _, ff := range feedFiles(t) {
		if ff.format != FormatTurtle {
			continue
		}
		name, _ := filepath.Rel(feedsDir, ff.path)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// A base ending in '/' resolves the same whether a reader
			// implements RFC 3986 or concatenates, as knakk/rdf does.
			const base = "https://example.org/feeds/"
			ours, err := parseFile(ff.path, FormatTurtle, base)
			if err != nil {
				t.Fatalf("ParseTurtle(%s) = %v; want nil", name, err)
			}
			theirs, err := parseKnakk(ff.path, base)
			if err != nil {
				t.Fatalf("knakk.DecodeAll(%s) = %v; want nil", name, err)
			}
			if !Isomorphic(ours, theirs) {
				t.Errorf("ParseTurtle(%s): %d triples, not isomorphic to knakk/rdf's %d", name, len(ours), len(theirs))
				reportDifference(t, ours, theirs)
			}
		})
	}
}

func parseKnakk(path, base string) ([]Triple, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := knakk.NewTripleDecoder(f, knakk.Turtle)
	baseIRI, err := knakk.NewIRI(base)
	if err != nil {
		return nil, err
	}
	if err := dec.SetOption(knakk.Base, baseIRI); err != nil {
		return nil, err
	}
	kts, err := dec.DecodeAll()
	if err != nil {
		return nil, err
	}
	out := make([]Triple, len(kts))
	for i, kt := range kts {
		out[i] = Triple{S: fromKnakk(kt.Subj), P: fromKnakk(kt.Pred), O: fromKnakk(kt.Obj)}
	}
	return out, nil
}

// fromKnakk converts a knakk/rdf term. knakk gives plain literals the
// datatype xsd:string, which Literal folds into the empty datatype.
func fromKnakk(t knakk.Term) Term {
	switch t := t.(type) {
	case knakk.IRI:
		return IRI(t.String())
	case knakk.Blank:
		return Blank(t.String())
	case knakk.Literal:
		return Literal(t.String(), t.Lang(), t.DataType.String())
	}
	return Term{}
}

// reportDifference logs a few triples that differ, ignoring blank nodes.
func reportDifference(t *testing.T, a, b []Triple) {
	t.Helper()
	key := func(tr Triple) string {
		if tr.S.IsBlank() || tr.O.IsBlank() {
			return ""
		}
		return normalizedString(tr)
	}
	inB := map[string]bool{}
	for _, tr := range b {
		inB[key(tr)] = true
	}
	shown := 0
	for _, tr := range a {
		if k := key(tr); k != "" && !inB[k] && shown < 10 {
			t.Logf("only in ours: %s", k)
			shown++
		}
	}
}

func normalizedString(tr Triple) string {
	tr = Triple{S: normalizeTerm(tr.S), P: normalizeTerm(tr.P), O: normalizeTerm(tr.O)}
	return strings.TrimSpace(tr.String())
}
