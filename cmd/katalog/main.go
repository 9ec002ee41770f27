// Command katalog is Katalog's single binary: the harvest scheduler, REST
// API, explorer and DCAT endpoint (serve), and one-shot harvest and reindex
// commands. It is the only place where Katalog's packages are wired
// together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit statuses (CONTRACT.md).
const (
	exitOK       = 0
	exitFailures = 1 // some sources failed, or validation found errors
	exitCannot   = 2 // the command could not run
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `katalog: a national metadata catalogue and variable explorer for health registers

Usage:
  katalog serve   [--config FILE] [--addr HOST:PORT] [--data DIR]
  katalog harvest [--config FILE] [--data DIR] [--source NAME]
  katalog reindex [--data DIR]
  katalog export  [--data DIR] [--format turtle|jsonld|rdfxml|ntriples] [--profile healthdcat-ap|dcat-ap-no] [--base URL] [--config FILE]
  katalog backup  --out FILE [--data DIR | --url BASE [--config FILE]]
  katalog restore --from FILE [--data DIR]
  katalog validate [--profile dcat-ap-no|healthdcat-ap|national] [--format text|json] FILE|URL|-
  katalog version

--config with no file uses the embedded default configuration (the fixture feeds).
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitCannot
	}
	cmd, args := args[0], normalizeArgs(args[1:])
	var err error
	code := exitOK
	switch cmd {
	case "serve":
		err = cmdServe(ctx, args, stderr)
	case "harvest":
		code, err = cmdHarvest(ctx, args, stdout, stderr)
	case "reindex":
		err = cmdReindex(ctx, args, stdout, stderr)
	case "export":
		err = cmdExport(ctx, args, stdout, stderr)
	case "backup":
		err = cmdBackup(ctx, args, stdout, stderr)
	case "restore":
		err = cmdRestore(ctx, args, stdout, stderr)
	case "validate":
		code, err = cmdValidate(ctx, args, stdin, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "katalog", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "katalog: unknown command %q\n\n%s", cmd, usage)
		return exitCannot
	}
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "katalog %s: %v\n", cmd, err)
		}
		return exitCannot
	}
	return code
}

// normalizeArgs lets --config stand without a value (the embedded default),
// which the flag package cannot express: a bare --config becomes --config=.
func normalizeArgs(args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if (a == "--config" || a == "-config") && (i == len(args)-1 || strings.HasPrefix(args[i+1], "-")) {
			a = "--config="
		}
		out = append(out, a)
	}
	return out
}

// newLogger logs as text on a terminal and as JSON lines otherwise.
func newLogger(w io.Writer) *slog.Logger {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// dataPaths are the files of a data folder: the store, the search index,
// and the folder of serve's cache of catalogue documents.
type dataPaths struct{ store, index, catalogCache string }

func paths(dir string) dataPaths {
	return dataPaths{
		store: filepath.Join(dir, "katalog.db"), index: filepath.Join(dir, "index.bleve"),
		catalogCache: filepath.Join(dir, "cache", "catalog"),
	}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("katalog "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
