package search

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
	zap "github.com/blevesearch/zapx/v17"
	"github.com/katalog/katalog/catalog"
)

// TestDocMapper checks that docMapper makes the documents the index
// mapping makes (mapping.MapDocument), field for field and term for term,
// also for the texts it analyses only once and shares between documents.
func TestDocMapper(t *testing.T) {
	yesNo := &catalog.CodeList{IRI: "https://example.org/cl/yn", Codes: []catalog.Code{
		{Notation: "1", Label: catalog.Text{"nb": "Ja", "en": "Yes"}},
		{Notation: "2", Label: catalog.Text{"nb": "Nei", "en": "No"}},
	}}
	// The same labels in two languages: analysed by each language's analyzer.
	same := &catalog.CodeList{IRI: "https://example.org/cl/smoking", Codes: []catalog.Code{
		{Notation: "S", Label: catalog.Text{"nb": "Smoking", "en": "Smoking"}},
	}}
	publisher := &catalog.Agent{IRI: "https://example.org/fhi", Name: catalog.Text{"nb": "Folkehelseinstituttet", "en": "Norwegian Institute of Public Health"}}
	ds := &catalog.Dataset{IRI: "https://example.org/ds/1", Identifier: "MFR", Source: "fhi", Publisher: publisher,
		Title:       catalog.Text{"nb": "Medisinsk fødselsregister", "en": "Medical Birth Registry"},
		Description: catalog.Text{"nb": "Alle fødsler i Norge", "de": "Alle Geburten", "fr": "Toutes les naissances"},
		Keywords:    catalog.Keywords{"nb": {"fødsel", "svangerskap"}},
		Themes:      []catalog.Concept{{IRI: "http://publications.europa.eu/resource/authority/data-theme/HEAL"}, {IRI: "http://publications.europa.eu/resource/authority/data-theme/SOCI"}},
		Temporal:    []catalog.Period{{Start: "1967-01-01", End: "2023-12-31"}},
		Modified:    "2024-01-02", AccessRights: "http://publications.europa.eu/resource/authority/access-right/RESTRICTED"}
	var docs []catalog.Document
	for i := range 5 {
		v := &catalog.Variable{IRI: fmt.Sprintf("%s/v%d", ds.IRI, i), Identifier: fmt.Sprintf("MFR:V%d", i), Name: fmt.Sprintf("V%d", i), Dataset: ds.IRI,
			Title: catalog.Text{"nb": fmt.Sprintf("Røyking i svangerskapet, uke %d", i), "en": fmt.Sprintf("Smoking in pregnancy, week %d", i)}, Datatype: "integer",
			CodeList: yesNo.IRI, Subjects: []catalog.Concept{{Label: catalog.Text{"nb": "Røyking"}}}}
		cl := yesNo
		if i%2 == 1 {
			cl = same
		}
		docs = append(docs, catalog.Document{Dataset: ds, Variable: v, CodeList: cl})
	}
	docs = append(docs, catalog.Document{Dataset: ds, Members: docs[:]})
	docs = append(docs, catalog.Document{Dataset: &catalog.Dataset{IRI: "https://example.org/ds/bare", Source: "other"}})

	m := newMapping()
	mapper := newDocMapper(fieldSpecs(m))
	// Fields whose analysis came from memory, by name: the second time,
	// shared texts come from memory.
	shared := map[string]int{}
	for round := range 2 {
		// The first round's documents go into a segment, as Bleve's writer
		// would put them: building it must not change what they share.
		var built []index.Document
		for _, d := range docs {
			// Bleve's mapping gets fields of their own; the mapper its
			// reused map, which must not keep the last document's.
			fresh := map[string]any{}
			id, err := bleveDoc(d, fresh)
			if err != nil {
				t.Fatal(err)
			}
			want := document.NewDocument(id)
			if err := m.MapDocument(want, fresh); err != nil {
				t.Fatal(err)
			}
			fields := mapper.fields()
			if _, err := bleveDoc(d, fields); err != nil {
				t.Fatal(err)
			}
			got, err := mapper.document(id, fields)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := describeDoc(got), describeDoc(want); !slices.Equal(g, w) {
				t.Errorf("round %d, %s: docMapper made\n%s\nwant\n%s", round, d.IRI(), strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
			got.VisitFields(func(f index.Field) {
				if _, ok := f.(*analysedField); ok {
					shared[f.Name()]++
				}
			})
			got.AddIDField()
			got.VisitFields(func(f index.Field) {
				if f.Name() == "_id" {
					f.Analyze()
				}
			})
			built = append(built, got)
		}
		var plugin zap.ZapPlugin
		seg, _, err := plugin.New(built)
		if err != nil {
			t.Fatal(err)
		}
		seg.Close()
	}
	// Codes recur in the first round already; titles and descriptions (with
	// their term positions) in the second.
	for _, name := range []string{fieldCodes + "nb", fieldPublisher, fieldTitle + "nb", fieldTitle + "en", fieldDescription + "other"} {
		if shared[name] == 0 {
			t.Errorf("docMapper analysed no %s once for many documents", name)
		}
	}
}

// describeDoc lists a document's fields after analysis, in order. (Values
// are taken before: a stemmer may rewrite the bytes of a field that is not
// stored.)
func describeDoc(doc *document.Document) []string {
	var out []string
	doc.VisitFields(func(f index.Field) {
		value := string(f.Value())
		if f.Options().IsIndexed() {
			f.Analyze()
		}
		var terms []string
		for term, tf := range f.AnalyzedTokenFrequencies() {
			var locs []string
			for _, l := range tf.Locations {
				locs = append(locs, fmt.Sprintf("%d:%d-%d%v", l.Position, l.Start, l.End, l.ArrayPositions))
			}
			terms = append(terms, fmt.Sprintf("%s×%d%v", term, tf.Frequency(), locs))
		}
		slices.Sort(terms)
		out = append(out, fmt.Sprintf("%s%v %v %q len=%d %v", f.Name(), f.ArrayPositions(), f.Options(), value, f.AnalyzedLength(), terms))
	})
	slices.Sort(out)
	return out
}

// TestDocMapperBound checks that a mapper's memory of analysed texts stays
// within maxAnalysedSize however many different texts it sees, and that it
// still shares the texts that recur after it forgot the others.
func TestDocMapperBound(t *testing.T) {
	mapper := newDocMapper(fieldSpecs(newMapping()))
	ds := &catalog.Dataset{IRI: "https://example.org/ds/1", Identifier: "DS", Source: "s"}
	shared := 0
	for i := range 30_000 {
		v := &catalog.Variable{IRI: fmt.Sprintf("%s/v%d", ds.IRI, i), Identifier: fmt.Sprintf("V%d", i), Name: fmt.Sprintf("V%d", i), Dataset: ds.IRI,
			Title:       catalog.Text{"en": fmt.Sprintf("Measured value number %d of the participant's blood pressure at the visit", i)},
			Description: catalog.Text{"en": "The same description on every variable"}}
		fields := mapper.fields()
		id, err := bleveDoc(catalog.Document{Dataset: ds, Variable: v}, fields)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := mapper.document(id, fields)
		if err != nil {
			t.Fatal(err)
		}
		if mapper.size > maxAnalysedSize {
			t.Fatalf("after %d documents the mapper remembers %d bytes of analyses; want at most %d", i+1, mapper.size, maxAnalysedSize)
		}
		for _, f := range doc.Fields {
			if _, ok := f.(*analysedField); ok && f.Name() == fieldDescription+"en" {
				shared++
			}
		}
	}
	if shared < 29_000 {
		t.Errorf("the recurring description was shared by %d of 30,000 documents", shared)
	}
}
