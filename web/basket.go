package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

// The basket (variabelliste) is the list of variables a researcher collects
// for a data access application. It lives in the reader's browser, in
// cookies, so it needs no account, works the same with and without
// JavaScript, and every page can show which variables are in it. A basket
// travels as a URL (/basket?v=ID&v=ID): opening it shows that list, which
// the reader can take as their own.

const (
	// basketCookie names the cookies that hold the basket: basket0,
	// basket1, … each at most basketChunk bytes, so that a basket of
	// maxBasket variables fits a browser's per-cookie limit of 4 KB.
	basketCookie  = "basket"
	basketChunks  = 12
	basketChunk   = 3800
	maxBasket     = 1000
	basketMaxAge  = 400 * 24 * 3600 // the most browsers keep a cookie
	basketSep     = '!'
	basketEscaped = "!%"
)

// basket is the identifiers of the variables in a basket, in the order they
// were added, without repeats.
type basket []string

func (b basket) has(id string) bool {
	for _, v := range b {
		if v == id {
			return true
		}
	}
	return false
}

// add appends the identifiers not in b yet; it fails when the basket would
// hold more than maxBasket variables.
func (b basket) add(ids ...string) (basket, error) {
	for _, id := range ids {
		if id == "" || b.has(id) {
			continue
		}
		if len(b) >= maxBasket {
			return b, catalog.Errorf(catalog.EINVALID, "the variable list is full: it holds at most %d variables; export it and start another", maxBasket)
		}
		b = append(b, id)
	}
	return b, nil
}

func (b basket) remove(ids ...string) basket {
	out := b[:0:0]
	for _, v := range b {
		keep := true
		for _, id := range ids {
			if v == id {
				keep = false
			}
		}
		if keep {
			out = append(out, v)
		}
	}
	return out
}

// query returns the basket as the query of its shareable URL (with the
// colons of identifiers such as "MoBa:Skjema1_v12:AA555" left readable).
func (b basket) query() string {
	return strings.ReplaceAll(url.Values{"v": b}.Encode(), "%3A", ":")
}

// readBasket reads the basket from the request's cookies; what does not
// decode is left out.
func readBasket(r *http.Request) basket {
	var b basket
	for i := 0; i < basketChunks; i++ {
		ck, err := r.Cookie(basketCookie + strconv.Itoa(i))
		if err != nil {
			break
		}
		for _, part := range strings.Split(ck.Value, string(basketSep)) {
			if id, err := url.PathUnescape(part); err == nil && id != "" {
				b, _ = b.add(id)
			}
		}
	}
	return b
}

// writeBasket sets the cookies that hold b, and expires those it no longer
// needs. It fails, setting nothing, when b does not fit in them.
func writeBasket(c echo.Context, b basket) error {
	chunks := basketCookieValues(b)
	if len(chunks) > basketChunks {
		return catalog.Errorf(catalog.EINVALID, "the variable list is full: its identifiers take more than the %d KB a browser keeps for it; export it and start another", basketChunks*basketChunk/1000)
	}
	secure := c.Scheme() == "https"
	for i := 0; i < basketChunks; i++ {
		ck := &http.Cookie{Name: basketCookie + strconv.Itoa(i), Path: "/", SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: secure}
		switch {
		case i < len(chunks):
			ck.Value, ck.MaxAge = chunks[i], basketMaxAge
		case hasCookie(c.Request(), ck.Name):
			ck.MaxAge = -1
		default:
			continue
		}
		c.SetCookie(ck)
	}
	return nil
}

// basketCookieValues encodes b as cookie values of at most basketChunk
// bytes each.
func basketCookieValues(b basket) []string {
	var chunks []string
	var cur strings.Builder
	for _, id := range b {
		e := escapeCookieValue(id)
		if cur.Len() > 0 && cur.Len()+1+len(e) > basketChunk {
			chunks = append(chunks, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(basketSep)
		}
		cur.WriteString(e)
	}
	if cur.Len() > 0 {
		chunks = append(chunks, cur.String())
	}
	return chunks
}

func hasCookie(r *http.Request, name string) bool {
	_, err := r.Cookie(name)
	return err == nil
}

// escapeCookieValue escapes what a cookie value may not hold (RFC 6265
// cookie-octet), the separator and the escape character, as %XX.
func escapeCookieValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\' || strings.IndexByte(basketEscaped, c) >= 0 {
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// basketUpdate is the answer to a basket change for scripts.
type basketUpdate struct {
	Count int      `json:"count"`
	IDs   []string `json:"ids"`
}

// The basket operations of POST /basket.
const (
	opAdd     = "add"
	opRemove  = "remove"
	opClear   = "clear"
	opReplace = "replace"
)

// handleBasketPost changes the reader's basket: op add, remove, clear or
// replace (with the identifiers in id). A form gets a redirect to back (a
// path on this site); a script that accepts JSON gets the new basket.
func (s *Server) handleBasketPost(c echo.Context) error {
	req := c.Request()
	if site := req.Header.Get("Sec-Fetch-Site"); site == "cross-site" {
		return echo.NewHTTPError(http.StatusForbidden, "the variable list can only be changed from this site")
	}
	if err := req.ParseForm(); err != nil {
		return catalog.Errorf(catalog.EINVALID, "the form could not be read: %v", err)
	}
	ids := req.PostForm["id"]
	b := readBasket(req)
	var err error
	switch op := req.PostFormValue("op"); op {
	case opAdd, opReplace:
		if err := s.checkVariables(req.Context(), ids); err != nil {
			return err
		}
		if op == opReplace {
			b = nil
		}
		b, err = b.add(ids...)
	case opRemove:
		b = b.remove(ids...)
	case opClear:
		b = nil
	default:
		return catalog.Errorf(catalog.EINVALID, "op must be add, remove, clear or replace, not %q", op)
	}
	if err != nil {
		return err
	}
	if err := writeBasket(c, b); err != nil {
		return err
	}
	if strings.Contains(req.Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON) {
		return c.JSON(http.StatusOK, basketUpdate{Count: len(b), IDs: nonNilIDs(b)})
	}
	return c.Redirect(http.StatusSeeOther, localPath(req.PostFormValue("back"), "/basket"))
}

func nonNilIDs(b basket) []string {
	if b == nil {
		return []string{}
	}
	return b
}

// checkVariables fails unless every identifier names a variable.
func (s *Server) checkVariables(ctx context.Context, ids []string) error {
	if len(ids) > maxBasket {
		return catalog.Errorf(catalog.EINVALID, "at most %d variables can be added at once, not %d", maxBasket, len(ids))
	}
	for _, id := range ids {
		if _, err := s.store.FindVariableByID(ctx, id); err != nil {
			if catalog.ErrorCode(err) == catalog.ENOTFOUND {
				return catalog.Errorf(catalog.EINVALID, "there is no variable with the identifier %q", id)
			}
			return err
		}
	}
	return nil
}

// localPath returns p if it is a path on this site, else def: a form's
// return address must not send the reader elsewhere.
func localPath(p, def string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return def
	}
	if u, err := url.Parse(p); err != nil || u.Host != "" || u.Scheme != "" {
		return def
	}
	return p
}

// basketList is a basket with its variables looked up, grouped by register
// holder and dataset: the basket page's model and what its exports hold.
type basketList struct {
	IDs     basket
	Holders []*basketHolder
	// Missing are identifiers no variable has (any more).
	Missing []string
	Count   int // variables found
}

// basketHolder is one register holder's part of a basket.
type basketHolder struct {
	Publisher *catalog.Agent // nil when the datasets give none
	Contacts  []catalog.Contact
	Datasets  []*basketDataset
}

// basketDataset is one dataset's part of a basket.
type basketDataset struct {
	Dataset   *catalog.Dataset
	Source    sourceRef
	Variables []*catalog.Variable
}

// lookupBasket finds the variables of b and their datasets. Register
// holders are in the order their first variable was added, datasets
// likewise, variables in basket order.
func (s *Server) lookupBasket(ctx context.Context, b basket) (*basketList, error) {
	out := &basketList{IDs: b}
	holders := map[string]*basketHolder{}
	datasets := map[string]*basketDataset{}
	for _, id := range b {
		v, err := s.store.FindVariableByID(ctx, id)
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			out.Missing = append(out.Missing, id)
			continue
		}
		if err != nil {
			return nil, err
		}
		dkey := v.Source + "\x00" + v.Dataset
		bd := datasets[dkey]
		if bd == nil {
			ds, err := s.store.FindDatasetByIRI(ctx, v.Source, v.Dataset)
			if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
				return nil, err
			}
			if ds == nil {
				ds = &catalog.Dataset{IRI: v.Dataset, Source: v.Source}
			}
			bd = &basketDataset{Dataset: ds, Source: s.sourceRef(ctx, v.Source)}
			datasets[dkey] = bd
			hkey := holderKey(ds.Publisher)
			h := holders[hkey]
			if h == nil {
				h = &basketHolder{Publisher: ds.Publisher}
				holders[hkey] = h
				out.Holders = append(out.Holders, h)
			}
			h.Datasets = append(h.Datasets, bd)
			for _, ct := range ds.Contacts {
				if !hasContact(h.Contacts, ct) {
					h.Contacts = append(h.Contacts, ct)
				}
			}
		}
		bd.Variables = append(bd.Variables, v)
		out.Count++
	}
	return out, nil
}

// HasTemporal reports whether any of the variables gives its own temporal
// coverage (the page then has a column for it).
func (d *basketDataset) HasTemporal() bool {
	for _, v := range d.Variables {
		if len(v.Temporal) > 0 {
			return true
		}
	}
	return false
}

// holderKey groups datasets by publisher: its IRI, else its name.
func holderKey(a *catalog.Agent) string {
	switch {
	case a == nil:
		return ""
	case a.IRI != "":
		return a.IRI
	}
	names := make([]string, 0, len(a.Name))
	for l, n := range a.Name {
		names = append(names, l+"="+n)
	}
	sort.Strings(names)
	return "name:" + strings.Join(names, "\x00")
}

func hasContact(cs []catalog.Contact, c catalog.Contact) bool {
	for _, x := range cs {
		if x.Email == c.Email && x.URL == c.URL && x.Phone == c.Phone && x.Name.String() == c.Name.String() {
			return true
		}
	}
	return false
}

// basketPage is the model of the basket page.
type basketPage struct {
	*basketList
	// Shared says the list comes from the URL (someone's shared list), not
	// from the reader's own basket; Own is the size of the reader's own.
	Shared   bool
	Own      int
	ShareURL string // absolute
	// ExportQuery is what the export links add to their query: the shared
	// list's identifiers, or nothing for the reader's own basket.
	ExportQuery string
	Generated   time.Time
}

// ExportURL is the address of the list's export in a format.
func (p *basketPage) ExportURL(format string) string {
	u := "/basket/export?format=" + url.QueryEscape(format)
	if p.ExportQuery != "" {
		u += "&" + p.ExportQuery
	}
	return u
}

func (s *Server) handleBasketPage(c echo.Context) error {
	req := c.Request()
	own := readBasket(req)
	b, shared := own, false
	if ids, ok := req.URL.Query()["v"]; ok {
		b, shared = sharedBasket(ids), true
	}
	list, err := s.lookupBasket(req.Context(), b)
	if err != nil {
		return err
	}
	p := &basketPage{basketList: list, Shared: shared, Own: len(own), Generated: s.now()}
	if len(b) > 0 {
		p.ShareURL = s.publication(c).Base + "/basket?" + b.query()
	}
	if shared {
		p.ExportQuery = b.query()
	}
	title := s.pages.msgs.t(pageLang(c), "basket.title")
	return s.render(c, http.StatusOK, "basket", title, p)
}

// sharedBasket reads the identifiers of a shared list, at most maxBasket.
func sharedBasket(ids []string) basket {
	var b basket
	for _, id := range ids {
		if len(b) == maxBasket {
			break
		}
		b, _ = b.add(strings.TrimSpace(id))
	}
	return b
}

func (s *Server) registerBasketRoutes(e *echo.Echo) {
	e.GET("/basket", s.handleBasketPage)
	e.POST("/basket", s.handleBasketPost)
	e.GET("/basket/export", s.handleBasketExport)
}
