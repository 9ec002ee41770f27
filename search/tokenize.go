package search

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// wordTokenizerName names the tokenizer of Katalog's analyzers.
const wordTokenizerName = "katalog_words"

// wordTokenizer splits a text into words exactly as Bleve's unicode
// tokenizer does (Unicode's word boundaries, UAX #29), but reads the text
// of almost every record itself: letters of the Latin alphabets, digits,
// spaces and ASCII punctuation. Any other character sends the whole text
// to the unicode tokenizer, whose state machine costs about ten times as
// much per word and was most of the cost of marking a page of hits.
// TestWordTokenizer holds the two to the same tokens.
type wordTokenizer struct{ full analysis.Tokenizer }

func (t wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	if ts, ok := quickWords(input); ok {
		return ts
	}
	return t.full.Tokenize(input)
}

func init() {
	err := registry.RegisterTokenizer(wordTokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return wordTokenizer{full: unicode.NewUnicodeTokenizer()}, nil
	})
	if err != nil {
		panic(err)
	}
}

// Character classes of quickWords.
const (
	cBreak   = iota // a space or punctuation between words
	cLetter         // ALetter
	cDigit          // Numeric
	cMidLet         // ':' (MidLetter): joins two letters
	cMidNum         // ',' ';' (MidNum): joins two digits
	cMidBoth        // '.' '\'' (MidNumLet, Single_Quote): joins two letters or two digits
	cOther          // anything else: quickWords gives up
)

// asciiClass is the class of each ASCII byte.
var asciiClass = func() (c [128]uint8) {
	for b := range c {
		switch {
		case b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z':
			c[b] = cLetter
		case b >= '0' && b <= '9':
			c[b] = cDigit
		case b == ':':
			c[b] = cMidLet
		case b == ',' || b == ';':
			c[b] = cMidNum
		case b == '.' || b == '\'':
			c[b] = cMidBoth
		case b == '_' || b < ' ' && b != '\t' && b != '\n' && b != '\r' || b == 0x7f:
			c[b] = cOther // '_' (ExtendNumLet) joins words; control characters
		default:
			c[b] = cBreak
		}
	}
	return c
}()

// runeClass returns the class of the character at the start of s and its
// length in bytes: letters of Latin-1 and Latin Extended-A are letters,
// any other non-ASCII character is cOther.
func runeClass(s []byte) (uint8, int) {
	b := s[0]
	if b < 0x80 {
		return asciiClass[b], 1
	}
	if len(s) < 2 || s[1]&0xc0 != 0x80 || b < 0xc3 || b > 0xc5 {
		return cOther, 1
	}
	r := rune(b&0x1f)<<6 | rune(s[1]&0x3f)
	if r >= 0xc0 && r <= 0x17f && r != 0xd7 && r != 0xf7 {
		return cLetter, 2
	}
	return cOther, 1
}

// quickWords tokenizes input as the unicode tokenizer does, if input has
// only characters it knows; ok is false otherwise.
func quickWords(input []byte) (analysis.TokenStream, bool) {
	// A word is a run of letters and digits, joined across one middle
	// character where UAX #29 joins: MidLetter or MidNumLet between two
	// letters (WB6, WB7), MidNum or MidNumLet between two digits (WB11,
	// WB12). A letter next to a digit joins too (WB9, WB10).
	toks := make([]analysis.Token, 0, len(input)/6+1) // words of five letters and a space, about
	start, letters := -1, false
	prev := uint8(cBreak) // the class of the last character
	end := func(i int) {
		typ := analysis.Numeric
		if letters {
			typ = analysis.AlphaNumeric
		}
		toks = append(toks, analysis.Token{Term: input[start:i], Start: start, End: i, Position: len(toks) + 1, Type: typ})
		start, letters = -1, false
	}
	for i := 0; i < len(input); {
		c, n := runeClass(input[i:])
		switch c {
		case cOther:
			return nil, false
		case cLetter, cDigit:
			if start < 0 {
				start = i
			}
			letters = letters || c == cLetter
		case cBreak:
			if start >= 0 {
				end(i)
			}
		default: // a middle character: joins if the same kind stands on each side
			if start >= 0 {
				next := uint8(cBreak)
				if i+n < len(input) {
					next, _ = runeClass(input[i+n:])
				}
				joins := prev == next && (prev == cLetter && c != cMidNum || prev == cDigit && c != cMidLet)
				if !joins {
					end(i)
				}
			}
		}
		prev = c
		i += n
	}
	if start >= 0 {
		end(len(input))
	}
	ts := make(analysis.TokenStream, len(toks))
	for i := range toks {
		ts[i] = &toks[i]
	}
	return ts, true
}
