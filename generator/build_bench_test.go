package generator_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"haven/generator"
	"haven/generator/corpus"
)

// BenchmarkBuild builds a generated programme of 1,000 sessions, as
// `haven build` does: both editions with search, print pages and packs,
// and the facilitator edition alone.
//
//	go test ./generator -run '^$' -bench Build -benchtime 5x -cpuprofile cpu.out
//
// HAVEN_BENCH_SESSIONS sets another size, such as 10000.
func BenchmarkBuild(b *testing.B) {
	n := 1000
	if s := os.Getenv("HAVEN_BENCH_SESSIONS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("HAVEN_BENCH_SESSIONS=%q: want a number of sessions", s)
		}
	}
	dir := b.TempDir()
	if err := corpus.Write(dir, n, 1); err != nil {
		b.Fatal(err)
	}
	for _, ed := range []string{"", "facilitator"} {
		name := "both"
		if ed != "" {
			name = ed
		}
		b.Run(name, func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "public")
			b.ReportAllocs()
			steps := map[string]time.Duration{}
			for b.Loop() {
				res, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: out, Minify: true, Edition: ed})
				if err != nil || !res.OK() {
					b.Fatalf("%v %v", err, res.Diagnostics)
				}
				for _, s := range res.Steps {
					steps[s.Name] += s.Duration
				}
			}
			// Each step's share of the wall time, per build.
			for name, d := range steps {
				b.ReportMetric(float64(d.Microseconds())/1000/float64(b.N), "ms-"+strings.ReplaceAll(name, " ", "-"))
			}
		})
	}
}
