package generator_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"haven/generator"
	"haven/generator/corpus"
)

// BenchmarkWatchSave measures, under haven watch on a generated programme of
// 1,000 sessions, the time from writing a session's file to its page in the
// output holding the new text: what an author waits for after a save. It
// reports the median and the 90th percentile, and the median time of the
// whole rebuild (search index, print pages and all), which follows.
//
//	go test ./generator -run '^$' -bench WatchSave -benchtime 20x
func BenchmarkWatchSave(b *testing.B) {
	dir := b.TempDir()
	if err := corpus.Write(dir, 1000, 1); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "public")
	builds := make(chan generator.WatchEvent, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- generator.Watch(ctx, generator.Options{Dir: dir, Out: out, Minify: true}, generator.WatchOptions{},
			func(ev generator.WatchEvent) { builds <- ev })
	}()
	defer func() { cancel(); <-done }()
	if ev := <-builds; ev.Err != nil || !ev.Result.OK() {
		b.Fatalf("first build: %v %v", ev.Err, ev.Result.Diagnostics)
	}
	src := filepath.Join(dir, "content", "005-module-5", "007-session-5-7.md")
	page := filepath.Join(out, "facilitator", "module-5", "session-5-7.html")
	orig, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	var times, rebuilds []time.Duration
	b.ResetTimer()
	for i := range b.N {
		marker := fmt.Sprintf("Edited paragraph number %d.", i)
		text := bytes.Replace(orig, []byte("\n## Activity 1"), []byte("\n"+marker+"\n\n## Activity 1"), 1)
		start := time.Now()
		if err := os.WriteFile(src, text, 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			got, _ := os.ReadFile(page)
			if bytes.Contains(got, []byte(marker)) {
				break
			}
			if time.Since(start) > 30*time.Second {
				b.Fatal("the edit never reached the output")
			}
			time.Sleep(time.Millisecond)
		}
		times = append(times, time.Since(start))
		// Let the build finish before the next save.
		for ev := range builds {
			if strings.Contains(strings.Join(ev.Changed, " "), "007-session-5-7.md") {
				rebuilds = append(rebuilds, ev.Duration)
				break
			}
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[len(times)*9/10].Microseconds())/1000, "ms-p90")
	// The whole rebuild, search index and print pages included.
	slices.Sort(rebuilds)
	b.ReportMetric(float64(rebuilds[len(rebuilds)/2].Microseconds())/1000, "ms-rebuild-median")
}
