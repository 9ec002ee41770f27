package catalog_test

import (
	"reflect"
	"testing"

	"github.com/katalog/katalog/catalog"
)

func TestNormalizeLang(t *testing.T) {
	tests := []struct {
		tag, want string
	}{
		{"", "und"},
		{"   ", "und"},
		{"-", "und"},
		{"nb", "nb"},
		{"NB", "nb"},
		{"nb-NO", "nb"},
		{"nb_NO", "nb"},
		{" nb ", "nb"},
		{"no", "nb"},
		{"no-NO", "nb"},
		{"nob", "nb"},
		{"nn", "nn"},
		{"nn-NO", "nn"},
		{"nno", "nn"},
		{"en", "en"},
		{"en-GB", "en"},
		{"EN-us", "en"},
		{"eng", "en"},
		{"da", "da"},
		{"da-DK", "da"},
		{"sv-SE", "sv"},
		{"und", "und"},
	}
	for _, tt := range tests {
		if got := catalog.NormalizeLang(tt.tag); got != tt.want {
			t.Errorf("NormalizeLang(%q) = %q; want %q", tt.tag, got, tt.want)
		}
	}
}

func TestTextGet(t *testing.T) {
	tests := []struct {
		name   string
		text   catalog.Text
		lang   string
		want   string
		wantIn string
		wantOK bool
	}{
		{"nil", nil, "nb", "", "", false},
		{"empty", catalog.Text{}, "en", "", "", false},
		{"exact nb", catalog.Text{"nb": "Kjønn", "en": "Sex"}, "nb", "Kjønn", "nb", true},
		{"exact en", catalog.Text{"nb": "Kjønn", "en": "Sex"}, "en", "Sex", "en", true},
		{"exact other", catalog.Text{"nb": "Kjønn", "da": "Køn"}, "da", "Køn", "da", true},
		{"exact und", catalog.Text{"nb": "Kjønn", "und": "Sex?"}, "und", "Sex?", "und", true},
		{"missing lang falls back to nb", catalog.Text{"nb": "Kjønn", "nn": "Kjønn (nn)", "en": "Sex"}, "da", "Kjønn", "nb", true},
		{"no nb falls back to nn", catalog.Text{"nn": "Kjønn (nn)", "en": "Sex"}, "nb", "Kjønn (nn)", "nn", true},
		{"no nb or nn falls back to en", catalog.Text{"en": "Sex", "und": "x", "da": "Køn"}, "nb", "Sex", "en", true},
		{"no ui language falls back to und", catalog.Text{"und": "x", "da": "Køn"}, "nn", "x", "und", true},
		{"otherwise first in sort order", catalog.Text{"sv": "Kön", "da": "Køn", "fi": "Sukupuoli"}, "nb", "Køn", "da", true},
		{"empty lang falls back", catalog.Text{"en": "Sex"}, "", "Sex", "en", true},
		{"lang with region", catalog.Text{"nb": "Kjønn", "en": "Sex"}, "en-GB", "Sex", "en", true},
		{"no is bokmål", catalog.Text{"nn": "Kjønn (nn)", "nb": "Kjønn"}, "no", "Kjønn", "nb", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, in, ok := tt.text.Get(tt.lang)
			if s != tt.want || in != tt.wantIn || ok != tt.wantOK {
				t.Errorf("%v.Get(%q) = %q, %q, %v; want %q, %q, %v", tt.text, tt.lang, s, in, ok, tt.want, tt.wantIn, tt.wantOK)
			}
		})
	}
}

func TestTextString(t *testing.T) {
	tests := []struct {
		text catalog.Text
		want string
	}{
		{nil, ""},
		{catalog.Text{"en": "Sex", "nb": "Kjønn"}, "Kjønn"},
		{catalog.Text{"en": "Sex", "nn": "Kjønn"}, "Kjønn"},
		{catalog.Text{"da": "Køn"}, "Køn"},
	}
	for _, tt := range tests {
		if got := tt.text.String(); got != tt.want {
			t.Errorf("%v.String() = %q; want %q", tt.text, got, tt.want)
		}
	}
}

func TestTextSet(t *testing.T) {
	type set struct{ lang, s string }
	tests := []struct {
		name string
		sets []set
		want catalog.Text
	}{
		{"plain", []set{{"nb", "Kjønn"}}, catalog.Text{"nb": "Kjønn"}},
		{"normalised tag", []set{{"nb-NO", "Kjønn"}, {"no", "Kjønn 2"}, {"EN-GB", "Sex"}}, catalog.Text{"nb": "Kjønn 2", "en": "Sex"}},
		{"nynorsk", []set{{"nno", "Kjønn"}}, catalog.Text{"nn": "Kjønn"}},
		{"untagged", []set{{"", "Sex"}}, catalog.Text{"und": "Sex"}},
		{"empty text ignored", []set{{"nb", "Kjønn"}, {"nb", ""}, {"en", ""}}, catalog.Text{"nb": "Kjønn"}},
		{"overwrite", []set{{"en", "Sex"}, {"en", "Gender"}}, catalog.Text{"en": "Gender"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := catalog.Text{}
			for _, s := range tt.sets {
				got.Set(s.lang, s.s)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Set(%v) = %v; want %v", tt.sets, got, tt.want)
			}
		})
	}
}

func TestTextLangs(t *testing.T) {
	got := catalog.Text{"nn": "a", "en": "b", "da": "c", "und": "d"}.Langs()
	want := []string{"da", "en", "nn", "und"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Langs() = %v; want %v", got, want)
	}
	if got := catalog.Text(nil).Langs(); len(got) != 0 {
		t.Errorf("nil Text.Langs() = %v; want none", got)
	}
}

func TestPeriodYears(t *testing.T) {
	tests := []struct {
		p                  catalog.Period
		wantStart, wantEnd int
	}{
		{catalog.Period{Start: "1967", End: "2024"}, 1967, 2024},
		{catalog.Period{Start: "1967-01-01", End: "2024-12-31"}, 1967, 2024},
		{catalog.Period{Start: "2001-05-17T08:00:00Z", End: "2002-01"}, 2001, 2002},
		{catalog.Period{Start: "1999+01:00"}, 1999, 0},
		{catalog.Period{End: "2010"}, 0, 2010},
		{catalog.Period{}, 0, 0},
		{catalog.Period{Start: "99", End: "202"}, 0, 0},
		{catalog.Period{Start: "unknown", End: "ca. 2000"}, 0, 0},
		{catalog.Period{Start: " 2001", End: "-2001"}, 0, 0},
	}
	for _, tt := range tests {
		start, end := tt.p.Years()
		if start != tt.wantStart || end != tt.wantEnd {
			t.Errorf("%+v.Years() = %d, %d; want %d, %d", tt.p, start, end, tt.wantStart, tt.wantEnd)
		}
	}
}
