package main

import (
	"bytes"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/katalog/katalog/dcat/rdf"
	"github.com/katalog/katalog/harvest"
)

// errorLine finds the line numbers an error names ("line 12").
var errorLine = regexp.MustCompile(`\bline (\d+)\b`)

// FuzzParseConfig reads configurations: parseConfig never panics, every
// error names the file and, unless it is about the file as a whole, a line
// of it; every configuration it accepts has sources that a harvest can run.
// The seeds are in testdata/fuzz/FuzzParseConfig.
func FuzzParseConfig(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.yaml"
		cfg, err := parseConfig(bytes.NewReader(data), name, "/base")
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, name+": ") {
				t.Fatalf("parseConfig(%q) = %q; want an error that starts with the file name", data, msg)
			}
			lines := lineAt(data, len(data))
			m := errorLine.FindAllStringSubmatch(msg, -1)
			for _, sub := range m {
				if n, _ := strconv.Atoi(sub[1]); n < 1 || n > lines {
					t.Fatalf("parseConfig(%q) = %q; names line %d of a file of %d lines", data, msg, n, lines)
				}
			}
			if len(m) == 0 && !wholeFileError(msg) {
				t.Fatalf("parseConfig(%q) = %q; want an error that names a line", data, msg)
			}
			return
		}
		if len(cfg.Sources) == 0 {
			t.Fatalf("parseConfig(%q) accepted a configuration with no sources", data)
		}
		seen := map[string]bool{}
		for _, src := range cfg.Sources {
			if !validSourceName(src.Name) || seen[src.Name] {
				t.Fatalf("parseConfig(%q) accepted the source name %q", data, src.Name)
			}
			seen[src.Name] = true
			if u, err := url.Parse(src.URL); err != nil || u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file" {
				t.Fatalf("parseConfig(%q) accepted the URL %q", data, src.URL)
			}
			if _, err := rdf.ParseFormat(src.Format); err != nil && src.Format != "auto" {
				t.Fatalf("parseConfig(%q) accepted the format %q", data, src.Format)
			}
			if _, err := harvest.ParseSchedule(src.Schedule); err != nil {
				t.Fatalf("parseConfig(%q) accepted the schedule %q: %v", data, src.Schedule, err)
			}
			if l := src.Limits; l.MaxBytes < 0 || l.MaxPages < 0 || l.Timeout < 0 || l.MaxRemoveShare > 1 {
				t.Fatalf("parseConfig(%q) accepted the limits %+v", data, l)
			}
		}
		if cfg.Workers < 0 || cfg.Workers > 64 {
			t.Fatalf("parseConfig(%q) accepted %d workers", data, cfg.Workers)
		}
	})
}

// wholeFileError reports whether a configuration error is about the file
// as a whole, so that no line can say where it is.
func wholeFileError(msg string) bool {
	for _, s := range []string{"the configuration is empty", "no sources:", "the configuration is larger than", "excessive aliasing"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
