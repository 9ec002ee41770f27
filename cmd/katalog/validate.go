package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"github.com/katalog/katalog/dcat/rdf"
	"io"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/validate"
	"github.com/katalog/katalog/harvest"
)

// cmdValidate checks one feed against a profile and prints the findings.
// Exit status: 0 no errors, 1 errors found, 2 could not run.
func cmdValidate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("validate", stderr)
	profile := fs.String("profile", "dcat-ap-no", "profile: "+strings.Join(validate.Profiles(), ", "))
	format := fs.String("format", "text", "output: text or json")
	syntax := fs.String("syntax", "auto", "the feed's syntax: auto, turtle, rdfxml, jsonld or ntriples")
	lang := fs.String("lang", messageLanguage(), "language of the messages: nb or en")
	if err := fs.Parse(args); err != nil {
		return exitCannot, err
	}
	if fs.NArg() != 1 {
		return exitCannot, fmt.Errorf("give one feed to validate: a file, a URL, or - for standard input")
	}
	if *format != "text" && *format != "json" {
		return exitCannot, fmt.Errorf("--format must be text or json, not %q", *format)
	}
	if _, err := validate.New(*profile); err != nil {
		return exitCannot, err
	}
	input := fs.Arg(0)
	h := &harvest.Harvester{Version: version, Logger: newLogger(io.Discard)}
	report, err := validateInput(ctx, h, input, *syntax, *profile, stdin)
	if err != nil {
		return exitCannot, err
	}
	if *format == "json" {
		err = writeReportJSON(stdout, input, report)
	} else {
		err = writeReportText(stdout, input, report, *lang)
	}
	if err != nil {
		return exitCannot, err
	}
	if report.Quality.Errors > 0 {
		return exitFailures, nil
	}
	return exitOK, nil
}

// validateInput validates a feed from a file, standard input ("-") or a
// URL; a URL is fetched as the harvester would, with its limits and paging.
func validateInput(ctx context.Context, h *harvest.Harvester, input, syntax, profile string, stdin io.Reader) (*validate.Report, error) {
	if u, err := url.Parse(input); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		g, _, err := h.Read(ctx, catalog.Source{Name: "validate", URL: input, Format: syntax})
		if err != nil {
			return nil, err
		}
		v, err := validate.New(profile)
		if err != nil {
			return nil, err
		}
		return v.Validate(g), nil
	}
	r, name := stdin, "standard input"
	if input != "-" {
		f, err := os.Open(input)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r, name = f, input
	}
	rep, err := h.ValidateFeed(ctx, r, mediaType(syntax, input), profile)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", name, catalog.ErrorMessage(err))
	}
	return rep, nil
}

// mediaType names a feed's syntax as a Content-Type: as told, or by the
// file's extension; "" leaves it to the content.
func mediaType(syntax, name string) string {
	if syntax == "" || syntax == "auto" {
		if f, ok := rdf.FormatFromExtension(name); ok {
			syntax = f.String()
		}
	}
	switch syntax {
	case "turtle":
		return "text/turtle"
	case "ntriples":
		return "application/n-triples"
	case "rdfxml":
		return "application/rdf+xml"
	case "jsonld":
		return "application/ld+json"
	}
	return ""
}

// messageLanguage picks the messages' language from the environment.
func messageLanguage() string {
	for _, v := range []string{os.Getenv("LC_ALL"), os.Getenv("LC_MESSAGES"), os.Getenv("LANG")} {
		if v == "" {
			continue
		}
		switch strings.ToLower(v[:min(2, len(v))]) {
		case "nb", "nn", "no":
			return "nb"
		}
		return "en"
	}
	return "en"
}

// writeReportText prints findings grouped by resource, errors first.
func writeReportText(w io.Writer, input string, rep *validate.Report, lang string) error {
	bw := bufio.NewWriter(w)
	q := rep.Quality
	fmt.Fprintf(bw, "%s: profile %s: %s, %s, %s; quality %d/100 (mandatory %d/%d, recommended %d/%d)\n",
		input, rep.Profile, count(len(rep.Datasets), "dataset"), count(q.Errors, "error"), count(q.Warnings, "warning"),
		q.Score, q.Mandatory.Met, q.Mandatory.Total, q.Recommended.Met, q.Recommended.Total)
	byResource := map[string][]catalog.Finding{}
	var order []string
	for _, f := range rep.Findings {
		if len(byResource[f.Resource]) == 0 {
			order = append(order, f.Resource)
		}
		byResource[f.Resource] = append(byResource[f.Resource], f)
	}
	for _, res := range order {
		fs := byResource[res]
		sort.SliceStable(fs, func(i, j int) bool {
			return fs[i].Severity == catalog.SeverityError && fs[j].Severity != catalog.SeverityError
		})
		fmt.Fprintf(bw, "\n%s\n", res)
		if qd, ok := rep.Datasets[res]; ok {
			fmt.Fprintf(bw, "  quality %d/100 (mandatory %d/%d, recommended %d/%d)\n", qd.Score, qd.Mandatory.Met, qd.Mandatory.Total, qd.Recommended.Met, qd.Recommended.Total)
		}
		for _, f := range fs {
			msg, _, _ := f.Message.Get(lang)
			fmt.Fprintf(bw, "  %-7s %-28s %s\n", f.Severity, f.Path, msg)
		}
	}
	return bw.Flush()
}

// count writes n things, in the singular for one.
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// writeReportJSON prints the report as one JSON document.
func writeReportJSON(w io.Writer, input string, rep *validate.Report) error {
	out := struct {
		Input    string                     `json:"input"`
		Profile  string                     `json:"profile"`
		Quality  catalog.Quality            `json:"quality"`
		Datasets map[string]catalog.Quality `json:"datasets"`
		Findings []catalog.Finding          `json:"findings"`
	}{input, rep.Profile, rep.Quality, rep.Datasets, rep.Findings}
	if out.Findings == nil {
		out.Findings = []catalog.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
