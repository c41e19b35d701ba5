package meta

import (
	"testing"

	"haven/generator/corpus"
	"haven/generator/diag"
)

// BenchmarkFrontmatter splits and decodes the frontmatter of a generated
// session, as the parse step does for every page.
//
//	go test ./generator/meta -run '^$' -bench Frontmatter
func BenchmarkFrontmatter(b *testing.B) {
	text := []byte(corpus.Session(1, 1, 1))
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		s, d := SplitPage("s.md", text)
		if d != nil {
			b.Fatal(d)
		}
		var diags diag.List
		if p := DecodePage("s.md", s, &diags); p.Title == "" || diags.Len() > 0 {
			b.Fatalf("decoded %+v, %v", p, diags.Sorted())
		}
	}
}
