// Package meta splits a page into frontmatter and body and decodes the
// frontmatter strictly into typed structs. Every problem it reports carries
// the line in the file (not in the frontmatter block), and near-miss keys get
// a "did you mean".
package meta

import (
	"bytes"
	"fmt"

	"haven/generator/diag"
)

// Format is a frontmatter syntax.
type Format int

const (
	// None means the file has no frontmatter.
	None Format = iota
	// YAML frontmatter sits between lines of `---`.
	YAML
	// TOML frontmatter sits between lines of `+++`.
	TOML
)

// Split is a page source cut in two.
type Split struct {
	Format Format
	// Block is the frontmatter text, without its delimiter lines.
	Block []byte
	// BlockLine is the 1-based file line on which Block starts.
	BlockLine int
	// Body is the Markdown after the frontmatter.
	Body []byte
	// BodyOffset is the byte offset of Body in the file's text.
	BodyOffset int
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// SplitPage cuts text, the whole content of file, into frontmatter and body.
// A UTF-8 byte order mark is skipped (positions still count from the file's
// first byte). A frontmatter block must start on the first line; a block that
// is never closed is an error, never silently treated as the body.
func SplitPage(file string, text []byte) (Split, *diag.Diagnostic) {
	start := 0
	if bytes.HasPrefix(text, utf8BOM) {
		start = len(utf8BOM)
	}
	rest := text[start:]
	first, _, _ := bytes.Cut(rest, []byte("\n"))
	var delim string
	var format Format
	switch string(bytes.TrimSpace(first)) {
	case "---":
		delim, format = "---", YAML
	case "+++":
		delim, format = "+++", TOML
	default:
		return Split{Body: rest, BodyOffset: start}, nil
	}

	// The block runs to the first line that is the delimiter again
	// (spaces around it allowed); the body starts on the line after.
	// Block and body are slices of text, not copies.
	blockStart := start + len(first) + 1
	var block, body []byte
	found := false
	for pos := blockStart; pos < len(text); {
		end := len(text)
		if nl := bytes.IndexByte(text[pos:], '\n'); nl >= 0 {
			end = pos + nl + 1
		}
		if string(bytes.TrimSpace(text[pos:end])) == delim {
			block, body, found = text[blockStart:pos], text[end:], true
			break
		}
		pos = end
	}
	if !found {
		return Split{}, &diag.Diagnostic{Pos: diag.Position{File: file, Line: 1, Col: 1}, Severity: diag.Error,
			Message: fmt.Sprintf("the frontmatter opened by %q on line 1 is never closed", delim),
			Hint:    fmt.Sprintf("add a line with just %s after the last frontmatter line", delim)}
	}
	return Split{
		Format:     format,
		Block:      block,
		BlockLine:  2,
		Body:       body,
		BodyOffset: len(text) - len(body),
	}, nil
}
