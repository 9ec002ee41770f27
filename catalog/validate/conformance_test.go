package validate

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
)

// shaclReport is what testdata/conformance/shacl.mjs prints.
type shaclReport struct {
	Shapes  string   `json:"shapes"`
	Files   []string `json:"files"`
	Results []struct {
		FocusNode        string `json:"focusNode"`
		FocusNodeContext *struct {
			Subject *string  `json:"subject"`
			Path    []string `json:"path"`
		} `json:"focusNodeContext"`
		Path              *string `json:"path"`
		Severity          string  `json:"severity"`
		Constraint        string  `json:"constraint"`
		ShapeOwner        string  `json:"shapeOwner"`
		Shape             string  `json:"shape"`
		Value             *string `json:"value"`
		StubbedVocabulary bool    `json:"stubbedVocabulary"`
	} `json:"results"`
}

func readShaclReport(t *testing.T, file string) *shaclReport {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var r shaclReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &r
}

// parsed is a fixture as Katalog reads it, with the edges into blank
// nodes, to name them the way shacl.mjs does.
type parsed struct {
	g        *dcat.Graph
	incoming map[string][]rdf.Triple // blank node label → triples that point to it
	variable map[string]bool         // IRIs of table groups, tables and columns
	access   map[string]string       // dataset IRI → access level
}

func parseFixture(t *testing.T, file string) *parsed {
	t.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(abs)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	format := rdf.FormatTurtle
	switch filepath.Ext(file) {
	case ".jsonld":
		format = rdf.FormatJSONLD
	case ".xml", ".rdf":
		format = rdf.FormatRDFXML
	}
	p := &parsed{g: dcat.NewGraph(), incoming: map[string][]rdf.Triple{}, variable: map[string]bool{}, access: map[string]string{}}
	base := (&url.URL{Scheme: "file", Path: abs}).String() // as shacl.mjs's default base
	err = rdf.Parse(f, format, rdf.Options{Base: base, Relative: p.g.NoteRelative}, func(tr rdf.Triple) error {
		if tr.O.IsBlank() {
			p.incoming[tr.O.Value] = append(p.incoming[tr.O.Value], tr)
		}
		switch tr.P.Value {
		case pHasVars, pTable, pColumn:
			p.variable[tr.O.Value] = true
		case pAccess:
			p.access[tr.S.Value] = strings.TrimPrefix(tr.O.Value, accessPrefix)
		}
		return p.g.Add(tr)
	})
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return p
}

// node names a finding's resource as the comparison keys it: an IRI as is,
// a blank node by the nearest IRI that points to it and the predicates on
// the way (shacl.mjs's focusNodeContext); "" for a blank node nothing
// named points to.
func (p *parsed) node(name string) string {
	label, blank := strings.CutPrefix(name, "_:")
	if !blank {
		return name
	}
	var chain []string
	seen := map[string]bool{}
	node := rdf.Blank(label)
	for node.IsBlank() && len(chain) < 10 && !seen[node.Value] {
		seen[node.Value] = true
		in := p.incoming[node.Value]
		if len(in) == 0 {
			break
		}
		best := in[0]
		for _, tr := range in[1:] {
			if tr.S.IsIRI() != best.S.IsIRI() {
				if tr.S.IsIRI() {
					best = tr
				}
				continue
			}
			if tr.S.Value < best.S.Value || tr.S.Value == best.S.Value && tr.P.Value < best.P.Value {
				best = tr
			}
		}
		chain = append([]string{best.P.Value}, chain...)
		node = best.S
	}
	if !node.IsIRI() {
		return ""
	}
	return contextKey(node.Value, chain)
}

func contextKey(subject string, path []string) string {
	return subject + " / " + strings.Join(path, " / ")
}

// A comparison counts findings as (resource, property) pairs: the shapes
// and Katalog word and split their findings differently (one result per
// value or one per property, a sh:node result beside its cause), but both
// say which property of which resource is wrong.
type pair struct{ node, path string }

// A group is the findings of one kind on one side, for the report.
type group struct {
	name    string
	total   int
	matched int
}

// excludedShape says why a kind of SHACL violation is outside what the
// profiles cover; "" means it is inside.
func excludedShape(constraint string, stubbed bool) string {
	switch {
	case constraint == "sh:ClassConstraintComponent" && stubbed:
		return "sh:class on an EU vocabulary IRI: the vocabulary's own data (its rdf:type) is not loaded"
	case constraint == "sh:ClassConstraintComponent":
		return "sh:class on a value (a landing page typed foaf:Document, a place typed dct:Location): Katalog checks the form of such values, not their rdf:type"
	case constraint == "sh:SPARQLConstraintComponent":
		return "the graph guard (a dcat:Dataset in the document): Katalog's feed-empty rule"
	}
	return ""
}

// excludedRule says why a kind of Katalog error has no counterpart in the
// shapes; "" means it has.
func excludedRule(rule string) string {
	switch _, name, _ := strings.Cut(rule, ":"); name {
	case "iri-absolute", "feed-empty":
		return "about the feed as a whole, which SHACL does not see"
	case "identifier-unique":
		return "uniqueness across resources, which the shapes do not check"
	case "code-list":
		return "national rule: code lists the feed describes"
	case "vocabulary-code":
		return "a value in an EU vocabulary's namespace that is not one of its codes: the shapes accept any (the vocabulary's data is not loaded, shacl.mjs stubs its namespace)"
	}
	return ""
}

// comparison holds what one profile and its shape set found on the fixtures.
type comparison struct {
	shacl, katalog        map[string]*group // by kind
	shaclTotal, recalled  int
	katalogTotal, precise int
	excluded              map[string]int // reason → SHACL violations left out
	excludedKatalog       map[string]int // reason → Katalog errors left out
}

func newComparison() *comparison {
	return &comparison{shacl: map[string]*group{}, katalog: map[string]*group{}, excluded: map[string]int{}, excludedKatalog: map[string]int{}}
}

func count(m map[string]*group, kind string, matched bool) {
	g := m[kind]
	if g == nil {
		g = &group{name: kind}
		m[kind] = g
	}
	g.total++
	if matched {
		g.matched++
	}
}

// compare adds one fixture: the violations of the shape set (results, by
// pair) against Katalog's errors (findings). A sh:node violation says that
// a value breaks a shape of its own; Katalog reports the cause on the value
// itself, so either side's finding on the value counts for it.
func (c *comparison) compare(p *parsed, reports []*shaclReport, pick func(focus string) int, rep *Report) {
	type violation struct{ kind, value string }
	violations := map[pair]violation{}
	supported := map[pair]bool{}      // pairs with a violation
	brokenValues := map[string]bool{} // values a sh:node violation names
	for i, r := range reports {
		for _, res := range r.Results {
			node := res.FocusNode
			if strings.HasPrefix(node, "_:") {
				node = ""
				if ctx := res.FocusNodeContext; ctx != nil && ctx.Subject != nil {
					node = contextKey(*ctx.Subject, ctx.Path)
				}
			}
			if pick(node) != i || res.Severity != "Violation" {
				continue
			}
			path := ""
			if res.Path != nil {
				path = *res.Path
			}
			k := pair{node, path}
			supported[k] = true
			value := ""
			if res.Constraint == "sh:NodeConstraintComponent" && res.Value != nil && !strings.HasPrefix(*res.Value, `"`) && !strings.HasPrefix(*res.Value, "_:") {
				value = *res.Value
				brokenValues[value] = true
			}
			owner := res.ShapeOwner
			if owner == "" {
				owner = res.Shape
			}
			owner = owner[strings.LastIndexAny(owner, "#/")+1:]
			kind := fmt.Sprintf("%s %s %s", strings.TrimSuffix(strings.TrimPrefix(res.Constraint, "sh:"), "ConstraintComponent"), owner, compactIRI(path))
			if why := excludedShape(res.Constraint, res.StubbedVocabulary); why != "" {
				c.excluded[why]++
				continue
			}
			if _, dup := violations[k]; !dup || value != "" {
				violations[k] = violation{kind, value}
			}
		}
	}
	errors := map[pair]string{}
	errorNodes := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Severity != catalog.SeverityError {
			continue
		}
		if why := excludedRule(f.Rule); why != "" {
			c.excludedKatalog[why]++
			continue
		}
		// A blank node's finding names the nearest IRI and the path from
		// it, as shacl.mjs's focusNodeContext does.
		steps := strings.Split(f.Path, pathSep)
		node := p.node(f.Resource)
		if len(steps) > 1 {
			var via []string
			for _, st := range steps[:len(steps)-1] {
				via = append(via, expand(st))
			}
			node = contextKey(f.Resource, via)
		}
		k := pair{node, expand(steps[len(steps)-1])}
		errors[k] = ruleKind(f.Rule)
		errorNodes[k.node] = true
	}
	debug := os.Getenv("KATALOG_CONFORMANCE_DEBUG")
	for k, v := range violations {
		_, ok := errors[k]
		ok = ok || v.value != "" && errorNodes[v.value]
		if !ok && debug != "" && strings.Contains(v.kind, debug) {
			fmt.Printf("MISS %s %s | %s\n", v.kind, k.node, k.path)
		}
		count(c.shacl, v.kind, ok)
		c.shaclTotal++
		if ok {
			c.recalled++
		}
	}
	for k, kind := range errors {
		ok := supported[k] || brokenValues[k.node]
		if !ok && debug != "" && strings.Contains(kind, debug) {
			fmt.Printf("EXTRA %s %s | %s\n", kind, k.node, k.path)
		}
		count(c.katalog, kind, ok)
		c.katalogTotal++
		if ok {
			c.precise++
		}
	}
}

// ruleKind drops the profile from a rule name.
func ruleKind(rule string) string {
	_, name, _ := strings.Cut(rule, ":")
	return name
}

func compactIRI(iri string) string {
	if iri == "" {
		return "(node)"
	}
	return newCompacter().compact(iri)
}

// TestConformance compares Katalog's findings on the fixtures with what the
// official SHACL shapes report on them (testdata/conformance: make
// conformance runs the shapes, then this test). Recall is the share of the
// shapes' violations, in what the profile covers, that Katalog reports as
// errors; precision is the share of Katalog's errors that the shapes
// report as violations. Both must reach 95 %.
func TestConformance(t *testing.T) {
	dir := os.Getenv("KATALOG_SHACL_REPORTS")
	if dir == "" {
		t.Skip("KATALOG_SHACL_REPORTS is not set: make conformance runs the shapes and then this test")
	}
	sets := map[string][]string{
		"dcat-ap-no":    {"dcat-ap-no"},
		"healthdcat-ap": {"healthdcat-ap-public", "healthdcat-ap-restricted", "healthdcat-ap-non-public"},
		"national":      {"dcat-ap-no", "healthdcat-ap-public"},
	}
	tiers := map[string]int{"PUBLIC": 0, "RESTRICTED": 1, "NON_PUBLIC": 2}
	names, err := filepath.Glob(filepath.Join(dir, "dcat-ap-no", "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no SHACL reports in %s/dcat-ap-no (%v)", dir, err)
	}
	results := map[string]*comparison{}
	for _, profile := range Profiles() {
		results[profile] = newComparison()
	}
	for _, name := range names {
		base := filepath.Base(name)
		first := readShaclReport(t, name)
		if len(first.Files) != 1 {
			t.Fatalf("%s: want a report on one file, not %v", name, first.Files)
		}
		p := parseFixture(t, filepath.Join("..", "..", first.Files[0]))
		for _, profile := range Profiles() {
			var reports []*shaclReport
			for _, set := range sets[profile] {
				reports = append(reports, readShaclReport(t, filepath.Join(dir, set, base)))
			}
			pick := func(string) int { return 0 }
			switch profile {
			case "healthdcat-ap":
				pick = func(node string) int { return tiers[p.access[node]] }
			case "national":
				pick = func(node string) int {
					if p.variable[node] {
						return 1
					}
					return 0
				}
			}
			v, err := New(profile)
			if err != nil {
				t.Fatal(err)
			}
			results[profile].compare(p, reports, pick, v.Validate(p.g))
		}
	}
	for _, profile := range Profiles() {
		c := results[profile]
		recall := 100 * float64(c.recalled) / float64(max(1, c.shaclTotal))
		precision := 100 * float64(c.precise) / float64(max(1, c.katalogTotal))
		t.Logf("%s: recall %.1f %% (%d of %d violations), precision %.1f %% (%d of %d errors)",
			profile, recall, c.recalled, c.shaclTotal, precision, c.precise, c.katalogTotal)
		logGroups(t, "  violations Katalog misses", c.shacl)
		logGroups(t, "  errors the shapes do not report", c.katalog)
		for why, n := range c.excluded {
			t.Logf("  left out, %d violations: %s", n, why)
		}
		for why, n := range c.excludedKatalog {
			t.Logf("  left out, %d errors: %s", n, why)
		}
		if c.shaclTotal == 0 || c.katalogTotal == 0 {
			t.Errorf("%s: %d violations and %d errors to compare; the reports or the fixtures are missing", profile, c.shaclTotal, c.katalogTotal)
		}
		if recall < 95 || precision < 95 {
			t.Errorf("%s: recall %.1f %%, precision %.1f %%; want both at least 95 %%", profile, recall, precision)
		}
	}
}

// logGroups prints the kinds with findings the other side does not have.
func logGroups(t *testing.T, title string, groups map[string]*group) {
	var gs []*group
	for _, g := range groups {
		if g.matched < g.total {
			gs = append(gs, g)
		}
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].total-gs[i].matched > gs[j].total-gs[j].matched })
	if len(gs) > 0 {
		t.Log(title + ":")
	}
	for _, g := range gs[:min(len(gs), 12)] {
		t.Logf("    %6d of %6d  %s", g.total-g.matched, g.total, g.name)
	}
}
