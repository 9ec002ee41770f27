package rdf

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// Byte classes used by the Turtle and N-Triples lexers. A byte may be in
// several classes; non-ASCII bytes are in none and take the slow path.
const (
	cIRI   uint8 = 1 << iota // may appear unescaped in an IRIREF
	cName                    // ASCII PN_CHARS: A-Z a-z 0-9 _ -
	cAlpha                   // A-Z a-z
	cSpace                   // space, tab, CR, LF
	cStrD                    // plain content of a "…" string
	cStrS                    // plain content of a '…' string
	cLongD                   // plain content of a """…""" string
	cLongS                   // plain content of a '''…''' string
)

// byteClass maps each byte to its classes. It is computed once and only
// read afterwards.
var byteClass = func() (t [256]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		var k uint8
		if c > 0x20 && !bytes.ContainsRune([]byte("<>\"{}|^`\\"), rune(c)) {
			k |= cIRI
		}
		alpha := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if alpha {
			k |= cAlpha
		}
		if alpha || '0' <= c && c <= '9' || c == '_' || c == '-' {
			k |= cName
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			k |= cSpace
		}
		if c != '\\' {
			if c != '"' {
				k |= cLongD
				if c != '\n' && c != '\r' {
					k |= cStrD
				}
			}
			if c != '\'' {
				k |= cLongS
				if c != '\n' && c != '\r' {
					k |= cStrS
				}
			}
		}
		t[c] = k
	}
	return t
}()

const lexBufSize = 64 << 10

// lexer is the byte-level reader shared by the Turtle and N-Triples
// parsers. It reads through a fixed buffer, so the input never has to fit in
// memory, and works out line and column only when an error needs them.
type lexer struct {
	format string
	r      io.Reader
	buf    []byte
	pos    int // next unread byte in buf
	end    int // end of the bytes read into buf
	eof    bool
	rerr   error // a read error other than io.EOF

	off  int64 // offset of buf[0] in the input
	line int   // line of buf[0], 1-based
	col  int   // runes between the start of that line and buf[0]

	mark   int64 // input offset where the current token starts
	markOK bool  // mark is still inside buf

	tok    []byte // the current token's text, unescaped
	maxTok int
}

func (l *lexer) init(format string, r io.Reader, maxTok int) {
	l.format = format
	l.r = r
	l.buf = make([]byte, lexBufSize)
	l.line = 1
	l.maxTok = maxTok
	l.tok = make([]byte, 0, 256)
	if l.fill(3) && bytes.HasPrefix(l.buf[l.pos:l.end], []byte("\xEF\xBB\xBF")) {
		l.pos += 3
		l.col = -1 // the BOM is not a column
	}
}

// fill tries to have at least need unread bytes in the buffer. It returns
// false if the input ends first. It may move the buffer's contents, so
// callers must not hold indexes into buf across a call.
func (l *lexer) fill(need int) bool {
	if l.end-l.pos >= need {
		return true
	}
	if l.eof {
		return false
	}
	drop := l.pos
	if l.markOK {
		m := int(l.mark - l.off)
		switch {
		case m < 0:
			l.markOK = false
		case m < drop:
			if l.end-m+need > len(l.buf) {
				l.markOK = false // the token is too long to keep its start
			} else {
				drop = m
			}
		}
	}
	if drop > 0 {
		l.advance(l.buf[:drop])
		l.end = copy(l.buf, l.buf[drop:l.end])
		l.pos -= drop
		l.off += int64(drop)
	}
	for empty := 0; l.end-l.pos < need && !l.eof; {
		n, err := l.r.Read(l.buf[l.end:])
		l.end += n
		switch {
		case err == io.EOF:
			l.eof = true
		case err != nil:
			l.eof, l.rerr = true, err
		case n == 0:
			if empty++; empty > 100 {
				l.eof, l.rerr = true, io.ErrNoProgress
			}
		}
	}
	return l.end-l.pos >= need
}

// advance moves the line and column of buf[0] past b.
func (l *lexer) advance(b []byte) {
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		l.line += bytes.Count(b, []byte{'\n'})
		l.col = utf8.RuneCount(b[i+1:])
	} else {
		l.col += utf8.RuneCount(b)
	}
}

// lineCol returns the 1-based line and column of buf[i].
func (l *lexer) lineCol(i int) (line, col int) {
	b := l.buf[:i]
	if j := bytes.LastIndexByte(b, '\n'); j >= 0 {
		return l.line + bytes.Count(b, []byte{'\n'}), utf8.RuneCount(b[j+1:]) + 1
	}
	return l.line, l.col + utf8.RuneCount(b) + 1
}

// setMark records the current position as the start of a token, for errors
// about the token as a whole.
func (l *lexer) setMark() {
	l.mark = l.off + int64(l.pos)
	l.markOK = true
}

func (l *lexer) errAt(i int, format string, args ...any) error {
	if l.rerr != nil {
		return fmt.Errorf("%s: reading input: %w", l.format, l.rerr)
	}
	line, col := l.lineCol(i)
	return &SyntaxError{Format: l.format, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// endErr returns the read error that ended the input, if any.
func (l *lexer) endErr() error {
	if l.rerr != nil {
		return fmt.Errorf("%s: reading input: %w", l.format, l.rerr)
	}
	return nil
}

// errf reports a syntax error at the current position.
func (l *lexer) errf(format string, args ...any) error {
	return l.errAt(l.pos, format, args...)
}

// errMark reports a syntax error at the start of the current token, or at
// the current position if that start is no longer buffered.
func (l *lexer) errMark(format string, args ...any) error {
	i := l.pos
	if l.markOK && l.mark >= l.off && l.mark-l.off <= int64(l.pos) {
		i = int(l.mark - l.off)
	}
	return l.errAt(i, format, args...)
}

// peek returns the next byte without consuming it, or -1 at the end of the
// input.
func (l *lexer) peek() int {
	if l.pos < l.end {
		return int(l.buf[l.pos])
	}
	if !l.fill(1) {
		return -1
	}
	return int(l.buf[l.pos])
}

// peekAt returns the byte k positions ahead, or -1 past the end.
func (l *lexer) peekAt(k int) int {
	if !l.fill(k + 1) {
		return -1
	}
	return int(l.buf[l.pos+k])
}

// found describes the next character for an error message.
func (l *lexer) found() string {
	c := l.peek()
	switch {
	case c < 0:
		return "end of input"
	case c < utf8.RuneSelf:
		return fmt.Sprintf("%q", rune(c))
	}
	l.fill(utf8.UTFMax)
	r, n := utf8.DecodeRune(l.buf[l.pos:l.end])
	if r == utf8.RuneError && n <= 1 {
		return fmt.Sprintf("invalid UTF-8 byte 0x%02X", c)
	}
	return fmt.Sprintf("%q", r)
}

// decodeRune decodes the (non-ASCII) rune at the current position without
// consuming it.
func (l *lexer) decodeRune() (rune, int, error) {
	l.fill(utf8.UTFMax)
	r, n := utf8.DecodeRune(l.buf[l.pos:l.end])
	if r == utf8.RuneError && n <= 1 {
		return 0, 0, l.errf("invalid UTF-8 byte 0x%02X", l.buf[l.pos])
	}
	return r, n, nil
}

func (l *lexer) tooLong(what string) error {
	return l.errMark("%s longer than %d bytes", what, l.maxTok)
}

// skipComment skips from '#' to the end of the line, checking that the
// comment is valid UTF-8.
func (l *lexer) skipComment() error {
	for {
		buf := l.buf[:l.end]
		i := l.pos
		for i < len(buf) && buf[i] != '\n' && buf[i] != '\r' && buf[i] < utf8.RuneSelf {
			i++
		}
		l.pos = i
		if i < len(buf) {
			if buf[i] < utf8.RuneSelf {
				return nil
			}
			_, n, err := l.decodeRune()
			if err != nil {
				return err
			}
			l.pos += n
			continue
		}
		if !l.fill(1) {
			return nil
		}
	}
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// readUCHAR decodes \uXXXX or \UXXXXXXXX at the current position (which is
// the backslash) and consumes it. in names the token kind for messages.
func (l *lexer) readUCHAR(in string) (rune, error) {
	l.fill(10)
	n := 4
	if l.pos+1 < l.end && l.buf[l.pos+1] == 'U' {
		n = 8
	}
	if l.end-l.pos < 2+n {
		return 0, l.errf("truncated \\%c escape in %s", l.buf[l.pos+1], in)
	}
	var r rune
	for _, c := range l.buf[l.pos+2 : l.pos+2+n] {
		v := hexVal(c)
		if v < 0 {
			return 0, l.errf("invalid escape %q in %s: expected %d hex digits", l.buf[l.pos:l.pos+2+n], in, n)
		}
		r = r<<4 | rune(v)
	}
	if r > utf8.MaxRune || 0xD800 <= r && r <= 0xDFFF {
		return 0, l.errf("escape %q in %s is not a Unicode scalar value", l.buf[l.pos:l.pos+2+n], in)
	}
	l.pos += 2 + n
	return r, nil
}

// readIRIRef reads an IRIREF whose '<' is at the current position into
// l.tok, unescaped.
func (l *lexer) readIRIRef() error {
	l.setMark()
	l.pos++
	l.tok = l.tok[:0]
	for {
		buf := l.buf[:l.end]
		i := l.pos
		for i < len(buf) && byteClass[buf[i]]&cIRI != 0 {
			i++
		}
		l.tok = append(l.tok, buf[l.pos:i]...)
		l.pos = i
		if len(l.tok) > l.maxTok {
			return l.tooLong("IRI")
		}
		if i == len(buf) {
			if !l.fill(1) {
				return l.errMark("IRI not closed: missing '>'")
			}
			continue
		}
		switch c := buf[i]; {
		case c == '>':
			l.pos++
			return nil
		case c == '\\':
			if l.peekAt(1) != 'u' && l.peekAt(1) != 'U' {
				return l.errf("invalid escape in IRI: only \\u and \\U are allowed")
			}
			r, err := l.readUCHAR("IRI")
			if err != nil {
				return err
			}
			if r <= 0x20 || r < utf8.RuneSelf && byteClass[r]&cIRI == 0 {
				return l.errf("escaped character %q is not allowed in an IRI", r)
			}
			l.tok = utf8.AppendRune(l.tok, r)
		case c >= utf8.RuneSelf:
			_, n, err := l.decodeRune()
			if err != nil {
				return err
			}
			l.tok = append(l.tok, l.buf[l.pos:l.pos+n]...)
			l.pos += n
		case c == '\n' || c == '\r':
			return l.errMark("IRI not closed: line break before '>'")
		default:
			return l.errf("character %q is not allowed in an IRI", c)
		}
	}
}

// readString reads a string whose opening quote q (tripled if long) has been
// consumed, leaving its unescaped value in l.tok.
func (l *lexer) readString(q byte, long bool) error {
	l.tok = l.tok[:0]
	var plain uint8
	switch {
	case q == '"' && long:
		plain = cLongD
	case q == '"':
		plain = cStrD
	case long:
		plain = cLongS
	default:
		plain = cStrS
	}
	for {
		buf := l.buf[:l.end]
		i := l.pos
		for i < len(buf) && byteClass[buf[i]]&plain != 0 {
			i++
		}
		l.tok = append(l.tok, buf[l.pos:i]...)
		l.pos = i
		if len(l.tok) > l.maxTok {
			return l.tooLong("literal")
		}
		if i == len(buf) {
			if !l.fill(1) {
				return l.errMark("string not closed: missing %s", closingQuote(q, long))
			}
			continue
		}
		switch c := buf[i]; {
		case c == q:
			if !long {
				l.pos++
				return nil
			}
			if l.peekAt(1) == int(q) && l.peekAt(2) == int(q) {
				l.pos += 3
				return nil
			}
			l.tok = append(l.tok, q)
			l.pos++
		case c == '\\':
			if err := l.readECHAR(); err != nil {
				return err
			}
		case c == '\n' || c == '\r':
			return l.errf("line break in a %s string; use \\n or a triple-quoted string", closingQuote(q, false))
		default:
			_, n, err := l.decodeRune()
			if err != nil {
				return err
			}
			l.tok = append(l.tok, l.buf[l.pos:l.pos+n]...)
			l.pos += n
		}
	}
}

func closingQuote(q byte, long bool) string {
	if long {
		return string([]byte{q, q, q})
	}
	return string([]byte{q})
}

// readECHAR decodes the escape sequence at the current position (a
// backslash) in a string and appends it to l.tok.
func (l *lexer) readECHAR() error {
	var c byte
	switch l.peekAt(1) {
	case 't':
		c = '\t'
	case 'b':
		c = '\b'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 'f':
		c = '\f'
	case '"':
		c = '"'
	case '\'':
		c = '\''
	case '\\':
		c = '\\'
	case 'u', 'U':
		r, err := l.readUCHAR("string")
		if err != nil {
			return err
		}
		l.tok = utf8.AppendRune(l.tok, r)
		return nil
	case -1:
		return l.errf("string not closed: input ends after '\\'")
	default:
		l.pos++
		return l.errf("invalid escape '\\%s' in string", l.foundRaw())
	}
	l.tok = append(l.tok, c)
	l.pos += 2
	return nil
}

// foundRaw returns the next character as text, for messages.
func (l *lexer) foundRaw() string {
	c := l.peek()
	switch {
	case c < 0:
		return ""
	case c < utf8.RuneSelf:
		return string(rune(c))
	}
	l.fill(utf8.UTFMax)
	r, n := utf8.DecodeRune(l.buf[l.pos:l.end])
	if r == utf8.RuneError && n <= 1 {
		return fmt.Sprintf("\\x%02X", c)
	}
	return string(r)
}

// readLangTag reads a language tag whose '@' is at the current position
// into l.tok.
func (l *lexer) readLangTag() error {
	l.setMark()
	l.pos++
	l.tok = l.tok[:0]
	first := true
	for {
		start := len(l.tok)
		for {
			c := l.peek()
			if c < 0 || !(byteClass[c]&cAlpha != 0 || !first && '0' <= c && c <= '9') {
				break
			}
			l.tok = append(l.tok, byte(c))
			l.pos++
			if len(l.tok) > l.maxTok {
				return l.tooLong("language tag")
			}
		}
		if len(l.tok) == start {
			if first {
				return l.errf("invalid language tag: expected a letter after '@', found %s", l.found())
			}
			return l.errf("invalid language tag: expected a letter or digit after '-', found %s", l.found())
		}
		first = false
		if l.peek() != '-' {
			return nil
		}
		l.tok = append(l.tok, '-')
		l.pos++
	}
}

// pnCharsBase reports whether r is a PN_CHARS_BASE character.
func pnCharsBase(r rune) bool {
	switch {
	case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z':
		return true
	case r < 0xC0:
		return false
	case r <= 0xD6, 0xD8 <= r && r <= 0xF6, 0xF8 <= r && r <= 0x2FF,
		0x370 <= r && r <= 0x37D, 0x37F <= r && r <= 0x1FFF,
		0x200C <= r && r <= 0x200D, 0x2070 <= r && r <= 0x218F,
		0x2C00 <= r && r <= 0x2FEF, 0x3001 <= r && r <= 0xD7FF,
		0xF900 <= r && r <= 0xFDCF, 0xFDF0 <= r && r <= 0xFFFD,
		0x10000 <= r && r <= 0xEFFFF:
		return true
	}
	return false
}

// pnChars reports whether r is a PN_CHARS character.
func pnChars(r rune) bool {
	if r < utf8.RuneSelf {
		return byteClass[r]&cName != 0
	}
	return pnCharsBase(r) || r == 0xB7 || 0x300 <= r && r <= 0x36F || 0x203F <= r && r <= 0x2040
}

// nameRune returns the rune at the current position and, if it is a
// PN_CHARS character, its size; size is 0 otherwise.
func (l *lexer) nameRune() (rune, int, error) {
	c := l.peek()
	if c < 0 {
		return 0, 0, nil
	}
	if c < utf8.RuneSelf {
		if byteClass[c]&cName != 0 {
			return rune(c), 1, nil
		}
		return rune(c), 0, nil
	}
	r, n, err := l.decodeRune()
	if err != nil || !pnChars(r) {
		return r, 0, err
	}
	return r, n, nil
}

// dotsBefore reports how many '.' start at the current position and whether
// the character after them satisfies cont, which decides whether those dots
// belong to a name (a name may not end with '.').
func (l *lexer) dotsBefore(cont func(l *lexer, k int) bool) (int, bool) {
	k := 0
	for l.peekAt(k) == '.' {
		k++
	}
	return k, cont(l, k)
}

// readBlankLabel reads a BLANK_NODE_LABEL whose "_:" is at the current
// position, leaving the label (without "_:") in l.tok.
func (l *lexer) readBlankLabel() error {
	l.setMark()
	if l.peekAt(1) != ':' {
		return l.errf("expected ':' after '_' in a blank node label")
	}
	l.pos += 2
	l.tok = l.tok[:0]
	r, n, err := l.nameRune()
	if err != nil {
		return err
	}
	if n == 0 || r == '-' || r == 0xB7 || 0x300 <= r && r <= 0x36F || 0x203F <= r && r <= 0x2040 {
		return l.errf("invalid blank node label: unexpected %s after \"_:\"", l.found())
	}
	for {
		if n == 0 {
			if r != '.' {
				return nil
			}
			k, ok := l.dotsBefore(pnCharsAt)
			if !ok {
				return nil
			}
			l.tok = append(l.tok, l.buf[l.pos:l.pos+k]...)
			l.pos += k
		} else {
			l.tok = append(l.tok, l.buf[l.pos:l.pos+n]...)
			l.pos += n
		}
		if len(l.tok) > l.maxTok {
			return l.tooLong("blank node label")
		}
		if r, n, err = l.nameRune(); err != nil {
			return err
		}
	}
}

// pnCharsAt reports whether the character k bytes ahead is PN_CHARS, so
// that the dots before it belong to a name.
func pnCharsAt(l *lexer, k int) bool {
	if !l.fill(k+utf8.UTFMax) && l.end-l.pos <= k {
		return false
	}
	r, _ := utf8.DecodeRune(l.buf[l.pos+k : l.end])
	return r != utf8.RuneError && pnChars(r)
}
