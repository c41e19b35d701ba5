// Package theme loads the templates and static files a site is rendered
// with: the embedded default theme, overlaid file by file by the project's
// own layouts/ and static/ folders.
//
// The lookup order, the one rule to remember: for a template
// layouts/NAME.html or a static file static/PATH, the project's file wins
// if it exists, otherwise the default theme's is used. Templates whose names
// start with "_" (_base.html, _partials.html) are shared by every page;
// each other template renders one kind of page (home, module, session,
// agreement, page, section) by defining "main".
package theme

import (
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"haven/generator/diag"
	"haven/generator/source"
	"haven/generator/tmpl"
)

// Layouts are the page templates every theme must provide.
var Layouts = []string{"home", "module", "section", "session", "agreement", "page", "editions", "print"}

// File is a static file of the theme, to be copied into the site.
type File struct {
	// Path is relative to static/ and to the site root.
	Path string
	Data []byte
	// Origin says where it came from, for diagnostics ("static/x.css" in
	// the project, or "theme:static/x.css").
	Origin string
}

// Theme is a loaded theme. It is read-only after Load and safe for
// concurrent use.
type Theme struct {
	layouts map[string]*template.Template
	// minified holds the layouts parsed from minified sources (see Load),
	// when there are any.
	minified map[string]*template.Template
	// programs run the layouts Layout gives (see tmpl).
	programs map[string]*tmpl.Program
	// Static files in path order.
	Static []File
}

// Load reads the default theme from fsys (rooted at the theme folder, with
// layouts/ and static/ inside) and overlays the project's files. funcs are
// the template functions the renderer provides.
//
// minify, when set, minifies a template's source (knowing its {{actions}}):
// the layouts are then parsed a second time from minified sources, so that
// pages come out of them minified but for what the page itself brings in,
// and need not go through the minifier whole. Problems are reported at
// the lines of the sources as written, from the first parse.
func Load(fsys fs.FS, layouts, static []source.File, funcs template.FuncMap, minify func(name string, src []byte) ([]byte, error), diags *diag.List) (*Theme, error) {
	files := map[string]src{}
	err := fs.WalkDir(fsys, "layouts", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files[strings.TrimPrefix(p, "layouts/")] = src{"theme:" + p, string(data)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the default theme: %w", err)
	}
	for _, f := range layouts {
		if path.Ext(f.Path) != ".html" {
			diags.Add(diag.Diagnostic{Pos: diag.Position{File: source.LayoutsDir + "/" + f.Path}, Severity: diag.Warning,
				Message: "not a template (templates end in .html), so it is not used"})
			continue
		}
		files[f.Path] = src{source.LayoutsDir + "/" + f.Path, string(f.Data)}
	}

	t := &Theme{}
	if t.layouts, err = parseLayouts(files, funcs, diags); err != nil {
		return nil, err
	}
	if minify != nil && len(t.layouts) == len(Layouts) {
		// The same sources minified. Should the minifier fail on one,
		// or change it into something that no longer parses, the
		// layouts as written serve.
		small := map[string]src{}
		for name, f := range files {
			m, err := minify(name, []byte(f.text))
			if err != nil {
				small = nil
				break
			}
			small[name] = src{f.origin, string(m)}
		}
		if small != nil {
			if m, err := parseLayouts(small, funcs, &diag.List{}); err == nil && len(m) == len(Layouts) {
				t.minified = m
			}
		}
	}

	t.programs = map[string]*tmpl.Program{}
	for kind := range t.layouts {
		set, _ := t.Layout(kind)
		t.programs[kind] = tmpl.New(set, funcs)
	}

	staticFiles := map[string]File{}
	err = fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "static/")
		staticFiles[rel] = File{Path: rel, Data: data, Origin: "theme:" + p}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the default theme: %w", err)
	}
	for _, f := range static {
		staticFiles[f.Path] = File{Path: f.Path, Data: f.Data, Origin: source.StaticDir + "/" + f.Path}
	}
	for _, p := range slices.Sorted(maps.Keys(staticFiles)) {
		t.Static = append(t.Static, staticFiles[p])
	}
	return t, nil
}

// src is a template's source and where it came from.
type src struct{ origin, text string }

// parseLayouts parses every layout with the shared templates (the files
// whose names start with "_"), reporting problems; a layout with problems
// is left out.
func parseLayouts(files map[string]src, funcs template.FuncMap, diags *diag.List) (map[string]*template.Template, error) {
	shared := template.New("").Funcs(funcs)
	ok := true
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if !strings.HasPrefix(name, "_") {
			continue
		}
		f := files[name]
		if _, err := shared.New(f.origin).Parse(f.text); err != nil {
			templateError(diags, f.origin, err)
			ok = false
		}
	}
	layouts := map[string]*template.Template{}
	for _, kind := range Layouts {
		f, found := files[kind+".html"]
		if !found {
			diags.Errorf(diag.Position{File: source.LayoutsDir + "/" + kind + ".html"}, "the theme has no %s.html template", kind)
			ok = false
			continue
		}
		if !ok {
			continue
		}
		clone, err := shared.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.New(f.origin).Parse(f.text); err != nil {
			templateError(diags, f.origin, err)
			continue
		}
		if clone.Lookup("base") == nil {
			diags.Errorf(diag.Position{File: f.origin}, `no template defines "base" (the default theme's _base.html does)`)
			continue
		}
		layouts[kind] = clone
	}
	return layouts, nil
}

var templateLine = regexp.MustCompile(`^template: [^:]*:(\d+):(?:(\d+):)? ?`)

// templateError reports a template parse error at its line.
func templateError(diags *diag.List, origin string, err error) {
	msg := err.Error()
	pos := diag.Position{File: origin}
	if m := templateLine.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			pos.Col, _ = strconv.Atoi(m[2])
		}
		msg = msg[len(m[0]):]
	}
	diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error, Message: "template error: " + msg})
}

// Layout returns the template set for a kind of page; execute its "base".
// It is the minified set when there is one (see Minified).
func (t *Theme) Layout(kind string) (*template.Template, bool) {
	if tmpl, ok := t.minified[kind]; ok {
		return tmpl, ok
	}
	tmpl, ok := t.layouts[kind]
	return tmpl, ok
}

// Program runs the template set Layout gives for a kind of page, as
// html/template would but faster (see tmpl).
func (t *Theme) Program(kind string) (*tmpl.Program, bool) {
	p, ok := t.programs[kind]
	return p, ok
}

// Plain returns the template set for a kind of page as written: its
// errors name the lines an author sees.
func (t *Theme) Plain(kind string) (*template.Template, bool) {
	tmpl, ok := t.layouts[kind]
	return tmpl, ok
}

// Minified reports whether Layout gives templates parsed from minified
// sources.
func (t *Theme) Minified() bool { return t.minified != nil }
