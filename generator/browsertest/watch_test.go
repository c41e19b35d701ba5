package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"haven/generator"
)

// TestWatchReloadsPagesFromDisk opens a page from disk under haven watch,
// changes its source, and expects the open page to show the new text within
// two seconds of the rebuild, keeping its scroll position; a broken save
// shows a banner on the page (as text), and the fix removes it.
func TestWatchReloadsPagesFromDisk(t *testing.T) {
	ctx := Browser(t)
	dir := t.TempDir()
	long := strings.Repeat("A paragraph to scroll past.\n\n", 120)
	files := map[string]string{
		"haven.yaml":             "title: Watch\n",
		"content/index.md":       "---\ntitle: Home\n---\nWelcome.\n",
		"content/01-m/index.md":  "---\ntitle: Module\n---\n",
		"content/01-m/01-one.md": "---\ntitle: One\n---\nOriginal text.\n\n" + long + "The end.\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wctx, cancel := context.WithCancel(context.Background())
	built := make(chan generator.WatchEvent, 10)
	done := make(chan error, 1)
	go func() {
		done <- generator.Watch(wctx, generator.Options{Dir: dir, Minify: true}, generator.WatchOptions{},
			func(ev generator.WatchEvent) { built <- ev })
	}()
	defer func() {
		cancel()
		<-done
	}()
	next := func() generator.WatchEvent {
		select {
		case ev := <-built:
			return ev
		case <-time.After(20 * time.Second):
			t.Fatal("no build")
		}
		return generator.WatchEvent{}
	}
	if ev := next(); ev.Err != nil || !ev.Result.OK() {
		t.Fatalf("first build: %v", ev.Err)
	}

	page := "file://" + filepath.Join(dir, "public", "facilitator", "m", "one.html")
	tctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	defer tcancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	// Let the reload script read the first status, then scroll down.
	time.Sleep(1200 * time.Millisecond)
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[any](`window.scrollTo(0, 1500)`)); err != nil {
		t.Fatal(err)
	}
	text := func() string {
		s, _ := chromedp.Run(tctx, chromedp.Evaluate[string](`document.body.innerText`))
		return s
	}
	waitFor := func(what string, within time.Duration, ok func() bool) {
		t.Helper()
		end := time.Now().Add(within)
		for time.Now().Before(end) {
			if ok() {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s: not within %v", what, within)
	}

	src := filepath.Join(dir, "content", "01-m", "01-one.md")
	os.WriteFile(src, []byte("---\ntitle: One\n---\nChanged text.\n\n"+long+"The end.\n"), 0o644)
	next()
	waitFor("the page reloads with the new text", 2*time.Second, func() bool { return strings.Contains(text(), "Changed text.") })
	y, err := chromedp.Run(tctx, chromedp.Evaluate[float64](`window.scrollY`))
	if err != nil || y < 1000 {
		t.Errorf("the reload lost the scroll position: scrollY %v (%v)", y, err)
	}

	// A broken save: the page stays, with a banner.
	os.WriteFile(src, []byte("---\ntitel: One\n---\n<b>Broken</b>\n"), 0o644)
	next()
	waitFor("the page shows the error", 2*time.Second, func() bool { return strings.Contains(text(), `unknown key "titel"`) })
	n, _ := chromedp.Run(tctx, chromedp.Evaluate[float64](`document.querySelectorAll('.watch-banner b').length`))
	if n != 0 {
		t.Error("the banner rendered markup from the error")
	}
	if !strings.Contains(text(), "Changed text.") {
		t.Error("the last good page went away")
	}

	// The fix: the banner goes and the new text shows.
	os.WriteFile(src, []byte("---\ntitle: One\n---\nFixed text.\n"), 0o644)
	next()
	waitFor("the page shows the fix", 2*time.Second, func() bool {
		s := text()
		return strings.Contains(s, "Fixed text.") && !strings.Contains(s, "titel")
	})
}
