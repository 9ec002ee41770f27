package search

import (
	"strings"
	"testing"
	"time"
)

// A token longer than maxCompound bytes is indexed as it is, not split into
// known words: splitting costs the square of its length, and a feed's
// literal with no space in it (megabytes) would hold the harvest's indexing
// for hours.
func TestAnalyzeLongToken(t *testing.T) {
	x, err := NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	short := strings.Repeat("blodtrykk", maxCompound/len("blodtrykk"))
	if got := len(x.analyze(analyzerNo, short)); got < 2 {
		t.Errorf("analyze(%d bytes of blodtrykk) = %d tokens; want the compound and its parts", len(short), got)
	}
	long := short + "blodtrykk"
	if got := len(x.analyze(analyzerNo, long)); got != 1 {
		t.Errorf("analyze(%d bytes of blodtrykk) = %d tokens; want 1, not split", len(long), got)
	}
	huge := strings.Repeat("blodtrykk", 1<<17) // 1.1 MB
	start := time.Now()
	if got := len(x.analyze(analyzerNo, huge)); got != 1 {
		t.Errorf("analyze(%d bytes of blodtrykk) = %d tokens; want 1", len(huge), got)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("analyze(%d bytes) took %v", len(huge), d)
	}
}
