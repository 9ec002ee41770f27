// Package catalog is Katalog's domain: the metadata records a national health
// data catalogue keeps (catalogues, datasets, distributions, variables, code
// lists, agents), the harvest sources and their runs, validation findings,
// the error type, and the small interfaces (Store, Index) that the packages
// around it implement.
//
// Package catalog imports only the standard library. Every other package of
// Katalog depends on it; it depends on none of them.
package catalog

import (
	"time"
)

// Catalog is a dcat:Catalog as a source publishes it.
type Catalog struct {
	IRI         string    `json:"iri"`
	Identifier  string    `json:"identifier,omitempty"`
	Source      string    `json:"source"`
	Title       Text      `json:"title,omitempty"`
	Description Text      `json:"description,omitempty"`
	Publisher   *Agent    `json:"publisher,omitempty"`
	Homepage    string    `json:"homepage,omitempty"`
	Languages   []string  `json:"languages,omitempty"`
	License     string    `json:"license,omitempty"`
	Issued      string    `json:"issued,omitempty"`
	Modified    string    `json:"modified,omitempty"`
	Datasets    []string  `json:"datasets,omitempty"` // dataset IRIs, in feed order
	Contacts    []Contact `json:"contact_points,omitempty"`
}

// Dataset is a dcat:Dataset: a register, a cohort, a study part or a data
// file. Its variables are kept as separate Variable records.
//
// Issued and Modified are the publisher's own dct:issued and dct:modified,
// kept as given. FirstSeen and LastChanged are Katalog's: when the dataset
// first appeared in a harvest and when its record last changed. Withdrawn is
// set when the dataset disappeared from its source (a tombstone).
type Dataset struct {
	IRI               string         `json:"iri"`
	Identifier        string         `json:"identifier"`
	Source            string         `json:"source"`
	Catalog           string         `json:"catalog,omitempty"` // catalog IRI
	Title             Text           `json:"title,omitempty"`
	Description       Text           `json:"description,omitempty"`
	Publisher         *Agent         `json:"publisher,omitempty"`
	Contacts          []Contact      `json:"contact_points,omitempty"`
	Themes            []Concept      `json:"themes,omitempty"`
	Keywords          Keywords       `json:"keywords,omitempty"`
	Temporal          []Period       `json:"temporal,omitempty"`
	AccessRights      string         `json:"access_rights,omitempty"` // IRI
	AccessRequestURL  string         `json:"access_request_url,omitempty"`
	Languages         []string       `json:"languages,omitempty"` // dct:language IRIs
	LandingPages      []string       `json:"landing_pages,omitempty"`
	Spatial           []string       `json:"spatial,omitempty"`
	Frequency         string         `json:"frequency,omitempty"`
	ConformsTo        []string       `json:"conforms_to,omitempty"`
	Issued            string         `json:"issued,omitempty"`
	Modified          string         `json:"modified,omitempty"`
	Distributions     []Distribution `json:"distributions,omitempty"`
	HasStructuredData *bool          `json:"has_structured_data,omitempty"`
	Tables            []Table        `json:"tables,omitempty"`
	VariableCount     int            `json:"variable_count"`
	// Quality is how well the dataset meets the source's profile.
	Quality *Quality `json:"quality,omitempty"`

	Hash        string     `json:"hash,omitempty"`
	FirstSeen   time.Time  `json:"first_seen"`
	LastChanged time.Time  `json:"last_changed"`
	Withdrawn   *time.Time `json:"withdrawn,omitempty"`
}

// Distribution is a dcat:Distribution of a dataset.
type Distribution struct {
	IRI         string   `json:"iri,omitempty"`
	Title       Text     `json:"title,omitempty"`
	Description Text     `json:"description,omitempty"`
	AccessURLs  []string `json:"access_urls,omitempty"`
	DownloadURL []string `json:"download_urls,omitempty"`
	Format      string   `json:"format,omitempty"`
	MediaType   string   `json:"media_type,omitempty"`
	License     string   `json:"license,omitempty"`
	Issued      string   `json:"issued,omitempty"`
	Modified    string   `json:"modified,omitempty"`
}

// Table is a csvw:Table of a dataset's table group: the variables of a
// dataset come in tables.
type Table struct {
	IRI         string `json:"iri"`
	Title       Text   `json:"title,omitempty"`
	Description Text   `json:"description,omitempty"`
}

// Variable is a csvw:Column of a dataset: one variable of a register or study.
//
// CodeList is the IRI of the variable's code list (modelldcatno:hasValueFrom);
// code lists are shared by many variables and stored once per source.
type Variable struct {
	IRI            string          `json:"iri"`
	Identifier     string          `json:"identifier"`
	Name           string          `json:"name"`
	Source         string          `json:"source"`
	Dataset        string          `json:"dataset"` // dataset IRI
	Table          string          `json:"table,omitempty"`
	Position       int             `json:"position"` // order within the dataset, from 0
	Title          Text            `json:"title,omitempty"`
	Description    Text            `json:"description,omitempty"`
	Datatype       string          `json:"datatype,omitempty"`
	Unit           string          `json:"unit,omitempty"`
	PropertyURLs   []string        `json:"property_urls,omitempty"`
	Subjects       []Concept       `json:"subjects,omitempty"`
	Temporal       []Period        `json:"temporal,omitempty"`
	CodeList       string          `json:"code_list,omitempty"`
	AltIdentifiers []AltIdentifier `json:"alt_identifiers,omitempty"`
	// Validation counts the findings about the variable.
	Validation Validation `json:"validation"`

	Hash        string     `json:"hash,omitempty"`
	FirstSeen   time.Time  `json:"first_seen"`
	LastChanged time.Time  `json:"last_changed"`
	Withdrawn   *time.Time `json:"withdrawn,omitempty"`
}

// AltIdentifier is an adms:identifier: another system's name for a record.
type AltIdentifier struct {
	Notation string `json:"notation"`
	Creator  string `json:"creator,omitempty"`
}

// CodeList is a skos:ConceptScheme that gives a variable's permitted values.
// It holds labels only, never counts.
type CodeList struct {
	IRI        string `json:"iri"`
	Identifier string `json:"identifier,omitempty"`
	Title      Text   `json:"title,omitempty"`
	Codes      []Code `json:"codes"`
}

// Code is one value of a code list. Notation is the stored value where the
// publisher gives one.
type Code struct {
	IRI      string `json:"iri,omitempty"`
	Notation string `json:"notation,omitempty"`
	Label    Text   `json:"label,omitempty"`
}

// Concept is a skos:Concept used as a theme or subject, with whatever label
// the feed gave it.
type Concept struct {
	IRI      string `json:"iri"`
	Label    Text   `json:"label,omitempty"`
	Notation string `json:"notation,omitempty"`
}

// Agent is a foaf:Agent, usually the organisation that publishes a dataset.
// Identifier is the organisation number where the publisher gives one.
type Agent struct {
	IRI        string `json:"iri,omitempty"`
	Identifier string `json:"identifier,omitempty"`
	Name       Text   `json:"name,omitempty"`
	Homepage   string `json:"homepage,omitempty"`
}

// Contact is a vcard contact point. Email is the address without "mailto:".
type Contact struct {
	IRI   string `json:"iri,omitempty"`
	Name  Text   `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Period is a dct:PeriodOfTime. Start and End are lexical xsd:gYear, xsd:date
// or xsd:dateTime values as the feed gave them; either may be empty.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Years returns the calendar years of the period's start and end, or 0 where
// a bound is absent or unreadable.
func (p Period) Years() (start, end int) {
	return leadingYear(p.Start), leadingYear(p.End)
}

func leadingYear(s string) int {
	y, n := 0, 0
	for _, c := range s {
		if c < '0' || c > '9' {
			break
		}
		y = y*10 + int(c-'0')
		n++
	}
	if n < 4 {
		return 0
	}
	return y
}

// Keywords are dcat:keyword values by language.
type Keywords map[string][]string

// Snapshot is everything one harvest of one source produced: the records
// that replace the source's previous ones.
type Snapshot struct {
	Catalogs  []Catalog
	Datasets  []Dataset
	Variables []Variable
	CodeLists []CodeList
}
