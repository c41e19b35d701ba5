// Package diag holds haven's diagnostics: a problem found in a programme, where
// it is, and how serious it is. Every stage reports through it, so that all
// problems of a build can be collected, sorted and printed together.
package diag

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Severity says whether a problem fails the build.
type Severity int

const (
	// Error fails the build.
	Error Severity = iota
	// Warning is reported but does not fail the build unless --strict is set.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Position is a place in a source file. File is slash-separated and relative
// to the project folder; Line and Col are 1-based, and 0 when unknown.
type Position struct {
	File string
	Line int
	Col  int
}

func (p Position) String() string {
	switch {
	case p.File == "":
		return "haven"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Diagnostic is one problem: where, how serious, what, and (optionally) what
// to do about it.
type Diagnostic struct {
	Pos      Position
	Severity Severity
	Message  string
	// Hint says what the author can do, in plain words. May be empty.
	Hint string
}

// String renders the diagnostic in compiler style:
// path:line:col: error: message (hint).
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	b.WriteString(d.Severity.String())
	b.WriteString(": ")
	b.WriteString(d.Message)
	if d.Hint != "" {
		b.WriteString(" (")
		b.WriteString(d.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// List collects diagnostics. The zero value is ready to use. A List is not
// safe for concurrent use; stages that work in parallel keep one each and
// merge them.
type List struct {
	items []Diagnostic
}

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { l.items = append(l.items, d) }

// Errorf adds an error at pos.
func (l *List) Errorf(pos Position, format string, args ...any) {
	l.Add(Diagnostic{Pos: pos, Severity: Error, Message: fmt.Sprintf(format, args...)})
}

// Warnf adds a warning at pos.
func (l *List) Warnf(pos Position, format string, args ...any) {
	l.Add(Diagnostic{Pos: pos, Severity: Warning, Message: fmt.Sprintf(format, args...)})
}

// Merge appends every diagnostic of other.
func (l *List) Merge(other *List) {
	if other != nil {
		l.items = append(l.items, other.items...)
	}
}

// Len reports how many diagnostics the list holds.
func (l *List) Len() int { return len(l.items) }

// HasErrors reports whether any diagnostic is an error.
func (l *List) HasErrors() bool { return l.Count(Error) > 0 }

// Count reports how many diagnostics have the given severity.
func (l *List) Count(s Severity) int {
	n := 0
	for _, d := range l.items {
		if d.Severity == s {
			n++
		}
	}
	return n
}

// Sorted returns the diagnostics ordered by file, line, column, severity and
// message, with exact duplicates removed, so output never depends on the
// order in which stages ran.
func (l *List) Sorted() []Diagnostic {
	out := slices.Clone(l.items)
	slices.SortStableFunc(out, compare)
	return slices.CompactFunc(out, func(a, b Diagnostic) bool { return compare(a, b) == 0 })
}

// Promote turns every warning into an error (for --strict).
func (l *List) Promote() {
	for i := range l.items {
		l.items[i].Severity = Error
	}
}

func compare(a, b Diagnostic) int {
	return cmp.Or(
		cmp.Compare(a.Pos.File, b.Pos.File),
		cmp.Compare(a.Pos.Line, b.Pos.Line),
		cmp.Compare(a.Pos.Col, b.Pos.Col),
		cmp.Compare(a.Severity, b.Severity),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Hint, b.Hint),
	)
}

// Lines converts byte offsets in a file's text into positions. It is built
// once per file.
type Lines struct {
	file   string
	starts []int  // byte offset at which each line starts
	text   []byte // nil once forgotten
	size   int    // len(text)

	// The last position asked for: positions come mostly in order, so a
	// column is counted on from the last one rather than from the start of
	// its line (which on a long line of links would be quadratic).
	mu                sync.Mutex
	lastLine, lastOff int
	lastCol           int
}

// NewLines indexes text, the whole content of file.
func NewLines(file string, text []byte) *Lines {
	starts := make([]int, 1, bytes.Count(text, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &Lines{file: file, starts: starts, text: text, size: len(text)}
}

// Forget lets the file's text go, once no position within a line will be
// asked for: positions then name the line alone.
func (ls *Lines) Forget() {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.text = nil
}

// File returns the file's path.
func (ls *Lines) File() string { return ls.file }

// Pos returns the position of byte offset off. Columns count characters
// (runes), not bytes, as editors do. An offset below zero gives the file with
// no line.
func (ls *Lines) Pos(off int) Position {
	if off < 0 {
		return Position{File: ls.file}
	}
	off = min(off, ls.size)
	i, found := slices.BinarySearch(ls.starts, off)
	if !found {
		i--
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.text == nil && ls.size > 0 {
		return Position{File: ls.file, Line: i + 1}
	}
	var col int
	if ls.lastCol > 0 && ls.lastLine == i && ls.lastOff <= off {
		col = ls.lastCol + utf8.RuneCount(ls.text[ls.lastOff:off])
	} else {
		col = 1 + utf8.RuneCount(ls.text[ls.starts[i]:off])
	}
	ls.lastLine, ls.lastOff, ls.lastCol = i, off, col
	return Position{File: ls.file, Line: i + 1, Col: col}
}

// Line returns the position of the start of a 1-based line.
func (ls *Lines) Line(line int) Position {
	return Position{File: ls.file, Line: line, Col: 1}
}
