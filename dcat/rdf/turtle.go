package rdf

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// ParseTurtle reads a Turtle 1.1 document from r and calls h for each
// triple. It reads r through a fixed-size buffer, so the document never has
// to fit in memory. Relative IRIs are resolved against opts.Base and then
// @base / BASE. Blank nodes get labels unique within the document.
func ParseTurtle(r io.Reader, opts Options, h Handler) error {
	base, err := newBaseIRI(opts.Base)
	if err != nil {
		return fmt.Errorf("turtle: %w", err)
	}
	p := &turtleParser{
		h:        h,
		base:     base,
		maxDepth: opts.maxDepth(),
		prefixes: make(map[string]string),
		blanks:   newBlankNodes(),
		iris:     make(stringCache),
		langs:    make(stringCache),
		relative: opts.Relative,
	}
	p.init("turtle", r, opts.maxLiteralBytes())
	return p.parse()
}

type turtleParser struct {
	lexer
	h        Handler
	base     baseIRI
	maxDepth int
	depth    int
	prefixes map[string]string
	blanks   blankNodes
	iris     stringCache
	langs    stringCache
	relative func(string) // Options.Relative
}

// The positions a term can take in a triple, for messages.
type termRole int

const (
	roleSubject termRole = iota
	rolePredicate
	roleObject
)

func (p *turtleParser) parse() error {
	for {
		c, err := p.skipWS()
		if err != nil {
			return err
		}
		if c < 0 {
			return p.endErr()
		}
		if err := p.statement(c); err != nil {
			return err
		}
	}
}

// skipWS skips white space and comments and returns the next byte, or -1 at
// the end of the input.
func (p *turtleParser) skipWS() (int, error) {
	for {
		buf := p.buf[:p.end]
		i := p.pos
		for i < len(buf) && byteClass[buf[i]]&cSpace != 0 {
			i++
		}
		p.pos = i
		if i == len(buf) {
			if !p.fill(1) {
				return -1, nil
			}
			continue
		}
		if buf[i] != '#' {
			return int(buf[i]), nil
		}
		if err := p.skipComment(); err != nil {
			return 0, err
		}
	}
}

func (p *turtleParser) emit(s, pr, o Term) error {
	return p.h(Triple{S: s, P: pr, O: o})
}

func (p *turtleParser) statement(c int) error {
	var subj Term
	switch {
	case c == '@':
		return p.atDirective()
	case c == '[':
		node, anon, err := p.blankNodePropertyList()
		if err != nil {
			return err
		}
		subj = node
		if !anon {
			c, err := p.skipWS()
			if err != nil {
				return err
			}
			if c == '.' {
				p.pos++
				return nil
			}
		}
	default:
		start, err := p.wordStart(c)
		if err != nil {
			return err
		}
		if start {
			p.setMark()
			if err := p.readWord(); err != nil {
				return err
			}
			if p.peek() != ':' {
				return p.sparqlDirective()
			}
			iri, err := p.prefixedName()
			if err != nil {
				return err
			}
			subj = IRI(iri)
			break
		}
		if subj, err = p.term(c, roleSubject); err != nil {
			return err
		}
	}
	if err := p.predicateObjectList(subj); err != nil {
		return err
	}
	c, err := p.skipWS()
	if err != nil {
		return err
	}
	if c != '.' {
		return p.errf("expected '.' after triple, found %s", p.found())
	}
	p.pos++
	return nil
}

// atDirective reads @prefix or @base, with its final '.'.
func (p *turtleParser) atDirective() error {
	p.setMark()
	p.pos++
	p.tok = p.tok[:0]
	for c := p.peek(); c >= 0 && byteClass[c]&cAlpha != 0; c = p.peek() {
		p.tok = append(p.tok, byte(c))
		p.pos++
		if len(p.tok) > 16 {
			break
		}
	}
	var err error
	name := "prefix"
	switch string(p.tok) {
	case "prefix":
		err = p.prefixDirective()
	case "base":
		name = "base"
		err = p.baseDirective()
	default:
		return p.errMark("unknown directive '@%s': expected @prefix or @base", p.tok)
	}
	if err != nil {
		return err
	}
	c, err := p.skipWS()
	if err != nil {
		return err
	}
	if c != '.' {
		return p.errf("expected '.' after @%s directive, found %s", name, p.found())
	}
	p.pos++
	return nil
}

// sparqlDirective handles a word at the start of a statement that is not
// followed by ':'; the word is in p.tok.
func (p *turtleParser) sparqlDirective() error {
	switch {
	case equalFold(p.tok, "PREFIX"):
		return p.prefixDirective()
	case equalFold(p.tok, "BASE"):
		return p.baseDirective()
	}
	return p.errMark("unexpected word %q: expected a subject, PREFIX or BASE (prefixed names need a ':')", p.tok)
}

func equalFold(b []byte, upper string) bool {
	if len(b) != len(upper) {
		return false
	}
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[i] {
			return false
		}
	}
	return true
}

func (p *turtleParser) prefixDirective() error {
	c, err := p.skipWS()
	if err != nil {
		return err
	}
	p.setMark()
	p.tok = p.tok[:0]
	if c != ':' {
		start, err := p.wordStart(c)
		if err != nil {
			return err
		}
		if !start {
			return p.errf("expected a prefix name such as 'ex:' after prefix directive, found %s", p.found())
		}
		if err := p.readWord(); err != nil {
			return err
		}
		if p.peek() != ':' {
			return p.errf("expected ':' after prefix name %q, found %s", p.tok, p.found())
		}
	}
	p.pos++
	name := string(p.tok)
	if c, err = p.skipWS(); err != nil {
		return err
	}
	if c != '<' {
		return p.errf("expected '<' and the namespace IRI of prefix %q, found %s", name+":", p.found())
	}
	ns, err := p.iriRef()
	if err != nil {
		return err
	}
	p.prefixes[name] = ns
	return nil
}

func (p *turtleParser) baseDirective() error {
	c, err := p.skipWS()
	if err != nil {
		return err
	}
	if c != '<' {
		return p.errf("expected '<' and the base IRI, found %s", p.found())
	}
	iri, err := p.iriRef()
	if err != nil {
		return err
	}
	p.base = baseIRI{raw: iri, parsed: parseIRIRef(iri)}
	return nil
}

// wordStart reports whether c (the next byte) starts a PN_PREFIX, that is,
// is a PN_CHARS_BASE character.
func (p *turtleParser) wordStart(c int) (bool, error) {
	if c < utf8.RuneSelf {
		return c >= 0 && byteClass[c]&cAlpha != 0, nil
	}
	r, _, err := p.decodeRune()
	return err == nil && pnCharsBase(r), err
}

// readWord reads a PN_PREFIX (which also covers the keywords) into p.tok.
// The current character is a PN_CHARS_BASE character.
func (p *turtleParser) readWord() error {
	p.tok = p.tok[:0]
	for {
		// Fast path: a run of ASCII PN_CHARS.
		buf := p.buf[:p.end]
		i := p.pos
		for i < len(buf) && byteClass[buf[i]]&cName != 0 {
			i++
		}
		p.tok = append(p.tok, buf[p.pos:i]...)
		p.pos = i
		r, n, err := p.nameRune()
		if err != nil {
			return err
		}
		if n == 0 {
			if r != '.' {
				return nil
			}
			k, ok := p.dotsBefore(pnCharsAt)
			if !ok {
				return nil
			}
			n = k
		}
		p.tok = append(p.tok, p.buf[p.pos:p.pos+n]...)
		p.pos += n
		if len(p.tok) > p.maxTok {
			return p.tooLong("name")
		}
	}
}

// prefixedName finishes a prefixed name whose prefix is in p.tok and whose
// ':' is the current character, returning the IRI.
func (p *turtleParser) prefixedName() (string, error) {
	ns, ok := p.prefixes[string(p.tok)]
	if !ok {
		return "", p.errMark("undefined prefix %q: declare it with @prefix %s: <…> .", string(p.tok)+":", p.tok)
	}
	p.pos++
	p.tok = append(p.tok[:0], ns...)
	if err := p.readLocal(); err != nil {
		return "", err
	}
	return p.iris.get(p.tok), nil
}

// readLocal appends a PN_LOCAL, unescaped, to p.tok.
func (p *turtleParser) readLocal() error {
	first := true
	for ; ; first = false {
		if len(p.tok) > p.maxTok {
			return p.tooLong("name")
		}
		if !first {
			// Fast path: a run of ASCII PN_CHARS.
			buf := p.buf[:p.end]
			i := p.pos
			for i < len(buf) && byteClass[buf[i]]&cName != 0 {
				i++
			}
			p.tok = append(p.tok, buf[p.pos:i]...)
			p.pos = i
		}
		c := p.peek()
		switch {
		case c < 0:
			return nil
		case c == ':':
			p.tok = append(p.tok, ':')
			p.pos++
		case c == '%':
			if hexVal(byte(p.peekAt(1))) < 0 || hexVal(byte(p.peekAt(2))) < 0 {
				return p.errf("invalid %%-encoding in local name: '%%' must be followed by two hex digits")
			}
			p.tok = append(p.tok, p.buf[p.pos:p.pos+3]...)
			p.pos += 3
		case c == '\\':
			e := p.peekAt(1)
			if e < 0 || !isLocalEscape(byte(e)) {
				return p.errf("invalid escape in local name: '\\' must be followed by one of _~.-!$&'()*+,;=/?#@%%")
			}
			p.tok = append(p.tok, byte(e))
			p.pos += 2
		case c == '.':
			if first {
				return nil
			}
			k, ok := p.dotsBefore(localContinues)
			if !ok {
				return nil
			}
			p.tok = append(p.tok, p.buf[p.pos:p.pos+k]...)
			p.pos += k
		case c < utf8.RuneSelf:
			if byteClass[c]&cName == 0 || first && c == '-' {
				return nil
			}
			p.tok = append(p.tok, byte(c))
			p.pos++
		default:
			r, n, err := p.decodeRune()
			if err != nil {
				return err
			}
			if first && !pnCharsBase(r) || !first && !pnChars(r) {
				return nil
			}
			p.tok = append(p.tok, p.buf[p.pos:p.pos+n]...)
			p.pos += n
		}
	}
}

func isLocalEscape(c byte) bool {
	switch c {
	case '_', '~', '.', '-', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', '/', '?', '#', '@', '%':
		return true
	}
	return false
}

// localContinues reports whether the character k bytes ahead may follow a
// '.' inside a local name.
func localContinues(l *lexer, k int) bool {
	switch l.peekAt(k) {
	case ':', '%', '\\':
		return true
	}
	return pnCharsAt(l, k)
}

// iriRef reads an IRIREF at the current position and resolves it.
func (p *turtleParser) iriRef() (string, error) {
	if err := p.readIRIRef(); err != nil {
		return "", err
	}
	if hasSchemeBytes(p.tok) {
		return p.iris.get(p.tok), nil
	}
	iri, ok := p.base.resolve(string(p.tok))
	if !ok {
		return "", p.errMark("relative IRI <%s> but no base IRI: set Options.Base or use @base", p.tok)
	}
	if p.relative != nil {
		p.relative(string(p.tok))
	}
	return iri, nil
}

// iri reads an IRIREF or a prefixed name, for datatypes.
func (p *turtleParser) iri(c int) (string, error) {
	switch c {
	case '<':
		return p.iriRef()
	case ':':
		p.setMark()
		p.tok = p.tok[:0]
		return p.prefixedName()
	}
	start, err := p.wordStart(c)
	if err != nil {
		return "", err
	}
	if !start {
		return "", p.errf("expected a datatype IRI after '^^', found %s", p.found())
	}
	p.setMark()
	if err := p.readWord(); err != nil {
		return "", err
	}
	if p.peek() != ':' {
		return "", p.errMark("expected a datatype IRI after '^^', found %q", p.tok)
	}
	return p.prefixedName()
}

// term reads the term that starts with c in the given role. It does not
// read blank node property lists in subject position (statement does).
func (p *turtleParser) term(c int, role termRole) (Term, error) {
	switch {
	case c == '<':
		iri, err := p.iriRef()
		return IRI(iri), err
	case c == ':':
		p.setMark()
		p.tok = p.tok[:0]
		iri, err := p.prefixedName()
		return IRI(iri), err
	case c == '_' && role != rolePredicate:
		if err := p.readBlankLabel(); err != nil {
			return Term{}, err
		}
		return p.blanks.named(p.tok), nil
	case c == '(' && role != rolePredicate:
		return p.collection()
	case c == '[' && role == roleObject:
		t, _, err := p.blankNodePropertyList()
		return t, err
	case (c == '"' || c == '\'') && role == roleObject:
		return p.literal(byte(c))
	case role == roleObject && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.' && isDigit(p.peekAt(1))):
		return p.number()
	}
	start, err := p.wordStart(c)
	if err != nil {
		return Term{}, err
	}
	if !start {
		return Term{}, p.unexpected(role)
	}
	p.setMark()
	if err := p.readWord(); err != nil {
		return Term{}, err
	}
	if p.peek() == ':' {
		iri, err := p.prefixedName()
		return IRI(iri), err
	}
	switch {
	case string(p.tok) == "a":
		if role == rolePredicate {
			return IRI(RDFType), nil
		}
		return Term{}, p.errMark("'a' is only allowed as a predicate")
	case string(p.tok) == "true" || string(p.tok) == "false":
		if role == roleObject {
			if p.tok[0] == 't' {
				return Term{Kind: KindLiteral, Value: "true", Datatype: XSDBoolean}, nil
			}
			return Term{Kind: KindLiteral, Value: "false", Datatype: XSDBoolean}, nil
		}
	}
	return Term{}, p.errMark("unexpected word %q: expected %s (prefixed names need a ':')", p.tok, roleWant(role))
}

func roleWant(role termRole) string {
	switch role {
	case roleSubject:
		return "a subject (IRI, prefixed name, blank node or collection)"
	case rolePredicate:
		return "a predicate (IRI, prefixed name or 'a')"
	}
	return "an object (IRI, prefixed name, blank node, collection or literal)"
}

func (p *turtleParser) unexpected(role termRole) error {
	c := p.peek()
	switch {
	case role == roleSubject && (c == '"' || c == '\'' || isDigit(c)):
		return p.errf("a literal cannot be a subject")
	case role == rolePredicate && (c == '_' || c == '[' || c == '('):
		return p.errf("a blank node cannot be a predicate")
	case role == rolePredicate && (c == '"' || c == '\'' || isDigit(c)):
		return p.errf("a literal cannot be a predicate")
	}
	return p.errf("expected %s, found %s", roleWant(role), p.found())
}

func isDigit(c int) bool { return '0' <= c && c <= '9' }

func (p *turtleParser) predicateObjectList(subj Term) error {
	for {
		c, err := p.skipWS()
		if err != nil {
			return err
		}
		verb, err := p.term(c, rolePredicate)
		if err != nil {
			return err
		}
		for {
			if c, err = p.skipWS(); err != nil {
				return err
			}
			obj, err := p.term(c, roleObject)
			if err != nil {
				return err
			}
			if err := p.emit(subj, verb, obj); err != nil {
				return err
			}
			if c, err = p.skipWS(); err != nil {
				return err
			}
			if c != ',' {
				break
			}
			p.pos++
		}
		if c != ';' {
			return nil
		}
		for c == ';' {
			p.pos++
			if c, err = p.skipWS(); err != nil {
				return err
			}
		}
		if c == '.' || c == ']' || c < 0 {
			return nil
		}
	}
}

// blankNodePropertyList reads "[ … ]" at the current position. anon is true
// for "[ ]", which has no properties.
func (p *turtleParser) blankNodePropertyList() (node Term, anon bool, err error) {
	p.setMark()
	p.pos++
	c, err := p.skipWS()
	if err != nil {
		return Term{}, false, err
	}
	if c == ']' {
		p.pos++
		return p.blanks.fresh(), true, nil
	}
	if p.depth++; p.depth > p.maxDepth {
		return Term{}, false, p.errMark("nesting deeper than %d levels", p.maxDepth)
	}
	node = p.blanks.fresh()
	if err := p.predicateObjectList(node); err != nil {
		return Term{}, false, err
	}
	if c, err = p.skipWS(); err != nil {
		return Term{}, false, err
	}
	if c != ']' {
		return Term{}, false, p.errf("expected ']' to close blank node property list, found %s", p.found())
	}
	p.pos++
	p.depth--
	return node, false, nil
}

// collection reads "( … )" at the current position, emitting its
// rdf:first/rdf:rest triples, and returns its head.
func (p *turtleParser) collection() (Term, error) {
	p.setMark()
	p.pos++
	if p.depth++; p.depth > p.maxDepth {
		return Term{}, p.errMark("nesting deeper than %d levels", p.maxDepth)
	}
	var head, last Term
	for {
		c, err := p.skipWS()
		if err != nil {
			return Term{}, err
		}
		if c == ')' {
			p.pos++
			break
		}
		if c < 0 {
			return Term{}, p.errf("collection not closed: missing ')'")
		}
		item, err := p.term(c, roleObject)
		if err != nil {
			return Term{}, err
		}
		node := p.blanks.fresh()
		if head.IsZero() {
			head = node
		} else if err := p.emit(last, IRI(RDFRest), node); err != nil {
			return Term{}, err
		}
		if err := p.emit(node, IRI(RDFFirst), item); err != nil {
			return Term{}, err
		}
		last = node
	}
	p.depth--
	if head.IsZero() {
		return IRI(RDFNil), nil
	}
	return head, p.emit(last, IRI(RDFRest), IRI(RDFNil))
}

// literal reads a quoted literal with its optional language tag or
// datatype.
func (p *turtleParser) literal(q byte) (Term, error) {
	p.setMark()
	long := p.peekAt(1) == int(q) && p.peekAt(2) == int(q)
	if long {
		p.pos += 3
	} else {
		p.pos++
	}
	if err := p.readString(q, long); err != nil {
		return Term{}, err
	}
	val := string(p.tok)
	c, err := p.skipWS()
	if err != nil {
		return Term{}, err
	}
	switch c {
	case '@':
		if err := p.readLangTag(); err != nil {
			return Term{}, err
		}
		lowerASCII(p.tok)
		return Term{Kind: KindLiteral, Value: val, Lang: p.langs.get(p.tok)}, nil
	case '^':
		if p.peekAt(1) != '^' {
			return Term{}, p.errf("expected '^^' before a datatype, found a single '^'")
		}
		p.pos += 2
		if c, err = p.skipWS(); err != nil {
			return Term{}, err
		}
		dt, err := p.iri(c)
		if err != nil {
			return Term{}, err
		}
		return Literal(val, "", dt), nil
	}
	return Term{Kind: KindLiteral, Value: val}, nil
}

func lowerASCII(b []byte) {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
}

// number reads an integer, decimal or double.
func (p *turtleParser) number() (Term, error) {
	p.setMark()
	p.tok = p.tok[:0]
	if c := p.peek(); c == '+' || c == '-' {
		p.tok = append(p.tok, byte(c))
		p.pos++
	}
	intDigits := p.digits()
	fracDigits := 0
	dt := XSDInteger
	if p.peek() == '.' {
		switch {
		case isDigit(p.peekAt(1)):
			p.tok = append(p.tok, '.')
			p.pos++
			fracDigits = p.digits()
			dt = XSDDecimal
		case intDigits > 0 && p.exponentAt(1):
			p.tok = append(p.tok, '.')
			p.pos++
		}
	}
	if intDigits == 0 && fracDigits == 0 {
		return Term{}, p.errMark("invalid number: expected digits, found %s", p.found())
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		if !p.exponentAt(0) {
			return Term{}, p.errMark("invalid number: exponent without digits")
		}
		p.tok = append(p.tok, byte(c))
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.tok = append(p.tok, byte(c))
			p.pos++
		}
		p.digits()
		dt = XSDDouble
	}
	if len(p.tok) > p.maxTok {
		return Term{}, p.tooLong("number")
	}
	return Term{Kind: KindLiteral, Value: string(p.tok), Datatype: dt}, nil
}

// exponentAt reports whether an exponent ([eE][+-]?[0-9]) starts k bytes
// ahead.
func (p *turtleParser) exponentAt(k int) bool {
	if c := p.peekAt(k); c != 'e' && c != 'E' {
		return false
	}
	c := p.peekAt(k + 1)
	if c == '+' || c == '-' {
		c = p.peekAt(k + 2)
	}
	return isDigit(c)
}

func (p *turtleParser) digits() int {
	n := 0
	for {
		buf := p.buf[:p.end]
		i := p.pos
		for i < len(buf) && '0' <= buf[i] && buf[i] <= '9' {
			i++
		}
		n += i - p.pos
		p.tok = append(p.tok, buf[p.pos:i]...)
		p.pos = i
		if i < len(buf) || !p.fill(1) || len(p.tok) > p.maxTok {
			return n
		}
	}
}
