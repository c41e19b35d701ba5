package diag

import "testing"

// Positions count columns in characters; once the text is forgotten they
// name the line alone.
func TestLinesForget(t *testing.T) {
	ls := NewLines("content/a.md", []byte("first\nsé cond\n\nlast"))
	cases := []struct {
		off        int
		line, col  int
		lineAfter  int
		beyondText bool
	}{
		{0, 1, 1, 1, false},
		{4, 1, 5, 1, false},
		{6, 2, 1, 2, false},
		{10, 2, 4, 2, false}, // after the two bytes of é
		{15, 3, 1, 3, false},
		{18, 4, 3, 4, false},
		{99, 4, 5, 4, true},
	}
	for _, c := range cases {
		if got := ls.Pos(c.off); got != (Position{File: "content/a.md", Line: c.line, Col: c.col}) {
			t.Errorf("Pos(%d) = %v, want line %d col %d", c.off, got, c.line, c.col)
		}
	}
	ls.Forget()
	for _, c := range cases {
		if got := ls.Pos(c.off); got != (Position{File: "content/a.md", Line: c.lineAfter}) {
			t.Errorf("after Forget, Pos(%d) = %v, want line %d", c.off, got, c.lineAfter)
		}
	}
	if got := ls.Pos(-1); got != (Position{File: "content/a.md"}) {
		t.Errorf("Pos(-1) = %v", got)
	}
}
