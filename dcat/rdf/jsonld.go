package rdf

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/piprate/json-gold/ld"
)

// contextFiles holds the JSON-LD contexts ParseJSONLD serves without the
// network; contexts/NOTICE says where each comes from.
//
//go:embed contexts/*.jsonld
var contextFiles embed.FS

// bundledContext returns the embedded file that stands in for the remote
// context at url.
func bundledContext(url string) (string, bool) {
	switch strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://") {
	case "semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld",
		"raw.githubusercontent.com/SEMICeu/DCAT-AP/master/releases/3.0.1/context/dcat-ap.jsonld",
		"github.com/SEMICeu/DCAT-AP/raw/refs/heads/master/releases/3.0.1/context/dcat-ap.jsonld":
		return "contexts/dcat-ap-3.0.1.jsonld", true
	}
	return "", false
}

// RemoteContextError reports a JSON-LD document that refers to a remote
// @context which is not bundled with Katalog. Readers never fetch one.
type RemoteContextError struct {
	URL string
}

func (e *RemoteContextError) Error() string {
	return fmt.Sprintf("jsonld: remote @context %s is not fetched; bundle it or inline it", e.URL)
}

// offlineLoader is json-gold's document loader for ParseJSONLD: it serves
// the bundled contexts and refuses everything else.
type offlineLoader struct {
	docs map[string]any // parsed bundled contexts, by file name
}

func (l *offlineLoader) LoadDocument(url string) (*ld.RemoteDocument, error) {
	name, ok := bundledContext(url)
	if !ok {
		return nil, &RemoteContextError{URL: url}
	}
	doc, ok := l.docs[name]
	if !ok {
		data, err := contextFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("bundled context %s: %w", name, err)
		}
		dropInvalidTerms(doc)
		l.docs[name] = doc
	}
	return &ld.RemoteDocument{DocumentURL: url, Document: doc}, nil
}

// dropInvalidTerms removes from a context document the term definitions
// that JSON-LD 1.1 processing rejects as an "invalid IRI mapping": a term that
// looks like a compact IRI ("Xsd:hexBinary") whose prefix the context does
// not define, so that the term would expand to itself, but that maps to a
// different IRI (JSON-LD 1.1 API, Create Term Definition, step 14.2.3). The
// DCAT-AP 3.0.1 context has five of these, which would otherwise make every
// document that uses it fail. Such a term can never be used as intended, so
// dropping it loses nothing.
func dropInvalidTerms(doc any) {
	top, _ := doc.(map[string]any)
	ctx, _ := top["@context"].(map[string]any)
	for term, def := range ctx {
		i := strings.IndexByte(term, ':')
		if i <= 0 || i == len(term)-1 || strings.HasPrefix(term[i:], "://") {
			continue
		}
		if _, ok := ctx[term[:i]]; ok || term[:i] == "_" {
			continue
		}
		id, _ := def.(string)
		if m, ok := def.(map[string]any); ok {
			id, _ = m["@id"].(string)
		}
		if id != "" && id != term {
			delete(ctx, term)
		}
	}
}

// ParseJSONLD reads a JSON-LD document from r and calls h for each triple
// of its default graph and then of each named graph (the graph names are
// dropped). Remote contexts are never fetched: a few are bundled (see
// contexts/NOTICE), and any other is an error of type *RemoteContextError.
// An IRI that holds a character no IRI may (a space, say) is a *SyntaxError,
// as in the other readers, where json-gold alone would keep some and drop
// the statements of others.
//
// JSON-LD needs the whole document, so r is read to the end first. Triples
// come by graph and, within a graph, sorted by subject, predicate and object
// (json-gold's own order varies from run to run), not in document order.
func ParseJSONLD(r io.Reader, opts Options, h Handler) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("jsonld: reading input: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if err := checkJSON(data, opts); err != nil {
		return err
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return jsonError(data, err)
	}
	switch doc.(type) {
	case map[string]any, []any:
	default:
		return &SyntaxError{Format: "jsonld", Line: 1, Col: 1, Msg: "a JSON-LD document must be a JSON object or array"}
	}
	if opts.Relative != nil {
		reportRelativeIDs(doc, opts.Relative, 0)
	}
	if opts.Base != "" && !isAbsoluteIRI(opts.Base) {
		return fmt.Errorf("jsonld: base IRI %q is not absolute", opts.Base)
	}
	dataset, err := toRDF(doc, opts.Base, data)
	if err != nil {
		var rc *RemoteContextError
		if errors.As(err, &rc) {
			return rc
		}
		var se *SyntaxError
		if errors.As(err, &se) {
			return se
		}
		return &SyntaxError{Format: "jsonld", Msg: err.Error()}
	}
	names := make([]string, 0, len(dataset.Graphs))
	for name := range dataset.Graphs {
		if name != "@default" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	names = append([]string{"@default"}, names...)
	blanks := newBlankNodes()
	for _, name := range names {
		quads := dataset.Graphs[name]
		slices.SortStableFunc(quads, compareQuads)
		for _, q := range quads {
			s, ok1 := ldTerm(q.Subject, &blanks)
			p, ok2 := ldTerm(q.Predicate, &blanks)
			o, ok3 := ldTerm(q.Object, &blanks)
			if !ok1 || !ok2 || !ok3 {
				continue
			}
			if err := h(Triple{S: s, P: p, O: o}); err != nil {
				return err
			}
		}
	}
	return nil
}

// toRDF runs json-gold: it expands the document, checks the IRIs of the
// expanded form, and converts it to RDF. A panic inside json-gold (on input
// it does not expect) is turned into an error, so a bad document cannot
// crash the caller. data is the document's text, for error positions.
func toRDF(doc any, base string, data []byte) (ds *ld.RDFDataset, err error) {
	defer func() {
		if r := recover(); r != nil {
			ds, err = nil, fmt.Errorf("JSON-LD processing failed: %v", r)
		}
	}()
	ldOpts := ld.NewJsonLdOptions(base)
	ldOpts.DocumentLoader = &offlineLoader{docs: make(map[string]any)}
	expanded, err := ld.NewJsonLdProcessor().Expand(doc, ldOpts)
	if err != nil {
		return nil, err
	}
	if iri, what := invalidIRI(expanded, 0); iri != "" {
		return nil, invalidIRIError(data, iri, what)
	}
	return ld.NewJsonLdApi().ToRDF(expanded, ldOpts)
}

// invalidIRI returns the first IRI of an expanded JSON-LD document that
// holds a character no IRI may hold (white space, one of <>"{}|\^` or a
// control character), and what it is: "@id", "@type", "property" or
// "datatype". json-gold passes some such IRIs on and silently drops the
// statements of others; the other readers reject them, and so does this
// one. Keys are visited in order, so the same document names the same IRI.
func invalidIRI(v any, depth int) (iri, what string) {
	bad := func(s string) bool {
		return !strings.HasPrefix(s, "_:") && strings.IndexFunc(s, invalidIRIRune) >= 0
	}
	if depth > 4*DefaultMaxDepth { // checkJSON bounds the input's depth; expansion adds little
		return "", ""
	}
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			if iri, what := invalidIRI(x, depth+1); iri != "" {
				return iri, what
			}
		}
	case map[string]any:
		if _, ok := v["@value"]; ok {
			if dt, ok := v["@type"].(string); ok && bad(dt) {
				return dt, "datatype"
			}
			return "", ""
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			switch x := v[k]; k {
			case "@id":
				if s, ok := x.(string); ok && bad(s) {
					return s, "@id"
				}
			case "@type":
				types, _ := x.([]any)
				if s, ok := x.(string); ok {
					types = []any{s}
				}
				for _, t := range types {
					if s, ok := t.(string); ok && bad(s) {
						return s, "@type"
					}
				}
			case "@context", "@index", "@language", "@direction":
			default:
				if !strings.HasPrefix(k, "@") && bad(k) {
					return k, "property"
				}
				if iri, what := invalidIRI(x, depth+1); iri != "" {
					return iri, what
				}
			}
		}
	}
	return "", ""
}

// invalidIRIError reports an IRI found by invalidIRI, at its place in the
// document when the document spells it out in full.
func invalidIRIError(data []byte, iri, what string) error {
	i := strings.IndexFunc(iri, invalidIRIRune)
	r, _ := utf8.DecodeRuneInString(iri[i:])
	err := &SyntaxError{Format: "jsonld", Msg: fmt.Sprintf("%s %q contains %q, which is not allowed in an IRI", what, iri, r)}
	var quoted bytes.Buffer
	enc := json.NewEncoder(&quoted)
	enc.SetEscapeHTML(false)
	enc.Encode(iri)
	if off := bytes.Index(data, bytes.TrimSuffix(quoted.Bytes(), []byte("\n"))); off >= 0 {
		err.Line, err.Col = jsonPos(data, off)
	}
	return err
}

// ldTerm converts a json-gold node. ok is false for a node this package
// cannot represent.
func ldTerm(n ld.Node, blanks *blankNodes) (Term, bool) {
	switch n := n.(type) {
	case ld.IRI:
		return IRI(n.Value), true
	case ld.BlankNode:
		return blanks.named([]byte(strings.TrimPrefix(n.Attribute, "_:"))), true
	case ld.Literal:
		return Literal(n.Value, n.Language, n.Datatype), true
	case *ld.IRI:
		return IRI(n.Value), true
	case *ld.BlankNode:
		return blanks.named([]byte(strings.TrimPrefix(n.Attribute, "_:"))), true
	case *ld.Literal:
		return Literal(n.Value, n.Language, n.Datatype), true
	}
	return Term{}, false
}

// jsonPos returns the 1-based line and column (in runes) of byte offset off.
func jsonPos(data []byte, off int) (int, int) {
	off = max(0, min(off, len(data)))
	b := data[:off]
	line := 1 + bytes.Count(b, []byte{'\n'})
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return line, utf8.RuneCount(b) + 1
}

func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := int(se.Offset)
		if off > 0 && !strings.Contains(se.Error(), "unexpected end") {
			off-- // Offset is just past the offending byte
		}
		line, col := jsonPos(data, off)
		return &SyntaxError{Format: "jsonld", Line: line, Col: col, Msg: "invalid JSON: " + strings.TrimPrefix(se.Error(), "json: ")}
	}
	line, col := jsonPos(data, len(data))
	return &SyntaxError{Format: "jsonld", Line: line, Col: col, Msg: "invalid JSON: " + err.Error()}
}

// checkJSON enforces the reader's limits (nesting depth and string length)
// and UTF-8 validity before the document is decoded, so that neither can
// cost more than the limits allow.
func checkJSON(data []byte, opts Options) error {
	maxDepth, maxLit := opts.maxDepth(), opts.maxLiteralBytes()
	fail := func(off int, format string, args ...any) error {
		line, col := jsonPos(data, off)
		return &SyntaxError{Format: "jsonld", Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
	}
	if !utf8.Valid(data) {
		for i := 0; i < len(data); {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				return fail(i, "invalid UTF-8 byte 0x%02X", data[i])
			}
			i += n
		}
	}
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{', '[':
			if depth++; depth > maxDepth {
				return fail(i, "arrays and objects nested deeper than %d levels", maxDepth)
			}
		case '}', ']':
			depth--
		case '"':
			start := i
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
			if i-start-1 > maxLit {
				return fail(start, "string longer than %d bytes", maxLit)
			}
		}
	}
	return nil
}

// compareQuads orders json-gold quads by subject, predicate and object.
func compareQuads(a, b *ld.Quad) int {
	for _, pair := range [3][2]ld.Node{{a.Subject, b.Subject}, {a.Predicate, b.Predicate}, {a.Object, b.Object}} {
		if c := strings.Compare(nodeKey(pair[0]), nodeKey(pair[1])); c != 0 {
			return c
		}
	}
	return 0
}

func nodeKey(n ld.Node) string {
	switch n := n.(type) {
	case ld.Literal:
		return "\"" + n.Value + "\"@" + n.Language + "^^" + n.Datatype
	case *ld.Literal:
		return "\"" + n.Value + "\"@" + n.Language + "^^" + n.Datatype
	case nil:
		return ""
	}
	return n.GetValue()
}

// reportRelativeIDs calls report for each "@id" of a JSON-LD document that
// is a relative IRI reference. (Values of terms the context types as @id
// are not seen: that needs the context's processing.)
func reportRelativeIDs(v any, report func(string), depth int) {
	if depth > DefaultMaxDepth {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "@id" && !strings.HasPrefix(s, "_:") && !isAbsoluteIRI(s) {
				report(s)
			}
			if k != "@context" {
				reportRelativeIDs(x, report, depth+1)
			}
		}
	case []any:
		for _, x := range v {
			reportRelativeIDs(x, report, depth+1)
		}
	}
}
