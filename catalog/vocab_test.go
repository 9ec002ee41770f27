package catalog_test

import (
	"reflect"
	"testing"

	"github.com/katalog/katalog/catalog"
)

func TestVocabularyLabel(t *testing.T) {
	const base = "http://publications.europa.eu/resource/authority/"
	tests := []struct {
		iri    string
		want   catalog.Text
		wantOK bool
	}{
		{base + "access-right/PUBLIC", catalog.Text{"nb": "Allmenn tilgang", "nn": "Allmenn tilgang", "en": "Public"}, true},
		{base + "access-right/RESTRICTED", catalog.Text{"nb": "Begrenset tilgang", "nn": "Avgrensa tilgang", "en": "Restricted"}, true},
		{base + "access-right/NON_PUBLIC", catalog.Text{"nb": "Ikke-allmenn tilgang", "nn": "Ikkje-allmenn tilgang", "en": "Non-public"}, true},
		{base + "data-theme/HEAL", catalog.Text{"nb": "Helse", "nn": "Helse", "en": "Health"}, true},
		{base + "data-theme/GOVE", catalog.Text{"nb": "Forvaltning og offentlig sektor", "nn": "Forvaltning og offentleg sektor", "en": "Government and public sector"}, true},
		{base + "data-theme/OP_DATPRO", nil, false},
		{base + "access-right/public", nil, false},
		{base + "PUBLIC", nil, false},
		{"https://publications.europa.eu/resource/authority/data-theme/HEAL", nil, false},
		{"http://example.org/data-theme/HEAL", nil, false},
		{"HEAL", nil, false},
		{"", nil, false},
	}
	for _, tt := range tests {
		got, ok := catalog.VocabularyLabel(tt.iri)
		if ok != tt.wantOK || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("VocabularyLabel(%q) = %v, %v; want %v, %v", tt.iri, got, ok, tt.want, tt.wantOK)
		}
	}
}

// TestVocabularyLabelComplete checks that every concept Katalog names has a
// label in each interface language.
func TestVocabularyLabelComplete(t *testing.T) {
	const base = "http://publications.europa.eu/resource/authority/"
	codes := []string{
		"access-right/PUBLIC", "access-right/RESTRICTED", "access-right/NON_PUBLIC",
		"data-theme/AGRI", "data-theme/ECON", "data-theme/EDUC", "data-theme/ENER", "data-theme/ENVI",
		"data-theme/GOVE", "data-theme/HEAL", "data-theme/INTR", "data-theme/JUST", "data-theme/REGI",
		"data-theme/SOCI", "data-theme/TECH", "data-theme/TRAN",
	}
	uiLangs := []string{"nb", "nn", "en"}
	for _, code := range codes {
		label, ok := catalog.VocabularyLabel(base + code)
		if !ok {
			t.Errorf("VocabularyLabel(%q) not found", base+code)
			continue
		}
		for _, lang := range uiLangs {
			if label[lang] == "" {
				t.Errorf("VocabularyLabel(%q)[%q] is empty", base+code, lang)
			}
		}
		if len(label) != len(uiLangs) {
			t.Errorf("VocabularyLabel(%q) = %v; want exactly the languages %v", base+code, label, uiLangs)
		}
	}
}
