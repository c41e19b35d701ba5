package generator_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haven/generator"
)

// TestPrintArticleLayoutShowsContentAsWritten: a theme's print-article
// layout that shows an article's content twice, or once in an attribute
// as well, gets it so on the print pages, as with any layout; the
// content is put in its place only when the layout shows it once, in
// the element's text.
func TestPrintArticleLayoutShowsContentAsWritten(t *testing.T) {
	def, err := os.ReadFile(filepath.Join("..", "themes", "default", "layouts", "print.html"))
	if err != nil {
		t.Fatal(err)
	}
	base, _, ok := strings.Cut(string(def), `{{define "print-article"}}`)
	if !ok {
		t.Fatal("the default print layout has no print-article")
	}
	for name, article := range map[string]string{
		"twice":        `<article id="{{.Anchor}}">{{.Content}}<hr>{{.Content}}</article>`,
		"in attribute": `<article id="{{.Anchor}}" data-c="{{.Content}}">{{.Content}}</article>`,
		"not at all":   `<article id="{{.Anchor}}"></article>`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := layoutProject(t, "print.html", base+`{{define "print-article"}}`+article+"{{end}}\n")
			page := facilitatorPage(t, dir, "m/print.html")
			// As text, and in an attribute as text without its tags.
			want := strings.Count(article, "{{.Content}}")
			if got := strings.Count(string(page), "hello"); got != want {
				t.Errorf("the session's text shows %d times on the module's print page, want %d:\n%s", got, want, page)
			}
			if strings.Contains(string(page), "haven-article") {
				t.Errorf("the content's mark is left on the print page:\n%s", page)
			}
		})
	}
}

// TestPageLayoutShowsContentAsWritten: a page's layout that shows its
// content or its sidebar twice, in an attribute, or not at all gets them
// so, as with any layout; they are put in their places only when the
// layout shows each once as HTML.
func TestPageLayoutShowsContentAsWritten(t *testing.T) {
	for name, main := range map[string]string{
		"as usual":             `<article>{{.Content}}</article>`,
		"twice":                `<article>{{.Content}}<hr>{{.Content}}</article>`,
		"content in attribute": `<article data-c="{{.Content}}">{{.Content}}</article>`,
		"sidebar in attribute": `<article data-s="{{.Sidebar}}">{{.Content}}</article>`,
		"sidebar here too":     `<article>{{.Sidebar}}{{.Content}}</article>`,
		"content first":        `{{.Content}}`,
		"no content":           `<article></article>`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := layoutProject(t, "session.html", `{{define "main"}}`+main+"{{end}}\n")
			page := facilitatorPage(t, dir, "m/session.html")
			if got, want := strings.Count(string(page), "hello"), strings.Count(main, "{{.Content}}"); got != want {
				t.Errorf("the page's text shows %d times, want %d:\n%s", got, want, page)
			}
			// The breadcrumbs' last, and the sidebar's link to the page
			// itself as often as the sidebar shows as HTML (the
			// layout's base shows it once).
			wantCurrent := 2 + strings.Count(main, "{{.Sidebar}}") - strings.Count(main, `"{{.Sidebar}}"`)
			if got := strings.Count(string(page), `aria-current="page"`); got != wantCurrent {
				t.Errorf("%d marked as the page, want %d:\n%s", got, wantCurrent, page)
			}
			if strings.Contains(string(page), "haven-page") {
				t.Errorf("a mark is left on the page:\n%s", page)
			}
		})
	}
}

// facilitatorPage builds the project in dir, minified, facilitator edition
// alone, and returns the page at path in it.
func facilitatorPage(t *testing.T, dir, path string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	res, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: out, Minify: true, Edition: "facilitator"})
	if err != nil || !res.OK() {
		t.Fatalf("%v %v", err, res.Diagnostics)
	}
	page, err := os.ReadFile(filepath.Join(out, "facilitator", filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return page
}

// layoutProject writes a programme of a module with two sessions, one
// saying hello, and the layout file name of the theme overridden.
func layoutProject(t *testing.T, name, layout string) string {
	t.Helper()
	return newProject(t, map[string]string{
		"haven.yaml":                 "title: Layouts\n",
		"content/index.md":           "---\ntitle: Home\n---\nWelcome.\n",
		"content/01-m/index.md":      "---\ntitle: M\n---\nThe module.\n",
		"content/01-m/01-session.md": "---\ntitle: S\nduration: 10\n---\n## Open {duration=10m}\n\nSay *hello* & welcome.\n",
		"content/01-m/02-other.md":   "---\ntitle: T\nduration: 10\n---\n## Close {duration=10m}\n\nGoodbye.\n",
		"layouts/" + name:            layout,
	})
}

// TestSplicedPagesAsMadeWhole: the pages made around marks and written as
// they are made are the bytes the layouts make when the site is made whole
// in memory (a --force build, which takes the other path), minified and
// not, on the sample.
func TestSplicedPagesAsMadeWhole(t *testing.T) {
	dir := copySample(t)
	for _, minify := range []bool{true, false} {
		outs := [2]string{filepath.Join(t.TempDir(), "public"), filepath.Join(t.TempDir(), "public")}
		for i, force := range []bool{false, true} {
			res, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: outs[i], Minify: minify, Force: force})
			if err != nil || !res.OK() {
				t.Fatalf("force %v: %v %v", force, err, res.Diagnostics)
			}
		}
		for _, page := range []string{"facilitator/index.html", "facilitator/finding-our-feet/feeling-safe-together.html", "participant/finding-our-feet/index.html", "facilitator/print.html"} {
			if a, b := readOut(t, outs[0], page), readOut(t, outs[1], page); a != b {
				t.Errorf("minify %v: %s differs between the build written as made and the build made whole", minify, page)
			}
		}
	}
}
