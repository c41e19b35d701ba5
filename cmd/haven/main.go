// Command haven builds programme materials (session plans, modules,
// group agreements, handouts) written in Markdown into a website that works
// from disk, prints well and can be hosted anywhere.
//
// Each subcommand lives in its own file; the work is done by the generator
// package.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
)

// Exit statuses.
const (
	exitOK      = 0
	exitContent = 1 // the programme has errors
	exitUsage   = 2 // the command was used wrongly
)

const usage = `haven builds programme materials written in Markdown into a website
that works from disk, prints well and can be hosted anywhere.

Usage:
  haven build [DIR]    build DIR (default: this folder) into DIR/public
  haven watch [DIR]    build, then rebuild after every change until Ctrl-C
  haven check [DIR]    check everything, write nothing
  haven new DIR        start a new programme from the sample
  haven version        print haven's version

Run 'haven COMMAND -h' for a command's options.
`

// gcPercent is the collector's setting haven runs with unless GOGC sets
// another. A build allocates most of what it makes (pages, compressed
// packs) and drops it at once; at Go's default of 100 it collects some
// twenty times a build of 1,000 sessions. At 125 it collects less often
// and builds about 6 % faster, its peak memory 10 % higher, still below
// Hugo's on the same programme at 1,000 and 10,000 sessions (see
// cmd/havenbench/README.md).
const gcPercent = 125

// firstPercent is the setting until the first collection: with it, the
// first comes when the heap reaches 16 times Go's least goal of 4 MiB,
// 64 MiB, rather than at 5 MiB. A build's heap grows from nothing while it
// reads and parses the pages, and the collections it would meet on the
// way (four, at 5, 8, 13 and 27 MiB, at 1,000 sessions) hold back the
// parsing threads far more than their size says: parsing runs at 1.4
// cores of 2 with them, 2 without. Builds under 64 MiB never collect.
const firstPercent = 1600

// tuneCollector applies firstPercent and then, from the first collection
// on, gcPercent; unless getenv gives GOGC a value.
func tuneCollector(getenv func(string) string) {
	if getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(firstPercent)
	// Run when the first collection finds the sentinel unreachable.
	runtime.AddCleanup(&sentinel{}, func(int) { debug.SetGCPercent(gcPercent) }, 0)
}

// sentinel is what tuneCollector watches for the first collection: 32
// bytes, so that it has an allocation of its own (objects under 16 bytes
// without pointers share one, and their cleanups may never run).
type sentinel struct {
	_ *int
	_ [24]byte
}

func main() { os.Exit(command(os.Args[1:])) }

// command runs haven as a process does, and returns its exit status.
func command(args []string) int {
	tuneCollector(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return run(ctx, args, os.Stdout, os.Stderr)
}

// run is the whole command line, testable without a process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "build":
		return runBuild(ctx, rest, stdout, stderr)
	case "check":
		return runCheck(ctx, rest, stdout, stderr)
	case "watch":
		return runWatch(ctx, rest, stdout, stderr)
	case "new":
		return runNew(rest, stdout, stderr)
	case "version", "--version":
		return runVersion(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "haven: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

// parse parses flags that may come before or after the positional
// arguments (`haven build site --out x` and `haven build --out x site`).
// It returns the positional arguments, or an exit status when parsing
// ended the command (-h, or a usage error).
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, int, bool) {
	fs.SetOutput(stderr)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			return nil, exitUsage, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, 0, true
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), 0, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// usageError prints a usage problem and returns the usage exit status.
func usageError(stderr io.Writer, format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(stderr, "haven: %s\n", strings.TrimSpace(msg))
	return exitUsage
}

// siteFlags are the options of the commands that write a site.
type siteFlags struct {
	out, edition *string
	minify       *bool
}

func addSiteFlags(fs *flag.FlagSet) siteFlags {
	return siteFlags{
		out:     fs.String("out", "", "output folder (default DIR/public)"),
		minify:  fs.Bool("minify", true, "minify HTML, CSS, JS and SVG (--minify=false to read the output)"),
		edition: fs.String("edition", "", "build one edition only: facilitator or participant (default: both)"),
	}
}

// projectDir is the one folder a command takes, "." when none is given.
func projectDir(cmd string, pos []string, stderr io.Writer) (string, int, bool) {
	switch len(pos) {
	case 0:
		return ".", 0, true
	case 1:
		return pos[0], 0, true
	}
	return "", usageError(stderr, "%s takes one folder, got %d: %v", cmd, len(pos), pos), false
}
