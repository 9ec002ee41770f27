package rdf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	xmlNS         = "http://www.w3.org/XML/1998/namespace"
	rdfXMLLiteral = RDFNS + "XMLLiteral"
)

// ParseRDFXML reads an RDF/XML document (RDF 1.1 XML Syntax) from r and
// calls h for each triple. Relative IRIs are resolved against xml:base and
// then opts.Base.
//
// It uses encoding/xml, which expands only the five predefined entities and
// character references; a DOCTYPE that declares entities is rejected, so
// entity expansion attacks cannot work. External DTDs are never fetched.
func ParseRDFXML(r io.Reader, opts Options, h Handler) error {
	base, err := newBaseIRI(opts.Base)
	if err != nil {
		return fmt.Errorf("rdfxml: %w", err)
	}
	maxLit := opts.maxLiteralBytes()
	pr := &posReader{r: r, line: 1, limit: int64(maxLit) + 16<<10}
	d := xml.NewDecoder(pr)
	d.Strict = true
	d.CharsetReader = charsetReader
	p := &xmlParser{
		d:        d,
		pr:       pr,
		h:        h,
		base:     base,
		blanks:   newBlankNodes(),
		ids:      make(map[string]struct{}),
		iris:     make(stringCache),
		relative: opts.Relative,
		maxDepth: opts.maxDepth(),
		maxLit:   maxLit,
	}
	return p.parse()
}

// charsetReader decodes the few single-byte encodings an XML declaration
// may name besides UTF-8.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii":
		return &latin1Reader{r: input}, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q: convert the document to UTF-8", label)
}

// latin1Reader converts ISO-8859-1 (and so ASCII) to UTF-8.
type latin1Reader struct {
	r   io.Reader
	buf []byte
	out []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	for len(l.out) == 0 {
		if cap(l.buf) == 0 {
			l.buf = make([]byte, 2048)
		}
		n, err := l.r.Read(l.buf[:cap(l.buf)])
		for _, c := range l.buf[:n] {
			l.out = utf8.AppendRune(l.out, rune(c))
		}
		if n == 0 && err != nil {
			return 0, err
		}
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	if len(l.out) == 0 {
		l.out = l.out[:0:0]
	}
	return n, nil
}

// posReader passes the input to the XML decoder, keeping the most recent
// bytes so that an input offset can be turned into a line and column, and
// refusing to deliver more than limit bytes for one token, which bounds the
// memory the decoder spends on a single text, comment or attribute.
type posReader struct {
	r      io.Reader
	win    []byte // the most recently read bytes
	winOff int64  // input offset of win[0]
	line   int    // line of win[0]
	col    int    // runes before win[0] on its line
	read   int64  // bytes read since the current token started
	limit  int64
	begun  bool // whether a leading byte order mark has been looked for
}

const posWindow = 64 << 10

// errTokenTooLong is returned by posReader.Read when one token is too long.
type errTokenTooLong struct{}

func (errTokenTooLong) Error() string { return "token too long" }

func (pr *posReader) Read(b []byte) (int, error) {
	if pr.read > pr.limit {
		return 0, errTokenTooLong{}
	}
	if !pr.begun {
		// encoding/xml does not skip a UTF-8 byte order mark.
		pr.begun = true
		var head [3]byte
		n, err := io.ReadFull(pr.r, head[:])
		switch {
		case n == 3 && string(head[:]) == "\xEF\xBB\xBF":
		case n > 0:
			pr.r = io.MultiReader(bytes.NewReader(head[:n:n]), pr.r)
		case err != nil:
			return 0, err
		}
	}
	n, err := pr.r.Read(b)
	if n > 0 {
		pr.read += int64(n)
		pr.win = append(pr.win, b[:n]...)
		if len(pr.win) > 2*posWindow {
			drop := len(pr.win) - posWindow
			dropped := pr.win[:drop]
			if i := bytes.LastIndexByte(dropped, '\n'); i >= 0 {
				pr.line += bytes.Count(dropped, []byte{'\n'})
				pr.col = utf8.RuneCount(dropped[i+1:])
			} else {
				pr.col += utf8.RuneCount(dropped)
			}
			pr.win = append(pr.win[:0], pr.win[drop:]...)
			pr.winOff += int64(drop)
		}
	}
	return n, err
}

// kept returns the kept input between offsets from and to.
func (pr *posReader) kept(from, to int64) (start int64, b []byte) {
	i := max(0, min(from-pr.winOff, int64(len(pr.win))))
	j := max(i, min(to-pr.winOff, int64(len(pr.win))))
	return pr.winOff + i, pr.win[i:j]
}

// findInvalidUTF8 returns the offset of the first invalid UTF-8 byte at or
// after from, or def if there is none in the kept input.
func (pr *posReader) findInvalidUTF8(from, def int64) int64 {
	start, b := pr.kept(from, pr.winOff+int64(len(pr.win)))
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 && utf8.FullRune(b[i:]) {
			return start + int64(i)
		}
		i += n
	}
	return def
}

// findLast returns the offset of the last c in [from, to), or to.
func (pr *posReader) findLast(c byte, from, to int64) int64 {
	start, b := pr.kept(from, to)
	if i := bytes.LastIndexByte(b, c); i >= 0 {
		return start + int64(i)
	}
	return to
}

// lineCol returns the line and column (1-based, in runes) of an input
// offset; offsets no longer kept are reported at the oldest kept position.
func (pr *posReader) lineCol(off int64) (int, int) {
	i := off - pr.winOff
	i = max(0, min(i, int64(len(pr.win))))
	b := pr.win[:i]
	if j := bytes.LastIndexByte(b, '\n'); j >= 0 {
		return pr.line + bytes.Count(b, []byte{'\n'}), utf8.RuneCount(b[j+1:]) + 1
	}
	return pr.line, pr.col + utf8.RuneCount(b) + 1
}

type xmlParser struct {
	d        *xml.Decoder
	pr       *posReader
	h        Handler
	base     baseIRI
	blanks   blankNodes
	ids      map[string]struct{} // IRIs made from rdf:ID so far
	relative func(string)        // Options.Relative
	iris     stringCache
	ns       []nsBinding // namespace declarations in scope, innermost last
	depth    int
	maxDepth int
	maxLit   int
	tokOff   int64 // input offset of the current token
}

type nsBinding struct{ prefix, uri string }

// xmlElem is a start tag with its names resolved.
type xmlElem struct {
	prefix, local string // as written
	uri           string // namespace name + local name
	attrs         []xmlAttr
	base          baseIRI
	lang          string
	nsMark        int   // len(p.ns) before the element's declarations
	off           int64 // input offset of the start tag
}

type xmlAttr struct {
	uri   string
	value string
}

func (p *xmlParser) errAt(off int64, format string, args ...any) error {
	line, col := p.pr.lineCol(off)
	return &SyntaxError{Format: "rdfxml", Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// token returns the next raw token. The end of the input is io.EOF.
func (p *xmlParser) token() (xml.Token, error) {
	p.tokOff = p.d.InputOffset()
	p.pr.read = 0
	t, err := p.d.RawToken()
	if err == nil {
		return t, nil
	}
	if err == io.EOF {
		return nil, err
	}
	var se *xml.SyntaxError
	switch {
	case errors.As(err, new(errTokenTooLong)):
		return nil, p.errAt(p.tokOff, "text, comment or attribute longer than %d bytes", p.maxLit)
	case errors.As(err, &se):
		off := p.d.InputOffset()
		switch {
		case se.Msg == "invalid UTF-8":
			off = p.pr.findInvalidUTF8(p.tokOff, off)
		case strings.HasPrefix(se.Msg, "invalid character entity"):
			off = p.pr.findLast('&', p.tokOff, off)
		}
		return nil, p.errAt(off, "%s", se.Msg)
	}
	return nil, fmt.Errorf("rdfxml: %w", err)
}

// tokenIn is token for content inside e, where the end of input is an
// error.
func (p *xmlParser) tokenIn(e *xmlElem) (xml.Token, error) {
	t, err := p.token()
	if err == io.EOF {
		return nil, p.errAt(p.tokOff, "input ends inside <%s>", qname(e.prefix, e.local))
	}
	return t, err
}

func qname(prefix, local string) string {
	if prefix == "" {
		return local
	}
	return prefix + ":" + local
}

func (p *xmlParser) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return xmlNS, true
	}
	for i := len(p.ns) - 1; i >= 0; i-- {
		if p.ns[i].prefix == prefix {
			return p.ns[i].uri, true
		}
	}
	return "", prefix == ""
}

// pushNamespaces records the namespace declarations of a start tag.
func (p *xmlParser) pushNamespaces(se xml.StartElement) error {
	for _, a := range se.Attr {
		switch {
		case a.Name.Space == "xmlns":
			if a.Value == "" {
				return p.errAt(p.tokOff, "namespace prefix %q cannot be undeclared", a.Name.Local)
			}
			if a.Name.Local == "xmlns" || a.Name.Local == "xml" && a.Value != xmlNS {
				return p.errAt(p.tokOff, "namespace prefix %q is reserved", a.Name.Local)
			}
			p.ns = append(p.ns, nsBinding{a.Name.Local, a.Value})
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			p.ns = append(p.ns, nsBinding{"", a.Value})
		}
	}
	return nil
}

// start processes a start tag of RDF/XML syntax inside parent (nil for the
// root): namespaces, xml:base, xml:lang and the RDF attributes.
func (p *xmlParser) start(se xml.StartElement, parent *xmlElem) (*xmlElem, error) {
	if p.depth++; p.depth > p.maxDepth {
		return nil, p.errAt(p.tokOff, "elements nested deeper than %d levels", p.maxDepth)
	}
	e := &xmlElem{prefix: se.Name.Space, local: se.Name.Local, nsMark: len(p.ns), off: p.tokOff}
	if parent != nil {
		e.base, e.lang = parent.base, parent.lang
	} else {
		e.base = p.base
	}
	if err := p.pushNamespaces(se); err != nil {
		return nil, err
	}
	space, ok := p.lookup(e.prefix)
	switch {
	case !ok:
		return nil, p.errAt(e.off, "namespace prefix %q of <%s> is not declared", e.prefix, qname(e.prefix, e.local))
	case space == "":
		return nil, p.errAt(e.off, "element <%s> is not in a namespace", e.local)
	}
	e.uri = space + e.local
	if !validNameIRI(e.uri) {
		return nil, p.errAt(e.off, "element <%s> stands for %q, which is not an absolute IRI", qname(e.prefix, e.local), e.uri)
	}
	for _, a := range se.Attr {
		var uri string
		switch {
		case a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns":
			continue
		case a.Name.Space == "xml":
			switch a.Name.Local {
			case "lang":
				e.lang = a.Value
			case "base":
				iri, err := p.resolve(e, a.Value, "xml:base")
				if err != nil {
					return nil, err
				}
				e.base = baseIRI{raw: iri, parsed: parseIRIRef(iri)}
			}
			continue
		case a.Name.Space == "":
			if len(a.Name.Local) >= 3 && strings.EqualFold(a.Name.Local[:3], "xml") {
				continue // reserved for XML; not RDF
			}
			switch a.Name.Local {
			case "about", "ID", "resource", "parseType", "type":
				uri = RDFNS + a.Name.Local // unqualified forms of RDF 2004
			default:
				return nil, p.errAt(e.off, "attribute %q on <%s> has no namespace; property attributes must be qualified", a.Name.Local, qname(e.prefix, e.local))
			}
		default:
			space, ok := p.lookup(a.Name.Space)
			if !ok {
				return nil, p.errAt(e.off, "namespace prefix %q of attribute %s is not declared", a.Name.Space, qname(a.Name.Space, a.Name.Local))
			}
			uri = space + a.Name.Local
			if !validNameIRI(uri) {
				return nil, p.errAt(e.off, "attribute %s stands for %q, which is not an absolute IRI", qname(a.Name.Space, a.Name.Local), uri)
			}
		}
		e.attrs = append(e.attrs, xmlAttr{uri: uri, value: a.Value})
	}
	return e, nil
}

// end checks that ee closes e and leaves e's scope.
func (p *xmlParser) end(e *xmlElem, ee xml.EndElement) error {
	if ee.Name.Space != e.prefix || ee.Name.Local != e.local {
		return p.errAt(p.tokOff, "<%s> is closed by </%s>", qname(e.prefix, e.local), qname(ee.Name.Space, ee.Name.Local))
	}
	p.ns = p.ns[:e.nsMark]
	p.depth--
	return nil
}

func (p *xmlParser) emit(s, pr, o Term) error {
	return p.h(Triple{S: s, P: pr, O: o})
}

func (p *xmlParser) parse() error {
	rootDone := false
	for {
		t, err := p.token()
		if err == io.EOF {
			if !rootDone {
				return p.errAt(p.tokOff, "no root element")
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.Directive:
			if rootDone {
				return p.errAt(p.tokOff, "declaration after the root element")
			}
			if bytes.Contains(t, []byte("<!ENTITY")) {
				return p.errAt(p.tokOff, "DOCTYPE declares entities; entity declarations are not supported and entities are never expanded")
			}
		case xml.CharData:
			if !isXMLSpace(t) {
				return p.errAt(p.tokOff, "text outside the root element")
			}
		case xml.StartElement:
			if rootDone {
				return p.errAt(p.tokOff, "a second root element <%s>", qname(t.Name.Space, t.Name.Local))
			}
			rootDone = true
			e, err := p.start(t, nil)
			if err != nil {
				return err
			}
			if e.uri == RDFNS+"RDF" {
				if len(e.attrs) > 0 {
					return p.errAt(e.off, "<rdf:RDF> cannot have RDF attributes")
				}
				err = p.nodeElementList(e, nil)
			} else {
				_, err = p.nodeElement(e)
			}
			if err != nil {
				return err
			}
		case xml.EndElement:
			return p.errAt(p.tokOff, "unexpected </%s>", qname(t.Name.Space, t.Name.Local))
		}
	}
}

func isXMLSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// nodeElementList reads node elements up to the end of parent, appending
// their subjects to items if it is not nil.
func (p *xmlParser) nodeElementList(parent *xmlElem, items *[]Term) error {
	for {
		t, err := p.tokenIn(parent)
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.CharData:
			if !isXMLSpace(t) {
				return p.errAt(p.tokOff, "text %q inside <%s>: expected a node element", abbreviate(t), qname(parent.prefix, parent.local))
			}
		case xml.StartElement:
			e, err := p.start(t, parent)
			if err != nil {
				return err
			}
			s, err := p.nodeElement(e)
			if err != nil {
				return err
			}
			if items != nil {
				*items = append(*items, s)
			}
		case xml.EndElement:
			return p.end(parent, t)
		case xml.Directive:
			return p.errAt(p.tokOff, "declaration inside an element")
		}
	}
}

func abbreviate(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// Names RDF/XML reserves (RDF 1.1 XML Syntax, section 7.2.2).
func isCoreSyntaxTerm(uri string) bool {
	switch uri {
	case RDFNS + "RDF", RDFNS + "ID", RDFNS + "about", RDFNS + "parseType",
		RDFNS + "resource", RDFNS + "nodeID", RDFNS + "datatype":
		return true
	}
	return false
}

func isOldTerm(uri string) bool {
	switch uri {
	case RDFNS + "aboutEach", RDFNS + "aboutEachPrefix", RDFNS + "bagID":
		return true
	}
	return false
}

func isNodeElementURI(uri string) bool {
	return !isCoreSyntaxTerm(uri) && uri != RDFNS+"li" && !isOldTerm(uri)
}

func isPropertyElementURI(uri string) bool {
	return !isCoreSyntaxTerm(uri) && uri != RDFNS+"Description" && !isOldTerm(uri)
}

func isPropertyAttributeURI(uri string) bool {
	return isPropertyElementURI(uri) && uri != RDFNS+"li"
}

// rdfName shortens an IRI in the RDF namespace for messages.
func rdfName(uri string) string {
	if strings.HasPrefix(uri, RDFNS) {
		return "rdf:" + uri[len(RDFNS):]
	}
	return uri
}

// resolve resolves an IRI reference from attribute what of e.
func (p *xmlParser) resolve(e *xmlElem, ref, what string) (string, error) {
	if i := strings.IndexFunc(ref, invalidIRIRune); i >= 0 {
		return "", p.errAt(e.off, "%s %q contains %q, which is not allowed in an IRI", what, ref, rune(ref[i]))
	}
	iri, ok := e.base.resolve(ref)
	if !ok {
		return "", p.errAt(e.off, "%s %q is a relative IRI but there is no base IRI: set Options.Base or xml:base", what, ref)
	}
	if p.relative != nil && what != "xml:base" && !isAbsoluteIRI(ref) {
		p.relative(ref)
	}
	return iri, nil
}

// validNameIRI reports whether a namespace name and local name make an
// absolute IRI that can be a predicate or a type.
func validNameIRI(iri string) bool {
	return isAbsoluteIRI(iri) && strings.IndexFunc(iri, invalidIRIRune) < 0
}

func invalidIRIRune(r rune) bool {
	return r <= 0x20 || r < utf8.RuneSelf && byteClass[r]&cIRI == 0
}

// rdfID returns the IRI for an rdf:ID value and checks that it is a name
// and used once.
func (p *xmlParser) rdfID(e *xmlElem, id string) (Term, error) {
	if !isNCName(id) {
		return Term{}, p.errAt(e.off, "rdf:ID %q is not an XML name (NCName)", id)
	}
	if !e.base.isSet() {
		return Term{}, p.errAt(e.off, "rdf:ID %q needs a base IRI: set Options.Base or xml:base", id)
	}
	iri := e.base.withoutFragment() + "#" + id
	if _, dup := p.ids[iri]; dup {
		return Term{}, p.errAt(e.off, "rdf:ID %q is used twice for <%s>", id, iri)
	}
	p.ids[iri] = struct{}{}
	return IRI(iri), nil
}

func (p *xmlParser) nodeID(e *xmlElem, id string) (Term, error) {
	if !isNCName(id) {
		return Term{}, p.errAt(e.off, "rdf:nodeID %q is not an XML name (NCName)", id)
	}
	return p.blanks.named([]byte(id)), nil
}

// isNCName reports whether s is an XML name without colons.
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		start := r == '_' || pnCharsBase(r)
		if i == 0 && !start || !start && !(r == '-' || r == '.' || '0' <= r && r <= '9' ||
			r == 0xB7 || 0x300 <= r && r <= 0x36F || 0x203F <= r && r <= 0x2040) {
			return false
		}
	}
	return true
}

// nodeElement reads the node element e (its start tag already read) and its
// property elements, and returns its subject.
func (p *xmlParser) nodeElement(e *xmlElem) (Term, error) {
	if !isNodeElementURI(e.uri) {
		return Term{}, p.errAt(e.off, "<%s> cannot be used as a node element", qname(e.prefix, e.local))
	}
	var subj Term
	var props []xmlAttr
	idAttrs := 0
	for _, a := range e.attrs {
		var err error
		switch a.uri {
		case RDFNS + "ID":
			subj, err = p.rdfID(e, a.value)
			idAttrs++
		case RDFNS + "nodeID":
			subj, err = p.nodeID(e, a.value)
			idAttrs++
		case RDFNS + "about":
			var iri string
			iri, err = p.resolve(e, a.value, "rdf:about")
			subj = IRI(iri)
			idAttrs++
		default:
			if !isPropertyAttributeURI(a.uri) {
				return Term{}, p.errAt(e.off, "attribute %s is not allowed on a node element", rdfName(a.uri))
			}
			props = append(props, a)
		}
		if err != nil {
			return Term{}, err
		}
	}
	switch idAttrs {
	case 0:
		subj = p.blanks.fresh()
	case 1:
	default:
		return Term{}, p.errAt(e.off, "a node element can have only one of rdf:ID, rdf:about and rdf:nodeID")
	}
	if e.uri != RDFNS+"Description" {
		if err := p.emit(subj, IRI(RDFType), IRI(e.uri)); err != nil {
			return Term{}, err
		}
	}
	if err := p.propertyAttrs(e, subj, props); err != nil {
		return Term{}, err
	}
	return subj, p.propertyEltList(subj, e)
}

// propertyAttrs emits the triples of property attributes on e about subj.
func (p *xmlParser) propertyAttrs(e *xmlElem, subj Term, props []xmlAttr) error {
	for _, a := range props {
		var o Term
		if a.uri == RDFType {
			iri, err := p.resolve(e, a.value, "rdf:type")
			if err != nil {
				return err
			}
			o = IRI(iri)
		} else {
			o = Literal(a.value, e.lang, "")
		}
		if err := p.emit(subj, IRI(p.iris.getString(a.uri)), o); err != nil {
			return err
		}
	}
	return nil
}

// propertyEltList reads property elements about subj up to the end of
// parent.
func (p *xmlParser) propertyEltList(subj Term, parent *xmlElem) error {
	li := 1
	for {
		t, err := p.tokenIn(parent)
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.CharData:
			if !isXMLSpace(t) {
				return p.errAt(p.tokOff, "text %q inside node element <%s>: expected a property element", abbreviate(t), qname(parent.prefix, parent.local))
			}
		case xml.StartElement:
			e, err := p.start(t, parent)
			if err != nil {
				return err
			}
			if err := p.propertyElt(subj, e, &li); err != nil {
				return err
			}
		case xml.EndElement:
			return p.end(parent, t)
		case xml.Directive:
			return p.errAt(p.tokOff, "declaration inside an element")
		}
	}
}

// reify emits the reification of (s, pred, o) named by id, if id is set.
func (p *xmlParser) reify(id, s, pred, o Term) error {
	if id.IsZero() {
		return nil
	}
	for _, t := range [4][2]Term{
		{IRI(RDFType), IRI(RDFNS + "Statement")},
		{IRI(RDFNS + "subject"), s},
		{IRI(RDFNS + "predicate"), pred},
		{IRI(RDFNS + "object"), o},
	} {
		if err := p.emit(id, t[0], t[1]); err != nil {
			return err
		}
	}
	return nil
}

// propertyElt reads the property element e about subj.
func (p *xmlParser) propertyElt(subj Term, e *xmlElem, li *int) error {
	uri := e.uri
	switch {
	case uri == RDFNS+"li":
		uri = RDFNS + "_" + strconv.Itoa(*li)
		*li++
	case !isPropertyElementURI(uri):
		return p.errAt(e.off, "<%s> cannot be used as a property element", qname(e.prefix, e.local))
	}
	pred := IRI(p.iris.getString(uri))
	var id, parseType, resource, nodeID, datatype *xmlAttr
	var props []xmlAttr
	for i := range e.attrs {
		a := &e.attrs[i]
		switch a.uri {
		case RDFNS + "ID":
			id = a
		case RDFNS + "parseType":
			parseType = a
		case RDFNS + "resource":
			resource = a
		case RDFNS + "nodeID":
			nodeID = a
		case RDFNS + "datatype":
			datatype = a
		default:
			if !isPropertyAttributeURI(a.uri) {
				return p.errAt(e.off, "attribute %s is not allowed on a property element", rdfName(a.uri))
			}
			props = append(props, *a)
		}
	}
	var reifier Term
	if id != nil {
		var err error
		if reifier, err = p.rdfID(e, id.value); err != nil {
			return err
		}
	}
	if resource != nil && nodeID != nil {
		return p.errAt(e.off, "a property element cannot have both rdf:resource and rdf:nodeID")
	}
	if parseType != nil {
		if resource != nil || nodeID != nil || datatype != nil || len(props) > 0 {
			return p.errAt(e.off, "rdf:parseType cannot be combined with rdf:resource, rdf:nodeID, rdf:datatype or property attributes")
		}
		return p.parseTypeElt(subj, pred, reifier, e, parseType.value)
	}

	// Without rdf:parseType the content decides: a node element, text, or
	// nothing.
	var text []byte
	for {
		t, err := p.tokenIn(e)
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.CharData:
			if text = append(text, t...); len(text) > p.maxLit {
				return p.errAt(e.off, "literal longer than %d bytes", p.maxLit)
			}
		case xml.Directive:
			return p.errAt(p.tokOff, "declaration inside an element")
		case xml.StartElement:
			if !isXMLSpace(text) {
				return p.errAt(p.tokOff, "property element <%s> mixes text and elements; use rdf:parseType=\"Literal\" for XML content", qname(e.prefix, e.local))
			}
			if resource != nil || nodeID != nil || datatype != nil || len(props) > 0 {
				return p.errAt(e.off, "a property element containing a node element cannot have rdf:resource, rdf:nodeID, rdf:datatype or property attributes")
			}
			child, err := p.start(t, e)
			if err != nil {
				return err
			}
			o, err := p.nodeElement(child)
			if err != nil {
				return err
			}
			if err := p.endAfterNode(e); err != nil {
				return err
			}
			if err := p.emit(subj, pred, o); err != nil {
				return err
			}
			return p.reify(reifier, subj, pred, o)
		case xml.EndElement:
			if err := p.end(e, t); err != nil {
				return err
			}
			hasObject := resource != nil || nodeID != nil || len(props) > 0
			if len(text) > 0 && !(hasObject && isXMLSpace(text)) {
				if hasObject {
					return p.errAt(e.off, "a property element with text cannot have rdf:resource, rdf:nodeID or property attributes")
				}
				return p.literalElt(subj, pred, reifier, e, string(text), datatype)
			}
			return p.emptyElt(subj, pred, reifier, e, resource, nodeID, datatype, props)
		}
	}
}

// endAfterNode reads the rest of a property element after its node
// element: only white space and comments may follow.
func (p *xmlParser) endAfterNode(e *xmlElem) error {
	for {
		t, err := p.tokenIn(e)
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.CharData:
			if !isXMLSpace(t) {
				return p.errAt(p.tokOff, "text %q after the node element in <%s>", abbreviate(t), qname(e.prefix, e.local))
			}
		case xml.StartElement:
			return p.errAt(p.tokOff, "property element <%s> can contain only one node element", qname(e.prefix, e.local))
		case xml.EndElement:
			return p.end(e, t)
		case xml.Directive:
			return p.errAt(p.tokOff, "declaration inside an element")
		}
	}
}

func (p *xmlParser) literalElt(subj, pred, reifier Term, e *xmlElem, text string, datatype *xmlAttr) error {
	o := Literal(text, e.lang, "")
	if datatype != nil {
		dt, err := p.resolve(e, datatype.value, "rdf:datatype")
		if err != nil {
			return err
		}
		o = Literal(text, "", dt)
	}
	if err := p.emit(subj, pred, o); err != nil {
		return err
	}
	return p.reify(reifier, subj, pred, o)
}

func (p *xmlParser) emptyElt(subj, pred, reifier Term, e *xmlElem, resource, nodeID, datatype *xmlAttr, props []xmlAttr) error {
	if resource == nil && nodeID == nil && len(props) == 0 {
		return p.literalElt(subj, pred, reifier, e, "", datatype)
	}
	if datatype != nil {
		return p.errAt(e.off, "rdf:datatype cannot be combined with rdf:resource, rdf:nodeID or property attributes")
	}
	var o Term
	var err error
	switch {
	case resource != nil:
		var iri string
		iri, err = p.resolve(e, resource.value, "rdf:resource")
		o = IRI(iri)
	case nodeID != nil:
		o, err = p.nodeID(e, nodeID.value)
	default:
		o = p.blanks.fresh()
	}
	if err != nil {
		return err
	}
	if err := p.emit(subj, pred, o); err != nil {
		return err
	}
	if err := p.reify(reifier, subj, pred, o); err != nil {
		return err
	}
	return p.propertyAttrs(e, o, props)
}

// parseTypeElt reads a property element with rdf:parseType.
func (p *xmlParser) parseTypeElt(subj, pred, reifier Term, e *xmlElem, parseType string) error {
	switch parseType {
	case "Resource":
		o := p.blanks.fresh()
		if err := p.emit(subj, pred, o); err != nil {
			return err
		}
		if err := p.reify(reifier, subj, pred, o); err != nil {
			return err
		}
		return p.propertyEltList(o, e)
	case "Collection":
		var items []Term
		if err := p.nodeElementList(e, &items); err != nil {
			return err
		}
		head := IRI(RDFNil)
		nodes := make([]Term, len(items))
		for i := range items {
			nodes[i] = p.blanks.fresh()
		}
		if len(nodes) > 0 {
			head = nodes[0]
		}
		if err := p.emit(subj, pred, head); err != nil {
			return err
		}
		for i, item := range items {
			rest := IRI(RDFNil)
			if i+1 < len(nodes) {
				rest = nodes[i+1]
			}
			if err := p.emit(nodes[i], IRI(RDFFirst), item); err != nil {
				return err
			}
			if err := p.emit(nodes[i], IRI(RDFRest), rest); err != nil {
				return err
			}
		}
		return p.reify(reifier, subj, pred, head)
	}
	// "Literal", and any other value, which RDF/XML treats as "Literal".
	lit, err := p.xmlLiteral(e)
	if err != nil {
		return err
	}
	o := Term{Kind: KindLiteral, Value: lit, Datatype: rdfXMLLiteral}
	if err := p.emit(subj, pred, o); err != nil {
		return err
	}
	return p.reify(reifier, subj, pred, o)
}

// xmlLiteral reads the content of e as XML and returns it in exclusive
// canonical form (with comments), as RDF/XML requires for
// rdf:parseType="Literal".
func (p *xmlParser) xmlLiteral(e *xmlElem) (string, error) {
	var out []byte
	var open []*xmlElem      // elements open inside the literal
	var rendered []nsBinding // namespace declarations written, innermost last
	var marks []int          // len(rendered) at each open element
	for {
		if len(out) > p.maxLit {
			return "", p.errAt(e.off, "XML literal longer than %d bytes", p.maxLit)
		}
		t, err := p.tokenIn(e)
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.CharData:
			out = appendC14NText(out, t)
		case xml.Comment:
			out = append(out, "<!--"...)
			out = append(out, t...)
			out = append(out, "-->"...)
		case xml.ProcInst:
			out = append(out, "<?"...)
			out = append(out, t.Target...)
			if len(t.Inst) > 0 {
				out = append(out, ' ')
				out = append(out, t.Inst...)
			}
			out = append(out, "?>"...)
		case xml.Directive:
			return "", p.errAt(p.tokOff, "declaration inside an XML literal")
		case xml.StartElement:
			if p.depth++; p.depth > p.maxDepth {
				return "", p.errAt(p.tokOff, "elements nested deeper than %d levels", p.maxDepth)
			}
			child := &xmlElem{prefix: t.Name.Space, local: t.Name.Local, nsMark: len(p.ns), off: p.tokOff}
			if err := p.pushNamespaces(t); err != nil {
				return "", err
			}
			marks = append(marks, len(rendered))
			open = append(open, child)
			if out, rendered, err = p.c14nStartTag(out, rendered, child, t); err != nil {
				return "", err
			}
		case xml.EndElement:
			if len(open) == 0 {
				return string(out), p.end(e, t)
			}
			child := open[len(open)-1]
			if err := p.end(child, t); err != nil {
				return "", err
			}
			open = open[:len(open)-1]
			rendered = rendered[:marks[len(marks)-1]]
			marks = marks[:len(marks)-1]
			out = append(out, "</"...)
			out = append(out, qname(child.prefix, child.local)...)
			out = append(out, '>')
		}
	}
}

// c14nStartTag writes a start tag in exclusive canonical form: the
// namespace declarations the element and its attributes use and that are not
// already in effect in the output, then the attributes in canonical order.
func (p *xmlParser) c14nStartTag(out []byte, rendered []nsBinding, e *xmlElem, se xml.StartElement) ([]byte, []nsBinding, error) {
	inEffect := func(prefix string) (string, bool) {
		for i := len(rendered) - 1; i >= 0; i-- {
			if rendered[i].prefix == prefix {
				return rendered[i].uri, true
			}
		}
		return "", false
	}
	type attr struct{ space, name, value string }
	var attrs []attr
	used := []string{e.prefix}
	for _, a := range se.Attr {
		switch {
		case a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns":
			continue
		case a.Name.Space == "":
			attrs = append(attrs, attr{"", a.Name.Local, a.Value})
		default:
			space, ok := p.lookup(a.Name.Space)
			if !ok {
				return nil, nil, p.errAt(e.off, "namespace prefix %q of attribute %s is not declared", a.Name.Space, qname(a.Name.Space, a.Name.Local))
			}
			attrs = append(attrs, attr{space, qname(a.Name.Space, a.Name.Local), a.Value})
			if a.Name.Space != "xml" {
				used = append(used, a.Name.Space)
			}
		}
	}
	slices.Sort(used)
	used = slices.Compact(used)
	var decls []nsBinding
	for _, prefix := range used {
		uri, ok := p.lookup(prefix)
		if !ok {
			return nil, nil, p.errAt(e.off, "namespace prefix %q of <%s> is not declared", prefix, qname(e.prefix, e.local))
		}
		cur, have := inEffect(prefix)
		if have && cur == uri || !have && prefix == "" && uri == "" {
			continue
		}
		decls = append(decls, nsBinding{prefix, uri})
	}
	rendered = append(rendered, decls...)
	slices.SortFunc(attrs, func(a, b attr) int {
		if c := strings.Compare(a.space, b.space); c != 0 {
			return c
		}
		return strings.Compare(a.name[strings.IndexByte(a.name, ':')+1:], b.name[strings.IndexByte(b.name, ':')+1:])
	})
	out = append(out, '<')
	out = append(out, qname(e.prefix, e.local)...)
	for _, d := range decls {
		out = append(out, " xmlns"...)
		if d.prefix != "" {
			out = append(out, ':')
			out = append(out, d.prefix...)
		}
		out = append(out, `="`...)
		out = appendC14NAttr(out, d.uri)
		out = append(out, '"')
	}
	for _, a := range attrs {
		out = append(out, ' ')
		out = append(out, a.name...)
		out = append(out, `="`...)
		out = appendC14NAttr(out, a.value)
		out = append(out, '"')
	}
	out = append(out, '>')
	return out, rendered, nil
}

func appendC14NText(out []byte, s []byte) []byte {
	for _, c := range s {
		switch c {
		case '&':
			out = append(out, "&amp;"...)
		case '<':
			out = append(out, "&lt;"...)
		case '>':
			out = append(out, "&gt;"...)
		case '\r':
			out = append(out, "&#xD;"...)
		default:
			out = append(out, c)
		}
	}
	return out
}

func appendC14NAttr(out []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			out = append(out, "&amp;"...)
		case '<':
			out = append(out, "&lt;"...)
		case '"':
			out = append(out, "&quot;"...)
		case '\t':
			out = append(out, "&#x9;"...)
		case '\n':
			out = append(out, "&#xA;"...)
		case '\r':
			out = append(out, "&#xD;"...)
		default:
			out = append(out, c)
		}
	}
	return out
}
