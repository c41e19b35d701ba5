package source

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"haven/generator/diag"
)

// TestManyFolders: files in more folders than are held open at once are
// all read, those beyond the bound from the project's root.
func TestManyFolders(t *testing.T) {
	dir := t.TempDir()
	n := maxFolderRoots + 40
	for i := range n {
		d := filepath.Join(dir, ContentDir, fmt.Sprintf("f%03d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "page.md"), fmt.Appendf(nil, "page %d\n", i), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var reads []toRead
	for i := range n {
		reads = append(reads, toRead{path: fmt.Sprintf("%s/f%03d/page.md", ContentDir, i)})
	}
	dirs := folderRoots(root, reads)
	if len(dirs) != maxFolderRoots {
		t.Errorf("%d folders held open, want %d", len(dirs), maxFolderRoots)
	}
	dirs.close()

	var diags diag.List
	p, err := Load(dir, Options{}, &diags)
	if err != nil || diags.Len() > 0 {
		t.Fatalf("Load: %v %v", err, diags.Sorted())
	}
	if len(p.Content) != n {
		t.Fatalf("%d files read, want %d", len(p.Content), n)
	}
	for i, f := range p.Content {
		if want := fmt.Sprintf("page %d\n", i); string(f.Data) != want {
			t.Errorf("%s: %q, want %q", f.Path, f.Data, want)
		}
	}
}

// TestReuseNeverOffersLinks: a linked file is always read again, never
// taken from an earlier build (haven watch): the link's own size and time
// say nothing of its target's, which may have changed. (A watch test
// cannot tell: it happens that a link's size never matches its target's.)
func TestReuseNeverOffersLinks(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ContentDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ContentDir, "a.md"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.md", filepath.Join(dir, ContentDir, "b.md")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	var offered []string
	opts := Options{Reuse: func(p string, size int64, mod time.Time) ([]byte, bool) {
		offered = append(offered, p)
		return []byte("kept\n"), true
	}}
	var diags diag.List
	p, err := Load(dir, opts, &diags)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(offered, []string{ContentDir + "/a.md"}) {
		t.Errorf("offered for reuse: %q, want only content/a.md", offered)
	}
	for _, f := range p.Content {
		if f.Path == "b.md" && string(f.Data) != "a\n" {
			t.Errorf("the link was not read: %q", f.Data)
		}
	}
}

// TestLinkedFoldersStayInside: folders are listed by path, files read
// through the project's root. A top folder (layouts/) that is a link out
// of the project is one error and no files; a linked folder in content/,
// whether it points out of the project or into it, is an error of its
// own and is not followed.
func TestLinkedFoldersStayInside(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	for _, f := range []string{ContentDir + "/a.md", "shared/b.md"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "page.html"), []byte("secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, LayoutsDir)); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, ContentDir, "out")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../shared", filepath.Join(dir, ContentDir, "in")); err != nil {
		t.Fatal(err)
	}
	var diags diag.List
	p, err := Load(dir, Options{}, &diags)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Layouts) != 0 {
		t.Errorf("layouts/ links out of the project, yet %d files were read from it", len(p.Layouts))
	}
	var got []string
	for _, d := range diags.Sorted() {
		got = append(got, d.Pos.File)
	}
	if !slices.Equal(got, []string{ContentDir + "/in", ContentDir + "/out", LayoutsDir}) {
		t.Errorf("problems at %q, want content/in, content/out and layouts (each once): %v", got, diags.Sorted())
	}
	if len(p.Content) != 1 || p.Content[0].Path != "a.md" {
		t.Errorf("content: %v, want a.md alone", p.Content)
	}
}
