package catalog

import "strings"

// authority is the base of the EU Publications Office's authority tables.
const authority = "http://publications.europa.eu/resource/authority/"

// VocabularyLabel returns the nb, nn and en labels of a concept of the
// controlled vocabularies that DCAT-AP-NO prescribes and Katalog shows
// (EU access rights and data themes), given its IRI.
func VocabularyLabel(iri string) (Text, bool) {
	rest, ok := strings.CutPrefix(iri, authority)
	if !ok {
		return nil, false
	}
	var nb, nn, en string
	switch rest {
	case "access-right/PUBLIC":
		nb, nn, en = "Allmenn tilgang", "Allmenn tilgang", "Public"
	case "access-right/RESTRICTED":
		nb, nn, en = "Begrenset tilgang", "Avgrensa tilgang", "Restricted"
	case "access-right/NON_PUBLIC":
		nb, nn, en = "Ikke-allmenn tilgang", "Ikkje-allmenn tilgang", "Non-public"
	case "data-theme/AGRI":
		nb, nn, en = "Jordbruk, fiskeri, skogbruk og mat", "Jordbruk, fiskeri, skogbruk og mat", "Agriculture, fisheries, forestry and food"
	case "data-theme/ECON":
		nb, nn, en = "Økonomi og finans", "Økonomi og finans", "Economy and finance"
	case "data-theme/EDUC":
		nb, nn, en = "Utdanning, kultur og sport", "Utdanning, kultur og sport", "Education, culture and sport"
	case "data-theme/ENER":
		nb, nn, en = "Energi", "Energi", "Energy"
	case "data-theme/ENVI":
		nb, nn, en = "Miljø", "Miljø", "Environment"
	case "data-theme/GOVE":
		nb, nn, en = "Forvaltning og offentlig sektor", "Forvaltning og offentleg sektor", "Government and public sector"
	case "data-theme/HEAL":
		nb, nn, en = "Helse", "Helse", "Health"
	case "data-theme/INTR":
		nb, nn, en = "Internasjonale temaer", "Internasjonale tema", "International issues"
	case "data-theme/JUST":
		nb, nn, en = "Justis, rettssystem og allmenn sikkerhet", "Justis, rettssystem og allmenn tryggleik", "Justice, legal system and public safety"
	case "data-theme/REGI":
		nb, nn, en = "Regioner og byer", "Regionar og byar", "Regions and cities"
	case "data-theme/SOCI":
		nb, nn, en = "Befolkning og samfunn", "Befolkning og samfunn", "Population and society"
	case "data-theme/TECH":
		nb, nn, en = "Vitenskap og teknologi", "Vitskap og teknologi", "Science and technology"
	case "data-theme/TRAN":
		nb, nn, en = "Transport", "Transport", "Transport"
	default:
		return nil, false
	}
	return Text{"nb": nb, "nn": nn, "en": en}, true
}

// LanguageName returns the name of a language, given the key it has in a
// Text ("nb", "en", "da", ...), in nb, nn and en.
func LanguageName(lang string) (Text, bool) {
	var nb, nn, en string
	switch NormalizeLang(lang) {
	case "nb":
		nb, nn, en = "Bokmål", "Bokmål", "Norwegian Bokmål"
	case "nn":
		nb, nn, en = "Nynorsk", "Nynorsk", "Norwegian Nynorsk"
	case "en":
		nb, nn, en = "Engelsk", "Engelsk", "English"
	case "da":
		nb, nn, en = "Dansk", "Dansk", "Danish"
	case "sv":
		nb, nn, en = "Svensk", "Svensk", "Swedish"
	case "fi":
		nb, nn, en = "Finsk", "Finsk", "Finnish"
	case "is":
		nb, nn, en = "Islandsk", "Islandsk", "Icelandic"
	case "se":
		nb, nn, en = "Nordsamisk", "Nordsamisk", "Northern Sami"
	case "de":
		nb, nn, en = "Tysk", "Tysk", "German"
	case "fr":
		nb, nn, en = "Fransk", "Fransk", "French"
	case "nl":
		nb, nn, en = "Nederlandsk", "Nederlandsk", "Dutch"
	case "es":
		nb, nn, en = "Spansk", "Spansk", "Spanish"
	case "pt":
		nb, nn, en = "Portugisisk", "Portugisisk", "Portuguese"
	default:
		return nil, false
	}
	return Text{"nb": nb, "nn": nn, "en": en}, true
}
