package dcat

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat/rdf"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixtureFeeds are the bundled feeds with their syntax and, from the feeds'
// README (shared/data/feeds/README.md), how many datasets and variables
// each holds; -1 where the README gives no figure.
var fixtureFeeds = []struct {
	path      string
	format    rdf.Format
	datasets  int
	variables int
}{
	{"ablanor.ttl", rdf.FormatTurtle, 10, 298},
	{"dk-registers.ttl", rdf.FormatTurtle, 9, 39},
	{"fhi-mfr.ttl", rdf.FormatTurtle, 1, 183},
	{"fhi-moba.ttl", rdf.FormatTurtle, 34, 10431},
	{"fhi-msis.ttl", rdf.FormatTurtle, 5, 16},
	{"fhi-sysvak.ttl", rdf.FormatTurtle, 4, 25},
	{"hunt.ttl", rdf.FormatTurtle, 4, 885},
	{"ihcc-canpath.ttl", rdf.FormatTurtle, 1, 935},
	{"ihcc-eb.ttl", rdf.FormatTurtle, 1, 478},
	{"ihcc-elsabrasil.ttl", rdf.FormatTurtle, 1, 2922},
	{"ihcc-gcs.ttl", rdf.FormatTurtle, 1, 545},
	{"ihcc-ge.ttl", rdf.FormatTurtle, 1, 1231},
	{"ihcc-gs.ttl", rdf.FormatTurtle, 1, 755},
	{"ihcc-koges.ttl", rdf.FormatTurtle, 1, 175},
	{"ihcc-plco.ttl", rdf.FormatTurtle, 1, 2407},
	{"ihcc-saprin.ttl", rdf.FormatTurtle, 1, 144},
	{"ihcc-uklwc.ttl", rdf.FormatTurtle, 1, 191},
	{"ihcc-vz.ttl", rdf.FormatTurtle, 1, 412},
	{"nhanes.ttl", rdf.FormatTurtle, 138, 11695},
	{"omop-cdm.ttl", rdf.FormatTurtle, 39, 432},
	// The 2017 FDK harvests (DCAT-AP-NO 1.1, no variables); dataset counts
	// from shared/data/SOURCES.md.
	{"fdk-2017/gdoc-data-2017-10-19.ttl", rdf.FormatTurtle, 133, 0},
	{"fdk-2017/nav-2017-10-31.ttl", rdf.FormatTurtle, 42, 0},
	{"fdk-2017/difi-dataset-2017-10-19.jsonld", rdf.FormatJSONLD, 33, 0},
	{"fdk-2017/geonorge-data-2017-10-19.xml", rdf.FormatRDFXML, 168, 0},
	{"fdk-2017/reinli-data-2017-10-26.ttl", rdf.FormatTurtle, 1, 0},
}

// summary is the golden record of reading one fixture: counts, and the
// first records in full.
type summary struct {
	Triples        int                `json:"triples"`
	Catalogs       int                `json:"catalogs"`
	Datasets       int                `json:"datasets"`
	Variables      int                `json:"variables"`
	CodeLists      int                `json:"code_lists"`
	TitlesByLang   map[string]int     `json:"variable_titles_by_language"`
	Findings       map[string]int     `json:"findings_by_rule"`
	FirstCatalog   *catalog.Catalog   `json:"first_catalog,omitempty"`
	FirstDatasets  []catalog.Dataset  `json:"first_datasets"`
	FirstVariables []catalog.Variable `json:"first_variables"`
	FirstCodeList  *catalog.CodeList  `json:"first_code_list,omitempty"`
}

func summarize(res *Result) summary {
	s := res.Snapshot
	sum := summary{
		Triples: res.Triples, Catalogs: len(s.Catalogs), Datasets: len(s.Datasets),
		Variables: len(s.Variables), CodeLists: len(s.CodeLists),
		TitlesByLang: map[string]int{}, Findings: map[string]int{},
	}
	for _, v := range s.Variables {
		for l := range v.Title {
			sum.TitlesByLang[l]++
		}
	}
	for _, f := range res.Findings {
		sum.Findings[f.Rule]++
	}
	if len(s.Catalogs) > 0 {
		c := s.Catalogs[0]
		if len(c.Datasets) > 3 {
			c.Datasets = c.Datasets[:3]
		}
		sum.FirstCatalog = &c
	}
	sum.FirstDatasets = s.Datasets[:min(2, len(s.Datasets))]
	sum.FirstVariables = s.Variables[:min(3, len(s.Variables))]
	if len(s.CodeLists) > 0 {
		cl := s.CodeLists[0]
		cl.Codes = cl.Codes[:min(5, len(cl.Codes))]
		sum.FirstCodeList = &cl
	}
	return sum
}

// TestReadFixtures reads every bundled feed, checks its counts against the
// feeds' own documentation, and compares the mapped records with golden
// files (refresh with go test ./dcat -update).
func TestReadFixtures(t *testing.T) {
	for _, fx := range fixtureFeeds {
		t.Run(fx.path, func(t *testing.T) {
			f, err := os.Open(filepath.Join("..", "fixtures", "feeds", fx.path))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := Read(f, fx.format, rdf.Options{Base: "https://example.org/" + fx.path})
			if err != nil {
				t.Fatalf("Read(%s): %v", fx.path, err)
			}
			if got := len(res.Snapshot.Datasets); got != fx.datasets {
				t.Errorf("Read(%s): %d datasets; want %d", fx.path, got, fx.datasets)
			}
			if got := len(res.Snapshot.Variables); got != fx.variables {
				t.Errorf("Read(%s): %d variables; want %d", fx.path, got, fx.variables)
			}
			got, err := json.MarshalIndent(summarize(res), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", strings.ReplaceAll(fx.path, "/", "_")+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./dcat -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Read(%s) differs from %s; run go test ./dcat -update and review the diff\n%s", fx.path, golden, firstDiff(got, want))
			}
		})
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
