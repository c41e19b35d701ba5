// Command havenbench measures haven against its floor and its peer. It
// generates programmes of the given sizes in a temporary folder, builds each
// several times with haven (both editions with search, print pages and
// packs; and the facilitator edition alone), with the floor (read,
// frontmatter, goldmark, write: no templates), and with Hugo on an
// equivalent site when `hugo` is installed, and prints the median wall time,
// CPU time, peak memory and output size, with ratios to Hugo.
//
//	go run ./cmd/havenbench                 # 1,000 and 10,000 sessions, 5 runs each
//	go run ./cmd/havenbench -sizes 1000 -runs 3
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/adrg/frontmatter"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"haven/generator/corpus"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "floor" {
		if err := floor(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	sizes := flag.String("sizes", "1000,10000", "programme sizes, in sessions")
	runs := flag.Int("runs", 5, "runs of each build; the median is reported")
	out := flag.String("tmp", "", "folder for the corpora and outputs (default: a new temporary folder, removed afterwards; use tmpfs for steadier figures)")
	flag.Parse()
	if err := run(*sizes, *runs, *out); err != nil {
		fmt.Fprintln(os.Stderr, "havenbench:", err)
		os.Exit(1)
	}
}

// result is one build's figures.
type result struct {
	wall, cpu time.Duration
	peak      int64 // bytes
	size      int64 // bytes of output
}

func run(sizeList string, runs int, tmp string) error {
	if tmp == "" {
		t, err := os.MkdirTemp("", "havenbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(t)
		tmp = t
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	haven := filepath.Join(tmp, "haven")
	build := exec.Command("go", "build", "-o", haven, "./cmd/haven")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building haven (run havenbench from the repository's root): %w", err)
	}
	hugo, _ := exec.LookPath("hugo")
	fmt.Printf("machine: %s/%s, %d cores; %d runs each, median\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runs)
	if hugo == "" {
		fmt.Println("hugo: not installed, so no peer figures (apt-get install hugo)")
	} else if v, err := exec.Command(hugo, "version").Output(); err == nil {
		fmt.Printf("hugo: %s", v)
	}
	type sized struct {
		n       int
		names   []string
		results []result
	}
	var all []sized
	for _, s := range strings.Split(sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad size %q", s)
		}
		src, hsrc := filepath.Join(tmp, fmt.Sprintf("prog-%d", n)), filepath.Join(tmp, fmt.Sprintf("hugo-%d", n))
		if err := corpus.Write(src, n, 1); err != nil {
			return err
		}
		if err := corpus.WriteHugo(hsrc, n, 1); err != nil {
			return err
		}
		rows := []struct {
			name string
			cmd  func(out string) *exec.Cmd
		}{
			{"haven build (both editions, search, print, packs)", func(o string) *exec.Cmd {
				return exec.Command(haven, "build", src, "--out", o, "--quiet")
			}},
			{"haven build --edition facilitator", func(o string) *exec.Cmd {
				return exec.Command(haven, "build", src, "--out", o, "--quiet", "--edition", "facilitator")
			}},
			{"floor: read + frontmatter + goldmark + write", func(o string) *exec.Cmd {
				return exec.Command(self, "floor", filepath.Join(src, "content"), o)
			}},
		}
		if hugo != "" {
			rows = append(rows, struct {
				name string
				cmd  func(out string) *exec.Cmd
			}{"hugo", func(o string) *exec.Cmd { return exec.Command(hugo, "-s", hsrc, "-d", o, "--quiet") }})
		}
		// The builds take turns, run by run, so that a shared machine's
		// slower and faster moments fall on all of them alike, and the
		// ratios hold even when the times move.
		runsOf := make([][]result, len(rows))
		for k := range runs {
			for i, r := range rows {
				o := filepath.Join(tmp, fmt.Sprintf("out-%d-%d-%d", n, i, k))
				res, err := measure(r.cmd(o), o)
				if err != nil {
					return fmt.Errorf("%s on %d sessions: %w", r.name, n, err)
				}
				runsOf[i] = append(runsOf[i], res)
				os.RemoveAll(o)
			}
		}
		results := make([]result, len(rows))
		for i := range rows {
			results[i] = median(runsOf[i])
		}
		var names []string
		for _, r := range rows {
			names = append(names, r.name)
		}
		all = append(all, sized{n, names, results})
		fmt.Printf("\n%d sessions:\n", n)
		w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(w, "build\twall\tCPU\tpeak memory\toutput\twall / hugo\twall / floor\t")
		var hugoWall, floorWall time.Duration
		if hugo != "" {
			hugoWall = results[len(results)-1].wall
		}
		floorWall = results[2].wall
		for i, r := range rows {
			res := results[i]
			vsHugo := "-"
			if hugoWall > 0 {
				vsHugo = fmt.Sprintf("%.2f", float64(res.wall)/float64(hugoWall))
			}
			fmt.Fprintf(w, "%s\t%v\t%v\t%d MiB\t%.1f MB\t%s\t%.2f\t\n", r.name, res.wall.Round(time.Millisecond), res.cpu.Round(time.Millisecond),
				res.peak>>20, float64(res.size)/1e6, vsHugo, float64(res.wall)/float64(floorWall))
		}
		w.Flush()
	}
	if len(all) > 1 {
		// How cost grows with the programme: time ~ n^k, and the same for
		// the output, from the smallest size to the largest.
		a, b := all[0], all[len(all)-1]
		fmt.Printf("\ngrowth from %d to %d sessions (exponent k of n^k):\n", a.n, b.n)
		w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(w, "build\twall\tCPU\tpeak memory\toutput\t")
		k := func(x, y int64) string {
			if x <= 0 || y <= 0 {
				return "-"
			}
			return fmt.Sprintf("%.2f", math.Log(float64(y)/float64(x))/math.Log(float64(b.n)/float64(a.n)))
		}
		for i, name := range a.names {
			ra, rb := a.results[i], b.results[i]
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t\n", name, k(int64(ra.wall), int64(rb.wall)), k(int64(ra.cpu), int64(rb.cpu)), k(ra.peak, rb.peak), k(ra.size, rb.size))
		}
		w.Flush()
	}
	return nil
}

// measure runs a build and reads its figures from the kernel's accounting.
func measure(cmd *exec.Cmd, out string) (result, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("%v: %s", err, stderr.String())
	}
	wall := time.Since(start)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	res := result{wall: wall}
	if ru != nil {
		res.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		res.peak = ru.Maxrss * 1024 // kilobytes on Linux
	}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				res.size += fi.Size()
			}
		}
		return nil
	})
	return res, nil
}

func median(rs []result) result {
	pick := func(f func(result) int64) int64 {
		v := make([]int64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return result{
		wall: time.Duration(pick(func(r result) int64 { return int64(r.wall) })),
		cpu:  time.Duration(pick(func(r result) int64 { return int64(r.cpu) })),
		peak: pick(func(r result) int64 { return r.peak }),
		size: pick(func(r result) int64 { return r.size }),
	}
}

// floor does the least any generator must: read each Markdown file, split
// its frontmatter, convert the body with goldmark, write the HTML.
func floor(src, out string) error {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var fm map[string]any
		body, err := frontmatter.Parse(bytes.NewReader(data), &fm)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		var html bytes.Buffer
		if err := md.Convert(body, &html); err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(out, strings.TrimSuffix(rel, ".md")+".html")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, html.Bytes(), 0o644)
	})
}
