package generator_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haven/generator"
)

// watching runs generator.Watch on a fresh project and hands out its events.
type watching struct {
	t      *testing.T
	dir    string
	out    string
	events chan generator.WatchEvent
}

func startWatch(t *testing.T, files map[string]string) *watching {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		write(t, dir, name, body)
	}
	w := &watching{t: t, dir: dir, out: filepath.Join(dir, "public"), events: make(chan generator.WatchEvent, 100)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- generator.Watch(ctx, generator.Options{Dir: dir, Minify: true}, generator.WatchOptions{},
			func(ev generator.WatchEvent) { w.events <- ev })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Watch: %v", err)
		}
	})
	ev := w.next()
	if ev.Err != nil || !ev.Result.OK() {
		t.Fatalf("first build: %v %v", ev.Err, ev.Result.Diagnostics)
	}
	return w
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

func (w *watching) next() generator.WatchEvent {
	w.t.Helper()
	select {
	case ev := <-w.events:
		return ev
	case <-time.After(20 * time.Second):
		w.t.Fatal("no build")
	}
	return generator.WatchEvent{}
}

// until takes builds until ok holds.
func (w *watching) until(ok func() bool) {
	w.t.Helper()
	for !ok() {
		w.next()
	}
}

// none asserts that no build follows for a while.
func (w *watching) none(d time.Duration) {
	w.t.Helper()
	select {
	case ev := <-w.events:
		w.t.Errorf("unexpected build after %v", ev.Changed)
	case <-time.After(d):
	}
}

func (w *watching) read(name string) string {
	data, _ := os.ReadFile(filepath.Join(w.out, filepath.FromSlash(name)))
	return string(data)
}

var watchSite = map[string]string{
	"haven.yaml":             "title: Watch test\n",
	"content/index.md":       "---\ntitle: Home\n---\nWelcome.\n",
	"content/01-m/index.md":  "---\ntitle: Module\n---\n",
	"content/01-m/01-one.md": "---\ntitle: One\n---\nFirst text.\n",
}

func TestWatchEditorSaves(t *testing.T) {
	w := startWatch(t, watchSite)
	// The output folder sits inside the project: building must not
	// trigger another build.
	w.none(700 * time.Millisecond)
	if !strings.Contains(w.read("facilitator/m/one.html"), "haven-reload.js") {
		t.Error("watch pages do not carry the reload script")
	}

	s := filepath.Join(w.dir, "content/01-m/01-one.md")
	// vim's save: test file, backup by rename, new file, backup removed.
	os.WriteFile(filepath.Join(w.dir, "content/01-m/4913"), nil, 0o644)
	os.Remove(filepath.Join(w.dir, "content/01-m/4913"))
	os.Rename(s, s+"~")
	os.WriteFile(s, []byte("---\ntitle: One\n---\nSecond text.\n"), 0o644)
	os.Remove(s + "~")
	ev := w.next()
	if strings.Join(ev.Changed, " ") != "content/01-m/01-one.md" || !ev.Result.OK() {
		t.Errorf("vim save: changed %v, diagnostics %v", ev.Changed, ev.Result.Diagnostics)
	}
	w.none(500 * time.Millisecond)
	if !strings.Contains(w.read("facilitator/m/one.html"), "Second text.") {
		t.Error("the output lacks the saved text")
	}
	for _, temp := range []string{"facilitator/m/4913", "facilitator/m/01-one.md~"} {
		if _, err := os.Stat(filepath.Join(w.out, temp)); err == nil {
			t.Errorf("a temporary file reached the output: %s", temp)
		}
	}

	// touch: nothing.
	now := time.Now().Add(time.Minute)
	os.Chtimes(s, now, now)
	w.none(500 * time.Millisecond)
}

func TestWatchErrorThenFix(t *testing.T) {
	w := startWatch(t, watchSite)
	before := readTree(t, w.out)

	write(t, w.dir, "content/01-m/01-one.md", "---\ntitel: One\n---\nBroken <b>.\n")
	ev := w.next()
	if ev.Result.OK() {
		t.Fatal("a broken page built")
	}
	status := w.read("facilitator/" + generator.WatchStatusFile)
	if !strings.Contains(status, `unknown key \"titel\"`) {
		t.Errorf("the status file does not show the error: %s", status)
	}
	if strings.Contains(status, "<b>") {
		t.Errorf("the status file carries raw markup: %s", status)
	}
	after := readTree(t, w.out)
	for name, data := range before {
		if strings.HasSuffix(name, generator.WatchStatusFile) {
			continue
		}
		if !bytes.Equal(after[name], data) {
			t.Errorf("the last good site changed: %s", name)
		}
	}

	write(t, w.dir, "content/01-m/01-one.md", "---\ntitle: One\n---\nFixed text.\n")
	ev = w.next()
	if !ev.Result.OK() {
		t.Fatalf("the fix did not build: %v", ev.Result.Diagnostics)
	}
	if !strings.Contains(w.read("facilitator/m/one.html"), "Fixed text.") {
		t.Error("the fix is not in the output")
	}
	if status := w.read("facilitator/" + generator.WatchStatusFile); strings.Contains(status, "titel") {
		t.Errorf("the error stays in the status after the fix: %s", status)
	}
}

func TestWatchRenamesAndDeletes(t *testing.T) {
	w := startWatch(t, watchSite)
	// A new folder with a session, created in one step.
	write(t, w.dir, "content/02-new/01-first.md", "---\ntitle: First new\n---\n")
	w.next()
	if !strings.Contains(w.read("facilitator/new/first.html"), "First new") {
		t.Fatal("the new session was not built")
	}
	os.Rename(filepath.Join(w.dir, "content/02-new"), filepath.Join(w.dir, "content/03-moved"))
	// A busy machine may see the move as two batches: wait for the builds
	// until the moved page is there.
	w.until(func() bool { return strings.Contains(w.read("facilitator/moved/first.html"), "First new") })
	if _, err := os.Stat(filepath.Join(w.out, "facilitator/new/first.html")); err == nil {
		t.Error("the renamed folder's old page is still in the output")
	}
	if !strings.Contains(w.read("facilitator/moved/first.html"), "First new") {
		t.Error("the renamed folder's page is missing")
	}
	os.Remove(filepath.Join(w.dir, "content/03-moved/01-first.md"))
	w.next()
	if _, err := os.Stat(filepath.Join(w.out, "facilitator/moved/first.html")); err == nil {
		t.Error("a deleted page is still in the output")
	}
}

// TestWatchManyChanges changes 2,000 files at once (as a git checkout
// would): the final output equals a clean watch build of the same sources.
func TestWatchManyChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	w := startWatch(t, watchSite)
	for i := range 2000 {
		write(t, w.dir, fmt.Sprintf("content/%02d-m/%04d-s.md", 2+i/200, i),
			fmt.Sprintf("---\ntitle: Session %d\n---\n## Talk {duration=10m}\n\nText %d.\n", i, i))
	}
	// Wait for the first build, then until builds stop coming. A build cut
	// off mid-burst (the watcher's longest wait) may meet a file created but
	// not yet written and report it; the last build, after the burst, must
	// be clean.
	deadline := time.After(2 * time.Minute)
	builds := 0
	quiet := time.Duration(0)
	var last generator.WatchEvent
	for {
		wait := 2 * time.Minute
		if builds > 0 {
			wait = quiet
		}
		select {
		case ev := <-w.events:
			builds++
			last = ev
			if ev.Err != nil {
				t.Fatalf("build: %v", ev.Err)
			}
			quiet = 3*time.Second + 2*ev.Duration
			continue
		case <-time.After(wait):
		case <-deadline:
			t.Fatal("builds never settled")
		}
		break
	}
	if builds == 0 || builds > 4 {
		t.Errorf("2,000 changes gave %d builds", builds)
	}
	if !last.Result.OK() {
		t.Fatalf("the last build, after the burst, failed: %v", last.Result.Diagnostics)
	}
	clean := t.TempDir()
	if _, err := generator.Build(context.Background(), generator.Options{Dir: w.dir, Out: clean, Minify: true, Watch: true}); err != nil {
		t.Fatal(err)
	}
	got, want := readTree(t, w.out), readTree(t, clean)
	if len(got) != len(want) {
		t.Errorf("watch output has %d files, a clean build %d", len(got), len(want))
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s differs from a clean build", name)
		}
	}
}

// TestWatchLinkedFileFollowsItsTarget: a page that is a link to another
// file is read again when that file changes. haven watch keeps what it
// read of a file whose size and time are unchanged, which a link's own
// are when its target is edited: links are always read again.
func TestWatchLinkedFileFollowsItsTarget(t *testing.T) {
	w := startWatch(t, with(watchSite, map[string]string{"content/handouts/sheet.md": "---\ntitle: Sheet\n---\nFirst words.\n"}))
	if err := os.Symlink("../handouts/sheet.md", filepath.Join(w.dir, "content/01-m/02-linked.md")); err != nil {
		t.Skip(err)
	}
	w.until(func() bool { return strings.Contains(w.read("facilitator/m/linked.html"), "First words.") })
	write(t, w.dir, "content/handouts/sheet.md", "---\ntitle: Sheet\n---\nSecond words.\n")
	w.until(func() bool { return strings.Contains(w.read("facilitator/handouts/sheet.html"), "Second words.") })
	if got := w.read("facilitator/m/linked.html"); !strings.Contains(got, "Second words.") {
		t.Errorf("the linked page kept its target's old text:\n%s", got)
	}
}
