package markdown

import (
	"bytes"
	"io"
	"testing"

	"haven/generator/corpus"
	"haven/generator/diag"
)

// BenchmarkMarkdown parses the body of a generated session (activities,
// callouts, lists, tables) and renders it for both editions, as the parse
// and render steps do for every page.
//
//	go test ./generator/markdown -run '^$' -bench Markdown
func BenchmarkMarkdown(b *testing.B) {
	text := []byte(corpus.Session(1, 1, 1))
	_, body, _ := bytes.Cut(text[4:], []byte("\n---\n")) // after the frontmatter
	m := New(Options{})
	at := func(int) diag.Position { return diag.Position{File: "s.md"} }
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var diags diag.List
			m.Parse(body, at, &diags)
		}
	})
	doc := m.Parse(body, at, &diag.List{})
	b.Run("render", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			for _, participant := range []bool{false, true} {
				if err := m.Render(io.Discard, doc, participant); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
