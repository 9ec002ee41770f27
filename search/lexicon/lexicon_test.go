package lexicon

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefault(t *testing.T) {
	lex, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(lex.Groups) < 1000 || len(lex.Nynorsk) < 300 || len(lex.Words) < 3000 || lex.Version == "" {
		t.Errorf("Default() = %d groups, %d nynorsk forms, %d words, version %q; want the full lists",
			len(lex.Groups), len(lex.Nynorsk), len(lex.Words), lex.Version)
	}
}

// The reviewed lists keep their own rules: a synonym term in one group
// only, and no nynorsk form mapped to itself or to another nynorsk form.
func TestListRules(t *testing.T) {
	data, err := files.ReadFile(fileSynonyms)
	if err != nil {
		t.Fatal(err)
	}
	lex, err := Load(fstest.MapFS{fileSynonyms: {Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for i, g := range lex.Groups {
		for _, term := range g {
			if j, ok := seen[term]; ok && j != i {
				t.Errorf("synonyms.txt: %q is in two groups: %v and %v", term, lex.Groups[j], g)
			}
			seen[term] = i
		}
	}
	full, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for nn, nb := range full.Nynorsk {
		if nn == nb {
			t.Errorf("nynorsk.txt: %q maps to itself", nn)
		}
		if _, ok := full.Nynorsk[nb]; ok {
			t.Errorf("nynorsk.txt: %q maps to %q, which is itself a nynorsk form", nn, nb)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		file, data, want string
	}{
		{fileSynonyms, "# ok\nblod\n", "synonyms.txt line 2: a synonym group needs at least two terms"},
		{fileNynorsk, "sjukdom sykdom\n", "nynorsk.txt line 1: want nynorsk<TAB>bokmål"},
		{fileICD10, "I21\takutt hjerteinfarkt\n", "icd10.txt line 1: want CODE<TAB>norwegian<TAB>english"},
		{fileATC, "ATC kode;Substansenavn\nC10AA01 simvastatin\n", "atc-fhi.csv line 2: want CODE;name"},
	}
	for _, tt := range tests {
		_, err := Load(fstest.MapFS{tt.file: {Data: []byte(tt.data)}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%s: %q) = %v; want %q", tt.file, tt.data, err, tt.want)
		}
	}
}
