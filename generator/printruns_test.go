package generator

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
	writeFiles(t, dir, map[string]string{
		"content/index.md":        "---\ntitle: Home\n---\nWelcome.\n",
		"content/01-one/index.md": "---\ntitle: One\n---\nStart with [the first](01-a.md).\n",
		"content/01-one/01-a.md":  "---\ntitle: A\n---\n## Begin {duration=10m}\n\nSee [B](02-b.md#end) and [the web](https://example.org/).\n",
		"content/01-one/02-b.md":  "---\ntitle: B\n---\n## End {duration=5m}\n\nBack to [A](01-a.md).\n",
		"content/02-two/index.md": "---\ntitle: Two\n---\nAfter [one](../01-one/index.md).\n",
		"content/02-two/01-c.md":  "---\ntitle: C\n---\n## Again {duration=10m}\n\nAs in [A](../01-one/01-a.md).\n",
	})
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
	var mu sync.Mutex
	outs := map[string]render.Output{}
	r := facilitatorRenderer(t, dir)
	r.Emit = func(o render.Output) {
		o.Data = bytes.Clone(o.Data) // Emit's only until it returns
		mu.Lock()
		outs[o.Path] = o
		mu.Unlock()
	}
	var diags diag.List
	r.Site(&diags)
	if diags.HasErrors() {
		t.Fatalf("%v", diags.Sorted())
	}
	return outs
}

// TestPageBuffersReused: with Emit, each page is made in a buffer that a
// later page reuses once Emit has returned (a build of a thousand pages
// allocates a few buffers, not a thousand), and each page reaches Emit
// whole: the bytes a renderer without Emit returns.
func TestPageBuffersReused(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"content/index.md": "---\ntitle: Home\n---\nWelcome.\n"}
	for i := range 40 {
		files[fmt.Sprintf("content/01-one/%02d-s.md", i)] = fmt.Sprintf("---\ntitle: Session %d\n---\n## Part {duration=10m}\n\n%s\n", i, strings.Repeat("Words of the session. ", 1+i*20))
	}
	writeFiles(t, dir, files)

	plain := map[string][]byte{}
	var diags diag.List
	for _, o := range facilitatorRenderer(t, dir).Site(&diags) {
		plain[o.Path] = o.Data
	}
	var mu sync.Mutex
	starts := map[*byte]bool{}
	pages, reused := 0, 0
	r := facilitatorRenderer(t, dir)
	r.Emit = func(o render.Output) {
		if !strings.HasSuffix(o.Path, ".html") || o.Parts != nil || len(o.Data) == 0 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		pages++
		if starts[&o.Data[0]] {
			reused++
		}
		starts[&o.Data[0]] = true
		if want, ok := plain[o.Path]; !ok || !bytes.Equal(o.Data, want) {
			t.Errorf("%s reached Emit as %.60q..., want %.60q...", o.Path, o.Data, want)
		}
	}
	r.Site(&diags)
	if diags.HasErrors() {
		t.Fatalf("%v", diags.Sorted())
	}
	// Most; under the race detector, which makes sync.Pool drop what it
	// is given at random, some.
	if pages < 40 || reused == 0 || !raceDetector && reused < pages/2 {
		t.Errorf("%d of %d pages were made in a buffer an earlier page had used", reused, pages)
	}
}

// writeFiles writes files (by slash path, below dir) with their folders.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// facilitatorRenderer is a renderer of the facilitator edition of the
// programme in dir, minified, with its pack, as a plain build makes it.
func facilitatorRenderer(t *testing.T, dir string) *render.Renderer {
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
	if diags.HasErrors() {
		t.Fatalf("%v", diags.Sorted())
	}
	fac, _ := render.Editions(words)
	return &render.Renderer{Prog: programme.Edition(prog, false), Theme: th, MD: md, Words: words, Edition: fac,
		Minify: mf.Minify, Pack: "pack.zip"}
}
