package validate

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/katalog/katalog/catalog"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// IRIs the walk follows.
const (
	rdfType          = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	rdfFirst         = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
	rdfRest          = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
	rdfNil           = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
	dcatCatalog      = "http://www.w3.org/ns/dcat#Catalog"
	dcatDataset      = "http://www.w3.org/ns/dcat#Dataset"
	dcatDistribution = "http://www.w3.org/ns/dcat#Distribution"
	pDataset         = "http://www.w3.org/ns/dcat#dataset"
	pDist            = "http://www.w3.org/ns/dcat#distribution"
	pContact         = "http://www.w3.org/ns/dcat#contactPoint"
	pPublisher       = "http://purl.org/dc/terms/publisher"
	pAccess          = "http://purl.org/dc/terms/accessRights"
	pHDAB            = "http://healthdataportal.eu/ns/health#hdab"
	pHasVars         = "http://healthdataportal.eu/ns/health#hasVariables"
	pTable           = "http://www.w3.org/ns/csvw#table"
	pColumn          = "http://www.w3.org/ns/csvw#column"
	pValueFrom       = "https://data.norge.no/vocabulary/modelldcatno#hasValueFrom"
	pTemporal        = "http://purl.org/dc/terms/temporal"
	pConformsTo      = "http://purl.org/dc/terms/conformsTo"
	pAdmsID          = "http://www.w3.org/ns/adms#identifier"
	accessPrefix     = "http://publications.europa.eu/resource/authority/access-right/"
)

// resource is one resource the walk found, with what it is checked as.
type resource struct {
	class   string
	term    catalog.RDFTerm
	stmts   []catalog.Statement
	access  string          // a dataset's access level, for per-level profiles
	dataset catalog.RDFTerm // the dataset a resource belongs to, if any
}

// run is one Validate call.
type run struct {
	v       *Validator
	feed    catalog.Feed
	c       *compacter
	report  *Report
	seen    map[string]bool // class + resource already checked
	missing map[string][2]int
	memo    map[string][]*jsonschema.ValidationError // schema outcome by resource shape
	// Rule names and messages made once per run (findings share them).
	ruleNames    map[ruleKey]string
	missingTexts map[ruleKey]catalog.Text
	via          map[string]edge // blank node label → the first edge that reached it
	datasets     []resource
	all          []resource
}

// Validate checks a feed and reports what it found.
func (v *Validator) Validate(feed catalog.Feed) *Report {
	r := &run{
		v: v, feed: feed, c: newCompacter(),
		report:  &Report{Profile: v.profile, Datasets: map[string]catalog.Quality{}, Resources: map[string]catalog.Validation{}},
		seen:    map[string]bool{},
		missing: map[string][2]int{},
		memo:    map[string][]*jsonschema.ValidationError{},

		ruleNames:    map[ruleKey]string{},
		missingTexts: map[ruleKey]catalog.Text{},
		via:          map[string]edge{},
	}
	r.walk()
	for i := range r.all {
		r.checkSchemas(&r.all[i])
	}
	for _, rule := range v.rules() {
		rule.check(r, rule)
	}
	r.score()
	return r.report
}

// walk finds what to check: catalogues and the datasets they list, every
// typed dataset, and what datasets point to.
func (r *run) walk() {
	var datasets []catalog.RDFTerm
	listed := map[catalog.RDFTerm]bool{}
	for _, c := range r.feed.OfType(dcatCatalog) {
		stmts := r.feed.Describe(c)
		r.add("Catalog", c, stmts, "", catalog.RDFTerm{})
		r.references(c, stmts, catalog.RDFTerm{})
		for _, s := range stmts {
			if s.Predicate == pDataset && !listed[s.Object] && s.Object.Kind != catalog.TermLiteral {
				r.link(c, pDataset, s.Object)
				listed[s.Object] = true
				datasets = append(datasets, s.Object)
			}
		}
	}
	for _, d := range r.feed.OfType(dcatDataset) {
		if !listed[d] {
			listed[d] = true
			datasets = append(datasets, d)
		}
	}
	for _, d := range datasets {
		stmts := r.feed.Describe(d)
		if stmts == nil {
			continue // listed but described elsewhere: not ours to judge
		}
		access := "PUBLIC"
		for _, s := range stmts {
			if s.Predicate == pAccess {
				if level, ok := strings.CutPrefix(s.Object.Value, accessPrefix); ok {
					access = level
				}
			}
		}
		r.add("Dataset", d, stmts, access, d)
		r.datasets = append(r.datasets, r.all[len(r.all)-1])
		r.references(d, stmts, d)
	}
	// Distributions that no dataset lists are checked all the same.
	for _, d := range r.feed.OfType(dcatDistribution) {
		r.addDescribed("Distribution", d, catalog.RDFTerm{})
	}
	// The parts of what was found: periods of time, standards and other
	// identifiers, whoever points to them.
	for i := range len(r.all) {
		res := r.all[i]
		for _, s := range res.stmts {
			if s.Object.Kind == catalog.TermLiteral {
				continue
			}
			r.link(res.term, s.Predicate, s.Object)
			switch s.Predicate {
			case pTemporal:
				r.addDescribed("PeriodOfTime", s.Object, res.dataset)
			case pConformsTo:
				r.addDescribed("Standard", s.Object, res.dataset)
			case pAdmsID:
				r.addDescribed("Identifier", s.Object, res.dataset)
			}
		}
	}
}

// references adds the resources a catalogue or dataset points to.
func (r *run) references(subject catalog.RDFTerm, stmts []catalog.Statement, dataset catalog.RDFTerm) {
	for _, s := range stmts {
		o := s.Object
		if o.Kind == catalog.TermLiteral {
			continue
		}
		r.link(subject, s.Predicate, o)
		switch s.Predicate {
		case pDist:
			r.addDescribed("Distribution", o, dataset)
		case pContact:
			r.addDescribed("ContactPoint", o, dataset)
		case pPublisher:
			class := "Agent"
			if r.v.profile == "healthdcat-ap" && dataset.Kind != 0 {
				class = "HealthPublisher"
			}
			r.addDescribed(class, o, dataset)
		case pHDAB:
			r.addDescribed("HealthAgent", o, dataset)
		case pHasVars:
			r.variables(o, dataset)
		}
	}
}

// variables follows healthdcatap:hasVariables to a table group, a table or
// columns, as package dcat reads them.
func (r *run) variables(o, dataset catalog.RDFTerm) {
	stmts := r.feed.Describe(o)
	switch {
	case has(stmts, pTable):
		r.add("TableGroup", o, stmts, "", dataset)
		for _, t := range r.members(stmts, pTable) {
			r.link(o, pTable, t)
			r.table(t, dataset)
		}
	case has(stmts, pColumn):
		r.table(o, dataset)
	case stmts != nil:
		r.column(o, stmts, dataset)
	}
}

func (r *run) table(t, dataset catalog.RDFTerm) {
	stmts := r.feed.Describe(t)
	if !r.add("Table", t, stmts, "", dataset) {
		return
	}
	for _, c := range r.members(stmts, pColumn) {
		r.link(t, pColumn, c)
		r.column(c, r.feed.Describe(c), dataset)
	}
}

func (r *run) column(c catalog.RDFTerm, stmts []catalog.Statement, dataset catalog.RDFTerm) {
	r.add("Column", c, stmts, "", dataset)
}

// members returns the values of a property, expanding RDF lists.
func (r *run) members(stmts []catalog.Statement, p string) []catalog.RDFTerm {
	var out []catalog.RDFTerm
	for _, s := range stmts {
		if s.Predicate != p || s.Object.Kind == catalog.TermLiteral {
			continue
		}
		if s.Object.Kind != catalog.TermBlank {
			out = append(out, s.Object)
			continue
		}
		node, seen := s.Object, map[catalog.RDFTerm]bool{}
		first, ok := value(r.feed.Describe(node), rdfFirst)
		if !ok {
			out = append(out, s.Object)
			continue
		}
		for ok && !seen[node] {
			seen[node] = true
			out = append(out, first)
			rest := r.feed.Describe(node)
			next, more := value(rest, rdfRest)
			if !more || next.Value == rdfNil {
				break
			}
			node = next
			first, ok = value(r.feed.Describe(node), rdfFirst)
		}
	}
	return out
}

func (r *run) addDescribed(class string, o, dataset catalog.RDFTerm) {
	r.add(class, o, r.feed.Describe(o), "", dataset)
}

// link notes that from points to a blank node, so that findings about the
// blank node can name the nearest IRI and the path from it.
func (r *run) link(from catalog.RDFTerm, predicate string, to catalog.RDFTerm) {
	if to.Kind != catalog.TermBlank || to == from {
		return
	}
	if _, ok := r.via[to.Value]; !ok {
		r.via[to.Value] = edge{from, r.c.compact(predicate)}
	}
}

type edge struct {
	from      catalog.RDFTerm
	predicate string
}

// pathSep separates the steps of a property path in a finding; IRIs cannot
// hold a space.
const pathSep = " / "

// locate names where a finding about a resource's property is: a blank
// node is named by the nearest IRI that points to it, and the path from
// there (dct:temporal / dcat:startDate).
func (r *run) locate(t catalog.RDFTerm, prop string) (resource, path string) {
	path = prop
	for range 10 {
		e, ok := r.via[t.Value]
		if t.Kind != catalog.TermBlank || !ok {
			break
		}
		path = e.predicate + pathSep + path
		t = e.from
	}
	if t.Kind == catalog.TermBlank {
		return t.Name(), prop // nothing named points to it
	}
	return t.Name(), path
}

// add queues a resource for checking once per class; it reports whether
// the resource was new.
func (r *run) add(class string, t catalog.RDFTerm, stmts []catalog.Statement, access string, dataset catalog.RDFTerm) bool {
	key := class + "\x00" + t.Name()
	if r.seen[key] {
		return false
	}
	r.seen[key] = true
	r.all = append(r.all, resource{class: class, term: t, stmts: stmts, access: access, dataset: dataset})
	return true
}

func has(stmts []catalog.Statement, p string) bool {
	_, ok := value(stmts, p)
	return ok
}

func value(stmts []catalog.Statement, p string) (catalog.RDFTerm, bool) {
	for _, s := range stmts {
		if s.Predicate == p {
			return s.Object, true
		}
	}
	return catalog.RDFTerm{}, false
}

// checkSchemas runs a resource's mandatory and recommended schemas. The
// outcome of a schema depends only on the shape of the resource (which
// properties, how many values, of which kinds, languages and datatypes, and
// the values of valueChecked properties), and the resources of a feed come in
// few shapes, so outcomes are remembered per shape.
func (r *run) checkSchemas(res *resource) {
	shape := r.shape(res.stmts)
	var obj map[string]any
	for _, level := range []string{"mandatory", "recommended"} {
		s := r.v.schema(res.class, res.access, level)
		if s == nil {
			continue
		}
		key := res.class + "." + res.access + "." + level + "\x00" + shape
		ls, ok := r.memo[key]
		if !ok || r.v.noMemo {
			if obj == nil {
				obj = r.normalise(res.stmts)
			}
			ls = nil
			if err := s.Validate(obj); err != nil {
				if ve, ok := err.(*jsonschema.ValidationError); ok {
					ls = leaves(ve)
				}
			}
			r.memo[key] = ls
		}
		if len(ls) > 0 {
			if obj == nil {
				obj = r.normalise(res.stmts)
			}
			r.schemaFindings(res, level, obj, ls)
		}
	}
}

// valueChecked reports whether a profile constrains the values of a
// property itself (an enum on "@value"), so that its values belong in a
// resource's shape. Keep it in step with the profiles: a test checks that
// remembered outcomes equal fresh ones on every fixture.
func valueChecked(prop string) bool { return prop == "csvw:datatype" }

// shape describes what the schemas see of a resource, short of the values.
func (r *run) shape(stmts []catalog.Statement) string {
	var b strings.Builder
	for _, st := range stmts {
		key := r.c.compact(st.Predicate)
		b.WriteString(key)
		switch st.Object.Kind {
		case catalog.TermIRI:
			b.WriteString("|i")
		case catalog.TermBlank:
			b.WriteString("|b")
		default:
			b.WriteString("|l@")
			b.WriteString(st.Object.Lang)
			b.WriteByte('^')
			b.WriteString(st.Object.Datatype)
			if valueChecked(key) {
				b.WriteByte('=')
				b.WriteString(st.Object.Value)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// normalise builds the JSON form the schemas read: prefixed property names
// to arrays of {"@id"}, {"@blank"} or {"@value", "@language", "@type"}.
func (r *run) normalise(stmts []catalog.Statement) map[string]any {
	obj := make(map[string]any, len(stmts))
	// A graph is a set: the same statement twice (a paged feed repeats
	// its catalogue on every page) is one value, not two.
	seen := make(map[catalog.Statement]bool, len(stmts))
	for _, s := range stmts {
		if seen[s] {
			continue
		}
		seen[s] = true
		key := r.c.compact(s.Predicate)
		var v map[string]any
		switch s.Object.Kind {
		case catalog.TermIRI:
			v = map[string]any{"@id": s.Object.Value}
		case catalog.TermBlank:
			v = map[string]any{"@blank": s.Object.Value}
		default:
			v = map[string]any{"@value": s.Object.Value}
			if s.Object.Lang != "" {
				v["@language"] = s.Object.Lang
			}
			if s.Object.Datatype != "" {
				v["@type"] = r.c.compact(s.Object.Datatype)
			}
		}
		arr, _ := obj[key].([]any)
		obj[key] = append(arr, v)
	}
	return obj
}

// schemaFindings turns a schema's validation errors into findings.
func (r *run) schemaFindings(res *resource, level string, obj map[string]any, ls []*jsonschema.ValidationError) {
	sev := catalog.SeverityError
	if level == "recommended" {
		sev = catalog.SeverityWarning
	}
	labelled := false // the contains of a label reports once, not per value
	for _, leaf := range ls {
		segs := pointer(leaf.InstanceLocation)
		keyword := leaf.KeywordLocation[strings.LastIndexByte(leaf.KeywordLocation, '/')+1:]
		switch {
		case keyword == "required" && len(segs) == 0:
			for _, prop := range missingProps(leaf.Message) {
				r.missingProp(res, level)
				r.emit(res, sev, prop, r.schemaRule(res, prop, "missing"), r.missingMessage(res.class, prop, level == "mandatory"))
			}
		case len(segs) == 0:
			continue // composite keywords (allOf, $ref) report their causes
		case keyword == "maxItems":
			arr, _ := obj[segs[0]].([]any)
			r.emit(res, sev, segs[0], r.schemaRule(res, segs[0], "max-one"), tooManyMessage(res.class, segs[0], len(arr)))
		case keyword == "contains" || strings.Contains(leaf.KeywordLocation, "/contains/"):
			if !labelled {
				labelled = true
				r.emit(res, sev, segs[0], r.schemaRule(res, segs[0], "label-language"), labelLanguageMessage())
			}
		case keyword == "enum" && len(segs) >= 3 && segs[2] == "@value":
			r.emit(res, sev, segs[0], r.schemaRule(res, segs[0], "value"), datatypeNameMessage(valueAt(obj, segs)))
		default:
			want := formWanted(leaf.AbsoluteKeywordLocation)
			r.emit(res, sev, segs[0], r.schemaRule(res, segs[0], "form-"+want), formMessage(res.class, segs[0], want, describeValue(obj, segs)))
		}
	}
}

// leaves returns the innermost errors of a validation error.
// They are sorted by where they point, because the validator walks an
// object's properties in map order and a report must read the same twice.
func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	var out []*jsonschema.ValidationError
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, e)
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].InstanceLocation != out[j].InstanceLocation {
			return out[i].InstanceLocation < out[j].InstanceLocation
		}
		return out[i].KeywordLocation < out[j].KeywordLocation
	})
	return out
}

// pointer splits a JSON pointer into its unescaped segments.
func pointer(p string) []string {
	if p == "" || p == "/" {
		return nil
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range segs {
		segs[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
	}
	return segs
}

// missingProps reads the property names of a "missing properties" error.
func missingProps(msg string) []string {
	_, list, ok := strings.Cut(msg, ":")
	if !ok {
		return nil
	}
	var out []string
	for _, p := range strings.Split(list, ",") {
		if p = strings.Trim(strings.TrimSpace(p), `'"`); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// formWanted reads which value kind of common.json a failed keyword
// belongs to, e.g. ".../common.json#/$defs/date/required" → "date".
func formWanted(abs string) string {
	_, after, ok := strings.Cut(abs, "common.json#/$defs/")
	if !ok {
		return "value"
	}
	kind, _, _ := strings.Cut(after, "/")
	return kind
}

func valueAt(obj map[string]any, segs []string) string {
	arr, _ := obj[segs[0]].([]any)
	if len(segs) < 2 {
		return ""
	}
	i, err := strconv.Atoi(segs[1])
	if err != nil || i >= len(arr) {
		return ""
	}
	m, _ := arr[i].(map[string]any)
	for _, k := range []string{"@value", "@id", "@blank"} {
		if s, ok := m[k].(string); ok {
			return s
		}
	}
	return ""
}

// describeValue shows a value in a message as it appears in Turtle.
func describeValue(obj map[string]any, segs []string) string {
	arr, _ := obj[segs[0]].([]any)
	i := 0
	if len(segs) > 1 {
		i, _ = strconv.Atoi(segs[1])
	}
	if i >= len(arr) {
		return ""
	}
	m, _ := arr[i].(map[string]any)
	switch {
	case m["@id"] != nil:
		return "<" + m["@id"].(string) + ">"
	case m["@blank"] != nil:
		return "_:" + m["@blank"].(string)
	}
	s := strconv.Quote(abbreviate(m["@value"].(string)))
	if l, ok := m["@language"].(string); ok {
		s += "@" + l
	}
	if t, ok := m["@type"].(string); ok {
		s += "^^" + t
	}
	return s
}

func abbreviate(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "…"
	}
	return s
}

// schemaRule names the rule of a schema finding: profile:Class.property:kind.
func (r *run) schemaRule(res *resource, prop, kind string) string {
	key := ruleKey{res.class, prop, kind}
	name, ok := r.ruleNames[key]
	if !ok {
		name = r.v.profile + ":" + res.class + "." + prop + ":" + kind
		r.ruleNames[key] = name
	}
	return name
}

type ruleKey struct{ class, prop, kind string }

// missingMessage says that a property is missing. The thousands of
// variables of a feed miss the same few properties, so the messages are
// made once per run and shared.
func (r *run) missingMessage(class, prop string, mandatory bool) catalog.Text {
	kind := "recommended"
	if mandatory {
		kind = "mandatory"
	}
	key := ruleKey{class, prop, kind}
	msg, ok := r.missingTexts[key]
	if !ok {
		msg = missingMessage(r.v.profile, class, prop, mandatory)
		r.missingTexts[key] = msg
	}
	return msg
}

// emit records a finding about a resource.
func (r *run) emit(res *resource, sev catalog.Severity, prop, rule string, msg catalog.Text) {
	name, path := res.term.Name(), prop
	if res.term.Kind == catalog.TermBlank {
		name, path = r.locate(res.term, prop)
	}
	r.report.Findings = append(r.report.Findings, catalog.Finding{
		Severity: sev,
		Resource: name,
		Path:     path,
		Message:  msg,
		Rule:     rule,
		SpecURL:  specURL(r.v.profile, res.class),
	})
	c := r.report.Resources[name]
	if sev == catalog.SeverityError {
		c.Errors++
	} else if sev == catalog.SeverityWarning {
		c.Warnings++
	}
	r.report.Resources[name] = c
}

// missingProp counts a missing property of a dataset for its score.
func (r *run) missingProp(res *resource, level string) {
	if res.class != "Dataset" {
		return
	}
	m := r.missing[res.term.Name()]
	if level == "mandatory" {
		m[0]++
	} else {
		m[1]++
	}
	r.missing[res.term.Name()] = m
}

// score gives every dataset and the source a quality score: the share of
// mandatory and recommended properties met, weighted 70/30.
func (r *run) score() {
	src := &r.report.Quality
	src.Profile = r.v.profile
	sum := 0
	for _, d := range r.datasets {
		q := catalog.Quality{Profile: r.v.profile}
		m := r.missing[d.term.Name()]
		q.Mandatory.Total = len(required(r.v.schema("Dataset", d.access, "mandatory")))
		q.Recommended.Total = len(required(r.v.schema("Dataset", d.access, "recommended")))
		q.Mandatory.Met = max(0, q.Mandatory.Total-m[0])
		q.Recommended.Met = max(0, q.Recommended.Total-m[1])
		share := func(f catalog.Fulfilled) float64 {
			if f.Total == 0 {
				return 1
			}
			return float64(f.Met) / float64(f.Total)
		}
		q.Score = int(math.Round(100 * (0.7*share(q.Mandatory) + 0.3*share(q.Recommended))))
		v := r.report.Resources[d.term.Name()]
		q.Errors, q.Warnings = v.Errors, v.Warnings
		r.report.Datasets[d.term.Name()] = q
		sum += q.Score
		src.Mandatory.Met += q.Mandatory.Met
		src.Mandatory.Total += q.Mandatory.Total
		src.Recommended.Met += q.Recommended.Met
		src.Recommended.Total += q.Recommended.Total
	}
	if len(r.datasets) > 0 {
		src.Score = int(math.Round(float64(sum) / float64(len(r.datasets))))
	}
	for _, f := range r.report.Findings {
		switch f.Severity {
		case catalog.SeverityError:
			src.Errors++
		case catalog.SeverityWarning:
			src.Warnings++
		}
	}
}
