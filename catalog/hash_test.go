package catalog_test

import (
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
)

var (
	seen      = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	changed   = time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	withdrawn = time.Date(2026, 2, 3, 12, 0, 0, 0, time.UTC)
)

// newDataset returns a fully filled dataset; each call returns a fresh one
// that shares nothing with the others.
func newDataset() *catalog.Dataset {
	yes := true
	return &catalog.Dataset{
		IRI:               "https://data.fhi.no/dataset/mfr",
		Identifier:        "MFR",
		Source:            "fhi-mfr",
		Catalog:           "https://data.fhi.no/catalog",
		Title:             catalog.Text{"nb": "Medisinsk fødselsregister", "en": "Medical Birth Registry"},
		Description:       catalog.Text{"nb": "Alle fødsler i Norge."},
		Publisher:         &catalog.Agent{IRI: "https://data.norge.no/org/983744516", Identifier: "983744516", Name: catalog.Text{"nb": "Folkehelseinstituttet"}},
		Contacts:          []catalog.Contact{{Email: "mfr@fhi.no"}},
		Themes:            []catalog.Concept{{IRI: "http://publications.europa.eu/resource/authority/data-theme/HEAL"}},
		Keywords:          catalog.Keywords{"nb": {"fødsel", "svangerskap"}, "en": {"birth"}},
		Temporal:          []catalog.Period{{Start: "1967"}},
		AccessRights:      "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC",
		Languages:         []string{"http://publications.europa.eu/resource/authority/language/NOR"},
		Issued:            "1967-01-01",
		Modified:          "2024-05-01",
		Distributions:     []catalog.Distribution{{IRI: "https://data.fhi.no/dist/mfr", Format: "CSV"}},
		HasStructuredData: &yes,
		Tables:            []catalog.Table{{IRI: "https://data.fhi.no/table/mfr"}},
		VariableCount:     3,
		Hash:              "stale",
		FirstSeen:         seen,
		LastChanged:       changed,
	}
}

func TestDatasetContentHash(t *testing.T) {
	base := newDataset().ContentHash()
	if base == "" {
		t.Fatal("ContentHash() = \"\"")
	}
	tests := []struct {
		name     string
		edit     func(d *catalog.Dataset)
		wantSame bool
	}{
		{"nothing", func(d *catalog.Dataset) {}, true},
		{"source", func(d *catalog.Dataset) { d.Source = "other" }, true},
		{"hash", func(d *catalog.Dataset) { d.Hash = "" }, true},
		{"first seen", func(d *catalog.Dataset) { d.FirstSeen = changed }, true},
		{"last changed", func(d *catalog.Dataset) { d.LastChanged = withdrawn }, true},
		{"withdrawn", func(d *catalog.Dataset) { d.Withdrawn = &withdrawn }, true},
		{"map order", func(d *catalog.Dataset) {
			d.Title = catalog.Text{}
			d.Title["en"] = "Medical Birth Registry"
			d.Title["nb"] = "Medisinsk fødselsregister"
		}, true},
		{"title", func(d *catalog.Dataset) { d.Title["nb"] = "Medisinsk fødselsregister (MFR)" }, false},
		{"title language", func(d *catalog.Dataset) { d.Title["nn"] = "Medisinsk fødselsregister" }, false},
		{"description", func(d *catalog.Dataset) { d.Description = nil }, false},
		{"identifier", func(d *catalog.Dataset) { d.Identifier = "MFR2" }, false},
		{"iri", func(d *catalog.Dataset) { d.IRI += "/2" }, false},
		{"publisher name", func(d *catalog.Dataset) { d.Publisher.Name["en"] = "NIPH" }, false},
		{"theme", func(d *catalog.Dataset) { d.Themes = append(d.Themes, catalog.Concept{IRI: "x"}) }, false},
		{"keyword", func(d *catalog.Dataset) { d.Keywords["nb"] = []string{"fødsel"} }, false},
		{"temporal", func(d *catalog.Dataset) { d.Temporal[0].End = "2024" }, false},
		{"access rights", func(d *catalog.Dataset) { d.AccessRights = "" }, false},
		{"modified", func(d *catalog.Dataset) { d.Modified = "2024-05-02" }, false},
		{"distribution", func(d *catalog.Dataset) { d.Distributions[0].Format = "JSON" }, false},
		{"structured data", func(d *catalog.Dataset) { d.HasStructuredData = nil }, false},
		{"variable count", func(d *catalog.Dataset) { d.VariableCount++ }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDataset()
			tt.edit(d)
			got := d.ContentHash()
			if same := got == base; same != tt.wantSame {
				t.Errorf("ContentHash() after editing %s = %q, base %q; want same = %v", tt.name, got, base, tt.wantSame)
			}
		})
	}
}

func TestDatasetContentHashLeavesRecord(t *testing.T) {
	d := newDataset()
	d.Withdrawn = &withdrawn
	d.ContentHash()
	if d.Hash != "stale" || d.Source != "fhi-mfr" || !d.FirstSeen.Equal(seen) || d.Withdrawn != &withdrawn {
		t.Errorf("ContentHash() changed its record: %+v", d)
	}
}

func newVariable() *catalog.Variable {
	return &catalog.Variable{
		IRI:            "https://data.fhi.no/var/mfr/SVLEN",
		Identifier:     "MFR:SVLEN",
		Name:           "SVLEN",
		Source:         "fhi-mfr",
		Dataset:        "https://data.fhi.no/dataset/mfr",
		Table:          "https://data.fhi.no/table/mfr",
		Position:       4,
		Title:          catalog.Text{"nb": "Svangerskapslengde", "en": "Gestational age"},
		Description:    catalog.Text{"nb": "I hele uker."},
		Datatype:       "integer",
		Unit:           "week",
		PropertyURLs:   []string{"http://snomed.info/id/57036006"},
		Subjects:       []catalog.Concept{{IRI: "http://snomed.info/id/57036006"}},
		Temporal:       []catalog.Period{{Start: "1967"}},
		CodeList:       "https://data.fhi.no/codes/svlen",
		AltIdentifiers: []catalog.AltIdentifier{{Notation: "SVLEN_UL"}},
		Hash:           "stale",
		FirstSeen:      seen,
		LastChanged:    changed,
	}
}

func newCodeList() *catalog.CodeList {
	return &catalog.CodeList{
		IRI:   "https://data.fhi.no/codes/svlen",
		Title: catalog.Text{"nb": "Termin"},
		Codes: []catalog.Code{
			{Notation: "1", Label: catalog.Text{"nb": "For tidlig", "en": "Preterm"}},
			{Notation: "2", Label: catalog.Text{"nb": "Til termin", "en": "Term"}},
		},
	}
}

func TestVariableContentHash(t *testing.T) {
	base := newVariable().ContentHash(newCodeList())
	if base == "" {
		t.Fatal("ContentHash() = \"\"")
	}
	tests := []struct {
		name     string
		edit     func(v *catalog.Variable, cl **catalog.CodeList)
		wantSame bool
	}{
		{"nothing", func(v *catalog.Variable, cl **catalog.CodeList) {}, true},
		{"position", func(v *catalog.Variable, cl **catalog.CodeList) { v.Position = 0 }, true},
		{"source", func(v *catalog.Variable, cl **catalog.CodeList) { v.Source = "" }, true},
		{"hash", func(v *catalog.Variable, cl **catalog.CodeList) { v.Hash = "other" }, true},
		{"first seen", func(v *catalog.Variable, cl **catalog.CodeList) { v.FirstSeen = time.Time{} }, true},
		{"last changed", func(v *catalog.Variable, cl **catalog.CodeList) { v.LastChanged = withdrawn }, true},
		{"withdrawn", func(v *catalog.Variable, cl **catalog.CodeList) { v.Withdrawn = &withdrawn }, true},
		{"title", func(v *catalog.Variable, cl **catalog.CodeList) { v.Title["en"] = "Gestational length" }, false},
		{"name", func(v *catalog.Variable, cl **catalog.CodeList) { v.Name = "SVLEN_DG" }, false},
		{"identifier", func(v *catalog.Variable, cl **catalog.CodeList) { v.Identifier = "MFR:SVLEN2" }, false},
		{"dataset", func(v *catalog.Variable, cl **catalog.CodeList) { v.Dataset = "https://data.fhi.no/dataset/other" }, false},
		{"datatype", func(v *catalog.Variable, cl **catalog.CodeList) { v.Datatype = "decimal" }, false},
		{"unit", func(v *catalog.Variable, cl **catalog.CodeList) { v.Unit = "day" }, false},
		{"subject", func(v *catalog.Variable, cl **catalog.CodeList) { v.Subjects = nil }, false},
		{"temporal", func(v *catalog.Variable, cl **catalog.CodeList) { v.Temporal = nil }, false},
		{"alt identifier", func(v *catalog.Variable, cl **catalog.CodeList) { v.AltIdentifiers[0].Creator = "SSB" }, false},
		{"code list iri", func(v *catalog.Variable, cl **catalog.CodeList) { v.CodeList = "https://data.fhi.no/codes/other" }, false},
		{"no code list", func(v *catalog.Variable, cl **catalog.CodeList) { *cl = nil }, false},
		{"code label", func(v *catalog.Variable, cl **catalog.CodeList) { (*cl).Codes[1].Label["nb"] = "Ved termin" }, false},
		{"code added", func(v *catalog.Variable, cl **catalog.CodeList) {
			(*cl).Codes = append((*cl).Codes, catalog.Code{Notation: "9", Label: catalog.Text{"nb": "Overtidig"}})
		}, false},
		{"code order", func(v *catalog.Variable, cl **catalog.CodeList) {
			(*cl).Codes[0], (*cl).Codes[1] = (*cl).Codes[1], (*cl).Codes[0]
		}, false},
		{"code list title", func(v *catalog.Variable, cl **catalog.CodeList) { (*cl).Title = nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, cl := newVariable(), newCodeList()
			tt.edit(v, &cl)
			got := v.ContentHash(cl)
			if same := got == base; same != tt.wantSame {
				t.Errorf("ContentHash() after editing %s = %q, base %q; want same = %v", tt.name, got, base, tt.wantSame)
			}
		})
	}
}

func TestVariableContentHashLeavesRecord(t *testing.T) {
	v := newVariable()
	v.ContentHash(nil)
	if v.Position != 4 || v.Hash != "stale" || v.Source != "fhi-mfr" || !v.LastChanged.Equal(changed) {
		t.Errorf("ContentHash() changed its record: %+v", v)
	}
}
