package main

import (
	"bytes"
	"strings"
	"testing"

	"haven/generator"
)

// The bar fills over the steps a build takes: a build of one edition does
// not leave the other's share of the bar empty, and does not jump over it.
func TestProgressOneEdition(t *testing.T) {
	t.Setenv("HAVEN_TERMINAL", "1")
	t.Setenv("HAVEN_PROGRESS_AFTER", "0s")
	// fill is how many of the bar's 24 cells are full once step has
	// done done of total.
	fill := func(p *progress, w *bytes.Buffer, step string, done, total int) int {
		w.Reset()
		p.last = p.last.AddDate(-1, 0, 0) // no redraw is too soon
		p.update(generator.Progress{Step: step, Done: done, Total: total})
		bar := w.String()
		i, j := strings.LastIndex(bar, "["), strings.LastIndex(bar, "]")
		if i < 0 || j < i {
			t.Fatalf("no bar in %q", bar)
		}
		return strings.Count(bar[i:j], "#")
	}
	for _, edition := range []string{"facilitator", "participant", ""} {
		var w bytes.Buffer
		p := newProgress(&w, edition)
		last := 0
		for _, s := range steps {
			if _, ed, per := strings.Cut(s.name, " "); per && edition != "" && ed != edition {
				continue
			}
			for _, k := range []int{0, 50, 100} {
				n := fill(p, &w, s.name, k, 100)
				if n < last || n > last+8 {
					t.Errorf("edition %q, %s at %d%%: the bar went from %d to %d cells", edition, s.name, k, last, n)
				}
				last = n
			}
		}
		if last != 24 {
			t.Errorf("edition %q: the bar ends %d of 24 cells full", edition, last)
		}
	}
}
