// Command katalog-load is an HTTP load generator for a running
// `katalog serve`. It opens -c workers, each keeping its own connection
// alive, sends GET requests back to back for -d after an untimed -warmup,
// and reports requests, requests per second, errors, latency percentiles
// and bytes per second for each class of route and in total.
//
//	katalog-load -addr 127.0.0.1:8080 -c 32 -d 30s -mix search [-warmup 3s] [-json]
//
// It only ever talks to the local machine (127.0.0.1, localhost or ::1).
// With -harvesting SOURCE it also reports the runs of a source harvesting
// during the load (make loadtest makes one), by status.
// Mixes:
//
//   - search: /api/v1/search over a fixed list of Norwegian and English
//     queries, some with facet filters, a later page or a sort order;
//   - suggest: /api/v1/suggest with prefixes of 1–6 letters of those words;
//   - full: search 50 %, suggest 20 %, variables 15 % (API and page, ids
//     learned from one search at start-up), search pages 10 % and
//     DCAT pages 5 % (/catalog pages as Turtle and JSON-LD).
//
// Each worker goes through the requests in its own deterministic order, so
// runs are comparable. An error is a transport error, a status of 500 or
// more, or a 4xx (other than /catalog's 404). Redirects are not followed;
// a 3xx counts as answered. Bytes are body bytes as read, after the
// transport has undone any gzip encoding.
//
// The exit status is 0 for a run without errors, 1 for a run with errors
// (or no requests at all), and 2 for bad flags or a server that cannot be
// reached.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"
)

// Exit statuses.
const (
	exitOK     = 0
	exitErrors = 1
	exitUsage  = 2
)

// Route classes, in the order reports list them.
const (
	classSearch       = "search"
	classSuggest      = "suggest"
	classVariableAPI  = "variable_api"
	classVariablePage = "variable_page"
	classSearchPage   = "search_page"
	classCatalog      = "catalog"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is what the flags ask for.
type config struct {
	addr     string // host:port, loopback only
	workers  int
	duration time.Duration
	warmup   time.Duration
	timeout  time.Duration
	mix      string
	json     bool
	// harvesting is a source that harvests during the load; its runs
	// are reported.
	harvesting string
}

// run is the whole command: it parses args, runs the load and writes the
// report to stdout, and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "katalog-load: %v\n", err)
		return exitUsage
	}
	base := "http://" + cfg.addr
	client := newClient(cfg.workers, cfg.timeout)
	defer client.CloseIdleConnections()

	m, err := prepareMix(ctx, client, base, cfg.mix)
	if err != nil {
		fmt.Fprintf(stderr, "katalog-load: %v\n", err)
		return exitUsage
	}
	start := time.Now()
	res := runLoad(ctx, client, base, m, cfg)
	rep := buildReport(cfg, m, res)
	if cfg.harvesting != "" {
		if rep.HarvestRuns, err = runsSince(ctx, client, base, cfg.harvesting, start); err != nil {
			fmt.Fprintf(stderr, "katalog-load: %v\n", err)
			return exitErrors
		}
	}
	if cfg.json {
		err = writeJSON(stdout, rep)
	} else {
		err = writeText(stdout, rep)
	}
	if err != nil {
		fmt.Fprintf(stderr, "katalog-load: writing the report: %v\n", err)
		return exitErrors
	}
	switch {
	case rep.Total.Requests == 0:
		fmt.Fprintln(stderr, "katalog-load: no requests were measured")
		return exitErrors
	case rep.Total.Errors > 0:
		return exitErrors
	case cfg.harvesting != "" && rep.HarvestRuns[statusOK] == 0:
		fmt.Fprintf(stderr, "katalog-load: no run of source %s stored a change during the load\n", cfg.harvesting)
		return exitErrors
	}
	return exitOK
}

// statusOK is the status of a harvest run that stored the feed.
const statusOK = "ok"

// runsSince counts the runs of a source that started at or after since, by
// status, from /api/v1/sources/{name}/runs.
func runsSince(ctx context.Context, c *http.Client, base, source string, since time.Time) (map[string]int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/sources/"+url.PathEscape(source)+"/runs", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("runs of source %s: %w", source, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("runs of source %s: HTTP %d", source, resp.StatusCode)
	}
	var runs []struct {
		Started time.Time `json:"started"`
		Status  string    `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&runs); err != nil {
		return nil, fmt.Errorf("runs of source %s: %w", source, err)
	}
	out := map[string]int{}
	for _, r := range runs {
		if !r.Started.Before(since.Truncate(time.Second)) {
			out[r.Status]++
		}
	}
	return out, nil
}

// parseFlags reads and checks the command line.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("katalog-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "`host:port` of katalog serve (127.0.0.1, localhost or ::1 only)")
	fs.IntVar(&cfg.workers, "c", 32, "concurrent workers, each with its own keep-alive connection")
	fs.DurationVar(&cfg.duration, "d", 30*time.Second, "how long to measure")
	fs.DurationVar(&cfg.warmup, "warmup", 3*time.Second, "untimed load before measuring")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "time limit of one request, body included")
	fs.StringVar(&cfg.mix, "mix", "search", "request mix: search, suggest or full")
	fs.BoolVar(&cfg.json, "json", false, "print the report as one JSON object")
	fs.StringVar(&cfg.harvesting, "harvesting", "", "a `source` that harvests during the load: report its runs, and fail if none stored a change")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: katalog-load [-addr host:port] [-c N] [-d D] [-warmup D] [-mix search|suggest|full] [-harvesting source] [-json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	addr, err := loopbackAddr(cfg.addr)
	if err != nil {
		return cfg, err
	}
	cfg.addr = addr
	return cfg, checkConfig(cfg)
}

// checkConfig checks the flags other than -addr.
func checkConfig(cfg config) error {
	switch {
	case cfg.workers < 1:
		return fmt.Errorf("-c %d: need at least one worker", cfg.workers)
	case cfg.duration <= 0:
		return fmt.Errorf("-d %v: the duration must be positive", cfg.duration)
	case cfg.warmup < 0:
		return fmt.Errorf("-warmup %v: the warm-up cannot be negative", cfg.warmup)
	case cfg.timeout <= 0:
		return fmt.Errorf("-timeout %v: the time limit must be positive", cfg.timeout)
	case !slices.Contains([]string{"search", "suggest", "full"}, cfg.mix):
		return fmt.Errorf("-mix %q: want search, suggest or full", cfg.mix)
	}
	return nil
}

// loopbackAddr checks that addr is host:port with host 127.0.0.1,
// localhost or ::1, and returns it normalised (IPv6 in brackets).
func loopbackAddr(addr string) (string, error) {
	if strings.Contains(addr, "://") {
		return "", fmt.Errorf("-addr %q: give host:port, not a URL", addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("-addr %q: want host:port: %w", addr, err)
	}
	if !isLoopbackHost(host) {
		return "", fmt.Errorf("-addr %q: refusing to load %q; katalog-load only talks to 127.0.0.1, localhost or ::1", addr, host)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("-addr %q: the port must be a number from 1 to 65535", addr)
	}
	return net.JoinHostPort(host, port), nil
}

// isLoopbackHost reports whether host is one of the three names allowed.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback))
}

// newClient returns a client whose transport keeps one connection alive per
// worker, only connects to loopback addresses (whatever "localhost"
// resolves to), uses no proxy and does not follow redirects.
func newClient(workers int, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{
		Timeout:   5 * time.Second,
		KeepAlive: 30 * time.Second,
		Control:   refuseNonLoopback,
	}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         dialer.DialContext,
		MaxIdleConns:        workers,
		MaxIdleConnsPerHost: workers,
		MaxConnsPerHost:     workers,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  false,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// refuseNonLoopback is a dialer's Control function: it stops a connection
// to any resolved address that is not a loopback one, before connecting.
func refuseNonLoopback(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("checking %s address %q: %w", network, address, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to connect to %s: not a loopback address", address)
	}
	return nil
}

// request is one GET to send.
type request struct {
	class string
	path  string // with the query string
}

// pool is a set of requests drawn from in proportion to its weight.
type pool struct {
	weight int
	reqs   []request
}

// mix is a named set of pools.
type mix struct {
	name    string
	pools   []pool
	classes []string // every class the pools hold, in report order
}

// searchQuery is one search: the words and any further parameters
// (facet filters, page, sort), already escaped, each starting with "&".
type searchQuery struct {
	q      string
	params string
}

// searchQueries returns the built-in searches: Norwegian and English,
// narrow and broad, a third with facet filters, some on a later page or
// sorted by title.
func searchQueries() []searchQuery {
	return []searchQuery{
		{"hodeomkrets", ""},
		{"svangerskapslengde", ""},
		{"blood pressure", ""},
		{"age", "&sort=title"},
		{"mor", "&type=variable"},
		{"alder", "&page=3"},
		{"weight", "&datatype=integer"},
		{"kjønn", ""},
		{"diabetes", "&access_rights=NON_PUBLIC"},
		{"røyking", ""},
		{"KOLS", ""},
		{"SVLEN", ""},
		{"preeklampsi", ""},
		{"head circumference", "&type=variable"},
		{"fødselsvekt", "&datatype=integer"},
		{"utdanning", "&page=3"},
		{"inntekt", ""},
		{"astma", "&access_rights=RESTRICTED"},
		{"blodtrykk", ""},
		{"body mass index", ""},
		{"BMI", "&datatype=decimal"},
		{"height", ""},
		{"høyde", "&type=variable&datatype=integer"},
		{"smoking", "&sort=title"},
		{"education", ""},
		{"income", "&access_rights=NON_PUBLIC"},
		{"apgar", ""},
		{"gestational age", ""},
		{"birth weight", "&type=variable"},
		{"mors alder", ""},
		{"far", "&page=3"},
		{"sivilstand", "&datatype=string"},
		{"kreft", ""},
		{"cancer", "&type=dataset"},
		{"hjerteinfarkt", ""},
		{"depresjon", "&has_code_list=true"},
		{"physical activity", ""},
		{"fysisk aktivitet", "&sort=title"},
		{"kolesterol", ""},
		{"legemidler", "&access_rights=NON_PUBLIC&type=variable"},
		{"HUNT", "&type=dataset&sort=title"},
		{"keisersnitt", ""},
	}
}

// searchRequests returns the searches as requests to path (the API's or
// the search page's), of class class.
func searchRequests(class, path string) []request {
	qs := searchQueries()
	reqs := make([]request, 0, len(qs))
	for _, q := range qs {
		reqs = append(reqs, request{class: class, path: path + "?q=" + url.QueryEscape(q.q) + q.params})
	}
	return reqs
}

// suggestRequests returns a suggestion request for every distinct prefix
// of 1 to 6 letters of the search words, lower-cased.
func suggestRequests() []request {
	var reqs []request
	seen := map[string]bool{}
	for _, q := range searchQueries() {
		for _, word := range strings.Fields(strings.ToLower(q.q)) {
			for _, p := range prefixes(word, 6) {
				if !seen[p] {
					seen[p] = true
					reqs = append(reqs, request{class: classSuggest, path: "/api/v1/suggest?q=" + url.QueryEscape(p)})
				}
			}
		}
	}
	return reqs
}

// prefixes returns the prefixes of word of 1 to n letters.
func prefixes(word string, n int) []string {
	letters := []rune(word)
	out := make([]string, 0, n)
	for i := 1; i <= min(n, len(letters)); i++ {
		out = append(out, string(letters[:i]))
	}
	return out
}

// catalogRequests returns DCAT catalogue pages as a harvester asks for
// them, in Turtle and JSON-LD.
func catalogRequests() []request {
	var reqs []request
	for page := 1; page <= 3; page++ {
		for _, ext := range []string{".ttl", ".jsonld"} {
			reqs = append(reqs, request{class: classCatalog, path: fmt.Sprintf("/catalog%s?page=%d&size=20", ext, page)})
		}
	}
	return reqs
}

// variableRequests returns the API and page requests for each variable.
func variableRequests(ids []string) []request {
	reqs := make([]request, 0, 2*len(ids))
	for _, id := range ids {
		esc := url.PathEscape(id)
		reqs = append(reqs,
			request{class: classVariableAPI, path: "/api/v1/variables/" + esc},
			request{class: classVariablePage, path: "/variables/" + esc})
	}
	return reqs
}

// buildMix returns the named mix; full needs variable identifiers.
func buildMix(name string, ids []string) (mix, error) {
	m := mix{name: name}
	switch name {
	case "search":
		m.pools = []pool{{1, searchRequests(classSearch, "/api/v1/search")}}
	case "suggest":
		m.pools = []pool{{1, suggestRequests()}}
	case "full":
		if len(ids) == 0 {
			return m, errors.New("the full mix needs variable identifiers, and there are none")
		}
		m.pools = []pool{
			{50, searchRequests(classSearch, "/api/v1/search")},
			{20, suggestRequests()},
			{15, variableRequests(ids)},
			{10, searchRequests(classSearchPage, "/search")},
			{5, catalogRequests()},
		}
	default:
		return m, fmt.Errorf("unknown mix %q", name)
	}
	m.classes = mixClasses(m.pools)
	return m, nil
}

// mixClasses returns the classes of the pools' requests in report order.
func mixClasses(pools []pool) []string {
	var out []string
	for _, c := range []string{classSearch, classSuggest, classVariableAPI, classVariablePage, classSearchPage, classCatalog} {
		found := false
		for _, p := range pools {
			found = found || slices.ContainsFunc(p.reqs, func(r request) bool { return r.class == c })
		}
		if found {
			out = append(out, c)
		}
	}
	return out
}

// prepareMix builds the named mix, learning variable identifiers first for
// the full mix, and checks that the server answers at all.
func prepareMix(ctx context.Context, c *http.Client, base, name string) (mix, error) {
	var ids []string
	if name == "full" {
		var err error
		if ids, err = learnVariableIDs(ctx, c, base); err != nil {
			return mix{}, err
		}
	}
	m, err := buildMix(name, ids)
	if err != nil {
		return m, err
	}
	if name != "full" { // the identifiers' search has shown the server answers
		if o := fetch(ctx, c, base+m.pools[0].reqs[0].path); o.err != nil {
			return m, fmt.Errorf("cannot reach %s (is katalog serve running?): %w", base, o.err)
		}
	}
	return m, nil
}

// learnVariableIDs returns the identifiers of up to 100 variables, from one
// search.
func learnVariableIDs(ctx context.Context, c *http.Client, base string) ([]string, error) {
	u := base + "/api/v1/search?q=&size=100&type=variable"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("learning variable identifiers: %w", err)
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("learning variable identifiers from %s (is katalog serve running?): %w", u, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(res.Body, 200))
		return nil, fmt.Errorf("learning variable identifiers: GET %s: %s: %s", u, res.Status, strings.TrimSpace(string(snippet)))
	}
	var body struct {
		Hits []struct {
			Identifier string `json:"identifier"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("learning variable identifiers: decoding %s: %w", u, err)
	}
	var ids []string
	for _, h := range body.Hits {
		if h.Identifier != "" && !slices.Contains(ids, h.Identifier) {
			ids = append(ids, h.Identifier)
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("learning variable identifiers: %s found no variables; harvest some first, or use -mix search", u)
	}
	return ids, nil
}

// sequence gives one worker's requests: a deterministic shuffle, seeded by
// the worker's index, of the pools in proportion to their weights and of
// each pool's requests.
type sequence struct {
	rng   *rand.Rand
	pools [][]request // shuffled copies
	next  []int       // cursor into each pool
	deck  []int       // pool indices, one per unit of (reduced) weight
	pos   int
}

// newSequence returns worker's sequence through m.
func newSequence(m mix, worker int) *sequence {
	s := &sequence{rng: rand.New(rand.NewPCG(uint64(worker), 0x6b6174616c6f67))}
	g := 0
	for _, p := range m.pools {
		g = gcd(g, p.weight)
	}
	for i, p := range m.pools {
		reqs := slices.Clone(p.reqs)
		s.shuffle(reqs)
		s.pools = append(s.pools, reqs)
		for range p.weight / g {
			s.deck = append(s.deck, i)
		}
	}
	s.next = make([]int, len(s.pools))
	s.shuffleDeck()
	return s
}

// nextRequest returns the next request, reshuffling a pool or the deck each time
// it has been gone through.
func (s *sequence) nextRequest() request {
	if s.pos == len(s.deck) {
		s.shuffleDeck()
	}
	i := s.deck[s.pos]
	s.pos++
	if s.next[i] == len(s.pools[i]) {
		s.shuffle(s.pools[i])
		s.next[i] = 0
	}
	r := s.pools[i][s.next[i]]
	s.next[i]++
	return r
}

func (s *sequence) shuffleDeck() {
	s.rng.Shuffle(len(s.deck), func(a, b int) { s.deck[a], s.deck[b] = s.deck[b], s.deck[a] })
	s.pos = 0
}

func (s *sequence) shuffle(reqs []request) {
	s.rng.Shuffle(len(reqs), func(a, b int) { reqs[a], reqs[b] = reqs[b], reqs[a] })
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// outcome is what one request came to.
type outcome struct {
	latency time.Duration // until the body was read
	status  int
	bytes   int64
	err     error // transport or body-reading error
}

// fetch sends one GET and reads and discards the whole body.
func fetch(ctx context.Context, c *http.Client, u string) outcome {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return outcome{err: fmt.Errorf("building GET %s: %w", u, err)}
	}
	req.Header.Set("User-Agent", "katalog-load")
	res, err := c.Do(req)
	if err != nil {
		return outcome{latency: time.Since(start), err: err}
	}
	n, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	o := outcome{latency: time.Since(start), status: res.StatusCode, bytes: n}
	if err != nil {
		o.err = fmt.Errorf("reading the body of GET %s: %w", u, err)
	}
	return o
}

// verdict is how a request counts.
type verdict int

const (
	answered verdict = iota
	failed           // an error
)

// judge says how o counts, and for an error, why.
func judge(o outcome) (verdict, string) {
	switch {
	case o.err != nil:
		return failed, "transport error"
	case o.status >= 400:
		return failed, "HTTP " + strconv.Itoa(o.status)
	}
	return answered, ""
}

// classStats is what was measured of one class of route.
type classStats struct {
	latencies []time.Duration
	errors    int
	bytes     int64
	reasons   map[string]int // errors by reason
	firstErr  string         // the first transport error's text
}

// tally is the statistics by class.
type tally map[string]*classStats

// get returns the statistics of class, creating them.
func (t tally) get(class string) *classStats {
	cs := t[class]
	if cs == nil {
		cs = &classStats{reasons: map[string]int{}}
		t[class] = cs
	}
	return cs
}

// add records one request.
func (t tally) add(r request, o outcome) {
	cs := t.get(r.class)
	cs.latencies = append(cs.latencies, o.latency)
	cs.bytes += o.bytes
	switch v, reason := judge(o); v {
	case failed:
		cs.errors++
		cs.reasons[reason]++
		if o.err != nil && cs.firstErr == "" {
			cs.firstErr = o.err.Error()
		}
	}
}

// merge adds the statistics of o to t.
func (t tally) merge(o tally) {
	for class, src := range o {
		t.get(class).merge(src)
	}
}

// merge adds the statistics of src to cs, whose reasons must not be nil.
func (cs *classStats) merge(src *classStats) {
	cs.latencies = append(cs.latencies, src.latencies...)
	cs.errors += src.errors
	cs.bytes += src.bytes
	for k, n := range src.reasons {
		cs.reasons[k] += n
	}
	if cs.firstErr == "" {
		cs.firstErr = src.firstErr
	}
}

// result is a finished run.
type result struct {
	stats       tally
	elapsed     time.Duration // from the end of the warm-up to the last worker's end
	interrupted bool
}

// runLoad runs cfg.workers workers over m for the warm-up and then the
// measured duration, and merges what they measured.
func runLoad(ctx context.Context, c *http.Client, base string, m mix, cfg config) result {
	measureFrom := time.Now().Add(cfg.warmup)
	until := measureFrom.Add(cfg.duration)
	tallies := make([]tally, cfg.workers)
	var wg sync.WaitGroup
	for i := range cfg.workers {
		seq := newSequence(m, i)
		wg.Go(func() { tallies[i] = work(ctx, c, base, seq, measureFrom, until) })
	}
	wg.Wait()
	res := result{stats: tally{}, elapsed: max(time.Since(measureFrom), 0), interrupted: ctx.Err() != nil}
	if res.interrupted {
		res.elapsed = min(res.elapsed, cfg.duration)
	}
	for _, t := range tallies {
		res.stats.merge(t)
	}
	return res
}

// work sends seq's requests back to back until until, recording those
// started at or after measureFrom. A request cut short by ctx is dropped.
func work(ctx context.Context, c *http.Client, base string, seq *sequence, measureFrom, until time.Time) tally {
	t := tally{}
	for {
		r := seq.nextRequest()
		start := time.Now()
		if !start.Before(until) || ctx.Err() != nil {
			return t
		}
		o := fetch(ctx, c, base+r.path)
		if ctx.Err() != nil {
			return t
		}
		if !start.Before(measureFrom) {
			t.add(r, o)
		}
	}
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted, or 0 for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// summary is the report's line for one class or the total.
type summary struct {
	Class       string  `json:"class"`
	Requests    int     `json:"requests"`
	RPS         float64 `json:"requests_per_sec"`
	Errors      int     `json:"errors"`
	P50MS       float64 `json:"p50_ms"`
	P90MS       float64 `json:"p90_ms"`
	P99MS       float64 `json:"p99_ms"`
	MaxMS       float64 `json:"max_ms"`
	Bytes       int64   `json:"bytes"`
	BytesPerSec float64 `json:"bytes_per_sec"`
}

// report is the whole report.
type report struct {
	Addr         string         `json:"addr"`
	Mix          string         `json:"mix"`
	Workers      int            `json:"concurrency"`
	DurationS    float64        `json:"duration_s"`
	WarmupS      float64        `json:"warmup_s"`
	ElapsedS     float64        `json:"elapsed_s"`
	Interrupted  bool           `json:"interrupted,omitempty"`
	Classes      []summary      `json:"classes"`
	Total        summary        `json:"total"`
	ErrorReasons map[string]int `json:"error_reasons,omitempty"`
	FirstError   string         `json:"first_error,omitempty"`
	// HarvestRuns counts the -harvesting source's runs by status.
	HarvestRuns map[string]int `json:"harvest_runs,omitempty"`
}

// buildReport summarises res by class, in m's class order, and in total.
func buildReport(cfg config, m mix, res result) report {
	rep := report{
		Addr: cfg.addr, Mix: m.name, Workers: cfg.workers,
		DurationS: cfg.duration.Seconds(), WarmupS: cfg.warmup.Seconds(),
		ElapsedS: res.elapsed.Seconds(), Interrupted: res.interrupted,
		Classes: []summary{},
	}
	total := &classStats{reasons: map[string]int{}}
	for _, class := range m.classes {
		cs := res.stats[class]
		if cs == nil {
			cs = &classStats{}
		}
		rep.Classes = append(rep.Classes, summarize(class, cs, res.elapsed))
		total.merge(cs)
	}
	rep.Total = summarize("total", total, res.elapsed)
	if len(total.reasons) > 0 {
		rep.ErrorReasons = total.reasons
	}
	rep.FirstError = total.firstErr
	return rep
}

// summarize computes the report line of one class over elapsed.
func summarize(class string, cs *classStats, elapsed time.Duration) summary {
	lat := slices.Clone(cs.latencies)
	slices.Sort(lat)
	s := summary{
		Class: class, Requests: len(lat), Errors: cs.errors,
		P50MS: ms(percentile(lat, 50)), P90MS: ms(percentile(lat, 90)),
		P99MS: ms(percentile(lat, 99)), MaxMS: ms(percentile(lat, 100)),
		Bytes: cs.bytes,
	}
	if sec := elapsed.Seconds(); sec > 0 {
		s.RPS = float64(s.Requests) / sec
		s.BytesPerSec = float64(s.Bytes) / sec
	}
	return s
}

// ms returns d in milliseconds, to the microsecond.
func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// writeJSON writes rep as one JSON object.
func writeJSON(w io.Writer, rep report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// writeText writes rep as a table, followed by notes on errors.
func writeText(w io.Writer, rep report) error {
	fmt.Fprintf(w, "katalog-load: %s, mix %s, %d workers, %gs after a %gs warm-up (%.2fs measured)",
		rep.Addr, rep.Mix, rep.Workers, rep.DurationS, rep.WarmupS, rep.ElapsedS)
	if rep.Interrupted {
		fmt.Fprint(w, ", interrupted")
	}
	fmt.Fprintln(w)
	lines := append(slices.Clone(rep.Classes), rep.Total)
	width := len("class")
	for _, s := range lines {
		width = max(width, len(s.Class))
	}
	// Numbers align right; the class names, padded alike, to the left.
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-*s\trequests\treq/s\terrors\tp50\tp90\tp99\tmax\tbytes/s\t\n", width, "class")
	for _, s := range lines {
		fmt.Fprintf(tw, "%-*s\t%d\t%.1f\t%d\t%.2fms\t%.2fms\t%.2fms\t%.2fms\t%s\t\n",
			width, s.Class, s.Requests, s.RPS, s.Errors, s.P50MS, s.P90MS, s.P99MS, s.MaxMS, byteRate(s.BytesPerSec))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	writeNotes(w, rep)
	return nil
}

// writeNotes writes why requests failed.
func writeNotes(w io.Writer, rep report) {
	if len(rep.ErrorReasons) > 0 {
		reasons := make([]string, 0, len(rep.ErrorReasons))
		for _, k := range slices.Sorted(maps.Keys(rep.ErrorReasons)) {
			reasons = append(reasons, fmt.Sprintf("%s ×%d", k, rep.ErrorReasons[k]))
		}
		fmt.Fprintf(w, "errors: %s\n", strings.Join(reasons, ", "))
	}
	if rep.FirstError != "" {
		fmt.Fprintf(w, "first transport error: %s\n", rep.FirstError)
	}
	if rep.HarvestRuns != nil {
		var runs []string
		for _, k := range slices.Sorted(maps.Keys(rep.HarvestRuns)) {
			runs = append(runs, fmt.Sprintf("%s ×%d", k, rep.HarvestRuns[k]))
		}
		if len(runs) == 0 {
			runs = append(runs, "none")
		}
		fmt.Fprintf(w, "harvest runs during the load: %s\n", strings.Join(runs, ", "))
	}
}

// byteRate formats bytes per second with a binary unit.
func byteRate(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB/s", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB/s", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB/s", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B/s", b)
}
