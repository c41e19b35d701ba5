package publish

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	mhtml "github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/parse/v2"

	"haven/generator/corpus"
	"haven/generator/diag"
	"haven/generator/markdown"
	"haven/generator/meta"
)

// checkPlain holds the plain minifier to the HTML minifier on doc, and
// reports whether it took doc.
func checkPlain(t *testing.T, mf *Minifier, doc []byte) bool {
	t.Helper()
	orig := bytes.Clone(doc)
	var pm plainMinifier
	got, ok := pm.minify(doc)
	if !bytes.Equal(doc, orig) {
		t.Fatalf("%q was changed to %q", orig, doc)
	}
	if !ok {
		if got != nil {
			t.Errorf("%q: refused, but wrote %q", doc, got)
		}
		return false
	}
	want, err := mf.general("text/html", doc)
	if err != nil {
		t.Errorf("%q: minified as %q, where the HTML minifier fails: %v", doc, got, err)
		return true
	}
	if string(got) != string(want) {
		t.Errorf("%q:\nminified as %q\nthe HTML minifier gives %q", doc, got, want)
	}
	return true
}

// FuzzPlainMinify: whatever the bytes, HTML the plain minifier takes comes
// out as the HTML minifier writes it.
func FuzzPlainMinify(f *testing.F) {
	for _, s := range []string{
		"", "text", " a ", "<p>a</p>\n<p>b</p>\n", "<p> a <em>b</em> c </p>", "<p>a <em> b </em> c</p>",
		"<li><p>x</p>\n</li>", "<span> </span>", "<em>a</em> <strong>b</strong>", "<br>\n", "<p>a<br>\nb</p>",
		"<pre><code>  a\n\n b  </code></pre>\n<p>x</p>", `<a href=" HTTPS://Example.org/A ">x</a>`, `<a href="http:x">x</a>`,
		`<a href="data:text/plain,x">x</a>`, `<img src="a.png" alt="Tom &amp; &quot;Jo&quot;">`, `<p class=" a  b " id="">x</p>`,
		`<td colspan="1" rowspan="2" align="left">x</td>`, `<input type="checkbox" checked="" disabled="">`,
		`<input type="text">`, `<input type="text\n">`, `<button type="\tsubmit">x</button>`, `<br />`, `<a id="x" name="x">y</a>`, `<p title="it's &quot;q&quot;">x</p>`, "<p>a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;</p>",
		"<p>&ldquo;q&rdquo; &lsquo;s&rsquo; &ndash; &mdash; &hellip;</p>", "<p>\t a \n\n b \r\n</p>", "<h2 id=\"x\">T</h2>",
		"<div class=\"callout\" role=\"note\">\n<p class=\"callout-label\"><span>F</span></p>\n<p>t</p>\n</div>\n",
		"<ul>\n<li>a</li>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> b</li>\n</ul>\n", "<sup id=\"fnref:1\"><a href=\"#fn:1\" class=\"footnote-ref\" role=\"doc-noteref\">1</a></sup>",
		"<q>a</q> b", "<button type=\"submit\">x</button>", "<label for=\" a \">x</label>", "x <code> </code> y",
	} {
		f.Add([]byte(s))
	}
	mf := NewMinifier()
	f.Fuzz(func(t *testing.T, doc []byte) { checkPlain(t, mf, doc) })
}

// FuzzPlainMinifyMarkdown: on the HTML of haven's Markdown, for either
// edition, the plain minifier writes what the HTML minifier writes.
func FuzzPlainMinifyMarkdown(f *testing.F) {
	for _, s := range []string{
		"# T\n\nSome *text* and **more**, a [link](a.md#x \"t\") & `code`.\n",
		"- a\n- b\n\n1. one\n2. two\n\n> quote\n\n---\n\n```go\nx := 1 < 2\n```\n",
		"| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [ ] task\n- [x] done\n",
		"::: facilitator\nNotes \"quoted\" don't.\n:::\n\n## Step {duration=10m}\n\nText[^1].\n\n[^1]: Note.\n",
		"Term\n: Definition\n\n<div>raw</div>\n\n![alt *x*](p.png) www.example.org x@example.org <https://example.org>\n",
		"Line one  \nline two\\\nthree -- four --- five... 'single' \"double\"\n",
		"* a\n\n  b\n* c\n\n    code\n\n~~gone~~ H~2~O\n",
	} {
		f.Add(s)
	}
	md := markdown.New(markdown.Options{})
	mf := NewMinifier()
	f.Fuzz(func(t *testing.T, src string) {
		var dl diag.List
		doc := md.Parse([]byte(src), func(int) diag.Position { return diag.Position{} }, &dl)
		for _, participant := range []bool{false, true} {
			var b bytes.Buffer
			if err := md.Render(&b, doc, participant); err != nil {
				return
			}
			checkPlain(t, mf, b.Bytes())
		}
	})
}

// TestPlainMinifyTakesPages: the pages of a generated programme and of the
// sample are minified by the plain minifier (so it is the one a build
// uses), to the HTML minifier's bytes.
func TestPlainMinifyTakesPages(t *testing.T) {
	dir := t.TempDir()
	if err := corpus.Write(dir, 40, 1); err != nil {
		t.Fatal(err)
	}
	md := markdown.New(markdown.Options{})
	mf := NewMinifier()
	for _, top := range []string{filepath.Join(dir, "content"), filepath.Join("..", "..", "content")} {
		err := filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
			if err != nil || !strings.HasSuffix(p, ".md") {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			split, d2 := meta.SplitPage(p, src)
			if d2 != nil {
				t.Fatalf("%s: %v", p, d2)
			}
			var dl diag.List
			doc := md.Parse(split.Body, func(int) diag.Position { return diag.Position{} }, &dl)
			for _, participant := range []bool{false, true} {
				var b bytes.Buffer
				if err := md.Render(&b, doc, participant); err != nil {
					t.Fatal(err)
				}
				if !checkPlain(t, mf, b.Bytes()) {
					t.Errorf("%s is left to the HTML minifier:\n%.400s", p, b.Bytes())
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestPlainMinifyRandom: plain HTML made at random of the elements and
// attributes the plain minifier knows (and a few it does not), with text
// and values of spaces, line breaks, other white space and entities,
// some documents longer than the minifier looks ahead, comes out as the
// HTML minifier writes it. (A default type written with a tab, which the
// minifier drops, was found in review: the values hold such now.)
func TestPlainMinifyRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := slices.Sorted(maps.Keys(elements))
	names = append(names, "video", "option", "colgroup")
	attrs := slices.Sorted(maps.Keys(attributes))
	attrs = append(attrs, "aria-label", "data-x", "style", "value")
	texts := []string{"a", " ", "\n", "  ", " b ", "c\nd", "&amp;", "&quot;", "&rsquo;", "&lt;x&gt;", "\t", "é", "&nbsp;", "e  f",
		"\r", "\f", "&#60;", "&#32;", "g\r\nh"}
	values := []string{"", "x", " x ", "1", "one", "a b", "&amp;", "'", "HTTP://X.org", "https://x.org/ ", "text", "data:x,y", "#a",
		"submit", "text\n", "\ttext", "submit\r", "text\f", "&#9;text", "a&#10;b", "&#32;one", " \n ", "Submit"}
	mf := NewMinifier()
	took := 0
	for range 20000 {
		var b strings.Builder
		var open []string
		pieces := 1 + rng.IntN(12)
		if rng.IntN(50) == 0 {
			pieces = 100 + rng.IntN(150) // past the minifier's look-ahead
		}
		for range pieces {
			switch rng.IntN(4) {
			case 0, 1:
				b.WriteString(texts[rng.IntN(len(texts))])
			case 2:
				name := names[rng.IntN(len(names))]
				b.WriteString("<" + name)
				for range rng.IntN(3) {
					b.WriteString(" " + attrs[rng.IntN(len(attrs))])
					if rng.IntN(4) > 0 {
						b.WriteString(`="` + values[rng.IntN(len(values))] + `"`)
					}
				}
				if rng.IntN(8) == 0 {
					b.WriteString(" />")
				} else {
					b.WriteString(">")
				}
				open = append(open, name)
			case 3:
				if len(open) > 0 {
					b.WriteString("</" + open[len(open)-1] + ">")
					open = open[:len(open)-1]
				}
			}
		}
		if checkPlain(t, mf, []byte(b.String())) {
			took++
		}
		if t.Failed() {
			return
		}
	}
	if took < 5000 {
		t.Errorf("the plain minifier took %d of 20000 documents", took)
	}
}

// BenchmarkMinifyMarkdown minifies the HTML of generated pages, as a build
// does (plain), and with the HTML minifier alone.
func BenchmarkMinifyMarkdown(b *testing.B) {
	dir := b.TempDir()
	if err := corpus.Write(dir, 40, 1); err != nil {
		b.Fatal(err)
	}
	md := markdown.New(markdown.Options{})
	var docs [][]byte
	size := 0
	filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".md") {
			return err
		}
		src, _ := os.ReadFile(p)
		split, _ := meta.SplitPage(p, src)
		var dl diag.List
		var h bytes.Buffer
		md.Render(&h, md.Parse(split.Body, func(int) diag.Position { return diag.Position{} }, &dl), false)
		docs, size = append(docs, h.Bytes()), size+h.Len()
		return nil
	})
	mf := NewMinifier()
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			for _, d := range docs {
				mf.Minify("p.html", d)
			}
		}
	})
	b.Run("html", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			for _, d := range docs {
				mf.general("text/html", d)
			}
		}
	})
}

// FuzzFoldless: text that foldless passes is text the HTML minifier's
// folding of white space and entities leaves as it is.
func FuzzFoldless(f *testing.F) {
	for _, s := range []string{"", "a b", "a  b", "a\nb", "a \nb", "a&amp;b", "a\tb", "a\r", " ", "\n", "a &b"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		if !foldless(text) {
			return
		}
		got := parse.ReplaceMultipleWhitespaceAndEntities(bytes.Clone(text), mhtml.EntitiesMap, mhtml.TextRevEntitiesMap)
		if !bytes.Equal(got, text) {
			t.Errorf("foldless(%q), but it folds to %q", text, got)
		}
	})
}
