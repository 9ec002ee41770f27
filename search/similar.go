package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/katalog/katalog/catalog"
)

// MaxSimilar is the most similar variables one request may ask for.
const MaxSimilar = 50

// Weights of what makes variables similar: the same subject concept or the
// same name count most, then the same code list, then title words (in the
// same language, and through synonyms).
const (
	boostSimSubject  = 6
	boostSimName     = 4
	boostSimCodeList = 3
	boostSimTitle    = 2
	similarPool      = 200 // candidates diversified for the answer
)

// Similar implements catalog.Index: variables of other datasets with the
// same subject, name, code list or title words as d's variable, one or two
// per dataset, each with the reasons.
func (x *Index) Similar(ctx context.Context, d catalog.Document, n int) ([]catalog.SimilarHit, error) {
	v := d.Variable
	if v == nil {
		return nil, catalog.Errorf(catalog.EINVALID, "similar: only variables have similar variables")
	}
	if n < 1 || n > MaxSimilar {
		return nil, catalog.Errorf(catalog.EINVALID, "size must be between 1 and %d, not %d", MaxSimilar, n)
	}
	b := &builder{x: x, ctx: ctx}
	defer b.close()
	var any []query.Query
	for _, c := range v.Subjects {
		any = append(any, boosted(termQuery(catalog.FacetTheme, conceptValue(c)), boostSimSubject))
	}
	if v.Name != "" {
		any = append(any, boosted(termQuery(fieldNameLower, strings.ToLower(fold(v.Name))), boostSimName))
	}
	if v.CodeList != "" {
		any = append(any, boosted(termQuery(fieldCodeList, v.CodeList), boostSimCodeList))
	}
	for lang, t := range v.Title {
		// The title's words in its own language's fields, any of them.
		for _, f := range fieldsOf(fieldTitle) {
			if f.analyzer != analyzerFor(lang) {
				continue
			}
			any = append(any, x.matchAny(f, t, boostSimTitle))
		}
		// And its synonyms in every language.
		for _, alt := range x.expand.synonymsOf(strings.Fields(t)) {
			if q := b.allWords(fieldsOf(fieldTitle), alt, boostSimTitle); q != nil {
				any = append(any, q)
			}
		}
	}
	if len(any) == 0 {
		return []catalog.SimilarHit{}, nil
	}
	// Variables only: by the type filter on the fast path, so that the
	// type adds nothing to the scores.
	must := []query.Query{bleve.NewDisjunctionQuery(any...)}
	var not []query.Query
	if d.Dataset != nil && d.Dataset.Identifier != "" {
		not = append(not, termQuery(catalog.FacetDataset, d.Dataset.Identifier))
	}
	cands, release, err := x.similarCandidates(ctx, query.NewBooleanQuery(must, nil, not))
	if err != nil {
		return nil, err
	}
	defer release()
	common := commonWords{}
	if n, err := x.idx.DocCount(); err == nil {
		common.limit = max(commonWordMin, uint64(float64(n)*commonWordShare))
	}
	// Candidates come best first, and a candidate's score only decays:
	// once n are kept whose scores are at least the next one's score, no
	// later candidate can come before them.
	type kept struct {
		hit   catalog.SimilarHit
		score float64
	}
	var out []kept
	perDataset := map[string]int{}
	for i, c := range cands {
		if len(out) >= n {
			sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
			if out[n-1].score >= c.score {
				break
			}
		}
		h, err := c.load()
		if err != nil {
			return nil, err
		}
		if h.hit.IRI == v.IRI {
			continue
		}
		reasons := x.reasons(v, h.stored)
		if len(reasons) == 0 || (len(reasons) == 1 && reasons[0].Kind == catalog.ReasonSharedWords && !common.anyRare(b, reasons[0].Words)) {
			continue // nothing shared but words such as "cm" or "age"
		}
		ds := h.hit.Dataset.IRI
		score := cands[i].score * math.Pow(decayDataset, float64(perDataset[ds]))
		perDataset[ds]++
		out = append(out, kept{catalog.SimilarHit{SearchHit: h.hit, Reasons: reasons}, score})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	hits := make([]catalog.SimilarHit, 0, n)
	for _, k := range out[:min(n, len(out))] {
		k.hit.Score = k.score
		hits = append(hits, k.hit)
	}
	return hits, nil
}

// candidate is a match of a similarity query, by score, whose hit is
// loaded when it is needed.
type candidate struct {
	score float64
	load  func() (loadedHit, error)
}

type loadedHit struct {
	hit    catalog.SearchHit
	stored storedHit
}

// similarCandidates returns the best similarPool matches of q, best first
// (ties in index order): by the fast path, or by Bleve's collector while
// the facet columns are being built. The caller must call release when it
// has loaded the candidates it wants.
func (x *Index) similarCandidates(ctx context.Context, q query.Query) (cands []candidate, release func(), err error) {
	req := &catalog.SearchRequest{Type: catalog.KindVariable}
	p, err := x.fastSearch(ctx, req, q, fastOptions{need: similarPool, noFacets: true})
	if err == nil {
		snap, offs := p.snap, p.offs
		out := make([]candidate, len(p.top))
		for i, m := range p.top {
			out[i] = candidate{score: m.score, load: func() (loadedHit, error) {
				id, raw, err := storedAt(snap, offs, m.doc)
				if err != nil {
					return loadedHit{}, err
				}
				return loadHit(&bsearch.DocumentMatch{ID: id, Score: m.score, Fields: map[string]any{fieldHit: string(raw)}})
			}}
		}
		return out, func() { snap.Close() }, nil
	}
	if !errors.Is(err, errNotReady) {
		return nil, nil, err
	}
	q = bleve.NewConjunctionQuery(termQuery(fieldType, string(catalog.KindVariable)), q)
	sr := bleve.NewSearchRequestOptions(q, similarPool, 0, false)
	sr.Fields = []string{fieldHit}
	sr.SortBy([]string{"-_score", "_id"})
	res, err := x.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, nil, fmt.Errorf("similar: %w", err)
	}
	out := make([]candidate, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = candidate{score: h.Score, load: func() (loadedHit, error) { return loadHit(h) }}
	}
	return out, func() {}, nil
}

func loadHit(h *bsearch.DocumentMatch) (loadedHit, error) {
	sh, err := stored(h)
	if err != nil {
		return loadedHit{}, err
	}
	return loadedHit{hitOf(sh, h.Score), sh}, nil
}

// matchAny matches any word of text in field f as its analyzer reads it,
// as Bleve's match query does (a disjunction of one term query per token,
// nothing if there is none).
func (x *Index) matchAny(f textField, text string, boost float64) query.Query {
	tokens := x.analyze(f.analyzer, text)
	if len(tokens) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	tqs := make([]query.Query, len(tokens))
	for i, t := range tokens {
		tqs[i] = boosted(termQuery(f.name, string(t.Term)), boost)
	}
	q := bleve.NewDisjunctionQuery(tqs...)
	q.SetMin(1)
	return q
}

// reasons says why the variable sh is like v; none if it is not.
func (x *Index) reasons(v *catalog.Variable, sh storedHit) []catalog.Reason {
	var out []catalog.Reason
	subjects := map[string]bool{}
	for _, c := range v.Subjects {
		subjects[conceptValue(c)] = true
	}
	for _, s := range sh.Subjects {
		if subjects[s] {
			out = append(out, catalog.Reason{Kind: catalog.ReasonSameSubject, Value: s})
			break
		}
	}
	if v.Name != "" && strings.EqualFold(v.Name, sh.Name) {
		out = append(out, catalog.Reason{Kind: catalog.ReasonSameName, Value: sh.Name})
	}
	if v.CodeList != "" && v.CodeList == sh.CodeList {
		out = append(out, catalog.Reason{Kind: catalog.ReasonSameCodeList, Value: sh.CodeList})
	}
	sameTitle := false
	for _, a := range v.Title {
		for _, b := range sh.Title {
			if suggestKey(a) == suggestKey(b) {
				sameTitle = true
			}
		}
	}
	if sameTitle {
		return append(out, catalog.Reason{Kind: catalog.ReasonSameTitle})
	}
	if words := x.sharedWords(v.Title, sh.Title); len(words) > 0 {
		out = append(out, catalog.Reason{Kind: catalog.ReasonSharedWords, Words: words})
	}
	for _, a := range v.Title {
		alts := map[string]bool{}
		for _, s := range x.expand.synonymsOf(strings.Fields(a)) {
			alts[suggestKey(s)] = true
		}
		for _, b := range sh.Title {
			if alts[suggestKey(b)] {
				return append(out, catalog.Reason{Kind: catalog.ReasonSynonym, Value: b})
			}
		}
	}
	return out
}

// sharedWords returns the words of b's titles whose stems are among the
// stems of a's titles in the same analyzer, as b writes them.
func (x *Index) sharedWords(a, b catalog.Text) []string {
	seen := map[string]bool{}
	var out []string
	for la, ta := range a {
		for lb, tb := range b {
			an := analyzerFor(la)
			if an != analyzerFor(lb) {
				continue
			}
			stems := map[string]bool{}
			for _, t := range x.analyze(an, ta) {
				stems[string(t.Term)] = true
			}
			for _, w := range strings.Fields(tb) {
				w = strings.Trim(w, ".,;:()[]\"'?!")
				ts := x.analyze(an, w)
				if len(ts) > 0 && stems[string(ts[0].Term)] && !seen[strings.ToLower(w)] {
					seen[strings.ToLower(w)] = true
					out = append(out, w)
				}
			}
		}
	}
	return out
}

// analyzerFor returns the analyzer of a language's text fields.
func analyzerFor(lang string) string {
	for _, l := range textLanguages() {
		if l.suffix == langField(lang) {
			return l.analyzer
		}
	}
	return analyzerOther
}

// A word in the titles of more than commonWordShare of the records (and
// more than commonWordMin) says too little to make variables similar by
// itself: a unit, "age", "date".
const (
	commonWordShare = 0.005
	commonWordMin   = 50
)

// commonWords tells rare title words from common ones, remembering the
// answers of one request.
type commonWords struct {
	limit uint64
	rare  map[string]bool
}

// anyRare says whether any of words has a letter and is in the titles of
// at most limit records, in the form each title analyzer gives it.
func (c *commonWords) anyRare(b *builder, words []string) bool {
	if c.limit == 0 {
		return true
	}
	if c.rare == nil {
		c.rare = map[string]bool{}
	}
	for _, w := range words {
		rare, ok := c.rare[w]
		if !ok {
			rare = strings.IndexFunc(w, unicode.IsLetter) >= 0 // a number alone says nothing
			for _, f := range fieldsOf(fieldTitle) {
				if !rare {
					break
				}
				if term := firstTerm(b.x.analyze(f.analyzer, w)); term != "" {
					n, err := b.count(f.name, []string{term})
					rare = err == nil && n <= c.limit
				}
			}
			c.rare[w] = rare
		}
		if rare {
			return true
		}
	}
	return false
}
