package main

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/web"
)

func TestParseConfig(t *testing.T) {
	share := 0.2
	cfg, err := parseConfig(strings.NewReader(`
sources:
  - name: fhi-mfr
    url: https://example.org/feed.ttl
    format: Turtle
    schedule: "0 3 * * *"
    publisher: " Folkehelseinstituttet "
    max_bytes: 10MB
    max_pages: 50
    timeout: 2m
    max_remove_share: 0.2
    allow_hosts: [cdn.example.org]
    max_values_per_property: 5000
    profile: healthdcat-ap
  - name: local
    url: file:feeds/x.ttl
    max_remove_share: 0
admin_token_env: KATALOG_ADMIN_TOKEN
profile: dcat-ap-no
file_roots: [feeds, /srv/feeds]
workers: 3
max_bytes: "1GB"
max_values_per_property: 250_000
`), "k.yaml", "/base")
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.Source{
		{Name: "fhi-mfr", URL: "https://example.org/feed.ttl", Format: "turtle", Schedule: "0 3 * * *", Publisher: "Folkehelseinstituttet", Profile: "healthdcat-ap",
			Limits: catalog.SourceLimits{MaxBytes: 10 << 20, MaxPages: 50, Timeout: 2 * time.Minute, MaxRemoveShare: share, AllowHosts: []string{"cdn.example.org"}, MaxValuesPerProperty: 5000}},
		{Name: "local", URL: "file:feeds/x.ttl", Format: "auto", Schedule: "1h", Limits: catalog.SourceLimits{MaxRemoveShare: -1}},
	}
	if !reflect.DeepEqual(cfg.Sources, want) || cfg.AdminTokenEnv != "KATALOG_ADMIN_TOKEN" {
		t.Errorf("parseConfig sources = %+v; want %+v", cfg.Sources, want)
	}
	if !reflect.DeepEqual(cfg.FileRoots, []string{"/base/feeds", "/srv/feeds"}) || cfg.Workers != 3 || cfg.Defaults.MaxBytes != 1<<30 || cfg.Defaults.MaxValuesPerProperty != 250_000 || cfg.BaseDir != "/base" || cfg.Profile != "dcat-ap-no" {
		t.Errorf("parseConfig = roots %v, workers %d, defaults %+v, base %s", cfg.FileRoots, cfg.Workers, cfg.Defaults, cfg.BaseDir)
	}
}

func TestParseConfigErrors(t *testing.T) {
	const src = "sources:\n  - name: a\n    url: http://x\n"
	cases := []struct {
		name, yaml, want string
	}{
		{"empty", "", "empty"},
		{"no sources", "admin_token_env: X\n", "no sources"},
		{"unknown key", "sources:\n  - name: a\n    url: http://x\n    colour: red\n", "line 4"},
		{"unknown top key", "source:\n  - name: a\n", "field source not found"},
		{"bad name", "sources:\n  - name: Big_Name\n    url: http://x\n", "line 2: source \"Big_Name\": name must be"},
		{"duplicate", "sources:\n  - name: a\n    url: http://x\n  - name: a\n    url: http://y\n", "already used on line 2"},
		{"no url", "sources:\n  - name: a\n", "not a URL"},
		{"ftp", "sources:\n  - name: a\n    url: ftp://x/feed\n", "must start with"},
		{"format", "sources:\n  - name: a\n    url: http://x\n    format: csv\n", "format \"csv\""},
		{"schedule", "sources:\n  - name: a\n    url: http://x\n    schedule: sometimes\n", "neither a Go duration"},
		{"yaml syntax", "sources: [\n", "k.yaml"},
		{"max_bytes", "sources:\n  - name: a\n    url: http://x\n    max_bytes: lots\n", "max_bytes"},
		{"timeout", "sources:\n  - name: a\n    url: http://x\n    timeout: soon\n", "timeout"},
		{"share", "sources:\n  - name: a\n    url: http://x\n    max_remove_share: 1.5\n", "max_remove_share"},
		{"host", "sources:\n  - name: a\n    url: http://x\n    allow_hosts: [\"http://x/\"]\n", "allow_hosts"},
		{"values negative", "sources:\n  - name: a\n    url: http://x\n    max_values_per_property: -1\n", `line 2: source "a": max_values_per_property must be 1 or more, not -1`},
		{"values not a number", "sources:\n  - name: a\n    url: http://x\n    max_values_per_property: many\n", "cannot unmarshal !!str `many` into int"},
		{"workers", "workers: -1\nsources:\n  - name: a\n    url: http://x\n", "workers"},
		{"profile", "sources:\n  - name: a\n    url: http://x\n    profile: dcat-ap-se\n", "profile \"dcat-ap-se\" must be one of dcat-ap-no, healthdcat-ap, national"},
		{"rate zero", src + "rate_limits:\n  search: {per_second: 0}\n", "rate_limits.search.per_second must be a number of requests a second above 0, not 0 (rate_limits.enabled: false turns the limits off)"},
		{"rate negative", src + "rate_limits:\n  export: {per_second: -5}\n", "rate_limits.export.per_second"},
		{"rate infinite", src + "rate_limits:\n  export: {per_second: .inf}\n", "rate_limits.export.per_second"},
		{"rate not a number", src + "rate_limits:\n  export: {per_second: fast}\n", "cannot unmarshal"},
		{"burst zero", src + "rate_limits:\n  search: {burst: 0}\n", "rate_limits.search.burst must be a number of requests from 1 to 1000000, not 0"},
		{"burst huge", src + "rate_limits:\n  export: {burst: 5000000}\n", "rate_limits.export.burst"},
		{"rate unknown key", src + "rate_limits:\n  search: {per_minute: 5}\n", "field per_minute not found"},
		{"rate unknown limit", src + "rate_limits:\n  similar: {burst: 5}\n", "field similar not found"},
		{"enabled not a bool", src + "rate_limits:\n  enabled: maybe\n", "cannot unmarshal"},
		{"proxy", src + "rate_limits:\n  trusted_proxies: [10.0.0.0/33]\n", `trusted_proxies entry "10.0.0.0/33" must be an IP address or a CIDR range`},
		{"proxy host name", src + "rate_limits:\n  trusted_proxies: [proxy.example.org]\n", `entry "proxy.example.org"`},
		{"proxy 4in6", src + "rate_limits:\n  trusted_proxies: [\"::ffff:10.0.0.0/104\"]\n", "in IPv4 form"},
		{"body limit", src + "body_limits:\n  default: small\n", `body_limits.default "small" must be a size such as 64KB or 32MB`},
		{"validate limit", src + "body_limits:\n  validate: -1MB\n", `body_limits.validate "-1MB"`},
		{"body unknown key", src + "body_limits:\n  upload: 1MB\n", "field upload not found"},
		{"cache size", src + "catalog_cache:\n  max_size: big\n", `k.yaml: line 4: catalog_cache.max_size "big" must be a size such as 2GB, or 0 for no cache`},
		{"cache negative", src + "catalog_cache:\n  max_size: -1GB\n", `catalog_cache.max_size "-1GB"`},
		{"cache unknown key", src + "catalog_cache:\n  dir: /tmp\n", "field dir not found"},
		{"default profile", "profile: strict\nsources:\n  - name: a\n    url: http://x\n", "k.yaml: line 1: profile \"strict\""},
		// Every error names a line unless it is about the whole file.
		{"workers line", "sources:\n  - name: a\n    url: http://x\nworkers: 65\n", "k.yaml: line 4: workers must be"},
		{"base_url line", "sources:\n  - name: a\n    url: http://x\nbase_url: ftp://x\n", "k.yaml: line 4: base_url \"ftp://x\""},
		{"default limit line", "max_pages: 5\nmax_bytes: lots\nsources:\n  - name: a\n    url: http://x\n", "k.yaml: line 2: max_bytes \"LOTS\""},
		{"default values line", "sources:\n  - name: a\n    url: http://x\nmax_values_per_property: -5\n", "k.yaml: line 4: max_values_per_property must be 1 or more, not -5"},
		{"empty sources line", "workers: 2\nsources: []\n", "k.yaml: line 2: no sources"},
		{"yaml error on line 1", `"`, "k.yaml: line 1: yaml: found unexpected end of stream"},
		{"control character", "sources:\n  - name: a\n    url: http://x\x01\n", "k.yaml: line 3: yaml: control characters are not allowed"},
		{"not UTF-8", "sources:\r  - name: a\r\n    publisher: F\xf8dsel\n", "k.yaml: line 3: yaml: invalid leading UTF-8 octet"},
		{"unknown anchor", "sources:\n  - name: a\n    url: *feed\n", "k.yaml: line 3: yaml: unknown anchor 'feed' referenced"},
		{"too big", "sources:\n" + strings.Repeat("#", 4<<20), "k.yaml: the configuration is larger than 4194304 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseConfig(strings.NewReader(c.yaml), "k.yaml", "/base")
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "k.yaml") {
				t.Errorf("parseConfig(%q) = %v; want an error naming k.yaml with %q", c.yaml, err, c.want)
			}
		})
	}
}

func TestParseServerLimits(t *testing.T) {
	const src = "sources:\n  - name: a\n    url: http://x\n"
	cases := []struct {
		name, yaml     string
		search, export web.RateLimit
		proxies        []string
		body, feed     int64
	}{
		{"defaults", src, defaultSearchLimit, defaultExportLimit, nil, web.DefaultMaxBody, web.DefaultMaxFeedBody},
		{"some set", src + "rate_limits:\n  search: {per_second: 2.5}\n  export: {burst: 50}\n",
			web.RateLimit{PerSecond: 2.5, Burst: defaultSearchLimit.Burst}, web.RateLimit{PerSecond: defaultExportLimit.PerSecond, Burst: 50}, nil, web.DefaultMaxBody, web.DefaultMaxFeedBody},
		{"all set", src + "rate_limits:\n  enabled: true\n  search: {per_second: 1, burst: 2}\n  export: {per_second: 3, burst: 4}\n  trusted_proxies: [10.0.0.0/8, 192.0.2.7, \"2001:db8::/32\", \"fd00::1\", 172.16.5.9/12]\nbody_limits: {default: 16KB, validate: 200MB}\n",
			web.RateLimit{PerSecond: 1, Burst: 2}, web.RateLimit{PerSecond: 3, Burst: 4},
			[]string{"10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32", "fd00::1/128", "172.16.0.0/12"}, 16 << 10, 200 << 20},
		{"off", src + "rate_limits:\n  enabled: false\n  search: {per_second: 1}\n  trusted_proxies: [10.0.0.1]\n",
			web.RateLimit{}, web.RateLimit{}, []string{"10.0.0.1/32"}, web.DefaultMaxBody, web.DefaultMaxFeedBody},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parseConfig(strings.NewReader(c.yaml), "k.yaml", "/base")
			if err != nil {
				t.Fatalf("parseConfig(%q) = %v", c.yaml, err)
			}
			var proxies []string
			for _, p := range cfg.TrustedProxies {
				proxies = append(proxies, p.String())
			}
			if cfg.SearchLimit != c.search || cfg.ExportLimit != c.export || !reflect.DeepEqual(proxies, c.proxies) || cfg.MaxBody != c.body || cfg.MaxFeedBody != c.feed {
				t.Errorf("parseConfig(%q) = search %+v, export %+v, proxies %v, bodies %d, %d; want %+v, %+v, %v, %d, %d", c.yaml,
					cfg.SearchLimit, cfg.ExportLimit, proxies, cfg.MaxBody, cfg.MaxFeedBody, c.search, c.export, c.proxies, c.body, c.feed)
			}
		})
	}
}

func TestParseCatalogCache(t *testing.T) {
	const src = "sources:\n  - name: a\n    url: http://x\n"
	for _, c := range []struct {
		yaml string
		want int64
	}{
		{src, 2 << 30},
		{src + "catalog_cache:\n  max_size: 0\n", 0},
		{src + "catalog_cache: {max_size: 500MB}\n", 500 << 20},
		{src + "catalog_cache:\n  max_size: 10GB\n", 10 << 30},
	} {
		cfg, err := parseConfig(strings.NewReader(c.yaml), "k.yaml", "/base")
		if err != nil {
			t.Errorf("parseConfig(%q) = %v", c.yaml, err)
		} else if cfg.CatalogCacheSize != c.want {
			t.Errorf("parseConfig(%q): catalog cache of %d bytes; want %d", c.yaml, cfg.CatalogCacheSize, c.want)
		}
	}
}

func TestDefaultConfig(t *testing.T) {
	cfg, err := parseConfig(bytes.NewReader(defaultConfig), "default", "/base")
	if err != nil {
		t.Fatalf("the embedded default configuration does not parse: %v", err)
	}
	if len(cfg.Sources) != 25 {
		t.Errorf("default configuration has %d sources; want the 25 fixture feeds", len(cfg.Sources))
	}
}

func TestNormalizeArgs(t *testing.T) {
	cases := []struct{ in, want []string }{
		{[]string{"--config"}, []string{"--config="}},
		{[]string{"--config", "--data", "d"}, []string{"--config=", "--data", "d"}},
		{[]string{"--config", "k.yaml"}, []string{"--config", "k.yaml"}},
		{[]string{"--data", "d"}, []string{"--data", "d"}},
	}
	for _, c := range cases {
		if got := normalizeArgs(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("normalizeArgs(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

// TestConfigEnvironment: KATALOG_* variables set top-level keys over the
// file, and a bad value is an error that names the variable.
func TestConfigEnvironment(t *testing.T) {
	const file = "base_url: https://file.example.no\nworkers: 2\nsources:\n  - name: a\n    url: http://x\n"
	t.Setenv("KATALOG_BASE_URL", "https://katalog.example.no/")
	t.Setenv("KATALOG_WORKERS", "6")
	t.Setenv("KATALOG_PROFILE", "healthdcat-ap")
	t.Setenv("KATALOG_ADMIN_TOKEN_ENV", "MY_TOKEN")
	t.Setenv("KATALOG_FILE_ROOTS", "/srv/feeds:relative")
	t.Setenv("KATALOG_RATE_LIMITS_ENABLED", "false")
	cfg, err := parseConfig(strings.NewReader(file), "k.yaml", "/base")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.BaseURL != "https://katalog.example.no" || cfg.Workers != 6 || cfg.Profile != "healthdcat-ap" || cfg.AdminTokenEnv != "MY_TOKEN" {
		t.Errorf("config = base %q, workers %d, profile %q, token env %q; want the environment's", cfg.BaseURL, cfg.Workers, cfg.Profile, cfg.AdminTokenEnv)
	}
	if !slices.Equal(cfg.FileRoots, []string{"/srv/feeds", "/base/relative"}) {
		t.Errorf("file roots = %q", cfg.FileRoots)
	}
	if cfg.SearchLimit != (web.RateLimit{}) || cfg.ExportLimit != (web.RateLimit{}) {
		t.Errorf("KATALOG_RATE_LIMITS_ENABLED=false left limits %+v, %+v", cfg.SearchLimit, cfg.ExportLimit)
	}
	for _, c := range []struct{ name, value, want string }{
		{"KATALOG_BASE_URL", "ftp://x", `environment variable KATALOG_BASE_URL: base_url "ftp://x" must be`},
		{"KATALOG_WORKERS", "many", `environment variable KATALOG_WORKERS: workers must be a whole number, not "many"`},
		{"KATALOG_WORKERS", "99", "environment variable KATALOG_WORKERS: workers must be between 1 and 64, not 99"},
		{"KATALOG_PROFILE", "dcat-ap-se", `environment variable KATALOG_PROFILE: profile "dcat-ap-se"`},
		{"KATALOG_RATE_LIMITS_ENABLED", "perhaps", `environment variable KATALOG_RATE_LIMITS_ENABLED: want true or false, not "perhaps"`},
	} {
		t.Run(c.name+"="+c.value, func(t *testing.T) {
			t.Setenv(c.name, c.value)
			_, err := parseConfig(strings.NewReader(file), "k.yaml", "/base")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v; want %q", err, c.want)
			}
		})
	}
}
