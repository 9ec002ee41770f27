package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

// The formats of GET /basket/export?format=…
const (
	exportCSV         = "csv"         // UTF-8, comma, English column names
	exportExcel       = "excel"       // UTF-8 with BOM, column names in the reader's language
	exportJSON        = "json"        // the variables as a JSON array
	exportApplication = "application" // the document for a data access application
)

// ApplicationFormat names the access application document's format and
// version (docs/basket-application.schema.json describes it).
const ApplicationFormat = "katalog-variable-list/1"

// handleBasketExport writes a basket as a file: the list in v=, or else the
// reader's own basket.
func (s *Server) handleBasketExport(c echo.Context) error {
	req := c.Request()
	b := readBasket(req)
	if ids, ok := req.URL.Query()["v"]; ok {
		b = sharedBasket(ids)
	}
	list, err := s.lookupBasket(req.Context(), b)
	if err != nil {
		return err
	}
	lang := pageLang(c)
	now := s.now()
	name := s.pages.msgs.t(lang, "basket.file") + "-" + now.UTC().Format("2006-01-02")
	pub := s.publication(c)
	var buf bytes.Buffer
	ctype, ext := "", ""
	switch format := c.QueryParam("format"); format {
	case exportCSV, exportExcel:
		if err := writeBasketCSV(&buf, list, pub.Base, lang, format == exportExcel, s.pages.msgs); err != nil {
			return err
		}
		ctype, ext = "text/csv; charset=utf-8", ".csv"
		if format == exportExcel {
			name += "-excel"
		}
	case exportJSON:
		if err := writeJSON(&buf, basketVariables(list, pub.Base)); err != nil {
			return err
		}
		ctype, ext = echo.MIMEApplicationJSONCharsetUTF8, ".json"
	case exportApplication:
		doc := s.applicationDocument(list, pub.Base, lang, now)
		if err := writeJSON(&buf, doc); err != nil {
			return err
		}
		ctype, ext = echo.MIMEApplicationJSONCharsetUTF8, ".json"
		name += "-" + s.pages.msgs.t(lang, "basket.file_application")
	default:
		return catalog.Errorf(catalog.EINVALID, "format must be csv, excel, json or application, not %q", format)
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+ext+`"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, ctype, buf.Bytes())
}

func writeJSON(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// basketColumns are the CSV export's columns: the English name and the
// message key of the localised one.
var basketColumns = []struct{ name, key string }{
	{"register_holder", "ds.publisher"},
	{"dataset_identifier", "basket.col.dataset"},
	{"dataset_title", "basket.col.dataset_title"},
	{"variable_identifier", "var.identifier"},
	{"name", "var.name"},
	{"title", "basket.col.title"},
	{"datatype", "var.datatype"},
	{"unit", "var.unit"},
	{"coverage", "var.coverage"},
	{"access_rights", "ds.access"},
	{"access_request_url", "ds.apply"},
	{"variable_iri", "basket.col.iri"},
	{"katalog_url", "basket.col.url"},
}

// writeBasketCSV writes one row per variable, grouped by register holder.
// The Excel form starts with a byte order mark (so that Excel reads UTF-8),
// names the columns in the reader's language, separates them with
// semicolons for Norwegian readers (Excel's list separator in a Norwegian
// locale) and ends lines with CRLF.
func writeBasketCSV(buf *bytes.Buffer, list *basketList, base, lang string, excel bool, msgs messages) error {
	w := csv.NewWriter(buf)
	header := make([]string, len(basketColumns))
	for i, col := range basketColumns {
		header[i] = col.name
		if excel {
			header[i] = msgs.t(lang, col.key)
		}
	}
	if excel {
		buf.WriteString("\ufeff")
		w.UseCRLF = true
		if lang != "en" {
			w.Comma = ';'
		}
	}
	w.Write(header)
	for _, h := range list.Holders {
		holder := ""
		if h.Publisher != nil {
			holder, _, _ = h.Publisher.Name.Get(lang)
		}
		for _, bd := range h.Datasets {
			d := bd.Dataset
			dsTitle, _, _ := d.Title.Get(lang)
			access := ""
			if d.AccessRights != "" {
				access, _, _ = vocabLabel(d.AccessRights).Get(lang)
			}
			for _, v := range bd.Variables {
				title, _, _ := v.Title.Get(lang)
				w.Write([]string{
					holder, d.Identifier, dsTitle, v.Identifier, v.Name, title, v.Datatype, v.Unit,
					periods(coverage(v, d)), access, d.AccessRequestURL, v.IRI,
					base + "/variables/" + url.PathEscape(v.Identifier),
				})
			}
		}
	}
	w.Flush()
	return w.Error()
}

// coverage is a variable's temporal coverage, or else its dataset's.
func coverage(v *catalog.Variable, d *catalog.Dataset) []catalog.Period {
	if len(v.Temporal) > 0 {
		return v.Temporal
	}
	return d.Temporal
}

// periods writes periods as "1999–2008, 2010–".
func periods(ps []catalog.Period) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		s := p.Start
		if p.End != "" || s != "" {
			s += "–" + p.End
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// basketVariable is a variable as the JSON exports show it.
type basketVariable struct {
	Identifier  string           `json:"identifier"`
	IRI         string           `json:"iri"`
	Name        string           `json:"name"`
	Title       catalog.Text     `json:"title"`
	Description catalog.Text     `json:"description,omitempty"`
	Datatype    string           `json:"datatype,omitempty"`
	Unit        string           `json:"unit,omitempty"`
	Temporal    []catalog.Period `json:"temporal,omitempty"`
	Table       string           `json:"table,omitempty"`
	Status      string           `json:"status"` // active | withdrawn
	Withdrawn   *time.Time       `json:"withdrawn,omitempty"`
	URL         string           `json:"url"` // its page in Katalog
	// Dataset and Publisher are set in the flat JSON export only; the
	// application document groups variables under them.
	Dataset          *catalog.DatasetRef `json:"dataset,omitempty"`
	Publisher        *catalog.Agent      `json:"publisher,omitempty"`
	AccessRights     string              `json:"access_rights,omitempty"`
	AccessRequestURL string              `json:"access_request_url,omitempty"`
}

func newBasketVariable(v *catalog.Variable, base string) basketVariable {
	return basketVariable{
		Identifier: v.Identifier, IRI: v.IRI, Name: v.Name, Title: nonNil(v.Title), Description: v.Description,
		Datatype: v.Datatype, Unit: v.Unit, Temporal: v.Temporal, Table: v.Table,
		Status: status(v.Withdrawn), Withdrawn: v.Withdrawn,
		URL: base + "/variables/" + url.PathEscape(v.Identifier),
	}
}

// basketVariables is the flat JSON export: every variable with its dataset
// and register holder.
func basketVariables(list *basketList, base string) map[string]any {
	vars := []basketVariable{}
	for _, h := range list.Holders {
		for _, bd := range h.Datasets {
			d := bd.Dataset
			for _, v := range bd.Variables {
				bv := newBasketVariable(v, base)
				bv.Dataset = &catalog.DatasetRef{Identifier: d.Identifier, IRI: d.IRI, Title: nonNil(d.Title)}
				bv.Publisher, bv.AccessRights, bv.AccessRequestURL = h.Publisher, d.AccessRights, d.AccessRequestURL
				vars = append(vars, bv)
			}
		}
	}
	return map[string]any{"variables": vars, "missing": nonNilIDs(list.Missing)}
}

// applicationDocument is the variable list of a data access application,
// for the applicant's form or the access body's case system: the variables
// grouped by register holder (each handles its own part of an application)
// and dataset, with how to apply for each.
type applicationDocument struct {
	Format    string    `json:"format"`
	Generated time.Time `json:"generated"`
	Generator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		URL     string `json:"url"`
	} `json:"generator"`
	Language        string              `json:"language"`
	ListURL         string              `json:"list_url"` // recreates the list in Katalog
	AccessBody      *applicationAgent   `json:"access_body,omitempty"`
	RegisterHolders []applicationHolder `json:"register_holders"`
	Missing         []string            `json:"missing"`
	Counts          struct {
		RegisterHolders int `json:"register_holders"`
		Datasets        int `json:"datasets"`
		Variables       int `json:"variables"`
	} `json:"counts"`
}

type applicationAgent struct {
	IRI        string            `json:"iri,omitempty"`
	Identifier string            `json:"identifier,omitempty"` // organisation number
	Name       catalog.Text      `json:"name"`
	Homepage   string            `json:"homepage,omitempty"`
	Contacts   []catalog.Contact `json:"contact_points,omitempty"`
}

type applicationHolder struct {
	applicationAgent
	Datasets []applicationDataset `json:"datasets"`
}

type applicationDataset struct {
	Identifier       string           `json:"identifier"`
	IRI              string           `json:"iri"`
	Title            catalog.Text     `json:"title"`
	AccessRights     string           `json:"access_rights,omitempty"`
	AccessRequestURL string           `json:"access_request_url,omitempty"`
	Temporal         []catalog.Period `json:"temporal,omitempty"`
	Source           string           `json:"source"`
	LastHarvested    *time.Time       `json:"last_harvested,omitempty"`
	URL              string           `json:"url"`
	Variables        []basketVariable `json:"variables"`
}

func (s *Server) applicationDocument(list *basketList, base, lang string, now time.Time) *applicationDocument {
	doc := &applicationDocument{Format: ApplicationFormat, Generated: now.UTC(), Language: lang, Missing: nonNilIDs(list.Missing)}
	doc.Generator.Name, doc.Generator.Version, doc.Generator.URL = "Katalog", s.version, base+"/"
	doc.ListURL = base + "/basket?" + list.IDs.query()
	if hdab := s.pub.HDAB; hdab.IRI != "" || len(hdab.Name) > 0 {
		doc.AccessBody = &applicationAgent{IRI: hdab.IRI, Identifier: hdab.Identifier, Name: nonNil(hdab.Name), Homepage: hdab.Homepage}
		if ct := s.pub.HDABContact; len(ct.Name) > 0 || ct.Email != "" || ct.URL != "" {
			doc.AccessBody.Contacts = []catalog.Contact{ct}
		}
	}
	doc.RegisterHolders = []applicationHolder{}
	for _, h := range list.Holders {
		ah := applicationHolder{applicationAgent: applicationAgent{Name: catalog.Text{}, Contacts: h.Contacts}}
		if p := h.Publisher; p != nil {
			ah.IRI, ah.Identifier, ah.Name, ah.Homepage = p.IRI, p.Identifier, nonNil(p.Name), p.Homepage
		}
		for _, bd := range h.Datasets {
			d := bd.Dataset
			ad := applicationDataset{
				Identifier: d.Identifier, IRI: d.IRI, Title: nonNil(d.Title), AccessRights: d.AccessRights,
				AccessRequestURL: d.AccessRequestURL, Temporal: d.Temporal, Source: bd.Source.Name,
				LastHarvested: bd.Source.LastHarvested, URL: base + "/datasets/" + url.PathEscape(d.Identifier),
			}
			for _, v := range bd.Variables {
				ad.Variables = append(ad.Variables, newBasketVariable(v, base))
			}
			ah.Datasets = append(ah.Datasets, ad)
			doc.Counts.Datasets++
			doc.Counts.Variables += len(ad.Variables)
		}
		doc.RegisterHolders = append(doc.RegisterHolders, ah)
	}
	doc.Counts.RegisterHolders = len(doc.RegisterHolders)
	return doc
}
