package dcat

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat/rdf"
)

// Profile is an application profile of Katalog's DCAT output.
type Profile string

// The output profiles. DCAT-AP-NO is what data.norge.no reads: datasets,
// distributions and agents. HealthDCAT-AP (Release 8) adds what the EHDS
// catalogues read, the variables of each dataset among them.
const (
	ProfileDCATAPNO     Profile = "dcat-ap-no"
	ProfileHealthDCATAP Profile = "healthdcat-ap"
)

// ParseProfile returns the output profile with the given name; "" is
// HealthDCAT-AP, the profile that carries variables.
func ParseProfile(name string) (Profile, error) {
	switch Profile(strings.ToLower(strings.TrimSpace(name))) {
	case "", ProfileHealthDCATAP:
		return ProfileHealthDCATAP, nil
	case ProfileDCATAPNO:
		return ProfileDCATAPNO, nil
	}
	return "", catalog.Errorf(catalog.EINVALID, "unknown profile %q: want dcat-ap-no or healthdcat-ap", name)
}

// Publication is what Katalog says about itself in its own catalogue: where
// it is served, who runs it, and the EHDS facts that apply to every dataset
// it lists.
type Publication struct {
	// Base is the public address of Katalog, without a trailing slash;
	// every IRI Katalog mints starts with it.
	Base        string
	Title       catalog.Text
	Description catalog.Text
	// Publisher runs this Katalog. Its IRI may be left empty: Katalog then
	// mints one under Base.
	Publisher catalog.Agent
	// Contact answers for Katalog, and stands in for a dataset that names
	// no contact point of its own.
	Contact catalog.Contact
	// HDAB is the health data access body for the datasets
	// (healthdcatap:hdab), with HDABContact as its contact.
	HDAB        catalog.Agent
	HDABContact catalog.Contact
	// Legislation are the ELI IRIs of the legislation that applies
	// (dcatap:applicableLegislation).
	Legislation []string
	// HealthCategories gives the EHDS health categories of each source's
	// datasets, by source name; Default applies to the others.
	HealthCategories map[string][]string
	// License is the licence of Katalog's own records (the FAIR Data
	// Point record and its catalogue), from the EU licence table.
	License string
	// Issued is when this Katalog first published its catalogue.
	Issued time.Time
	// Software is the version of Katalog.
	Software string
}

// CatalogIRI is the IRI of Katalog's own catalogue.
func (p *Publication) CatalogIRI() string { return p.Base + "/catalog" }

// DatasetPage is the address of a dataset's page in the explorer.
func (p *Publication) DatasetPage(identifier string) string {
	return p.Base + "/datasets/" + url.PathEscape(identifier)
}

// VariablePage is the address of a variable's page in the explorer.
func (p *Publication) VariablePage(identifier string) string {
	return p.Base + "/variables/" + url.PathEscape(identifier)
}

// AgentIRI is the IRI Katalog mints for an agent that has none.
func (p *Publication) AgentIRI(a *catalog.Agent) string {
	return p.Base + "/agents/" + url.PathEscape(agentKey(a))
}

// agentKey names an agent in a minted IRI: its organisation number, or a
// slug of its name.
func agentKey(a *catalog.Agent) string {
	if a.Identifier != "" {
		return a.Identifier
	}
	return slug(a.Name.String())
}

var nonSlug = regexp.MustCompile(`[^a-z0-9æøå]+`)

func slug(s string) string {
	s = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "unknown"
	}
	return s
}

// Vocabulary IRIs the output uses.
const (
	nsHydra        = "http://www.w3.org/ns/hydra/core#"
	nsDCATAP       = "http://data.europa.eu/r5r/"
	nsCV           = "http://data.europa.eu/m8g/"
	nsELI          = "http://data.europa.eu/eli/ontology#"
	nsProv         = "http://www.w3.org/ns/prov#"
	nsOrg          = "http://www.w3.org/ns/org#"
	nsFDP          = "https://w3id.org/fdp/fdp-o#"
	nsLDP          = "http://www.w3.org/ns/ldp#"
	nsRDF          = rdf.RDFNS
	authority      = "http://publications.europa.eu/resource/authority/"
	themeHealth    = authority + "data-theme/HEAL"
	healthCategory = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"
	// EHDSRegulation is the ELI of the European Health Data Space
	// regulation, (EU) 2025/327.
	EHDSRegulation = "http://data.europa.eu/eli/reg/2025/327/oj"
	// HealthCategoryRegistry is the EHDS category "data from
	// population-based health data registries".
	HealthCategoryRegistry = healthCategory + "PHDR"
)

// Prefixes are the namespace abbreviations of every document Katalog writes.
var Prefixes = []rdf.Prefix{
	{Name: "rdf", IRI: nsRDF},
	{Name: "rdfs", IRI: nsRDFS},
	{Name: "xsd", IRI: nsXSD},
	{Name: "dcat", IRI: nsDCAT},
	{Name: "dct", IRI: nsDCT},
	{Name: "dcatap", IRI: nsDCATAP},
	{Name: "dcatno", IRI: nsDCATNO},
	{Name: "foaf", IRI: nsFOAF},
	{Name: "vcard", IRI: nsVCard},
	{Name: "skos", IRI: nsSKOS},
	{Name: "adms", IRI: nsADMS},
	{Name: "prov", IRI: nsProv},
	{Name: "org", IRI: nsOrg},
	{Name: "cv", IRI: nsCV},
	{Name: "eli", IRI: nsELI},
	{Name: "csvw", IRI: nsCSVW},
	{Name: "healthdcatap", IRI: nsHealth},
	{Name: "modelldcatno", IRI: nsModellDCATNO},
	{Name: "schema", IRI: nsSchema},
	{Name: "hydra", IRI: nsHydra},
	{Name: "fdp-o", IRI: nsFDP},
	{Name: "ldp", IRI: nsLDP},
}

// Encoder writes catalog records as triples of one profile. It remembers
// which shared nodes (agents, code lists, vocabulary concepts) it has
// written, so that each appears once per document. The zero Encoder is not
// ready for use: call NewEncoder. An Encoder is not safe for concurrent use.
type Encoder struct {
	pub     *Publication
	profile Profile
	w       *rdf.Writer
	err     error

	written map[string]bool // shared nodes already described
	blanks  int

	// The triples of the record being written, grouped by subject in
	// order of first use: Flush writes each subject as one block.
	nodes  []pendingNode
	nodeOf map[rdf.Term]int
}

type pendingNode struct {
	s  rdf.Term
	ts []rdf.Triple
}

// NewEncoder returns an Encoder that writes to w.
func NewEncoder(pub *Publication, profile Profile, w *rdf.Writer) *Encoder {
	return &Encoder{pub: pub, profile: profile, w: w, written: make(map[string]bool), nodeOf: make(map[rdf.Term]int)}
}

// Flush writes the record built so far, one block per subject. Catalog,
// SourceCatalog, Dataset and ListDataset end with it.
func (e *Encoder) Flush() error {
	for i := range e.nodes {
		n := &e.nodes[i]
		for _, t := range n.ts {
			if e.err == nil {
				e.err = e.w.Write(t)
			}
		}
		n.ts = n.ts[:0]
	}
	e.nodes = e.nodes[:0]
	clear(e.nodeOf)
	return e.err
}

// Err returns the first error met while writing.
func (e *Encoder) Err() error { return e.err }

func (e *Encoder) health() bool { return e.profile == ProfileHealthDCATAP }

func (e *Encoder) add(s rdf.Term, p string, o rdf.Term) {
	i, ok := e.nodeOf[s]
	if !ok {
		i = len(e.nodes)
		e.nodeOf[s] = i
		if i < cap(e.nodes) {
			e.nodes = e.nodes[:i+1]
			e.nodes[i].s = s
		} else {
			e.nodes = append(e.nodes, pendingNode{s: s})
		}
	}
	e.nodes[i].ts = append(e.nodes[i].ts, rdf.Triple{S: s, P: rdf.IRI(p), O: o})
}

func (e *Encoder) blank() rdf.Term {
	e.blanks++
	return rdf.Blank(fmt.Sprintf("n%d", e.blanks))
}

// once reports whether key is new to this document, and marks it seen.
func (e *Encoder) once(key string) bool {
	if e.written[key] {
		return false
	}
	e.written[key] = true
	return true
}

func (e *Encoder) typ(s rdf.Term, classes ...string) {
	for _, c := range classes {
		e.add(s, rdfType, rdf.IRI(c))
	}
}

// text writes one literal per language; an untagged text is a plain literal.
func (e *Encoder) text(s rdf.Term, p string, t catalog.Text) {
	for _, l := range t.Langs() {
		v := strings.TrimSpace(t[l])
		if v == "" {
			continue
		}
		e.add(s, p, rdf.Literal(v, langTag(l), ""))
	}
}

// langTag returns the language tag of a Text key, or "" for an untagged
// text and for a key that is not a well-formed tag (a feed's "nb NO"):
// such a literal is written untagged rather than breaking the document.
func langTag(key string) string {
	if key == catalog.LangUndetermined || !rdf.ValidLangTag(key) {
		return ""
	}
	return key
}

func (e *Encoder) literal(s rdf.Term, p, v string) {
	if v = strings.TrimSpace(v); v != "" {
		e.add(s, p, rdf.Literal(v, "", ""))
	}
}

// ref writes an IRI value; a value that is not an absolute IRI (feeds give
// "www.example.no" or free text) is written as a literal where the profile
// lets it, else left out.
func (e *Encoder) ref(s rdf.Term, p, v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	if isAbsoluteIRI(v) {
		e.add(s, p, rdf.IRI(v))
	}
}

// isAbsoluteIRI reports whether v is an IRI another catalogue can use: an
// absolute http(s), mailto, tel or urn IRI. (A file: IRI is a feed's
// relative reference read against a local path: it means nothing outside.)
func isAbsoluteIRI(v string) bool {
	var rest string
	switch {
	case strings.HasPrefix(v, "https://"):
		rest = v[len("https://"):]
	case strings.HasPrefix(v, "http://"):
		rest = v[len("http://"):]
	case strings.HasPrefix(v, "mailto:"), strings.HasPrefix(v, "tel:"), strings.HasPrefix(v, "urn:"):
		rest = v[strings.IndexByte(v, ':')+1:]
	default:
		return false
	}
	if rest == "" || rest[0] == '/' || rest[0] == '?' || rest[0] == '#' {
		return false // no host, or nothing after the scheme
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c <= ' ', c == '<', c == '>', c == '"', c == '{', c == '}', c == '|', c == '\\', c == '^', c == '`':
			return false
		}
	}
	return true
}

// inVocabulary reports whether iri is a code of the EU authority table.
func inVocabulary(iri, table string) bool {
	rest, ok := strings.CutPrefix(iri, authority+table+"/")
	return ok && rest != "" && !strings.Contains(rest, "/")
}

// euLicences maps licence IRIs seen in feeds to the EU licence table.
var euLicences = map[string]string{
	"http://data.norge.no/nlod/no/1.0":                   "NLOD_1_0",
	"http://data.norge.no/nlod/no/2.0":                   "NLOD_2_0",
	"https://data.norge.no/nlod/no/2.0":                  "NLOD_2_0",
	"http://creativecommons.org/licenses/by/4.0/":        "CC_BY_4_0",
	"https://creativecommons.org/licenses/by/4.0/":       "CC_BY_4_0",
	"http://creativecommons.org/licenses/by/4.0/deed.no": "CC_BY_4_0",
	"http://creativecommons.org/publicdomain/zero/1.0/":  "CC0",
	"https://creativecommons.org/publicdomain/zero/1.0/": "CC0",
}

// licence returns the EU licence table's IRI for a licence, or "" when it
// has none there (the licence is then left out: both profiles require the
// table).
func licence(v string) string {
	v = strings.TrimSpace(v)
	if inVocabulary(v, "licence") {
		return v
	}
	if code, ok := euLicences[v]; ok {
		return authority + "licence/" + code
	}
	return ""
}

// date writes a publisher's date with its XSD type read from its form.
// DCAT-AP-NO takes xsd:date and xsd:dateTime only, so there a year or a
// year-month becomes the first day it covers (or the last, for an end).
func (e *Encoder) date(s rdf.Term, p, v string, end bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	dt := dateType(v)
	if e.profile == ProfileDCATAPNO {
		switch dt {
		case nsXSD + "gYear":
			if end {
				v += "-12-31"
			} else {
				v += "-01-01"
			}
			dt = nsXSD + "date"
		case nsXSD + "gYearMonth":
			if end {
				t, err := time.Parse("2006-01", v)
				if err != nil {
					return // not a month
				}
				v = t.AddDate(0, 1, -1).Format("2006-01-02")
			} else {
				v += "-01"
			}
			dt = nsXSD + "date"
		case "":
			return // not a date: DCAT-AP-NO has no place for it
		}
	}
	e.add(s, p, rdf.Literal(v, "", dt))
}

var (
	reYear      = regexp.MustCompile(`^-?\d{4}$`)
	reYearMonth = regexp.MustCompile(`^\d{4}-\d{2}$`)
	reDate      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$`)
	reDateTime  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$`)
)

func dateType(v string) string {
	switch {
	case reDate.MatchString(v):
		return nsXSD + "date"
	case reDateTime.MatchString(v):
		return nsXSD + "dateTime"
	case reYear.MatchString(v):
		return nsXSD + "gYear"
	case reYearMonth.MatchString(v):
		return nsXSD + "gYearMonth"
	}
	return ""
}

// concept describes a vocabulary concept Katalog points to (a theme, access
// right, category), once per document: SHACL validators check its class, and
// a label helps every reader.
func (e *Encoder) concept(iri string, class string, label catalog.Text) {
	if !e.once(class + " " + iri) {
		return
	}
	s := rdf.IRI(iri)
	e.typ(s, class)
	switch {
	case class == nsSKOS+"Concept":
		if len(label) == 0 {
			label = catalog.Text{catalog.LangUndetermined: lastSegment(iri)}
		}
		e.text(s, skosPrefLabel, label)
	case class == nsFOAF+"Document" || class == nsDCT+"Standard":
		// DCAT-AP-NO wants a title on every document and standard; the
		// feed gives none, so the address stands for it.
		if len(label) == 0 {
			label = catalog.Text{catalog.LangUndetermined: iri}
		}
		e.text(s, dctTitle, label)
	case len(label) > 0:
		e.text(s, rdfsLabel, label)
	}
}

// document writes s p <iri>, where iri is a web page with the given title.
func (e *Encoder) document(s rdf.Term, p, iri string, title catalog.Text) {
	if isAbsoluteIRI(iri) {
		e.add(s, p, rdf.IRI(iri))
		e.concept(iri, nsFOAF+"Document", title)
	}
}

// suffix returns t with a suffix added to each language's text.
func suffix(t catalog.Text, nb, en string) catalog.Text {
	out := catalog.Text{}
	for l, v := range t {
		if l == "en" {
			out[l] = v + en
		} else {
			out[l] = v + nb
		}
	}
	return out
}

// vocab writes s p <iri> and types the referenced node.
func (e *Encoder) vocab(s rdf.Term, p, iri, class string) {
	if !isAbsoluteIRI(iri) {
		return
	}
	e.add(s, p, rdf.IRI(iri))
	label, _ := catalog.VocabularyLabel(iri)
	e.concept(iri, class, label)
}

// ---------------------------------------------------------------------------
// Katalog's own catalogue

// Page says which page of the catalogue a document is.
type Page struct {
	Number, Size, Total int
	// URL returns the address of page n.
	URL func(n int) string
}

// Last returns the number of the last page (1 for an empty catalogue).
func (p *Page) Last() int {
	if p.Total == 0 {
		return 1
	}
	return (p.Total + p.Size - 1) / p.Size
}

// Catalog writes Katalog's own catalogue record: it lists the source
// catalogues as parts (keeping their IRIs) and the datasets that belong to
// none; page, when not nil, adds the Hydra view of a paged document.
func (e *Encoder) Catalog(parts []catalog.Catalog, modified time.Time, page *Page) {
	pub := e.pub
	s := rdf.IRI(pub.CatalogIRI())
	e.typ(s, dcatCatalog)
	e.literal(s, dctIdentifier, pub.CatalogIRI())
	e.text(s, dctTitle, pub.Title)
	e.text(s, dctDescription, pub.Description)
	e.add(s, dctPublisher, rdf.IRI(e.agentIRI(&pub.Publisher)))
	e.add(s, dcatContactPoint, e.contactNode(&pub.Contact, pub.Base+"/sources"))
	e.document(s, foafHomepage, pub.Base+"/", pub.Title)
	for _, l := range []string{"NOB", "NNO", "ENG"} {
		e.vocab(s, dctLanguage, authority+"language/"+l, nsDCT+"LinguisticSystem")
	}
	e.add(s, nsDCAT+"themeTaxonomy", rdf.IRI(authority+"data-theme"))
	if e.once(authority + "data-theme") {
		scheme := rdf.IRI(authority + "data-theme")
		e.typ(scheme, nsSKOS+"ConceptScheme")
		e.text(scheme, dctTitle, catalog.Text{"nb": "Datatema", "nn": "Datatema", "en": "Data theme"})
	}
	e.vocab(s, dctLicense, pub.License, nsDCT+"LicenseDocument")
	if !pub.Issued.IsZero() {
		e.add(s, dctIssued, rdf.Literal(pub.Issued.UTC().Format(time.RFC3339), "", nsXSD+"dateTime"))
	}
	if !modified.IsZero() {
		e.add(s, dctModified, rdf.Literal(modified.UTC().Format(time.RFC3339), "", nsXSD+"dateTime"))
	}
	if e.health() {
		for _, l := range pub.Legislation {
			e.vocab(s, nsDCATAP+"applicableLegislation", l, nsELI+"LegalResource")
		}
	}
	for _, c := range parts {
		e.add(s, nsDCT+"hasPart", rdf.IRI(c.IRI))
		e.add(s, nsDCAT+"catalog", rdf.IRI(c.IRI))
	}
	e.agent(&pub.Publisher, &pub.Contact)
	if page != nil {
		e.hydra(s, page)
	}
	// Navigation for FAIR Data Point clients: the datasets of this
	// document, as an LDP container (ListDataset fills it).
	c := rdf.IRI(pub.CatalogIRI() + "#datasets")
	e.typ(c, nsLDP+"DirectContainer")
	e.text(c, dctTitle, catalog.Text{"nb": "Datasett", "en": "Datasets"})
	e.add(c, nsLDP+"membershipResource", s)
	e.add(c, nsLDP+"hasMemberRelation", rdf.IRI(dcatDatasetProp))
	e.Flush()
}

// hydra writes the paging view of a paged document, as CKAN and piveau read
// it: a hydra:PartialCollectionView with IRI links and the total.
func (e *Encoder) hydra(cat rdf.Term, p *Page) {
	v := rdf.IRI(p.URL(p.Number))
	e.add(cat, nsHydra+"view", v)
	e.typ(v, nsHydra+"PartialCollectionView")
	e.add(v, nsHydra+"totalItems", rdf.Literal(fmt.Sprint(p.Total), "", rdf.XSDInteger))
	e.add(v, nsHydra+"itemsPerPage", rdf.Literal(fmt.Sprint(p.Size), "", rdf.XSDInteger))
	e.add(v, nsHydra+"first", rdf.IRI(p.URL(1)))
	if p.Number > 1 {
		e.add(v, nsHydra+"previous", rdf.IRI(p.URL(min(p.Number-1, p.Last()))))
	}
	if p.Number < p.Last() {
		e.add(v, nsHydra+"next", rdf.IRI(p.URL(p.Number+1)))
	}
	e.add(v, nsHydra+"last", rdf.IRI(p.URL(p.Last())))
}

// SourceCatalog writes a harvested catalogue with its own IRI, and where it
// came from. feed is the address Katalog harvests it from.
func (e *Encoder) SourceCatalog(c *catalog.Catalog, feed string, fallback *catalog.Agent) {
	s := rdf.IRI(c.IRI)
	e.typ(s, dcatCatalog)
	e.literal(s, dctIdentifier, firstNonEmpty(c.Identifier, c.IRI))
	title := c.Title
	if len(title) == 0 {
		title = catalog.Text{"nb": "Katalog fra kilden " + c.Source, "en": "Catalogue of the source " + c.Source}
	}
	e.text(s, dctTitle, title)
	desc := c.Description
	if len(desc) == 0 {
		desc = catalog.Text{
			"nb": "Katalogen har ingen beskrivelse i kilden. Katalog høster den fra " + feedName(feed, c.Source) + ".",
			"en": "The catalogue has no description in its source. Katalog harvests it from " + feedName(feed, c.Source) + ".",
		}
	}
	e.text(s, dctDescription, desc)
	publisher := c.Publisher
	if publisher == nil {
		publisher = fallback
	}
	contact := e.pub.Contact
	if len(c.Contacts) > 0 {
		contact = c.Contacts[0]
	}
	if publisher != nil {
		e.add(s, dctPublisher, rdf.IRI(e.agentIRI(publisher)))
	}
	for i := range c.Contacts {
		e.add(s, dcatContactPoint, e.contactNode(&c.Contacts[i], firstNonEmpty(homepageOf(publisher), e.pub.Base+"/sources")))
	}
	if len(c.Contacts) == 0 {
		e.add(s, dcatContactPoint, e.contactNode(&e.pub.Contact, e.pub.Base+"/sources"))
	}
	e.document(s, foafHomepage, c.Homepage, title)
	e.languages(s, c.Languages)
	e.vocab(s, dctLicense, licence(c.License), nsDCT+"LicenseDocument")
	e.date(s, dctIssued, c.Issued, false)
	e.date(s, dctModified, c.Modified, false)
	if strings.HasPrefix(feed, "http://") || strings.HasPrefix(feed, "https://") {
		e.add(s, nsDCT+"source", rdf.IRI(feed))
	}
	e.add(s, nsDCT+"isPartOf", rdf.IRI(e.pub.CatalogIRI()))
	if e.health() {
		for _, l := range e.pub.Legislation {
			e.vocab(s, nsDCATAP+"applicableLegislation", l, nsELI+"LegalResource")
		}
	}
	if publisher != nil {
		e.agent(publisher, &contact)
	}
	e.Flush()
}

func feedName(feed, source string) string {
	if strings.HasPrefix(feed, "http://") || strings.HasPrefix(feed, "https://") {
		return feed
	}
	return "kilden " + source
}

// ListDataset says that catalogue lists dataset (dcat:dataset). Written after
// the dataset, so that a page lists exactly the datasets it holds.
func (e *Encoder) ListDataset(catalogIRI, dataset string) {
	e.add(rdf.IRI(catalogIRI), dcatDatasetProp, rdf.IRI(dataset))
	e.add(rdf.IRI(e.pub.CatalogIRI()+"#datasets"), nsLDP+"contains", rdf.IRI(dataset))
	e.Flush()
}

// ---------------------------------------------------------------------------
// Agents and contact points

// agentIRI is the agent's own IRI, its organisation's IRI in the Central
// Coordinating Register for Legal Entities, or one Katalog mints.
func (e *Encoder) agentIRI(a *catalog.Agent) string {
	switch {
	case isAbsoluteIRI(a.IRI):
		return a.IRI
	case isOrgNumber(a.Identifier):
		return "https://data.brreg.no/enhetsregisteret/api/enheter/" + a.Identifier
	}
	return e.pub.AgentIRI(a)
}

func isOrgNumber(s string) bool {
	if len(s) != 9 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// agent describes an agent once per document. HealthDCAT-AP wants a
// cv:contactPoint on publishers and access bodies; contact gives it.
func (e *Encoder) agent(a *catalog.Agent, contact *catalog.Contact) {
	iri := e.agentIRI(a)
	if !e.once("agent " + iri) {
		return
	}
	s := rdf.IRI(iri)
	e.typ(s, nsFOAF+"Agent", nsFOAF+"Organization")
	name := a.Name
	if len(name) == 0 {
		name = catalog.Text{catalog.LangUndetermined: firstNonEmpty(a.Identifier, lastSegment(iri))}
	}
	e.text(s, foafName, name)
	if a.Identifier != "" {
		e.literal(s, dctIdentifier, a.Identifier)
	}
	e.document(s, foafHomepage, a.Homepage, name)
	if e.health() && contact != nil {
		cp := e.blank()
		e.add(s, nsCV+"contactPoint", cp)
		e.typ(cp, nsCV+"ContactPoint")
		if contact.Email != "" {
			e.literal(cp, nsCV+"email", contact.Email)
		}
		if isAbsoluteIRI(contact.URL) {
			e.add(cp, nsCV+"contactPage", rdf.IRI(contact.URL))
		}
		if contact.Email == "" && !isAbsoluteIRI(contact.URL) {
			e.add(cp, nsCV+"contactPage", rdf.IRI(firstNonEmpty(a.Homepage, e.pub.Base+"/")))
		}
	}
}

func homepageOf(a *catalog.Agent) string {
	if a != nil && isAbsoluteIRI(a.Homepage) {
		return a.Homepage
	}
	return ""
}

// languages writes dct:language values of the EU language table; others
// (codes without the table, local paths) are left out.
func (e *Encoder) languages(s rdf.Term, langs []string) {
	for _, l := range langs {
		if inVocabulary(l, "language") {
			e.vocab(s, dctLanguage, l, nsDCT+"LinguisticSystem")
		}
	}
}

// contactNode writes a vcard contact point and returns its node: its own IRI
// or a blank node. A contact point that gives neither a usable e-mail
// address nor a web address gets fallback as its vcard:hasURL, for
// HealthDCAT-AP wants one of them.
func (e *Encoder) contactNode(c *catalog.Contact, fallback string) rdf.Term {
	var s rdf.Term
	if isAbsoluteIRI(c.IRI) {
		s = rdf.IRI(c.IRI)
		if !e.once("contact " + c.IRI) {
			return s
		}
	} else {
		s = e.blank()
	}
	e.typ(s, nsVCard+"Organization")
	name := c.Name
	if len(name) == 0 {
		name = catalog.Text{catalog.LangUndetermined: firstNonEmpty(c.Email, c.URL, "Kontakt")}
	}
	e.text(s, vcardFN, name)
	email := "mailto:" + strings.TrimSpace(c.Email)
	hasEmail := c.Email != "" && isAbsoluteIRI(email)
	if hasEmail {
		e.add(s, vcardHasEmail, rdf.IRI(email))
	}
	if isAbsoluteIRI(c.URL) {
		e.add(s, vcardHasURL, rdf.IRI(c.URL))
	} else if !hasEmail && isAbsoluteIRI(fallback) {
		e.add(s, vcardHasURL, rdf.IRI(fallback))
	}
	if c.Phone != "" {
		e.ref(s, vcardHasTelephone, "tel:"+strings.ReplaceAll(c.Phone, " ", ""))
	}
	return s
}

// ---------------------------------------------------------------------------
// Datasets

// Dataset writes a dataset, its distributions and, for HealthDCAT-AP, its
// variables with their tables and code lists. codeList returns a stored
// code list by IRI (nil when it is not stored); cat is the dataset's
// catalogue, used for a publisher and contact point the dataset lacks.
func (e *Encoder) Dataset(d *catalog.Dataset, vars []catalog.Variable, cat *catalog.Catalog, codeList func(iri string) *catalog.CodeList) {
	pub := e.pub
	s := rdf.IRI(d.IRI)
	e.typ(s, dcatDataset)
	e.literal(s, dctIdentifier, firstNonEmpty(d.Identifier, d.IRI))
	title := d.Title
	if len(title) == 0 {
		title = catalog.Text{catalog.LangUndetermined: firstNonEmpty(d.Identifier, lastSegment(d.IRI))}
	}
	e.text(s, dctTitle, title)
	desc := d.Description
	if len(desc) == 0 {
		desc = catalog.Text{
			"nb": "Utgiveren har ikke beskrevet datasettet. Det har " + fmt.Sprint(d.VariableCount) + " variabler i Katalog.",
			"en": "The publisher gives no description of the dataset. It has " + fmt.Sprint(d.VariableCount) + " variables in Katalog.",
		}
	}
	e.text(s, dctDescription, desc)

	publisher := d.Publisher
	if publisher == nil && cat != nil {
		publisher = cat.Publisher
	}
	if publisher == nil {
		publisher = &pub.Publisher
	}
	e.add(s, dctPublisher, rdf.IRI(e.agentIRI(publisher)))
	contacts := d.Contacts
	if len(contacts) == 0 && cat != nil {
		contacts = cat.Contacts
	}
	if len(contacts) == 0 {
		contacts = []catalog.Contact{pub.Contact}
	}
	for i := range contacts {
		e.add(s, dcatContactPoint, e.contactNode(&contacts[i], firstNonEmpty(homepageOf(publisher), pub.DatasetPage(firstNonEmpty(d.Identifier, d.IRI)))))
	}

	hasHealth := false
	for _, t := range d.Themes {
		if t.IRI == "" {
			continue
		}
		hasHealth = hasHealth || t.IRI == themeHealth
		if !isAbsoluteIRI(t.IRI) || e.health() && !inVocabulary(t.IRI, "data-theme") {
			continue // HealthDCAT-AP takes EU data themes only
		}
		label := t.Label // a LOS theme's label comes from the feed
		if l, ok := catalog.VocabularyLabel(t.IRI); ok {
			label = l
		}
		e.add(s, dcatTheme, rdf.IRI(t.IRI))
		e.concept(t.IRI, nsSKOS+"Concept", label)
	}
	if !hasHealth {
		e.vocab(s, dcatTheme, themeHealth, nsSKOS+"Concept")
	}
	for _, l := range sortedKeys(d.Keywords) {
		tag := langTag(l)
		seen := make(map[string]bool, len(d.Keywords[l]))
		for _, k := range d.Keywords[l] {
			if !seen[k] {
				seen[k] = true
				e.add(s, dcatKeyword, rdf.Literal(k, tag, ""))
			}
		}
	}
	for _, p := range d.Temporal {
		e.period(s, p)
	}
	if inVocabulary(d.AccessRights, "access-right") {
		e.vocab(s, dctAccessRights, d.AccessRights, nsDCT+"RightsStatement")
	}
	e.ref(s, accessRequestURL, d.AccessRequestURL)
	e.languages(s, d.Languages)
	for _, l := range d.LandingPages {
		e.document(s, dcatLandingPage, l, suffix(title, " (nettside)", " (web page)"))
	}
	page := pub.DatasetPage(firstNonEmpty(d.Identifier, d.IRI))
	e.document(s, nsFOAF+"page", page, suffix(title, " i Katalog", " in Katalog"))
	for _, sp := range d.Spatial {
		e.vocab(s, dctSpatial, sp, nsDCT+"Location")
	}
	if inVocabulary(d.Frequency, "frequency") {
		e.vocab(s, dctAccrualPeriod, d.Frequency, nsDCT+"Frequency")
	}
	for _, c := range d.ConformsTo {
		if e.health() && !strings.HasPrefix(c, "https://hdeu-dcat.data.health.europa.eu/resource/authority/standard/") {
			continue // HealthDCAT-AP takes its own table of standards only
		}
		e.vocab(s, dctConformsTo, c, nsDCT+"Standard")
	}
	e.date(s, dctIssued, d.Issued, false)
	e.date(s, dctModified, d.Modified, false)

	dists := d.Distributions
	if len(dists) == 0 && e.health() {
		// HealthDCAT-AP wants a distribution: say where access is asked for.
		dists = []catalog.Distribution{{
			IRI:         page + "#distribution",
			Title:       catalog.Text{"nb": "Tilgang til data", "en": "Access to the data"},
			Description: catalog.Text{"nb": "Dataene utleveres etter søknad. Se datasettets side for variabler og hvor du søker.", "en": "The data are released on application. See the dataset's page for its variables and where to apply."},
			AccessURLs:  []string{firstNonEmpty(d.AccessRequestURL, page)},
		}}
	}
	fallbackAccess := page
	for _, l := range d.LandingPages {
		if isAbsoluteIRI(l) {
			fallbackAccess = l
			break
		}
	}
	for i := range dists {
		e.distribution(s, &dists[i], i, fallbackAccess)
	}

	if e.health() {
		e.healthDataset(s, d, vars)
		e.variables(s, d, vars, codeList)
	}
	e.agent(publisher, &contacts[0])
	e.Flush()
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (e *Encoder) period(s rdf.Term, p catalog.Period) {
	t := e.blank()
	e.add(s, dctTemporal, t)
	e.typ(t, nsDCT+"PeriodOfTime")
	e.date(t, dcatStartDate, p.Start, false)
	e.date(t, dcatEndDate, p.End, true)
}

// distribution writes a distribution; one that gives neither an access nor
// a download URL gets fallback (the dataset's landing page, or its page in
// Katalog) as its access URL, which DCAT requires.
func (e *Encoder) distribution(ds rdf.Term, d *catalog.Distribution, i int, fallback string) {
	var s rdf.Term
	if isAbsoluteIRI(d.IRI) {
		s = rdf.IRI(d.IRI)
	} else {
		s = rdf.IRI(ds.Value + "#distribution-" + fmt.Sprint(i+1))
		if !strings.HasPrefix(ds.Value, e.pub.Base+"/") {
			s = e.blank()
		}
	}
	e.add(ds, dcatDistribution, s)
	if s.IsIRI() && !e.once("distribution "+s.Value) {
		return // described already: feeds share distributions between datasets
	}
	e.typ(s, nsDCAT+"Distribution")
	e.text(s, dctTitle, d.Title)
	e.text(s, dctDescription, d.Description)
	var access []string
	for _, u := range d.AccessURLs {
		if isAbsoluteIRI(u) {
			access = append(access, u)
		}
	}
	if len(access) == 0 {
		for _, u := range d.DownloadURL {
			if isAbsoluteIRI(u) {
				access = append(access, u)
			}
		}
	}
	if len(access) == 0 {
		access = []string{fallback}
	}
	for _, u := range access {
		e.add(s, dcatAccessURL, rdf.IRI(u))
	}
	for _, u := range d.DownloadURL {
		e.ref(s, dcatDownloadURL, u)
	}
	if strings.HasPrefix(d.Format, authority+"file-type/") {
		e.vocab(s, dctFormat, d.Format, nsDCT+"MediaTypeOrExtent")
	}
	if strings.HasPrefix(d.MediaType, "https://www.iana.org/assignments/media-types/") || strings.HasPrefix(d.MediaType, "http://www.iana.org/assignments/media-types/") {
		e.vocab(s, dcatMediaType, d.MediaType, nsDCT+"MediaType")
	}
	e.vocab(s, dctLicense, licence(d.License), nsDCT+"LicenseDocument")
	e.date(s, dctIssued, d.Issued, false)
	e.date(s, dctModified, d.Modified, false)
	if e.health() {
		for _, l := range e.pub.Legislation {
			e.vocab(s, nsDCATAP+"applicableLegislation", l, nsELI+"LegalResource")
		}
	}
}

// healthDataset writes the HealthDCAT-AP properties of a dataset.
func (e *Encoder) healthDataset(s rdf.Term, d *catalog.Dataset, vars []catalog.Variable) {
	pub := e.pub
	cats, ok := pub.HealthCategories[d.Source]
	if !ok {
		cats = pub.HealthCategories[""]
	}
	for _, c := range cats {
		e.vocab(s, nsHealth+"healthCategory", c, nsSKOS+"Concept")
	}
	e.add(s, nsHealth+"hdab", rdf.IRI(e.agentIRI(&pub.HDAB)))
	e.agent(&pub.HDAB, &pub.HDABContact)
	for _, l := range pub.Legislation {
		e.vocab(s, nsDCATAP+"applicableLegislation", l, nsELI+"LegalResource")
	}
	structured := len(vars) > 0
	if d.HasStructuredData != nil {
		structured = *d.HasStructuredData && len(vars) > 0
	}
	e.add(s, healthHasStructured, rdf.Literal(fmt.Sprint(structured), "", rdf.XSDBoolean))
	if d.AccessRights == authority+"access-right/NON_PUBLIC" {
		// Mandatory for non-public datasets: what kind of data, and where
		// the record comes from.
		e.vocab(s, nsDCT+"type", authority+"dataset-type/PERSONAL_DATA", nsSKOS+"Concept")
	}
	prov := e.blank()
	e.add(s, nsDCT+"provenance", prov)
	e.typ(prov, nsDCT+"ProvenanceStatement")
	e.text(prov, rdfsLabel, catalog.Text{
		"nb": "Beskrivelsen er høstet av Katalog fra utgiverens egen DCAT-kilde og gjengitt uten endringer i innholdet.",
		"en": "This description was harvested by Katalog from the publisher's own DCAT feed and is reproduced without changes to its content.",
	})
}

// variables writes the dataset's variables as HealthDCAT-AP's CSVW table
// group, tables and columns, with their code lists.
func (e *Encoder) variables(s rdf.Term, d *catalog.Dataset, vars []catalog.Variable, codeList func(string) *catalog.CodeList) {
	if len(vars) == 0 {
		return
	}
	group := e.blank()
	e.add(s, healthHasVariables, group)
	e.typ(group, nsCSVW+"TableGroup")
	dsTitle := d.Title
	if len(dsTitle) == 0 {
		dsTitle = catalog.Text{catalog.LangUndetermined: firstNonEmpty(d.Identifier, lastSegment(d.IRI))}
	}
	e.text(group, dctTitle, dsTitle)

	// Tables in the dataset's order, then the columns of each in variable
	// order (readers take a table's column order from the document).
	tables := make(map[string]rdf.Term)
	var order []string
	titles := make(map[string]catalog.Text)
	for _, t := range d.Tables {
		titles[t.IRI] = t.Title
	}
	for _, v := range vars {
		if _, ok := tables[v.Table]; ok {
			continue
		}
		var t rdf.Term
		if isAbsoluteIRI(v.Table) {
			t = rdf.IRI(v.Table)
		} else {
			t = e.blank()
		}
		tables[v.Table] = t
		order = append(order, v.Table)
	}
	for _, key := range order {
		t := tables[key]
		e.add(group, csvwTable, t)
		e.typ(t, nsCSVW+"Table")
		title := titles[key]
		if len(title) == 0 {
			title = dsTitle
		}
		e.text(t, dctTitle, title)
		n := 0
		for i := range vars {
			if vars[i].Table == key {
				e.add(t, csvwColumn, rdf.IRI(vars[i].IRI))
				// The column's place in its table (extension: JSON-LD
				// processors do not keep document order).
				n++
				e.add(rdf.IRI(vars[i].IRI), schemaPosition, rdf.Literal(strconv.Itoa(n), "", rdf.XSDInteger))
			}
		}
	}
	for i := range vars {
		e.variable(&vars[i], codeList)
	}
}

func (e *Encoder) variable(v *catalog.Variable, codeList func(string) *catalog.CodeList) {
	s := rdf.IRI(v.IRI)
	e.typ(s, nsCSVW+"Column")
	e.literal(s, dctIdentifier, firstNonEmpty(v.Identifier, v.IRI))
	e.literal(s, csvwName, v.Name)
	title := v.Title
	if len(title) == 0 {
		title = catalog.Text{catalog.LangUndetermined: v.Name}
	}
	e.text(s, csvwTitle, title)
	desc := v.Description
	if len(desc) == 0 {
		desc = title
	}
	e.text(s, dctDescription, desc)
	e.literal(s, csvwDatatype, firstNonEmpty(v.Datatype, "string"))
	if len(v.PropertyURLs) > 0 {
		e.ref(s, csvwPropertyURL, v.PropertyURLs[0]) // 0..1 in HealthDCAT-AP
	}
	e.literal(s, schemaUnitText, v.Unit)
	for _, c := range v.Subjects {
		if c.IRI == "" {
			continue
		}
		e.add(s, dctSubject, rdf.IRI(c.IRI))
		e.concept(c.IRI, nsSKOS+"Concept", c.Label)
	}
	for _, p := range v.Temporal {
		e.period(s, p)
	}
	for _, id := range v.AltIdentifiers {
		n := e.blank()
		e.add(s, admsIdentifier, n)
		e.typ(n, nsADMS+"Identifier")
		e.literal(n, skosNotation, id.Notation)
		e.literal(n, dctCreator, id.Creator)
	}
	e.add(s, nsFOAF+"page", rdf.IRI(e.pub.VariablePage(firstNonEmpty(v.Identifier, v.IRI))))
	if v.CodeList != "" {
		e.add(s, modellHasValueFrom, rdf.IRI(v.CodeList))
		if e.once("codelist " + v.CodeList) {
			if cl := codeList(v.CodeList); cl != nil {
				e.codeList(cl)
			}
		}
	}
}

func (e *Encoder) codeList(cl *catalog.CodeList) {
	s := rdf.IRI(cl.IRI)
	e.typ(s, nsSKOS+"ConceptScheme")
	title := cl.Title
	if len(title) == 0 {
		title = catalog.Text{catalog.LangUndetermined: firstNonEmpty(cl.Identifier, lastSegment(cl.IRI))}
	}
	e.text(s, dctTitle, title)
	e.literal(s, dctIdentifier, cl.Identifier)
	for i, c := range cl.Codes {
		var n rdf.Term
		if isAbsoluteIRI(c.IRI) {
			n = rdf.IRI(c.IRI)
		} else {
			n = e.blank()
		}
		e.typ(n, nsSKOS+"Concept")
		e.add(n, skosInScheme, s)
		e.literal(n, skosNotation, c.Notation)
		label := c.Label
		if len(label) == 0 {
			// SKOS wants a label; the feed gives none, so the code's
			// notation, or its name in its IRI, stands for it.
			label = catalog.Text{catalog.LangUndetermined: firstNonEmpty(c.Notation, lastSegment(c.IRI), "?")}
		}
		e.text(n, skosPrefLabel, label)
		e.add(n, schemaPosition, rdf.Literal(strconv.Itoa(i+1), "", rdf.XSDInteger))
	}
}

// DefaultPublication is what a Katalog says about itself unless its
// configuration says otherwise. The health data access body is
// Helsedataservice, the Norwegian one for health registers (part of the
// Norwegian Directorate of Health); which body a deployment names is a
// policy decision, so it is configurable.
func DefaultPublication() Publication {
	return Publication{
		Title: catalog.Text{
			"nb": "Katalog: nasjonal metadatakatalog og variabelutforsker for helseregistre",
			"nn": "Katalog: nasjonal metadatakatalog og variabelutforskar for helseregister",
			"en": "Katalog: national metadata catalogue and variable explorer for health registers",
		},
		Description: catalog.Text{
			"nb": "Datasett og variabler fra norske helseregistre og befolkningsundersøkelser, høstet fra registerforvalternes egne DCAT-AP-NO- og HealthDCAT-AP-kilder.",
			"nn": "Datasett og variablar frå norske helseregister og befolkningsundersøkingar, hausta frå registerforvaltarane sine eigne DCAT-AP-NO- og HealthDCAT-AP-kjelder.",
			"en": "Datasets and variables of Norwegian health registers and population studies, harvested from the register holders' own DCAT-AP-NO and HealthDCAT-AP feeds.",
		},
		Publisher: catalog.Agent{Name: catalog.Text{"nb": "Katalog", "en": "Katalog"}},
		HDAB: catalog.Agent{
			IRI:        "https://data.brreg.no/enhetsregisteret/api/enheter/983544622",
			Identifier: "983544622",
			Name:       catalog.Text{"nb": "Helsedataservice (Helsedirektoratet)", "en": "Health Data Service (Norwegian Directorate of Health)"},
			Homepage:   "https://helsedata.no/",
		},
		HDABContact:      catalog.Contact{Name: catalog.Text{"nb": "Helsedataservice", "en": "Health Data Service"}, URL: "https://helsedata.no/"},
		Legislation:      []string{EHDSRegulation},
		HealthCategories: map[string][]string{"": {HealthCategoryRegistry}},
		License:          authority + "licence/CC0",
	}
}

// WithBase returns p for the public address base, with the parts that
// depend on it filled in where the configuration left them empty.
func (p Publication) WithBase(base string) Publication {
	p.Base = strings.TrimRight(base, "/")
	if p.Publisher.Homepage == "" {
		p.Publisher.Homepage = p.Base + "/"
	}
	if p.Contact.Email == "" && p.Contact.URL == "" {
		p.Contact.URL = p.Base + "/sources"
	}
	if len(p.Contact.Name) == 0 {
		p.Contact.Name = p.Publisher.Name
	}
	return p
}
