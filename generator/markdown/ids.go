package markdown

import (
	"html"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"golang.org/x/text/unicode/norm"
)

// ids makes heading ids unique within a page. Unlike goldmark's default it
// keeps letters of every language, so "Café" becomes "café", not "caf".
type ids struct {
	used map[string]bool
	next map[string]int // the next number to try for a base, so repeats stay linear
}

func newIDs() *ids { return &ids{used: map[string]bool{}, next: map[string]int{}} }

// Generate implements parser.IDs.
func (s *ids) Generate(value []byte, _ ast.NodeKind) []byte {
	base := Slug(html.UnescapeString(string(value)))
	if base == "" {
		base = "section"
	}
	// Ids starting "haven-" belong to the theme (haven-main, haven-toc...).
	if strings.HasPrefix(base, "haven-") {
		base = "section-" + base
	}
	id := base
	for s.used[id] {
		s.next[base]++
		id = base + "-" + strconv.Itoa(s.next[base])
	}
	s.used[id] = true
	return []byte(id)
}

// Put implements parser.IDs.
func (s *ids) Put(value []byte) { s.used[string(value)] = true }

// Slug turns text into an identifier for a URL or an anchor: NFC-normalised,
// lower case, letters and digits of any script kept, runs of spaces,
// hyphens and underscores turned into one hyphen, everything else dropped.
// "Check-in & breathing" becomes "check-in-breathing".
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFC.String(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case r == ' ' || r == '-' || r == '_' || r == '\t':
			dash = true
		}
	}
	return b.String()
}
