package pack

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
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
