package generator_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/tdewolff/parse/v2"
	phtml "github.com/tdewolff/parse/v2/html"

	"haven/generator"
	"haven/generator/publish"
)

// TestMinifiedPagesAsIfMinifiedWhole: pages come from minified layouts with
// their Markdown minified alone, not through the minifier whole. For the
// sample and the basic fixture, each page (put through the minifier, which
// settles escapes and attribute values) must hold what the page written
// unminified and then minified whole holds: the same tags, attributes and
// words in the same order, with white space wherever that has any (a
// space lost between two words or inline elements would join them), and
// be no more than a few per cent larger (escapes such as &#39; and &#34;
// in values cost bytes: small pages come to about 5%, the sample to
// under 2%). Print pages included.
func TestMinifiedPagesAsIfMinifiedWhole(t *testing.T) {
	mf := publish.NewMinifier()
	for name, dir := range map[string]string{"sample": "..", "basic": writeFixture(t, filepath.Join("testdata", "sites", "basic.txtar"))} {
		t.Run(name, func(t *testing.T) {
			plainOut, smallOut := t.TempDir(), t.TempDir()
			for out, minify := range map[string]bool{plainOut: false, smallOut: true} {
				res, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: out, Minify: minify})
				if err != nil || !res.OK() {
					t.Fatalf("build: %v %v", err, res.Diagnostics)
				}
			}
			plain, small := readTree(t, plainOut), readTree(t, smallOut)
			pages, gotSize, wantSize := 0, 0, 0
			for path, got := range small {
				if !strings.HasSuffix(path, ".html") {
					continue
				}
				pages++
				want, err := mf.Minify(path, plain[path])
				if err != nil {
					t.Fatal(err)
				}
				gotSize, wantSize = gotSize+len(got), wantSize+len(want)
				again, err := mf.Minify(path, got)
				if err != nil {
					t.Fatal(err)
				}
				if msg := sameHTML(want, again); msg != "" {
					t.Errorf("%s: %s", path, msg)
				}
				if bytes.Count(got, []byte("\n")) > bytes.Count(want, []byte("\n"))+8 {
					t.Errorf("%s: %d line breaks, where the page minified whole has %d", path, bytes.Count(got, []byte("\n")), bytes.Count(want, []byte("\n")))
				}
			}
			if pages < 10 {
				t.Fatalf("only %d pages", pages)
			}
			t.Logf("%d pages: %d bytes, minified whole %d", pages, gotSize, wantSize)
			if gotSize > wantSize*106/100 {
				t.Errorf("pages are %d bytes, over 6%% more than minified whole (%d)", gotSize, wantSize)
			}
		})
	}
}

// htmlToken is a tag, an attribute or a word of text, and whether white
// space comes before it.
type htmlToken struct {
	text  string
	space bool
}

func htmlTokens(b []byte) []htmlToken {
	var out []htmlToken
	space := false
	lex := phtml.NewLexer(parse.NewInputBytes(bytes.Clone(b)))
	for {
		tt, data := lex.Next()
		switch tt {
		case phtml.ErrorToken:
			return out
		case phtml.TextToken:
			text := html.UnescapeString(string(data))
			if strings.TrimSpace(text) != "" && strings.IndexFunc(text, unicode.IsSpace) == 0 {
				space = true
			}
			words := strings.Fields(text)
			for i, w := range words {
				out = append(out, htmlToken{w, space || i > 0})
				space = false
			}
			if len(text) > 0 && unicode.IsSpace(rune(text[len(text)-1])) {
				space = true
			}
		case phtml.AttributeToken:
			val := strings.Trim(string(lex.AttrVal()), `"'`)
			out = append(out, htmlToken{string(lex.Text()) + "=" + html.UnescapeString(val), false})
		case phtml.StartTagToken, phtml.EndTagToken:
			out = append(out, htmlToken{fmt.Sprintf("%d:%s", tt, lex.Text()), space})
			space = false
		case phtml.StartTagCloseToken, phtml.StartTagVoidToken:
		default:
			out = append(out, htmlToken{string(data), space})
			space = false
		}
	}
}

// sameHTML says where got differs from want, as sameHTML reads them: ""
// when got has want's tokens, and white space wherever want has.
func sameHTML(want, got []byte) string {
	w, g := htmlTokens(want), htmlTokens(got)
	for i := range min(len(w), len(g)) {
		if w[i].text != g[i].text {
			return fmt.Sprintf("token %d is %q, minified whole it is %q", i, g[i].text, w[i].text)
		}
		if w[i].space && !g[i].space {
			return fmt.Sprintf("no white space before token %d %q (after %q)", i, g[i].text, g[max(i-1, 0)].text)
		}
	}
	if len(w) != len(g) {
		return fmt.Sprintf("%d tokens, minified whole %d", len(g), len(w))
	}
	return ""
}

// TestTemplateErrorAtLineAsWritten: a layout that fails while a page is
// written is reported at the line of the layout as the author wrote it,
// not of its minified copy (which is all one line).
func TestTemplateErrorAtLineAsWritten(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"haven.yaml":       "title: T\n",
		"content/index.md": "---\ntitle: Home\n---\nHello.\n",
		"content/about.md": "---\ntitle: About\n---\nAbout.\n",
		"layouts/page.html": "{{define \"main\"}}\n<article>\n  <h1>{{.Title}}</h1>\n" +
			"  <p>{{index .Title 99}}</p>\n</article>\n{{end}}\n",
	}
	writeTree(t, dir, files)
	res, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: filepath.Join(dir, "public"), Minify: true})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, d := range res.Diagnostics {
		msgs = append(msgs, d.String())
	}
	all := strings.Join(msgs, "\n")
	if res.OK() || !strings.Contains(all, "layouts/page.html:4:") {
		t.Errorf("want an error at layouts/page.html:4, got:\n%s", all)
	}
}
