package htmllex_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/html"

	"haven/generator/corpus"
	"haven/generator/diag"
	"haven/generator/htmllex"
	"haven/generator/markdown"
	"haven/generator/meta"
	"haven/generator/publish"
)

// tokens lists what a lexer gives for doc: each token's type, bytes, text
// and attribute value, then its error.
func tokens(next func() (html.TokenType, []byte), text, val func() []byte, err func() error) string {
	var b strings.Builder
	for range 1 << 20 {
		tt, data := next()
		fmt.Fprintf(&b, "%v %q %q %q\n", tt, data, text(), val())
		if tt == html.ErrorToken {
			fmt.Fprintf(&b, "err %v\n", err())
			return b.String()
		}
	}
	return b.String() + "no end\n"
}

// check holds the lexer to html.Lexer on doc, and doc unchanged; it
// reports whether the lexer read doc itself.
func check(t *testing.T, doc []byte) bool {
	t.Helper()
	orig := bytes.Clone(doc)
	var l htmllex.Lexer
	l.Reset(doc)
	got := tokens(l.Next, l.Text, l.AttrVal, l.Err)
	theirs := html.NewLexer(parse.NewInputBytes(bytes.Clone(doc)))
	want := tokens(theirs.Next, theirs.Text, theirs.AttrVal, theirs.Err)
	if got != want {
		t.Errorf("%q (plain %v):\ngot\n%s\nwant\n%s", doc, l.Plain(), got, want)
	}
	if !bytes.Equal(doc, orig) {
		t.Errorf("%q was changed to %q", orig, doc)
	}
	return l.Plain()
}

// FuzzLexer: whatever the bytes, the lexer gives html.Lexer's tokens, and
// never changes them.
func FuzzLexer(f *testing.F) {
	for _, s := range []string{
		"", "text", "<p>a</p>", `<p class="x" id="y">a &amp; b</p>`, "<br>", "<br/>", "<br />", `<img src="a.png" alt="">`,
		`<input checked disabled type="checkbox">`, "<P>up</P>", "<p >x</p >", "<!-- c -->", "<script>a<b</script>",
		"a < b", "<p", `<a href="x>y">`, "<a href='x'>", "<a href=x>", "<p  id=\"a\">", "</>", "<3", "a\x00b",
		"<p\tid=\"a\">", `<a b="1"c="2">`, "<h2 id=\"x\">T</h2>\n<p>B</p>\n", "<svg><p></svg>", "<title>x</title>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) { check(t, doc) })
}

// FuzzMarkdownHTML: on the HTML haven's Markdown renders (for either
// edition, minified or not), the lexer gives html.Lexer's tokens.
func FuzzMarkdownHTML(f *testing.F) {
	for _, s := range []string{
		"# T\n\nSome *text* and **more**, a [link](a.md#x \"t\") & `code`.\n",
		"- a\n- b\n\n1. one\n2. two\n\n> quote\n\n---\n\n```go\nx := 1 < 2\n```\n",
		"| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [ ] task\n- [x] done\n",
		"::: facilitator\nNotes \"quoted\" don't.\n:::\n\n## Step {duration=10m}\n\nText[^1].\n\n[^1]: Note.\n",
		"Term\n: Definition\n\n<div>raw</div>\n\n![alt *x*](p.png) www.example.org x@example.org\n",
		"Line one  \nline two\\\nthree -- four --- five...\n",
	} {
		f.Add(s)
	}
	md := markdown.New(markdown.Options{})
	mf := publish.NewMinifier()
	f.Fuzz(func(t *testing.T, src string) {
		var dl diag.List
		doc := md.Parse([]byte(src), func(int) diag.Position { return diag.Position{} }, &dl)
		for _, participant := range []bool{false, true} {
			var b bytes.Buffer
			if err := md.Render(&b, doc, participant); err != nil {
				return
			}
			check(t, b.Bytes())
			if m, err := mf.Minify("page.html", b.Bytes()); err == nil {
				check(t, m)
			}
		}
	})
}

// TestPagesArePlain: the pages of a generated programme, and of the
// sample's kind of Markdown, are read without the other lexer, minified
// or not: otherwise the lexer would be no faster.
func TestPagesArePlain(t *testing.T) {
	dir := t.TempDir()
	if err := corpus.Write(dir, 40, 1); err != nil {
		t.Fatal(err)
	}
	var pages [][]byte
	var names []string
	// The generated programme's, and the sample programme's.
	for _, top := range []string{filepath.Join(dir, "content"), filepath.Join("..", "..", "content")} {
		err := filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".md") {
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				pages, names = append(pages, b), append(names, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	md := markdown.New(markdown.Options{})
	mf := publish.NewMinifier()
	for i, page := range pages {
		split, d := meta.SplitPage("p.md", page)
		if d != nil {
			t.Fatalf("%s: %v", names[i], d)
		}
		var dl diag.List
		doc := md.Parse(split.Body, func(int) diag.Position { return diag.Position{} }, &dl)
		var b bytes.Buffer
		if err := md.Render(&b, doc, false); err != nil {
			t.Fatal(err)
		}
		m, err := mf.Minify("p.html", b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range [][]byte{b.Bytes(), m} {
			if !check(t, h) {
				t.Errorf("%s is not read as plain:\n%.300s", names[i], h)
			}
		}
	}
}

// TestErrAtEnd: at the end of a plain document, Err is io.EOF, as
// html.Lexer's is.
func TestErrAtEnd(t *testing.T) {
	var l htmllex.Lexer
	l.Reset([]byte("<p>x</p>"))
	for {
		if tt, _ := l.Next(); tt == html.ErrorToken {
			break
		}
	}
	if !l.Plain() || l.Err() != io.EOF {
		t.Errorf("plain %v, err %v", l.Plain(), l.Err())
	}
}

// BenchmarkLexer reads the minified HTML of generated pages with the
// lexer and with html.Lexer on a copy, as the lexer's callers did.
func BenchmarkLexer(b *testing.B) {
	dir := b.TempDir()
	if err := corpus.Write(dir, 40, 1); err != nil {
		b.Fatal(err)
	}
	md := markdown.New(markdown.Options{})
	mf := publish.NewMinifier()
	var docs [][]byte
	size := 0
	filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".md") {
			return err
		}
		src, _ := os.ReadFile(p)
		split, _ := meta.SplitPage("p.md", src)
		var dl diag.List
		var h bytes.Buffer
		md.Render(&h, md.Parse(split.Body, func(int) diag.Position { return diag.Position{} }, &dl), false)
		m, _ := mf.Minify("p.html", h.Bytes())
		docs = append(docs, m)
		size += len(m)
		return nil
	})
	b.Run("htmllex", func(b *testing.B) {
		b.SetBytes(int64(size))
		var l htmllex.Lexer
		for b.Loop() {
			for _, d := range docs {
				l.Reset(d)
				for tt, _ := l.Next(); tt != html.ErrorToken; tt, _ = l.Next() {
				}
			}
		}
	})
	b.Run("tdewolff", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			for _, d := range docs {
				l := html.NewLexer(parse.NewInputBytes(bytes.Clone(d)))
				for tt, _ := l.Next(); tt != html.ErrorToken; tt, _ = l.Next() {
				}
			}
		}
	})
}
