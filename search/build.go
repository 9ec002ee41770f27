package search

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/katalog/katalog/catalog"
)

// Boosts of the fields a query is matched against: an exact variable name
// first, then titles, then descriptions and code labels. Synonyms count a
// little less than the words typed, and a dataset whose title matches
// lends its variables a little weight.
const (
	boostName        = 20
	boostNameWord    = 6
	boostIdentifier  = 20
	boostTitle       = 3
	boostDescription = 1
	boostCodes       = 0.5
	boostKeywords    = 1
	boostPublisher   = 0.3
	boostDataset     = 0.3
	boostSynonym     = 0.7
	boostLearned     = 0.3 // a synonym learned from the corpus
	boostPrefix      = 0.8
	boostFuzzy       = 0.5
	boostNamedTitle  = 0.2
)

// maxNamedDatasets caps how many datasets whose titles match a word lend
// their variables to its results.
const maxNamedDatasets = 50

// builder turns a parsed query into a Bleve query for one search.
type builder struct {
	x      *Index
	ctx    context.Context
	reader index.IndexReader     // for term counts, opened on first use
	single bool                  // the query is one word: its exact name match counts most
	marks  *marks                // what to highlight; nil while building what must not match
	near   map[string][]nearTerm // nearTerms by field, term and edits
	// misspelt are the plain words of the query that no text field has.
	misspelt []misspelt
}

// unit is a part of a query that matches as one: a clause, or a run of
// words that is a synonym of something (alts).
type unit struct {
	clause
	words []string // plain words, more than one where they form a synonym
	alts  []alt    // synonyms of words
}

// textQuery is a query's text built for a search.
type textQuery struct {
	q     query.Query
	marks *marks // what to highlight
	units int    // the parts of the query that match as one
	// correction is the text with its misspelt words spelt as the index
	// knows them; "" if it has none the index knows a word near.
	correction string
}

// textQuery parses text and builds its query, with the terms to highlight
// and, unless relaxed, its correction. relaxed makes the top-level words
// any-of instead of all-of.
func (x *Index) textQuery(ctx context.Context, text string, relaxed bool) (textQuery, error) {
	cs, err := parseQuery(text)
	if err != nil {
		return textQuery{}, err
	}
	b := &builder{x: x, ctx: ctx, marks: newMarks()}
	defer b.close()
	units := x.units(cs)
	b.single = len(units) == 1 && len(units[0].words) == 1
	q, err := b.combine(units, true, relaxed)
	if err != nil {
		return textQuery{}, err
	}
	out := textQuery{q: q, marks: b.marks, units: len(units)}
	if !relaxed {
		if out.correction, err = b.correction(text); err != nil {
			return textQuery{}, err
		}
	}
	return out, nil
}

func (b *builder) close() {
	if b.reader != nil {
		b.reader.Close()
	}
}

// units groups clauses into units, joining runs of plain words that are a
// synonym (longest first, up to maxSynonymWords words).
func (x *Index) units(cs []clause) []unit {
	var out []unit
	for i := 0; i < len(cs); {
		c := cs[i]
		if !plainWord(c) {
			if c.group != nil {
				out = append(out, unit{clause: c})
			} else {
				out = append(out, unit{clause: c, alts: x.expand.alternatives(c.phrase)})
			}
			i++
			continue
		}
		n := 1
		var alts []alt
		for k := min(maxSynonymWords, len(cs)-i); k >= 1; k-- {
			words := make([]string, 0, k)
			ok := true
			for _, c := range cs[i : i+k] {
				if !plainWord(c) || c.occur != cs[i].occur {
					ok = false
					break
				}
				words = append(words, c.word)
			}
			if !ok {
				continue
			}
			if a := x.expand.alternatives(words); len(a) > 0 || k == 1 {
				n, alts = k, a
				break
			}
		}
		u := unit{clause: c, alts: alts}
		for _, c := range cs[i : i+n] {
			u.words = append(u.words, c.word)
		}
		out = append(out, u)
		i += n
	}
	return out
}

func plainWord(c clause) bool {
	return c.field == "" && c.word != "" && !c.prefix && c.group == nil
}

// combine joins units: at the top level plain units must all match (or, if
// relaxed, any of them); in a group any of them. A +unit must match and a
// -unit must not; once a query has a +unit, its plain units only rank.
func (b *builder) combine(units []unit, top, relaxed bool) (query.Query, error) {
	var must, should, not []query.Query
	explicit := false
	for _, u := range units {
		if u.occur == occurMust {
			explicit = true
		}
	}
	for _, u := range units {
		m := b.marks
		if u.occur == occurNot {
			b.marks = nil // an excluded word is never what a hit shows
		}
		q, err := b.unitQuery(u)
		b.marks = m
		if err != nil {
			return nil, err
		}
		if q == nil { // only stop words
			continue
		}
		switch {
		case u.occur == occurNot:
			not = append(not, q)
		case u.occur == occurMust:
			must = append(must, q)
		case top && !explicit && !relaxed:
			must = append(must, q)
		default:
			should = append(should, q)
		}
	}
	if len(must) == 0 && len(should) == 0 {
		if len(not) == 0 {
			return bleve.NewMatchNoneQuery(), nil
		}
		must = append(must, bleve.NewMatchAllQuery())
	}
	if len(must) == 1 && len(should) == 0 && len(not) == 0 {
		return must[0], nil
	}
	if len(must) == 0 && len(not) == 0 {
		return bleve.NewDisjunctionQuery(should...), nil
	}
	bq := query.NewBooleanQuery(must, should, not)
	if len(must) == 0 {
		bq.SetMinShould(1)
	}
	return bq, nil
}

// unitQuery builds the query of one unit; nil if it has nothing to match.
func (b *builder) unitQuery(u unit) (query.Query, error) {
	switch {
	case len(u.group) > 0:
		return b.combine(b.x.units(u.group), false, false)
	case u.field != "":
		return b.fieldQuery(u.clause)
	case u.prefix:
		return b.prefixQuery(textFields(), u.word, true), nil
	case u.phrase != nil:
		q := b.phraseQuery(textFields(), strings.Join(u.phrase, " "))
		return b.withSynonyms(q, u.alts), nil
	}
	var parts []query.Query
	for _, w := range u.words {
		q, known, err := b.wordQuery(w)
		if err != nil {
			return nil, err
		}
		if q == nil {
			continue
		}
		parts = append(parts, q)
		// A word of a synonym is spelt as the word lists spell it; a word
		// that must not match is left as it is.
		if !known && len(u.words) == 1 && len(u.alts) == 0 && b.marks != nil {
			at := u.col - 1
			if u.occur != occurDefault {
				at++ // after the + or -
			}
			b.misspelt = append(b.misspelt, misspelt{word: w, at: at})
		}
	}
	var q query.Query
	switch len(parts) {
	case 0:
	case 1:
		q = parts[0]
	default:
		q = bleve.NewConjunctionQuery(parts...)
	}
	return b.withSynonyms(q, u.alts), nil
}

// withSynonyms adds the synonyms of a unit as alternatives to q.
func (b *builder) withSynonyms(q query.Query, alts []alt) query.Query {
	var any []query.Query
	if q != nil {
		any = append(any, q)
	}
	for _, a := range alts {
		boost := boostSynonym
		if a.learned {
			boost = boostLearned
		}
		if aq := b.allWords(textFields(), a.term, boost); aq != nil {
			any = append(any, aq)
		}
	}
	switch len(any) {
	case 0:
		return nil
	case 1:
		return any[0]
	}
	return bleve.NewDisjunctionQuery(any...)
}

// textField is a text field with its analyzer and boost.
type textField struct {
	name     string
	analyzer string
	boost    float64
}

// textFields returns the text fields free text is matched against.
func textFields() []textField {
	var out []textField
	for _, l := range textLanguages() {
		out = append(out,
			textField{fieldTitle + l.suffix, l.analyzer, boostTitle},
			textField{fieldDescription + l.suffix, l.analyzer, boostDescription},
			textField{fieldCodes + l.suffix, l.analyzer, boostCodes})
	}
	return append(out, textField{fieldKeywords, analyzerOther, boostKeywords})
}

// fieldsOf returns the text fields with the given prefix.
func fieldsOf(prefix string) []textField {
	var out []textField
	for _, f := range textFields() {
		if strings.HasPrefix(f.name, prefix) {
			out = append(out, f)
		}
	}
	return out
}

// wordQuery matches one word typed by a user: as a variable name or
// identifier, in every text field by that field's analysis, as the title of
// a dataset, and, when the index does not know it, by near spellings. known
// says whether a text field has the word; the query is nil for a stop word.
func (b *builder) wordQuery(w string) (query.Query, bool, error) {
	var any []query.Query
	nameBoost := float64(boostNameWord)
	if b.single {
		nameBoost = boostName
	}
	any = append(any,
		boosted(termQuery(fieldNameLower, strings.ToLower(fold(w))), nameBoost),
		boosted(termQuery(fieldIdentifier, w), boostIdentifier))
	known := false
	for _, f := range textFields() {
		tq, terms := b.analyzedQuery(f, w)
		if tq == nil {
			continue
		}
		any = append(any, tq)
		if len(terms) == 0 {
			known = true // a compound of known words
		}
		if !known {
			n, err := b.count(f.name, terms)
			if err != nil {
				return nil, false, err
			}
			known = n > 0
		}
	}
	if len(any) == 2 && !knownName(w) {
		return nil, true, nil // a stop word in every language
	}
	any = append(any, b.publisherQuery(w))
	ds, err := b.datasetsNamed(w)
	if err != nil {
		return nil, false, err
	}
	for _, id := range ds {
		any = append(any, boosted(termQuery(catalog.FacetDataset, id), boostDataset))
	}
	if !known {
		any = append(any, b.fuzzyQueries(w)...)
		// The synonyms of what the word is a misspelling of.
		for _, alt := range b.correctionSynonyms(w) {
			if q := b.allWords(textFields(), alt, boostSynonym*boostFuzzy); q != nil {
				any = append(any, q)
			}
		}
	}
	if b.single {
		// A variable name finds the variables that measure the same: those
		// whose titles have the titles of the variables it names.
		titles, err := b.titlesNamed(w)
		if err != nil {
			return nil, false, err
		}
		for _, t := range titles {
			if q := b.allWords(textFields(), t, boostNamedTitle); q != nil {
				any = append(any, q)
			}
		}
	}
	return bleve.NewDisjunctionQuery(any...), known, nil
}

// maxNamedTitles caps how many titles of variables a name query borrows.
const maxNamedTitles = 4

// titlesNamed returns the titles (in every language) of a few variables
// named w.
func (b *builder) titlesNamed(w string) ([]string, error) {
	n, err := b.count(fieldNameLower, []string{strings.ToLower(fold(w))})
	if err != nil || n == 0 {
		return nil, err
	}
	sr := bleve.NewSearchRequestOptions(termQuery(fieldNameLower, strings.ToLower(fold(w))), 2, 0, false)
	sr.Fields = []string{fieldHit}
	res, err := b.x.idx.SearchInContext(b.ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search: names: %w", err)
	}
	seen := map[string]bool{}
	var out []string
	for _, h := range res.Hits {
		sh, err := stored(h)
		if err != nil {
			return nil, err
		}
		for _, t := range textValues(sh.Title) {
			if k := suggestKey(t); !seen[k] && len(out) < maxNamedTitles {
				seen[k] = true
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// correctionSynonyms returns the synonyms of the words the index knows that
// w is one or two edits from (a misspelling's meaning).
func (b *builder) correctionSynonyms(w string) []string {
	edits := typoEdits(w, 5)
	if edits == 0 {
		return nil
	}
	if err := b.open(); err != nil {
		return nil
	}
	var out []string
	for _, f := range fieldsOf(fieldTitle) {
		if f.analyzer == analyzerOther {
			continue
		}
		term := firstTerm(b.x.analyze(f.analyzer, w))
		if term == "" {
			continue
		}
		near, err := b.nearTerms(f.name, term, edits, maxNearTerms)
		if err != nil {
			continue
		}
		for _, t := range near[:min(len(near), maxCorrections)] {
			b.marks.addTerm(f.analyzer, t.term)
			out = append(out, b.x.expand.synonymsOfStem(f.analyzer, t.term)...)
		}
	}
	return out
}

// maxCorrections caps the known words a misspelling is read as.
const maxCorrections = 8

// knownName reports whether w looks like a variable name or code rather
// than a word: it has a digit or an underscore.
func knownName(w string) bool {
	return strings.ContainsAny(w, "0123456789_")
}

// analyzedQuery matches w in one field as that field's analyzer reads it:
// each token, or for a compound the whole word or all its parts. It
// returns the whole-word terms too, but none if w is a compound (its parts
// are known words).
func (b *builder) analyzedQuery(f textField, w string) (query.Query, []string) {
	tokens := b.x.analyze(f.analyzer, w)
	if len(tokens) == 0 {
		return nil, nil
	}
	var all []query.Query
	var terms []string
	for i := 0; i < len(tokens); {
		j := i + 1
		for j < len(tokens) && tokens[j].Position == tokens[i].Position {
			j++
		}
		whole := termQuery(f.name, string(tokens[i].Term))
		terms = append(terms, string(tokens[i].Term))
		for _, t := range tokens[i:j] {
			b.marks.addTerm(f.analyzer, string(t.Term))
		}
		if j-i == 1 {
			all = append(all, whole)
		} else {
			parts := make([]query.Query, 0, j-i-1)
			for _, t := range tokens[i+1 : j] {
				parts = append(parts, termQuery(f.name, string(t.Term)))
			}
			all = append(all, bleve.NewDisjunctionQuery(whole, bleve.NewConjunctionQuery(parts...)))
		}
		i = j
	}
	var q query.Query
	if len(all) == 1 {
		q = all[0]
	} else {
		q = bleve.NewConjunctionQuery(all...)
	}
	if len(tokens) > len(terms) {
		terms = nil
	}
	return boostedQuery(q, f.boost), terms
}

// allWords matches text whose words all occur in one of fields; nil if text
// has only stop words.
func (b *builder) allWords(fields []textField, text string, boost float64) query.Query {
	var any []query.Query
	for _, f := range fields {
		var all []query.Query
		for _, w := range strings.Fields(text) {
			if q, _ := b.analyzedQuery(f, w); q != nil {
				all = append(all, q)
			}
		}
		switch len(all) {
		case 0:
			continue
		case 1:
			any = append(any, boostedQuery(all[0], boost))
		default:
			any = append(any, boostedQuery(bleve.NewConjunctionQuery(all...), boost))
		}
	}
	if len(any) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(any...)
}

// phraseQuery matches a phrase in each of fields.
func (b *builder) phraseQuery(fields []textField, phrase string) query.Query {
	var any []query.Query
	for _, f := range fields {
		for _, t := range b.x.analyze(f.analyzer, phrase) {
			b.marks.addTerm(f.analyzer, string(t.Term))
		}
		q := bleve.NewMatchPhraseQuery(phrase)
		q.SetField(f.name)
		q.Analyzer = f.analyzer
		q.SetBoost(f.boost)
		any = append(any, q)
	}
	return bleve.NewDisjunctionQuery(any...)
}

// prefixQuery matches words that start with p in fields (and variable
// names, if names).
func (b *builder) prefixQuery(fields []textField, p string, names bool) query.Query {
	p = strings.ToLower(fold(p))
	var any []query.Query
	if names {
		q := bleve.NewPrefixQuery(p)
		q.SetField(fieldNameLower)
		q.SetBoost(boostNameWord)
		any = append(any, q)
	}
	for _, f := range fields {
		b.marks.addPrefix(f.analyzer, p)
		q := bleve.NewPrefixQuery(p)
		q.SetField(f.name)
		q.SetBoost(f.boost * boostPrefix)
		any = append(any, q)
	}
	return bleve.NewDisjunctionQuery(any...)
}

// typoEdits returns how many edits a misspelling of w may have: none for a
// word shorter than shortest letters or for a name or code, one up to
// seven letters, two from eight.
func typoEdits(w string, shortest int) int {
	n := utf8.RuneCountInString(w)
	switch {
	case n < shortest || knownName(w):
		return 0
	case n < 8:
		return 1
	}
	return 2
}

// fuzzyQueries match near spellings of w in titles and code labels: one
// edit for words of 4 to 7 letters, two for longer ones.
func (b *builder) fuzzyQueries(w string) []query.Query {
	edits := typoEdits(w, 4)
	if edits == 0 {
		return nil
	}
	var out []query.Query
	for _, f := range textFields() {
		if !strings.HasPrefix(f.name, fieldTitle) && !strings.HasPrefix(f.name, fieldCodes) {
			continue
		}
		term := firstTerm(b.x.analyze(f.analyzer, w))
		if term == "" {
			continue
		}
		near, err := b.nearTerms(f.name, term, edits, maxNearTerms)
		if err != nil || len(near) == 0 {
			continue
		}
		// As Bleve's fuzzy query: each known term for 1/(edits+1).
		var any []query.Query
		for _, t := range near {
			b.marks.addTerm(f.analyzer, t.term)
			any = append(any, boosted(termQuery(f.name, t.term), f.boost*boostFuzzy/float64(t.edits+1)))
		}
		out = append(out, bleve.NewDisjunctionQuery(any...))
	}
	return out
}

func firstTerm(ts analysis.TokenStream) string {
	if len(ts) == 0 {
		return ""
	}
	return string(ts[0].Term)
}

// publisherQuery matches w in the publisher's name.
func (b *builder) publisherQuery(w string) query.Query {
	q, _ := b.analyzedQuery(textField{fieldPublisher, analyzerOther, boostPublisher}, w)
	if q == nil {
		return bleve.NewMatchNoneQuery()
	}
	return q
}

// fieldQuery builds a field:value clause.
func (b *builder) fieldQuery(c clause) (query.Query, error) {
	value := c.word
	if c.phrase != nil {
		value = strings.Join(c.phrase, " ")
	}
	switch c.field {
	case qfName:
		if c.prefix {
			q := bleve.NewPrefixQuery(strings.ToLower(fold(value)))
			q.SetField(fieldNameLower)
			return q, nil
		}
		return termQuery(fieldNameLower, strings.ToLower(fold(value))), nil
	case qfDataset:
		any := []query.Query{termQuery(catalog.FacetDataset, value)}
		ids, err := b.datasetsNamed(value)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			any = append(any, termQuery(catalog.FacetDataset, id))
		}
		return bleve.NewDisjunctionQuery(any...), nil
	case qfPublisher:
		any := []query.Query{termQuery(catalog.FacetPublisher, value)}
		if q := b.allWords([]textField{{fieldPublisher, analyzerOther, 1}}, value, 1); q != nil {
			any = append(any, q)
		}
		return bleve.NewDisjunctionQuery(any...), nil
	}
	fields := fieldsOf(map[string]string{qfTitle: fieldTitle, qfDescription: fieldDescription, qfCode: fieldCodes}[c.field])
	switch {
	case c.prefix:
		return b.prefixQuery(fields, value, false), nil
	case c.phrase != nil:
		return b.phraseQuery(fields, value), nil
	}
	if q := b.allWords(fields, value, 1); q != nil {
		return q, nil
	}
	return bleve.NewMatchNoneQuery(), nil
}

// datasetsNamed returns the identifiers of the datasets whose titles have
// all the words of text, so that "pasientregister" also finds the variables
// of the patient register: variable documents do not repeat their
// dataset's title, which would cost every one of them an analysed field.
// The dataset documents carry their titles a second time, in fields of
// their own, so that this costs no walk through the variables' titles.
func (b *builder) datasetsNamed(text string) ([]string, error) {
	q := b.datasetQuery(text)
	if q == nil {
		return nil, nil
	}
	if err := b.open(); err != nil {
		return nil, err
	}
	if snap, ok := b.reader.(*scorch.IndexSnapshot); ok {
		ids, ok, err := topIdentifiers(b.ctx, snap, q, maxNamedDatasets, b.x.postings)
		if ok || err != nil {
			return ids, err
		}
	}
	return b.x.topIdentifiersBleve(b.ctx, q, maxNamedDatasets)
}

// datasetQuery is the query for the datasets whose titles have every word
// of text, or nil.
func (b *builder) datasetQuery(text string) query.Query {
	var fields []textField
	for _, f := range fieldsOf(fieldTitle) {
		f.name = fieldDatasetName + strings.TrimPrefix(f.name, fieldTitle)
		fields = append(fields, f)
	}
	return b.allWords(fields, text, 1)
}

// topIdentifiersBleve is topIdentifiers by a Bleve search.
func (x *Index) topIdentifiersBleve(ctx context.Context, q query.Query, n int) ([]string, error) {
	sr := bleve.NewSearchRequestOptions(q, n, 0, false)
	sr.Fields = []string{fieldHit}
	res, err := x.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search: datasets: %w", err)
	}
	var ids []string
	for _, h := range res.Hits {
		hit, err := toHit(h)
		if err != nil {
			return nil, err
		}
		if hit.Identifier != "" {
			ids = append(ids, hit.Identifier)
		}
	}
	return ids, nil
}

// topIdentifiers returns the identifiers of the best n matches of q in
// snap, best first, as a Bleve search for them would, by the evaluator of
// eval.go (a Bleve search request costs a tenth of a millisecond before it
// reads a posting); ok is false if the evaluator does not take q.
func topIdentifiers(ctx context.Context, snap *scorch.IndexSnapshot, q query.Query, n int, pc *postingsCache) ([]string, bool, error) {
	prog, ok, err := compileQuery(snap, q, pc)
	if !ok || err != nil {
		return nil, false, err
	}
	offs := offsets(snap)
	p := &fastPage{snap: snap, offs: offs, cols: make([]*segColumns, len(offs)-1)}
	top := &topHeap{r: byScoreOnly}
	err = p.scanEval(ctx, prog, newChunks(offs[len(offs)-1]), func(doc uint64, score float64, _ *segColumns, _ uint64) {
		keep(top, n, scored{score: score, doc: doc})
	}, nil)
	if err != nil {
		return nil, false, err
	}
	top.cut(n)
	ms := uniqueScored(top.ms)
	var ids []string
	for _, m := range ms {
		_, raw, err := storedAt(snap, offs, m.doc)
		if err != nil {
			return nil, false, err
		}
		var sh struct {
			Identifier string `json:"id"` // of storedHit
		}
		if err := json.Unmarshal(raw, &sh); err != nil {
			return nil, false, fmt.Errorf("search hit %d: %w", m.doc, err)
		}
		if sh.Identifier != "" {
			ids = append(ids, sh.Identifier)
		}
	}
	return ids, true, nil
}

// open opens the index reader the builder counts terms with.
func (b *builder) open() error {
	if b.reader != nil {
		return nil
	}
	var err error
	b.reader, err = b.x.reader()
	return err
}

// count returns how many documents have any of terms in field.
func (b *builder) count(field string, terms []string) (uint64, error) {
	if err := b.open(); err != nil {
		return 0, err
	}
	var n uint64
	for _, t := range terms {
		tfr, err := b.reader.TermFieldReader(b.ctx, []byte(t), field, false, false, false)
		if err != nil {
			return 0, err
		}
		n += tfr.Count()
		tfr.Close()
	}
	return n, nil
}

func boostedQuery(q query.Query, boost float64) query.Query {
	if boost == 1 {
		return q
	}
	// Bleve scores a conjunction or disjunction as the sum of its parts and
	// ignores a boost set on it: the boost goes to the leaves.
	switch c := q.(type) {
	case *query.DisjunctionQuery:
		for _, p := range c.Disjuncts {
			boostedQuery(p, boost)
		}
		return q
	case *query.ConjunctionQuery:
		for _, p := range c.Conjuncts {
			boostedQuery(p, boost)
		}
		return q
	case *query.BooleanQuery:
		for _, p := range []query.Query{c.Must, c.Should} {
			if p != nil {
				boostedQuery(p, boost)
			}
		}
		return q
	}
	if bq, ok := q.(query.BoostableQuery); ok {
		bq.SetBoost(bq.Boost() * boost)
	}
	return q
}
