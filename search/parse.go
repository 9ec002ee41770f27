package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/katalog/katalog/catalog"
)

// The query language, a small subset of what search engines share:
//
//	hodeomkrets vekt      every word must match (any field, any language)
//	"head circumference"  a phrase
//	+diabetes -type1      a word that must match, a word that must not
//	(kols copd) røyking   a group matches if any of its parts does
//	kols OR copd          OR makes the words around it any-of
//	name:SVLEN            a field: name, dataset, publisher, title, description, code
//	blodtr*               a prefix (at least two characters before the *)
//
// When a query has a +word, its plain words only rank (as in Lucene).

// occur says how a clause combines with its siblings.
type occur int

const (
	occurDefault occur = iota // plain: all-of at the top, any-of in a group
	occurMust                 // +
	occurNot                  // -
)

// clause is one part of a parsed query. Exactly one of words, phrase and
// group is set; field is set for field:value.
type clause struct {
	occur  occur
	field  string   // "" for every field
	word   string   // a word, or a prefix without its *
	prefix bool     // word ends in *
	phrase []string // the words of a quoted phrase
	group  []clause // a parenthesised group
	col    int      // 1-based column where the clause starts
	or     bool     // the keyword OR, not a clause
}

// Query fields a user can name.
const (
	qfName        = "name"
	qfDataset     = "dataset"
	qfPublisher   = "publisher"
	qfTitle       = "title"
	qfDescription = "description"
	qfCode        = "code"
)

func queryFields() []string {
	return []string{qfName, qfDataset, qfPublisher, qfTitle, qfDescription, qfCode}
}

// Limits of the query language.
const (
	maxClauses  = 64
	maxDepth    = 8
	minPrefix   = 2
	maxWordSize = 100
)

// parseQuery reads a query. A query it cannot read gives an EINVALID error
// that says what and at which column.
func parseQuery(text string) ([]clause, error) {
	p := &parser{src: []rune(text)}
	cs, err := p.clauses(0)
	if err != nil {
		return nil, err
	}
	if p.count > maxClauses {
		return nil, p.errorf(p.over, "the query has %d words; the limit is %d", p.count, maxClauses)
	}
	return cs, nil
}

type parser struct {
	src   []rune
	pos   int
	count int // words read
	over  int // column of the first clause past maxClauses words
}

// counted adds the words of the clause at col to the count.
func (p *parser) counted(col, words int) {
	p.count += words
	if p.count > maxClauses && p.over == 0 {
		p.over = col
	}
}

func (p *parser) errorf(col int, format string, args ...any) error {
	return catalog.Errorf(catalog.EINVALID, "query: %s (column %d)", fmt.Sprintf(format, args...), col)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && unicode.IsSpace(p.src[p.pos]) {
		p.pos++
	}
}

// clauses reads clauses up to the end or, at depth > 0, a closing parenthesis.
func (p *parser) clauses(depth int) ([]clause, error) {
	var out []clause
	or := false
	for {
		p.skipSpace()
		if p.pos == len(p.src) {
			break
		}
		if p.src[p.pos] == ')' {
			if depth == 0 {
				return nil, p.errorf(p.pos+1, "a ) that closes nothing")
			}
			break
		}
		c, err := p.clause(depth)
		if err != nil {
			return nil, err
		}
		if c == nil {
			continue
		}
		if c.or {
			or = true
			continue
		}
		out = append(out, *c)
	}
	if or && depth == 0 && len(out) > 1 {
		// "a OR b" at the top: any-of, as in a group.
		return []clause{{group: out, col: 1}}, nil
	}
	return out, nil
}

// clause reads one clause; nil for something to skip (AND, a lone + or -).
func (p *parser) clause(depth int) (*clause, error) {
	c := &clause{col: p.pos + 1}
	switch p.src[p.pos] {
	case '+':
		c.occur = occurMust
		p.pos++
	case '-':
		c.occur = occurNot
		p.pos++
	}
	if c.occur != occurDefault && (p.pos == len(p.src) || unicode.IsSpace(p.src[p.pos]) || p.src[p.pos] == ')') {
		return nil, nil // a lone + or -, as in "type 2 - diabetes"
	}
	// field:
	if f, n := p.fieldAt(p.pos); f != "" {
		c.field = f
		p.pos += n
		if p.pos == len(p.src) || unicode.IsSpace(p.src[p.pos]) || p.src[p.pos] == ')' {
			return nil, p.errorf(c.col, "%s: needs a value, such as %s:%s", f, f, fieldExample(f))
		}
		if p.src[p.pos] == '(' {
			return nil, p.errorf(p.pos+1, "%s: takes a word or a quoted phrase, not a group", f)
		}
	}
	switch p.src[p.pos] {
	case '"':
		words, err := p.phrase()
		if err != nil {
			return nil, err
		}
		if len(words) == 0 {
			return nil, p.errorf(c.col, "an empty phrase")
		}
		c.phrase = words
		p.counted(c.col, len(words))
	case '(':
		if depth+1 > maxDepth {
			return nil, p.errorf(p.pos+1, "groups nest deeper than %d", maxDepth)
		}
		open := p.pos + 1
		p.pos++
		g, err := p.clauses(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.pos == len(p.src) {
			return nil, p.errorf(open, "the ( is not closed")
		}
		p.pos++ // ')'
		if len(g) == 0 {
			return nil, p.errorf(open, "an empty group ()")
		}
		c.group = g
	default:
		w := p.word()
		if c.field == "" && c.occur == occurDefault && (w == "OR" || w == "AND") {
			// Boolean keywords, so that habits from other engines work: OR
			// is what a group does, AND what the top level does.
			if w == "AND" {
				return nil, nil
			}
			return &clause{or: true}, nil
		}
		if utf8.RuneCountInString(w) > maxWordSize {
			return nil, p.errorf(c.col, "a word of more than %d characters", maxWordSize)
		}
		if strings.HasSuffix(w, "*") {
			w = strings.TrimRight(w, "*")
			if utf8.RuneCountInString(w) < minPrefix {
				return nil, p.errorf(c.col, "a prefix needs at least %d characters before the *", minPrefix)
			}
			c.prefix = true
		}
		if strings.ContainsRune(w, '*') {
			return nil, p.errorf(c.col, "* is only allowed at the end of a word")
		}
		c.word = w
		p.counted(c.col, 1)
	}
	return c, nil
}

// fieldAt returns the field named at i ("name:") and the runes it takes.
func (p *parser) fieldAt(i int) (string, int) {
	for _, f := range queryFields() {
		n := len(f) + 1
		if i+n <= len(p.src) && strings.EqualFold(string(p.src[i:i+n-1]), f) && p.src[i+n-1] == ':' {
			return f, n
		}
	}
	return "", 0
}

func fieldExample(f string) string {
	switch f {
	case qfName:
		return "SVLEN"
	case qfDataset:
		return "MFR"
	case qfPublisher:
		return "Folkehelseinstituttet"
	case qfCode:
		return "I21"
	}
	return "blodtrykk"
}

// phrase reads a quoted phrase starting at the opening quote.
func (p *parser) phrase() ([]string, error) {
	open := p.pos + 1
	p.pos++
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] != '"' {
		p.pos++
	}
	if p.pos == len(p.src) {
		return nil, p.errorf(open, "the quote is not closed")
	}
	words := strings.Fields(string(p.src[start:p.pos]))
	p.pos++
	return words, nil
}

// word reads up to white space, a parenthesis or a quote.
func (p *parser) word() string {
	start := p.pos
	for p.pos < len(p.src) {
		r := p.src[p.pos]
		if unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' {
			break
		}
		p.pos++
	}
	return string(p.src[start:p.pos])
}
