//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package source

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"haven/generator/diag"
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

// TestConfigSocket: a socket at a config file's name is refused as not a
// regular file, as a pipe is, not as a file that cannot be opened (a
// socket refuses to open).
func TestConfigSocket(t *testing.T) {
	dir, err := os.MkdirTemp("", "hv") // short: a socket's path has a limit
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Mkdir(filepath.Join(dir, ContentDir), 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(dir, "haven.yaml"))
	if err != nil {
		t.Skipf("no sockets here: %v", err)
	}
	defer l.Close()
	var diags diag.List
	if _, err := Load(dir, Options{}, &diags); err != nil {
		t.Fatal(err)
	}
	got := diags.Sorted()
	if len(got) != 1 || !strings.Contains(got[0].Message, "not a regular file") {
		t.Errorf("diagnostics %v, want one saying haven.yaml is not a regular file", got)
	}
}
