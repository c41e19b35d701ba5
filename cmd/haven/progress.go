package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"haven/generator"
)

// isTerminal reports whether w is a terminal. HAVEN_TERMINAL=1 (or 0)
// overrides the check, for tests.
func isTerminal(w io.Writer) bool {
	switch os.Getenv("HAVEN_TERMINAL") {
	case "1":
		return true
	case "0":
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}

// useColour reports whether to colour output to w: only on a terminal, and
// never when NO_COLOR is set (https://no-color.org).
func useColour(w io.Writer) bool {
	return os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// progress shows a build's progress: a bar redrawn in place on a terminal,
// plain lines elsewhere (CI logs); nothing for builds that finish within a
// moment.
type progress struct {
	w     io.Writer
	term  bool
	after time.Duration
	start time.Time

	// steps are the steps this build takes (the editions it builds),
	// and total their weight.
	steps []step
	total float64

	mu    sync.Mutex
	drawn bool      // a bar is on screen
	shown string    // the last step named in plain mode
	last  time.Time // the last redraw
}

// newProgress shows the progress of a build of edition ("" for both)
// on w.
func newProgress(w io.Writer, edition string) *progress {
	after := time.Second
	if d, err := time.ParseDuration(os.Getenv("HAVEN_PROGRESS_AFTER")); err == nil {
		after = d // for tests
	}
	p := &progress{w: w, term: isTerminal(w), after: after, start: time.Now()}
	for _, s := range steps {
		if _, ed, perEdition := strings.Cut(s.name, " "); perEdition && edition != "" && ed != edition {
			continue // the other edition's
		}
		p.steps = append(p.steps, s)
		p.total += s.weight
	}
	return p
}

// step is a step of a build, weighed by its usual share of the time.
type step struct {
	name, label string
	weight      float64
}

// steps are a build's steps, both editions'.
var steps = []step{
	{"load", "reading the programme", 0.05},
	{"parse", "reading the pages", 0.10},
	{"model", "putting the programme together", 0.03},
	{"theme", "loading the theme", 0.02},
	{"render facilitator", "writing the facilitator edition", 0.29},
	{"search facilitator", "indexing the facilitator edition", 0.03},
	{"minify facilitator", "minifying the facilitator edition", 0.02},
	{"pack facilitator", "packing the facilitator edition", 0.05},
	{"render participant", "writing the participant edition", 0.29},
	{"search participant", "indexing the participant edition", 0.03},
	{"minify participant", "minifying the participant edition", 0.02},
	{"pack participant", "packing the participant edition", 0.05},
	{"publish", "saving the site", 0.02},
}

func (p *progress) update(gp generator.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.start) < p.after {
		return
	}
	done, label := 0.0, gp.Step
	for _, s := range p.steps {
		if s.name == gp.Step {
			label = s.label
			if gp.Total > 0 {
				done += s.weight * float64(gp.Done) / float64(gp.Total)
			}
			break
		}
		done += s.weight
	}
	done /= p.total
	if !p.term {
		if label != p.shown {
			fmt.Fprintf(p.w, "haven: %s\n", label)
			p.shown = label
		}
		return
	}
	if time.Since(p.last) < 50*time.Millisecond && gp.Done != gp.Total {
		return
	}
	p.last = time.Now()
	const width = 24
	n := min(width, int(done*width+0.5))
	count := ""
	if gp.Total > 0 {
		count = fmt.Sprintf(" %d/%d", gp.Done, gp.Total)
	}
	fmt.Fprintf(p.w, "\r\x1b[2K[%s%s] %s%s", strings.Repeat("#", n), strings.Repeat("-", width-n), label, count)
	p.drawn = true
}

// finish clears the bar, so the summary starts on a clean line.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[2K")
		p.drawn = false
	}
}
