package generator_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haven/generator"
)

// FuzzPage runs the whole page pipeline (frontmatter, Markdown, links, the
// model, rendering both editions, print pages, the search index, the pack)
// on one text, written as the programme's home, a session or a group
// agreement.
// A build must never panic and must finish quickly; whatever it publishes
// must hold no inline script, no on*= handler, no style= attribute, no
// live javascript:, vbscript: or data: URL and nothing that loads from
// outside (scanHTML, shared with the reliability tests), and every problem
// it reports must name a file.
//
//	go test ./generator -run '^$' -fuzz FuzzPage -fuzztime 60s -fuzzminimizetime 2s
//
// (Each input is a whole build, so minimising every new input for the
// default 60 s leaves a short run almost no time to fuzz.)
func FuzzPage(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: Home\n---\nWelcome.\n",
		"---\ntitle: S\nduration: 30m\n---\n## A {duration=10m}\n\n## B {duration=20m}\n",
		"+++\ntitle = \"T\"\n+++\n# x\n",
		"\uFEFF---\r\ntitle: BOM\r\n---\r\nBody\r\n",
		"---\ntitle: no\n---\n---\n",
		"---\ntitle: Unclosed\n",
		"---\ntitle: '\"><img src=x onerror=alert(1)> {{.}}'\nsummary: <script>alert(1)</script>\n---\n",
		"---\ntitle: T\n---\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n",
		"---\ntitle: T\n---\n[a](javascript:alert(1)) [b](&#106;avascript:x) [c](JaVaScRiPt&colon;x) <javascript:x>\n",
		"---\ntitle: T\n---\n[r]\n\n[r]: <\x01javascript:alert(1)>\n",
		"---\ntitle: T\n---\n## H {style=\"x\" onclick=\"y\" #id .c}\n",
		"---\ntitle: T\n---\n::: facilitator\nSecret [x](#h)\n:::\n\n::: say\n> quote\n:::\n",
		"---\ntitle: T\n---\nGroup name: ___\n\n- [x] Item\n- [ ] Other\n- ___\n",
		"---\ntitle: T\n---\n| a | b |\n|:--|--:|\n| `<b>` | ![i](x.png) |\n",
		"---\ntitle: T\n---\nx[^1]\n\n[^1]: ![i](https://example.org/x.png)\n",
		"---\ntitle: T\nmaterials: [a, b]\ntags: [x]\nstart: \"18:30\"\n---\n## A {duration=1h}\n",
		"---\ntitle: T\n---\n[x](<a b.md>) [y](../../etc/passwd) [z](/abs) [w](//host/x) [q](a.md?x=1)\n",
		"---\ntitle: T\n---\nTerm\n: Definition\n\n~~del~~ www.example.org\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, page string) {
		// The text as the programme's home, as a session of a module, or,
		// when it has a task list, as a group agreement (one build per
		// input, chosen by its bytes, so that the fuzzer reaches all
		// three), in a programme with files its links may name.
		fixed := map[string]string{
			"content/handouts/x.md":   "---\ntitle: X\n---\n## H\n",
			"content/handouts/a b.md": "---\ntitle: Spaces\n---\n",
			"content/images/x.png":    "not really a png",
			"content/x.png":           "not really a png",
		}
		sum := 0
		for i := 0; i < len(page); i++ {
			sum += int(page[i])
		}
		switch {
		case sum%3 == 2 && strings.Contains(page, "- ["):
			buildPage(t, with(fixed, map[string]string{
				"content/index.md":         "---\ntitle: Home\n---\n",
				"content/agreements/a.md":  page,
				"content/agreements/x.png": "not really a png",
			}))
		case sum%3 == 1:
			buildPage(t, with(fixed, map[string]string{
				"content/index.md":      "---\ntitle: Home\n---\n",
				"content/01-m/index.md": "---\ntitle: Module\n---\n",
				"content/01-m/01-s.md":  page,
				"content/01-m/x.png":    "not really a png",
			}))
		default:
			buildPage(t, with(fixed, map[string]string{"content/index.md": page}))
		}
	})
}

// buildPage builds a programme for FuzzPage and checks what it publishes.
func buildPage(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "public")
	start := time.Now()
	res, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: out})
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the build took %v", took)
	}
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	for _, d := range res.Diagnostics {
		if d.Pos.File == "" {
			t.Errorf("a problem without a file: %s", d)
		}
		// A panic, caught and named, is still a bug.
		if strings.Contains(d.Message, "haven failed while reading") || strings.Contains(d.Message, "internal error while rendering") {
			t.Errorf("a panic: %s", d)
		}
	}
	if !res.OK() {
		if os.Getenv("HAVEN_DEBUG") != "" {
			t.Logf("not built: %v", diagLines(res))
		}
		return
	}
	for name, data := range readTree(t, out) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, p := range scanHTML(name, data, []string{"*"}) {
			t.Errorf("%s", p)
		}
	}
}
