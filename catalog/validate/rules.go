package validate

import (
	"bufio"
	"embed"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/katalog/katalog/catalog"
)

//go:embed vocabularies/*.txt
var vocabularyFiles embed.FS

// rule is a check JSON Schema cannot express. severity says, per profile,
// how bad a breach is; a profile not named does not have the rule.
type rule struct {
	name     string
	severity map[string]catalog.Severity
	check    func(r *run, ru rule)
}

// rules returns the profile's rules in the order they run.
func (v *Validator) rules() []rule {
	every := func(sev catalog.Severity) map[string]catalog.Severity {
		return map[string]catalog.Severity{"dcat-ap-no": sev, "healthdcat-ap": sev, "national": sev}
	}
	errAll, warnAll := every(catalog.SeverityError), every(catalog.SeverityWarning)
	all := []rule{
		{"feed-empty", errAll, checkNotEmpty},
		{"unique-language", warnAll, checkUniqueLanguage},
		{"email-mailto", map[string]catalog.Severity{"dcat-ap-no": catalog.SeverityWarning, "healthdcat-ap": catalog.SeverityError, "national": catalog.SeverityWarning}, checkEmail},
		{"contact-reachable", map[string]catalog.Severity{"healthdcat-ap": catalog.SeverityError}, checkContactReachable},
		{"structured-has-variables", map[string]catalog.Severity{"healthdcat-ap": catalog.SeverityError, "national": catalog.SeverityError}, checkStructuredHasVariables},
		{"date-lexical", errAll, checkDates},
		{"vocabulary", errAll, checkVocabularies},
		{"identifier-unique", errAll, checkUniqueIdentifiers},
		{"iri-absolute", errAll, checkAbsoluteIRIs},
		{"code-list", map[string]catalog.Severity{"national": catalog.SeverityError}, checkCodeLists},
	}
	out := all[:0]
	for _, ru := range all {
		if _, ok := ru.severity[v.profile]; ok {
			out = append(out, ru)
		}
	}
	return out
}

// emitRule records a finding of a Go rule.
func (r *run) emitRule(ru rule, res *resource, path string, msg catalog.Text) {
	r.emit(res, ru.severity[r.v.profile], path, r.v.profile+":"+ru.name, msg)
}

// checkNotEmpty: a feed describes at least one catalogue or dataset.
func checkNotEmpty(r *run, ru rule) {
	if len(r.all) > 0 {
		return
	}
	r.emitRule(ru, &resource{class: "Feed", term: catalog.RDFTerm{Kind: catalog.TermIRI, Value: "feed"}}, "", text(
		"Kilden beskriver ingen dcat:Catalog og ingen dcat:Dataset. Sjekk at den er en DCAT-AP-NO-katalog.",
		"The feed describes no dcat:Catalog and no dcat:Dataset. Check that it is a DCAT-AP-NO catalogue."))
}

// checkUniqueLanguage: at most one title and one description per language.
func checkUniqueLanguage(r *run, ru rule) {
	for i := range r.all {
		res := &r.all[i]
		for _, p := range []string{"http://purl.org/dc/terms/title", "http://purl.org/dc/terms/description", "http://www.w3.org/ns/csvw#title"} {
			seen := map[string]int{}
			for _, s := range res.stmts {
				if s.Predicate == p && s.Object.Kind == catalog.TermLiteral && s.Object.Lang != "" {
					seen[s.Object.Lang]++
				}
			}
			for lang, n := range seen {
				if n > 1 {
					prop := r.c.compact(p)
					c := classLabel(res.class)
					r.emitRule(ru, res, prop, text(
						fmt.Sprintf("%s har %d verdier for %s på språket %q; bruk én per språk.", c.nb, n, prop, lang),
						fmt.Sprintf("%s has %d values of %s in language %q; use one per language.", c.en, n, prop, lang)))
				}
			}
		}
	}
}

const pHasEmail = "http://www.w3.org/2006/vcard/ns#hasEmail"

// checkEmail: vcard:hasEmail is a mailto: IRI with an address in it.
func checkEmail(r *run, ru rule) {
	for i := range r.all {
		res := &r.all[i]
		if res.class != "ContactPoint" {
			continue
		}
		for _, s := range res.stmts {
			if s.Predicate != pHasEmail {
				continue
			}
			addr, ok := strings.CutPrefix(s.Object.Value, "mailto:")
			if s.Object.Kind == catalog.TermIRI && ok && strings.Contains(addr, "@") {
				continue
			}
			r.emitRule(ru, res, "vcard:hasEmail", text(
				fmt.Sprintf("Kontaktpunktets e-postadresse %q må være en mailto:-IRI, for eksempel <mailto:post@example.no>.", s.Object.Value),
				fmt.Sprintf("The contact point's e-mail address %q must be a mailto: IRI, for example <mailto:post@example.no>.", s.Object.Value)))
		}
	}
}

// checkContactReachable: a contact point has an e-mail address or a web
// address, as an IRI (HealthDCAT-AP's Kind_Shape).
func checkContactReachable(r *run, ru rule) {
	for i := range r.all {
		res := &r.all[i]
		if res.class != "ContactPoint" {
			continue
		}
		ok := false
		for _, s := range res.stmts {
			if (s.Predicate == pHasEmail || s.Predicate == "http://www.w3.org/2006/vcard/ns#hasURL") && s.Object.Kind == catalog.TermIRI {
				ok = true
			}
		}
		if !ok {
			r.emitRule(ru, res, "vcard:hasEmail", text(
				"Kontaktpunktet har verken vcard:hasEmail eller vcard:hasURL som IRI. Oppgi minst én av dem.",
				"The contact point has neither vcard:hasEmail nor vcard:hasURL as an IRI. Give at least one."))
		}
	}
}

// checkStructuredHasVariables: a dataset that says it has structured data
// describes its variables.
func checkStructuredHasVariables(r *run, ru rule) {
	for i := range r.datasets {
		res := &r.datasets[i]
		v, ok := value(res.stmts, "http://healthdataportal.eu/ns/health#hasStructuredData")
		if !ok || (v.Value != "true" && v.Value != "1") || has(res.stmts, pHasVars) {
			continue
		}
		r.emitRule(ru, res, "healthdcatap:hasVariables", text(
			"Datasettet sier at det har strukturerte data (healthdcatap:hasStructuredData true), men beskriver ingen variabler. Legg til healthdcatap:hasVariables.",
			"The dataset says it has structured data (healthdcatap:hasStructuredData true) but describes no variables. Add healthdcatap:hasVariables."))
	}
}

// temporalDatatypes are the datatypes of dates and times with a check of
// their lexical form.
func temporalLayouts(datatype string) []string {
	switch datatype {
	case "http://www.w3.org/2001/XMLSchema#date":
		return []string{"2006-01-02", "2006-01-02Z07:00"}
	case "http://www.w3.org/2001/XMLSchema#dateTime":
		return []string{"2006-01-02T15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00"}
	case "http://www.w3.org/2001/XMLSchema#gYear":
		return []string{"2006", "2006Z07:00"}
	case "http://www.w3.org/2001/XMLSchema#gYearMonth":
		return []string{"2006-01", "2006-01Z07:00"}
	}
	return nil
}

// datedProperty are the properties whose dates the profiles define; an
// invalid date elsewhere is a warning.
var datedProperty = map[string]bool{"dct:issued": true, "dct:modified": true, "dcat:startDate": true, "dcat:endDate": true}

// checkDates: a literal typed as a date or time is one.
func checkDates(r *run, ru rule) {
	for i := range r.all {
		res := &r.all[i]
		for _, s := range res.stmts {
			layouts := temporalLayouts(s.Object.Datatype)
			if s.Object.Kind != catalog.TermLiteral || layouts == nil {
				continue
			}
			valid := false
			for _, l := range layouts {
				if _, err := time.Parse(l, strings.TrimSpace(s.Object.Value)); err == nil {
					valid = true
					break
				}
			}
			if !valid {
				prop := r.c.compact(s.Predicate)
				dt := r.c.compact(s.Object.Datatype)
				sev := ru.severity[r.v.profile]
				if !datedProperty[prop] {
					sev = catalog.SeverityWarning // a property the profiles do not define
				}
				r.emit(res, sev, prop, r.v.profile+":"+ru.name, text(
					fmt.Sprintf("%q er ikke en gyldig %s (%s). Skriv for eksempel 2024-05-31.", s.Object.Value, dt, prop),
					fmt.Sprintf("%q is not a valid %s (%s). Write, for example, 2024-05-31.", s.Object.Value, dt, prop)))
			}
		}
	}
}

// vocabularyRule is one property whose values come from a controlled
// vocabulary.
type vocabularyRule struct {
	class, property string
	scheme          string          // namespace of the codes
	codes           map[string]bool // nil: any code of the namespace that looks like one
	extra           []string        // other namespaces allowed beside it
	each            bool            // every value must come from it, not just one
	severity        catalog.Severity
	require         string // a code that must be among the values
}

const (
	euAuthority = "http://publications.europa.eu/resource/authority/"
	hdeu        = "https://hdeu-dcat.data.health.europa.eu/resource/authority/"
)

// vocabularyRules returns a profile's vocabulary checks. DCAT-AP-NO 2.00
// checks themes, access rights, frequencies, languages, file types and
// licences (Dataset_ShapeCV, Distribution_ShapeCV, Catalog_ShapeCV), and
// asks only that one theme come from the EU table, as a warning, beside
// LOS; HealthDCAT-AP (mdr-vocabularies.shape.ttl) wants every theme from
// the EU table, HEAL among them, and its own health vocabularies, and does
// not restrict licences.
func vocabularyRules(profile string) []vocabularyRule {
	var (
		themes    = loadCodes("data-theme")
		access    = loadCodes("access-right")
		frequency = loadCodes("frequency")
		E         = catalog.SeverityError
	)
	language := func(class string) vocabularyRule {
		return vocabularyRule{class, "http://purl.org/dc/terms/language", euAuthority + "language/", nil, nil, true, E, ""}
	}
	common := []vocabularyRule{
		{"Dataset", "http://purl.org/dc/terms/accessRights", euAuthority + "access-right/", access, nil, true, E, ""},
		{"Dataset", "http://purl.org/dc/terms/accrualPeriodicity", euAuthority + "frequency/", frequency, nil, true, E, ""},
		language("Catalog"), language("Dataset"), language("Distribution"),
		{"Distribution", "http://purl.org/dc/terms/format", euAuthority + "file-type/", nil, nil, true, E, ""},
	}
	if profile == "healthdcat-ap" {
		return append(common,
			vocabularyRule{"Dataset", "http://www.w3.org/ns/dcat#theme", euAuthority + "data-theme/", themes, nil, true, E, euAuthority + "data-theme/HEAL"},
			vocabularyRule{"Dataset", "http://healthdataportal.eu/ns/health#healthCategory", hdeu + "healthcategories/", loadCodes("healthcategories"), nil, true, E, ""},
			vocabularyRule{"Dataset", "http://healthdataportal.eu/ns/health#healthTheme", hdeu + "health-theme/", loadCodes("health-theme"), nil, true, E, ""},
			vocabularyRule{"Dataset", "http://healthdataportal.eu/ns/health#hasCodingSystem", hdeu + "coding-system/", loadCodes("coding-system"), nil, true, E, ""},
			vocabularyRule{"Distribution", "http://www.w3.org/ns/adms#status", euAuthority + "distribution-status/", nil, nil, true, E, ""},
			vocabularyRule{"Distribution", "http://data.europa.eu/r5r/availability", euAuthority + "planned-availability/", nil, nil, true, E, ""},
		)
	}
	return append(common,
		vocabularyRule{"Dataset", "http://www.w3.org/ns/dcat#theme", euAuthority + "data-theme/", themes, []string{"https://psi.norge.no/los/"}, false, catalog.SeverityWarning, ""},
		vocabularyRule{"Dataset", "http://purl.org/dc/terms/license", euAuthority + "licence/", nil, nil, true, E, ""},
		vocabularyRule{"Distribution", "http://purl.org/dc/terms/license", euAuthority + "licence/", nil, nil, true, E, ""},
	)
}

// loadCodes reads an embedded code list: one IRI a line, # comments.
func loadCodes(name string) map[string]bool {
	f, err := vocabularyFiles.Open("vocabularies/" + name + ".txt")
	if err != nil {
		panic("validate: no embedded vocabulary " + name) // a build mistake, caught by the tests
	}
	defer f.Close()
	codes := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			codes[line] = true
		}
	}
	return codes
}

// isEUCode reports whether s has the form of a code in an EU authority
// table: capital letters, digits, _ and -.
func isEUCode(s string) bool {
	for i, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || i > 0 && (c == '_' || c == '-')) {
			return false
		}
	}
	return s != ""
}

// checkVocabularies: values of controlled properties come from their
// vocabulary. A value in the vocabulary's namespace that is not one of its
// codes is a vocabulary-code finding (the shapes cannot tell without the
// vocabulary's data); a value from elsewhere is a vocabulary finding.
func checkVocabularies(r *run, ru rule) {
	for _, vr := range r.v.vocab {
		prop := r.c.compact(vr.property)
		scheme := strings.TrimSuffix(vr.scheme, "/")
		for i := range r.all {
			res := &r.all[i]
			if res.class != vr.class {
				continue
			}
			var values, fromScheme int
			required := vr.require == ""
			for _, s := range res.stmts {
				if s.Predicate != vr.property || s.Object.Kind != catalog.TermIRI {
					continue // a literal is the schema's finding
				}
				values++
				iri := s.Object.Value
				required = required || iri == vr.require
				c, inScheme := strings.CutPrefix(iri, vr.scheme)
				switch {
				case inScheme && ((vr.codes != nil && vr.codes[iri]) || (vr.codes == nil && isEUCode(c))):
					fromScheme++
				case inScheme:
					r.emit(res, vr.severity, prop, r.v.profile+":vocabulary-code", text(
						fmt.Sprintf("<%s> er ikke en kode i %s. Bruk en av kodene der.", iri, scheme),
						fmt.Sprintf("<%s> is not a code of %s. Use one of its codes.", iri, scheme)))
				case vr.each && !hasAnyPrefix(iri, vr.extra):
					r.emit(res, vr.severity, prop, r.v.profile+":"+ru.name, text(
						fmt.Sprintf("<%s> i %s (%s) er ikke fra det kontrollerte vokabularet %s. Bruk en av kodene der.", iri, prop, propertyLabel(prop).nb, scheme),
						fmt.Sprintf("<%s> in %s (%s) is not from the controlled vocabulary %s. Use one of its codes.", iri, prop, propertyLabel(prop).en, scheme)))
				}
			}
			if !vr.each && values > 0 && fromScheme == 0 {
				r.emit(res, vr.severity, prop, r.v.profile+":"+ru.name, text(
					fmt.Sprintf("%s (%s) har ingen verdi fra det kontrollerte vokabularet %s. Legg til en.", prop, propertyLabel(prop).nb, scheme),
					fmt.Sprintf("%s (%s) has no value from the controlled vocabulary %s. Add one.", prop, propertyLabel(prop).en, scheme)))
			}
			if values > 0 && !required {
				r.emit(res, vr.severity, prop, r.v.profile+":"+ru.name, text(
					fmt.Sprintf("%s (%s) må ha verdien <%s>. Legg den til.", prop, propertyLabel(prop).nb, vr.require),
					fmt.Sprintf("%s (%s) must include <%s>. Add it.", prop, propertyLabel(prop).en, vr.require)))
			}
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// checkUniqueIdentifiers: dct:identifier is unique among the datasets of a
// feed, and among its variables.
func checkUniqueIdentifiers(r *run, ru rule) {
	for _, class := range []string{"Dataset", "Column"} {
		holders := map[string][]*resource{}
		var order []string
		for i := range r.all {
			res := &r.all[i]
			if res.class != class {
				continue
			}
			if id, ok := value(res.stmts, "http://purl.org/dc/terms/identifier"); ok && id.Kind == catalog.TermLiteral {
				if len(holders[id.Value]) == 0 {
					order = append(order, id.Value)
				}
				holders[id.Value] = append(holders[id.Value], res)
			}
		}
		for _, id := range order {
			if len(holders[id]) < 2 {
				continue
			}
			for _, res := range holders[id] {
				c := classLabel(class)
				r.emitRule(ru, res, "dct:identifier", text(
					fmt.Sprintf("%s har identifikatoren %q, som %d ressurser i kilden deler. Gi hver sin.", c.nb, id, len(holders[id])),
					fmt.Sprintf("%s has the identifier %q, which %d resources of the source share. Give each its own.", c.en, id, len(holders[id]))))
			}
		}
	}
}

// checkAbsoluteIRIs: the feed's IRIs are absolute, and well formed.
func checkAbsoluteIRIs(r *run, ru rule) {
	feedRes := &resource{class: "Feed", term: catalog.RDFTerm{Kind: catalog.TermIRI, Value: "feed"}}
	seen := map[string]bool{}
	for _, ref := range r.feed.RelativeIRIs() {
		if seen[ref] {
			continue
		}
		seen[ref] = true
		r.emitRule(ru, feedRes, "", text(
			fmt.Sprintf("IRI-en <%s> er relativ; Katalog har lest den relativt til kildens adresse. Skriv hele IRI-en, med skjema (https://…).", ref),
			fmt.Sprintf("The IRI <%s> is relative; Katalog read it against the feed's address. Write the whole IRI, with its scheme (https://…).", ref)))
	}
	for i := range r.all {
		res := &r.all[i]
		for _, s := range res.stmts {
			if s.Object.Kind != catalog.TermIRI {
				continue
			}
			u, err := url.Parse(s.Object.Value)
			if err == nil && u.Scheme != "" && !((u.Scheme == "http" || u.Scheme == "https") && u.Host == "") {
				continue
			}
			prop := r.c.compact(s.Predicate)
			r.emitRule(ru, res, prop, text(
				fmt.Sprintf("<%s> (%s) er ikke en gyldig absolutt IRI.", s.Object.Value, prop),
				fmt.Sprintf("<%s> (%s) is not a valid absolute IRI.", s.Object.Value, prop)))
		}
	}
}

const (
	skosPrefLabel = "http://www.w3.org/2004/02/skos/core#prefLabel"
)

// checkCodeLists: a variable that points to a code list points to one the
// feed describes, with codes that have labels.
func checkCodeLists(r *run, ru rule) {
	checked := map[string]bool{}
	for i := range r.all {
		res := &r.all[i]
		if res.class != "Column" {
			continue
		}
		for _, s := range res.stmts {
			if s.Predicate != pValueFrom || s.Object.Kind == catalog.TermLiteral || checked[s.Object.Name()] {
				continue
			}
			checked[s.Object.Name()] = true
			codes := r.feed.Concepts(s.Object)
			if len(codes) == 0 {
				r.emitRule(ru, res, "modelldcatno:hasValueFrom", text(
					fmt.Sprintf("Variabelen viser til kodelista <%s>, men kilden beskriver ingen koder i den (skos:Concept med skos:inScheme). Ta med kodene og etikettene.", s.Object.Value),
					fmt.Sprintf("The variable points to the code list <%s>, but the feed describes no codes in it (skos:Concept with skos:inScheme). Include the codes and their labels.", s.Object.Value)))
				continue
			}
			unlabelled := 0
			for _, c := range codes {
				if !has(r.feed.Describe(c), skosPrefLabel) {
					unlabelled++
				}
			}
			if unlabelled > 0 {
				r.emitRule(ru, res, "modelldcatno:hasValueFrom", text(
					fmt.Sprintf("%d av %d koder i kodelista <%s> mangler etikett (skos:prefLabel). Gi hver kode en etikett.", unlabelled, len(codes), s.Object.Value),
					fmt.Sprintf("%d of %d codes of the code list <%s> have no label (skos:prefLabel). Give every code a label.", unlabelled, len(codes), s.Object.Value)))
			}
		}
	}
}
