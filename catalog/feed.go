package catalog

import (
	"context"
	"io"
)

// Feed is read access to the RDF statements of a harvested feed, in the
// form the validator needs: package dcat's graph implements it. Terms are
// compared by value.
type Feed interface {
	// OfType returns the subjects with rdf:type class, in document order.
	OfType(class string) []RDFTerm
	// Describe returns the statements about a subject, in document order,
	// or nil when the feed says nothing about it.
	Describe(subject RDFTerm) []Statement
	// Concepts returns the subjects with skos:inScheme scheme, in document
	// order: the codes of a code list.
	Concepts(scheme RDFTerm) []RDFTerm
	// RelativeIRIs returns the relative IRI references the feed held, which
	// were resolved against its address.
	RelativeIRIs() []string
}

// TermKind says what an RDFTerm is.
type TermKind uint8

// The kinds of RDF term.
const (
	TermIRI TermKind = iota + 1
	TermBlank
	TermLiteral
)

// RDFTerm is an RDF term as the validator sees it. For a literal, Lang is
// its language tag and Datatype its datatype IRI ("" for xsd:string and
// language-tagged strings); for a blank node, Value is its label.
type RDFTerm struct {
	Kind     TermKind
	Value    string
	Lang     string
	Datatype string
}

// IsIRI reports whether t is an IRI.
func (t RDFTerm) IsIRI() bool { return t.Kind == TermIRI }

// Name returns how findings name the term: the IRI, or "_:label".
func (t RDFTerm) Name() string {
	if t.Kind == TermBlank {
		return "_:" + t.Value
	}
	return t.Value
}

// Statement is one property value of a subject.
type Statement struct {
	Predicate string
	Object    RDFTerm
}

// Quality is how well a record meets a metadata profile: the share of its
// mandatory and of its recommended properties it has, and a score from 0 to
// 100 that weighs mandatory properties most (like data.europa.eu's MQA).
type Quality struct {
	Profile     string    `json:"profile"`
	Score       int       `json:"score"`
	Mandatory   Fulfilled `json:"mandatory"`
	Recommended Fulfilled `json:"recommended"`
	Errors      int       `json:"errors"`
	Warnings    int       `json:"warnings"`
}

// Fulfilled counts the properties of a level that a record has.
type Fulfilled struct {
	Met   int `json:"met"`
	Total int `json:"total"`
}

// Validation is a record's validation status: how many findings of each
// severity it has.
type Validation struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
}

// Status says "errors", "warnings" or "ok".
func (v Validation) Status() string {
	switch {
	case v.Errors > 0:
		return "errors"
	case v.Warnings > 0:
		return "warnings"
	}
	return "ok"
}

// ValidationReport is what validating a feed against a profile found.
type ValidationReport struct {
	Profile  string    `json:"profile"`
	Quality  Quality   `json:"quality"` // the source's: the mean of its datasets' scores
	Findings []Finding `json:"findings"`
	// Datasets holds each dataset's quality, by IRI (or _:label).
	Datasets map[string]Quality `json:"datasets"`
	// Resources counts the findings about each resource, by IRI.
	Resources map[string]Validation `json:"-"`
}

// FeedValidator validates a feed given as a document, for the API's
// validation service. contentType picks the syntax ("" to detect it); a
// document that is not RDF is an *Error EINVALID that names the line.
type FeedValidator interface {
	ValidateFeed(ctx context.Context, feed io.Reader, contentType, profile string) (*ValidationReport, error)
}
