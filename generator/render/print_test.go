package render

import (
	"bytes"
	"strings"
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
	if err := set.rewrite(new(scratch), "m/a.html", "p-m-a", in); err != nil {
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
	var sc scratch
	if err := set.rewrite(&sc, "m/a.html", "p-m-a", []byte(in)); err != nil {
		t.Fatal(err)
	}
	got := sc.out.Bytes()
	want := `<h3 id="p-m-a--x" class='c  d'>T</h3><label for="p-m-a--f" data-x=a&amp;b>L</label><p title="&quot;q&quot;"><a href="#p-m-b--y" rel=next>b</a> <img src="i.png" alt="Tom &amp; Jo"></p><h6>Five</h6><h6>Six</h6>`
	if string(got) != want {
		t.Errorf("rewrote\n%s\nas\n%s\nwant\n%s", in, got, want)
	}
}

// TestScratchReused: one scratch rewrites articles of any size, larger
// and smaller than the last, as a fresh one does: nothing of an earlier
// article shows in a later one.
func TestScratchReused(t *testing.T) {
	set := printSet{url: "m/print.html", anchors: map[string]string{"m/a.html": "p-m-a", "m/b.html": "p-m-b"}}
	long := strings.Repeat(`<p id="x">Some words <a href="b.html#y">and a link</a>.</p>`, 200)
	var sc scratch
	for _, in := range []string{"<p>short</p>", long, `<h2 id="z">T</h2>`, "", long + long, "<p>again</p>"} {
		if err := set.rewrite(&sc, "m/a.html", "p-m-a", []byte(in)); err != nil {
			t.Fatal(err)
		}
		var fresh scratch
		if err := set.rewrite(&fresh, "m/a.html", "p-m-a", []byte(in)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sc.out.Bytes(), fresh.out.Bytes()) {
			t.Errorf("reused scratch gave %.80q, a fresh one %.80q", sc.out.Bytes(), fresh.out.Bytes())
		}
	}
}

// FuzzLinksStay: whenever the plain scan says an article's links stay,
// the HTML lexer finds no link to move in it.
func FuzzLinksStay(f *testing.F) {
	for _, s := range []string{
		`<p><a href="#p-m-b--end">b</a> <img src="/abs.png" alt=""></p>`, `<p><a href="#p-n-c">c</a></p>`,
		`<a title='src="#' href="#p-n-c">c</a>`, `<p><A HREF="#p-n-c">c</A></p>`, `<img srcset="x.png 2x" src="#p-m-a">`,
		`<a href="handouts/sheet.html">s</a><!-- href="x" -->`, `<script>var href="x"</script><a href=x>`,
	} {
		f.Add(s)
	}
	set := printSet{url: "m/print.html", anchors: map[string]string{"m/a.html": "p-m-a", "m/b.html": "p-m-b"}}
	byAnchor := map[string]string{"p-m-a": "m/a.html", "p-m-b": "m/b.html", "p-n-c": "n/c.html"}
	move := func(val string) (string, bool) { return set.relocateLink(val, byAnchor) }
	f.Fuzz(func(t *testing.T, article string) {
		if !linksStay([]byte(article), move) {
			return
		}
		var moved []string
		if _, err := rewriteHTML([]byte(article), false, linkAttrs, func(_, val string) (string, bool) {
			out, ok := move(val)
			if ok {
				moved = append(moved, val)
			}
			return out, ok
		}); err != nil {
			return
		}
		if moved != nil {
			t.Fatalf("%q: the scan says the links stay; the lexer moves %q", article, moved)
		}
	})
}

// TestRelocateWithoutAScan: an article none of whose links move is used as
// it is (the same bytes, not a copy); one whose links may move goes
// through the lexer; and either way the result is what the lexer's rewrite
// makes of HTML as haven writes it (names in lower case, which the lexer
// would otherwise make so). The plain scan must never miss a link the
// lexer would move: letters href or src anywhere else (text, other
// attributes, another spelling) send the article to the lexer.
func TestRelocateWithoutAScan(t *testing.T) {
	set := printSet{url: "m/print.html", anchors: map[string]string{"m/a.html": "p-m-a", "m/b.html": "p-m-b"}}
	byAnchor := map[string]string{"p-m-a": "m/a.html", "p-m-b": "m/b.html", "p-n-c": "n/c.html"}
	for _, c := range []struct {
		in   string
		stay bool
	}{
		{`<article id="p-m-a"><h3>T</h3><p>No links.</p></article>`, true},
		{`<p><a href="#p-m-b--end">b</a> <a href="#p-m-a">a</a> <a href="https://example.org/">web</a> <img src="/abs.png" alt=""></p>`, true},
		{`<p><a href="#unknown">x</a> <a href="mailto:a@b.org">m</a> <a href="">e</a></p>`, true},
		{`<p><a href="#p-n-c">c</a></p>`, false},                      // to a page not on this print page
		{`<p><a href="#p-n-c--x">c</a></p>`, false},                   // and a place on it
		{`<p><img src="images/i.png" alt=""></p>`, false},             // relative: moves
		{`<p><a href="handouts/sheet.html">s</a></p>`, false},         // relative: moves
		{`<p><A HREF="#p-n-c">c</A></p>`, false},                      // another spelling
		{`<p><a href='#p-n-c'>c</a></p>`, false},                      // other quotes
		{`<p><a href=#p-n-c>c</a></p>`, false},                        // none
		{`<p><a href = "#p-n-c">c</a></p>`, false},                    // spaces
		{`<p><a href="#p-m-a&amp;x">c</a></p>`, false},                // an entity
		{`<p>The src of it.</p><p><a href="#p-n-c">c</a></p>`, false}, // text first
		{`<p><img srcset="x.png 2x" src="#p-m-a" alt=""></p>`, false}, // srcset
		{`<p><a data-href="#p-m-a" href="#p-n-c">c</a></p>`, false},   // a lookalike first
		{`<p>"href="</p>`, false},
		// What looks like a value may be another attribute's, ending
		// earlier: the link after it is still found.
		{`<a title='src="#' href="#p-n-c">c</a>`, false},
		{`<a title='href="/' href="x.html">x</a>`, false},
		{`<a x=src="# href="#p-n-c">c</a>`, false},
		{`<href="# href="`, false},
		{`<a title='src="#p-m-a' href="#p-m-b">b</a>`, true}, // and here stays
	} {
		in := []byte(c.in)
		got, err := relocate(in, byAnchor, set)
		if err != nil {
			t.Fatal(err)
		}
		want, err := rewriteHTML(in, false, linkAttrs, func(_, val string) (string, bool) { return set.relocateLink(val, byAnchor) })
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s:\ngot  %s\nwant %s", c.in, got, want)
		}
		same := len(got) > 0 && &got[0] == &in[0]
		if same != c.stay {
			t.Errorf("%s: used as it is: %v, want %v", c.in, same, c.stay)
		}
	}
}
