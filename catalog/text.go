package catalog

import (
	"sort"
	"strings"
)

// LangUndetermined is the key of a literal that has no language tag.
const LangUndetermined = "und"

// Text is a multilingual string: a language tag to the text in that
// language. Keys are normalised by NormalizeLang. A nil Text is empty.
type Text map[string]string

// NormalizeLang maps a BCP 47 tag to the key used in Text: the lower-case
// primary subtag, with Norwegian "no"/"nob" read as bokmål "nb" and "nno" as
// nynorsk "nn". An empty tag is LangUndetermined.
func NormalizeLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	switch tag {
	case "":
		return LangUndetermined
	case "no", "nob":
		return "nb"
	case "nno":
		return "nn"
	case "eng":
		return "en"
	}
	return tag
}

// Set stores s under lang (normalised). An empty s is ignored.
func (t Text) Set(lang, s string) {
	if s == "" {
		return
	}
	t[NormalizeLang(lang)] = s
}

// Get returns the text in lang (any BCP 47 tag; see NormalizeLang) and the
// language it is in. Where lang is
// missing it falls back to bokmål, nynorsk, English, an untagged text, and
// then the first language in sort order, so a non-empty Text always yields
// something. ok is false only for an empty Text.
func (t Text) Get(lang string) (s, in string, ok bool) {
	if len(t) == 0 {
		return "", "", false
	}
	lang = NormalizeLang(lang)
	if s, ok := t[lang]; ok {
		return s, lang, true
	}
	for _, l := range [...]string{"nb", "nn", "en"} {
		if s, ok := t[l]; ok {
			return s, l, true
		}
	}
	if s, ok := t[LangUndetermined]; ok {
		return s, LangUndetermined, true
	}
	langs := t.Langs()
	return t[langs[0]], langs[0], true
}

// String returns the text in the default fallback order (see Get).
func (t Text) String() string {
	s, _, _ := t.Get("nb")
	return s
}

// Langs returns the languages of t in sort order.
func (t Text) Langs() []string {
	langs := make([]string, 0, len(t))
	for l := range t {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	return langs
}
