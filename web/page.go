package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds the parsed templates and the content-hashed static files.
type pages struct {
	tmpl   map[string]*template.Template // page name → layout + page
	assets map[string]string             // file name → hashed URL
	files  map[string][]byte             // hashed URL → content
	msgs   messages
}

func parsePages() (*pages, error) {
	p := &pages{
		tmpl:   map[string]*template.Template{},
		assets: map[string]string{},
		files:  map[string][]byte{},
		msgs:   newMessages(),
	}
	err := fs.WalkDir(staticFS, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		base := path.Base(name)
		u := "/static/" + hex.EncodeToString(sum[:6]) + "/" + base
		p.assets[base], p.files[u] = u, data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			if u, ok := p.assets[name]; ok {
				return u, nil
			}
			return "", fmt.Errorf("no static file %q", name)
		},
		"esc":    url.PathEscape,
		"query":  url.QueryEscape,
		"year":   func(t time.Time) int { return t.Year() },
		"marks":  marks,
		"add":    func(a, b int) int { return a + b },
		"sub":    func(a, b int) int { return a - b },
		"vocab":  vocabLabel,
		"isoday": func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"hitOf":  func(h catalog.SearchHit, d *pageData) hitData { return hitData{h, d} },
		"args":   func(v ...any) []any { return v },
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || base == "partials.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", name)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", base, err)
		}
		p.tmpl[strings.TrimSuffix(base, ".html")] = t
	}
	return p, nil
}

// pageData is what every page template gets.
type pageData struct {
	Lang      string
	Title     string
	Query     string
	Path      string // the request path and query, for language links
	RequestID string
	Body      any
	// Basket is the reader's variable list, for the count in the header
	// and the add and remove buttons.
	Basket basket
	msgs   messages
	now    time.Time
}

// InBasket reports whether the variable with identifier id is in the
// reader's basket.
func (d *pageData) InBasket(id string) bool { return d.Basket.has(id) }

// toggle is what the basket button of a variable gets.
type toggle struct {
	ID, Name string
	Page     *pageData
}

// Toggle returns the basket button's model for a variable.
func (d *pageData) Toggle(id, name string) toggle { return toggle{id, name, d} }

// T returns a UI string in the page's language.
func (d *pageData) T(key string) string { return d.msgs.t(d.Lang, key) }

// localized is a text in one language, with the language it is in.
type localized struct {
	Text string
	Lang string // the BCP 47 tag to put in a lang attribute, or ""
}

// Loc picks a multilingual text in the page's language, falling back as
// catalog.Text.Get does; Lang is set when the text is in another language
// than the page, so that templates mark it with a lang attribute.
func (d *pageData) Loc(t catalog.Text) localized {
	s, in, ok := t.Get(d.Lang)
	if !ok {
		return localized{}
	}
	l := localized{Text: s}
	if in != d.Lang && in != catalog.LangUndetermined {
		l.Lang = in
	}
	return l
}

// markedText is a text in one language split into highlighted segments.
type markedText struct {
	Segments []segment
	Lang     string // as in localized
}

// Marked picks a multilingual text as Loc does and, where the search
// highlighted it in the language picked (highlights keyed field.lang), the
// highlighted fragment instead of the plain text.
func (d *pageData) Marked(t catalog.Text, highlights map[string][]string, field string) markedText {
	s, in, ok := t.Get(d.Lang)
	if !ok {
		return markedText{}
	}
	m := markedText{Segments: []segment{{Text: s}}}
	if in != d.Lang && in != catalog.LangUndetermined {
		m.Lang = in
	}
	if frags := highlights[field+"."+langField(in)]; len(frags) > 0 {
		m.Segments = marks(frags[0])
	}
	return m
}

// langField is the highlight key suffix of a language (search indexes
// languages other than nb, nn and en together as "other").
func langField(lang string) string {
	switch lang {
	case "nb", "nn", "en":
		return lang
	}
	return "other"
}

// LangURL returns the current page in another UI language.
func (d *pageData) LangURL(lang string) string {
	u, err := url.Parse(d.Path)
	if err != nil {
		return "/?lang=" + lang
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.String()
}

// Ago says how long ago t was, in the page's language.
func (d *pageData) Ago(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	dur := d.now.Sub(t)
	n, unit := 0, 0
	switch {
	case dur < time.Minute:
		return [3]string{"nå nettopp", "no nettopp", "just now"}[langIndex(d.Lang)]
	case dur < time.Hour:
		n, unit = int(dur.Minutes()), 0
	case dur < 48*time.Hour:
		n, unit = int(dur.Hours()), 1
	case dur < 60*24*time.Hour:
		n, unit = int(dur.Hours()/24), 2
	default:
		n, unit = int(dur.Hours()/24/30), 3
	}
	units := [3][4]string{
		{"min", "t", "dager", "måneder"},
		{"min", "t", "dagar", "månader"},
		{"min", "h", "days", "months"},
	}[langIndex(d.Lang)]
	ago := [3]string{"siden", "sidan", "ago"}[langIndex(d.Lang)]
	return fmt.Sprintf("%d %s %s", n, units[unit], ago)
}

// hitData is what the hit template gets: a hit and the page it is on.
type hitData struct {
	Hit  catalog.SearchHit
	Page *pageData
}

// segment is a piece of highlighted text; Mark says whether it matched.
type segment struct {
	Text string
	Mark bool
}

// marks splits a highlight fragment from the index ("<mark>hode</mark>omkrets",
// HTML-escaped) into segments, so that templates escape the text themselves
// and nothing from a feed is ever marked safe.
func marks(fragment string) []segment {
	var out []segment
	for fragment != "" {
		before, rest, found := strings.Cut(fragment, "<mark>")
		if before != "" {
			out = append(out, segment{Text: html.UnescapeString(before)})
		}
		if !found {
			break
		}
		inside, after, _ := strings.Cut(rest, "</mark>")
		out = append(out, segment{Text: html.UnescapeString(inside), Mark: true})
		fragment = after
	}
	return out
}

func vocabLabel(iri string) catalog.Text {
	if t, ok := catalog.VocabularyLabel(iri); ok {
		return t
	}
	return catalog.Text{catalog.LangUndetermined: iri}
}

// render writes a page.
func (s *Server) render(c echo.Context, status int, name, title string, body any) error {
	t, ok := s.pages.tmpl[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	data := &pageData{
		Lang:      pageLang(c),
		Title:     title,
		Query:     c.QueryParam("q"),
		Path:      c.Request().URL.RequestURI(),
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
		Body:      body,
		Basket:    readBasket(c.Request()),
		msgs:      s.pages.msgs,
		now:       s.now(),
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Response().Header().Set("Vary", "Accept-Language, Cookie")
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) renderError(c echo.Context, status int, msg, rid string) {
	body := struct {
		Status  int
		Message string
	}{status, msg}
	if err := s.render(c, status, "error", http.StatusText(status), body); err != nil {
		s.log.Error("render error page", "error", err)
		c.String(status, msg)
	}
}

func (s *Server) handleStatic(c echo.Context) error {
	data, ok := s.pages.files[c.Request().URL.Path]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	ctype := "application/octet-stream"
	switch path.Ext(c.Request().URL.Path) {
	case ".css":
		ctype = "text/css; charset=utf-8"
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	case ".svg":
		ctype = "image/svg+xml"
	}
	return c.Blob(http.StatusOK, ctype, data)
}

func (s *Server) registerPageRoutes(e *echo.Echo) {
	// The home, dataset and variable pages are also the IRIs of Katalog's
	// FAIR Data Point record and of the records: RDF clients get RDF.
	for path, h := range map[string]echo.HandlerFunc{
		"/":              s.negotiated(s.handleHomePage, s.describeFDP),
		"/variables/:id": s.negotiated(s.handleVariablePage, s.describeVariable),
		"/datasets/:id":  s.negotiated(s.handleDatasetPage, s.describeDataset),
		"/agents/:id":    s.negotiated(s.handleAgentPage, s.describeAgent),
	} {
		e.GET(path, h)
		e.HEAD(path, h)
	}
	e.GET("/search", s.handleSearchPage, s.limited(s.searchLimit))
	e.GET("/sources", s.handleSourcesPage)
	e.GET("/sources/:name", s.handleSourcePage)
	e.GET("/static/*", s.handleStatic)
	s.registerBasketRoutes(e)
}
