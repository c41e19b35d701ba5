package generator

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"haven/generator/diag"
	"haven/generator/markdown"
	"haven/generator/meta"
	"haven/generator/programme"
	"haven/generator/publish"
	"haven/generator/render"
	"haven/generator/source"
	"haven/generator/theme"
	"haven/themes"
)

// TestPrintPagesShareRuns: a module whose pages link only among themselves
// and away from the site names its articles, on its print page and on the
// programme's, as one run of the same bytes, which the pack then
// compresses once; a module with a link to a page outside it (a link moved
// on its own print page) names none. Nothing else would tell: a pack that
// compressed the run twice would only be slower.
func TestPrintPagesShareRuns(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"content/index.md":        "---\ntitle: Home\n---\nWelcome.\n",
		"content/01-one/index.md": "---\ntitle: One\n---\nStart with [the first](01-a.md).\n",
		"content/01-one/01-a.md":  "---\ntitle: A\n---\n## Begin {duration=10m}\n\nSee [B](02-b.md#end) and [the web](https://example.org/).\n",
		"content/01-one/02-b.md":  "---\ntitle: B\n---\n## End {duration=5m}\n\nBack to [A](01-a.md).\n",
		"content/02-two/index.md": "---\ntitle: Two\n---\nAfter [one](../01-one/index.md).\n",
		"content/02-two/01-c.md":  "---\ntitle: C\n---\n## Again {duration=10m}\n\nAs in [A](../01-one/01-a.md).\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outs := emitFacilitator(t, dir)
	whole := outs[render.PrintFile]
	if len(whole.Runs) != 1 {
		t.Fatalf("the programme's print page names %d runs, want 1 (module one's): %+v", len(whole.Runs), whole.Runs)
	}
	run := whole.Runs[0]
	one, two := outs["one/print.html"], outs["two/print.html"]
	if run.Name != "one/print.html" || len(one.Runs) != 1 || one.Runs[0].Name != run.Name {
		t.Fatalf("the programme's print page names the run %q; module one's print page names %+v", run.Name, one.Runs)
	}
	mine := one.Runs[0]
	if mine.From != 1 || mine.To != len(one.Parts)-1 || run.To-run.From != mine.To-mine.From {
		t.Errorf("module one's run is parts [%d, %d) of %d, the programme's [%d, %d): want every article of the module", mine.From, mine.To, len(one.Parts), run.From, run.To)
	}
	if !bytes.Equal(bytes.Join(whole.Parts[run.From:run.To], nil), bytes.Join(one.Parts[mine.From:mine.To], nil)) {
		t.Errorf("the run differs between the two print pages")
	}
	if two.Parts == nil || len(two.Runs) != 0 {
		t.Errorf("module two's print page: %d parts, runs %+v; want parts and no run", len(two.Parts), two.Runs)
	}
}

// emitFacilitator renders the facilitator edition of the programme in
// dir, minified, as a build that writes files as they come does, and
// returns the files as Emit was given them, by path.
func emitFacilitator(t *testing.T, dir string) map[string]render.Output {
	t.Helper()
	var diags diag.List
	proj, err := source.Load(dir, source.Options{Skip: skipOutput(dir, filepath.Join(dir, "public"))}, &diags)
	if err != nil {
		t.Fatal(err)
	}
	cfg := meta.DecodeConfig(proj.ConfigName, proj.Config, &diags)
	themeFS, err := fs.Sub(themes.Default, "default")
	if err != nil {
		t.Fatal(err)
	}
	words := theme.LoadWords(themeFS, proj.I18n, cfg.Language, &diags)
	text := render.Text{W: words}
	md := markdown.New(markdown.Options{ActivityLabel: text.ActivityLabel, CalloutLabels: text.CalloutLabels(),
		Words: func(k string) string { return words.T(k) }})
	var parsed []programme.Parsed
	var assets []programme.Asset
	for _, f := range proj.Content {
		if f.IsMarkdown() {
			parsed = append(parsed, parsePage(md, f, &diags, Options{}))
		} else {
			assets = append(assets, programme.Asset{Source: f.Path, Data: f.Data})
		}
	}
	prog := programme.Build(cfg, parsed, assets, proj.Skipped, &diags)
	mf := publish.NewMinifier()
	th, err := theme.Load(themeFS, proj.Layouts, proj.Static, render.Funcs(words), mf.Template, &diags)
	if err != nil {
		t.Fatal(err)
	}
	fac, _ := render.Editions(words)
	var mu sync.Mutex
	outs := map[string]render.Output{}
	r := &render.Renderer{Prog: programme.Edition(prog, false), Theme: th, MD: md, Words: words, Edition: fac,
		Minify: mf.Minify, Pack: "pack.zip", Emit: func(o render.Output) {
			mu.Lock()
			outs[o.Path] = o
			mu.Unlock()
		}}
	r.Site(&diags)
	if diags.HasErrors() {
		t.Fatalf("%v", diags.Sorted())
	}
	return outs
}
