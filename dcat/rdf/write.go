package rdf

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Prefix is a namespace abbreviation a Writer uses: Name "dct" for IRI
// "http://purl.org/dc/terms/".
type Prefix struct {
	Name string
	IRI  string
}

// Writer writes triples in one syntax as a stream: it keeps only the
// triples of the current subject (JSON-LD) or nothing at all (the other
// syntaxes), so a document of any size is written in constant memory.
// Consecutive triples with the same subject are written together (one
// Turtle block, one rdf:Description, one JSON-LD node object); a subject
// that comes back later starts a new block, which every syntax allows.
//
// Output is deterministic: the same triples in the same order give the same
// bytes. The zero Writer is not ready for use: call NewWriter. A Writer is not
// safe for concurrent use.
type Writer struct {
	w        *bufio.Writer
	f        Format
	byNS     map[string]Prefix // namespaces ending in '/' or '#'
	other    []Prefix          // the rest, longest IRI first
	declared []Prefix          // in the caller's order, for the header

	started bool
	closed  bool
	err     error
	n       int // subjects written

	subj Term
	pred Term
	node []Triple // JSON-LD: the current subject's triples

	scratch []byte
}

// NewWriter returns a Writer of format f to w. The prefixes are declared in
// the header in the order given and used to abbreviate IRIs (Turtle, JSON-LD)
// and to name XML namespaces (RDF/XML). The caller must call Close.
func NewWriter(w io.Writer, f Format, prefixes []Prefix) *Writer {
	wr := &Writer{w: bufio.NewWriterSize(w, 64<<10), f: f, declared: prefixes, byNS: make(map[string]Prefix, len(prefixes))}
	for _, p := range prefixes {
		if strings.HasSuffix(p.IRI, "/") || strings.HasSuffix(p.IRI, "#") {
			if _, dup := wr.byNS[p.IRI]; !dup {
				wr.byNS[p.IRI] = p
			}
		} else {
			wr.other = append(wr.other, p)
		}
	}
	sort.SliceStable(wr.other, func(i, j int) bool { return len(wr.other[i].IRI) > len(wr.other[j].IRI) })
	return wr
}

// ErrWriterClosed is returned by Write after Close.
var ErrWriterClosed = errors.New("rdf: write to a closed Writer")

// Write writes one triple. The first error is sticky: later calls return it.
func (w *Writer) Write(t Triple) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return ErrWriterClosed
	}
	if err := checkTriple(t); err != nil {
		w.err = err
		return err
	}
	if !w.started {
		w.header()
	}
	switch w.f {
	case FormatNTriples:
		w.ntriple(t)
	case FormatTurtle:
		w.turtle(t)
	case FormatRDFXML:
		w.rdfxml(t)
	case FormatJSONLD:
		if len(w.node) > 0 && w.node[0].S != t.S {
			w.jsonldNode()
		}
		w.node = append(w.node, t)
	default:
		w.err = fmt.Errorf("rdf: cannot write %v", w.f)
	}
	if w.err == nil {
		// bufio.Writer keeps its first write error; an empty write reports it.
		_, w.err = w.w.Write(nil)
	}
	return w.err
}

// Flush writes buffered bytes to the underlying writer (a JSON-LD node still
// being collected stays buffered).
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.w.Flush()
	return w.err
}

// Close ends the document and flushes it. It does not close the underlying
// writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if !w.started {
		w.header()
	}
	switch w.f {
	case FormatTurtle:
		if w.n > 0 {
			w.w.WriteString(" .\n")
		}
	case FormatRDFXML:
		if w.n > 0 {
			w.w.WriteString("  </rdf:Description>\n")
		}
		w.w.WriteString("</rdf:RDF>\n")
	case FormatJSONLD:
		if len(w.node) > 0 {
			w.jsonldNode()
		}
		if w.n > 0 {
			w.w.WriteString("\n  ")
		}
		w.w.WriteString("]\n}\n")
	}
	if err := w.w.Flush(); err != nil && w.err == nil {
		w.err = err
	}
	return w.err
}

func checkTriple(t Triple) error {
	switch {
	case t.S.Kind != KindIRI && t.S.Kind != KindBlank:
		return fmt.Errorf("rdf: write %v: the subject must be an IRI or a blank node", t)
	case t.P.Kind != KindIRI:
		return fmt.Errorf("rdf: write %v: the predicate must be an IRI", t)
	case t.O.Kind == 0:
		return fmt.Errorf("rdf: write %v: no object", t)
	case t.O.Lang != "" && !ValidLangTag(t.O.Lang):
		return fmt.Errorf("rdf: write %v: %q is not a language tag", t, t.O.Lang)
	}
	return nil
}

// ValidLangTag reports whether tag has the form every syntax accepts for a
// language tag: letters, then dash-separated groups of letters and digits.
func ValidLangTag(tag string) bool {
	first := true
	n := 0
	for i := 0; i <= len(tag); i++ {
		if i == len(tag) || tag[i] == '-' {
			if n == 0 {
				return false
			}
			first, n = false, 0
			continue
		}
		c := tag[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && !first:
		default:
			return false
		}
		n++
	}
	return true
}

func (w *Writer) header() {
	w.started = true
	switch w.f {
	case FormatTurtle:
		for _, p := range w.declared {
			w.w.WriteString("@prefix ")
			w.w.WriteString(p.Name)
			w.w.WriteString(": ")
			w.iriRef(p.IRI)
			w.w.WriteString(" .\n")
		}
	case FormatRDFXML:
		w.w.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rdf:RDF")
		w.w.WriteString("\n    xmlns:rdf=\"" + RDFNS + "\"")
		for _, p := range w.declared {
			if p.IRI == RDFNS || !isASCIINCName(p.Name) {
				continue
			}
			w.w.WriteString("\n    xmlns:")
			w.w.WriteString(p.Name)
			w.w.WriteString("=\"")
			w.xmlEscape(p.IRI, true)
			w.w.WriteString("\"")
		}
		w.w.WriteString(">\n")
	case FormatJSONLD:
		w.w.WriteString("{\n  \"@context\": {")
		for i, p := range w.declared {
			if i > 0 {
				w.w.WriteByte(',')
			}
			w.w.WriteString("\n    ")
			w.jsonString(p.Name)
			w.w.WriteString(": ")
			w.jsonString(p.IRI)
		}
		w.w.WriteString("\n  },\n  \"@graph\": [")
	}
}

// ---------------------------------------------------------------------------
// N-Triples

func (w *Writer) ntriple(t Triple) {
	b := w.scratch[:0]
	b = appendNT(b, t.S)
	b = append(b, ' ')
	b = appendNT(b, t.P)
	b = append(b, ' ')
	b = appendNT(b, t.O)
	b = append(b, " .\n"...)
	w.w.Write(b)
	w.scratch = b
}

// appendNT appends t in N-Triples syntax, as AppendNTriplesTerm writes it.
func appendNT(b []byte, t Term) []byte {
	switch t.Kind {
	case KindIRI:
		return appendIRIRef(b, t.Value)
	case KindBlank:
		return appendBlankLabel(append(b, "_:"...), t.Value)
	}
	b = appendQuoted(b, t.Value)
	if t.Lang != "" {
		return append(append(b, '@'), t.Lang...)
	}
	if t.Datatype != "" {
		return appendIRIRef(append(b, "^^"...), t.Datatype)
	}
	return b
}

// appendIRIRef appends <iri>. Characters that no IRI may hold are
// percent-encoded.
func appendIRIRef(b []byte, iri string) []byte {
	b = append(b, '<')
	for i := 0; i < len(iri); i++ {
		c := iri[i]
		switch {
		case c <= 0x20 || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' || c == '^' || c == '`' || c == '\\':
			// No syntax can carry these in an IRI, escaped or not: an IRI
			// that has them is not one, so write the URI form of it.
			b = append(b, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&0xF])
		default:
			b = append(b, c)
		}
	}
	return append(b, '>')
}

// appendQuoted appends s as a "…" string of N-Triples and Turtle. Invalid
// UTF-8 is replaced by U+FFFD, which every syntax can carry.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// ---------------------------------------------------------------------------
// Turtle

func (w *Writer) turtle(t Triple) {
	switch {
	case w.n > 0 && t.S == w.subj && t.P == w.pred:
		w.w.WriteString(" ,\n        ")
	case w.n > 0 && t.S == w.subj:
		w.w.WriteString(" ;\n    ")
		w.turtlePredicate(t.P)
		w.w.WriteByte(' ')
	default:
		if w.n > 0 {
			w.w.WriteString(" .\n")
		}
		w.w.WriteByte('\n')
		w.n++
		w.turtleTerm(t.S)
		w.w.WriteString("\n    ")
		w.turtlePredicate(t.P)
		w.w.WriteByte(' ')
	}
	w.subj, w.pred = t.S, t.P
	w.turtleTerm(t.O)
}

func (w *Writer) turtlePredicate(p Term) {
	if p.Value == RDFType {
		w.w.WriteByte('a')
		return
	}
	w.turtleIRI(p.Value)
}

func (w *Writer) turtleTerm(t Term) {
	switch t.Kind {
	case KindIRI:
		w.turtleIRI(t.Value)
	case KindBlank:
		w.scratch = appendBlankLabel(append(w.scratch[:0], "_:"...), t.Value)
		w.w.Write(w.scratch)
	default:
		w.scratch = appendQuoted(w.scratch[:0], t.Value)
		w.w.Write(w.scratch)
		if t.Lang != "" {
			w.w.WriteByte('@')
			w.w.WriteString(t.Lang)
		} else if t.Datatype != "" {
			w.w.WriteString("^^")
			w.turtleIRI(t.Datatype)
		}
	}
}

// turtleIRI writes a prefixed name where the IRI has a declared namespace and
// a local part every Turtle reader accepts, and <…> otherwise.
func (w *Writer) turtleIRI(iri string) {
	if p, local, ok := w.split(iri); ok && isSimpleLocal(local) {
		w.w.WriteString(p.Name)
		w.w.WriteByte(':')
		w.w.WriteString(local)
		return
	}
	w.iriRef(iri)
}

func (w *Writer) iriRef(iri string) {
	w.scratch = appendIRIRef(w.scratch[:0], iri)
	w.w.Write(w.scratch)
}

// split cuts iri into a declared namespace and the rest. Namespaces that
// end in '/' or '#' (all the usual ones) are found with one map lookup at
// the IRI's last such character; others by trying each, longest first.
func (w *Writer) split(iri string) (Prefix, string, bool) {
	if i := strings.LastIndexAny(iri, "/#"); i >= 0 && i < len(iri)-1 {
		if p, ok := w.byNS[iri[:i+1]]; ok {
			return p, iri[i+1:], true
		}
	}
	for _, p := range w.other {
		if len(iri) > len(p.IRI) && strings.HasPrefix(iri, p.IRI) {
			return p, iri[len(p.IRI):], true
		}
	}
	return Prefix{}, "", false
}

// isSimpleLocal reports whether s is a Turtle local name made only of ASCII
// letters, digits, '_' and inner '-' or '.', which needs no escapes.
func isSimpleLocal(s string) bool {
	if s == "" || s[0] == '-' || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// RDF/XML

func (w *Writer) rdfxml(t Triple) {
	if w.n == 0 || t.S != w.subj {
		if w.n > 0 {
			w.w.WriteString("  </rdf:Description>\n")
		}
		w.n++
		w.subj = t.S
		if t.S.Kind == KindBlank {
			w.w.WriteString("  <rdf:Description rdf:nodeID=\"")
			w.w.Write(appendBlankLabel(nil, t.S.Value))
		} else {
			w.w.WriteString("  <rdf:Description rdf:about=\"")
			w.xmlEscape(t.S.Value, true)
		}
		w.w.WriteString("\">\n")
	}
	qname, decl, ok := w.xmlName(t.P.Value)
	if !ok {
		w.err = fmt.Errorf("rdf: write %v as RDF/XML: the predicate has no XML name (its IRI must end in a letter, digit, '_', '-' or '.' after a letter or '_')", t)
		return
	}
	w.w.WriteString("    <")
	w.w.WriteString(qname)
	w.w.WriteString(decl)
	switch t.O.Kind {
	case KindIRI:
		w.w.WriteString(" rdf:resource=\"")
		w.xmlEscape(t.O.Value, true)
		w.w.WriteString("\"/>\n")
		return
	case KindBlank:
		w.w.WriteString(" rdf:nodeID=\"")
		w.w.Write(appendBlankLabel(nil, t.O.Value))
		w.w.WriteString("\"/>\n")
		return
	}
	if t.O.Lang != "" {
		w.w.WriteString(" xml:lang=\"")
		w.xmlEscape(t.O.Lang, true)
		w.w.WriteString("\"")
	} else if t.O.Datatype != "" {
		w.w.WriteString(" rdf:datatype=\"")
		w.xmlEscape(t.O.Datatype, true)
		w.w.WriteString("\"")
	}
	w.w.WriteByte('>')
	w.xmlEscape(t.O.Value, false)
	w.w.WriteString("</")
	w.w.WriteString(qname)
	w.w.WriteString(">\n")
}

// xmlName returns the qualified name of a predicate: with a declared prefix,
// or with "ns0" declared on the element itself (decl).
func (w *Writer) xmlName(iri string) (qname, decl string, ok bool) {
	if p, local, ok := w.split(iri); ok && isASCIINCName(p.Name) && isASCIINCName(local) {
		return p.Name + ":" + local, "", true
	}
	if iri == RDFType {
		return "rdf:type", "", true
	}
	// Split after the longest tail that is an NCName.
	i := len(iri)
	for i > 0 && isNameByte(iri[i-1]) {
		i--
	}
	for i < len(iri) && !isNameStart(iri[i]) {
		i++
	}
	if i == 0 || i >= len(iri) {
		return "", "", false
	}
	var b strings.Builder
	b.WriteString(` xmlns:ns0="`)
	xmlEscapeTo(&b, iri[:i], true)
	b.WriteString(`"`)
	return "ns0:" + iri[i:], b.String(), true
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isNameByte(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}

// isASCIINCName reports whether s is an ASCII XML name without a colon.
func isASCIINCName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

type byteStringWriter interface {
	WriteString(string) (int, error)
	WriteByte(byte) error
	WriteRune(rune) (int, error)
}

func (w *Writer) xmlEscape(s string, attr bool) { xmlEscapeTo(w.w, s, attr) }

// xmlEscapeTo writes s as XML character data (or an attribute value). A
// character XML 1.0 cannot carry (most C0 controls) becomes U+FFFD; a
// carriage return is written as a reference so that parsers keep it.
func xmlEscapeTo(w byteStringWriter, s string, attr bool) {
	last := 0
	flush := func(i int) {
		if last < i {
			w.WriteString(s[last:i])
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		var rep string
		size := 1
		switch {
		case c == '&':
			rep = "&amp;"
		case c == '<':
			rep = "&lt;"
		case c == '>':
			rep = "&gt;"
		case c == '"' && attr:
			rep = "&quot;"
		case c == '\r':
			rep = "&#13;"
		case (c == '\n' || c == '\t') && attr:
			rep = "&#" + strconv.Itoa(int(c)) + ";"
		case c < 0x20 && c != '\n' && c != '\t':
			rep = "\uFFFD"
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			size = n
			if r == utf8.RuneError && n == 1 || r == 0xFFFE || r == 0xFFFF {
				rep = "\uFFFD"
			}
		}
		if rep != "" {
			flush(i)
			w.WriteString(rep)
			last = i + size
		}
		i += size
	}
	flush(len(s))
}

// ---------------------------------------------------------------------------
// JSON-LD (compacted with the prefixes as its context)

func (w *Writer) jsonldNode() {
	node := w.node
	w.node = w.node[:0]
	if w.n > 0 {
		w.w.WriteByte(',')
	}
	w.n++
	w.w.WriteString("\n    {\"@id\": ")
	w.jsonString(jsonldID(node[0].S))
	// Types first, then the other properties in order of first use.
	var types []string
	var order []Term
	seen := make(map[Term]bool, len(node))
	for _, t := range node {
		if t.P.Value == RDFType && t.O.Kind == KindIRI {
			types = append(types, w.compact(t.O.Value))
			continue
		}
		if !seen[t.P] {
			seen[t.P] = true
			order = append(order, t.P)
		}
	}
	if len(types) > 0 {
		w.w.WriteString(", \"@type\": [")
		for i, ty := range types {
			if i > 0 {
				w.w.WriteString(", ")
			}
			w.jsonString(ty)
		}
		w.w.WriteByte(']')
	}
	for _, p := range order {
		w.w.WriteString(",\n      ")
		w.jsonString(w.compact(p.Value))
		w.w.WriteString(": [")
		first := true
		for _, t := range node {
			if t.P != p || (t.P.Value == RDFType && t.O.Kind == KindIRI) {
				continue
			}
			if !first {
				w.w.WriteString(", ")
			}
			first = false
			w.jsonldValue(t.O)
		}
		w.w.WriteByte(']')
	}
	w.w.WriteByte('}')
}

func jsonldID(t Term) string {
	if t.Kind == KindBlank {
		return string(appendBlankLabel([]byte("_:"), t.Value))
	}
	return t.Value
}

// appendBlankLabel appends a blank node label that every syntax accepts
// (an XML name, a Turtle and N-Triples label): "b" and the label, with each
// byte other than an ASCII letter or digit written as "_" and two hex digits.
// Distinct labels stay distinct.
func appendBlankLabel(b []byte, label string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, 'b')
	for i := 0; i < len(label); i++ {
		c := label[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b = append(b, c)
		} else {
			b = append(b, '_', hex[c>>4], hex[c&0xF])
		}
	}
	return b
}

func (w *Writer) jsonldValue(o Term) {
	switch {
	case o.Kind != KindLiteral:
		w.w.WriteString("{\"@id\": ")
		w.jsonString(jsonldID(o))
		w.w.WriteByte('}')
	case o.Lang != "":
		w.w.WriteString("{\"@value\": ")
		w.jsonString(o.Value)
		w.w.WriteString(", \"@language\": ")
		w.jsonString(o.Lang)
		w.w.WriteByte('}')
	case o.Datatype != "":
		w.w.WriteString("{\"@value\": ")
		w.jsonString(o.Value)
		w.w.WriteString(", \"@type\": ")
		w.jsonString(w.compact(o.Datatype))
		w.w.WriteByte('}')
	default:
		w.jsonString(o.Value)
	}
}

// compact returns a compact IRI ("dct:title") where a declared prefix fits
// and the rest could not be read as an IRI of its own, else the IRI.
func (w *Writer) compact(iri string) string {
	if p, local, ok := w.split(iri); ok && !strings.HasPrefix(local, "//") {
		return p.Name + ":" + local
	}
	return iri
}

func (w *Writer) jsonString(s string) {
	const hex = "0123456789abcdef"
	b := append(w.scratch[:0], '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	b = append(b, '"')
	w.w.Write(b)
	w.scratch = b
}
