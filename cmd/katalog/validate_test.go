package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	noExamples = "../../fixtures/shacl/dcat-ap-no/examples/DCAT-AP-NO2.0-examples.ttl"
	gdoc2017   = "../../fixtures/feeds/fdk-2017/gdoc-data-2017-10-19.ttl"
	geonorge   = "../../fixtures/feeds/fdk-2017/geonorge-data-2017-10-19.xml"
)

func TestValidateCommand(t *testing.T) {
	examples, err := os.ReadFile(noExamples)
	if err != nil {
		t.Fatal(err)
	}
	notRDF := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notRDF, []byte("Variabler i registeret\nVEKT: fødselsvekt i gram\n"), 0o644)

	feeds := http.NewServeMux()
	feeds.HandleFunc("/examples.ttl", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/turtle")
		w.Write(examples)
	})
	feeds.HandleFunc("/elsewhere.ttl", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://feeds.example.org/examples.ttl", http.StatusFound)
	})
	srv := httptest.NewServer(feeds)
	defer srv.Close()

	cases := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout []string // each must appear
		stderr string
	}{
		{"DCAT-AP-NO examples pass", []string{noExamples}, "", exitOK,
			[]string{"profile dcat-ap-no: 1 dataset, 0 errors, "}, ""},
		{"2017 Turtle catalogue", []string{gdoc2017}, "", exitFailures, []string{
			"\nhttp://data.brreg.no/datakatalog/katalog/985821585/12\n",
			"error   dct:identifier               The catalogue has no dct:identifier (identifier), which DCAT-AP-NO requires. Add it.",
			`The catalogue: the value "Norids datakatalog" of dct:title must have a language tag`,
		}, ""},
		{"2017 RDF/XML catalogue", []string{geonorge}, "", exitFailures, []string{
			"error   dct:identifier",
			"must be an IRI",
		}, ""},
		{"Norwegian messages", []string{"--lang", "nb", gdoc2017}, "", exitFailures,
			[]string{"Katalogen mangler dct:identifier"}, ""},
		{"standard input", []string{"-"}, string(examples), exitOK, []string{"-: profile dcat-ap-no: 1 dataset, 0 errors"}, ""},
		{"a URL", []string{srv.URL + "/examples.ttl"}, "", exitOK, []string{"0 errors"}, ""},
		{"a URL that redirects off the host", []string{srv.URL + "/elsewhere.ttl"}, "", exitCannot, nil, "refused to follow a redirect"},
		{"a URL that is not there", []string{srv.URL + "/nothing.ttl"}, "", exitCannot, nil, "404"},
		{"not RDF", []string{notRDF}, "", exitCannot, nil, "notes.txt: the feed is not valid turtle: turtle: line 1, column 1:"},
		{"broken JSON-LD on standard input", []string{"-"}, `{"@id": "x", "a": [1,`, exitCannot, nil, "standard input: the feed is not valid jsonld: jsonld: line 1, column 22"},
		{"unknown profile", []string{"--profile", "dcat-ap-se", noExamples}, "", exitCannot, nil, `unknown profile "dcat-ap-se"`},
		{"no feed", nil, "", exitCannot, nil, "give one feed"},
		{"no such file", []string{"/nonexistent.ttl"}, "", exitCannot, nil, "/nonexistent.ttl"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"validate"}, c.args...)
			code := run(context.Background(), args, strings.NewReader(c.stdin), &stdout, &stderr)
			if code != c.code {
				t.Errorf("katalog %s = exit %d; want %d\nstderr: %s", strings.Join(args, " "), code, c.code, &stderr)
			}
			for _, s := range c.stdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout lacks %q:\n%.2000s", s, &stdout)
				}
			}
			if !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("stderr %q lacks %q", &stderr, c.stderr)
			}
		})
	}
}

// The JSON report carries every finding with its resource and path, and
// the text report groups the same findings by resource.
func TestValidateJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"validate", "--format", "json", gdoc2017}, strings.NewReader(""), &stdout, &stderr)
	if code != exitFailures {
		t.Fatalf("exit %d; want %d: %s", code, exitFailures, &stderr)
	}
	var rep struct {
		Profile string `json:"profile"`
		Quality struct {
			Score  int `json:"score"`
			Errors int `json:"errors"`
		} `json:"quality"`
		Datasets map[string]struct {
			Score int `json:"score"`
		} `json:"datasets"`
		Findings []struct {
			Severity string            `json:"severity"`
			Resource string            `json:"resource"`
			Path     string            `json:"path"`
			Message  map[string]string `json:"message"`
			Rule     string            `json:"rule"`
			SpecURL  string            `json:"spec_url"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("the JSON report does not parse: %v", err)
	}
	if rep.Profile != "dcat-ap-no" || len(rep.Datasets) != 133 || rep.Quality.Score <= 0 || rep.Quality.Score >= 100 {
		t.Errorf("report: profile %s, %d datasets, score %d; want dcat-ap-no, 133, between 0 and 100", rep.Profile, len(rep.Datasets), rep.Quality.Score)
	}
	errors, identifiers := 0, 0
	for _, f := range rep.Findings {
		if f.Resource == "" || f.Rule == "" || f.Message["nb"] == "" || f.Message["en"] == "" || f.SpecURL == "" {
			t.Fatalf("finding lacks a resource, rule, message or link: %+v", f)
		}
		if f.Severity == "error" {
			errors++
			if f.Path == "dct:identifier" {
				identifiers++
			}
		}
	}
	if errors != rep.Quality.Errors || identifiers == 0 {
		t.Errorf("%d errors (%d on dct:identifier); want the %d the summary counts, some on dct:identifier", errors, identifiers, rep.Quality.Errors)
	}
}
