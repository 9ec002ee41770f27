package main

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/validate"
	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
	"github.com/katalog/katalog/harvest"
	"github.com/katalog/katalog/web"
	"gopkg.in/yaml.v3"
)

//go:embed default.yaml
var defaultConfig []byte

// config is Katalog's configuration file (CONTRACT.md, and
// docs/configuration.md for the keys beyond it).
type config struct {
	Sources       []catalog.Source
	AdminTokenEnv string
	// Defaults are the limits of sources that set none of their own.
	Defaults catalog.SourceLimits
	// FileRoots are the folders file: URLs may read.
	FileRoots []string
	// Workers is how many sources are harvested at a time.
	Workers int
	// Profile is the validation profile of sources that name none.
	Profile string
	// BaseDir resolves relative file: URLs and file roots: the config
	// file's folder, or the working directory for the embedded default.
	BaseDir string
	// BaseURL is Katalog's public address, the start of every IRI it
	// mints; "" takes it from each request (serve) or uses the listen
	// address.
	BaseURL string
	// HealthCategories are the EHDS health categories of each source's
	// datasets, by source name.
	HealthCategories map[string][]string
	// SearchLimit and ExportLimit are the server's rate limits per client
	// (zero: none); TrustedProxies are the proxies whose X-Forwarded-For
	// names the client.
	SearchLimit, ExportLimit web.RateLimit
	TrustedProxies           []netip.Prefix
	// MaxBody and MaxFeedBody are the server's request body limits, of
	// every route and of the validation service.
	MaxBody, MaxFeedBody int64
	// CatalogCacheSize is the most bytes on disk of the catalogue
	// documents serve keeps, gzip-compressed, in DATA/cache/catalog; 0
	// keeps none.
	CatalogCacheSize int64
}

// defaultCatalogCacheSize is the default of catalog_cache.max_size: room
// for every page of both profiles of a catalogue of a million variables
// many times over (its whole HealthDCAT-AP Turtle, 722 MB, is 59 MB at
// gzip level 1: docs/benchmarks.md).
const defaultCatalogCacheSize = 2 << 30

// Defaults of the rate limits per client address. A harvester paging
// through /catalog one request at a time is held back only if it goes
// faster than 100 pages a second for longer than 1000 pages: pages of the
// default size of 100 datasets come at a few a second, pages of one
// dataset at about 100 a second on a fixture catalogue. People searching,
// and the suggestions typed into the search box, stay far below 20 a
// second; 200 at once leave room for dozens of people behind one address
// (a hospital's NAT).
var (
	defaultSearchLimit = web.RateLimit{PerSecond: 20, Burst: 200}
	defaultExportLimit = web.RateLimit{PerSecond: 100, Burst: 1000}
)

type fileConfig struct {
	Sources       []yaml.Node        `yaml:"sources"`
	AdminTokenEnv string             `yaml:"admin_token_env"`
	FileRoots     []string           `yaml:"file_roots"`
	Workers       int                `yaml:"workers"`
	Profile       string             `yaml:"profile"`
	BaseURL       string             `yaml:"base_url"`
	RateLimits    rateLimitsConfig   `yaml:"rate_limits"`
	BodyLimits    bodyLimitsConfig   `yaml:"body_limits"`
	CatalogCache  catalogCacheConfig `yaml:"catalog_cache"`
	limitsConfig  `yaml:",inline"`
}

// catalogCacheConfig is the cache of the DCAT endpoint's documents.
type catalogCacheConfig struct {
	MaxSize string `yaml:"max_size"` // a size, or 0 for no cache
}

// rateLimitsConfig are the server's rate limits per client address.
type rateLimitsConfig struct {
	Enabled        *bool           `yaml:"enabled"` // default true
	Search         rateLimitConfig `yaml:"search"`
	Export         rateLimitConfig `yaml:"export"`
	TrustedProxies []string        `yaml:"trusted_proxies"`
}

// rateLimitConfig is one rate limit; what it leaves out is the default's.
type rateLimitConfig struct {
	PerSecond *float64 `yaml:"per_second"`
	Burst     *int     `yaml:"burst"`
}

// bodyLimitsConfig are the server's request body limits.
type bodyLimitsConfig struct {
	Default  string `yaml:"default"`
	Validate string `yaml:"validate"`
}

type sourceConfig struct {
	Name      string `yaml:"name"`
	URL       string `yaml:"url"`
	Format    string `yaml:"format"`
	Schedule  string `yaml:"schedule"`
	Publisher string `yaml:"publisher"`
	Profile   string `yaml:"profile"`
	// HealthCategories are EHDS health category codes (PHDR) or IRIs.
	HealthCategories []string `yaml:"health_categories"`
	limitsConfig     `yaml:",inline"`
}

// limitsConfig are the limits a source sets, or the defaults set for all.
type limitsConfig struct {
	MaxBytes       string   `yaml:"max_bytes"`
	MaxPages       int      `yaml:"max_pages"`
	Timeout        string   `yaml:"timeout"`
	MaxRemoveShare *float64 `yaml:"max_remove_share"`
	AllowHosts     []string `yaml:"allow_hosts"`
	// MaxValuesPerProperty bounds the values of one property of one
	// subject (a dataset's keywords, a table's columns).
	MaxValuesPerProperty int `yaml:"max_values_per_property"`
}

// loadConfig reads the configuration at path, or the embedded default when
// path is "".
func loadConfig(path string) (*config, error) {
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		return parseConfig(bytes.NewReader(defaultConfig), "default configuration", wd)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	return parseConfig(f, path, dir)
}

// maxConfigBytes bounds a configuration file.
const maxConfigBytes = 4 << 20

// parseConfig reads and checks a configuration; errors name the file and
// the line, unless they are about the file as a whole. baseDir is the
// folder relative paths are read from.
func parseConfig(r io.Reader, name, baseDir string) (*config, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxConfigBytes {
		return nil, fmt.Errorf("%s: the configuration is larger than %d bytes", name, maxConfigBytes)
	}
	// YAML may also be UTF-16, but then its line numbers are not the
	// file's; Katalog reads UTF-8 only.
	if bytes.HasPrefix(data, []byte{0xfe, 0xff}) || bytes.HasPrefix(data, []byte{0xff, 0xfe}) {
		return nil, fmt.Errorf("%s: line 1: the file is UTF-16; save it as UTF-8", name)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var fc fileConfig
	if err := dec.Decode(&fc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: the configuration is empty; it needs a sources: list", name)
		}
		return nil, yamlError(name, data, err)
	}
	fromEnv, err := applyEnv(&fc)
	if err != nil {
		return nil, err
	}
	// The same document as nodes, for the lines of its top-level keys.
	var doc yaml.Node
	yaml.Unmarshal(data, &doc)
	at := func(key string) string {
		if v := fromEnv[key]; v != "" {
			return "environment variable " + v
		}
		if line := keyLine(&doc, key); line > 0 {
			return fmt.Sprintf("%s: line %d", name, line)
		}
		return name
	}
	if len(fc.Sources) == 0 {
		return nil, fmt.Errorf("%s: no sources: the configuration needs a sources: list with at least one source", at("sources"))
	}
	cfg := &config{AdminTokenEnv: fc.AdminTokenEnv, Workers: fc.Workers, BaseDir: baseDir, Profile: fc.Profile,
		HealthCategories: map[string][]string{}}
	if fc.BaseURL != "" {
		u, err := url.Parse(fc.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%s: base_url %q must be an http(s) address such as https://katalog.example.no", at("base_url"), fc.BaseURL)
		}
		cfg.BaseURL = strings.TrimRight(fc.BaseURL, "/")
	}
	if err := checkProfile(fc.Profile); err != nil {
		return nil, fmt.Errorf("%s: %w", at("profile"), err)
	}
	if fc.Workers < 0 || fc.Workers > 64 {
		return nil, fmt.Errorf("%s: workers must be between 1 and 64, not %d", at("workers"), fc.Workers)
	}
	if cfg.Defaults, err = parseLimits(fc.limitsConfig); err != nil {
		key := ""
		if le := (*limitError)(nil); errors.As(err, &le) {
			key = le.key
		}
		return nil, fmt.Errorf("%s: %w", at(key), err)
	}
	if err := cfg.parseServerLimits(fc.RateLimits, fc.BodyLimits); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if cfg.CatalogCacheSize, err = parseCacheSize(fc.CatalogCache.MaxSize); err != nil {
		return nil, fmt.Errorf("%s: %w", at("catalog_cache"), err)
	}
	for _, root := range fc.FileRoots {
		if !filepath.IsAbs(root) {
			root = filepath.Join(baseDir, root)
		}
		cfg.FileRoots = append(cfg.FileRoots, filepath.Clean(root))
	}
	if len(cfg.FileRoots) == 0 {
		cfg.FileRoots = []string{baseDir}
	}
	seen := map[string]int{}
	for _, node := range fc.Sources {
		var sc sourceConfig
		if err := knownKeys(&node, "name", "url", "format", "schedule", "publisher", "profile", "max_bytes", "max_pages", "timeout", "max_remove_share", "allow_hosts", "max_values_per_property", "health_categories"); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := node.Decode(&sc); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, node.Line, err)
		}
		src, err := sourceFrom(sc)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: source %q: %w", name, node.Line, sc.Name, err)
		}
		if line, dup := seen[sc.Name]; dup {
			return nil, fmt.Errorf("%s: line %d: source %q: the name is already used on line %d", name, node.Line, sc.Name, line)
		}
		seen[sc.Name] = node.Line
		cfg.Sources = append(cfg.Sources, src)
		for _, c := range sc.HealthCategories {
			iri, err := healthCategory(c)
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: source %q: %w", name, node.Line, sc.Name, err)
			}
			cfg.HealthCategories[sc.Name] = append(cfg.HealthCategories[sc.Name], iri)
		}
	}
	return cfg, nil
}

// healthCategory reads an EHDS health category: its code (PHDR) or IRI.
// envKeys are the top-level keys an environment variable sets over the
// file's value: KATALOG_ and the key in capitals, e.g. KATALOG_BASE_URL.
// KATALOG_FILE_ROOTS is a list like PATH; KATALOG_RATE_LIMITS_ENABLED
// sets rate_limits.enabled.
var envKeys = []string{"base_url", "workers", "profile", "admin_token_env", "file_roots", "rate_limits"}

// envName is the environment variable that sets a key of envKeys.
func envName(key string) string {
	if key == "rate_limits" {
		return "KATALOG_RATE_LIMITS_ENABLED"
	}
	return "KATALOG_" + strings.ToUpper(key)
}

// applyEnv sets the keys whose environment variables are set, and returns
// the variable of each key it set.
func applyEnv(fc *fileConfig) (map[string]string, error) {
	from := map[string]string{}
	for _, key := range envKeys {
		name := envName(key)
		v, ok := os.LookupEnv(name)
		if !ok {
			continue
		}
		from[key] = name
		switch key {
		case "base_url":
			fc.BaseURL = v
		case "workers":
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return nil, fmt.Errorf("environment variable %s: workers must be a whole number, not %q", name, v)
			}
			fc.Workers = n
		case "profile":
			fc.Profile = v
		case "admin_token_env":
			fc.AdminTokenEnv = v
		case "file_roots":
			fc.FileRoots = filepath.SplitList(v)
		case "rate_limits":
			on, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return nil, fmt.Errorf("environment variable %s: want true or false, not %q", name, v)
			}
			fc.RateLimits.Enabled = &on
		}
	}
	return from, nil
}

// envOr returns the environment variable name if it is set and not empty,
// or else def: the default of a command-line flag.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func healthCategory(c string) (string, error) {
	const base = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"
	c = strings.TrimSpace(c)
	code := strings.TrimPrefix(c, base)
	if len(code) != 4 || strings.ToUpper(code) != code || strings.ContainsAny(code, "/:") {
		return "", fmt.Errorf("health category %q must be a code of the EHDS health categories, such as PHDR, or its IRI (%sPHDR)", c, base)
	}
	return base + code, nil
}

// publication is what Katalog says about itself in its DCAT output.
func (c *config) publication() dcat.Publication {
	p := dcat.DefaultPublication()
	if c == nil {
		return p
	}
	p.Base = c.BaseURL
	for src, cats := range c.HealthCategories {
		p.HealthCategories[src] = cats
	}
	return p
}

// sourceFrom checks one source of the configuration.
func sourceFrom(sc sourceConfig) (catalog.Source, error) {
	if !validSourceName(sc.Name) {
		return catalog.Source{}, fmt.Errorf("name must be lower-case letters, digits and dashes")
	}
	u, err := url.Parse(sc.URL)
	if err != nil || sc.URL == "" {
		return catalog.Source{}, fmt.Errorf("url %q is not a URL", sc.URL)
	}
	switch u.Scheme {
	case "http", "https", "file":
	default:
		return catalog.Source{}, fmt.Errorf("url %q must start with http://, https:// or file:", sc.URL)
	}
	sc.Format = strings.ToLower(strings.TrimSpace(sc.Format))
	if sc.Format == "" {
		sc.Format = "auto"
	}
	if sc.Format != "auto" {
		if _, err := rdf.ParseFormat(sc.Format); err != nil {
			return catalog.Source{}, fmt.Errorf("format %q must be auto, turtle, rdfxml, jsonld or ntriples", sc.Format)
		}
	}
	if sc.Schedule == "" {
		sc.Schedule = "1h"
	}
	if _, err := harvest.ParseSchedule(sc.Schedule); err != nil {
		return catalog.Source{}, err
	}
	limits, err := parseLimits(sc.limitsConfig)
	if err != nil {
		return catalog.Source{}, err
	}
	if err := checkProfile(sc.Profile); err != nil {
		return catalog.Source{}, err
	}
	return catalog.Source{
		Name: sc.Name, URL: sc.URL, Format: sc.Format, Schedule: sc.Schedule,
		Publisher: strings.TrimSpace(sc.Publisher), Profile: sc.Profile, Limits: limits,
	}, nil
}

// checkProfile checks a validation profile's name ("" for the default).
func checkProfile(p string) error {
	if p == "" || slices.Contains(validate.Profiles(), p) {
		return nil
	}
	return fmt.Errorf("profile %q must be one of %s", p, strings.Join(validate.Profiles(), ", "))
}

// limitError is a malformed limit; key is its configuration key.
type limitError struct {
	key string
	msg string
}

func (e *limitError) Error() string { return e.msg }

// parseLimits reads the limits a source or the defaults may set. Its
// errors are *limitError.
func parseLimits(c limitsConfig) (catalog.SourceLimits, error) {
	var l catalog.SourceLimits
	var err error
	if l.MaxBytes, err = parseBytes(c.MaxBytes); err != nil {
		return l, &limitError{"max_bytes", err.Error()}
	}
	if c.MaxPages < 0 {
		return l, &limitError{"max_pages", fmt.Sprintf("max_pages must be 1 or more, not %d", c.MaxPages)}
	}
	l.MaxPages = c.MaxPages
	if c.Timeout != "" {
		if l.Timeout, err = time.ParseDuration(c.Timeout); err != nil || l.Timeout <= 0 {
			return l, &limitError{"timeout", fmt.Sprintf("timeout %q must be a positive Go duration such as 10m", c.Timeout)}
		}
	}
	if c.MaxRemoveShare != nil {
		switch s := *c.MaxRemoveShare; {
		case s == 0:
			l.MaxRemoveShare = -1 // 0 in the file turns the guard off
		case s < 0 || s > 1:
			return l, &limitError{"max_remove_share", fmt.Sprintf("max_remove_share must be between 0 (no guard) and 1, not %g", s)}
		default:
			l.MaxRemoveShare = s
		}
	}
	for _, h := range c.AllowHosts {
		if h = strings.TrimSpace(h); h == "" || strings.ContainsAny(h, "/:") {
			return l, &limitError{"allow_hosts", fmt.Sprintf("allow_hosts entry %q must be a host name such as data.example.org", h)}
		}
	}
	l.AllowHosts = c.AllowHosts
	if c.MaxValuesPerProperty < 0 {
		return l, &limitError{"max_values_per_property", fmt.Sprintf("max_values_per_property must be 1 or more, not %d", c.MaxValuesPerProperty)}
	}
	l.MaxValuesPerProperty = c.MaxValuesPerProperty
	return l, nil
}

// parseServerLimits reads the server's rate and body limits into c.
func (c *config) parseServerLimits(rl rateLimitsConfig, bl bodyLimitsConfig) error {
	var err error
	if c.SearchLimit, err = parseRateLimit("rate_limits.search", rl.Search, defaultSearchLimit); err != nil {
		return err
	}
	if c.ExportLimit, err = parseRateLimit("rate_limits.export", rl.Export, defaultExportLimit); err != nil {
		return err
	}
	if rl.Enabled != nil && !*rl.Enabled {
		c.SearchLimit, c.ExportLimit = web.RateLimit{}, web.RateLimit{}
	}
	for _, p := range rl.TrustedProxies {
		prefix, err := parsePrefix(p)
		if err != nil {
			return err
		}
		c.TrustedProxies = append(c.TrustedProxies, prefix)
	}
	for _, b := range []struct {
		key, value string
		into       *int64
		def        int64
	}{
		{"body_limits.default", bl.Default, &c.MaxBody, web.DefaultMaxBody},
		{"body_limits.validate", bl.Validate, &c.MaxFeedBody, web.DefaultMaxFeedBody},
	} {
		*b.into = b.def
		if b.value == "" {
			continue
		}
		n, err := parseBytes(b.value)
		if err != nil {
			return fmt.Errorf("%s %q must be a size such as 64KB or 32MB", b.key, b.value)
		}
		*b.into = n
	}
	return nil
}

// parseCacheSize reads catalog_cache.max_size: a size, or 0 for none; ""
// is the default.
func parseCacheSize(v string) (int64, error) {
	switch strings.TrimSpace(v) {
	case "":
		return defaultCatalogCacheSize, nil
	case "0":
		return 0, nil
	}
	n, err := parseBytes(v)
	if err != nil {
		return 0, fmt.Errorf("catalog_cache.max_size %q must be a size such as 2GB, or 0 for no cache", v)
	}
	return n, nil
}

// parseRateLimit reads one rate limit, filling in def for what it leaves
// out.
func parseRateLimit(key string, rc rateLimitConfig, def web.RateLimit) (web.RateLimit, error) {
	l := def
	if rc.PerSecond != nil {
		if l.PerSecond = *rc.PerSecond; !(l.PerSecond > 0) || math.IsInf(l.PerSecond, 0) {
			return l, fmt.Errorf("%s.per_second must be a number of requests a second above 0, not %g (rate_limits.enabled: false turns the limits off)", key, *rc.PerSecond)
		}
	}
	if rc.Burst != nil {
		if l.Burst = *rc.Burst; l.Burst < 1 || l.Burst > 1_000_000 {
			return l, fmt.Errorf("%s.burst must be a number of requests from 1 to 1000000, not %d", key, *rc.Burst)
		}
	}
	return l, nil
}

// parsePrefix reads a trusted proxy: an address range in CIDR notation or
// a single address.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	p, err := netip.ParsePrefix(s)
	if err != nil {
		a, aerr := netip.ParseAddr(s)
		if aerr != nil || a.Zone() != "" {
			return p, fmt.Errorf("rate_limits.trusted_proxies entry %q must be an IP address or a CIDR range such as 10.0.0.0/8 or 2001:db8::/32", s)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() {
		return p, fmt.Errorf("rate_limits.trusted_proxies entry %q: write IPv4 addresses in IPv4 form, such as 10.0.0.0/8", s)
	}
	return p.Masked(), nil
}

// parseBytes reads a size: a number of bytes, or one with a unit (KB, MB,
// GB: powers of 1024).
func parseBytes(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return 0, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("max_bytes %q must be a size such as 200MB", s)
	}
	return n * mult, nil
}

// validSourceName reports whether s is a source name: [a-z0-9-]+.
func validSourceName(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}

// keyLine returns the line of a top-level key of a YAML document, or 0.
func keyLine(doc *yaml.Node, key string) int {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return 0
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line
		}
	}
	return 0
}

// yamlLine finds the line yaml.v3 names in an error.
var yamlLine = regexp.MustCompile(`\bline \d+\b`)

// yamlError names the file, and a line where yaml.v3 names none: it leaves
// out the first line, bytes its reader refuses, and the place of an alias
// to no anchor. Only excessive aliasing (a "billion laughs") is about the
// document as a whole.
func yamlError(name string, data []byte, err error) error {
	msg := err.Error()
	if yamlLine.MatchString(msg) || strings.Contains(msg, "excessive aliasing") {
		return fmt.Errorf("%s: %w", name, err)
	}
	line := 1
	if off := badYAMLChar(data); off >= 0 {
		line = lineAt(data, off)
	} else if m := yamlAnchor.FindStringSubmatch(msg); m != nil {
		sigil := "*"
		if strings.Contains(msg, "contains itself") {
			sigil = "&"
		}
		if off := bytes.Index(data, []byte(sigil+m[1])); off >= 0 {
			line = lineAt(data, off)
		}
	} else if strings.Contains(msg, "!!binary") {
		if off := bytes.Index(data, []byte("!!binary")); off >= 0 {
			line = lineAt(data, off)
		}
	}
	return fmt.Errorf("%s: line %d: %w", name, line, err)
}

// lineAt returns the line of byte offset off, counting line breaks as YAML
// does: LF, CR, CRLF, NEL, LS and PS.
func lineAt(data []byte, off int) int {
	line := 1
	for i := 0; i < off; {
		r, n := utf8.DecodeRune(data[i:])
		switch {
		case r == '\r' && i+1 < len(data) && data[i+1] == '\n':
			n++
			line++
		case r == '\r', r == '\n', r == 0x85, r == 0x2028, r == 0x2029:
			line++
		}
		i += n
	}
	return line
}

// yamlAnchor finds the anchor an error of yaml.v3's is about.
var yamlAnchor = regexp.MustCompile(`anchor '(.*)' (referenced|value contains itself)`)

// badYAMLChar returns the offset of the first byte that is not UTF-8 or is
// a character YAML does not allow, or -1. (yaml.v3 reads UTF-16 too, when
// a byte order mark says so; then there is nothing to find here.)
func badYAMLChar(data []byte) int {
	if bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
		return -1
	}
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			return i
		case r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7E || r == 0x85,
			r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000:
		default:
			return i
		}
		i += n
	}
	return -1
}

// knownKeys checks that a mapping node has only the given keys; a node's
// Decode does not (the decoder's KnownFields covers the top level only).
func knownKeys(node *yaml.Node, keys ...string) error {
	if node.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a source must be a mapping of %s", node.Line, strings.Join(keys, ", "))
	}
	for i := 0; i < len(node.Content); i += 2 {
		k := node.Content[i]
		known := false
		for _, want := range keys {
			known = known || k.Value == want
		}
		if !known {
			return fmt.Errorf("line %d: unknown key %q in a source (known: %s)", k.Line, k.Value, strings.Join(keys, ", "))
		}
	}
	return nil
}
