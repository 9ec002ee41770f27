package validate

import (
	"fmt"
	"strings"

	"github.com/katalog/katalog/catalog"
)

// label is a name in bokmål and English.
type label struct{ nb, en string }

// classLabel names a class of resource as a message's subject.
func classLabel(class string) label {
	switch class {
	case "Catalog":
		return label{"Katalogen", "The catalogue"}
	case "Dataset":
		return label{"Datasettet", "The dataset"}
	case "Distribution":
		return label{"Distribusjonen", "The distribution"}
	case "Agent", "HealthAgent", "HealthPublisher":
		return label{"Aktøren", "The agent"}
	case "ContactPoint":
		return label{"Kontaktpunktet", "The contact point"}
	case "TableGroup":
		return label{"Tabellgruppen", "The table group"}
	case "Table":
		return label{"Tabellen", "The table"}
	case "Column":
		return label{"Variabelen", "The variable"}
	case "CodeList":
		return label{"Kodelista", "The code list"}
	case "PeriodOfTime":
		return label{"Tidsrommet", "The period of time"}
	case "Standard":
		return label{"Standarden", "The standard"}
	case "Identifier":
		return label{"Identifikatoren", "The identifier"}
	}
	return label{"Ressursen", "The resource"}
}

// propertyLabel explains a property in words.
func propertyLabel(prop string) label {
	switch prop {
	case "dct:title", "csvw:title":
		return label{"tittel", "title"}
	case "dct:description":
		return label{"beskrivelse", "description"}
	case "dct:publisher":
		return label{"utgiver", "publisher"}
	case "dcat:contactPoint", "cv:contactPoint":
		return label{"kontaktpunkt", "contact point"}
	case "dcat:theme":
		return label{"tema fra EUs temaliste", "theme from the EU data-theme list"}
	case "dct:identifier":
		return label{"identifikator", "identifier"}
	case "dct:accessRights":
		return label{"tilgangsnivå", "access rights"}
	case "dcat:keyword":
		return label{"emneord", "keyword"}
	case "dct:temporal":
		return label{"tidsrom", "temporal coverage"}
	case "dct:spatial":
		return label{"geografisk dekning", "spatial coverage"}
	case "dcat:distribution":
		return label{"distribusjon", "distribution"}
	case "dct:language":
		return label{"språk", "language"}
	case "dct:license":
		return label{"lisens", "licence"}
	case "dct:modified":
		return label{"endringsdato", "date of change"}
	case "dct:issued":
		return label{"utgivelsesdato", "date of issue"}
	case "foaf:homepage":
		return label{"hjemmeside", "home page"}
	case "dcat:themeTaxonomy":
		return label{"temaoversikt", "theme taxonomy"}
	case "dcat:dataset":
		return label{"datasett", "dataset"}
	case "dct:subject":
		return label{"begrep", "subject concept"}
	case "prov:wasGeneratedBy":
		return label{"opphav (aktivitet)", "generating activity"}
	case "dcatap:applicableLegislation":
		return label{"gjeldende lovgivning", "applicable legislation"}
	case "dcat:accessURL":
		return label{"tilgangsadresse", "access URL"}
	case "dcat:downloadURL":
		return label{"nedlastingsadresse", "download URL"}
	case "dct:format":
		return label{"filformat", "file format"}
	case "dcat:mediaType":
		return label{"medietype", "media type"}
	case "adms:status":
		return label{"status", "status"}
	case "dcatap:availability":
		return label{"planlagt tilgjengelighet", "planned availability"}
	case "foaf:name", "vcard:fn":
		return label{"navn", "name"}
	case "dct:type":
		return label{"type", "type"}
	case "vcard:hasEmail":
		return label{"e-postadresse", "e-mail address"}
	case "vcard:hasURL":
		return label{"nettadresse", "web address"}
	case "dct:accrualPeriodicity":
		return label{"oppdateringsfrekvens", "update frequency"}
	case "dct:provenance":
		return label{"opphavsbeskrivelse", "provenance statement"}
	case "healthdcatap:healthCategory":
		return label{"helsekategori", "health category"}
	case "healthdcatap:healthTheme":
		return label{"helsetema", "health theme"}
	case "healthdcatap:hdab":
		return label{"tilgangsorgan for helsedata (HDAB)", "health data access body (HDAB)"}
	case "healthdcatap:hasStructuredData":
		return label{"om det finnes strukturerte data", "whether there are structured data"}
	case "healthdcatap:hasVariables":
		return label{"variabler", "variables"}
	case "healthdcatap:hasCodingSystem":
		return label{"kodeverk", "coding system"}
	case "healthdcatap:hasCodeValues":
		return label{"kodeverdier", "code values"}
	case "healthdcatap:numberOfRecords":
		return label{"antall poster", "number of records"}
	case "healthdcatap:numberOfUniqueIndividuals":
		return label{"antall individer", "number of unique individuals"}
	case "healthdcatap:minTypicalAge", "healthdcatap:maxTypicalAge":
		return label{"typisk alder", "typical age"}
	case "healthdcatap:populationCoverage":
		return label{"populasjonsdekning", "population coverage"}
	case "healthdcatap:retentionPeriod":
		return label{"lagringstid", "retention period"}
	case "csvw:name":
		return label{"variabelnavn", "variable name"}
	case "csvw:datatype":
		return label{"datatype", "data type"}
	case "csvw:table":
		return label{"tabell", "table"}
	case "csvw:column":
		return label{"kolonne", "column"}
	case "csvw:propertyUrl":
		return label{"begrep (propertyUrl)", "concept (propertyUrl)"}
	}
	return label{"egenskap", "property"}
}

// profileLabel names a profile in messages.
func profileLabel(profile string) string {
	switch profile {
	case "dcat-ap-no":
		return "DCAT-AP-NO"
	case "healthdcat-ap":
		return "HealthDCAT-AP"
	}
	return "den nasjonale helseprofilen/the national health profile"
}

// specURL is where a profile's specification text is read.
func specURL(profile, class string) string {
	switch {
	case profile == "healthdcat-ap", class == "TableGroup", class == "Table", class == "Column":
		return "https://data.health.europa.eu/healthdcat-ap/"
	}
	return "https://data.norge.no/specification/dcat-ap-no"
}

// text is a finding's message in both languages.
func text(nb, en string) catalog.Text { return catalog.Text{"nb": nb, "en": en} }

func missingMessage(profile, class, prop string, mandatory bool) catalog.Text {
	c, p := classLabel(class), propertyLabel(prop)
	prof := profileLabel(profile)
	nbProf, enProf := prof, prof
	if nb, en, ok := strings.Cut(prof, "/"); ok {
		nbProf, enProf = nb, en
	}
	if mandatory {
		return text(
			fmt.Sprintf("%s mangler %s (%s), som er obligatorisk i %s. Legg den til.", c.nb, prop, p.nb, nbProf),
			fmt.Sprintf("%s has no %s (%s), which %s requires. Add it.", c.en, prop, p.en, enProf))
	}
	return text(
		fmt.Sprintf("%s mangler %s (%s), som %s anbefaler.", c.nb, prop, p.nb, nbProf),
		fmt.Sprintf("%s has no %s (%s), which %s recommends.", c.en, prop, p.en, enProf))
}

func tooManyMessage(class, prop string, n int) catalog.Text {
	c, p := classLabel(class), propertyLabel(prop)
	return text(
		fmt.Sprintf("%s har %d verdier for %s (%s); bare én er tillatt. Behold den som gjelder.", c.nb, n, prop, p.nb),
		fmt.Sprintf("%s has %d values of %s (%s); only one is allowed. Keep the one that applies.", c.en, n, prop, p.en))
}

// formMessage says what form a value should have; want is the name of a
// value kind in common.json.
func formMessage(class, prop, want, got string) catalog.Text {
	c := classLabel(class)
	var nb, en string
	switch want {
	case "iri":
		nb, en = "være en IRI (en adresse), ikke tekst", "be an IRI (an address), not text"
	case "node":
		nb, en = "være en IRI eller en blank node, ikke tekst", "be an IRI or a blank node, not text"
	case "literal":
		nb, en = "være tekst (en literal), ikke en IRI", "be text (a literal), not an IRI"
	case "langString":
		nb, en = "ha en språkkode, for eksempel \"…\"@nb", "have a language tag, for example \"…\"@nb"
	case "date":
		nb, en = "ha datatypen xsd:date eller xsd:dateTime", "have the datatype xsd:date or xsd:dateTime"
	case "temporal":
		nb, en = "ha datatypen xsd:date, xsd:dateTime, xsd:gYear eller xsd:gYearMonth", "have the datatype xsd:date, xsd:dateTime, xsd:gYear or xsd:gYearMonth"
	case "boolean":
		nb, en = "ha datatypen xsd:boolean (\"true\" eller \"false\")", "have the datatype xsd:boolean (\"true\" or \"false\")"
	case "decimal":
		nb, en = "være et tall med datatypen xsd:decimal", "be a number with the datatype xsd:decimal"
	case "nonNegativeInteger":
		nb, en = "være et heltall med datatypen xsd:nonNegativeInteger", "be a whole number with the datatype xsd:nonNegativeInteger"
	case "duration":
		nb, en = "ha datatypen xsd:duration", "have the datatype xsd:duration"
	default:
		nb, en = "ha en annen form", "have another form"
	}
	return text(
		fmt.Sprintf("%s: verdien %s av %s må %s.", c.nb, got, prop, nb),
		fmt.Sprintf("%s: the value %s of %s must %s.", c.en, got, prop, en))
}

func labelLanguageMessage() catalog.Text {
	return text(
		"Variabelen har ingen etikett (csvw:title) på bokmål, nynorsk eller engelsk. Legg til en, for eksempel \"Fødselsvekt\"@nb.",
		"The variable has no label (csvw:title) in Bokmål, Nynorsk or English. Add one, for example \"Birth weight\"@en.")
}

func datatypeNameMessage(got string) catalog.Text {
	return text(
		fmt.Sprintf("csvw:datatype %q er ikke en av CSVWs innebygde datatyper (string, integer, decimal, boolean, date, dateTime …).", got),
		fmt.Sprintf("csvw:datatype %q is not one of CSVW's built-in datatypes (string, integer, decimal, boolean, date, dateTime …).", got))
}
