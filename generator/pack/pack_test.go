package pack

import (
	"archive/zip"
	"bytes"
	"fmt"
	"github.com/klauspost/compress/flate"
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
	// Some held in memory, the rest spooled: the same bytes.
	spool2, err := os.Create(filepath.Join(t.TempDir(), "spool"))
	if err != nil {
		t.Fatal(err)
	}
	defer spool2.Close()
	compressed := 0
	for _, e := range spooled.entries {
		compressed += e.n
	}
	half := Builder{Spool: spool2, Hold: compressed / 2}
	for _, f := range files {
		half.Add(f.Path, f.Data)
	}
	buf.Reset()
	if err := half.WriteTo(&buf, "prog-participant"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Error("a pack held half in memory, half in a spool file, differs from one held in memory")
	}
	if fi, _ := spool2.Stat(); fi.Size() == 0 || fi.Size() > int64(compressed/2+compressed/8) || half.held == 0 {
		t.Errorf("held %d bytes in memory, %d in the spool; want about half in each", half.held, fi.Size())
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

// TestRunsCompressedOnce: a run of parts that two files hold (a module's
// articles, on its print page and on the programme's) is compressed once,
// for whichever file comes first, and both files unzip to exactly what went
// in, with runs at the start, the middle and the end of a file, large runs
// (in several parallel parts) and small, in memory and spooled.
func TestRunsCompressedOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	text := func(n int) []byte {
		var b bytes.Buffer
		for b.Len() < n {
			fmt.Fprintf(&b, "<article id=p-%d><h2>Session %d</h2><p>%x</p></article>", rng.IntN(50), rng.IntN(50), rng.Uint32())
		}
		return b.Bytes()[:n]
	}
	small, large := [][]byte{text(3000), text(5000)}, [][]byte{text(chunk), text(chunk / 2), text(chunk + 9)}
	head, tail := text(700), text(300)
	files := []struct {
		path  string
		parts [][]byte
		runs  []Run
	}{
		{"whole.html", [][]byte{head, small[0], small[1], large[0], large[1], large[2], tail},
			[]Run{{1, 3, "small"}, {3, 6, "large"}}},
		{"m1/print.html", [][]byte{text(500), small[0], small[1], text(200)}, []Run{{1, 3, "small"}}},
		{"m2/print.html", [][]byte{large[0], large[1], large[2]}, []Run{{0, 3, "large"}}},
		{"m3/print.html", [][]byte{text(900), large[0], large[1], large[2]}, []Run{{1, 4, "large"}}},
	}
	for _, spooled := range []bool{false, true} {
		var b Builder
		var spool *os.File
		if spooled {
			var err error
			if spool, err = os.Create(filepath.Join(t.TempDir(), "spool")); err != nil {
				t.Fatal(err)
			}
			defer spool.Close()
			b.Spool = spool
		}
		var wg sync.WaitGroup
		for _, f := range files {
			wg.Go(func() {
				if err := b.AddParts(f.path, f.parts, f.runs...); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		data, err := b.Zip("p")
		if err != nil {
			t.Fatal(err)
		}
		_, got := unzip(t, data)
		for _, f := range files {
			if !bytes.Equal(got["p/"+f.path], bytes.Join(f.parts, nil)) {
				t.Errorf("spooled %v: %s does not unzip to what went in", spooled, f.path)
			}
		}
		// Every piece of stream is stored once: the entries' streams are
		// what is stored, and the runs again for each further file that
		// holds them (large: 2 more, small: 1).
		size := func(spans []span) (n int) {
			for _, sp := range spans {
				n += sp.n
			}
			return n
		}
		stored, inEntries := 0, 0
		seen := map[any]bool{}
		for _, e := range b.entries {
			inEntries += e.n
			for _, sp := range e.spans {
				var key any = sp.off
				if !spooled {
					key = &sp.data[0]
				}
				if !seen[key] {
					seen[key] = true
					stored += sp.n
				}
			}
		}
		if want := stored + 2*size(b.runs["large"].spans) + size(b.runs["small"].spans); inEntries != want {
			t.Errorf("spooled %v: the entries hold %d compressed bytes, want %d: the runs were not compressed once", spooled, inEntries, want)
		}
		if spooled {
			if fi, _ := spool.Stat(); fi.Size() != int64(stored) {
				t.Errorf("the spool holds %d bytes, want %d", fi.Size(), stored)
			}
		}
	}
	var b Builder
	for _, runs := range [][]Run{{{2, 1, "x"}}, {{0, 2, "x"}, {1, 3, "y"}}, {{0, 9, "x"}}} {
		if err := b.AddParts("bad.html", [][]byte{head, tail, head}, runs...); err == nil {
			t.Errorf("runs %v: no error", runs)
		}
	}
	if len(b.runs) != 0 || len(b.entries) != 0 {
		t.Errorf("refused runs left %d runs and %d entries behind", len(b.runs), len(b.entries))
	}
}

// TestRunOfOtherBytes: a file that names a run another file holds, with
// other bytes under the name, is refused rather than given the other's
// stream (its entry's checksum would not be its stream's).
func TestRunOfOtherBytes(t *testing.T) {
	var b Builder
	if err := b.AddParts("a.html", [][]byte{[]byte("<p>a</p>"), []byte("<p>shared</p>")}, Run{1, 2, "r"}); err != nil {
		t.Fatal(err)
	}
	if err := b.AddParts("b.html", [][]byte{[]byte("<p>shared</p>")}, Run{0, 1, "r"}); err != nil {
		t.Errorf("the same bytes: %v", err)
	}
	for _, other := range []string{"<p>Shared</p>", "<p>shared</p> "} {
		err := b.AddParts("c.html", [][]byte{[]byte(other)}, Run{0, 1, "r"})
		if err == nil || !strings.Contains(err.Error(), "other bytes") {
			t.Errorf("%q under the run's name: %v", other, err)
		}
	}
}

// TestNumbersHuffmanCoded: text of numbers (as the search index's
// postings) is coded by Huffman alone, and unzips to what went in, whole
// or in parts, small or larger than a part; text that is not stays LZ77's.
func TestNumbersHuffmanCoded(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	postings := func(size int) []byte {
		b := []byte(`havenSearch.terms(0,{"ab":[`)
		for len(b) < size {
			b = fmt.Appendf(b, "%d,%d,", rng.IntN(5000), 1+rng.IntN(8))
		}
		return b[:size]
	}
	for _, tc := range []struct {
		data    []byte
		numeric bool
	}{
		{postings(100), false}, // its name is a quarter of it
		{postings(1000), true},
		{postings(5000), true},
		{postings(3*chunk + 5), true},
		{[]byte("<p>Session 1, 2, 3 and 4.</p>"), false},
		{bytes.Repeat([]byte("12,34,"), 10), true},
		{bytes.Repeat([]byte("12,34,ab"), 10), false},
		{nil, false},
	} {
		if got := numeric([][]byte{tc.data}, len(tc.data)); got != tc.numeric {
			t.Errorf("numeric(%.30q...) = %v, want %v", tc.data, got, tc.numeric)
		}
		// Parts of any size give the same answer: it reads the text joined.
		var parts [][]byte
		for rest := tc.data; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(700))
			parts, rest = append(parts, rest[:n]), rest[n:]
		}
		if got := numeric(parts, len(tc.data)); got != tc.numeric {
			t.Errorf("numeric of %.30q... in %d parts = %v, want %v", tc.data, len(parts), got, tc.numeric)
		}
		var b Builder
		if err := b.AddParts("search/t-0.js", parts); err != nil {
			t.Fatal(err)
		}
		data, err := b.Zip("p")
		if err != nil {
			t.Fatal(err)
		}
		_, got := unzip(t, data)
		if !bytes.Equal(got["p/search/t-0.js"], tc.data) {
			t.Errorf("%.30q... (%d bytes) does not unzip to what went in", tc.data, len(tc.data))
		}
	}
	// The postings' stream is Huffman coding's alone, and that still
	// makes them a good deal smaller.
	big := postings(200 << 10)
	c, err := deflate([][]byte{big}, true)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	fw, _ := flate.NewWriter(&want, flate.HuffmanOnly)
	fw.Write(big)
	fw.Close()
	if len(c) != 1 || !bytes.Equal(c[0], want.Bytes()) {
		t.Errorf("the postings were not coded by Huffman alone")
	}
	if n := len(c[0]); n > len(big)/2 {
		t.Errorf("postings of %d bytes compressed to %d", len(big), n)
	}
}
