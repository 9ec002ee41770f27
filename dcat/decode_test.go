package dcat

import (
	"reflect"
	"strings"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat/rdf"
)

const prefixes = `
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix csvw: <http://www.w3.org/ns/csvw#> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix modelldcatno: <https://data.norge.no/vocabulary/modelldcatno#> .
@prefix schema: <https://schema.org/> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
`

func readTurtle(t *testing.T, doc string) *Result {
	t.Helper()
	res, err := Read(strings.NewReader(prefixes+doc), rdf.FormatTurtle, rdf.Options{Base: "https://example.org/feed.ttl"})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return res
}

func TestDecodeDataset(t *testing.T) {
	res := readTurtle(t, `
ex:catalog a dcat:Catalog ; dct:title "Katalog"@no ; dct:publisher ex:org ; dcat:dataset ex:ds .
ex:org a foaf:Agent ; foaf:name "Registeret"@nb , "The Register"@en ; dct:identifier "123456789" ; foaf:homepage <https://example.org/> .
ex:ds a dcat:Dataset ;
  dct:identifier "DS1" ;
  dct:title "Tittel"@nb , "Title"@en , "Untagged" ;
  dct:description "Beskrivelse"@nn ;
  dcat:contactPoint [ a vcard:Organization ; vcard:fn "Kontakt" ; vcard:hasEmail <mailto:post@example.org> ; vcard:hasTelephone [ vcard:hasValue <tel:+4712345678> ] ] ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
  dcat:keyword "helse"@nb , "health"@en , "helse2"@nb ;
  dct:temporal [ dcat:startDate "1999"^^xsd:gYear ; dcat:endDate "2009"^^xsd:gYear ] , [ schema:startDate "2010-01-01"^^xsd:date ] ;
  dct:accessRights <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> ;
  dcat:landingPage <https://example.org/ds> ;
  dct:modified "2024-01-02"^^xsd:date ;
  healthdcatap:hasStructuredData "true"^^xsd:boolean ;
  dcat:distribution [ dct:title "CSV"@en ; dcat:accessURL <https://example.org/ds.csv> ; dct:format "text/csv" ] .
`)
	if len(res.Snapshot.Catalogs) != 1 || len(res.Snapshot.Datasets) != 1 {
		t.Fatalf("got %d catalogues, %d datasets; want 1, 1", len(res.Snapshot.Catalogs), len(res.Snapshot.Datasets))
	}
	d := res.Snapshot.Datasets[0]
	yes := true
	want := catalog.Dataset{
		IRI:         "https://example.org/ds",
		Identifier:  "DS1",
		Catalog:     "https://example.org/catalog",
		Title:       catalog.Text{"nb": "Tittel", "en": "Title", "und": "Untagged"},
		Description: catalog.Text{"nn": "Beskrivelse"},
		Publisher: &catalog.Agent{
			IRI: "https://example.org/org", Identifier: "123456789",
			Name: catalog.Text{"nb": "Registeret", "en": "The Register"}, Homepage: "https://example.org/",
		},
		Contacts:          []catalog.Contact{{Name: catalog.Text{"und": "Kontakt"}, Email: "post@example.org", Phone: "+4712345678"}},
		Themes:            []catalog.Concept{{IRI: "http://publications.europa.eu/resource/authority/data-theme/HEAL"}},
		Keywords:          catalog.Keywords{"nb": {"helse", "helse2"}, "en": {"health"}},
		Temporal:          []catalog.Period{{Start: "1999", End: "2009"}, {Start: "2010-01-01"}},
		AccessRights:      "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC",
		LandingPages:      []string{"https://example.org/ds"},
		Modified:          "2024-01-02",
		HasStructuredData: &yes,
		Distributions: []catalog.Distribution{{
			Title: catalog.Text{"en": "CSV"}, AccessURLs: []string{"https://example.org/ds.csv"}, Format: "text/csv",
		}},
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("dataset =\n%+v\nwant\n%+v", d, want)
	}
	if got := res.Snapshot.Catalogs[0].Title; !reflect.DeepEqual(got, catalog.Text{"nb": "Katalog"}) {
		t.Errorf("catalogue title = %v; want the feed's \"no\" read as nb", got)
	}
}

func TestDecodeVariables(t *testing.T) {
	res := readTurtle(t, `
ex:catalog a dcat:Catalog ; dcat:dataset ex:ds .
ex:ds a dcat:Dataset ; dct:identifier "DS" ; healthdcatap:hasVariables ex:ds\/variables .
ex:ds\/variables a csvw:TableGroup ; csvw:table ex:t1 , ex:t2 .
ex:t1 a csvw:Table ; dct:title "Tabell 1"@nb ; csvw:column ex:v1 , ex:v2 .
ex:t2 a csvw:Table ; csvw:column ( ex:v3 [ csvw:name "BLANK" ; csvw:datatype "string" ] ) .
ex:v1 a csvw:Column ; dct:identifier "DS:V1" ; csvw:name "V1" ; csvw:title "Vekt"@nb , "Weight"@en ;
  dct:description "Vekt i gram"@nb ; csvw:datatype "integer" ; schema:unitText "g" ;
  modelldcatno:hasValueFrom ex:cl ; dct:subject ex:topic ;
  adms:identifier [ skos:notation "12345" ; dct:creator "HUNT Databank" ] ;
  dct:temporal [ dcat:startDate "2001-01-01"^^xsd:date ] .
ex:v2 a csvw:Column ; csvw:name "V2" ; csvw:datatype <http://www.w3.org/2001/XMLSchema#decimal> ; csvw:propertyUrl <http://purl.obolibrary.org/obo/X_1> .
ex:v3 a csvw:Column ; dct:identifier "DS:V3" ; csvw:datatype [ csvw:base "date" ] .
ex:topic skos:prefLabel "Kroppsmål"@nb .
ex:cl a skos:ConceptScheme ; dct:title "Ja/nei"@nb ; dct:identifier "cl1" .
ex:c1 skos:inScheme ex:cl ; skos:notation "1" ; skos:prefLabel "Ja"@nb , "Yes"@en .
ex:c2 skos:inScheme ex:cl ; skos:notation "0" ; skos:prefLabel "Nei"@nb .
`)
	vars := res.Snapshot.Variables
	if len(vars) != 4 {
		t.Fatalf("got %d variables; want 4: %+v", len(vars), vars)
	}
	want := []struct {
		iri, id, name, datatype, table string
		pos                            int
	}{
		{"https://example.org/v1", "DS:V1", "V1", "integer", "https://example.org/t1", 0},
		{"https://example.org/v2", "", "V2", "decimal", "https://example.org/t1", 1},
		{"https://example.org/v3", "DS:V3", "v3", "date", "https://example.org/t2", 2},
		{"https://example.org/ds/variable/BLANK", "", "BLANK", "string", "https://example.org/t2", 3},
	}
	for i, w := range want {
		v := vars[i]
		if v.IRI != w.iri || v.Identifier != w.id || v.Name != w.name || v.Datatype != w.datatype || v.Table != w.table || v.Position != w.pos || v.Dataset != "https://example.org/ds" {
			t.Errorf("variable %d = %s %q %q %q %s pos %d; want %+v", i, v.IRI, v.Identifier, v.Name, v.Datatype, v.Table, v.Position, w)
		}
	}
	v1 := vars[0]
	if v1.Unit != "g" || v1.CodeList != "https://example.org/cl" || len(v1.Subjects) != 1 || v1.Subjects[0].Label["nb"] != "Kroppsmål" ||
		!reflect.DeepEqual(v1.AltIdentifiers, []catalog.AltIdentifier{{Notation: "12345", Creator: "HUNT Databank"}}) ||
		!reflect.DeepEqual(v1.Temporal, []catalog.Period{{Start: "2001-01-01"}}) ||
		!reflect.DeepEqual(v1.Title, catalog.Text{"nb": "Vekt", "en": "Weight"}) {
		t.Errorf("V1 = %+v", v1)
	}
	if !reflect.DeepEqual(vars[1].PropertyURLs, []string{"http://purl.obolibrary.org/obo/X_1"}) {
		t.Errorf("V2 property URLs = %v", vars[1].PropertyURLs)
	}
	wantCL := []catalog.CodeList{{
		IRI: "https://example.org/cl", Identifier: "cl1", Title: catalog.Text{"nb": "Ja/nei"},
		Codes: []catalog.Code{ // in notation order
			{IRI: "https://example.org/c2", Notation: "0", Label: catalog.Text{"nb": "Nei"}},
			{IRI: "https://example.org/c1", Notation: "1", Label: catalog.Text{"nb": "Ja", "en": "Yes"}},
		},
	}}
	if !reflect.DeepEqual(res.Snapshot.CodeLists, wantCL) {
		t.Errorf("code lists = %+v; want %+v", res.Snapshot.CodeLists, wantCL)
	}
	ds := res.Snapshot.Datasets[0]
	if ds.VariableCount != 4 || len(ds.Tables) != 2 || ds.Tables[0].Title["nb"] != "Tabell 1" {
		t.Errorf("dataset variable count %d, tables %+v", ds.VariableCount, ds.Tables)
	}
	// v3 has no csvw:name: its name comes from the IRI, with an error finding.
	if !hasFinding(res.Findings, "csvw.column-name", "https://example.org/v3") {
		t.Errorf("findings = %+v; want csvw.column-name for v3", res.Findings)
	}
}

func TestDecodeShapes(t *testing.T) {
	cases := []struct {
		name      string
		doc       string
		datasets  int
		variables int
		rule      string // a finding expected, if any
	}{
		{"hasVariables to a table", `ex:ds a dcat:Dataset ; healthdcatap:hasVariables ex:t . ex:t csvw:column ex:a , ex:b . ex:a csvw:name "A" . ex:b csvw:name "B" .`, 1, 2, ""},
		{"hasVariables to columns", `ex:ds a dcat:Dataset ; healthdcatap:hasVariables ex:a , ex:b . ex:a csvw:name "A" . ex:b csvw:name "B" .`, 1, 2, ""},
		{"column listed twice", `ex:ds a dcat:Dataset ; healthdcatap:hasVariables ex:t . ex:t csvw:column ex:a , ex:a . ex:a csvw:name "A" .`, 1, 1, ""},
		{"untyped dataset listed by a catalogue", `ex:c a dcat:Catalog ; dcat:dataset ex:ds . ex:ds dct:title "T" .`, 1, 0, ""},
		{"undescribed dataset reference", `ex:c a dcat:Catalog ; dcat:dataset ex:ds .`, 0, 0, ""},
		{"blank dataset with identifier", `ex:c a dcat:Catalog ; dcat:dataset [ a dcat:Dataset ; dct:identifier "X" ] .`, 1, 0, ""},
		{"blank dataset without identifier", `[ a dcat:Dataset ; dct:title "T" ] .`, 0, 0, "dcat.dataset-iri"},
		{"shared identifiers", `ex:a a dcat:Dataset ; dct:identifier "1" . ex:b a dcat:Dataset ; dct:identifier "1" .`, 2, 0, ""}, // known by their IRIs; the validator reports the clash
		{"undescribed code list", `ex:ds a dcat:Dataset ; healthdcatap:hasVariables ex:a . ex:a csvw:name "A" ; modelldcatno:hasValueFrom ex:cl .`, 1, 1, "dcat.codelist-described"},
		{"variable identifier shared across datasets", `ex:d1 a dcat:Dataset ; healthdcatap:hasVariables ex:a . ex:d2 a dcat:Dataset ; healthdcatap:hasVariables ex:b . ex:a csvw:name "K" ; dct:identifier "KJONN" . ex:b csvw:name "K" ; dct:identifier "KJONN" .`, 2, 2, ""},
		{"blank columns with one name", `ex:ds a dcat:Dataset ; healthdcatap:hasVariables ex:t1 , ex:t2 . ex:t1 csvw:column [ csvw:name "ID" ] . ex:t2 csvw:column [ csvw:name "ID" ] .`, 1, 2, "csvw.column-name-unique"},
		{"cyclic column list", `ex:ds a dcat:Dataset ; healthdcatap:hasVariables ex:t . ex:t csvw:column _:l . _:l <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ex:a ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:l . ex:a csvw:name "A" .`, 1, 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := readTurtle(t, c.doc)
			if len(res.Snapshot.Datasets) != c.datasets || len(res.Snapshot.Variables) != c.variables {
				t.Errorf("got %d datasets, %d variables; want %d, %d", len(res.Snapshot.Datasets), len(res.Snapshot.Variables), c.datasets, c.variables)
			}
			if c.rule != "" && !hasFinding(res.Findings, c.rule, "") {
				t.Errorf("findings = %+v; want %s", res.Findings, c.rule)
			}
			if c.rule == "" && len(res.Findings) > 0 {
				t.Errorf("findings = %+v; want none", res.Findings)
			}
			iris, ids := map[string]bool{}, map[string]bool{}
			for _, v := range res.Snapshot.Variables {
				if iris[v.IRI] || (v.Identifier != "" && ids[v.Identifier]) {
					t.Errorf("variable %s / %q is not unique in %+v", v.IRI, v.Identifier, res.Snapshot.Variables)
				}
				iris[v.IRI], ids[v.Identifier] = true, v.Identifier != ""
			}
		})
	}
}

func hasFinding(fs []catalog.Finding, rule, resource string) bool {
	for _, f := range fs {
		if f.Rule == rule && (resource == "" || f.Resource == resource) && f.Message["nb"] != "" && f.Message["en"] != "" {
			return true
		}
	}
	return false
}
