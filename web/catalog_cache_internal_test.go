package web

import "testing"

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8, *;q=0.1", true},
		{"deflate, br", false},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"gzip;q=0, *", false},
		{"*", true},
		{"*;q=0", false},
		{"identity", false},
		{"identity;q=0", false}, // nothing else to send: identity after all
		{"identity;q=0, *;q=0.5", true},
		{"identity;q=1, gzip;q=0.5", false},
		{"identity;q=0.5, gzip;q=0.5", true},
		{"gzip;q=0.5", true}, // identity unnamed: not weighed against
		{"gzip;q=x", true},   // an unreadable q counts as 1, as in Accept
		{" gzip ; q=0.3 ", true},
	} {
		if got := acceptsGzip(tc.header); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v; want %v", tc.header, got, tc.want)
		}
	}
}
