package dcat

import (
	"bytes"
	"strings"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat/rdf"
)

// TestEncodeMalformedLanguage: a feed's malformed language tag (RDF/XML
// takes any xml:lang) makes the literal untagged instead of breaking the
// document.
func TestEncodeMalformedLanguage(t *testing.T) {
	pub := DefaultPublication().WithBase("http://127.0.0.1:8080")
	var buf bytes.Buffer
	w := rdf.NewWriter(&buf, rdf.FormatTurtle, Prefixes)
	e := NewEncoder(&pub, ProfileDCATAPNO, w)
	e.Dataset(&catalog.Dataset{
		IRI: "https://example.org/ds", Identifier: "ds",
		Title:    catalog.Text{"nb no": "Tittel", "nb": "Tittel"},
		Keywords: catalog.Keywords{"1": {"nøkkelord"}},
		Temporal: []catalog.Period{{Start: "2024-03-01+01:00", End: "2020-13"}},
	}, nil, nil, func(string) *catalog.CodeList { return nil })
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	var n int
	err := rdf.ParseTurtle(strings.NewReader(doc), rdf.Options{}, func(rdf.Triple) error { n++; return nil })
	if err != nil {
		t.Fatalf("the document does not parse: %v\n%s", err, doc)
	}
	for _, want := range []string{`"Tittel"@nb`, `"Tittel" `, `"nøkkelord"`, `"2024-03-01+01:00"^^xsd:date`} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document has no %s:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "0001-") {
		t.Errorf("a malformed end month became a date:\n%s", doc)
	}
}
