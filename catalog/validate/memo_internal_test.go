package validate

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
)

// Remembering schema outcomes per resource shape must not change what is
// found: every fixture feed, every profile, with and without.
func TestMemoMatchesFreshRuns(t *testing.T) {
	files, _ := filepath.Glob("../../fixtures/feeds/*.ttl")
	more, _ := filepath.Glob("../../fixtures/feeds/fdk-2017/*")
	files = append(files, more...)
	for _, file := range files {
		if testing.Short() && filepath.Base(file) == "fhi-moba.ttl" {
			continue
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		format := rdf.FormatTurtle
		switch filepath.Ext(file) {
		case ".jsonld":
			format = rdf.FormatJSONLD
		case ".xml":
			format = rdf.FormatRDFXML
		}
		g := dcat.NewGraph()
		err = rdf.Parse(f, format, rdf.Options{Base: "https://example.org/", Relative: g.NoteRelative}, g.Add)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, profile := range Profiles() {
			v, err := New(profile)
			if err != nil {
				t.Fatal(err)
			}
			remembered := v.Validate(g)
			v.noMemo = true
			fresh := v.Validate(g)
			if !reflect.DeepEqual(remembered, fresh) {
				t.Errorf("%s, %s: remembered outcomes differ from fresh ones", filepath.Base(file), profile)
				for i := range min(len(remembered.Findings), len(fresh.Findings)) {
					if !reflect.DeepEqual(remembered.Findings[i], fresh.Findings[i]) {
						t.Logf("first difference, finding %d:\n%+v\n%+v", i, remembered.Findings[i], fresh.Findings[i])
						break
					}
				}
			}
		}
	}
}
