package search

import (
	"strings"
	"testing"

	"github.com/katalog/katalog/catalog"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in   string
		want string // the clauses, written back
	}{
		{"hodeomkrets vekt", "hodeomkrets vekt"},
		{`"head circumference" +diabetes -type1`, `"head circumference" +diabetes -type1`},
		{"(kols copd) røyking", "(kols copd) røyking"},
		{"name:SVLEN dataset:MFR publisher:\"Folkehelseinstituttet\"", `name:SVLEN dataset:MFR publisher:"Folkehelseinstituttet"`},
		{"Name:svlen TITLE:blod*", "name:svlen title:blod*"},
		{"blodtr* MFR:SVLEN https://example.org/x", "blodtr* MFR:SVLEN https://example.org/x"},
		{"kols OR copd", "(kols copd)"},
		{"kols AND copd", "kols copd"},
		{"type 2 - diabetes", "type 2 diabetes"},
		{"covid-19", "covid-19"},
	}
	for _, tt := range tests {
		cs, err := parseQuery(tt.in)
		if err != nil {
			t.Errorf("parseQuery(%q) = %v", tt.in, err)
			continue
		}
		if got := writeClauses(cs); got != tt.want {
			t.Errorf("parseQuery(%q) = %s; want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"unclosed`, "the quote is not closed (column 1)"},
		{`blod "unclosed`, "the quote is not closed (column 6)"},
		{"name:", "name: needs a value, such as name:SVLEN (column 1)"},
		{"vekt dataset: x", "dataset: needs a value, such as dataset:MFR (column 6)"},
		{"((", "the ( is not closed (column 2)"},
		{"kols)", "a ) that closes nothing (column 5)"},
		{"()", "an empty group () (column 1)"},
		{`""`, "an empty phrase (column 1)"},
		{"a*", "a prefix needs at least 2 characters before the * (column 1)"},
		{"blod*trykk", "* is only allowed at the end of a word (column 1)"},
		{"name:(a b)", "name: takes a word or a quoted phrase, not a group (column 6)"},
		{strings.Repeat("(", 9) + "a" + strings.Repeat(")", 9), "groups nest deeper than 8 (column 9)"},
		{strings.Repeat("a ", maxClauses+1), "the query has 65 words; the limit is 64 (column 129)"},
		{strings.Repeat("a ", maxClauses-1) + `"b c"`, "the query has 65 words; the limit is 64 (column 127)"},
	}
	for _, tt := range tests {
		_, err := parseQuery(tt.in)
		if catalog.ErrorCode(err) != catalog.EINVALID || !strings.Contains(catalog.ErrorMessage(err), tt.want) {
			t.Errorf("parseQuery(%q) = %v; want an invalid error with %q", tt.in, err, tt.want)
		}
	}
}

// writeClauses writes parsed clauses back in the query language.
func writeClauses(cs []clause) string {
	var parts []string
	for _, c := range cs {
		var b strings.Builder
		switch c.occur {
		case occurMust:
			b.WriteByte('+')
		case occurNot:
			b.WriteByte('-')
		}
		if c.field != "" {
			b.WriteString(c.field + ":")
		}
		switch {
		case c.group != nil:
			b.WriteString("(" + writeClauses(c.group) + ")")
		case c.phrase != nil:
			b.WriteString(`"` + strings.Join(c.phrase, " ") + `"`)
		default:
			b.WriteString(c.word)
			if c.prefix {
				b.WriteByte('*')
			}
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, " ")
}

func TestAnalyzers(t *testing.T) {
	x, err := NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	terms := func(analyzer, text string) string {
		var out []string
		for _, tok := range x.analyze(analyzer, text) {
			out = append(out, string(tok.Term))
		}
		return strings.Join(out, " ")
	}
	tests := []struct{ analyzer, in, want string }{
		// Case and accents fold, but æ, ø and å stay apart from a and o.
		{analyzerNo, "BLODTRYKK", analyzeAll(x, "blodtrykk")},
		{analyzerNo, "Søvn", "søvn"},
		{analyzerNo, "sovn", "sovn"},
		{analyzerOther, "Café Müller Åsa Öberg", "cafe muller åsa øberg"},
		// Nynorsk forms are written as bokmål, before stop words and stems.
		{analyzerNo, "sjukdom", "sykdom"},
		{analyzerNo, "ikkje", ""},
		{analyzerNo, "sjukdomen", analyzeAll(x, "sykdommen")},
		// Compounds also give their parts.
		{analyzerNo, "blodtrykksmåling", "blodtrykksmåling blodtrykk måling"},
		{analyzerNo, "fødselsvekt", "fødselsvekt fødsel vekt"},
		{analyzerNo, "vekt", "vekt"},
		{analyzerEn, "Blood pressure's", "blood pressur"},
	}
	for _, tt := range tests {
		if got := terms(tt.analyzer, tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q; want %q", tt.analyzer, tt.in, got, tt.want)
		}
	}
}

func analyzeAll(x *Index, s string) string {
	var out []string
	for _, tok := range x.analyze(analyzerNo, s) {
		out = append(out, string(tok.Term))
	}
	return strings.Join(out, " ")
}
