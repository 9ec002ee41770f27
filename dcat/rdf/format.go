package rdf

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
)

// Format is an RDF syntax. The zero Format is not a valid format.
type Format uint8

// The formats this package reads.
const (
	FormatTurtle Format = iota + 1
	FormatNTriples
	FormatRDFXML
	FormatJSONLD
)

// String returns the format's configuration name, as accepted by
// ParseFormat.
func (f Format) String() string {
	switch f {
	case FormatTurtle:
		return "turtle"
	case FormatNTriples:
		return "ntriples"
	case FormatRDFXML:
		return "rdfxml"
	case FormatJSONLD:
		return "jsonld"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// ParseFormat returns the format with the given configuration name: turtle,
// ntriples, rdfxml or jsonld (case does not matter).
func ParseFormat(name string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "turtle":
		return FormatTurtle, nil
	case "ntriples":
		return FormatNTriples, nil
	case "rdfxml":
		return FormatRDFXML, nil
	case "jsonld":
		return FormatJSONLD, nil
	}
	return 0, fmt.Errorf("rdf: unknown format %q: want turtle, ntriples, rdfxml or jsonld", name)
}

// FormatFromExtension returns the format a file name's extension names
// (.ttl, .nt, .rdf, .xml, .owl, .jsonld; case does not matter).
func FormatFromExtension(name string) (Format, bool) {
	switch strings.ToLower(path.Ext(name)) {
	case ".ttl":
		return FormatTurtle, true
	case ".nt":
		return FormatNTriples, true
	case ".rdf", ".xml", ".owl":
		return FormatRDFXML, true
	case ".jsonld":
		return FormatJSONLD, true
	}
	return 0, false
}

// FormatFromMediaType returns the format for an HTTP Content-Type value,
// ignoring parameters such as charset. It reports false for media types that
// do not name one RDF syntax, text/plain among them.
func FormatFromMediaType(contentType string) (Format, bool) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	switch mt {
	case "text/turtle", "application/x-turtle":
		return FormatTurtle, true
	case "application/n-triples":
		return FormatNTriples, true
	case "application/rdf+xml", "application/xml", "text/xml":
		return FormatRDFXML, true
	case "application/ld+json", "application/json":
		return FormatJSONLD, true
	}
	return 0, false
}

// Parse reads a document in format f from r and calls h for each triple.
func Parse(r io.Reader, f Format, opts Options, h Handler) error {
	switch f {
	case FormatTurtle:
		return ParseTurtle(r, opts, h)
	case FormatNTriples:
		return ParseNTriples(r, opts, h)
	case FormatRDFXML:
		return ParseRDFXML(r, opts, h)
	case FormatJSONLD:
		return ParseJSONLD(r, opts, h)
	}
	return fmt.Errorf("rdf: cannot parse %v", f)
}

// Sniff guesses the format of a document from its first bytes (a kilobyte
// is plenty). It recognises an XML prolog or root element, a JSON object or
// array, Turtle directives and triples, and N-Triples, which it reports only
// when every complete line is a comment or one N-Triples statement. It
// reports false when the bytes look like none of these.
func Sniff(head []byte) (Format, bool) {
	b := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	b = skipSpaceAndComments(b)
	if len(b) == 0 {
		return 0, false
	}
	switch b[0] {
	case '{':
		return FormatJSONLD, true
	case '[':
		rest := bytes.TrimLeft(b[1:], " \t\r\n")
		if len(rest) > 0 && (rest[0] == '{' || rest[0] == '"' || rest[0] == '[') ||
			len(rest) > 0 && rest[0] == ']' && len(bytes.TrimSpace(rest[1:])) == 0 {
			return FormatJSONLD, true
		}
		return FormatTurtle, true
	case '<':
		if looksLikeXML(b) {
			return FormatRDFXML, true
		}
	case '@':
		if bytes.HasPrefix(b, []byte("@prefix")) || bytes.HasPrefix(b, []byte("@base")) {
			return FormatTurtle, true
		}
		return 0, false
	}
	if hasFoldPrefix(b, "PREFIX") || hasFoldPrefix(b, "BASE") {
		return FormatTurtle, true
	}
	switch {
	case b[0] == '<', b[0] == '_', b[0] == ':', b[0] == '(':
	case byteClass[b[0]]&cAlpha != 0:
		// A prefixed name: letters, digits, '_', '-' or '.' and then ':'.
		i := 1
		for i < len(b) && (byteClass[b[i]]&cName != 0 || b[i] == '.') {
			i++
		}
		if i == len(b) || b[i] != ':' {
			return 0, false
		}
	default:
		return 0, false
	}
	if isNTriplesHead(head) {
		return FormatNTriples, true
	}
	return FormatTurtle, true
}

// skipSpaceAndComments skips white space and '#' comments.
func skipSpaceAndComments(b []byte) []byte {
	for {
		b = bytes.TrimLeft(b, " \t\r\n")
		if len(b) == 0 || b[0] != '#' {
			return b
		}
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			return nil
		}
		b = b[i:]
	}
}

func hasFoldPrefix(b []byte, upper string) bool {
	if len(b) <= len(upper) || !equalFold(b[:len(upper)], upper) {
		return false
	}
	c := b[len(upper)]
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// looksLikeXML tells an XML start (prolog, comment, DOCTYPE or start tag)
// from a Turtle or N-Triples IRI: the root element of an RDF/XML document
// always carries namespace declarations, so its tag has white space before
// the '>', which an IRIREF never has.
func looksLikeXML(b []byte) bool {
	if len(b) < 2 {
		return false
	}
	if b[1] == '?' || b[1] == '!' {
		return true
	}
	end := bytes.IndexByte(b, '>')
	if end < 0 {
		end = len(b)
	}
	return bytes.ContainsAny(b[1:end], " \t\r\n=")
}

// isNTriplesHead reports whether every complete line of head is blank, a
// comment or a single N-Triples statement.
func isNTriplesHead(head []byte) bool {
	lines := bytes.Split(head, []byte("\n"))
	if len(lines) > 1 && len(lines[len(lines)-1]) > 0 {
		lines = lines[:len(lines)-1] // an incomplete last line
	}
	statements := 0
	for _, line := range lines {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if !isNTriplesLine(line) {
			return false
		}
		statements++
	}
	return statements > 0
}

// isNTriplesLine checks the shape of one line: three terms and a '.'.
func isNTriplesLine(line []byte) bool {
	for i := 0; i < 3; i++ {
		line = bytes.TrimLeft(line, " \t")
		n := ntTermLen(line, i)
		if n == 0 {
			return false
		}
		line = line[n:]
	}
	line = bytes.TrimLeft(line, " \t")
	if len(line) == 0 || line[0] != '.' {
		return false
	}
	line = bytes.TrimLeft(line[1:], " \t")
	return len(line) == 0 || line[0] == '#'
}

// ntTermLen returns the length of the N-Triples term at the start of b in
// position pos (0 subject, 1 predicate, 2 object), or 0.
func ntTermLen(b []byte, pos int) int {
	if len(b) == 0 {
		return 0
	}
	switch {
	case b[0] == '<':
		i := bytes.IndexByte(b, '>')
		if i < 0 || bytes.ContainsAny(b[:i], " \t") || bytes.IndexByte(b[:i], ':') < 0 {
			return 0
		}
		return i + 1
	case b[0] == '_' && pos != 1:
		if len(b) < 3 || b[1] != ':' {
			return 0
		}
		i := bytes.IndexAny(b, " \t")
		if i < 0 {
			return 0
		}
		return i
	case b[0] == '"' && pos == 2:
		i := 1
		for i < len(b) && b[i] != '"' {
			if b[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(b) {
			return 0
		}
		i++
		switch {
		case i < len(b) && b[i] == '@':
			for i++; i < len(b) && (byteClass[b[i]]&cName != 0); i++ {
			}
		case bytes.HasPrefix(b[i:], []byte("^^<")):
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				return 0
			}
			i += j + 1
		}
		return i
	}
	return 0
}
