package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/search"
)

// defaultTokenEnv is where backup --url looks for the admin token when the
// configuration names no admin_token_env.
const defaultTokenEnv = "KATALOG_ADMIN_TOKEN"

// stamp is the UTC time as backup and restore put it in file names.
func stamp(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", stderr)
	out := fs.String("out", "", "file to write the backup to; an existing folder gets katalog-<UTC time>.db in it")
	dataDir := fs.String("data", "data", "data folder whose store to back up (without --url; it must not be in use)")
	base := fs.String("url", "", "back up a running katalog through its admin API instead, e.g. http://127.0.0.1:8080")
	cfgPath := fs.String("config", "", "with --url: configuration whose admin_token_env names the token's environment variable (empty: the embedded default, "+defaultTokenEnv+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return fmt.Errorf("--out FILE is required: where to write the backup")
	}
	target := *out
	if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		target = filepath.Join(target, "katalog-"+stamp(time.Now())+".db")
	}
	var fill func(w io.Writer) error
	if *base != "" {
		if flagGiven(fs, "data") {
			return fmt.Errorf("give --url (back up a running katalog) or --data (back up a stopped one's data folder), not both")
		}
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		env := cfg.AdminTokenEnv
		if env == "" {
			env = defaultTokenEnv
		}
		token := os.Getenv(env)
		if token == "" {
			return fmt.Errorf("the environment variable %s is not set: it must hold the admin token of the katalog at %s", env, *base)
		}
		fill = func(w io.Writer) error { return fetchBackup(ctx, *base, token, env, w) }
	} else {
		p := paths(*dataDir)
		store, err := bolt.OpenReadOnly(p.store)
		if errors.Is(err, bolt.ErrInUse) {
			return fmt.Errorf("the store %s is in use by a running katalog (serve or harvest): back up a running server through it with katalog backup --url http://HOST:PORT --out %s, or stop it first", p.store, *out)
		}
		if err != nil {
			return err
		}
		defer store.Close()
		fill = func(w io.Writer) error {
			_, err := store.Backup(ctx, w, nil)
			return err
		}
	}
	start := time.Now()
	sum, n, err := writeVerified(ctx, target, fill)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %d datasets and %d variables (%d bytes, checked) to %s in %s\n",
		sum.datasets, sum.variables, n, target, time.Since(start).Round(time.Millisecond))
	return nil
}

// flagGiven reports whether the command line set the named flag.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// fetchBackup writes the backup of the katalog at base to w, through its
// admin API.
func fetchBackup(ctx context.Context, base, token, env string, w io.Writer) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url %q must be the http(s) address of a running katalog, such as http://127.0.0.1:8080", base)
	}
	endpoint := strings.TrimRight(base, "/") + "/api/v1/admin/backup"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	// Uncompressed: the server sends the length, and the copy is checked
	// against it; it also spares the server the compression.
	req.Header.Set("Accept-Encoding", "identity")
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 2 * time.Minute
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return fmt.Errorf("backup from %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg := resp.Status
		var body struct {
			Error struct{ Message string } `json:"error"`
		}
		if json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body) == nil && body.Error.Message != "" {
			msg += ": " + body.Error.Message
		}
		if resp.StatusCode == http.StatusUnauthorized {
			return fmt.Errorf("backup from %s: %s (the token is read from the environment variable %s)", endpoint, msg, env)
		}
		return fmt.Errorf("backup from %s: %s", endpoint, msg)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return fmt.Errorf("backup from %s: after %d bytes: %w", endpoint, n, err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return fmt.Errorf("backup from %s: cut short: %d of %d bytes", endpoint, n, resp.ContentLength)
	}
	return nil
}

// storeSummary is what a verified store holds.
type storeSummary struct{ datasets, variables int }

// verifyStore checks that the file at path is a sound Katalog store, every
// page read, and counts its live datasets and variables.
func verifyStore(ctx context.Context, path string) (storeSummary, error) {
	s, err := bolt.OpenReadOnly(path)
	if err != nil {
		return storeSummary{}, err
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		return storeSummary{}, err
	}
	var sum storeSummary
	if _, sum.datasets, err = s.FindDatasets(ctx, catalog.DatasetFilter{Size: 1}); err != nil {
		return storeSummary{}, fmt.Errorf("read store %s: %w", path, err)
	}
	if _, sum.variables, err = s.FindVariables(ctx, catalog.VariableFilter{Size: 1}); err != nil {
		return storeSummary{}, fmt.Errorf("read store %s: %w", path, err)
	}
	return sum, nil
}

// writeVerified has fill write a store into a temporary file beside target,
// and renames it to target only once it verifies; otherwise target is left
// as it was and the temporary file removed.
func writeVerified(ctx context.Context, target string, fill func(io.Writer) error) (storeSummary, int64, error) {
	dir := filepath.Dir(target)
	f, err := os.CreateTemp(dir, "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return storeSummary{}, 0, fmt.Errorf("write the backup beside %s: %w", target, err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			os.Remove(tmp)
		}
	}()
	err = fill(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return storeSummary{}, 0, fmt.Errorf("%w; %s is left as it was", err, target)
	}
	sum, err := verifyStore(ctx, tmp)
	if err != nil {
		return storeSummary{}, 0, fmt.Errorf("the copy does not verify, so it is not kept (%w); %s is left as it was", err, target)
	}
	fi, err := os.Stat(tmp)
	if err != nil {
		return storeSummary{}, 0, err
	}
	if err := os.Rename(tmp, target); err != nil {
		return storeSummary{}, 0, fmt.Errorf("write the backup: %w", err)
	}
	done = true
	syncDir(dir)
	return sum, fi.Size(), nil
}

// syncDir makes a rename in dir durable. Best effort: some file systems
// cannot sync a folder, and the rename itself has succeeded.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("restore", stderr)
	from := fs.String("from", "", "backup file to restore (from katalog backup)")
	dataDir := fs.String("data", "data", "data folder to restore into; no katalog may be using it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *from == "" {
		return fmt.Errorf("--from FILE is required: the backup to restore")
	}
	p := paths(*dataDir)
	unchanged := "; nothing in " + *dataDir + " was changed"

	// A first look at the backup, before anything is copied or held.
	b, err := bolt.OpenReadOnly(*from)
	if err != nil {
		return fmt.Errorf("%s is not a backup katalog can restore: %w%s", *from, err, unchanged)
	}
	b.Close()
	fromInfo, _ := os.Stat(*from)

	// Keep every katalog off the current store until the backup is in place.
	mode := os.FileMode(0o644) // as Open creates a store
	cur, err := os.Stat(p.store)
	switch {
	case err == nil:
		if os.SameFile(cur, fromInfo) {
			return fmt.Errorf("%s is the data folder's own store%s", *from, unchanged)
		}
		mode = cur.Mode().Perm()
		release, err := bolt.Hold(p.store)
		if errors.Is(err, bolt.ErrInUse) {
			return fmt.Errorf("the store %s is in use by a running katalog (serve or harvest): stop it before restoring%s", p.store, unchanged)
		}
		if err != nil {
			// A damaged store is a reason to restore: it is set aside as
			// any other, unread.
			fmt.Fprintf(stderr, "katalog restore: the current store cannot be read (%v); it is set aside all the same\n", err)
		} else {
			defer release()
		}
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("restore into %s: %w", p.store, err)
	}
	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		return fmt.Errorf("restore into %s: %w", *dataDir, err)
	}

	// Copy the backup into the data folder, and check the copy.
	tmp, err := copyInto(*from, *dataDir, mode)
	if err != nil {
		return fmt.Errorf("copy %s into %s: %w%s", *from, *dataDir, err, unchanged)
	}
	installed := false
	defer func() {
		if !installed {
			os.Remove(tmp)
		}
	}()
	sum, err := verifyStore(ctx, tmp)
	if err != nil {
		return fmt.Errorf("%s is not a backup katalog can restore: its copy does not verify (%w)%s", *from, err, unchanged)
	}
	// Opened for writing before it is in place, so that no katalog can
	// open it between the rename and the end of the reindex.
	store, err := bolt.Open(tmp)
	if err != nil {
		return fmt.Errorf("open the copy of %s: %w%s", *from, err, unchanged)
	}
	defer store.Close()

	kept := ""
	if cur != nil {
		kept = keepName(p.store + ".before-restore-" + stamp(time.Now()))
		if err := os.Rename(p.store, kept); err != nil {
			return fmt.Errorf("set the current store aside: %w%s", err, unchanged)
		}
	}
	if err := os.Rename(tmp, p.store); err != nil {
		if kept != "" {
			if rerr := os.Rename(kept, p.store); rerr != nil {
				return fmt.Errorf("install the backup as %s: %w; and the current store could not be put back from %s: %v", p.store, err, kept, rerr)
			}
		}
		return fmt.Errorf("install the backup as %s: %w%s", p.store, err, unchanged)
	}
	installed = true
	syncDir(*dataDir)
	fmt.Fprintf(stdout, "restored %d datasets and %d variables from %s into %s\n", sum.datasets, sum.variables, *from, p.store)
	if kept != "" {
		fmt.Fprintf(stdout, "the replaced store is kept as %s\n", kept)
	}

	// The index must now follow the restored store.
	if err := reindex(ctx, store, p.index, stdout); err != nil {
		os.RemoveAll(p.index)
		return fmt.Errorf("the store is restored, but the search index could not be rebuilt (%w): it is removed, so that katalog serve rebuilds it at start; or run katalog reindex --data %s", err, *dataDir)
	}
	return nil
}

// keepName returns name, or when a file has it already (two restores in
// one second), name with the first free ".N" after it: a rename must not
// replace an earlier store that was set aside.
func keepName(name string) string {
	kept := name
	for i := 2; ; i++ {
		if _, err := os.Lstat(kept); errors.Is(err, os.ErrNotExist) {
			return kept
		}
		kept = fmt.Sprintf("%s.%d", name, i)
	}
}

// copyInto copies the file at from into a new temporary file in dir, synced
// to disk, and returns its path.
func copyInto(from, dir string, mode os.FileMode) (string, error) {
	src, err := os.Open(from)
	if err != nil {
		return "", err
	}
	defer src.Close()
	dst, err := os.CreateTemp(dir, "katalog.db.restore-*.tmp")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(dst, src)
	if err == nil {
		err = dst.Chmod(mode)
	}
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst.Name())
		return "", err
	}
	return dst.Name(), nil
}

// reindex rebuilds the search index at path from store: katalog reindex, and
// the end of a restore.
func reindex(ctx context.Context, store catalog.Store, path string, stdout io.Writer) error {
	start := time.Now()
	n, err := search.Rebuild(ctx, store, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "indexed %d documents in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
