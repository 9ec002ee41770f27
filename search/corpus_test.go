package search_test

import (
	"github.com/katalog/katalog/catalog"
)

// The corpus of the search tests: five datasets of three publishers in
// Norwegian (bokmål and nynorsk), English and Danish, and fifteen variables.
// The expectations in search_test.go are counted by hand from it.

const (
	authority  = "http://publications.europa.eu/resource/authority/"
	public     = authority + "access-right/PUBLIC"
	restricted = authority + "access-right/RESTRICTED"
	nonPublic  = authority + "access-right/NON_PUBLIC"
	snomedBP   = "http://snomed.info/id/75367002"
)

func theme(code string) catalog.Concept {
	return catalog.Concept{IRI: authority + "data-theme/" + code}
}

var (
	fhi  = &catalog.Agent{IRI: "https://data.norge.no/org/983744516", Name: catalog.Text{"nb": "Folkehelseinstituttet", "en": "Norwegian Institute of Public Health"}}
	hdir = &catalog.Agent{IRI: "https://data.norge.no/org/983544622", Name: catalog.Text{"nb": "Helsedirektoratet"}}
	ssi  = &catalog.Agent{IRI: "https://www.ssi.dk", Name: catalog.Text{"da": "Statens Serum Institut"}}

	bloodPressure = catalog.Concept{IRI: snomedBP, Label: catalog.Text{"en": "Blood pressure"}}
)

var corpusDatasets = []catalog.Dataset{
	{
		IRI: "https://data.fhi.no/dataset/mfr", Identifier: "MFR", Source: "fhi",
		Title:       catalog.Text{"nb": "Medisinsk fødselsregister", "en": "Medical Birth Registry of Norway"},
		Description: catalog.Text{"nb": "Opplysninger om alle fødsler i Norge."},
		Publisher:   fhi, Themes: []catalog.Concept{theme("HEAL")}, AccessRights: nonPublic,
		Keywords: catalog.Keywords{"nb": {"fødsel", "svangerskap"}},
		Temporal: []catalog.Period{{Start: "1967"}}, Modified: "2024-05-01",
	},
	{
		IRI: "https://data.fhi.no/dataset/msis", Identifier: "MSIS", Source: "fhi",
		Title:     catalog.Text{"nb": "Meldingssystem for smittsomme sykdommer", "en": "Norwegian Surveillance System for Communicable Diseases"},
		Publisher: fhi, Themes: []catalog.Concept{theme("HEAL")}, AccessRights: restricted,
		Keywords: catalog.Keywords{"nb": {"smitte"}}, Modified: "2023-01-10",
	},
	{
		IRI: "https://data.helsedirektoratet.no/dataset/npr", Identifier: "NPR", Source: "hdir",
		Title:       catalog.Text{"nb": "Norsk pasientregister", "nn": "Norsk pasientregister"},
		Description: catalog.Text{"nn": "Opplysningar om pasientar i spesialisthelsetenesta."},
		Publisher:   hdir, Themes: []catalog.Concept{theme("HEAL"), theme("GOVE")}, AccessRights: nonPublic,
		Modified: "2025-02-01",
	},
	{
		IRI: "https://data.helsedirektoratet.no/dataset/kpr", Identifier: "KPR", Source: "hdir",
		Title:     catalog.Text{"nb": "Kommunalt pasient- og brukerregister"},
		Publisher: hdir, Themes: []catalog.Concept{theme("SOCI")}, AccessRights: public,
		Modified: "2022-06-30",
	},
	{
		IRI: "https://www.ssi.dk/dataset/lpr", Identifier: "LPR", Source: "ssi",
		Title:       catalog.Text{"da": "Landspatientregistret", "en": "Danish National Patient Registry"},
		Description: catalog.Text{"da": "Oplysninger om patienter på danske sygehuse."},
		Publisher:   ssi, Themes: []catalog.Concept{theme("HEAL")}, AccessRights: public,
		Modified: "2024-11-11",
	},
}

var (
	sexCodes = &catalog.CodeList{IRI: "https://data.fhi.no/codes/sex", Codes: []catalog.Code{
		{Notation: "1", Label: catalog.Text{"nb": "Gutt", "en": "Boy"}},
		{Notation: "2", Label: catalog.Text{"nb": "Jente", "en": "Girl"}},
	}}
	diagnosisCodes = &catalog.CodeList{IRI: "https://data.fhi.no/codes/msis-diagnosis", Codes: []catalog.Code{
		{Notation: "A37", Label: catalog.Text{"nb": "Kikhoste", "en": "Whooping cough"}},
		{Notation: "B05", Label: catalog.Text{"nb": "Meslinger", "en": "Measles"}},
	}}
)

// corpusVariable is a variable of the corpus with the identifier of its
// dataset and its code list.
type corpusVariable struct {
	dataset  string
	codes    *catalog.CodeList
	variable catalog.Variable
}

var corpusVariables = []corpusVariable{
	{"MFR", nil, catalog.Variable{Name: "SVLEN", Datatype: "integer",
		Title:       catalog.Text{"nb": "Svangerskapslengde", "en": "Gestational age"},
		Description: catalog.Text{"nb": "Svangerskapets lengde i hele uker."}}},
	{"MFR", nil, catalog.Variable{Name: "VEKT", Datatype: "integer",
		Title:       catalog.Text{"nb": "Fødselsvekt", "en": "Birth weight"},
		Description: catalog.Text{"en": "Weight of the child at birth in grams."}}},
	{"MFR", nil, catalog.Variable{Name: "HODEOMKRETS", Datatype: "decimal",
		Title: catalog.Text{"nb": "Hodeomkrets", "en": "Head circumference"}}},
	{"MFR", sexCodes, catalog.Variable{Name: "KJONN", Datatype: "string",
		Title: catalog.Text{"nb": "Kjønn", "en": "Sex"}}},
	{"MFR", nil, catalog.Variable{Name: "BT_MOR", Datatype: "decimal",
		Title:    catalog.Text{"nb": "Blodtrykket til mor ved første kontroll"},
		Subjects: []catalog.Concept{bloodPressure}}},
	{"MSIS", diagnosisCodes, catalog.Variable{Name: "DIAGNOSE", Datatype: "string",
		Title: catalog.Text{"nb": "Diagnose", "en": "Diagnosis"}}},
	{"MSIS", nil, catalog.Variable{Name: "PROVEDATO", Datatype: "date",
		Title: catalog.Text{"nb": "Prøvedato", "en": "Sample date"}}},
	{"MSIS", sexCodes, catalog.Variable{Name: "KJONN", Datatype: "string",
		Title: catalog.Text{"nb": "Kjønn", "en": "Sex"}}},
	{"NPR", nil, catalog.Variable{Name: "BT_SYS", Datatype: "integer",
		Title:       catalog.Text{"nn": "Systolisk blodtrykk"},
		Description: catalog.Text{"nn": "Blodtrykket målt ved innlegging."},
		Subjects:    []catalog.Concept{bloodPressure}}},
	{"NPR", nil, catalog.Variable{Name: "ALDER", Datatype: "integer",
		Title: catalog.Text{"nb": "Alder", "nn": "Alder", "en": "Age"}}},
	{"NPR", nil, catalog.Variable{Name: "OMSORGSNIVA", Datatype: "string",
		Title: catalog.Text{"nb": "Omsorgsnivå", "nn": "Omsorgsnivå"}}},
	{"KPR", nil, catalog.Variable{Name: "KONTAKTTYPE", Datatype: "string",
		Title:       catalog.Text{"nb": "Kontakttype"},
		Description: catalog.Text{"nb": "Type kontakt, for eksempel konsultasjon med diagnose."}}},
	{"LPR", nil, catalog.Variable{Name: "KOEN", Datatype: "string",
		Title: catalog.Text{"da": "Køn", "en": "Sex"}}},
	{"LPR", nil, catalog.Variable{Name: "AKTIONSDIAGNOSE", Datatype: "string",
		Title: catalog.Text{"da": "Aktionsdiagnose", "en": "Primary diagnosis"}}},
	{"LPR", nil, catalog.Variable{Name: "BLODTRYK", Datatype: "decimal",
		Title: catalog.Text{"da": "Blodtryk", "en": "Blood pressure measurements"}}},
}

// corpusDataset returns the dataset of the corpus with the identifier id.
func corpusDataset(id string) *catalog.Dataset {
	for i := range corpusDatasets {
		if corpusDatasets[i].Identifier == id {
			return &corpusDatasets[i]
		}
	}
	panic("no dataset " + id)
}

// corpus returns the documents of the corpus: each dataset, then each
// variable with its dataset and code list. A variable's identifier is its
// dataset's and its name ("MFR:SVLEN"), its IRI under its dataset's.
func corpus() []catalog.Document {
	var docs []catalog.Document
	for i := range corpusDatasets {
		docs = append(docs, catalog.Document{Dataset: &corpusDatasets[i]})
	}
	for _, cv := range corpusVariables {
		ds := corpusDataset(cv.dataset)
		v := cv.variable
		v.Identifier = ds.Identifier + ":" + v.Name
		v.IRI = ds.IRI + "/variable/" + v.Name
		v.Dataset, v.Source = ds.IRI, ds.Source
		if cv.codes != nil {
			v.CodeList = cv.codes.IRI
		}
		docs = append(docs, catalog.Document{Dataset: ds, Variable: &v, CodeList: cv.codes})
	}
	return docs
}

// corpusIRI returns the IRI of the corpus record with the given identifier.
func corpusIRI(id string) string {
	for _, d := range corpus() {
		if v := d.Variable; v != nil && v.Identifier == id || v == nil && d.Dataset.Identifier == id {
			return d.IRI()
		}
	}
	panic("no record " + id)
}
