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
)

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("haven build", flag.ContinueOnError)
	site := addSiteFlags(fs)
	strict := fs.Bool("strict", false, "treat warnings as errors")
	quiet := fs.Bool("quiet", false, "print only problems")
	format := fs.String("format", "text", "diagnostics format: text or json")
	force := fs.Bool("force", false, "write into an output folder that holds files haven did not write (haven still removes only its own files, and never writes over others')")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: haven build [DIR] [options]\n\nBuilds the programme in DIR (default: this folder) into DIR/public.\n\nOptions:\n")
		fs.PrintDefaults()
	}
	pos, code, ok := parse(fs, args, stderr)
	if !ok {
		return code
	}
	dir, code, ok := projectDir("build", pos, stderr)
	if !ok {
		return code
	}
	if !checkFormat(*format) {
		return usageError(stderr, "--format must be text or json, not %q", *format)
	}

	start := time.Now()
	opts := generator.Options{Dir: dir, Out: *site.out, Minify: *site.minify, Strict: *strict, Edition: *site.edition, Force: *force}
	var prog *progress
	if !*quiet && *format == "text" {
		prog = newProgress(stderr, *site.edition)
		opts.Progress = prog.update
	}
	res, err := generator.Build(ctx, opts)
	if prog != nil {
		prog.finish()
	}
	if res != nil {
		printDiagnostics(stderr, *format, dir, res.Diagnostics)
	}
	if err != nil {
		var ue *publish.UsageError
		if errors.As(err, &ue) || res == nil {
			return usageError(stderr, "%v", err)
		}
		fmt.Fprintf(stderr, "haven: %v\n", err)
		return exitContent
	}
	if !res.OK() {
		if *format == "text" {
			fmt.Fprintf(stderr, "haven: %s; nothing was written\n", plural(res.Errors, "error", "errors"))
		}
		return exitContent
	}
	if !*quiet {
		var parts []string
		for _, e := range res.Editions {
			parts = append(parts, fmt.Sprintf("the %s edition (%s)", e.Name, plural(e.Pages, "page", "pages")))
		}
		fmt.Fprintf(stdout, "Built %s into %s in %s. Open %s\n",
			strings.Join(parts, " and "), display(res.OutDir), time.Since(start).Round(time.Millisecond), display(res.Entry))
		var idx []string
		for _, e := range res.Editions {
			idx = append(idx, fmt.Sprintf("%s %s (%s a page)", e.Name, kilobytes(e.SearchBytes), kilobytes(e.SearchBytes/max(e.Pages, 1))))
		}
		fmt.Fprintf(stdout, "Search index: %s.\n", strings.Join(idx, ", "))
		if w := len(res.Diagnostics); w > 0 {
			fmt.Fprintf(stdout, "%s above.\n", plural(w, "warning", "warnings"))
		}
	}
	return exitOK
}
