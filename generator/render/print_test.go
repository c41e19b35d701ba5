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

// TestRewriteArticle: a print article's ids and the labels that name them
// get the article's prefix, its links are rewritten for the print page,
// its headings move down a level, and every other attribute is copied as
// written, quotes and entities included.
func TestRewriteArticle(t *testing.T) {
	set := printSet{url: "m/print.html", anchors: map[string]string{"m/a.html": "p-m-a", "m/b.html": "p-m-b"}}
	in := `<h2 id="x" class='c  d'>T</h2><label for="f" data-x=a&amp;b>L</label><p title="&quot;q&quot;"><a href="b.html#y" rel=next>b</a> <img src="i.png" alt="Tom &amp; Jo"></p><h5>Five</h5><h6>Six</h6>`
	got, err := set.rewrite("m/a.html", "p-m-a", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `<h3 id="p-m-a--x" class='c  d'>T</h3><label for="p-m-a--f" data-x=a&amp;b>L</label><p title="&quot;q&quot;"><a href="#p-m-b--y" rel=next>b</a> <img src="i.png" alt="Tom &amp; Jo"></p><h6>Five</h6><h6>Six</h6>`
	if string(got) != want {
		t.Errorf("rewrote\n%s\nas\n%s\nwant\n%s", in, got, want)
	}
}
