package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/katalog/katalog/catalog"
	"github.com/katalog/katalog/harvest"
	"golang.org/x/term"
)

// progressBoard shows how `katalog harvest` gets on: on a terminal a line
// per source, redrawn in place (bytes, pages, datasets, variables, phase);
// elsewhere a plain line per source as it finishes.
type progressBoard struct {
	w     io.Writer
	tty   bool
	width int

	mu     sync.Mutex // guards the fields below
	names  []string
	state  map[string]harvest.Progress
	drawn  int // lines on screen
	drawAt time.Time
}

func newProgressBoard(w io.Writer, names []string) *progressBoard {
	b := &progressBoard{w: w, names: names, state: map[string]harvest.Progress{}, width: 100}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b.tty = true
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 20 {
			b.width = cols
		}
	}
	return b
}

// update takes a progress report from the harvester.
func (b *progressBoard) update(p harvest.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.state[p.Source] = p
	if !b.tty {
		if p.Phase == harvest.PhaseDone && p.Run != nil {
			fmt.Fprintln(b.w, harvest.Summary(p.Run))
		}
		return
	}
	if p.Phase != harvest.PhaseDone && time.Since(b.drawAt) < 100*time.Millisecond {
		return
	}
	b.draw()
}

// finish prints the outcome of runs that never reported (they could not
// start) and leaves the board in its final state.
func (b *progressBoard) finish(runs []*catalog.HarvestRun) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range runs {
		if _, seen := b.state[r.Source]; !seen || b.state[r.Source].Phase != harvest.PhaseDone {
			b.state[r.Source] = harvest.Progress{Source: r.Source, Phase: harvest.PhaseDone, Run: r}
			if !b.tty {
				fmt.Fprintln(b.w, harvest.Summary(r))
			}
		}
	}
	if b.tty {
		b.draw()
	}
}

func (b *progressBoard) draw() {
	var sb strings.Builder
	if b.drawn > 0 {
		fmt.Fprintf(&sb, "\x1b[%dA", b.drawn) // back to the first line
	}
	for _, name := range b.names {
		sb.WriteString("\x1b[2K") // clear the line
		sb.WriteString(b.line(name))
		sb.WriteByte('\n')
	}
	b.drawn = len(b.names)
	b.drawAt = time.Now()
	io.WriteString(b.w, sb.String())
}

func (b *progressBoard) line(name string) string {
	p, ok := b.state[name]
	var s string
	switch {
	case !ok:
		s = fmt.Sprintf("%-22s waiting", name)
	case p.Phase == harvest.PhaseDone && p.Run != nil:
		s = harvest.Summary(p.Run)
	default:
		s = fmt.Sprintf("%-22s %-6s %s  %d pages  %d datasets  %d variables", name, p.Phase, bar(p.Phase), p.Pages, p.Datasets, p.Variables)
		s += "  " + byteCount(p.Bytes)
	}
	if len(s) > b.width-1 {
		s = s[:b.width-1]
	}
	return s
}

// bar draws how far through its phases a run is.
func bar(p harvest.Phase) string {
	n := map[harvest.Phase]int{harvest.PhaseFetch: 1, harvest.PhaseStore: 2, harvest.PhaseIndex: 3, harvest.PhaseDone: 4}[p]
	return "[" + strings.Repeat("#", n*3) + strings.Repeat(".", 12-n*3) + "]"
}

func byteCount(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
