// Package rdf is Katalog's RDF syntax layer: the term and triple model, and
// streaming readers for Turtle, N-Triples, RDF/XML and JSON-LD. It knows
// nothing of DCAT; package dcat maps triples to catalog values.
//
// Readers call a Handler once per triple, in document order (JSON-LD: in the
// order the JSON-LD processor produces them), and stop at the first error. A
// syntax error is a *SyntaxError that names the line and column. Readers
// never touch the network. A reader holds no state between calls, so any
// number may run at once.
package rdf

import (
	"strings"
)

// Kind says what sort of RDF term a Term is.
type Kind uint8

// The kinds of term. The zero Kind is not a valid term.
const (
	KindIRI Kind = iota + 1
	KindBlank
	KindLiteral
)

// Well-known IRIs of the RDF and XSD vocabularies.
const (
	RDFNS         = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	XSDNS         = "http://www.w3.org/2001/XMLSchema#"
	RDFType       = RDFNS + "type"
	RDFFirst      = RDFNS + "first"
	RDFRest       = RDFNS + "rest"
	RDFNil        = RDFNS + "nil"
	RDFLangString = RDFNS + "langString"
	XSDString     = XSDNS + "string"
	XSDBoolean    = XSDNS + "boolean"
	XSDInteger    = XSDNS + "integer"
	XSDDecimal    = XSDNS + "decimal"
	XSDDouble     = XSDNS + "double"
)

// Term is an RDF term: an IRI, a blank node or a literal.
//
// For an IRI, Value is the absolute IRI. For a blank node, Value is its
// label, unique within one parsed document. For a literal, Value is the
// lexical form, Lang the language tag (lower-cased) and Datatype the datatype
// IRI; Datatype is empty for a simple literal (xsd:string) and for a
// language-tagged string (rdf:langString).
type Term struct {
	Kind     Kind
	Value    string
	Lang     string
	Datatype string
}

// IRI returns an IRI term.
func IRI(v string) Term { return Term{Kind: KindIRI, Value: v} }

// Blank returns a blank node term with the given label.
func Blank(label string) Term { return Term{Kind: KindBlank, Value: label} }

// Literal returns a literal term. A non-empty lang makes it a language-tagged
// string and datatype is then ignored; a datatype of xsd:string is stored as
// the empty string.
func Literal(value, lang, datatype string) Term {
	if lang != "" {
		return Term{Kind: KindLiteral, Value: value, Lang: strings.ToLower(lang)}
	}
	if datatype == XSDString || datatype == RDFLangString {
		datatype = ""
	}
	return Term{Kind: KindLiteral, Value: value, Datatype: datatype}
}

// IsIRI reports whether t is an IRI.
func (t Term) IsIRI() bool { return t.Kind == KindIRI }

// IsBlank reports whether t is a blank node.
func (t Term) IsBlank() bool { return t.Kind == KindBlank }

// IsLiteral reports whether t is a literal.
func (t Term) IsLiteral() bool { return t.Kind == KindLiteral }

// IsZero reports whether t is the zero Term.
func (t Term) IsZero() bool { return t.Kind == 0 }

// DatatypeIRI returns the literal's datatype IRI with the RDF 1.1 defaults
// filled in: xsd:string for a simple literal, rdf:langString for a
// language-tagged one. It returns "" for IRIs and blank nodes.
func (t Term) DatatypeIRI() string {
	switch {
	case t.Kind != KindLiteral:
		return ""
	case t.Lang != "":
		return RDFLangString
	case t.Datatype == "":
		return XSDString
	}
	return t.Datatype
}

// String returns the term in N-Triples syntax.
func (t Term) String() string {
	var b strings.Builder
	AppendNTriplesTerm(&b, t)
	return b.String()
}

// Triple is one RDF statement.
type Triple struct {
	S, P, O Term
}

// String returns the triple as one N-Triples line, without the newline.
func (t Triple) String() string {
	var b strings.Builder
	AppendNTriplesTerm(&b, t.S)
	b.WriteByte(' ')
	AppendNTriplesTerm(&b, t.P)
	b.WriteByte(' ')
	AppendNTriplesTerm(&b, t.O)
	b.WriteString(" .")
	return b.String()
}

// Handler receives triples from a reader. Returning an error stops the reader,
// which then returns that error.
type Handler func(Triple) error

// AppendNTriplesTerm writes t to b in canonical N-Triples form.
func AppendNTriplesTerm(b *strings.Builder, t Term) {
	switch t.Kind {
	case KindIRI:
		b.WriteByte('<')
		for _, r := range t.Value {
			switch {
			case r <= 0x20 || r == '<' || r == '>' || r == '"' || r == '{' || r == '}' || r == '|' || r == '^' || r == '`' || r == '\\':
				writeUEscape(b, r)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('>')
	case KindBlank:
		b.WriteString("_:")
		b.WriteString(t.Value)
	case KindLiteral:
		b.WriteByte('"')
		for _, r := range t.Value {
			switch r {
			case '"':
				b.WriteString(`\"`)
			case '\\':
				b.WriteString(`\\`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('"')
		if t.Lang != "" {
			b.WriteByte('@')
			b.WriteString(t.Lang)
		} else if t.Datatype != "" {
			b.WriteString("^^")
			AppendNTriplesTerm(b, IRI(t.Datatype))
		}
	default:
		b.WriteString("<invalid term>")
	}
}

func writeUEscape(b *strings.Builder, r rune) {
	const hex = "0123456789ABCDEF"
	if r > 0xFFFF {
		b.WriteString(`\U`)
		for s := 28; s >= 0; s -= 4 {
			b.WriteByte(hex[(r>>uint(s))&0xF])
		}
		return
	}
	b.WriteString(`\u`)
	for s := 12; s >= 0; s -= 4 {
		b.WriteByte(hex[(r>>uint(s))&0xF])
	}
}
