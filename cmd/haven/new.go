package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"haven"
)

func runNew(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("haven new", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: haven new DIR\n\nStarts a new programme in DIR (a new or empty folder) from haven's sample programme.\n")
	}
	pos, code, ok := parse(fs, args, stderr)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageError(stderr, "new takes the folder to create, e.g. haven new my-programme")
	}
	dir := pos[0]
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return usageError(stderr, "%s already exists and is not empty; haven new only writes into a new or empty folder, so nothing was changed", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return usageError(stderr, "cannot use %s: %v", dir, err)
	}
	if err := copySample(dir); err != nil {
		fmt.Fprintf(stderr, "haven: %v\n", err)
		return exitContent
	}
	fmt.Fprintf(stdout, `Started a new programme in %[1]s from the sample.

Next:
  1. Build it:   haven build %[1]s
  2. Open %[2]s in your browser.
  3. Edit the pages in %[3]s, then build again.
     Start with content/index.md, the programme's home.
`, dir, filepath.Join(dir, "public", "facilitator", "index.html"), filepath.Join(dir, "content"))
	return exitOK
}

func copySample(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	return fs.WalkDir(haven.Sample, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return err
		}
		if d.IsDir() {
			return root.MkdirAll(p, 0o755)
		}
		data, err := fs.ReadFile(haven.Sample, p)
		if err != nil {
			return err
		}
		f, err := root.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}
