package browsertest

import (
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

// TestSearchLatencyLarge measures search on a generated programme of 1,000
// sessions opened from disk: the index's size, and the time from a query
// being typed to its results showing, for the first query (which loads the
// index) and for later ones. It is a measurement, not a check of the
// sample, so it runs only when HAVEN_BENCH=1.
func TestSearchLatencyLarge(t *testing.T) {
	if os.Getenv("HAVEN_BENCH") != "1" {
		t.Skip("set HAVEN_BENCH=1 to measure search on 1,000 sessions")
	}
	ctx := Browser(t)
	src, out := t.TempDir(), t.TempDir()
	if err := corpus.Write(src, 1000, 1); err != nil {
		t.Fatal(err)
	}
	res, err := generator.Build(context.Background(), generator.Options{Dir: src, Out: out, Minify: true})
	if err != nil || !res.OK() {
		t.Fatalf("%v %v", err, res.Diagnostics)
	}
	root := filepath.Join(out, "facilitator")
	var total, index int64
	files, _ := filepath.Glob(filepath.Join(root, "search", "*.js"))
	var shards []int64
	for _, f := range files {
		fi, _ := os.Stat(f)
		total += fi.Size()
		switch base := filepath.Base(f); {
		case base == "index.js":
			index = fi.Size()
		case strings.HasPrefix(base, "t-"):
			shards = append(shards, fi.Size())
		}
	}
	slices.Sort(shards)
	t.Logf("index: %d files, %.1f KB in all (%.1f KB a page); index.js %.1f KB; term shards median %.1f KB, largest %.1f KB",
		len(files), float64(total)/1000, float64(total)/1000/float64(res.Editions[0].Pages), float64(index)/1000,
		float64(shards[len(shards)/2])/1000, float64(shards[len(shards)-1])/1000)

	s := newSearchSession(t, ctx, root)
	s.open(t, "index.html", "")
	measure := func(q string) time.Duration {
		s.clearBox(t)
		start := time.Now()
		evalJS[any](t, s, fmt.Sprintf(`(() => { const i = document.getElementById('haven-search-input');
  i.value = %s; i.dispatchEvent(new Event('input', {bubbles: true})); })()`, jsString(q)))
		s.waitJS(t, settledJS, "results for "+q)
		return time.Since(start)
	}
	cold := measure("supervision")
	var warm []time.Duration
	for _, q := range []string{"breath", "courage pause", "kindness", "trust", "journal", "boundary", "ground", "welcome", "reflect", "circle story"} {
		warm = append(warm, measure(q))
	}
	slices.Sort(warm)
	t.Logf("search latency: first query %v (loads the index); later queries median %v, slowest %v (each includes the debounce of ~100 ms)",
		cold.Round(time.Millisecond), warm[len(warm)/2].Round(time.Millisecond), warm[len(warm)-1].Round(time.Millisecond))
}
