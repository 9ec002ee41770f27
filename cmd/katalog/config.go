package main

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/dcat/rdf"
	"github.com/katalog/katalog/harvest"
	"gopkg.in/yaml.v3"
)

//go:embed default.yaml
var defaultConfig []byte

// config is Katalog's configuration file (CONTRACT.md).
type config struct {
	Sources       []catalog.Source
	AdminTokenEnv string
	// BaseDir resolves relative file: URLs: the config file's folder, or
	// the working directory for the embedded default.
	BaseDir string
}

type fileConfig struct {
	Sources       []yaml.Node `yaml:"sources"`
	AdminTokenEnv string      `yaml:"admin_token_env"`
}

type sourceConfig struct {
	Name      string `yaml:"name"`
	URL       string `yaml:"url"`
	Format    string `yaml:"format"`
	Schedule  string `yaml:"schedule"`
	Publisher string `yaml:"publisher"`
}

// loadConfig reads the configuration at path, or the embedded default when
// path is "".
func loadConfig(path string) (*config, error) {
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		cfg, err := parseConfig(bytes.NewReader(defaultConfig), "default configuration")
		if err != nil {
			return nil, err
		}
		cfg.BaseDir = wd
		return cfg, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	cfg, err := parseConfig(f, path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	cfg.BaseDir = abs
	return cfg, nil
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

// parseConfig reads and checks a configuration; errors name the file and
// line.
func parseConfig(r io.Reader, name string) (*config, error) {
	dec := yaml.NewDecoder(io.LimitReader(r, 4<<20))
	dec.KnownFields(true)
	var fc fileConfig
	if err := dec.Decode(&fc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: the configuration is empty; it needs a sources: list", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(fc.Sources) == 0 {
		return nil, fmt.Errorf("%s: no sources: the configuration needs a sources: list with at least one source", name)
	}
	cfg := &config{AdminTokenEnv: fc.AdminTokenEnv}
	seen := map[string]int{}
	for _, node := range fc.Sources {
		var sc sourceConfig
		if err := knownKeys(&node, "name", "url", "format", "schedule", "publisher"); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := node.Decode(&sc); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", name, node.Line, err)
		}
		where := fmt.Sprintf("%s: line %d: source %q", name, node.Line, sc.Name)
		if !validSourceName(sc.Name) {
			return nil, fmt.Errorf("%s: name must be lower-case letters, digits and dashes", where)
		}
		if line, dup := seen[sc.Name]; dup {
			return nil, fmt.Errorf("%s: the name is already used on line %d", where, line)
		}
		seen[sc.Name] = node.Line
		u, err := url.Parse(sc.URL)
		if err != nil || sc.URL == "" {
			return nil, fmt.Errorf("%s: url %q is not a URL", where, sc.URL)
		}
		switch u.Scheme {
		case "http", "https", "file":
		default:
			return nil, fmt.Errorf("%s: url %q must start with http://, https:// or file:", where, sc.URL)
		}
		sc.Format = strings.ToLower(strings.TrimSpace(sc.Format))
		if sc.Format == "" {
			sc.Format = "auto"
		}
		if sc.Format != "auto" {
			if _, err := rdf.ParseFormat(sc.Format); err != nil {
				return nil, fmt.Errorf("%s: format %q must be auto, turtle, rdfxml, jsonld or ntriples", where, sc.Format)
			}
		}
		if sc.Schedule == "" {
			sc.Schedule = "1h"
		}
		if _, err := harvest.ParseSchedule(sc.Schedule); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		cfg.Sources = append(cfg.Sources, catalog.Source{
			Name: sc.Name, URL: sc.URL, Format: sc.Format, Schedule: sc.Schedule, Publisher: strings.TrimSpace(sc.Publisher),
		})
	}
	return cfg, nil
}

// knownKeys checks that a mapping node has only the given keys; a node's
// Decode does not (the decoder's KnownFields covers the top level only).
func knownKeys(node *yaml.Node, keys ...string) error {
	if node.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a source must be a mapping of name, url, format, schedule and publisher", node.Line)
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
