package main

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("haven version", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(stderr, "Usage: haven version\n\nPrints haven's version.\n") }
	pos, code, ok := parse(fs, args, stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(stderr, "version takes no arguments")
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintf(stdout, "haven %s\n", v)
	return exitOK
}
