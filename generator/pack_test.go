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
	site, err := os.ReadFile(filepath.Join(out, "facilitator", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.OpenReader(filepath.Join(out, "facilitator", "reliability-facilitator.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	f, err := z.Open("reliability-facilitator/index.html")
	if err != nil {
		t.Fatal(err)
	}
	home, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for name, page := range map[string][]byte{"site": site, "pack": home} {
		if !bytes.Contains(page, []byte("<script>if (</script>\n</head>")) {
			t.Errorf("the %s's home page is not the page as written:\n%.300s", name, page)
		}
	}
	if bytes.Contains(home, []byte(".zip")) {
		t.Error("the pack's home page links to the pack")
	}
}
