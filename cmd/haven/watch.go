package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"haven/generator"
	"haven/generator/publish"
	"haven/generator/watch"
)

func runWatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("haven watch", flag.ContinueOnError)
	site := addSiteFlags(fs)
	poll := fs.Bool("poll", false, "check for changes every half second instead of using file-system events (for network shares and VM folders)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: haven watch [DIR] [options]\n\nBuilds the programme in DIR (default: this folder), then rebuilds it after every change\nuntil Ctrl-C. Pages opened from disk reload themselves after each rebuild.\n\nOptions:\n")
		fs.PrintDefaults()
	}
	pos, code, ok := parse(fs, args, stderr)
	if !ok {
		return code
	}
	dir, code, ok := projectDir("watch", pos, stderr)
	if !ok {
		return code
	}
	opts := generator.Options{Dir: dir, Out: *site.out, Minify: *site.minify, Edition: *site.edition}
	first := true
	err := generator.Watch(ctx, opts, generator.WatchOptions{Poll: *poll}, func(ev generator.WatchEvent) {
		stamp := time.Now().Format("15:04:05")
		if ev.Err != nil {
			fmt.Fprintf(stderr, "%s haven: %v\n", stamp, ev.Err)
			return
		}
		res := ev.Result
		printDiagnostics(stderr, "text", dir, res.Diagnostics)
		what, failed := "built", "not built"
		if !first {
			what = "rebuilt after " + describeChanges(ev)
			failed = "not rebuilt after " + describeChanges(ev)
		}
		if !res.OK() {
			fmt.Fprintf(stderr, "%s %s: %s; the last good site stays, and its open pages show the problem\n",
				stamp, failed, plural(res.Errors, "error", "errors"))
		} else {
			fmt.Fprintf(stdout, "%s %s: %s in %s\n", stamp, what, plural(res.Pages, "page", "pages"), ev.Duration.Round(time.Millisecond))
		}
		if first {
			fmt.Fprintf(stdout, "Watching %s for changes. Open %s; it reloads itself after each change. Press Ctrl-C to stop.\n",
				display(dir), display(res.Entry))
			first = false
		}
	})
	if err != nil {
		var ue *publish.UsageError
		var le *watch.LimitError
		if errors.As(err, &ue) || errors.As(err, &le) {
			return usageError(stderr, "%v", err)
		}
		fmt.Fprintf(stderr, "haven: %v\n", err)
		return exitContent
	}
	return exitOK
}

// describeChanges names what changed, briefly.
func describeChanges(ev generator.WatchEvent) string {
	switch {
	case ev.Full:
		return "many changes"
	case len(ev.Changed) == 1:
		return ev.Changed[0] + " changed"
	case len(ev.Changed) <= 3:
		return strings.Join(ev.Changed, ", ") + " changed"
	}
	return fmt.Sprintf("%d files changed", len(ev.Changed))
}
