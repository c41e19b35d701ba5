package generator_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haven/generator"
	"haven/generator/markdown"
)

// TestPromiseP9PanicsAndBudget: a panic while a page is read or rendered
// becomes an error naming the page, as does a page over its time budget;
// the build fails, the previous site stays byte for byte (P3) with nothing
// left beside it, and the project is untouched (P1). No input found makes
// a stage panic, so the faults are put in through the build's test seams:
// a panic before a page is read, and one in the label of an activity's
// time, which the Markdown renderer writes while rendering the page.
func TestPromiseP9PanicsAndBudget(t *testing.T) {
	const session = "content/01-m/01-s.md"
	cases := []struct {
		name string
		with func(generator.Options) generator.Options
		// want are the texts of the one error the build must report at
		// the session.
		want []string
	}{
		{"panic while reading", func(o generator.Options) generator.Options {
			return generator.WithParseHook(o, func(path string) {
				if path == "01-m/01-s.md" {
					panic("injected fault")
				}
			})
		}, []string{session, "haven failed while reading this page (injected fault)", "this is a bug in haven"}},
		{"panic while rendering", func(o generator.Options) generator.Options {
			return generator.WithActivityLabel(o, func(*markdown.ActivityTime) string { panic("injected fault") })
		}, []string{session, "internal error while rendering this page: injected fault"}},
		{"over the time budget", func(o generator.Options) generator.Options {
			return generator.WithPageBudget(o, time.Nanosecond)
		}, []string{session, "this page took", "the limit is 1ns", "split it into smaller pages"}},
	}
	for _, c := range cases {
		for _, edition := range []string{"", "participant"} {
			t.Run(c.name+" "+edition, func(t *testing.T) {
				dir := newProject(t, relBase)
				out := filepath.Join(dir, "public")
				goodBuild(t, dir, out)
				site, src := treeState(t, out), treeState(t, dir, out)
				res, err := generator.Build(context.Background(), c.with(generator.Options{Dir: dir, Out: out, Edition: edition, Minify: true}))
				if err != nil {
					t.Fatalf("build: %v", err)
				}
				if res.OK() {
					t.Fatalf("the build succeeded: %v", diagLines(res))
				}
				found := false
				for _, l := range diagLines(res) {
					ok := true
					for _, w := range c.want {
						ok = ok && strings.Contains(l, w)
					}
					found = found || ok
				}
				if !found {
					t.Errorf("no error at %s saying %q; diagnostics:\n\t%s", session, c.want[1:], strings.Join(diagLines(res), "\n\t"))
				}
				sameTree(t, "the previous site (P3)", site, treeState(t, out))
				sameTree(t, "the source tree (P1)", src, treeState(t, dir, out))
				if l := leftovers(t, out); len(l) > 0 {
					t.Errorf("left beside the output: %v", l)
				}
			})
		}
	}
}
