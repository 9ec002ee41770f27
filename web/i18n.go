package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

// messages holds every user-interface string in bokmål, nynorsk and
// English, by key.
type messages map[string][3]string

func newMessages() messages {
	return messages{
		"site.name":                {"Katalog", "Katalog", "Katalog"},
		"site.tagline":             {"Finn variablene i norske helseregistre og helseundersøkelser", "Finn variablane i norske helseregister og helseundersøkingar", "Find the variables in Norwegian health registers and health studies"},
		"nav.search":               {"Søk", "Søk", "Search"},
		"nav.sources":              {"Kilder", "Kjelder", "Sources"},
		"nav.skip":                 {"Hopp til innholdet", "Hopp til innhaldet", "Skip to content"},
		"lang.label":               {"Språk", "Språk", "Language"},
		"search.label":             {"Søk etter variabler og datasett", "Søk etter variablar og datasett", "Search variables and datasets"},
		"search.placeholder":       {"f.eks. hodeomkrets, blodtrykk, SVLEN", "t.d. hovudomkrins, blodtrykk, SVLEN", "e.g. head circumference, blood pressure, SVLEN"},
		"search.button":            {"Søk", "Søk", "Search"},
		"search.variables":         {"Variabler", "Variablar", "Variables"},
		"search.datasets":          {"Datasett", "Datasett", "Datasets"},
		"search.results":           {"treff", "treff", "results"},
		"search.none":              {"Ingen treff. Prøv andre ord, eller fjern et filter.", "Ingen treff. Prøv andre ord, eller fjern eit filter.", "No results. Try other words, or remove a filter."},
		"search.clear":             {"Fjern alle filtre", "Fjern alle filter", "Clear all filters"},
		"search.filters":           {"Filtre", "Filter", "Filters"},
		"search.prev":              {"Forrige side", "Førre side", "Previous page"},
		"search.next":              {"Neste side", "Neste side", "Next page"},
		"search.page":              {"Side", "Side", "Page"},
		"search.of":                {"av", "av", "of"},
		"facet.publisher":          {"Registerforvalter", "Registerforvaltar", "Register holder"},
		"facet.dataset":            {"Datasett", "Datasett", "Dataset"},
		"facet.datatype":           {"Datatype", "Datatype", "Data type"},
		"facet.theme":              {"Tema", "Tema", "Theme"},
		"facet.access_rights":      {"Tilgang", "Tilgang", "Access"},
		"facet.language":           {"Språk", "Språk", "Language"},
		"var.similar":              {"Lignende variabler i andre datasett", "Liknande variablar i andre datasett", "Similar variables in other datasets"},
		"sim.same_subject":         {"samme begrep", "same omgrep", "same concept"},
		"sim.same_name":            {"samme variabelnavn", "same variabelnamn", "same variable name"},
		"sim.same_code_list":       {"samme kodeliste", "same kodeliste", "same code list"},
		"sim.same_title":           {"samme tittel", "same tittel", "same title"},
		"sim.synonym":              {"synonym tittel", "synonym tittel", "synonymous title"},
		"sim.shared_words":         {"felles ord", "felles ord", "shared words"},
		"facet.decade":             {"Periode", "Periode", "Period"},
		"facet.has_code_list":      {"Kodeliste", "Kodeliste", "Code list"},
		"facet._missing":           {"Ikke oppgitt", "Ikkje oppgitt", "Not stated"},
		"facet.code_list.true":     {"Har kodeliste", "Har kodeliste", "Has a code list"},
		"facet.code_list.false":    {"Uten kodeliste", "Utan kodeliste", "No code list"},
		"search.relaxed":           {"Ingen treff hadde alle ordene; disse har noen av dem.", "Ingen treff hadde alle orda; desse har nokre av dei.", "No result had all the words; these have some of them."},
		"search.query_error":       {"Søket kunne ikke leses helt", "Søket kunne ikkje lesast heilt", "The query could not be read in full"},
		"search.words_only":        {"viser treff for ordene", "viser treff for orda", "showing results for the words"},
		"home.intro":               {"Søk på tvers av registre: variabelnavn, spørsmålstekst, definisjoner og kodelister.", "Søk på tvers av register: variabelnamn, spørsmålstekst, definisjonar og kodelister.", "Search across registers: variable names, question texts, definitions and code lists."},
		"home.stats":               {"variabler i", "variablar i", "variables in"},
		"home.datasets":            {"datasett fra", "datasett frå", "datasets from"},
		"home.publishers":          {"registerforvaltere", "registerforvaltarar", "register holders"},
		"var.name":                 {"Variabelnavn", "Variabelnamn", "Variable name"},
		"var.titles":               {"Titler", "Titlar", "Titles"},
		"var.description":          {"Beskrivelse", "Skildring", "Description"},
		"var.datatype":             {"Datatype", "Datatype", "Data type"},
		"var.unit":                 {"Enhet", "Eining", "Unit"},
		"var.codelist":             {"Kodeliste", "Kodeliste", "Code list"},
		"var.code":                 {"Kode", "Kode", "Code"},
		"var.label":                {"Etikett", "Etikett", "Label"},
		"var.coverage":             {"Tidsdekning", "Tidsdekning", "Temporal coverage"},
		"var.dataset":              {"Datasett", "Datasett", "Dataset"},
		"var.table":                {"Tabell", "Tabell", "Table"},
		"var.subjects":             {"Emner", "Emne", "Subjects"},
		"var.identifier":           {"Identifikator", "Identifikator", "Identifier"},
		"var.withdrawn":            {"Trukket tilbake", "Trekt tilbake", "Withdrawn on"},
		"var.nocodes":              {"Ingen kodeliste", "Inga kodeliste", "No code list"},
		"ds.publisher":             {"Registerforvalter", "Registerforvaltar", "Register holder"},
		"ds.contact":               {"Kontakt", "Kontakt", "Contact"},
		"ds.access":                {"Tilgang", "Tilgang", "Access"},
		"ds.themes":                {"Tema", "Tema", "Themes"},
		"ds.keywords":              {"Emneord", "Emneord", "Keywords"},
		"ds.variables":             {"Variabler", "Variablar", "Variables"},
		"ds.distributions":         {"Distribusjoner", "Distribusjonar", "Distributions"},
		"ds.landing":               {"Nettside", "Nettside", "Landing page"},
		"ds.apply":                 {"Søk om tilgang", "Søk om tilgang", "Apply for access"},
		"src.name":                 {"Kilde", "Kjelde", "Source"},
		"src.harvested":            {"Sist høstet", "Sist hausta", "Last harvested"},
		"src.changed":              {"Sist endret i kilden", "Sist endra i kjelda", "Source last changed"},
		"src.status":               {"Status", "Status", "Status"},
		"src.next":                 {"Neste høsting", "Neste hausting", "Next harvest"},
		"src.counts":               {"Datasett / variabler", "Datasett / variablar", "Datasets / variables"},
		"src.error":                {"Feil", "Feil", "Error"},
		"src.never":                {"Ikke høstet ennå", "Ikkje hausta enno", "Not harvested yet"},
		"src.quality":              {"Kvalitet", "Kvalitet", "Quality"},
		"src.mandatory":            {"obligatoriske egenskaper", "obligatoriske eigenskapar", "mandatory properties"},
		"src.recommended":          {"anbefalte egenskaper", "tilrådde eigenskapar", "recommended properties"},
		"src.findings":             {"Funn fra valideringen", "Funn frå valideringa", "Validation findings"},
		"src.all":                  {"Alle", "Alle", "All"},
		"src.errors":               {"Feil", "Feil", "Errors"},
		"src.warnings":             {"Advarsler", "Åtvaringar", "Warnings"},
		"sev.error":                {"Feil", "Feil", "Error"},
		"sev.warning":              {"Advarsel", "Åtvaring", "Warning"},
		"sev.info":                 {"Merknad", "Merknad", "Note"},
		"val.ok":                   {"uten feil", "utan feil", "no errors"},
		"val.warnings":             {"advarsler", "åtvaringar", "warnings"},
		"val.errors":               {"feil", "feil", "errors"},
		"src.infos":                {"Merknader", "Merknader", "Notes"},
		"src.resource":             {"Funn om", "Funn om", "Findings about"},
		"src.allresources":         {"vis alle ressurser", "vis alle ressursar", "show every resource"},
		"src.nofindings":           {"Ingen funn.", "Ingen funn.", "No findings."},
		"src.spec":                 {"spesifikasjonen", "spesifikasjonen", "the specification"},
		"src.profile":              {"Profil", "Profil", "Profile"},
		"src.resources":            {"ressurser", "ressursar", "resources"},
		"error.title":              {"Noe gikk galt", "Noko gjekk gale", "Something went wrong"},
		"error.notfound":           {"Fant ikke siden", "Fann ikkje sida", "Page not found"},
		"error.request":            {"Forespørsel", "Førespurnad", "Request"},
		"footer.api":               {"API", "API", "API"},
		"basket.title":             {"Variabelliste", "Variabelliste", "Variable list"},
		"basket.variables":         {"variabler", "variablar", "variables"},
		"basket.add":               {"Legg i variabellisten", "Legg i variabellista", "Add to variable list"},
		"basket.remove":            {"Fjern fra variabellisten", "Fjern frå variabellista", "Remove from variable list"},
		"basket.added":             {"lagt i variabellisten", "lagt i variabellista", "added to the variable list"},
		"basket.removed":           {"fjernet fra variabellisten", "fjerna frå variabellista", "removed from the variable list"},
		"basket.intro":             {"Variablene du har samlet til en søknad om tilgang. Listen lagres bare i denne nettleseren; del lenken eller last den ned for å ta den med deg.", "Variablane du har samla til ein søknad om tilgang. Lista blir berre lagra i denne nettlesaren; del lenka eller last henne ned for å ta henne med deg.", "The variables you have collected for an access application. The list is kept in this browser only; share the link or download it to take it with you."},
		"basket.empty":             {"Variabellisten er tom. Søk etter variabler og legg dem til herfra:", "Variabellista er tom. Søk etter variablar og legg dei til herifrå:", "The variable list is empty. Search for variables and add them from there:"},
		"basket.shared":            {"Delt variabelliste", "Delt variabelliste", "Shared variable list"},
		"basket.shared_intro":      {"Noen har delt denne listen med deg. Den er ikke din egen før du tar den i bruk.", "Nokon har delt denne lista med deg. Ho er ikkje di eiga før du tek henne i bruk.", "Someone shared this list with you. It is not your own until you take it."},
		"basket.take":              {"Bruk som min variabelliste", "Bruk som mi variabelliste", "Use as my variable list"},
		"basket.merge":             {"Legg til i min variabelliste", "Legg til i mi variabelliste", "Add to my variable list"},
		"basket.replace":           {"Erstatt min variabelliste", "Erstatt mi variabelliste", "Replace my variable list"},
		"basket.takeaway":          {"Del og last ned", "Del og last ned", "Share and download"},
		"basket.share":             {"Lenke som gjenskaper listen (for medsøkere):", "Lenke som gjenskaper lista (for medsøkjarar):", "Link that recreates the list (for co-applicants):"},
		"basket.copy":              {"Kopier lenken", "Kopier lenka", "Copy link"},
		"basket.copied":            {"Lenken er kopiert", "Lenka er kopiert", "Link copied"},
		"basket.csv":               {"CSV", "CSV", "CSV"},
		"basket.excel":             {"CSV for Excel", "CSV for Excel", "CSV for Excel"},
		"basket.json":              {"JSON", "JSON", "JSON"},
		"basket.application":       {"Søknadsvedlegg (JSON, gruppert etter registerforvalter)", "Søknadsvedlegg (JSON, gruppert etter registerforvaltar)", "Application attachment (JSON, grouped by register holder)"},
		"basket.noholder":          {"Uten oppgitt registerforvalter", "Utan oppgitt registerforvaltar", "No register holder given"},
		"basket.missing":           {"Finnes ikke lenger", "Finst ikkje lenger", "No longer found"},
		"basket.missing_help":      {"Ingen variabel har disse identifikatorene nå. Kilden kan ha fjernet dem.", "Ingen variabel har desse identifikatorane no. Kjelda kan ha fjerna dei.", "No variable has these identifiers now. The source may have removed them."},
		"basket.file":              {"variabelliste", "variabelliste", "variable-list"},
		"basket.file_application":  {"soknad", "soknad", "application"},
		"basket.clear":             {"Tøm variabellisten", "Tøm variabellista", "Empty the variable list"},
		"basket.col.dataset":       {"Datasett-ID", "Datasett-ID", "Dataset ID"},
		"basket.col.dataset_title": {"Datasett", "Datasett", "Dataset"},
		"basket.col.title":         {"Tittel", "Tittel", "Title"},
		"basket.col.iri":           {"Variabel-IRI", "Variabel-IRI", "Variable IRI"},
		"basket.col.url":           {"Lenke i Katalog", "Lenke i Katalog", "Link in Katalog"},
		"apply.hdab":               {"tilgangsorgan for helsedata", "tilgangsorgan for helsedata", "health data access body"},
		"rdf.label":                {"Metadata som RDF", "Metadata som RDF", "Metadata as RDF"},
		"ds.varsearch":             {"Søk i datasettets variabler", "Søk i variablane i datasettet", "Search this dataset's variables"},
		"ds.allvars":               {"Vis alle variablene", "Vis alle variablane", "Show every variable"},
		"ds.notable":               {"Variabler uten tabell", "Variablar utan tabell", "Variables without a table"},
		"suggest.hint":             {"Forslag vises mens du skriver; bruk piltastene for å velge.", "Forslag blir viste medan du skriv; bruk piltastane for å velje.", "Suggestions appear as you type; use the arrow keys to choose."},
		"search.hits":              {"Treff", "Treff", "Results"},
		"sort.label":               {"Sorter etter", "Sorter etter", "Sort by"},
		"sort.relevance":           {"relevans", "relevans", "relevance"},
		"sort.title":               {"tittel", "tittel", "title"},
		"sort.modified":            {"sist endret", "sist endra", "last changed"},
		"facet.more":               {"Vis flere", "Vis fleire", "Show more"},
		"facet.selected":           {"valgt", "vald", "selected"},
		"facet.remove":             {"Fjern filteret", "Fjern filteret", "Remove the filter"},
		"suggest.count":            {"forslag", "forslag", "suggestions"},
		"footer.about":             {"Katalog viser metadata som registerforvalterne selv publiserer.", "Katalog viser metadata som registerforvaltarane sjølve publiserer.", "Katalog shows the metadata that register holders publish themselves."},
		"search.did_you_mean":      {"Mente du", "Meinte du", "Did you mean"},
		"search.drop_title":        {"Uten ett av filtrene", "Utan eitt av filtra", "Without one of the filters"},
		"search.drop":              {"Fjern", "Fjern", "Remove"},
		"search.tips":              {"Tips", "Tips", "Tips"},
		"search.tip_spelling":      {"Sjekk stavemåten.", "Sjekk stavemåten.", "Check the spelling."},
		"search.tip_fewer":         {"Bruk færre eller mer generelle ord.", "Bruk færre eller meir generelle ord.", "Use fewer or more general words."},
		"search.tip_other":         {"Prøv et synonym, ordet på engelsk eller variabelnavnet (for eksempel SVLEN).", "Prøv eit synonym, ordet på engelsk eller variabelnamnet (til dømes SVLEN).", "Try a synonym, the word in Norwegian or the variable name (for example SVLEN)."},
	}
}

// langIndex returns the column of a UI language in messages.
func langIndex(lang string) int {
	switch lang {
	case "nn":
		return 1
	case "en":
		return 2
	}
	return 0
}

// t returns the UI string for key in lang; an unknown key is shown as is so
// that a missing translation is visible rather than blank.
// text returns a message in all three languages, as metadata is given.
func (m messages) text(key string) catalog.Text {
	v, ok := m[key]
	if !ok {
		return nil
	}
	return catalog.Text{"nb": v[0], "nn": v[1], "en": v[2]}
}

func (m messages) t(lang, key string) string {
	if v, ok := m[key]; ok {
		return v[langIndex(lang)]
	}
	return key
}

const langCookie = "lang"

// pageLang picks the reader's language: ?lang= (remembered in a cookie),
// then the cookie, then Accept-Language, then bokmål.
func pageLang(c echo.Context) string {
	if l := uiLang(c.QueryParam("lang")); l != "" {
		c.SetCookie(&http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
		return l
	}
	if ck, err := c.Cookie(langCookie); err == nil {
		if l := uiLang(ck.Value); l != "" {
			return l
		}
	}
	return acceptLanguage(c.Request().Header.Get("Accept-Language"))
}

// uiLang maps a language tag to a UI language, or "".
func uiLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	switch tag {
	case "nb", "no", "nob":
		return "nb"
	case "nn", "nno":
		return "nn"
	case "en", "eng":
		return "en"
	}
	return ""
}

// acceptLanguage picks the UI language the Accept-Language header prefers.
func acceptLanguage(h string) string {
	best, bestQ := "nb", -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if l := uiLang(tag); l != "" && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}
