package generator

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"haven/generator/publish"
	"haven/generator/watch"
)

// WatchOptions tunes Watch.
type WatchOptions struct {
	// Poll checks the sources every Interval instead of using file-system
	// events.
	Poll     bool
	Interval time.Duration
}

// WatchEvent is one build under Watch.
type WatchEvent struct {
	// Changed lists the sources that changed (empty for the first build);
	// Full is set when changes may have been missed and everything was
	// looked at again.
	Changed []string
	Full    bool
	Result  *Result
	// Err is a build that could not run at all.
	Err      error
	Duration time.Duration
}

// Watch builds the project, then rebuilds it after every change to its
// sources until ctx ends. Each build is reported. A build with content
// errors writes nothing: the last good site stays, and its pages show the
// errors in a banner. Watch returns early only when it cannot start (the
// output folder is refused, or the folders cannot be watched).
func Watch(ctx context.Context, opts Options, wopts WatchOptions, report func(WatchEvent)) error {
	opts.Watch = true
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return err
	}
	out := opts.Out
	if out == "" {
		out = filepath.Join(dir, "public")
	}
	if out, err = filepath.Abs(out); err != nil {
		return err
	}
	opts.Dir, opts.Out = dir, out
	if err := publish.CheckOutput(dir, out); err != nil {
		return err
	}

	w, err := watch.New(dir, watch.Options{Out: out, Poll: wopts.Poll, Interval: wopts.Interval})
	if err != nil {
		return err
	}
	// Start watching before the first build, so that nothing saved while
	// it runs is missed.
	if err := w.Start(); err != nil {
		return err
	}
	batches := make(chan watch.Batch, 64)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	werr := make(chan error, 1)
	go func() {
		werr <- w.Run(wctx, func(b watch.Batch) {
			select {
			case batches <- b:
			case <-wctx.Done():
			}
		})
	}()

	c := newCache()
	rebuild := func(ev WatchEvent) {
		start := time.Now()
		res, err := build(ctx, opts, c)
		ev.Result, ev.Err, ev.Duration = res, err, time.Since(start)
		if err == nil && res != nil && !res.OK() {
			showErrors(out, res)
		}
		report(ev)
	}
	rebuild(WatchEvent{})
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-werr:
			return err
		case b := <-batches:
			// Everything that arrived while the last build ran goes into
			// this one.
			ev := WatchEvent{Changed: b.Paths, Full: b.Full}
		drain:
			for {
				select {
				case more := <-batches:
					ev.Changed = append(ev.Changed, more.Paths...)
					ev.Full = ev.Full || more.Full
				default:
					break drain
				}
			}
			slices.Sort(ev.Changed)
			ev.Changed = slices.Compact(ev.Changed)
			c.changed = map[string]bool{}
			for _, p := range ev.Changed {
				c.changed[p] = true
			}
			if ev.Full {
				c.files = nil // read everything again
			}
			rebuild(ev)
		}
	}
}

var buildID = regexp.MustCompile(`"build":"([0-9a-f]*)"`)

// showErrors tells the pages of the last good site about a failed build,
// through each edition's status file. The site itself is left as it was.
func showErrors(out string, res *Result) {
	var lines []string
	for _, d := range res.Diagnostics {
		lines = append(lines, d.String())
	}
	for _, ed := range []string{"facilitator", "participant"} {
		status := filepath.Join(out, ed, WatchStatusFile)
		old, err := os.ReadFile(status)
		if err != nil {
			continue
		}
		m := buildID.FindSubmatch(old)
		if m == nil {
			continue
		}
		shown := lines
		if ed == "participant" {
			// The messages may quote facilitator-only text: participant
			// pages only hear that something is wrong.
			shown = []string{fmt.Sprintf("%d problem(s): see the terminal where haven watch runs", len(lines))}
		}
		if err := publish.Replace(out, ed+"/"+WatchStatusFile, WatchStatus(string(m[1]), shown)); err != nil && !errors.Is(err, os.ErrNotExist) {
			continue
		}
	}
}
