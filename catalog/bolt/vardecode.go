package bolt

import (
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/katalog/katalog/catalog"
)

// decodeVariable reads a variable record's JSON the way encoding/json would,
// but with one allocation for all its strings: they are slices of one copy
// of body. Variables are most of what the store holds, and an export or a
// reindex reads every one of them. It reads only the JSON that Katalog
// writes: on anything else (an unknown or repeated key, a null, a number
// that is not a plain integer, invalid UTF-8, a syntax error) it returns
// false, and the caller decodes the record with the general decoder.
func decodeVariable(body []byte, v *catalog.Variable) bool {
	if !plain(body) {
		return false
	}
	d := &varDecoder{b: body, s: string(body), ok: true}
	d.object(func(key string) {
		switch key {
		case "iri":
			v.IRI = d.str()
		case "identifier":
			v.Identifier = d.str()
		case "name":
			v.Name = d.str()
		case "source":
			v.Source = d.str()
		case "dataset":
			v.Dataset = d.str()
		case "table":
			v.Table = d.str()
		case "position":
			v.Position = d.int()
		case "title":
			v.Title = d.text()
		case "description":
			v.Description = d.text()
		case "datatype":
			v.Datatype = d.str()
		case "unit":
			v.Unit = d.str()
		case "property_urls":
			v.PropertyURLs = []string{}
			d.array(func() { v.PropertyURLs = append(v.PropertyURLs, d.str()) })
		case "subjects":
			v.Subjects = []catalog.Concept{}
			d.array(func() {
				var c catalog.Concept
				d.object(func(key string) {
					switch key {
					case "iri":
						c.IRI = d.str()
					case "label":
						c.Label = d.text()
					case "notation":
						c.Notation = d.str()
					default:
						d.ok = false
					}
				})
				v.Subjects = append(v.Subjects, c)
			})
		case "temporal":
			v.Temporal = []catalog.Period{}
			d.array(func() {
				var p catalog.Period
				d.object(func(key string) {
					switch key {
					case "start":
						p.Start = d.str()
					case "end":
						p.End = d.str()
					default:
						d.ok = false
					}
				})
				v.Temporal = append(v.Temporal, p)
			})
		case "code_list":
			v.CodeList = d.str()
		case "alt_identifiers":
			v.AltIdentifiers = []catalog.AltIdentifier{}
			d.array(func() {
				var a catalog.AltIdentifier
				d.object(func(key string) {
					switch key {
					case "notation":
						a.Notation = d.str()
					case "creator":
						a.Creator = d.str()
					default:
						d.ok = false
					}
				})
				v.AltIdentifiers = append(v.AltIdentifiers, a)
			})
		case "validation":
			d.object(func(key string) {
				switch key {
				case "errors":
					v.Validation.Errors = d.int()
				case "warnings":
					v.Validation.Warnings = d.int()
				default:
					d.ok = false
				}
			})
		case "hash":
			v.Hash = d.str()
		case "first_seen":
			d.time(&v.FirstSeen)
		case "last_changed":
			d.time(&v.LastChanged)
		case "withdrawn":
			v.Withdrawn = new(time.Time)
			d.time(v.Withdrawn)
		default:
			d.ok = false
		}
	})
	d.space()
	return d.ok && d.i == len(d.s)
}

// varDecoder reads JSON from s, a string copy of b. Once ok is false every
// method returns at once with a zero value.
type varDecoder struct {
	b  []byte
	s  string
	i  int
	ok bool
}

func (d *varDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// next skips white space and consumes c, or fails.
func (d *varDecoder) next(c byte) bool {
	d.space()
	if !d.ok || d.i >= len(d.s) || d.s[d.i] != c {
		d.ok = false
		return false
	}
	d.i++
	return true
}

// peek skips white space and reports whether c comes next.
func (d *varDecoder) peek(c byte) bool {
	d.space()
	return d.ok && d.i < len(d.s) && d.s[d.i] == c
}

// object reads an object and calls field for each key, with the decoder
// before the key's value. A repeated key fails: encoding/json merges some
// repeated values into the first ones, which this decoder does not copy.
func (d *varDecoder) object(field func(key string)) {
	if !d.next('{') {
		return
	}
	if d.peek('}') {
		d.i++
		return
	}
	seen := make([]string, 0, 16)
	for d.ok {
		key := d.str()
		for _, k := range seen {
			if k == key {
				d.ok = false
			}
		}
		seen = append(seen, key)
		if !d.next(':') {
			return
		}
		field(key)
		if d.peek(',') {
			d.i++
			continue
		}
		d.next('}')
		return
	}
}

// array reads an array and calls elem for each element.
func (d *varDecoder) array(elem func()) {
	if !d.next('[') {
		return
	}
	if d.peek(']') {
		d.i++
		return
	}
	for d.ok {
		elem()
		if d.peek(',') {
			d.i++
			continue
		}
		d.next(']')
		return
	}
}

// token reads a string and returns its bounds, quotes included, and whether
// it has escapes.
func (d *varDecoder) token() (start, end int, escaped bool) {
	if !d.next('"') {
		return 0, 0, false
	}
	start = d.i - 1
	for {
		j := strings.IndexByte(d.s[d.i:], '"')
		if j < 0 {
			d.ok = false
			return 0, 0, false
		}
		k := strings.IndexByte(d.s[d.i:d.i+j], '\\')
		if k < 0 {
			d.i += j + 1
			return start, d.i, escaped
		}
		escaped = true
		d.i += k + 2 // past the escaped character, which may be a quote
	}
}

// plain reports whether b is valid UTF-8 without control characters, as
// the JSON that encoding/json writes always is. Inside a string a control
// character is an error, and outside one it is white space, which
// Katalog's records do not have; the decoder falls back on either.
func plain(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if (x-0x20*ones)&^x&highs != 0 { // a byte below 0x20
			return false
		}
	}
	for ; i < len(b); i++ {
		if b[i] < 0x20 {
			return false
		}
	}
	return utf8.Valid(b)
}

func (d *varDecoder) str() string {
	start, end, escaped := d.token()
	if !d.ok {
		return ""
	}
	if !escaped {
		return d.s[start+1 : end-1]
	}
	var s string
	if json.Unmarshal(d.b[start:end], &s) != nil {
		d.ok = false
	}
	return s
}

// int reads an integer written without fraction or exponent.
func (d *varDecoder) int() int {
	d.space()
	start := d.i
	if d.i < len(d.s) && d.s[d.i] == '-' {
		d.i++
	}
	digits := d.i
	for d.i < len(d.s) && '0' <= d.s[d.i] && d.s[d.i] <= '9' {
		d.i++
	}
	if !d.ok || d.i == digits || (d.s[digits] == '0' && d.i > digits+1) {
		d.ok = false
		return 0
	}
	n, err := strconv.Atoi(d.s[start:d.i])
	if err != nil {
		d.ok = false
	}
	return n
}

func (d *varDecoder) text() catalog.Text {
	t := make(catalog.Text, 2)
	d.object(func(lang string) { t[lang] = d.str() })
	return t
}

func (d *varDecoder) time(t interface{ UnmarshalJSON([]byte) error }) {
	start, end, _ := d.token()
	if d.ok && t.UnmarshalJSON(d.b[start:end]) != nil {
		d.ok = false
	}
}
