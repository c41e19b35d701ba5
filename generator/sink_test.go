package generator

import (
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"

	"haven/generator/pack"
	"haven/generator/publish"
	"haven/generator/render"
)

// fullSpool is a pack's scratch file on a disk that is full.
type fullSpool struct{}

func (fullSpool) WriteAt([]byte, int64) (int, error) {
	return 0, &fs.PathError{Op: "write", Path: "/out/.public.haven-new-1/.haven-spool-facilitator", Err: syscall.ENOSPC}
}
func (fullSpool) ReadAt([]byte, int64) (int, error) { return 0, syscall.EIO }

// TestSinkFullSpool: a full disk met while a file goes into the pack's
// scratch file fails the build as a full disk does anywhere ("cannot write
// <the pack>: no space left on device"), never naming the scratch file.
func TestSinkFullSpool(t *testing.T) {
	for _, o := range []render.Output{
		{Path: "m/a.html", Data: []byte("<p>a page</p>"), Minified: true},
		{Path: "print.html", Parts: [][]byte{[]byte("<p>one</p>"), []byte("<p>two</p>")}, Minified: true},
		{Path: "print.html", Parts: [][]byte{[]byte("<p>one</p>"), []byte("<p>two</p>")}, Minified: true,
			Runs: []render.Run{{From: 1, To: 2, Name: "m/print.html"}}},
	} {
		st, err := publish.Begin(filepath.Join(t.TempDir(), "public"))
		if err != nil {
			t.Fatal(err)
		}
		sk := &sink{stage: st, prefix: "facilitator/", packFile: "prog-facilitator.zip", pack: &pack.Builder{Spool: fullSpool{}}}
		sk.put(o)
		want := "cannot write facilitator/prog-facilitator.zip: no space left on device"
		if sk.err == nil || sk.err.Error() != want {
			t.Errorf("%s: error %v, want %q", o.Path, sk.err, want)
		}
		st.Abort()
	}
}
