// Package dcat reads and writes DCAT-AP-NO and HealthDCAT-AP metadata. It is
// pure: an io.Reader or a Graph in, catalog values out; no network, no store.
//
// Reading maps catalogues, datasets (with publisher, contact points, themes,
// keywords, temporal coverage, access rights and distributions) and the
// HealthDCAT-AP variables of a dataset (healthdcatap:hasVariables →
// csvw:TableGroup → csvw:table → csvw:column, with code lists through
// modelldcatno:hasValueFrom) to catalog records. Problems that leave a
// record usable are reported as findings, not errors.
package dcat

import (
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat/rdf"
)

// Result is a feed mapped to catalog records.
type Result struct {
	Snapshot catalog.Snapshot
	// Findings are problems met while mapping: records that could be read
	// only in part, or identifiers that had to be replaced.
	Findings []catalog.Finding
	// Triples is the number of triples read.
	Triples int
}

// Read parses a whole feed in the given syntax and maps it.
func Read(r io.Reader, format rdf.Format, opts rdf.Options) (*Result, error) {
	g := NewGraph()
	if err := rdf.Parse(r, format, opts, g.Add); err != nil {
		return nil, err
	}
	return Decode(g), nil
}

// Decode maps the catalogues, datasets, variables and code lists in g.
func Decode(g *Graph) *Result {
	d := &decoder{g: g, res: &Result{Triples: g.Len()}, codeLists: make(map[string]bool)}
	d.decode()
	return d.res
}

type decoder struct {
	g         *Graph
	res       *Result
	codeLists map[string]bool // code list IRIs already mapped
}

func (d *decoder) decode() {
	g := d.g
	// Catalogues and the datasets they list.
	catalogOf := make(map[rdf.Term]int) // dataset → index in Snapshot.Catalogs
	for _, c := range g.subjects(rdfType, rdf.IRI(dcatCatalog)) {
		if c.Kind != rdf.KindIRI {
			continue
		}
		d.res.Snapshot.Catalogs = append(d.res.Snapshot.Catalogs, d.catalog(c))
		for _, ds := range g.objects(c, dcatDatasetProp) {
			if _, ok := catalogOf[ds]; !ok {
				catalogOf[ds] = len(d.res.Snapshot.Catalogs) - 1
			}
		}
	}
	// Datasets: typed ones, and untyped ones that a catalogue lists, in
	// document order.
	seen := make(map[rdf.Term]bool)
	var datasets []rdf.Term
	for _, s := range g.order {
		if seen[s] {
			continue
		}
		_, listed := catalogOf[s]
		if g.hasType(s, dcatDataset) || (listed && g.described(s)) {
			seen[s] = true
			datasets = append(datasets, s)
		}
	}
	ids := d.uniqueIdentifiers(datasets)
	var columns []datasetColumns
	for _, s := range datasets {
		var cat *catalog.Catalog
		if i, ok := catalogOf[s]; ok {
			cat = &d.res.Snapshot.Catalogs[i]
		}
		if dc, ok := d.dataset(s, cat, ids[s]); ok {
			columns = append(columns, dc)
		}
	}
	// Variable identifiers must be unique in the whole feed, not only in
	// their dataset.
	seenCol := make(map[rdf.Term]bool)
	var all []rdf.Term
	for _, dc := range columns {
		for _, c := range dc.columns {
			if !seenCol[c] {
				seenCol[c] = true
				all = append(all, c)
			}
		}
	}
	varIDs := d.uniqueIdentifiers(all)
	// A variable per column, at most: one allocation, not a slice of large
	// structs copied as it grows.
	d.res.Snapshot.Variables = slices.Grow(d.res.Snapshot.Variables, len(all))
	for _, dc := range columns {
		d.variables(&d.res.Snapshot.Datasets[dc.dataset], dc, varIDs)
	}
}

// datasetColumns are the columns of one mapped dataset, in table order.
type datasetColumns struct {
	dataset int // index in Snapshot.Datasets
	columns []rdf.Term
	table   map[rdf.Term]string // column → table IRI
}

func (d *decoder) catalog(c rdf.Term) catalog.Catalog {
	g := d.g
	cat := catalog.Catalog{
		IRI:         c.Value,
		Identifier:  d.literal(c, dctIdentifier),
		Title:       d.text(c, dctTitle),
		Description: d.text(c, dctDescription),
		Publisher:   d.agent(c, dctPublisher),
		Homepage:    d.iriOrLiteral(c, foafHomepage),
		Languages:   d.iris(c, dctLanguage),
		License:     d.iriOrLiteral(c, dctLicense),
		Issued:      d.literal(c, dctIssued),
		Modified:    d.literal(c, dctModified),
		Contacts:    d.contacts(c),
	}
	for _, ds := range g.objects(c, dcatDatasetProp) {
		if ds.Kind == rdf.KindIRI {
			cat.Datasets = append(cat.Datasets, ds.Value)
		}
	}
	return cat
}

// uniqueIdentifiers returns the dct:identifier of each record when no other
// record of the feed shares it; a shared one is left out, so that the
// record is known by its IRI. (The validator reports shared identifiers.)
func (d *decoder) uniqueIdentifiers(records []rdf.Term) map[rdf.Term]string {
	byID := make(map[string][]rdf.Term)
	out := make(map[rdf.Term]string, len(records))
	for _, s := range records {
		if id := strings.TrimSpace(d.literal(s, dctIdentifier)); id != "" {
			byID[id] = append(byID[id], s)
			out[s] = id
		}
	}
	for _, holders := range byID {
		if len(holders) > 1 {
			for _, s := range holders {
				delete(out, s)
			}
		}
	}
	return out
}

// dataset maps one dataset and returns its columns for mapping once every
// dataset is known; ok is false when the dataset could not be mapped.
func (d *decoder) dataset(s rdf.Term, cat *catalog.Catalog, identifier string) (dc datasetColumns, ok bool) {
	g := d.g
	ds := catalog.Dataset{
		IRI:              d.mint(s, cat, "dataset", identifier),
		Identifier:       identifier,
		Title:            d.text(s, dctTitle),
		Description:      d.text(s, dctDescription),
		Publisher:        d.agent(s, dctPublisher),
		Contacts:         d.contacts(s),
		Themes:           d.concepts(s, dcatTheme),
		Keywords:         d.keywords(s),
		Temporal:         d.periods(s),
		AccessRights:     d.iriOrLiteral(s, dctAccessRights),
		AccessRequestURL: firstNonEmpty(d.iriOrLiteral(s, accessRequestURL), d.iriOrLiteral(s, accessRequestURL11)),
		Languages:        d.iris(s, dctLanguage),
		LandingPages:     append(d.iris(s, dcatLandingPage), d.iris(s, dctLandingPage)...),
		Spatial:          d.iris(s, dctSpatial),
		Frequency:        d.iriOrLiteral(s, dctAccrualPeriod),
		ConformsTo:       d.iris(s, dctConformsTo),
		Issued:           d.literal(s, dctIssued),
		Modified:         d.literal(s, dctModified),
	}
	if ds.IRI == "" {
		d.finding(catalog.SeverityError, s, "", "dcat.dataset-iri",
			"Datasettet er en blank node uten en unik dct:identifier i en katalog, så Katalog kan ikke gi det en stabil adresse. Gi det en IRI.",
			"The dataset is a blank node without a unique dct:identifier in a catalogue, so Katalog cannot give it a stable address. Give it an IRI.")
		return dc, false
	}
	if cat != nil {
		ds.Catalog = cat.IRI
		if ds.Publisher == nil && cat.Publisher != nil {
			p := *cat.Publisher
			ds.Publisher = &p
		}
	}
	if b, ok := g.object(s, healthHasStructured); ok && b.Kind == rdf.KindLiteral {
		v := b.Value == "true" || b.Value == "1"
		ds.HasStructuredData = &v
	}
	for _, dist := range g.objects(s, dcatDistribution) {
		ds.Distributions = append(ds.Distributions, d.distribution(dist))
	}
	dc = datasetColumns{dataset: len(d.res.Snapshot.Datasets), table: make(map[rdf.Term]string)}
	for _, t := range d.tables(s) {
		ds.Tables = append(ds.Tables, t.table)
		for _, c := range t.columns {
			if _, dup := dc.table[c]; !dup {
				dc.table[c] = t.table.IRI
				dc.columns = append(dc.columns, c)
			}
		}
	}
	d.res.Snapshot.Datasets = append(d.res.Snapshot.Datasets, ds)
	return dc, true
}

// mint returns the IRI of a record: its own, or for a blank node one made
// stable from its parent and identifier ("" when it has none).
func (d *decoder) mint(s rdf.Term, cat *catalog.Catalog, kind, identifier string) string {
	if s.Kind == rdf.KindIRI {
		return s.Value
	}
	if identifier == "" || cat == nil {
		return ""
	}
	return strings.TrimRight(cat.IRI, "/#") + "/" + kind + "/" + url.PathEscape(identifier)
}

// tableNode is a csvw:Table of a dataset and its columns.
type tableNode struct {
	table   catalog.Table
	columns []rdf.Term
}

// tables follows healthdcatap:hasVariables, which may point to a table
// group, to tables, or straight to columns.
func (d *decoder) tables(s rdf.Term) []tableNode {
	g := d.g
	var out []tableNode
	var loose []rdf.Term
	for _, hv := range g.members(s, healthHasVariables) {
		switch {
		case len(g.objects(hv, csvwTable)) > 0:
			for _, t := range g.members(hv, csvwTable) {
				out = append(out, d.table(s, t, len(out)))
			}
		case len(g.objects(hv, csvwColumn)) > 0:
			out = append(out, d.table(s, hv, len(out)))
		case g.described(hv):
			loose = append(loose, hv)
		}
	}
	if len(loose) > 0 {
		out = append(out, tableNode{columns: loose})
	}
	return out
}

func (d *decoder) table(ds, t rdf.Term, n int) tableNode {
	iri := t.Value
	if t.Kind != rdf.KindIRI {
		iri = ""
		if ds.Kind == rdf.KindIRI {
			iri = fmt.Sprintf("%s/table/%d", ds.Value, n+1)
		}
	}
	return tableNode{
		table: catalog.Table{
			IRI:         iri,
			Title:       firstText(d.text(t, dctTitle), d.text(t, csvwTitle)),
			Description: d.text(t, dctDescription),
		},
		columns: d.byPosition(d.g.members(t, csvwColumn)),
	}
}

// byPosition puts columns (or codes) that all give a schema:position in
// that order. Document order is their order otherwise, but not every syntax
// keeps it: a JSON-LD processor sorts, so Katalog's own output numbers them.
func (d *decoder) byPosition(cols []rdf.Term) []rdf.Term {
	pos := make(map[rdf.Term]int, len(cols))
	for _, c := range cols {
		n, err := strconv.Atoi(firstNonEmpty(d.literal(c, schemaPosition), d.literal(c, schemaPositionHTTP)))
		if err != nil {
			return cols
		}
		pos[c] = n
	}
	sort.SliceStable(cols, func(i, j int) bool { return pos[cols[i]] < pos[cols[j]] })
	return cols
}

func (d *decoder) variables(ds *catalog.Dataset, dc datasetColumns, ids map[rdf.Term]string) {
	minted := make(map[string]bool)
	for _, c := range dc.columns {
		v, ok := d.variable(ds, c, ids[c], minted)
		if !ok {
			continue
		}
		v.Table = dc.table[c]
		v.Position = ds.VariableCount
		ds.VariableCount++
		d.res.Snapshot.Variables = append(d.res.Snapshot.Variables, v)
	}
}

// variable maps one column. minted holds the IRIs made for the dataset's
// blank-node columns so far.
func (d *decoder) variable(ds *catalog.Dataset, c rdf.Term, identifier string, minted map[string]bool) (catalog.Variable, bool) {
	g := d.g
	v := catalog.Variable{
		Identifier:   identifier,
		Dataset:      ds.IRI,
		Name:         strings.TrimSpace(d.literal(c, csvwName)),
		Title:        d.text(c, csvwTitle),
		Description:  d.text(c, dctDescription),
		Datatype:     d.datatype(c),
		Unit:         firstNonEmpty(d.literal(c, schemaUnitText), d.literal(c, schemaUnitTextHTTP)),
		PropertyURLs: d.iris(c, csvwPropertyURL),
		Subjects:     d.concepts(c, dctSubject),
		Temporal:     d.periods(c),
	}
	if v.Name == "" {
		v.Name = lastSegment(c.Value)
		d.finding(catalog.SeverityError, c, "csvw:name", "csvw.column-name",
			"Variabelen mangler csvw:name (variabelnavnet slik det står i datafila). Legg det til.",
			"The variable has no csvw:name (its name as it appears in the data file). Add it.")
	}
	switch {
	case c.Kind == rdf.KindIRI:
		v.IRI = c.Value
	case v.Name != "":
		v.IRI = d.mintColumn(ds, c, v.Name, minted)
	default:
		return v, false
	}
	for _, id := range g.objects(c, admsIdentifier) {
		if n := d.literal(id, skosNotation); n != "" {
			v.AltIdentifiers = append(v.AltIdentifiers, catalog.AltIdentifier{Notation: n, Creator: d.iriOrLiteral(id, dctCreator)})
		}
	}
	if cl, ok := g.object(c, modellHasValueFrom); ok {
		v.CodeList = d.codeList(cl)
	}
	return v, true
}

// mintColumn makes a stable IRI for a blank-node column from its dataset and
// name; a name used twice in the dataset gets a numbered IRI and a finding.
func (d *decoder) mintColumn(ds *catalog.Dataset, c rdf.Term, name string, minted map[string]bool) string {
	base := strings.TrimRight(ds.IRI, "/#") + "/variable/" + url.PathEscape(name)
	iri := base
	for n := 2; minted[iri]; n++ {
		iri = fmt.Sprintf("%s-%d", base, n)
	}
	if iri != base {
		d.finding(catalog.SeverityWarning, c, "csvw:name", "csvw.column-name-unique",
			fmt.Sprintf("To kolonner i datasettet heter %q og har ingen IRI. Gi kolonnene IRI-er eller ulike navn; Katalog kaller denne %s.", name, iri),
			fmt.Sprintf("Two columns of the dataset are named %q and have no IRI. Give the columns IRIs or different names; Katalog calls this one %s.", name, iri))
	}
	minted[iri] = true
	return iri
}

// datatype reads csvw:datatype given as a name ("integer"), an XSD or CSVW
// IRI, or a node with csvw:base; it returns the local name.
func (d *decoder) datatype(c rdf.Term) string {
	t, ok := d.g.object(c, csvwDatatype)
	if !ok {
		return ""
	}
	switch t.Kind {
	case rdf.KindLiteral:
		return strings.TrimSpace(t.Value)
	case rdf.KindIRI:
		return lastSegment(t.Value)
	}
	return d.literal(t, csvwBase)
}

// codeList maps the skos:ConceptScheme at s once per feed and returns its
// IRI.
func (d *decoder) codeList(s rdf.Term) string {
	if s.Kind != rdf.KindIRI {
		return ""
	}
	if d.codeLists[s.Value] {
		return s.Value
	}
	d.codeLists[s.Value] = true
	g := d.g
	cl := catalog.CodeList{
		IRI:        s.Value,
		Identifier: d.literal(s, dctIdentifier),
		Title:      firstText(d.text(s, dctTitle), d.text(s, skosPrefLabel), d.text(s, rdfsLabel)),
		Codes:      []catalog.Code{},
	}
	seen := make(map[rdf.Term]bool)
	add := func(c rdf.Term) {
		if seen[c] {
			return
		}
		seen[c] = true
		code := catalog.Code{Notation: d.literal(c, skosNotation), Label: d.text(c, skosPrefLabel)}
		if c.Kind == rdf.KindIRI {
			code.IRI = c.Value
		}
		cl.Codes = append(cl.Codes, code)
	}
	var concepts []rdf.Term
	concepts = append(concepts, g.subjects(skosInScheme, s)...)
	concepts = append(concepts, g.objects(s, skosHasTopConcept)...)
	for _, c := range d.byPosition(concepts) {
		add(c)
	}
	sortCodes(cl.Codes)
	if !g.described(s) && len(cl.Codes) == 0 {
		d.finding(catalog.SeverityWarning, s, "modelldcatno:hasValueFrom", "dcat.codelist-described",
			"Kodelista er ikke beskrevet i kilden (ingen skos:Concept med skos:inScheme). Ta med kodene og etikettene.",
			"The code list is not described in the feed (no skos:Concept with skos:inScheme). Include its codes and labels.")
	}
	d.res.Snapshot.CodeLists = append(d.res.Snapshot.CodeLists, cl)
	return s.Value
}

// sortCodes puts codes that all have a notation in notation order (numbers
// by value), so that the order does not depend on the feed's syntax. Codes
// without notations keep the feed's order, often the codebook's.
func sortCodes(codes []catalog.Code) {
	for _, c := range codes {
		if c.Notation == "" {
			return
		}
	}
	sort.SliceStable(codes, func(i, j int) bool {
		a, b := codes[i].Notation, codes[j].Notation
		x, errA := strconv.ParseFloat(a, 64)
		y, errB := strconv.ParseFloat(b, 64)
		switch {
		case errA == nil && errB == nil && x != y:
			return x < y
		case errA == nil && errB != nil:
			return true // numbers before words
		case errA != nil && errB == nil:
			return false
		}
		return a < b
	})
}

func (d *decoder) distribution(s rdf.Term) catalog.Distribution {
	dist := catalog.Distribution{
		Title:       d.text(s, dctTitle),
		Description: d.text(s, dctDescription),
		AccessURLs:  d.iris(s, dcatAccessURL),
		DownloadURL: d.iris(s, dcatDownloadURL),
		Format:      d.label(s, dctFormat),
		MediaType:   d.label(s, dcatMediaType),
		License:     d.iriOrLiteral(s, dctLicense),
		Issued:      d.literal(s, dctIssued),
		Modified:    d.literal(s, dctModified),
	}
	if s.Kind == rdf.KindIRI {
		dist.IRI = s.Value
	}
	return dist
}

func (d *decoder) agent(s rdf.Term, p string) *catalog.Agent {
	a, ok := d.g.object(s, p)
	if !ok {
		return nil
	}
	if a.Kind == rdf.KindLiteral {
		return &catalog.Agent{Name: catalog.Text{catalog.NormalizeLang(a.Lang): a.Value}}
	}
	out := &catalog.Agent{
		Identifier: d.literal(a, dctIdentifier),
		Name:       firstText(d.text(a, foafName), d.text(a, vcardFN), d.text(a, skosPrefLabel), d.text(a, rdfsLabel)),
		Homepage:   d.iriOrLiteral(a, foafHomepage),
	}
	if a.Kind == rdf.KindIRI {
		out.IRI = a.Value
	}
	return out
}

func (d *decoder) contacts(s rdf.Term) []catalog.Contact {
	var out []catalog.Contact
	for _, c := range d.g.objects(s, dcatContactPoint) {
		ct := catalog.Contact{
			Name:  firstText(d.text(c, vcardFN), d.text(c, vcardOrgName), d.text(c, vcardOrgUnit)),
			Email: strings.TrimPrefix(d.iriOrLiteral(c, vcardHasEmail), "mailto:"),
			URL:   d.iriOrLiteral(c, vcardHasURL),
			Phone: strings.TrimPrefix(d.valueOf(c, vcardHasTelephone), "tel:"),
		}
		if c.Kind == rdf.KindIRI {
			ct.IRI = c.Value
		}
		out = append(out, ct)
	}
	return out
}

func (d *decoder) concepts(s rdf.Term, p string) []catalog.Concept {
	var out []catalog.Concept
	for _, c := range d.g.objects(s, p) {
		switch c.Kind {
		case rdf.KindIRI:
			out = append(out, catalog.Concept{
				IRI:      c.Value,
				Label:    firstText(d.text(c, skosPrefLabel), d.text(c, skosPrefLabelW3C), d.text(c, rdfsLabel)),
				Notation: d.literal(c, skosNotation),
			})
		case rdf.KindLiteral:
			out = append(out, catalog.Concept{Label: catalog.Text{catalog.NormalizeLang(c.Lang): c.Value}})
		}
	}
	return out
}

func (d *decoder) keywords(s rdf.Term) catalog.Keywords {
	var kw catalog.Keywords
	for _, o := range d.g.objects(s, dcatKeyword) {
		if o.Kind != rdf.KindLiteral || strings.TrimSpace(o.Value) == "" {
			continue
		}
		if kw == nil {
			kw = catalog.Keywords{}
		}
		l := catalog.NormalizeLang(o.Lang)
		kw[l] = append(kw[l], o.Value)
	}
	return kw
}

func (d *decoder) periods(s rdf.Term) []catalog.Period {
	var out []catalog.Period
	for _, t := range d.g.objects(s, dctTemporal) {
		p := catalog.Period{
			Start: firstNonEmpty(d.literal(t, dcatStartDate), d.literal(t, schemaStartDate), d.literal(t, schemaStartDateHTTP), d.instant(t, timeHasBeginning)),
			End:   firstNonEmpty(d.literal(t, dcatEndDate), d.literal(t, schemaEndDate), d.literal(t, schemaEndDateHTTP), d.instant(t, timeHasEnd)),
		}
		if p.Start != "" || p.End != "" {
			out = append(out, p)
		}
	}
	return out
}

// instant reads an OWL-Time instant at s's property p.
func (d *decoder) instant(s rdf.Term, p string) string {
	t, ok := d.g.object(s, p)
	if !ok {
		return ""
	}
	return firstNonEmpty(d.literal(t, timeInXSDDate), d.literal(t, timeInXSDDateTime), d.literal(t, timeInXSDgYear))
}

// text collects the language-tagged literals of s's property p. The first
// literal of each language wins.
func (d *decoder) text(s rdf.Term, p string) catalog.Text {
	var t catalog.Text
	for _, o := range d.g.objects(s, p) {
		if o.Kind != rdf.KindLiteral || strings.TrimSpace(o.Value) == "" {
			continue
		}
		if t == nil {
			t = catalog.Text{}
		}
		l := catalog.NormalizeLang(o.Lang)
		if _, ok := t[l]; !ok {
			t[l] = o.Value
		}
	}
	return t
}

// literal returns the lexical form of the first literal value of s's
// property p.
func (d *decoder) literal(s rdf.Term, p string) string {
	for _, o := range d.g.objects(s, p) {
		if o.Kind == rdf.KindLiteral {
			return o.Value
		}
	}
	return ""
}

// iriOrLiteral returns the first IRI or literal value of s's property p.
func (d *decoder) iriOrLiteral(s rdf.Term, p string) string {
	for _, o := range d.g.objects(s, p) {
		if o.Kind != rdf.KindBlank {
			return o.Value
		}
	}
	return ""
}

// valueOf returns an IRI or literal value of s's property p, looking one
// step further through rdf:value or vcard:hasValue for a blank node.
func (d *decoder) valueOf(s rdf.Term, p string) string {
	o, ok := d.g.object(s, p)
	if !ok {
		return ""
	}
	if o.Kind != rdf.KindBlank {
		return o.Value
	}
	return firstNonEmpty(d.iriOrLiteral(o, vcardHasValue), d.iriOrLiteral(o, rdfValue))
}

// label returns the value of s's property p as a string: an IRI, a literal,
// or the label or value of a blank node.
func (d *decoder) label(s rdf.Term, p string) string {
	o, ok := d.g.object(s, p)
	if !ok {
		return ""
	}
	if o.Kind != rdf.KindBlank {
		return o.Value
	}
	return firstNonEmpty(d.iriOrLiteral(o, rdfValue), d.text(o, rdfsLabel).String())
}

// iris returns the IRI values of s's property p, and literal ones as given.
func (d *decoder) iris(s rdf.Term, p string) []string {
	var out []string
	for _, o := range d.g.objects(s, p) {
		if o.Kind != rdf.KindBlank && strings.TrimSpace(o.Value) != "" {
			out = append(out, strings.TrimSpace(o.Value))
		}
	}
	return out
}

func (d *decoder) finding(sev catalog.Severity, s rdf.Term, path, rule, nb, en string) {
	d.res.Findings = append(d.res.Findings, catalog.Finding{
		Severity: sev,
		Resource: resourceName(s),
		Path:     path,
		Message:  catalog.Text{"nb": nb, "en": en},
		Rule:     rule,
	})
}

func resourceName(s rdf.Term) string {
	if s.Kind == rdf.KindBlank {
		return "_:" + s.Value
	}
	return s.Value
}

func lastSegment(iri string) string {
	iri = strings.TrimRight(iri, "/#")
	if i := strings.LastIndexAny(iri, "/#:"); i >= 0 {
		iri = iri[i+1:]
	}
	if u, err := url.PathUnescape(iri); err == nil {
		return u
	}
	return iri
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

func firstText(ts ...catalog.Text) catalog.Text {
	for _, t := range ts {
		if len(t) > 0 {
			return t
		}
	}
	return nil
}
