package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"haven/generator/diag"
)

// printDiagnostics writes diagnostics in the chosen format: compiler-style
// lines, or one JSON array for editors and CI. Paths are made relative to
// the working folder (diagnostics name files relative to the project, dir),
// so that editors and terminals can open them from where haven ran.
func printDiagnostics(w io.Writer, format, dir string, ds []diag.Diagnostic) {
	ds = slices.Clone(ds)
	for i := range ds {
		if f := ds[i].Pos.File; f != "" && !strings.HasPrefix(f, "theme:") {
			ds[i].Pos.File = filepath.ToSlash(display(filepath.Join(dir, filepath.FromSlash(f))))
		}
	}
	if format == "json" {
		type jsonDiag struct {
			File     string `json:"file"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
			Hint     string `json:"hint,omitempty"`
		}
		out := make([]jsonDiag, 0, len(ds))
		for _, d := range ds {
			out = append(out, jsonDiag{d.Pos.File, d.Pos.Line, d.Pos.Col, d.Severity.String(), d.Message, d.Hint})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(out)
		return
	}
	colour := useColour(w)
	for _, d := range ds {
		line := d.String()
		if colour {
			// Colour the severity only; the words carry the meaning.
			sev := d.Severity.String()
			code := "31" // red
			if d.Severity == diag.Warning {
				code = "33" // yellow
			}
			line = strings.Replace(line, ": "+sev+": ", ": \x1b[1;"+code+"m"+sev+"\x1b[0m: ", 1)
		}
		fmt.Fprintln(w, line)
	}
}

// checkFormat validates --format.
func checkFormat(format string) bool { return format == "text" || format == "json" }

// display shortens a path for messages: relative to the working folder
// when it lies inside it.
func display(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	rel, err := filepath.Rel(wd, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return p
	}
	return rel
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// kilobytes writes a size for people: "850 bytes", "12.4 KB", "3.1 MB".
func kilobytes(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f KB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1000/1000)
}
