// Command vulncheck reads govulncheck's JSON output on stdin and fails when
// Katalog's code calls a vulnerable symbol (what govulncheck's text mode
// reports as "your code is affected") that allowed.txt does not list with a
// reason. It prints every finding it saw, allowed or not.
//
//	govulncheck -db file:///tmp/vulndb -format json ./... | go run ./.ci/vulncheck
package main

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
)

//go:embed allowed.txt
var allowedText string

// message is one object of govulncheck's JSON stream; only the parts read
// here.
type message struct {
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string `json:"osv"`
		FixedVersion string `json:"fixed_version"`
		Trace        []struct {
			Module   string `json:"module"`
			Version  string `json:"version"`
			Package  string `json:"package"`
			Function string `json:"function"`
		} `json:"trace"`
	} `json:"finding"`
}

func main() {
	allowed, err := parseAllowed(allowedText)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulncheck: allowed.txt:", err)
		os.Exit(2)
	}
	called, summaries, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulncheck:", err)
		os.Exit(2)
	}
	failed := false
	for _, id := range slices.Sorted(maps.Keys(called)) {
		f := called[id]
		if reason, ok := allowed[id]; ok {
			fmt.Printf("allowed  %s %s (%s): %s\n", id, f, summaries[id], reason)
			continue
		}
		failed = true
		fmt.Printf("AFFECTED %s %s: %s\n", id, f, summaries[id])
	}
	for id := range allowed {
		if _, ok := called[id]; !ok {
			fmt.Printf("note: %s is allowed but no longer found; take it out of allowed.txt\n", id)
		}
	}
	if failed {
		fmt.Println("vulncheck: Katalog calls vulnerable code: upgrade, or allow with a reason in .ci/vulncheck/allowed.txt")
		os.Exit(1)
	}
	fmt.Printf("vulncheck: no vulnerable code is called (%d allowed findings)\n", len(called))
}

// read returns the vulnerabilities whose symbols the code calls, each with
// where (module@version, fixed version), and the summaries of all.
func read(r io.Reader) (called, summaries map[string]string, err error) {
	called, summaries = map[string]string{}, map[string]string{}
	dec := json.NewDecoder(bufio.NewReader(r))
	for {
		var m message
		if err := dec.Decode(&m); err == io.EOF {
			return called, summaries, nil
		} else if err != nil {
			return nil, nil, fmt.Errorf("reading govulncheck's JSON: %w", err)
		}
		if m.OSV != nil {
			summaries[m.OSV.ID] = m.OSV.Summary
		}
		// A finding is at symbol level when its first frame names a
		// function: the code calls it (or, for a module without symbol
		// data, govulncheck cannot tell otherwise).
		if f := m.Finding; f != nil && len(f.Trace) > 0 && f.Trace[0].Function != "" {
			where := f.Trace[0].Module + "@" + f.Trace[0].Version
			if f.FixedVersion != "" {
				where += ", fixed in " + f.FixedVersion
			} else {
				where += ", no fixed version"
			}
			if prev := called[f.OSV]; prev != "" && !strings.Contains(prev, where) {
				where = prev + "; " + where
			}
			called[f.OSV] = where
		}
	}
}

// parseAllowed reads lines of "ID reason"; # starts a comment.
func parseAllowed(text string) (map[string]string, error) {
	out := map[string]string{}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, " ")
		if !strings.HasPrefix(id, "GO-") || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("line %d: want a GO- identifier and a reason", n+1)
		}
		out[id] = strings.TrimSpace(reason)
	}
	return out, nil
}
