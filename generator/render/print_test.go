package render

import (
	"testing"
)

// TestRewriteLeavesInputAlone: rewriting a print article's links reads its
// bytes without changing them, nor the byte after them: the same article
// is being written out, as a part of the programme's print page, by
// another goroutine meanwhile. (The HTML lexer writes names in lower case
// and a NUL after the end of what it reads.)
func TestRewriteLeavesInputAlone(t *testing.T) {
	article := `<ARTICLE ID="p-a"><H2 Id="x">Title</H2><SPAN Title="t"><A HREF="b.html#y">link</A></SPAN></ARTICLE>`
	buf := make([]byte, len(article)+8)
	copy(buf, article)
	buf[len(article)] = '!'
	in := buf[:len(article)]
	set := printSet{url: "m/print.html", anchors: map[string]string{"m/a.html": "p-m-a", "m/b.html": "p-m-b"}}
	if _, err := relocate(in, map[string]string{"p-a": "m/a.html", "p-m-b": "m/b.html"}, set); err != nil {
		t.Fatal(err)
	}
	if _, err := set.rewrite("m/a.html", "p-m-a", in); err != nil {
		t.Fatal(err)
	}
	if string(in) != article || buf[len(article)] != '!' {
		t.Errorf("the article was changed: %q, then %q", in, buf[len(article)])
	}
}
