package pack

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
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
	entries, contents := unzip(t, one)
	var names []string
	for _, f := range entries {
		names = append(names, f.Name)
		if !f.Modified.Equal(modTime) {
			t.Errorf("%s has time %v", f.Name, f.Modified)
		}
		if !f.FileInfo().IsDir() && len(contents[f.Name]) == 0 {
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
			var err error
			if i%2 == 0 {
				err = b.Add(f.Path, f.Data)
			} else { // as parts, cut anywhere
				cut := len(f.Data) * (i % 5) / 5
				err = b.AddParts(f.Path, [][]byte{f.Data[:cut], nil, f.Data[cut:]})
			}
			if err != nil {
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
	// Kept in a spool file instead of memory: the same bytes.
	spool, err := os.Create(filepath.Join(t.TempDir(), "spool"))
	if err != nil {
		t.Fatal(err)
	}
	defer spool.Close()
	spooled := Builder{Spool: spool}
	for i, f := range files {
		if i%3 == 0 {
			spooled.AddParts(f.Path, [][]byte{f.Data})
		} else {
			spooled.Add(f.Path, f.Data)
		}
	}
	var buf bytes.Buffer
	if err := spooled.WriteTo(&buf, "prog-participant"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Error("a pack spooled to a file differs from one held in memory")
	}
	if fi, _ := spool.Stat(); fi.Size() == 0 {
		t.Error("nothing went to the spool")
	}
	b.Add(files[3].Path, []byte("again"))
	if _, err := b.Zip("prog-participant"); err == nil || !strings.Contains(err.Error(), files[3].Path) {
		t.Errorf("two files with one path: got %v, want an error naming the path", err)
	}
}

// TestLargeFilesInParts: files larger than a part, compressed in parts in
// parallel, unzip to exactly what went in (sizes around the part size, and
// text that repeats across the parts' edges), and the same bytes come out
// whether a file comes whole or in pieces of any size.
func TestLargeFilesInParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var files []File
	for i, size := range []int{chunk - 1, chunk, chunk + 1, 3*chunk + 17, 9 * chunk} {
		var b bytes.Buffer
		for b.Len() < size {
			fmt.Fprintf(&b, "<article id=p-%d><h2>Session %d</h2><p>%x</p></article>", rng.IntN(50), rng.IntN(50), rng.Uint32())
		}
		files = append(files, File{Path: fmt.Sprintf("print-%d.html", i), Data: b.Bytes()[:size]})
	}
	one, err := Zip("p", files)
	if err != nil {
		t.Fatal(err)
	}
	var b Builder
	for i, f := range files {
		var parts [][]byte
		for rest := f.Data; len(rest) > 0; {
			n := min(len(rest), 1000+rng.IntN(chunk/2)+i)
			parts, rest = append(parts, rest[:n]), rest[n:]
		}
		if err := b.AddParts(f.Path, parts); err != nil {
			t.Fatal(err)
		}
	}
	two, err := b.Zip("p")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one, two) {
		t.Error("a pack of files given as parts differs from one of the files whole")
	}
	_, got := unzip(t, one)
	for _, f := range files {
		if !bytes.Equal(got["p/"+f.Path], f.Data) {
			t.Errorf("%s (%d bytes) does not unzip to what went in (%d bytes)", f.Path, len(f.Data), len(got["p/"+f.Path]))
		}
	}
	if len(one) > 9*chunk {
		t.Errorf("the pack is %d bytes: the parts did not compress", len(one))
	}
}

// unzip reads a pack: its entries, and the contents of its files by name,
// failing the test on any error (a bad CRC included).
func unzip(t *testing.T, data []byte) ([]*zip.File, map[string][]byte) {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	contents := map[string][]byte{}
	for _, f := range r.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc) // checks the CRC too
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		contents[f.Name] = b
	}
	return r.File, contents
}
