package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		rel  string
		op   fsnotify.Op
		out  string
		want Action
	}{
		{"content/01-a/01-b.md", fsnotify.Write, "public", Rebuild},
		{"content/01-a/01-b.md", fsnotify.Create, "public", Rebuild},
		{"content/01-a/01-b.md", fsnotify.Remove, "public", Rebuild},
		{"content/01-a/01-b.md", fsnotify.Rename, "public", Rebuild},
		{"content/01-a/01-b.md", fsnotify.Chmod, "public", Ignore},
		{"content/01-a", fsnotify.Create, "public", Rebuild},
		{"haven.yaml", fsnotify.Write, "public", Rebuild},
		{"haven.toml", fsnotify.Write, "public", Rebuild},
		{"layouts/page.html", fsnotify.Write, "public", Rebuild},
		{"static/logo.svg", fsnotify.Create, "public", Rebuild},
		{"README.md", fsnotify.Write, "public", Ignore},
		{"public/facilitator/index.html", fsnotify.Write, "public", Ignore},
		{"content/site/index.html", fsnotify.Write, "content/site", Ignore},
		{".public.haven-new-123/x", fsnotify.Create, "public", Ignore},
		{"content/a.md~", fsnotify.Create, "public", Ignore},
		{"content/.a.md.swp", fsnotify.Write, "public", Ignore},
		{"content/4913", fsnotify.Create, "public", Ignore},
		{"content/a.md___jb_tmp___", fsnotify.Write, "public", Ignore},
		{"content/a.md___jb_old___", fsnotify.Rename, "public", Ignore},
		{"content/.goutputstream-XYZ", fsnotify.Create, "public", Ignore},
		{"content/.#a.md", fsnotify.Create, "public", Ignore},
		{"content/#a.md#", fsnotify.Create, "public", Ignore},
		{"content/.git/index", fsnotify.Write, "public", Ignore},
		{"../elsewhere.md", fsnotify.Write, "public", Ignore},
	}
	for _, tt := range tests {
		if got := Classify(tt.rel, tt.op, tt.out); got != tt.want {
			t.Errorf("Classify(%q, %v, %q) = %v, want %v", tt.rel, tt.op, tt.out, got, tt.want)
		}
	}
}

// harness runs a watcher on a temporary project and collects its batches.
type harness struct {
	t       *testing.T
	dir     string
	batches chan Batch
}

func start(t *testing.T, poll bool, files map[string]string) *harness {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		write(t, dir, name, body)
	}
	w, err := New(dir, Options{Out: filepath.Join(dir, "public"), Poll: poll, Interval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, dir: dir, batches: make(chan Batch, 100)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, func(b Batch) { h.batches <- b }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	time.Sleep(50 * time.Millisecond) // let the watches settle
	return h
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) path(name string) string { return filepath.Join(h.dir, filepath.FromSlash(name)) }

// expect waits for one batch with exactly these paths, then for quiet.
func (h *harness) expect(paths ...string) {
	h.t.Helper()
	select {
	case b := <-h.batches:
		if got, want := strings.Join(b.Paths, " "), strings.Join(paths, " "); got != want {
			h.t.Errorf("batch %q, want %q", got, want)
		}
	case <-time.After(5 * time.Second):
		h.t.Fatalf("no batch; want %v", paths)
	}
	h.quiet()
}

// expectAll waits until batches have covered exactly these paths (a busy
// machine may report one move of a folder as two batches), then for quiet.
func (h *harness) expectAll(paths ...string) {
	h.t.Helper()
	want := map[string]bool{}
	for _, p := range paths {
		want[p] = true
	}
	got := map[string]bool{}
	deadline := time.After(5 * time.Second)
	for len(got) < len(want) {
		select {
		case b := <-h.batches:
			for _, p := range b.Paths {
				if !want[p] {
					h.t.Errorf("unexpected path %q in a batch", p)
				}
				got[p] = true
			}
		case <-deadline:
			h.t.Fatalf("batches covered %v; want %v", got, paths)
		}
	}
	h.quiet()
}

// quiet asserts that no batch follows.
func (h *harness) quiet() {
	h.t.Helper()
	select {
	case b := <-h.batches:
		h.t.Errorf("unexpected batch %v", b)
	case <-time.After(300 * time.Millisecond):
	}
}

var base = map[string]string{
	"haven.yaml":           "title: T\n",
	"content/index.md":     "---\ntitle: Home\n---\n",
	"content/01-m/01-s.md": "---\ntitle: S\n---\nOne\n",
}

func TestEditorSaves(t *testing.T) {
	for _, poll := range []bool{false, true} {
		t.Run(fmt.Sprintf("poll=%v", poll), func(t *testing.T) {
			h := start(t, poll, base)
			s := "content/01-m/01-s.md"

			// In-place write.
			write(t, h.dir, s, "---\ntitle: S\n---\nTwo\n")
			h.expect(s)

			// vim: test write of 4913, backup by rename, write anew, drop backup.
			write(t, h.dir, "content/01-m/4913", "")
			os.Remove(h.path("content/01-m/4913"))
			os.Rename(h.path(s), h.path(s+"~"))
			write(t, h.dir, s, "---\ntitle: S\n---\nThree\n")
			os.Chmod(h.path(s), 0o644)
			os.Remove(h.path(s + "~"))
			h.expect(s)

			// JetBrains safe write.
			write(t, h.dir, s+"___jb_tmp___", "---\ntitle: S\n---\nFour\n")
			os.Rename(h.path(s), h.path(s+"___jb_old___"))
			os.Rename(h.path(s+"___jb_tmp___"), h.path(s))
			os.Remove(h.path(s + "___jb_old___"))
			h.expect(s)

			// touch, and a save of the same bytes: nothing.
			now := time.Now().Add(time.Second)
			os.Chtimes(h.path(s), now, now)
			write(t, h.dir, s, "---\ntitle: S\n---\nFour\n")
			h.quiet()

			// Output inside the project: never a batch.
			write(t, h.dir, "public/facilitator/index.html", "x")
			write(t, h.dir, ".public.haven-new-1/x", "x")
			h.quiet()

			// A new folder with a session, made in one step.
			write(t, h.dir, "content/02-new/01-first.md", "---\ntitle: New\n---\n")
			h.expect("content/02-new/01-first.md")

			// Rename a folder: old paths go, new ones come.
			os.Rename(h.path("content/02-new"), h.path("content/03-renamed"))
			h.expectAll("content/02-new/01-first.md", "content/03-renamed/01-first.md")

			// Delete a page, then a folder.
			os.Remove(h.path(s))
			h.expect(s)
			os.RemoveAll(h.path("content/03-renamed"))
			h.expect("content/03-renamed/01-first.md")

			// The config file.
			write(t, h.dir, "haven.yaml", "title: U\n")
			h.expect("haven.yaml")
		})
	}
}

// TestManyFiles changes 2,000 files at once: every change is reported, in
// few batches: one for each MaxWait (a second) that the writing took, and a
// few more.
func TestManyFiles(t *testing.T) {
	h := start(t, false, base)
	want := map[string]bool{}
	began := time.Now()
	for i := range 2000 {
		name := fmt.Sprintf("content/%02d-m/%04d-s.md", i/100, i)
		write(t, h.dir, name, fmt.Sprintf("---\ntitle: S%d\n---\n", i))
		want[name] = true
	}
	took := time.Since(began)
	batches := 0
	deadline := time.After(20 * time.Second)
	for len(want) > 0 {
		select {
		case b := <-h.batches:
			batches++
			for _, p := range b.Paths {
				delete(want, p)
			}
		case <-deadline:
			t.Fatalf("%d changes never reported", len(want))
		}
	}
	// (On a busy machine the writing alone may take several seconds.)
	if most := int(took/time.Second) + 5; batches > most {
		t.Errorf("2,000 changes, written in %v, came in %d batches; want at most %d", took.Round(time.Millisecond), batches, most)
	}
	t.Logf("2,000 changes, written in %v, in %d batch(es)", took.Round(time.Millisecond), batches)
}
