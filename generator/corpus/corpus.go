// Package corpus writes large, realistic programmes for benchmarks and
// load tests: modules of sessions with timed activities, callouts, lists,
// tables and links, deterministic for a given size and seed.
package corpus

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

var words = strings.Fields(`group safety agreement parent carer facilitator reflect listen share support
trust confidential space session module feeling together breathe notice pause check welcome close round
pairs circle story strength boundary wellbeing worker staff practice supervision team change resource
handout journal kindness voice respect rhythm calm ground breath hope courage connect belonging learn
explore discuss question answer body mind emotion trigger care peer lived experience community`)

type gen struct{ r *rand.Rand }

func (g gen) word() string { return words[g.r.IntN(len(words))] }

func (g gen) sentence(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = g.word()
	}
	s := strings.Join(w, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func (g gen) paragraph() string {
	var s []string
	for range 3 + g.r.IntN(3) {
		s = append(s, g.sentence(8+g.r.IntN(10)))
	}
	return strings.Join(s, " ")
}

// Write writes a programme of n sessions into dir (content/ and
// haven.yaml), in about √n modules.
func Write(dir string, n int, seed uint64) error {
	g := gen{rand.New(rand.NewPCG(seed, 1))}
	modules := int(math.Ceil(math.Sqrt(float64(n))))
	per := (n + modules - 1) / modules
	files := map[string]string{
		"haven.yaml":       "title: Benchmark programme\nlanguage: en-GB\n",
		"content/index.md": "---\ntitle: Benchmark programme\nsummary: " + g.sentence(10) + "\n---\n\n" + g.paragraph() + "\n",
	}
	written := 0
	for m := 1; m <= modules && written < n; m++ {
		dirName := fmt.Sprintf("content/%03d-module-%d", m, m)
		files[dirName+"/index.md"] = fmt.Sprintf("---\ntitle: Module %d %s\nsummary: %s\n---\n\n%s\n", m, g.word(), g.sentence(8), g.paragraph())
		for s := 1; s <= per && written < n; s++ {
			written++
			files[fmt.Sprintf("%s/%03d-session-%d-%d.md", dirName, s, m, s)] = g.session(m, s)
		}
	}
	return writeFiles(dir, files)
}

// Session returns the text of session s of module m as Write writes it
// for seed, frontmatter included: one page's worth of input for the
// benchmarks of a single stage.
func Session(m, s int, seed uint64) string {
	g := gen{rand.New(rand.NewPCG(seed, uint64(m)<<32|uint64(s)))}
	return g.session(m, s)
}

func (g gen) session(m, s int) string {
	acts := 5 + g.r.IntN(4)
	durs := make([]int, acts)
	total := 0
	for i := range durs {
		durs[i] = 5 * (1 + g.r.IntN(6))
		total += durs[i]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Session %d.%d %s %s\nsummary: %s\nduration: %dm\ndelivery: [group, online]\ngroup_size: 4-8\nfacilitators: 2\naudience: parents\nmaterials: [Flipchart and pens, Printed handout, Timer]\ntags: [%s, %s]\n---\n\n%s\n",
		m, s, g.word(), g.word(), g.sentence(12), total, g.word(), g.word(), g.paragraph())
	for i, d := range durs {
		fmt.Fprintf(&b, "\n## Activity %d: %s %s {duration=%dm}\n\n%s\n", i+1, g.word(), g.word(), d, g.paragraph())
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "\n- %s\n- %s\n- %s\n", g.sentence(6), g.sentence(7), g.sentence(5))
		case 1:
			fmt.Fprintf(&b, "\n::: facilitator\n%s\n:::\n", g.paragraph())
		case 2:
			fmt.Fprintf(&b, "\n| Step | What happens |\n|---|---|\n| 1 | %s |\n| 2 | %s |\n", g.sentence(6), g.sentence(6))
		case 3:
			fmt.Fprintf(&b, "\n::: say\n%s\n:::\n", g.sentence(14))
		}
	}
	return b.String()
}

// WriteHugo writes the same programme as Write as a Hugo site in dir, with
// a minimal theme that does what haven's pages do at the least: a sidebar
// of sections (the current one open), breadcrumbs, previous and next, and a
// table of contents. It is the peer in haven's benchmark.
func WriteHugo(dir string, n int, seed uint64) error {
	src, err := os.MkdirTemp("", "haven-corpus-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(src)
	if err := Write(src, n, seed); err != nil {
		return err
	}
	root := filepath.Join(src, "content")
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if filepath.Base(rel) == "index.md" {
			rel = filepath.Join(filepath.Dir(rel), "_index.md")
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dir, "content", rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644)
	})
	if err != nil {
		return err
	}
	layout := `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{{ .Title }}</title><link rel="stylesheet" href="{{ "site.css" | relURL }}"></head><body>
<nav><ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ if eq . $.CurrentSection }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}</li>{{ end }}</ul></nav>
<nav>{{ range .Ancestors.Reverse }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> › {{ end }}</nav>
<main><h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}</main>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }} {{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</body></html>
`
	files := map[string]string{
		"config.toml": "title = 'Benchmark programme'\nrelativeURLs = true\nuglyURLs = true\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap', 'robotsTXT', '404']\n" +
			"[markup.goldmark.parser.attribute]\ntitle = true\n",
		"layouts/_default/single.html": layout,
		"layouts/_default/list.html":   layout,
		"layouts/index.html":           layout,
		"static/site.css":              "body{font-family:system-ui;max-width:70ch;margin:auto}\n",
	}
	return writeFiles(dir, files)
}

// writeFiles writes files (slash paths relative to dir, and their text).
func writeFiles(dir string, files map[string]string) error {
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}
