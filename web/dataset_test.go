package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

type datasetRecord struct {
	Identifier  string            `json:"identifier"`
	IRI         string            `json:"iri"`
	Title       map[string]string `json:"title"`
	Description map[string]string `json:"description"`
	Publisher   *struct {
		IRI        string            `json:"iri"`
		Identifier string            `json:"identifier"`
		Name       map[string]string `json:"name"`
		Homepage   string            `json:"homepage"`
	} `json:"publisher"`
	Contacts []struct {
		Name  map[string]string `json:"name"`
		Email string            `json:"email"`
	} `json:"contact_points"`
	Themes []struct {
		IRI string `json:"iri"`
	} `json:"themes"`
	AccessRights string `json:"access_rights"`
	Temporal     []struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"temporal"`
	Source struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"source"`
	Status string `json:"status"`
}

type datasetVariables struct {
	Total     int `json:"total"`
	Page      int `json:"page"`
	Size      int `json:"size"`
	Variables []struct {
		Identifier string `json:"identifier"`
		Name       string `json:"name"`
	} `json:"variables"`
}

func (p *datasetVariables) names() []string {
	out := make([]string, len(p.Variables))
	for i, v := range p.Variables {
		out[i] = v.Name
	}
	return out
}

func TestDatasetGet(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	var d datasetRecord
	ts.getJSON(t, "/api/v1/datasets/MFR", http.StatusOK, &d)
	if d.Identifier != "MFR" || d.IRI != "https://data.fhi.no/dataset/mfr" || d.Title["nb"] != "Medisinsk fødselsregister" || d.Title["en"] != "Medical Birth Registry of Norway" {
		t.Errorf("GET /api/v1/datasets/MFR = %s <%s> %v; want MFR with nb and en titles", d.Identifier, d.IRI, d.Title)
	}
	if d.Publisher == nil || d.Publisher.Name["nb"] != pubFHI || d.Publisher.Identifier != "983744516" || d.Publisher.Homepage != "https://www.fhi.no" {
		t.Errorf("GET /api/v1/datasets/MFR: publisher = %+v; want %s", d.Publisher, pubFHI)
	}
	if len(d.Contacts) != 1 || d.Contacts[0].Email != "mfr@fhi.no" {
		t.Errorf("GET /api/v1/datasets/MFR: contact_points = %+v; want mfr@fhi.no", d.Contacts)
	}
	if len(d.Themes) != 1 || d.Themes[0].IRI != authority+"data-theme/HEAL" {
		t.Errorf("GET /api/v1/datasets/MFR: themes = %+v; want HEAL", d.Themes)
	}
	if d.AccessRights != authority+"access-right/NON_PUBLIC" {
		t.Errorf("GET /api/v1/datasets/MFR: access_rights = %q; want NON_PUBLIC", d.AccessRights)
	}
	if len(d.Temporal) != 1 || d.Temporal[0].Start != "1967" || d.Temporal[0].End != "" {
		t.Errorf("GET /api/v1/datasets/MFR: temporal = %+v; want 1967–", d.Temporal)
	}
	if d.Source.Name != "fhi-mfr" || d.Source.URL == "" || d.Status != "active" {
		t.Errorf("GET /api/v1/datasets/MFR: source %+v, status %q; want fhi-mfr, active", d.Source, d.Status)
	}

	for _, path := range []string{url.PathEscape(idHUNT4), "HUNT4%20Voksen%2F2017"} {
		var d datasetRecord
		ts.getJSON(t, "/api/v1/datasets/"+path, http.StatusOK, &d)
		if d.Identifier != idHUNT4 || len(d.Temporal) != 1 || d.Temporal[0].End != "2019" {
			t.Errorf("GET /api/v1/datasets/%s = %q %+v; want %q 2017–2019", path, d.Identifier, d.Temporal, idHUNT4)
		}
	}

	for _, path := range []string{"NOPE", "mfr", "MFR:HODE", url.PathEscape("HUNT4 Voksen/2018")} {
		ts.wantAPIError(t, "/api/v1/datasets/"+path, http.StatusNotFound, "not_found")
		ts.wantAPIError(t, "/api/v1/datasets/"+path+"/variables", http.StatusNotFound, "not_found")
	}
}

func TestDatasetVariables(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	hunt4 := "/api/v1/datasets/" + url.PathEscape(idHUNT4) + "/variables"
	tests := []struct {
		target     string
		page, size int
		total      int
		want       []string
	}{
		{"/api/v1/datasets/MFR/variables", 1, 50, 6, mfrVariables},
		{"/api/v1/datasets/MFR/variables?size=2", 1, 2, 6, mfrVariables[:2]},
		{"/api/v1/datasets/MFR/variables?size=2&page=2", 2, 2, 6, mfrVariables[2:4]},
		{"/api/v1/datasets/MFR/variables?page=3&size=2", 3, 2, 6, mfrVariables[4:]},
		{"/api/v1/datasets/MFR/variables?page=4&size=2", 4, 2, 6, []string{}},
		{"/api/v1/datasets/MFR/variables?size=4&page=2", 2, 4, 6, mfrVariables[4:]},
		{"/api/v1/datasets/MFR/variables?size=1000", 1, 1000, 6, mfrVariables},
		// The withdrawn HUNT4:GAMMEL is left out.
		{hunt4, 1, 50, 4, []string{"BMI", "BLODTRYKK", "ROYK", "ALDER"}},
		{hunt4 + "?size=3&page=2", 2, 3, 4, []string{"ALDER"}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			var p datasetVariables
			ts.getJSON(t, tt.target, http.StatusOK, &p)
			if p.Page != tt.page || p.Size != tt.size || p.Total != tt.total {
				t.Errorf("GET %s: page %d, size %d, total %d; want %d, %d, %d", tt.target, p.Page, p.Size, p.Total, tt.page, tt.size, tt.total)
			}
			if p.Variables == nil {
				t.Errorf("GET %s: variables is null; want a list", tt.target)
			}
			if got := p.names(); !slices.Equal(got, tt.want) {
				t.Errorf("GET %s: variables %v; want %v", tt.target, got, tt.want)
			}
		})
	}

	for _, q := range []string{"page=0", "page=-1", "page=x", "page=4611686018427387904", "size=0", "size=-5", "size=1001", "size=abc", "size=2.5"} {
		target := fmt.Sprintf("/api/v1/datasets/MFR/variables?%s", q)
		ts.wantAPIError(t, target, http.StatusBadRequest, "invalid")
	}
}
