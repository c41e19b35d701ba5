package generator_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"haven/generator"
)

// buildSample builds the repository's sample programme into out.
func buildSample(t *testing.T, out string) *generator.Result {
	t.Helper()
	res, err := generator.Build(context.Background(), generator.Options{Dir: "..", Out: out, Minify: true})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	for _, d := range res.Diagnostics {
		t.Errorf("the sample programme should build cleanly: %s", d)
	}
	return res
}

// readTree returns every file below dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestSampleDeterministic builds the sample twice, with different core
// counts and time zones, and requires byte-identical output.
func TestSampleDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	buildSample(t, a)
	prev := runtime.GOMAXPROCS(1)
	t.Setenv("TZ", "Pacific/Auckland")
	buildSample(t, b)
	runtime.GOMAXPROCS(prev)

	fa, fb := readTree(t, a), readTree(t, b)
	if len(fa) != len(fb) {
		t.Fatalf("first build wrote %d files, second %d", len(fa), len(fb))
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two builds of the same input", name)
		}
	}
	if len(fa) < 20 {
		t.Errorf("the sample wrote only %d files", len(fa))
	}
}

// TestSampleShape checks what a new user sees first: the sample has the
// shape the README promises.
func TestSampleShape(t *testing.T) {
	out := t.TempDir()
	res := buildSample(t, out)
	files := readTree(t, out)
	for _, want := range []string{
		"facilitator/index.html",
		"facilitator/assets/haven.css",
		"facilitator/agreements/group-agreement.html",
	} {
		if files[want] == nil {
			t.Errorf("the sample has no %s", want)
		}
	}
	if res.Pages < 15 {
		t.Errorf("the sample has %d pages; it should show a realistic programme", res.Pages)
	}
	for name, data := range files {
		if filepath.Ext(name) != ".html" {
			continue
		}
		if c := bytes.Count(data, []byte(`http-equiv="Content-Security-Policy"`)); c != 1 {
			t.Errorf("%s has %d CSP metas, want 1", name, c)
		}
		for _, bad := range []string{"<script>", " style=", " onclick=", " onerror=", `href="/`, `src="/`, "http://", "https://"} {
			if bytes.Contains(data, []byte(bad)) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
	}
}
