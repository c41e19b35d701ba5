package generator_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haven/generator"
)

// TestPackHomeAsTheSitesHome: a home page the minifier cannot read (from a
// layout with a broken script) is copied as it is, with a warning, into
// the site and into the offline pack alike: the pack's home is minified
// as the site's pages are, not once more on its own, so it cannot fail
// where they do not. The build publishes.
func TestPackHomeAsTheSitesHome(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("..", "themes", "default", "layouts", "_base.html"))
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(base), "</head>", "<script>if (</script>\n</head>", 1)
	if broken == string(base) {
		t.Fatal("no </head> in the default layout")
	}
	dir := newProject(t, with(relBase, map[string]string{"layouts/_base.html": broken}))
	out := filepath.Join(t.TempDir(), "public")
	res, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: out, Minify: true})
	if err != nil || !res.OK() {
		t.Fatalf("Build = %v, %v", err, diagLines(res))
	}
	warned := false
	for _, d := range diagLines(res) {
		if strings.HasPrefix(d, "content/index.md: warning: could not minify index.html") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning for the home page: %v", diagLines(res))
	}
	site := []byte(readOut(t, out, "facilitator/index.html"))
	home := packEntry(t, filepath.Join(out, "facilitator", "reliability-facilitator.zip"), "reliability-facilitator/index.html")
	for name, page := range map[string][]byte{"site": site, "pack": home} {
		if !bytes.Contains(page, []byte("<script>if (</script>\n</head>")) {
			t.Errorf("the %s's home page is not the page as written:\n%.300s", name, page)
		}
	}
	if bytes.Contains(home, []byte(".zip")) {
		t.Error("the pack's home page links to the pack")
	}
}

// TestPackHomeIsTheSitesHome: the pack's home page is the site's home
// page, its Markdown and all, without the paragraph that links to the
// pack.
func TestPackHomeIsTheSitesHome(t *testing.T) {
	dir := newProject(t, map[string]string{
		"haven.yaml":                 "title: Home test\n",
		"content/index.md":           "---\ntitle: Home\n---\nThe programme's *own* welcome.\n",
		"content/01-m/index.md":      "---\ntitle: M\n---\nThe module.\n",
		"content/01-m/01-session.md": "---\ntitle: S\nduration: 10\n---\nHello.\n",
	})
	for _, minify := range []bool{true, false} {
		out := filepath.Join(t.TempDir(), "public")
		res, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: out, Minify: minify, Edition: "facilitator"})
		if err != nil || !res.OK() {
			t.Fatalf("Build = %v, %v", err, diagLines(res))
		}
		site := []byte(readOut(t, out, "facilitator/index.html"))
		home := packEntry(t, filepath.Join(out, "facilitator", "home-test-facilitator.zip"), "home-test-facilitator/index.html")
		start := bytes.Index(site, []byte(`<p class="pack-link">`))
		end := bytes.Index(site[max(start, 0):], []byte("</p>"))
		if start < 0 || end < 0 {
			t.Fatalf("minify %v: no link to the pack on the site's home page:\n%s", minify, site)
		}
		without := append(append([]byte{}, site[:start]...), site[start+end+len("</p>"):]...)
		if !bytes.Equal(home, without) {
			t.Errorf("minify %v: the pack's home page is not the site's without the link to the pack:\npack %s\nsite %s", minify, home, without)
		}
		if !bytes.Contains(home, []byte("<em>own</em> welcome")) {
			t.Errorf("minify %v: the pack's home page lacks the home's Markdown:\n%s", minify, home)
		}
	}
}

// packEntry returns the file name in the pack at zipPath.
func packEntry(t *testing.T, zipPath, name string) []byte {
	t.Helper()
	z, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	f, err := z.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
