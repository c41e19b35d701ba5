package pack

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
)

func TestZipDeterministicAndComplete(t *testing.T) {
	files := []File{{"index.html", []byte("home")}, {"a/b/c.html", []byte("deep")}, {"a/x.css", []byte("css")}}
	one, err := Zip("prog-facilitator", files)
	if err != nil {
		t.Fatal(err)
	}
	reversed := []File{files[2], files[1], files[0]}
	two, err := Zip("prog-facilitator", reversed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one, two) {
		t.Error("the same files in another order gave different bytes")
	}
	r, err := zip.NewReader(bytes.NewReader(one), int64(len(one)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(modTime) {
			t.Errorf("%s has time %v", f.Name, f.Modified)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if len(data) == 0 {
			t.Errorf("%s is empty", f.Name)
		}
	}
	want := "prog-facilitator/ prog-facilitator/a/ prog-facilitator/a/b/ prog-facilitator/a/b/c.html prog-facilitator/a/x.css prog-facilitator/index.html"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("entries:\n%s\nwant:\n%s", got, want)
	}
}

// TestBuilderAsZip: files added one by one, from several goroutines and in
// any order, make the same bytes as Zip over the whole list.
func TestBuilderAsZip(t *testing.T) {
	var files []File
	for i := range 200 {
		files = append(files, File{Path: fmt.Sprintf("m%d/p%03d.html", i%7, i), Data: bytes.Repeat([]byte(fmt.Sprintf("<p>page %d</p>", i)), i+1)})
	}
	want, err := Zip("prog-participant", files)
	if err != nil {
		t.Fatal(err)
	}
	var b Builder
	var wg sync.WaitGroup
	for i := range files {
		f := files[len(files)-1-i]
		wg.Go(func() {
			if err := b.Add(f.Path, f.Data); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, err := b.Zip("prog-participant")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("a pack built file by file differs from one built from the list")
	}
	b.Add(files[3].Path, []byte("again"))
	if _, err := b.Zip("prog-participant"); err == nil || !strings.Contains(err.Error(), files[3].Path) {
		t.Errorf("two files with one path: got %v, want an error naming the path", err)
	}
}
