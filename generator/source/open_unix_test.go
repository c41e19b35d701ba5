//go:build unix

package source

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestReadFileRefusesPipe: a pipe met where a file was seen (replaced
// after the walk) is refused at once, not waited on for a writer that
// never comes.
func TestReadFileRefusesPipe(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "page.md"), 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	done := make(chan error, 1)
	go func() {
		_, _, err := readFile(root, "page.md", MaxMarkdownSize)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, errNotRegular) {
			t.Errorf("read a pipe: %v, want %v", err, errNotRegular)
		}
	case <-time.After(5 * time.Second):
		// Let it go: open a writer.
		if f, err := os.OpenFile(filepath.Join(dir, "page.md"), os.O_WRONLY, 0); err == nil {
			f.Close()
		}
		t.Fatal("reading a pipe waited for a writer")
	}
}
