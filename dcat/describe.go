package dcat

import (
	"context"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat/rdf"
)

// The documents behind the IRIs Katalog mints: its FAIR Data Point record,
// and one dataset, variable or agent each.

// FDPSpec is the FAIR Data Point specification Katalog follows.
const FDPSpec = "https://specs.fairdatapoint.org/fdp-specs-v1.2.html"

// DescribeFDP writes Katalog's FAIR Data Point record (FDP v1.2): a
// fdp-o:FAIRDataPoint that leads to Katalog's catalogue through an LDP
// DirectContainer. modified is when a harvest last changed a record.
func DescribeFDP(pub *Publication, modified time.Time, w *rdf.Writer) error {
	e := NewEncoder(pub, ProfileHealthDCATAP, w)
	root := rdf.IRI(pub.Base + "/")
	e.typ(root, nsFDP+"FAIRDataPoint", nsFDP+"MetadataService", nsDCAT+"DataService", nsDCAT+"Resource")
	e.text(root, dctTitle, pub.Title)
	e.text(root, dctDescription, pub.Description)
	e.add(root, dctPublisher, rdf.IRI(e.agentIRI(&pub.Publisher)))
	e.add(root, dcatContactPoint, e.contactNode(&pub.Contact, pub.Base+"/sources"))
	for _, l := range []string{"NOB", "NNO", "ENG"} {
		e.vocab(root, dctLanguage, authority+"language/"+l, nsDCT+"LinguisticSystem")
		e.add(root, nsFDP+"uiLanguage", rdf.IRI(authority+"language/"+l))
	}
	e.vocab(root, dctLicense, pub.License, nsDCT+"LicenseDocument")
	e.add(root, nsDCAT+"endpointURL", rdf.IRI(pub.Base+"/"))
	e.add(root, nsDCAT+"endpointDescription", rdf.IRI(pub.Base+"/api/v1/openapi.json"))
	e.vocab(root, dcatTheme, themeHealth, nsSKOS+"Concept")
	id := rdf.IRI(pub.Base + "/#identifier")
	e.add(root, nsFDP+"metadataIdentifier", id)
	e.typ(id, nsADMS+"Identifier")
	e.literal(id, dctIdentifier, pub.Base+"/")
	e.add(id, skosNotation, rdf.Literal(pub.Base+"/", "", ""))
	issued := pub.Issued
	if issued.IsZero() {
		issued = modified
	}
	e.add(root, nsFDP+"metadataIssued", rdf.Literal(issued.UTC().Format(time.RFC3339), "", nsXSD+"dateTime"))
	e.add(root, nsFDP+"metadataModified", rdf.Literal(modified.UTC().Format(time.RFC3339), "", nsXSD+"dateTime"))
	e.add(root, nsFDP+"conformsToFdpSpec", rdf.IRI(FDPSpec))
	if pub.Software != "" {
		e.literal(root, nsFDP+"hasSoftwareVersion", "katalog "+pub.Software)
	}
	cat := rdf.IRI(pub.CatalogIRI())
	e.add(root, nsFDP+"metadataCatalog", cat)
	// Navigation: the FDP's catalogues as an LDP container.
	c := rdf.IRI(pub.Base + "/#catalogs")
	e.typ(c, nsLDP+"DirectContainer")
	e.text(c, dctTitle, catalog.Text{"nb": "Kataloger", "en": "Catalogues"})
	e.add(c, nsLDP+"membershipResource", root)
	e.add(c, nsLDP+"hasMemberRelation", rdf.IRI(nsFDP+"metadataCatalog"))
	e.add(c, nsLDP+"contains", cat)
	e.agent(&pub.Publisher, &pub.Contact)
	return e.Flush()
}

// DescribeDataset writes one dataset as a document of its own: the dataset
// with its distributions (and, for HealthDCAT-AP, its variables and code
// lists), and an LDP container of its distributions for FAIR Data Point
// clients.
func DescribeDataset(ctx context.Context, store catalog.Store, pub *Publication, profile Profile, d *catalog.Dataset, w *rdf.Writer) error {
	var vars []catalog.Variable
	if profile == ProfileHealthDCATAP {
		var err error
		if vars, _, err = store.FindVariables(ctx, catalog.VariableFilter{Source: d.Source, Dataset: d.IRI}); err != nil {
			return err
		}
	}
	var cat *catalog.Catalog
	if d.Catalog != "" {
		cats, err := store.FindCatalogs(ctx, d.Source)
		if err != nil {
			return err
		}
		for i := range cats {
			if cats[i].IRI == d.Catalog {
				cat = &cats[i]
			}
		}
	}
	e := NewEncoder(pub, profile, w)
	codeLists := codeListReader{ctx: ctx, store: store, source: d.Source}
	e.Dataset(d, vars, cat, codeLists.find)
	if codeLists.err != nil {
		return codeLists.err
	}
	s := rdf.IRI(d.IRI)
	c := rdf.IRI(pub.DatasetPage(firstNonEmpty(d.Identifier, d.IRI)) + "#distributions")
	e.typ(c, nsLDP+"DirectContainer")
	e.text(c, dctTitle, catalog.Text{"nb": "Distribusjoner", "en": "Distributions"})
	e.add(c, nsLDP+"membershipResource", s)
	e.add(c, nsLDP+"hasMemberRelation", rdf.IRI(nsDCAT+"distribution"))
	for _, dist := range d.Distributions {
		if isAbsoluteIRI(dist.IRI) {
			e.add(c, nsLDP+"contains", rdf.IRI(dist.IRI))
		}
	}
	if len(d.Distributions) == 0 && profile == ProfileHealthDCATAP {
		e.add(c, nsLDP+"contains", rdf.IRI(pub.DatasetPage(firstNonEmpty(d.Identifier, d.IRI))+"#distribution"))
	}
	if cat != nil {
		e.add(rdf.IRI(cat.IRI), dcatDatasetProp, s)
	}
	return e.Flush()
}

// DescribeVariable writes one variable (a csvw:Column) with its code list.
func DescribeVariable(ctx context.Context, store catalog.Store, pub *Publication, v *catalog.Variable, w *rdf.Writer) error {
	e := NewEncoder(pub, ProfileHealthDCATAP, w)
	codeLists := codeListReader{ctx: ctx, store: store, source: v.Source}
	e.variable(v, codeLists.find)
	if codeLists.err != nil {
		return codeLists.err
	}
	e.add(rdf.IRI(v.IRI), nsDCT+"isPartOf", rdf.IRI(v.Dataset))
	return e.Flush()
}

// DescribeAgent writes an agent Katalog minted an IRI for.
func DescribeAgent(pub *Publication, a *catalog.Agent, contact *catalog.Contact, w *rdf.Writer) error {
	e := NewEncoder(pub, ProfileHealthDCATAP, w)
	e.agent(a, contact)
	return e.Flush()
}

// MintsAgentIRI reports whether Katalog mints the agent's IRI (it has none
// of its own and no organisation number), and returns it.
func (p *Publication) MintsAgentIRI(a *catalog.Agent) (string, bool) {
	if isAbsoluteIRI(a.IRI) || isOrgNumber(a.Identifier) {
		return "", false
	}
	return p.AgentIRI(a), true
}

// codeListReader looks up a source's code lists for an Encoder; a code list
// that is not stored is nil, and any other failure is kept in err.
type codeListReader struct {
	ctx    context.Context
	store  catalog.Store
	source string
	err    error
}

func (r *codeListReader) find(iri string) *catalog.CodeList {
	cl, err := r.store.FindCodeList(r.ctx, r.source, iri)
	if err != nil {
		if catalog.ErrorCode(err) != catalog.ENOTFOUND && r.err == nil {
			r.err = err
		}
		return nil
	}
	return cl
}
