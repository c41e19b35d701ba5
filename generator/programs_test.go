package generator_test

import (
	"context"
	"testing"

	"haven/generator"
	"haven/generator/corpus"
	"haven/generator/theme"
)

// TestProgramsWriteWhatHTMLTemplateWrites builds sites twice, with the
// theme's layouts run by its Programs (generator/tmpl) and by
// html/template alone, and requires the same bytes in every file, packs
// included: over the sample programme, a generated one, and a project
// whose layouts use what the Programs leave to html/template. It also
// requires that the Programs did run the pages, not hand them all over.
func TestProgramsWriteWhatHTMLTemplateWrites(t *testing.T) {
	generated := t.TempDir()
	if err := corpus.Write(generated, 90, 3); err != nil {
		t.Fatal(err)
	}
	custom := newProject(t, with(relBase, map[string]string{
		// printf and an unquoted attribute: html/template's to run.
		"layouts/session.html": `{{define "main"}}<article class={{.Kind}}><h1>{{printf "%s!" .Title}}</h1>{{.Content}}</article>{{end}}`,
		// What the Programs run: ranges with variables, comparisons,
		// methods of the page, HTML in an RCDATA element.
		"layouts/page.html": `{{define "main"}}<article>{{$n := len .TOC}}<h1 title="{{.Title}}">{{.Page.Title}}</h1>` +
			`{{range $i, $e := .TOC}}{{if and (gt $n 1) (ne $i 0)}}, {{end}}<a href="#{{$e.ID}}">{{$e.Text}}</a>{{end}}` +
			`<textarea>{{.Content}}</textarea>{{.Content}}</article>{{end}}`,
	}))
	sites := []struct {
		name, dir string
		// fallback names the layouts html/template runs.
		fallback map[string]bool
	}{
		{"sample", "..", nil},
		{"generated", generated, nil},
		{"custom layouts", custom, map[string]bool{"session": true}},
	}
	for _, site := range sites {
		for _, minify := range []bool{true, false} {
			name := site.name
			if !minify {
				name += " unminified"
			}
			t.Run(name, func(t *testing.T) {
				fastOut, slowOut := t.TempDir(), t.TempDir()
				var th *theme.Theme
				opts := generator.Options{Dir: site.dir, Out: fastOut, Minify: minify}
				fast, err := generator.Build(context.Background(), generator.WithTheme(opts, func(x *theme.Theme) { th = x }))
				if err != nil || !fast.OK() {
					t.Fatalf("build: %v %v", err, fast.Diagnostics)
				}
				opts.Out = slowOut
				if _, err := generator.Build(context.Background(), generator.WithHTMLTemplate(opts)); err != nil {
					t.Fatal(err)
				}
				sameFiles(t, "built with the Programs, and by html/template alone", readTree(t, fastOut), readTree(t, slowOut))
				for _, kind := range theme.Layouts {
					p, _ := th.Program(kind)
					f, s, gaveUp := p.Counts()
					why := p.Unsupported("base")
					switch {
					case site.fallback[kind]:
						if f != 0 || why == "" {
							t.Errorf("%s: %d fast runs of a layout html/template should run", kind, f)
						}
					case why != "":
						t.Errorf("%s: left to html/template: %s", kind, why)
					case gaveUp > 0 || s > 0:
						// The renderer warms each layout's entries
						// (base, sidebar, print-article) before the
						// first page: none runs through html/template.
						t.Errorf("%s: %d runs by html/template (%d given up), %d fast", kind, s, gaveUp, f)
					}
				}
			})
		}
	}
}
