package validate_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/validate"
	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
)

const prefixes = `
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix csvw: <http://www.w3.org/ns/csvw#> . @prefix h: <http://healthdataportal.eu/ns/health#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix m: <https://data.norge.no/vocabulary/modelldcatno#> . @prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix ex: <https://example.org/> .
@prefix theme: <http://publications.europa.eu/resource/authority/data-theme/> .
@prefix access: <http://publications.europa.eu/resource/authority/access-right/> .
`

// good is a catalogue with one dataset that meets every mandatory property
// of DCAT-AP-NO; cases add or break things.
const good = `
ex:cat a dcat:Catalog ; dct:identifier "cat" ; dct:title "Katalog"@nb ; dct:description "Beskrivelse"@nb ;
  dct:publisher ex:org ; dcat:dataset ex:ds .
ex:org a foaf:Agent ; foaf:name "Registeret"@nb .
ex:ds a dcat:Dataset ; dct:identifier "DS" ; dct:title "Tittel"@nb ; dct:description "Om datasettet"@nb ;
  dct:publisher ex:org ; dcat:theme theme:HEAL ; dcat:contactPoint ex:contact ;
  dct:accessRights access:NON_PUBLIC .
ex:contact a vcard:Organization ; vcard:fn "Kontakt"@nb ; vcard:hasEmail <mailto:post@example.org> .
`

func validateTurtle(t *testing.T, profile, doc string) *validate.Report {
	t.Helper()
	v, err := validate.New(profile)
	if err != nil {
		t.Fatal(err)
	}
	g := dcat.NewGraph()
	opts := rdf.Options{Base: "https://example.org/feed.ttl", Relative: g.NoteRelative}
	if err := rdf.ParseTurtle(strings.NewReader(prefixes+doc), opts, g.Add); err != nil {
		t.Fatalf("ParseTurtle: %v", err)
	}
	return v.Validate(g)
}

// findings lists findings as "severity rule resource path", sorted.
func findings(rep *validate.Report, severity catalog.Severity) []string {
	var out []string
	for _, f := range rep.Findings {
		if severity == "" || f.Severity == severity {
			res := f.Resource
			if strings.HasPrefix(res, "_:") {
				res = "_:" // blank node labels are the parser's
			}
			out = append(out, fmt.Sprintf("%s %s %s %s", f.Severity, f.Rule, res, f.Path))
		}
		if f.Message["nb"] == "" || f.Message["en"] == "" || f.Rule == "" || f.Resource == "" {
			panic(fmt.Sprintf("finding without message, rule or resource: %+v", f))
		}
	}
	sort.Strings(out)
	return out
}

func TestGoodFeedHasNoErrors(t *testing.T) {
	for _, profile := range []string{"dcat-ap-no", "national"} {
		rep := validateTurtle(t, profile, good)
		if errs := findings(rep, catalog.SeverityError); len(errs) > 0 {
			t.Errorf("%s: errors in a good feed: %v", profile, errs)
		}
		q := rep.Datasets["https://example.org/ds"]
		if q.Mandatory.Met != q.Mandatory.Total || q.Mandatory.Total == 0 || q.Score < 70 || q.Score > 100 {
			t.Errorf("%s: dataset quality %+v; want every mandatory property met and a score of 70-100", profile, q)
		}
	}
}

// Each case is a feed and findings that must be among what the validator
// reports (as "severity rule resource path").
func TestFindings(t *testing.T) {
	cases := []struct {
		name    string
		profile string
		doc     string
		want    []string
	}{
		{"missing mandatory properties", "dcat-ap-no", `ex:ds a dcat:Dataset ; dct:title "T"@nb .`, []string{
			"error dcat-ap-no:Dataset.dct:description:missing https://example.org/ds dct:description",
			"error dcat-ap-no:Dataset.dct:publisher:missing https://example.org/ds dct:publisher",
			"error dcat-ap-no:Dataset.dcat:theme:missing https://example.org/ds dcat:theme",
			"error dcat-ap-no:Dataset.dct:identifier:missing https://example.org/ds dct:identifier",
			"warning dcat-ap-no:Dataset.dcat:contactPoint:missing https://example.org/ds dcat:contactPoint",
		}},
		{"a literal where an IRI belongs", "dcat-ap-no", good + `ex:ds dct:accrualPeriodicity "monthly" .`, []string{
			"error dcat-ap-no:Dataset.dct:accrualPeriodicity:form-iri https://example.org/ds dct:accrualPeriodicity",
		}},
		{"two publishers", "dcat-ap-no", good + `ex:ds dct:publisher ex:other .`, []string{
			"error dcat-ap-no:Dataset.dct:publisher:max-one https://example.org/ds dct:publisher",
		}},
		{"an untyped date", "dcat-ap-no", good + `ex:ds dct:modified "2017-10-10" .`, []string{
			"error dcat-ap-no:Dataset.dct:modified:form-date https://example.org/ds dct:modified",
		}},
		{"a title without a language", "dcat-ap-no", good + `ex:cat dct:title "Uten språk" .`, []string{
			"warning dcat-ap-no:Catalog.dct:title:form-langString https://example.org/cat dct:title",
		}},
		{"unique-language", "dcat-ap-no", good + `ex:ds dct:title "Enda en tittel"@nb .`, []string{
			"warning dcat-ap-no:unique-language https://example.org/ds dct:title",
		}},
		{"email-mailto", "dcat-ap-no", good + `ex:contact vcard:hasEmail <https://example.org/not-mail> .`, []string{
			"warning dcat-ap-no:email-mailto https://example.org/contact vcard:hasEmail",
		}},
		{"email as text", "healthdcat-ap", good + `ex:c2 a vcard:Kind ; vcard:hasEmail "post@example.org" . ex:ds dcat:contactPoint ex:c2 .`, []string{
			"error healthdcat-ap:email-mailto https://example.org/c2 vcard:hasEmail",
			"error healthdcat-ap:contact-reachable https://example.org/c2 vcard:hasEmail",
		}},
		{"structured-has-variables", "national", good + `ex:ds h:hasStructuredData "true"^^xsd:boolean .`, []string{
			"error national:structured-has-variables https://example.org/ds healthdcatap:hasVariables",
		}},
		{"date-lexical", "dcat-ap-no", good + `ex:ds dct:issued "2017-13-45"^^xsd:date .`, []string{
			"error dcat-ap-no:date-lexical https://example.org/ds dct:issued",
		}},
		{"date-lexical in a period", "dcat-ap-no", good + `ex:ds dct:temporal [ dcat:startDate "19999"^^xsd:gYear ] .`, []string{
			"error dcat-ap-no:date-lexical https://example.org/ds dct:temporal / dcat:startDate",
		}},
		{"vocabulary: theme outside the EU table", "dcat-ap-no", strings.Replace(good, "theme:HEAL", "<https://example.org/my-theme>", 1), []string{
			"warning dcat-ap-no:vocabulary https://example.org/ds dcat:theme",
		}},
		{"vocabulary: HealthDCAT-AP wants every theme from the EU table, HEAL among them", "healthdcat-ap", strings.Replace(good, "theme:HEAL", "theme:SOCI , <https://psi.norge.no/los/tema/helse>", 1), []string{
			"error healthdcat-ap:vocabulary https://example.org/ds dcat:theme",
		}},
		{"vocabulary: unknown code", "dcat-ap-no", strings.Replace(good, "access:NON_PUBLIC", "access:SECRET", 1), []string{
			"error dcat-ap-no:vocabulary-code https://example.org/ds dct:accessRights",
		}},
		{"vocabulary: a licence from elsewhere", "dcat-ap-no", good + `ex:ds dct:license <http://data.norge.no/nlod/no/1.0> .`, []string{
			"error dcat-ap-no:vocabulary https://example.org/ds dct:license",
		}},
		{"periods of time: DCAT-AP-NO wants dates", "dcat-ap-no", good + `ex:ds dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2017"^^xsd:gYear ; dcat:endDate "2019-01-01"^^xsd:date , "2019-12-31"^^xsd:date ] .`, []string{
			"error dcat-ap-no:PeriodOfTime.dcat:startDate:form-date https://example.org/ds dct:temporal / dcat:startDate",
			"error dcat-ap-no:PeriodOfTime.dcat:endDate:max-one https://example.org/ds dct:temporal / dcat:endDate",
		}},
		{"periods of time: HealthDCAT-AP takes years", "healthdcat-ap", good + `ex:ds dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2017"^^xsd:gYear ] .`, []string{
			"no error about dcat:startDate",
		}},
		{"a standard needs a title", "dcat-ap-no", good + `ex:ds dct:conformsTo <https://example.org/standard> .`, []string{
			"error dcat-ap-no:Standard.dct:title:missing https://example.org/standard dct:title",
		}},
		{"an identifier needs one notation", "dcat-ap-no", good + `ex:ds <http://www.w3.org/ns/adms#identifier> [ skos:notation "A" , "B" ] .`, []string{
			"error dcat-ap-no:Identifier.skos:notation:max-one https://example.org/ds adms:identifier / skos:notation",
		}},
		{"vocabulary: LOS beside a theme", "dcat-ap-no", good + `ex:ds dcat:theme <https://psi.norge.no/los/tema/helse> .`, nil},
		{"identifier-unique", "dcat-ap-no", good + `ex:ds2 a dcat:Dataset ; dct:identifier "DS" ; dct:title "To"@nb .`, []string{
			"error dcat-ap-no:identifier-unique https://example.org/ds dct:identifier",
			"error dcat-ap-no:identifier-unique https://example.org/ds2 dct:identifier",
		}},
		{"iri-absolute", "dcat-ap-no", good + `ex:ds dcat:landingPage <side.html> .`, []string{
			"error dcat-ap-no:iri-absolute feed ",
		}},
		{"feed-empty", "dcat-ap-no", `ex:x ex:y ex:z .`, []string{"error dcat-ap-no:feed-empty feed "}},
		{"variables: HealthDCAT-AP column rules", "national", good + `
ex:ds h:hasVariables ex:tg . ex:tg dct:title "Variabler"@nb ; csvw:table ex:t .
ex:t dct:title "Tabell"@nb ; csvw:column ex:v1 , ex:v2 .
ex:v1 csvw:name "A" , "B" ; csvw:title "Etikett"@da ; csvw:datatype "heltall" .
ex:v2 csvw:title "Vekt"@nb ; dct:description "Vekt"@nb ; csvw:datatype "integer" .`, []string{
			"error national:Column.csvw:name:max-one https://example.org/v1 csvw:name",
			"error national:Column.dct:description:missing https://example.org/v1 dct:description",
			"error national:Column.csvw:title:label-language https://example.org/v1 csvw:title",
			"error national:Column.csvw:datatype:value https://example.org/v1 csvw:datatype",
			"error national:Column.csvw:name:missing https://example.org/v2 csvw:name",
		}},
		{"code-list", "national", good + `
ex:ds h:hasVariables ex:t . ex:t csvw:column ex:v . ex:v csvw:name "V" ; csvw:title "V"@nb ; dct:description "V"@nb ;
  csvw:datatype "integer" ; m:hasValueFrom ex:cl , ex:empty .
ex:c1 skos:inScheme ex:cl ; skos:notation "1" .`, []string{
			"error national:code-list https://example.org/v modelldcatno:hasValueFrom",
			"error national:code-list https://example.org/v modelldcatno:hasValueFrom",
		}},
		{"HealthDCAT-AP per access level", "healthdcat-ap", good, []string{
			"error healthdcat-ap:Dataset.h:healthCategory:missing https://example.org/ds healthdcatap:healthCategory",
			"error healthdcat-ap:Dataset.dct:provenance:missing https://example.org/ds dct:provenance",
			"error healthdcat-ap:HealthPublisher.cv:contactPoint:missing https://example.org/org cv:contactPoint",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := findings(validateTurtle(t, c.profile, c.doc), "")
			for _, w := range c.want {
				if about, ok := strings.CutPrefix(w, "no error about "); ok {
					for _, g := range got {
						if strings.HasPrefix(g, "error") && strings.Contains(g, about) {
							t.Errorf("unexpected error %q", g)
						}
					}
					continue
				}
				w = strings.Replace(w, ".h:", ".healthdcatap:", 1)
				found := false
				for _, g := range got {
					found = found || g == w
				}
				if !found {
					t.Errorf("missing finding %q among\n  %s", w, strings.Join(got, "\n  "))
				}
			}
			if c.want == nil {
				for _, g := range got {
					if strings.HasPrefix(g, "error") {
						t.Errorf("unexpected error %q", g)
					}
				}
			}
		})
	}
}

func TestProfiles(t *testing.T) {
	for _, p := range validate.Profiles() {
		if _, err := validate.New(p); err != nil {
			t.Errorf("New(%q) = %v", p, err)
		}
	}
	if _, err := validate.New("dcat-ap-se"); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("New(dcat-ap-se) = %v; want EINVALID", err)
	}
}

// TestRepeatedStatementsAreOneValue: a paged feed repeats its catalogue on
// every page; the same statement twice is one value, not two.
func TestRepeatedStatementsAreOneValue(t *testing.T) {
	doc := good + `ex:cat dct:identifier "cat" ; dct:publisher ex:org . ex:cat dct:identifier "cat" .`
	if got := findings(validateTurtle(t, "dcat-ap-no", doc), catalog.SeverityError); len(got) != 0 {
		t.Errorf("a catalogue with repeated statements: %v; want no errors", got)
	}
	doc = good + `ex:cat dct:identifier "other" .`
	if got := findings(validateTurtle(t, "dcat-ap-no", doc), catalog.SeverityError); len(got) == 0 {
		t.Errorf("a catalogue with two identifiers: no errors; want one")
	}
}
