package web

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// RateLimit is a token bucket per client address: on average PerSecond
// requests a second, in bursts of up to Burst. The zero RateLimit is no
// limit.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// maxClients is how many client buckets a limiter keeps at most (about
// 150 bytes each).
const maxClients = 100_000

// limiter keeps a token bucket per client address. A bucket left alone
// long enough to have filled up again is no different from a new one, so
// such idle buckets are dropped; and when maxClients are busy at once, an
// arbitrary one makes room for a new client (which can only let that
// client through sooner). Memory is thus bounded. A limiter is safe for
// concurrent use.
type limiter struct {
	name  string // the limit's label in metrics: "search" or "export"
	limit rate.Limit
	burst int
	idle  time.Duration // how long an empty bucket takes to fill
	max   int           // buckets kept at most
	now   func() time.Time

	mu      sync.Mutex // guards clients and swept
	clients map[netip.Addr]*bucket
	swept   time.Time // when idle buckets were last dropped
}

type bucket struct {
	tokens *rate.Limiter
	seen   time.Time // the last request
}

// newLimiter returns a limiter of l, or nil for the zero RateLimit.
func newLimiter(name string, l RateLimit, now func() time.Time) *limiter {
	if l.PerSecond <= 0 || l.Burst <= 0 {
		return nil
	}
	idle := time.Duration(float64(l.Burst) / l.PerSecond * float64(time.Second))
	return &limiter{
		name: name, limit: rate.Limit(l.PerSecond), burst: l.Burst,
		idle: max(idle, time.Second), max: maxClients, now: now,
		clients: map[netip.Addr]*bucket{},
	}
}

// allow takes a token from the client's bucket. When there is none it
// takes nothing and returns how long until there is one.
func (l *limiter) allow(client netip.Addr) (ok bool, wait time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= l.idle {
		l.sweep(now)
	}
	b := l.clients[client]
	if b == nil {
		if len(l.clients) >= l.max && now.Sub(l.swept) >= time.Second {
			l.sweep(now) // at most once a second: a sweep visits every bucket
		}
		for k := range l.clients { // still full: any one makes room
			if len(l.clients) < l.max {
				break
			}
			delete(l.clients, k)
		}
		b = &bucket{tokens: rate.NewLimiter(l.limit, l.burst)}
		l.clients[client] = b
	}
	b.seen = now
	r := b.tokens.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep drops the buckets that have filled up again since their client's
// last request.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.clients {
		if now.Sub(b.seen) >= l.idle {
			delete(l.clients, k)
		}
	}
	l.swept = now
}

// size returns how many client buckets the limiter keeps.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// limited returns middleware that answers 429, with Retry-After in whole
// seconds, to a client over l; a nil l lets every request through.
func (s *Server) limited(l *limiter) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if l == nil {
			return next
		}
		return func(c echo.Context) error {
			ok, wait := l.allow(s.clientKey(c.Request()))
			if ok {
				return next(c)
			}
			secs := int(math.Ceil(wait.Seconds()))
			c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
			s.metrics.limited.WithLabelValues(l.name).Inc()
			return catalog.Errorf(catalog.ERATELIMIT, "too many requests from your address; try again in %d s", secs)
		}
	}
}

// clientKey is the address a client's requests are counted under: its
// address, or for IPv6 its /64 (one host's share of a network).
func (s *Server) clientKey(r *http.Request) netip.Addr {
	a := s.clientAddr(r)
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return a
}

// clientAddr returns the address of the client of a request: the TCP
// peer's, unless the peer is a trusted proxy. Then X-Forwarded-For is read
// from the right, past the trusted proxies, and the first address that is
// not one is the client. Where the header runs out, the furthest trusted
// address is; where it has something that is not an address, the proxy
// that passed it on is.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	client := parseAddr(r.RemoteAddr)
	if !s.trusted(client) {
		return client
	}
	hops := strings.Split(strings.Join(r.Header.Values(echo.HeaderXForwardedFor), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" && len(hops) == 1 {
			break // no header
		}
		a := parseAddr(hop)
		if !a.IsValid() {
			break
		}
		client = a
		if !s.trusted(a) {
			break
		}
	}
	return client
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseAddr reads an IP address with or without a port ("192.0.2.1",
// "192.0.2.1:4711", "2001:db8::1", "[2001:db8::1]:4711"); IPv4 addresses
// in IPv6 form are read as IPv4. It returns the zero Addr for anything else.
func parseAddr(s string) netip.Addr {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone("")
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}
