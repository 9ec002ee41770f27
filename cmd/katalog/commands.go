package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/catalog/bolt"
	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
	"github.com/katalog/katalog/harvest"
	"github.com/katalog/katalog/search"
	"github.com/katalog/katalog/web"
	"github.com/katalog/katalog/web/pagecache"
)

// app is Katalog opened on a data folder.
type app struct {
	cfg       *config
	store     *bolt.DB
	index     *search.Index
	harvester *harvest.Harvester
	log       *slog.Logger
}

// openApp opens the store and the index of a data folder and registers the
// configured sources. The index is rebuilt from the store when it is
// missing, empty while the store is not, or made by another mapping.
func openApp(ctx context.Context, cfg *config, dataDir string, log *slog.Logger) (*app, error) {
	p := paths(dataDir)
	store, err := bolt.Open(p.store)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, store: store, log: log}
	if err := a.openIndex(ctx, p.index); err != nil {
		store.Close()
		return nil, err
	}
	if cfg != nil {
		if err := a.syncSources(ctx); err != nil {
			a.close()
			return nil, err
		}
		a.harvester = &harvest.Harvester{
			Store: store, Index: a.index, Logger: log, Version: version,
			BaseDir: cfg.BaseDir, FileRoots: cfg.FileRoots, Defaults: cfg.Defaults, Profile: cfg.Profile,
		}
		if n, err := a.harvester.Recover(ctx); err != nil {
			a.close()
			return nil, err
		} else if n > 0 {
			log.Warn("runs left running by a stopped katalog are marked failed", "runs", n)
		}
	}
	return a, nil
}

// workers is how many sources are harvested at a time.
func (a *app) workers() int {
	if a.cfg.Workers > 0 {
		return a.cfg.Workers
	}
	return 2
}

// adminToken returns the admin API's bearer token from the environment
// variable the configuration names; "" leaves the admin API closed.
func (a *app) adminToken() string {
	if a.cfg.AdminTokenEnv == "" {
		return ""
	}
	return os.Getenv(a.cfg.AdminTokenEnv)
}

func (a *app) openIndex(ctx context.Context, path string) error {
	idx, err := search.Open(path)
	rebuild := errors.Is(err, search.ErrStale)
	if err != nil && !rebuild {
		return err
	}
	if !rebuild {
		n, err := idx.Count()
		if err != nil {
			idx.Close()
			return err
		}
		if n == 0 {
			if _, total, err := a.store.FindDatasets(ctx, catalog.DatasetFilter{Size: 1}); err == nil && total > 0 {
				rebuild = true
			}
		}
		if !rebuild {
			a.index = idx
			return nil
		}
		idx.Close()
	}
	a.log.Info("rebuilding the search index from the store", "path", path)
	start := time.Now()
	n, err := search.Rebuild(ctx, a.store, path)
	if err != nil {
		return err
	}
	a.log.Info("search index rebuilt", "documents", n, "duration_ms", time.Since(start).Milliseconds())
	a.index, err = search.Open(path)
	return err
}

// syncSources stores the configured sources, keeping the harvest state of
// those the store knows already.
func (a *app) syncSources(ctx context.Context) error {
	for _, src := range a.cfg.Sources {
		if old, err := a.store.FindSource(ctx, src.Name); err == nil {
			src.State = old.State
		}
		if err := a.store.PutSource(ctx, &src); err != nil {
			return err
		}
	}
	return nil
}

func (a *app) sourceNames() []string {
	names := make([]string, 0, len(a.cfg.Sources))
	for _, s := range a.cfg.Sources {
		names = append(names, s.Name)
	}
	return names
}

func (a *app) close() {
	if a.index != nil {
		a.index.Close()
	}
	a.store.Close()
}

func cmdServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	cfgPath := fs.String("config", envOr("KATALOG_CONFIG", ""), "configuration file (empty: the embedded default; env KATALOG_CONFIG)")
	addr := fs.String("addr", envOr("KATALOG_ADDR", "127.0.0.1:8080"), "address to listen on (env KATALOG_ADDR)")
	dataDir := fs.String("data", envOr("KATALOG_DATA", "data"), "data folder (env KATALOG_DATA)")
	noHarvest := fs.Bool("no-harvest", false, "serve the data folder as it is, without harvesting (a read replica restored from a backup)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(stderr)
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	// Listen first: /healthz answers at once and /readyz says 503 while
	// the index opens (or is rebuilt) and new sources are harvested.
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	starting := web.NewStarting(version)
	serveCtx, stopServing := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- web.Serve(serveCtx, l, starting, shutdownGrace, log) }()
	defer func() {
		stopServing()
		<-served
	}()
	log.Info("katalog starting", "addr", "http://"+l.Addr().String(), "data", *dataDir, "version", version)

	a, err := openApp(ctx, cfg, *dataDir, log)
	if err != nil {
		return err
	}
	defer a.close()
	a.index.Prepare() // the first searches find the facet columns ready

	sched := &harvest.Scheduler{Harvester: a.harvester, Sources: a.sourceNames(), Workers: a.workers(), Grace: shutdownGrace}
	token := a.adminToken()
	if token == "" {
		log.Warn("the admin API is closed: set the environment variable named by admin_token_env to open it", "admin_token_env", a.cfg.AdminTokenEnv)
	}
	var harvests catalog.Harvests = sched
	if *noHarvest {
		harvests = nil // the admin API answers that this katalog does not harvest
	}
	// The cache of catalogue documents starts empty each time: its keys
	// need not outlive the process, and a restart may bring another
	// configuration or version.
	var cache *pagecache.Cache
	if size := a.cfg.CatalogCacheSize; size > 0 {
		if cache, err = pagecache.Open(paths(*dataDir).catalogCache, size); err != nil {
			return err
		}
	} else if err := os.RemoveAll(paths(*dataDir).catalogCache); err != nil {
		log.Warn("the catalogue cache is off, and its folder could not be removed", "error", err)
	}
	srv, err := web.New(web.Config{
		Store: a.store, Index: a.index, Harvests: harvests, Validator: a.harvester,
		AdminToken: token, Logger: log, Version: version, Publication: a.cfg.publication(),
		IndexSize:   a.index.DiskSize,
		SearchLimit: a.cfg.SearchLimit, ExportLimit: a.cfg.ExportLimit, TrustedProxies: a.cfg.TrustedProxies,
		MaxBody: a.cfg.MaxBody, MaxFeedBody: a.cfg.MaxFeedBody,
		CatalogCache: cache,
	})
	if err != nil {
		return err
	}
	// Every finished run, the first harvest's too, goes into /metrics;
	// every run that changed the store has the catalogue's pages warmed
	// again.
	a.harvester.Progress = func(p harvest.Progress) {
		if p.Phase == harvest.PhaseDone {
			srv.ObserveRun(p.Run)
		}
	}
	a.harvester.Changed = func(string) { srv.CatalogChanged() }

	// Sources never harvested are harvested before the server is ready,
	// so that its first answers are complete.
	if !*noHarvest {
		a.harvestNew(ctx)
	}
	if ctx.Err() != nil {
		return nil // a signal during the first harvest: a clean stop
	}
	starting.Ready(srv)
	log.Info("katalog serving", "addr", "http://"+l.Addr().String(), "data", *dataDir, "version", version)
	// On a signal the scheduler and the server stop together: runs in
	// flight and requests each get shutdownGrace to finish.
	schedCtx, stopSched := context.WithCancel(ctx)
	warmed := make(chan struct{})
	go func() {
		defer close(warmed)
		srv.WarmCatalog(schedCtx)
	}()
	done := make(chan struct{})
	go func() {
		defer close(done)
		// A stop that left the index behind the store is put right
		// before the first scheduled run, while the old index serves.
		if repaired, err := a.harvester.RepairIndex(schedCtx); err != nil {
			log.Error("repairing the search index", "error", err)
		} else if len(repaired) > 0 {
			log.Info("search index repaired", "sources", repaired)
		}
		if *noHarvest {
			log.Info("not harvesting (--no-harvest)")
			return
		}
		sched.Run(schedCtx)
	}()
	err = <-served
	served <- err // for the deferred wait
	stopSched()
	<-done
	<-warmed
	log.Info("katalog stopped")
	return err
}

// shutdownGrace is how long runs and requests in flight may go on after a
// signal; katalog is down within about this long.
const shutdownGrace = 3 * time.Second

// harvestNew harvests, in parallel, the configured sources that have never
// been harvested. How each went is in its run report.
func (a *app) harvestNew(ctx context.Context) {
	var fresh []string
	for _, name := range a.sourceNames() {
		if src, err := a.store.FindSource(ctx, name); err == nil && src.State.LastRun == "" {
			fresh = append(fresh, name)
		}
	}
	if len(fresh) == 0 {
		return
	}
	a.log.Info("first harvest", "sources", len(fresh))
	start := time.Now()
	runs := harvest.RunAll(ctx, a.harvester, fresh, a.workers())
	failed := 0
	for _, r := range runs {
		if r.Status == catalog.RunFailed {
			failed++
		}
	}
	a.log.Info("first harvest done", "sources", len(fresh), "failed", failed, "duration_ms", time.Since(start).Milliseconds())
}

func cmdHarvest(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlags("harvest", stderr)
	cfgPath := fs.String("config", envOr("KATALOG_CONFIG", ""), "configuration file (empty: the embedded default; env KATALOG_CONFIG)")
	dataDir := fs.String("data", envOr("KATALOG_DATA", "data"), "data folder (env KATALOG_DATA)")
	only := fs.String("source", "", "harvest only this source")
	if err := fs.Parse(args); err != nil {
		return exitCannot, err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return exitCannot, err
	}
	a, err := openApp(ctx, cfg, *dataDir, newLogger(io.Discard))
	if err != nil {
		return exitCannot, err
	}
	defer a.close()
	names := a.sourceNames()
	if *only != "" {
		names = []string{*only}
		if !slices.Contains(a.sourceNames(), *only) {
			return exitCannot, fmt.Errorf("no source named %q in the configuration", *only)
		}
	}
	board := newProgressBoard(stdout, names)
	a.harvester.Progress = board.update
	runs := harvest.RunAll(ctx, a.harvester, names, a.workers())
	board.finish(runs)
	if ctx.Err() != nil {
		return exitCannot, ctx.Err()
	}
	for _, r := range runs {
		if r.Status == catalog.RunFailed {
			return exitFailures, nil
		}
	}
	return exitOK, nil
}

func cmdReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("reindex", stderr)
	dataDir := fs.String("data", envOr("KATALOG_DATA", "data"), "data folder (env KATALOG_DATA)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p := paths(*dataDir)
	store, err := bolt.Open(p.store)
	if err != nil {
		return err
	}
	defer store.Close()
	return reindex(ctx, store, p.index, stdout)
}

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	dataDir := fs.String("data", envOr("KATALOG_DATA", "data"), "data folder (env KATALOG_DATA)")
	format := fs.String("format", "turtle", "turtle, jsonld, rdfxml or ntriples")
	profile := fs.String("profile", "healthdcat-ap", "healthdcat-ap (with variables) or dcat-ap-no")
	cfgPath := fs.String("config", envOr("KATALOG_CONFIG", ""), "configuration file, for base_url and health categories (empty: the embedded default; env KATALOG_CONFIG)")
	source := fs.String("source", "", "export only this harvest source")
	access := fs.String("access-rights", "", "export only datasets with these access rights: PUBLIC, RESTRICTED, NON_PUBLIC or none")
	base := fs.String("base", "", "public address of Katalog, the start of the IRIs it mints (default: the configuration's base_url, else http://127.0.0.1:8080)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := rdf.ParseFormat(*format)
	if err != nil {
		return err
	}
	p, err := dcat.ParseProfile(*profile)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	pub := cfg.publication()
	switch {
	case *base != "":
		pub = pub.WithBase(*base)
	case pub.Base != "":
		pub = pub.WithBase(pub.Base)
	default:
		pub = pub.WithBase("http://127.0.0.1:8080")
	}
	store, err := bolt.Open(paths(*dataDir).store)
	if err != nil {
		return err
	}
	defer store.Close()
	x, err := dcat.NewExport(ctx, store, &pub, dcat.ExportOptions{Profile: p, Source: *source, AccessRights: *access})
	if err != nil {
		return err
	}
	w := rdf.NewWriter(stdout, f, dcat.Prefixes)
	st, err := x.Write(ctx, w)
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %d datasets and %d variables\n", st.Datasets, st.Variables)
	return nil
}
