package publish

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestCheckOutput(t *testing.T) {
	project := filepath.Join(t.TempDir(), "prog")
	tests := []struct {
		out  string
		want string // part of the error, "" for accepted
	}{
		{filepath.Join(project, "public"), ""},
		{filepath.Join(filepath.Dir(project), "site"), ""},
		{project, "is the project folder"},
		{filepath.Dir(project), "contains the project"},
		{filepath.Join(project, "content"), "inside the project's content/"},
		{filepath.Join(project, "content", "x"), "inside the project's content/"},
		{filepath.Join(project, "layouts"), "inside the project's layouts/"},
		{"/", "contains the project"},
	}
	for _, tt := range tests {
		err := CheckOutput(project, tt.out)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckOutput(%s) = %v, want accepted", tt.out, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckOutput(%s) = %v, want an error containing %q", tt.out, err, tt.want)
		case tt.want != "":
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Errorf("CheckOutput(%s) returned %T, want a UsageError", tt.out, err)
			}
		}
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestWriteReplacesOwnOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if err := Write(out, []File{{"a/index.html", []byte("one")}, {"old.html", []byte("old")}}); err != nil {
		t.Fatal(err)
	}
	if err := Write(out, []File{{"a/index.html", []byte("two")}}); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(out, "a/index.html")); got != "two" {
		t.Errorf("a/index.html = %q", got)
	}
	if _, err := os.Stat(filepath.Join(out, "old.html")); !os.IsNotExist(err) {
		t.Errorf("a file of the previous build survived: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("staging or old folders left behind: %v", entries)
	}
}

func TestWriteRefusesStrangers(t *testing.T) {
	for name, setup := range map[string]func(out string){
		"no manifest": func(out string) {
			os.MkdirAll(out, 0o755)
			os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
		},
		"git folder in own output": func(out string) {
			Write(out, []File{{"index.html", []byte("x")}})
			os.MkdirAll(filepath.Join(out, ".git"), 0o755)
			os.WriteFile(filepath.Join(out, ".git", "HEAD"), []byte("ref"), 0o644)
		},
		"symlink to the author's files": func(out string) {
			Write(out, []File{{"index.html", []byte("x")}})
			os.Symlink(t.TempDir(), filepath.Join(out, "docs"))
		},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "public")
			setup(out)
			before := snapshot(t, out)
			err := Write(out, []File{{"index.html", []byte("new")}})
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("Write = %v, want a UsageError", err)
			}
			if after := snapshot(t, out); after != before {
				t.Errorf("the refused folder changed:\n%s\n---\n%s", before, after)
			}
		})
	}
}

func TestFailedWriteKeepsPreviousSite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if err := Write(out, []File{{"index.html", []byte("good")}}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)
	err := Write(out, []File{{"index.html", []byte("bad")}, {"../escape.html", []byte("x")}})
	if err == nil {
		t.Fatal("a write outside the output folder was accepted")
	}
	if after := snapshot(t, out); after != before {
		t.Errorf("a failed write changed the previous site")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(out), "escape.html")); !os.IsNotExist(err) {
		t.Error("a file was written outside the output folder")
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("staging folder left behind: %v", entries)
	}
}

// snapshot lists a tree's paths, modes and contents, without following
// links.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel + " " + fi.Mode().String())
		if fi.Mode().IsRegular() {
			data, _ := os.ReadFile(p)
			b.WriteString(" " + string(data))
		}
		b.WriteString("\n")
		return nil
	})
	return b.String()
}

func TestForceKeepsStrangersAndRemovesOnlyItsOwn(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	os.MkdirAll(filepath.Join(out, ".git"), 0o755)
	os.WriteFile(filepath.Join(out, ".git", "HEAD"), []byte("ref"), 0o644)
	os.WriteFile(filepath.Join(out, "CNAME"), []byte("example.org"), 0o644)
	if err := Force(out, []File{{"index.html", []byte("one")}, {"old.html", []byte("old")}}); err != nil {
		t.Fatal(err)
	}
	if err := Force(out, []File{{"index.html", []byte("two")}}); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(out, "index.html")); got != "two" {
		t.Errorf("index.html = %q", got)
	}
	if _, err := os.Stat(filepath.Join(out, "old.html")); !os.IsNotExist(err) {
		t.Error("haven's own old file survived")
	}
	if read(t, filepath.Join(out, ".git", "HEAD")) != "ref" || read(t, filepath.Join(out, "CNAME")) != "example.org" {
		t.Error("a stranger's file changed")
	}
	// A stranger's file where haven would write: refused, nothing touched.
	before := snapshot(t, out)
	err := Force(out, []File{{"index.html", []byte("three")}, {"CNAME", []byte("mine")}})
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("writing over a stranger's file: %v", err)
	}
	if snapshot(t, out) != before {
		t.Error("a refused forced build changed the folder")
	}
}

// TestUpdateListsNewFilesFirst: a watch update that stops part way (here, a
// file that cannot be written) leaves only files haven lists, so the next
// build does not refuse the folder as a stranger's.
func TestUpdateListsNewFilesFirst(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	first := []File{{"index.html", []byte("one")}}
	if err := Write(out, first); err != nil {
		t.Fatal(err)
	}
	last := map[string][]byte{"index.html": []byte("one")}
	// index.html is a file, so index.html/sub.html cannot be written; by
	// then new.html has been.
	err := Update(out, []File{{"index.html", []byte("one")}, {"new.html", []byte("new")}, {"index.html/sub.html", []byte("b")}}, last)
	if err == nil {
		t.Fatal("the write that cannot succeed succeeded")
	}
	if _, err := os.Stat(filepath.Join(out, "new.html")); err != nil {
		t.Fatalf("new.html was not written before the failure: %v", err)
	}
	listed, _ := readManifest(filepath.Join(out, ManifestName))
	if !listed["new.html"] {
		t.Error("new.html was written but is not listed")
	}
}

// TestStageChecksAgainBeforeSwapping: a build writes into its staging
// folder for a while; a file someone puts in the output folder meanwhile
// makes the swap stop, and the file stays.
func TestStageChecksAgainBeforeSwapping(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if err := Write(out, []File{{"index.html", []byte("one")}}); err != nil {
		t.Fatal(err)
	}
	st, err := Begin(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Add([]File{{"index.html", []byte("two")}}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	var ue *UsageError
	if err := st.Commit(); !errors.As(err, &ue) {
		t.Fatalf("Commit = %v, want a refusal", err)
	}
	if got := read(t, filepath.Join(out, "notes.txt")); got != "mine" {
		t.Errorf("notes.txt = %q", got)
	}
	if got := read(t, filepath.Join(out, "index.html")); got != "one" {
		t.Errorf("index.html = %q, want the previous site's", got)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 1 {
		t.Errorf("staging folder left behind: %v", entries)
	}
}

// TestStagePutConcurrently: files put one at a time from many goroutines,
// into folders none of them made yet, all land, and the manifest lists each.
func TestStagePutConcurrently(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	st, err := Begin(out)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 300 {
		wg.Go(func() {
			if err := st.Put(fmt.Sprintf("ed/m%d/deep/p%d.html", i%5, i), []byte(strconv.Itoa(i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := st.Put("../escape.html", nil); err == nil {
		t.Error("Put wrote outside the site")
	}
	big := strings.Repeat("<article>a page</article>", 50000)
	if err := st.PutWith("ed/print.html", func(w io.Writer) error {
		for part := range strings.SplitAfterSeq(big, "</article>") {
			if _, err := io.WriteString(w, part); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	if read(t, filepath.Join(out, "ed", "print.html")) != big {
		t.Error("a file written in parts is not their sum")
	}
	manifest := read(t, filepath.Join(out, ManifestName))
	for i := range 300 {
		name := fmt.Sprintf("ed/m%d/deep/p%d.html", i%5, i)
		if got := read(t, filepath.Join(out, filepath.FromSlash(name))); got != strconv.Itoa(i) {
			t.Errorf("%s = %q", name, got)
		}
		if !strings.Contains(manifest, name+"\n") {
			t.Errorf("the manifest does not list %s", name)
		}
	}
}

// TestStageManyFolders: a site of more folders than a Stage holds open
// is written whole, the files of the folders beyond the bound by their
// path from the staging folder, with Put and PutWith alike.
func TestStageManyFolders(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	st, err := Begin(out)
	if err != nil {
		t.Fatal(err)
	}
	n := maxOpenFolders + 50
	name := func(i int) string { return fmt.Sprintf("ed/f%d/p.html", i) }
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var err error
			if i%2 == 0 {
				err = st.Put(name(i), []byte(strconv.Itoa(i)))
			} else {
				err = st.PutWith(name(i), func(w io.Writer) error { _, err := io.WriteString(w, strconv.Itoa(i)); return err })
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if st.held != maxOpenFolders {
		t.Errorf("%d folders held open, want %d", st.held, maxOpenFolders)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	manifest := read(t, filepath.Join(out, ManifestName))
	for i := range n {
		if got := read(t, filepath.Join(out, filepath.FromSlash(name(i)))); got != strconv.Itoa(i) {
			t.Errorf("%s = %q", name(i), got)
		}
		if !strings.Contains(manifest, name(i)+"\n") {
			t.Errorf("the manifest does not list %s", name(i))
		}
	}
}

// TestBeginPutsBackAnInterruptedSwap: a build killed between moving the
// previous site aside and moving the new one in (where folders cannot be
// swapped in one step) leaves no output folder, and the previous site
// beside it; the next build puts it back before anything else, so that a
// reader is never left without a site. A folder that is not haven's is
// left alone.
func TestBeginPutsBackAnInterruptedSwap(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	if err := Write(out, []File{{"index.html", []byte("previous")}}); err != nil {
		t.Fatal(err)
	}
	aside := filepath.Join(parent, ".public.haven-old-123")
	if err := os.Rename(out, aside); err != nil {
		t.Fatal(err)
	}
	// Not haven's: a file and no manifest. Its name sorts first, so that
	// it is the first the next build meets.
	stranger := filepath.Join(parent, ".public.haven-old-000")
	if err := os.MkdirAll(stranger, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stranger, "mine.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := Begin(out)
	if err != nil {
		t.Fatal(err)
	}
	st.Abort()
	if got := read(t, filepath.Join(out, "index.html")); got != "previous" {
		t.Errorf("index.html = %q, want the previous site's", got)
	}
	if _, err := os.Stat(aside); err == nil {
		t.Error("the previous site is still aside")
	}
	if got := read(t, filepath.Join(stranger, "mine.txt")); got != "mine" {
		t.Errorf("a folder that is not haven's was changed: mine.txt = %q", got)
	}
}
