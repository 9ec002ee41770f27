package harvest

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule says when a source is harvested next.
type Schedule interface {
	// Next returns the first harvest time after t.
	Next(t time.Time) time.Time
}

// every is a schedule of a fixed interval.
type every time.Duration

func (e every) Next(t time.Time) time.Time { return t.Add(time.Duration(e)) }

// ParseSchedule reads a schedule: a Go duration ("1h", "30m") of at least
// one second, or a 5-field cron expression ("0 3 * * *").
func ParseSchedule(s string) (Schedule, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty schedule")
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < time.Second {
			return nil, fmt.Errorf("schedule %q is shorter than one second", s)
		}
		return every(d), nil
	}
	if len(strings.Fields(s)) != 5 {
		return nil, fmt.Errorf("schedule %q is neither a Go duration (such as 1h) nor a 5-field cron expression (such as 0 3 * * *)", s)
	}
	sched, err := cron.ParseStandard(s)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", s, err)
	}
	return sched, nil
}

// retryCap caps the back-off after failed runs.
const retryCap = 24 * time.Hour

// NextRun returns when a source runs next, given when its last run ended and
// how many runs in a row have failed: the schedule's next time, or after
// failures a wait that doubles with each one (the schedule's own interval
// times 2^failures), capped at a day or the interval if that is longer.
func NextRun(s Schedule, finished time.Time, failures int) time.Time {
	next := s.Next(finished)
	if failures <= 0 {
		return next
	}
	interval := next.Sub(finished)
	limit := max(retryCap, interval)
	wait := interval
	for i := 0; i < failures && wait < limit; i++ {
		wait *= 2
	}
	return finished.Add(min(wait, limit))
}
