package web

import (
	"net/netip"
	"testing"
	"time"
)

func addr(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
}

// A bucket is dropped once it has filled up again, and not before: a
// dropped client starts again with a full bucket, which it had anyway.
func TestLimiterEvictsIdleClients(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	l := newLimiter("search", RateLimit{PerSecond: 2, Burst: 10}, clock) // fills in 5 s
	for i := range 1000 {
		if ok, _ := l.allow(addr(i)); !ok {
			t.Fatalf("client %d's first request was refused", i)
		}
	}
	if n := l.size(); n != 1000 {
		t.Fatalf("after 1000 clients the limiter keeps %d buckets; want 1000", n)
	}
	for range 9 { // client 0 empties its bucket
		l.allow(addr(0))
	}
	if ok, wait := l.allow(addr(0)); ok || wait != 500*time.Millisecond {
		t.Fatalf("client 0's 11th request = %v, wait %v; want refused, wait 500ms", ok, wait)
	}

	now = now.Add(4 * time.Second)
	l.allow(addr(5000))
	if n := l.size(); n != 1001 {
		t.Errorf("4 s later (the buckets not yet full) the limiter keeps %d buckets; want 1001", n)
	}
	now = now.Add(time.Second)
	l.allow(addr(5001))
	if n := l.size(); n != 2 {
		t.Errorf("5 s later the limiter keeps %d buckets; want 2 (the clients of the last 5 s)", n)
	}
	// Client 0 was dropped with a full bucket: it has a burst again.
	for i := range 10 {
		if ok, _ := l.allow(addr(0)); !ok {
			t.Fatalf("client 0's request %d after its bucket was dropped was refused", i+1)
		}
	}
	if ok, _ := l.allow(addr(0)); ok {
		t.Errorf("client 0's 11th request after its bucket was dropped was let through")
	}
}

// However many clients come at once, at most max buckets are kept.
func TestLimiterBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter("export", RateLimit{PerSecond: 1, Burst: 100}, func() time.Time { return now })
	l.max = 500
	for i := range 5000 {
		l.allow(addr(i))
		if n := l.size(); n > l.max {
			t.Fatalf("after %d clients the limiter keeps %d buckets; want at most %d", i+1, n, l.max)
		}
	}
	if n := l.size(); n != l.max {
		t.Errorf("the limiter keeps %d buckets; want %d", n, l.max)
	}
}

func TestNewLimiterZeroIsNone(t *testing.T) {
	for _, rl := range []RateLimit{{}, {PerSecond: 1}, {Burst: 1}} {
		if l := newLimiter("search", rl, time.Now); l != nil {
			t.Errorf("newLimiter(%+v) = %+v; want nil (no limit)", rl, l)
		}
	}
}

func TestParseAddr(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"192.0.2.1:4711", "192.0.2.1"},
		{"[2001:db8::1]:4711", "2001:db8::1"},
		{"2001:db8::1", "2001:db8::1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"[fe80::1%eth0]:80", "fe80::1"},
		{"example.org:80", "invalid IP"},
		{"", "invalid IP"},
	} {
		if got := parseAddr(c.in).String(); got != c.want {
			t.Errorf("parseAddr(%q) = %s; want %s", c.in, got, c.want)
		}
	}
}
