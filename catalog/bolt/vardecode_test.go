package bolt

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
)

func sampleVariables() []catalog.Variable {
	t0 := time.Date(2026, 12, 2, 17, 26, 59, 702914847, time.UTC)
	t1 := time.Date(2025, 1, 31, 8, 0, 0, 0, time.FixedZone("", 3600))
	return []catalog.Variable{
		{},
		{
			IRI: "https://example.org/v/SVLEN", Identifier: "MFR:SVLEN", Name: "SVLEN",
			Source: "fhi-mfr", Dataset: "https://example.org/d/mfr", Table: "https://example.org/t/1", Position: 41,
			Title:       catalog.Text{"nb": "Svangerskapslengde", "en": "Gestational age", "nn": "Svangerskapslengd"},
			Description: catalog.Text{"nb": "Uker \"fullgått\"\n\tmed <tegn> & \\ og \u2028 og ø"},
			Datatype:    "integer", Unit: "uker",
			PropertyURLs:   []string{"http://snomed.info/id/57036006", ""},
			Subjects:       []catalog.Concept{{IRI: "https://example.org/c/1", Label: catalog.Text{"en": "Pregnancy"}, Notation: "O09"}, {}},
			Temporal:       []catalog.Period{{Start: "1967", End: "2024-12-31"}, {End: "2020"}},
			CodeList:       "https://example.org/cl/1",
			AltIdentifiers: []catalog.AltIdentifier{{Notation: "svlen", Creator: "FHI"}},
			Validation:     catalog.Validation{Errors: 3, Warnings: 12},
			Hash:           "9o2w_ZEqGV4vkL7jEWfI0A",
			FirstSeen:      t0, LastChanged: t1, Withdrawn: &t0,
		},
		{IRI: "urn:x", Position: -7, Title: catalog.Text{}, PropertyURLs: []string{}, Subjects: []catalog.Concept{}, Temporal: []catalog.Period{}, AltIdentifiers: []catalog.AltIdentifier{}},
		{IRI: "emoji 🩺 and \x7f and invalid \xff utf-8", Name: "\u0000nul"},
	}
}

// TestDecodeVariableIsEncodingJSON decodes what Katalog writes and compares
// the result with encoding/json's.
func TestDecodeVariableIsEncodingJSON(t *testing.T) {
	for i, want := range sampleVariables() {
		body, err := json.Marshal(&want)
		if err != nil {
			t.Fatal(err)
		}
		var std, got catalog.Variable
		if err := json.Unmarshal(body, &std); err != nil {
			t.Fatal(err)
		}
		if !decodeVariable(body, &got) {
			t.Fatalf("variable %d: the fast decoder gave up on %s", i, body)
		}
		if !reflect.DeepEqual(got, std) {
			t.Errorf("variable %d:\n got %#v\nwant %#v", i, got, std)
		}
	}
}

// TestDecodeVariableFallsBack checks that JSON the fast decoder does not
// read is still read, by the general decoder.
func TestDecodeVariableFallsBack(t *testing.T) {
	for _, body := range []string{
		`{"iri":"a","title":null}`,
		`{"iri":"a","IRI":"b"}`,
		`{"iri":"a","iri":"b"}`,
		`{"title":{"nb":"x"},"title":{"en":"y"}}`,
		`{"position":1.0}`,
		`{"position":1e2}`,
		`{"iri":"a","future_field":[1,{"x":null}]}`,
		"{\n  \"iri\": \"pretty\"\n}",
		"{\"iri\":\"\xff\"}",
		`{"withdrawn":null}`,
	} {
		if decodeVariable([]byte(body), new(catalog.Variable)) {
			t.Errorf("the fast decoder read %s", body)
		}
		var general, got catalog.Variable
		generalErr := recordJSON.Unmarshal([]byte(body), &general)
		err := header{body: []byte(body)}.decode(&got)
		if (err == nil) != (generalErr == nil) || !reflect.DeepEqual(got, general) {
			t.Errorf("%s: got %#v, %v; the general decoder %#v, %v", body, got, err, general, generalErr)
		}
	}
}

// FuzzDecodeVariable: whatever the fast decoder accepts, encoding/json
// accepts and decodes to the same value.
func FuzzDecodeVariable(f *testing.F) {
	for _, v := range sampleVariables() {
		body, _ := json.Marshal(&v)
		f.Add(body)
	}
	f.Add([]byte(`{"position":-0,"validation":{"errors":01}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var got catalog.Variable
		if !decodeVariable(body, &got) {
			return
		}
		var std catalog.Variable
		if err := json.Unmarshal(body, &std); err != nil {
			t.Fatalf("fast decoder read %q, which encoding/json rejects: %v", body, err)
		}
		if !reflect.DeepEqual(got, std) {
			t.Fatalf("%q:\n got %#v\nwant %#v", body, got, std)
		}
	})
}
