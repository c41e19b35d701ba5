package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"haven/generator"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("haven check", flag.ContinueOnError)
	strict := fs.Bool("strict", false, "treat warnings as errors")
	quiet := fs.Bool("quiet", false, "print only problems")
	format := fs.String("format", "text", "diagnostics format: text or json")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: haven check [DIR] [options]\n\nChecks the programme in DIR (default: this folder) and writes nothing.\n\nOptions:\n")
		fs.PrintDefaults()
	}
	pos, code, ok := parse(fs, args, stderr)
	if !ok {
		return code
	}
	dir, code, ok := projectDir("check", pos, stderr)
	if !ok {
		return code
	}
	if !checkFormat(*format) {
		return usageError(stderr, "--format must be text or json, not %q", *format)
	}
	res, err := generator.Build(ctx, generator.Options{Dir: dir, Strict: *strict, Check: true})
	if err != nil {
		return usageError(stderr, "%v", err)
	}
	printDiagnostics(stderr, *format, dir, res.Diagnostics)
	if !res.OK() {
		if *format == "text" {
			fmt.Fprintf(stderr, "haven: %s\n", plural(res.Errors, "error", "errors"))
		}
		return exitContent
	}
	if !*quiet {
		if w := len(res.Diagnostics); w > 0 {
			fmt.Fprintf(stdout, "No errors in %s, but %s above.\n", plural(res.SourcePages, "page", "pages"), plural(w, "warning", "warnings"))
		} else {
			fmt.Fprintf(stdout, "No problems found in %s.\n", plural(res.SourcePages, "page", "pages"))
		}
	}
	return exitOK
}
