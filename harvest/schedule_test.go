package harvest

import (
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	at := time.Date(2026, 11, 23, 12, 30, 0, 0, time.UTC)
	cases := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"1h", at.Add(time.Hour), false},
		{"90s", at.Add(90 * time.Second), false},
		{"0 3 * * *", time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC), false},
		{"*/15 * * * *", time.Date(2026, 11, 23, 12, 45, 0, 0, time.UTC), false},
		{"", time.Time{}, true},
		{"500ms", time.Time{}, true},
		{"daily", time.Time{}, true},
		{"0 3 * *", time.Time{}, true},
		{"99 3 * * *", time.Time{}, true},
	}
	for _, c := range cases {
		s, err := ParseSchedule(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("ParseSchedule(%q) error = %v; want error %v", c.in, err, c.wantErr)
			continue
		}
		if err == nil && !s.Next(at).Equal(c.want) {
			t.Errorf("ParseSchedule(%q).Next(%v) = %v; want %v", c.in, at, s.Next(at), c.want)
		}
	}
}

func TestNextRunBacksOff(t *testing.T) {
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	s, _ := ParseSchedule("2s")
	cases := []struct {
		failures int
		want     time.Duration
	}{
		{0, 2 * time.Second},
		{1, 4 * time.Second},
		{2, 8 * time.Second},
		{5, 64 * time.Second},
		{40, 24 * time.Hour},
	}
	for _, c := range cases {
		if got := NextRun(s, at, c.failures).Sub(at); got != c.want {
			t.Errorf("NextRun(2s, %d failures) = +%v; want +%v", c.failures, got, c.want)
		}
	}
	daily, _ := ParseSchedule("48h")
	if got := NextRun(daily, at, 3).Sub(at); got != 48*time.Hour {
		t.Errorf("NextRun(48h, 3 failures) = +%v; want +48h (never below the interval)", got)
	}
}
