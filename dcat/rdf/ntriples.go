package rdf

import "io"

// ParseNTriples reads an N-Triples 1.1 document from r and calls h for each
// triple. N-Triples has only absolute IRIs, so opts.Base is not used.
func ParseNTriples(r io.Reader, opts Options, h Handler) error {
	p := &ntParser{
		h:      h,
		blanks: newBlankNodes(),
		iris:   make(stringCache),
		langs:  make(stringCache),
	}
	p.init("ntriples", r, opts.maxLiteralBytes())
	return p.parse()
}

type ntParser struct {
	lexer
	h      Handler
	blanks blankNodes
	iris   stringCache
	langs  stringCache
}

func (p *ntParser) parse() error {
	for {
		c, err := p.skipLines()
		if err != nil {
			return err
		}
		if c < 0 {
			return p.endErr()
		}
		var t Triple
		switch c {
		case '<':
			t.S, err = p.iri()
		case '_':
			t.S, err = p.blank()
		default:
			err = p.errf("expected a subject (<IRI> or _:label), found %s", p.found())
		}
		if err != nil {
			return err
		}
		switch p.skipSpace() {
		case '<':
			t.P, err = p.iri()
		case '_':
			err = p.errf("a blank node cannot be a predicate")
		default:
			err = p.errf("expected a predicate <IRI>, found %s", p.found())
		}
		if err != nil {
			return err
		}
		switch p.skipSpace() {
		case '<':
			t.O, err = p.iri()
		case '_':
			t.O, err = p.blank()
		case '"':
			t.O, err = p.literal()
		default:
			err = p.errf("expected an object (<IRI>, _:label or \"literal\"), found %s", p.found())
		}
		if err != nil {
			return err
		}
		if p.skipSpace() != '.' {
			return p.errf("expected '.' after triple, found %s", p.found())
		}
		p.pos++
		c = p.skipSpace()
		if c == '#' {
			if err := p.skipComment(); err != nil {
				return err
			}
			c = p.peek()
		}
		if c >= 0 && c != '\n' && c != '\r' {
			return p.errf("expected end of line after '.', found %s (N-Triples has one triple per line)", p.found())
		}
		if err := p.h(t); err != nil {
			return err
		}
	}
}

// skipSpace skips spaces and tabs and returns the next byte, or -1.
func (p *ntParser) skipSpace() int {
	for {
		c := p.peek()
		if c != ' ' && c != '\t' {
			return c
		}
		p.pos++
	}
}

// skipLines skips white space, line ends and comments.
func (p *ntParser) skipLines() (int, error) {
	for {
		c := p.peek()
		switch c {
		case ' ', '\t', '\n', '\r':
			p.pos++
		case '#':
			if err := p.skipComment(); err != nil {
				return 0, err
			}
		default:
			return c, nil
		}
	}
}

func (p *ntParser) iri() (Term, error) {
	if err := p.readIRIRef(); err != nil {
		return Term{}, err
	}
	if !hasSchemeBytes(p.tok) {
		return Term{}, p.errMark("relative IRI <%s> is not allowed in N-Triples", p.tok)
	}
	return IRI(p.iris.get(p.tok)), nil
}

func (p *ntParser) blank() (Term, error) {
	if err := p.readBlankLabel(); err != nil {
		return Term{}, err
	}
	return p.blanks.named(p.tok), nil
}

func (p *ntParser) literal() (Term, error) {
	p.setMark()
	p.pos++
	if err := p.readString('"', false); err != nil {
		return Term{}, err
	}
	val := string(p.tok)
	switch p.peek() {
	case '@':
		if err := p.readLangTag(); err != nil {
			return Term{}, err
		}
		lowerASCII(p.tok)
		return Term{Kind: KindLiteral, Value: val, Lang: p.langs.get(p.tok)}, nil
	case '^':
		if p.peekAt(1) != '^' || p.peekAt(2) != '<' {
			return Term{}, p.errf("expected '^^<' before a datatype IRI")
		}
		p.pos += 2
		dt, err := p.iri()
		if err != nil {
			return Term{}, err
		}
		return Literal(val, "", dt.Value), nil
	}
	return Term{Kind: KindLiteral, Value: val}, nil
}
