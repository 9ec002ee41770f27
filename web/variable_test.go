package web_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

type variableRecord struct {
	Identifier  string            `json:"identifier"`
	IRI         string            `json:"iri"`
	Name        string            `json:"name"`
	Title       map[string]string `json:"title"`
	Description map[string]string `json:"description"`
	Datatype    string            `json:"datatype"`
	Unit        string            `json:"unit"`
	Temporal    []struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"temporal"`
	CodeList *struct {
		IRI   string            `json:"iri"`
		Title map[string]string `json:"title"`
		Codes []struct {
			Notation string            `json:"notation"`
			Label    map[string]string `json:"label"`
		} `json:"codes"`
	} `json:"code_list"`
	Dataset struct {
		Identifier string            `json:"identifier"`
		IRI        string            `json:"iri"`
		Title      map[string]string `json:"title"`
	} `json:"dataset"`
	Table *struct {
		IRI   string            `json:"iri"`
		Title map[string]string `json:"title"`
	} `json:"table"`
	Publisher *struct {
		IRI  string            `json:"iri"`
		Name map[string]string `json:"name"`
	} `json:"publisher"`
	AccessRights string `json:"access_rights"`
	Source       struct {
		Name          string     `json:"name"`
		URL           string     `json:"url"`
		LastHarvested *time.Time `json:"last_harvested"`
		LastChanged   *time.Time `json:"last_changed"`
	} `json:"source"`
	FirstHarvested time.Time  `json:"first_harvested"`
	LastChanged    time.Time  `json:"last_changed"`
	LastHarvested  *time.Time `json:"last_harvested"`
	Withdrawn      *time.Time `json:"withdrawn"`
	Status         string     `json:"status"`
	Hash           string     `json:"hash"`
}

func TestVariableGet(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)

	var v variableRecord
	ts.getJSON(t, "/api/v1/variables/MFR:HODE", http.StatusOK, &v)
	if v.Identifier != "MFR:HODE" || v.Name != "HODE" || v.IRI != "https://data.fhi.no/mfr/variable/HODE" {
		t.Errorf("GET /api/v1/variables/MFR:HODE = %s %s %s; want MFR:HODE HODE <.../HODE>", v.Identifier, v.Name, v.IRI)
	}
	if v.Title["nb"] != "Hodeomkrets" || v.Title["en"] != "Head circumference" {
		t.Errorf("GET /api/v1/variables/MFR:HODE: title = %v; want nb and en", v.Title)
	}
	if v.Datatype != "integer" || v.Unit != "cm" || len(v.Temporal) != 1 || v.Temporal[0].Start != "1999" {
		t.Errorf("GET /api/v1/variables/MFR:HODE: datatype %q unit %q temporal %v; want integer, cm, 1999–", v.Datatype, v.Unit, v.Temporal)
	}
	if v.Dataset.Identifier != "MFR" || v.Dataset.IRI != "https://data.fhi.no/dataset/mfr" || v.Dataset.Title["nb"] != "Medisinsk fødselsregister" {
		t.Errorf("GET /api/v1/variables/MFR:HODE: dataset = %+v; want MFR", v.Dataset)
	}
	if v.Table == nil || v.Table.Title["nb"] != "Fødsel" {
		t.Errorf("GET /api/v1/variables/MFR:HODE: table = %+v; want Fødsel", v.Table)
	}
	if v.Publisher == nil || v.Publisher.Name["nb"] != pubFHI {
		t.Errorf("GET /api/v1/variables/MFR:HODE: publisher = %+v; want %s", v.Publisher, pubFHI)
	}
	if v.AccessRights != authority+"access-right/NON_PUBLIC" {
		t.Errorf("GET /api/v1/variables/MFR:HODE: access_rights = %q; want NON_PUBLIC", v.AccessRights)
	}
	if v.Source.Name != "fhi-mfr" || v.Source.URL != "https://data.fhi.no/mfr.ttl" ||
		v.Source.LastHarvested == nil || !v.Source.LastHarvested.Equal(testNow.Add(-2*time.Hour)) ||
		v.Source.LastChanged == nil || !v.Source.LastChanged.Equal(testNow.Add(-50*time.Hour)) {
		t.Errorf("GET /api/v1/variables/MFR:HODE: source = %+v; want fhi-mfr harvested 2h and changed 50h before %v", v.Source, testNow)
	}
	if !v.FirstHarvested.Equal(testNow.Add(-50*time.Hour)) || !v.LastChanged.Equal(testNow.Add(-50*time.Hour)) ||
		v.LastHarvested == nil || !v.LastHarvested.Equal(testNow.Add(-2*time.Hour)) {
		t.Errorf("GET /api/v1/variables/MFR:HODE: first_harvested %v, last_changed %v, last_harvested %v; want %v, %v, %v",
			v.FirstHarvested, v.LastChanged, v.LastHarvested, testNow.Add(-50*time.Hour), testNow.Add(-50*time.Hour), testNow.Add(-2*time.Hour))
	}
	if v.Hash != "" {
		t.Errorf("GET /api/v1/variables/MFR:HODE: the store's content hash %q leaks into the API", v.Hash)
	}
	if v.Status != "active" || v.Withdrawn != nil || v.CodeList != nil {
		t.Errorf("GET /api/v1/variables/MFR:HODE: status %q, withdrawn %v, code_list %v; want active, none, none", v.Status, v.Withdrawn, v.CodeList)
	}
}

func TestVariableCodeList(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var v variableRecord
	ts.getJSON(t, "/api/v1/variables/MFR:KJONN", http.StatusOK, &v)
	if v.CodeList == nil {
		t.Fatalf("GET /api/v1/variables/MFR:KJONN: no code_list; want it inline")
	}
	if v.CodeList.IRI != "https://data.fhi.no/mfr/codelist/kjonn" || v.CodeList.Title["nb"] != "Kjønn" {
		t.Errorf("GET /api/v1/variables/MFR:KJONN: code list %s %v; want <.../kjonn> Kjønn", v.CodeList.IRI, v.CodeList.Title)
	}
	want := [][3]string{{"1", "Gutt", "Boy"}, {"2", "Jente", "Girl"}, {"9", "Ukjent", "Unknown"}}
	if len(v.CodeList.Codes) != len(want) {
		t.Fatalf("GET /api/v1/variables/MFR:KJONN: %d codes; want %d", len(v.CodeList.Codes), len(want))
	}
	for i, c := range v.CodeList.Codes {
		if got := [3]string{c.Notation, c.Label["nb"], c.Label["en"]}; got != want[i] {
			t.Errorf("GET /api/v1/variables/MFR:KJONN: code %d = %v; want %v", i, got, want[i])
		}
	}
}

func TestVariableIdentifierEscaping(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	tests := []struct {
		path string
		want string
	}{
		{"MFR:HODE", "MFR:HODE"},
		{"MFR%3AHODE", "MFR:HODE"},
		{url.PathEscape(idSlash), idSlash},
		{"HUNT4%2FSp%C3%B8rreskjema%201%2FBMI", idSlash},
		{url.PathEscape(idPercent), idPercent},
		{url.PathEscape("HUNT4:BLODTRYKK"), "HUNT4:BLODTRYKK"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			var v variableRecord
			ts.getJSON(t, "/api/v1/variables/"+tt.path, http.StatusOK, &v)
			if v.Identifier != tt.want {
				t.Errorf("GET /api/v1/variables/%s: identifier = %q; want %q", tt.path, v.Identifier, tt.want)
			}
		})
	}
}

func TestVariableNotFound(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, path := range []string{
		"MFR:NOPE",
		"mfr:hode", // identifiers are case-sensitive
		url.PathEscape("HUNT4/Spørreskjema 2/BMI"),
		url.PathEscape("100%"),
		"MFR", // a dataset's identifier is no variable's
	} {
		ts.wantAPIError(t, "/api/v1/variables/"+path, http.StatusNotFound, "not_found")
	}
	// An unescaped slash makes another path, which is no route.
	ts.wantAPIError(t, "/api/v1/variables/HUNT4/BMI", http.StatusNotFound, "not_found")
}

func TestVariableWithdrawn(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var v variableRecord
	ts.getJSON(t, "/api/v1/variables/HUNT4:GAMMEL", http.StatusOK, &v)
	if v.Status != "withdrawn" || v.Withdrawn == nil || !v.Withdrawn.Equal(testNow.Add(-time.Hour)) {
		t.Errorf("GET /api/v1/variables/HUNT4:GAMMEL: status %q, withdrawn %v; want withdrawn at %v", v.Status, v.Withdrawn, testNow.Add(-time.Hour))
	}
	if v.Source.Name != "hunt" || v.Dataset.Identifier != idHUNT4 {
		t.Errorf("GET /api/v1/variables/HUNT4:GAMMEL: source %q, dataset %q; want hunt, %q", v.Source.Name, v.Dataset.Identifier, idHUNT4)
	}
}

// The API lists other datasets' variables like this one, each with its
// reasons; an unknown variable is a 404, too many asked for a 400.
func TestVariableSimilar(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var got struct {
		Similar []struct {
			Identifier string `json:"identifier"`
			Dataset    struct {
				Identifier string `json:"identifier"`
			} `json:"dataset"`
			Reasons []struct {
				Kind string `json:"kind"`
			} `json:"reasons"`
		} `json:"similar"`
	}
	ts.getJSON(t, "/api/v1/variables/HUNT4:BLODTRYKK/similar?size=5", http.StatusOK, &got)
	if got.Similar == nil {
		t.Fatalf("GET similar: no \"similar\" list")
	}
	for _, h := range got.Similar {
		if h.Dataset.Identifier == "HUNT4" || len(h.Reasons) == 0 || h.Reasons[0].Kind == "" {
			t.Errorf("GET similar: %+v; want other datasets' variables, each with a reason", h)
		}
	}
	ts.wantAPIError(t, "/api/v1/variables/MFR:NOPE/similar", http.StatusNotFound, "not_found")
	ts.wantAPIError(t, "/api/v1/variables/MFR:HODE/similar?size=500", http.StatusBadRequest, "invalid")
}
