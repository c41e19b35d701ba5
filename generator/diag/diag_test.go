package diag

import (
	"slices"
	"testing"
)

// Positions count columns in characters; once the text is forgotten they
// name the line alone.
func TestLinesForget(t *testing.T) {
	ls := NewLines("content/a.md", []byte("first\nsé cond\n\nlast"))
	cases := []struct{ off, line, col int }{
		{0, 1, 1},
		{4, 1, 5},
		{6, 2, 1},
		{10, 2, 4}, // after the two bytes of é
		{15, 3, 1},
		{18, 4, 3},
		{99, 4, 5}, // beyond the text: its end
	}
	for _, c := range cases {
		if got := ls.Pos(c.off); got != (Position{File: "content/a.md", Line: c.line, Col: c.col}) {
			t.Errorf("Pos(%d) = %v, want line %d col %d", c.off, got, c.line, c.col)
		}
	}
	ls.Forget()
	for _, c := range cases {
		if got := ls.Pos(c.off); got != (Position{File: "content/a.md", Line: c.line}) {
			t.Errorf("after Forget, Pos(%d) = %v, want line %d", c.off, got, c.line)
		}
	}
	if got := ls.Pos(-1); got != (Position{File: "content/a.md"}) {
		t.Errorf("Pos(-1) = %v", got)
	}
	// An empty file has nothing to forget: its one position is 1:1.
	empty := NewLines("content/empty.md", nil)
	empty.Forget()
	if got := empty.Pos(0); got != (Position{File: "content/empty.md", Line: 1, Col: 1}) {
		t.Errorf("empty file: Pos(0) = %v", got)
	}
}

// TestLineStarts: every line starts just after a line feed, and only
// there, whatever the ends of the text.
func TestLineStarts(t *testing.T) {
	for _, text := range []string{"", "\n", "a", "a\n", "\n\n", "a\nb", "a\nb\n", "\nab\n\ncd", "é\r\nx"} {
		want := []int{0}
		for i := range len(text) {
			if text[i] == '\n' {
				want = append(want, i+1)
			}
		}
		if got := NewLines("f.md", []byte(text)).starts; !slices.Equal(got, want) {
			t.Errorf("NewLines(%q) starts lines at %v, want %v", text, got, want)
		}
	}
}
