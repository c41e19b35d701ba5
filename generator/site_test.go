package generator_test

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"haven/generator"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestSites builds each whole-site fixture in testdata/sites/NAME.txtar
// (haven.yaml, content/, layouts/...) without minifying, and compares the
// diagnostics and every written file except the theme's own assets with
// NAME.golden. `go test ./generator -update` rewrites the golden files;
// review their diff like code.
func TestSites(t *testing.T) {
	fixtures, err := filepath.Glob("testdata/sites/*.txtar")
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, fixture := range fixtures {
		name := strings.TrimSuffix(filepath.Base(fixture), ".txtar")
		t.Run(name, func(t *testing.T) {
			dir := writeFixture(t, fixture)
			got := buildGolden(t, dir)
			// A fixture says in its comment whether its build fails; a
			// golden file must never quietly record a build that broke.
			ar, _ := txtar.ParseFile(fixture)
			wantFail := strings.Contains(string(ar.Comment), "\nbuild: fails") || strings.HasPrefix(string(ar.Comment), "build: fails")
			if failed := !bytes.Contains(got, []byte("\n-- .haven-manifest --\n")); failed != wantFail {
				t.Fatalf("the build failed: %v, but the fixture says it fails: %v (add or remove the line \"build: fails\" in its comment)\n%s", failed, wantFail, firstLines(got, 12))
			}
			golden := strings.TrimSuffix(fixture, ".txtar") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./generator -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test ./generator -update and review the diff):\n%s", golden, firstDiff(want, got))
			}
		})
	}
}

// writeFixture unpacks a txtar fixture into a temporary project folder.
func writeFixture(t *testing.T, fixture string) string {
	t.Helper()
	ar, err := txtar.ParseFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		data := f.Data
		// Fixtures spell a BOM and CR as escapes so that they survive editors.
		data = bytes.ReplaceAll(data, []byte(`\uFEFF`), []byte("\uFEFF"))
		data = bytes.ReplaceAll(data, []byte(`\r`), []byte("\r"))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// buildGolden builds dir and returns the diagnostics and output as a txtar
// archive.
func buildGolden(t *testing.T, dir string) []byte {
	t.Helper()
	out := filepath.Join(dir, "public")
	res, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: out})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	ar := &txtar.Archive{}
	var diags bytes.Buffer
	for _, d := range res.Diagnostics {
		diags.WriteString(d.String() + "\n")
	}
	ar.Files = append(ar.Files, txtar.File{Name: "diagnostics", Data: diags.Bytes()})
	if res.OK() {
		var paths []string
		filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(out, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() || strings.Contains(rel, "/assets/") {
				return nil
			}
			paths = append(paths, rel)
			return nil
		})
		slices.Sort(paths)
		for _, rel := range paths {
			data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(rel, ".zip") {
				data = zipListing(t, data)
			}
			ar.Files = append(ar.Files, txtar.File{Name: rel, Data: data})
		}
	} else if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed build wrote %s", out)
	}
	return txtar.Format(ar)
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// zipListing lists a pack's entries, for golden files: its bytes change
// whenever the theme's assets do, and are checked elsewhere.
func zipListing(t *testing.T, data []byte) []byte {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, f := range r.File {
		b.WriteString(f.Name + "\n")
	}
	return b.Bytes()
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got []byte) string {
	wl := strings.Split(string(want), "\n")
	gl := strings.Split(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + w + "\n  got: " + g
		}
	}
	return "(same lines, different bytes)"
}
