package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeConfig writes a configuration whose relative file: URLs point into
// the repository's fixtures.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	fixtures, err := filepath.Abs("../../fixtures/feeds")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(fixtures, filepath.Join(dir, "feeds")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "katalog.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHarvestCommand(t *testing.T) {
	good := writeConfig(t, "sources:\n  - name: msis\n    url: file:feeds/fhi-msis.ttl\n  - name: sysvak\n    url: file:feeds/fhi-sysvak.ttl\n")
	mixed := writeConfig(t, "sources:\n  - name: msis\n    url: file:feeds/fhi-msis.ttl\n  - name: gone\n    url: file:feeds/nothing.ttl\n")
	cases := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderrIn string
	}{
		{"all ok", []string{"harvest", "--config", good, "--data", t.TempDir()}, exitOK, []string{"msis: ok, 5 datasets (added 5", "16 variables (added 16", "sysvak: ok, 4 datasets (added 4", "25 variables (added 25"}, ""},
		{"one source", []string{"harvest", "--config", good, "--data", t.TempDir(), "--source", "sysvak"}, exitOK, []string{"sysvak: ok"}, ""},
		{"some failed", []string{"harvest", "--config", mixed, "--data", t.TempDir()}, exitFailures, []string{"msis: ok", "gone: failed", "does not exist"}, ""},
		{"unknown source", []string{"harvest", "--config", good, "--data", t.TempDir(), "--source", "nope"}, exitCannot, nil, "no source named"},
		{"missing config", []string{"harvest", "--config", "/nonexistent.yaml", "--data", t.TempDir()}, exitCannot, nil, "nonexistent.yaml"},
		{"bad flag", []string{"harvest", "--frobnicate"}, exitCannot, nil, "frobnicate"},
		{"unknown command", []string{"frobnicate"}, exitCannot, nil, "unknown command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), c.args, strings.NewReader(""), &stdout, &stderr)
			if code != c.code {
				t.Errorf("katalog %s = exit %d; want %d\nstdout: %s\nstderr: %s", strings.Join(c.args, " "), code, c.code, &stdout, &stderr)
			}
			for _, s := range c.stdout {
				if !strings.Contains(stdout.String(), s) {
					t.Errorf("stdout %q lacks %q", &stdout, s)
				}
			}
			if !strings.Contains(stderr.String(), c.stderrIn) {
				t.Errorf("stderr %q lacks %q", &stderr, c.stderrIn)
			}
		})
	}
}

func TestReindexCommand(t *testing.T) {
	cfg := writeConfig(t, "sources:\n  - name: sysvak\n    url: file:feeds/fhi-sysvak.ttl\n")
	data := t.TempDir()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"harvest", "--config", cfg, "--data", data}, nil, &out, &errb); code != exitOK {
		t.Fatalf("harvest = %d: %s %s", code, &out, &errb)
	}
	out.Reset()
	if code := run(context.Background(), []string{"reindex", "--data", data}, nil, &out, &errb); code != exitOK {
		t.Fatalf("reindex = %d: %s", code, &errb)
	}
	if !strings.Contains(out.String(), "indexed 29 documents") {
		t.Errorf("reindex said %q; want 29 documents (4 datasets, 25 variables)", &out)
	}
}
