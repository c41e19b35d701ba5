package meta

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"haven/generator/corpus"
)

// plainYAMLSeeds are frontmatter blocks of every shape the fast reader
// takes, and of many it must leave to yaml.v3.
var plainYAMLSeeds = []string{
	"title: Session 1\nduration: 90m\ndelivery: [group, online]\ngroup_size: 6-10\nfacilitators: 2\n",
	"title: How stress shows up\nmaterials:\n  - Flipchart and marker pens\n  - Cards, printed\ntags: [stress, brain]\n",
	"materials:\n- a\n- b\ntitle: x\n",
	"# a comment\ntitle: x # not a comment?\n",
	"title: \"Quoted: with colon\"\nsummary: 'single'\n",
	"title: x\ntitle: y\n",
	"title: yes\n", "title: True\n", "title: null\n", "title: ~\n", "title:\n", "title: \n",
	"order: 007\n", "order: 0x1F\n", "order: 1e5\n", "order: 2024-01-02\n", "order: 1_000\n", "order: -3\n",
	"order: 99999999999999999999\n", "order: 12e\n", "duration: 1h30m\n", "start: 09:30\n",
	"title: a\n  continued\n", "params:\n  a: 1\n", "title: &x a\nother: *x\n", "title: !!str 5\n",
	"tags: [a, [b]]\n", "tags: [a, b,]\n", "tags: [ ]\n", "tags: []\n", "tags: [\"a\", 'b c']\n", "tags: [a: b]\n",
	"tags:\n  - a\n   - b\n", "tags:\n  - a\n\n  - b\n", "tags:\n  -\n", "tags:\n  - - a\n", "tags:\n  - a: b\n",
	"title: x\u2028y\n", "title: x\u0085y\n", "title: \ufeffx\n", "title: caf\u00e9 \u00e0 la carte\n",
	"title: a:b\n", "title: http://example.org/x\n", "title: 50% off\n", "title: x:\n", "key:value\n",
	"true: x\n", "y: 1\n", "--- \ntitle: x\n", "title: x\n...\n", "? a\n: b\n", "<<: x\n",
	"title: it's\nsummary: \"brain's\"\n", "tags: [é, b]\n", "tags: [\"é\", b, café crème, c]\n", "title:   spaced   words  \n", "title: [a]x\n", "title: \"a\" b\n",
}

// The fast reader says no, or makes exactly the nodes yaml.v3 makes.
func FuzzPlainYAML(f *testing.F) {
	for _, s := range plainYAMLSeeds {
		f.Add(s)
	}
	for i := 1; i <= 5; i++ {
		s, _ := SplitPage("s.md", []byte(corpus.Session(i, i, uint64(i))))
		f.Add(string(s.Block))
	}
	f.Fuzz(func(t *testing.T, block string) {
		samePlainYAML(t, block)
	})
}

// TestPlainYAMLTakes: the fast reader takes the frontmatter of the sample
// programme and of the generated corpus (else it would save nothing). (The
// seeds are held to yaml.v3 as FuzzPlainYAML's, which go test runs.)
func TestPlainYAMLTakes(t *testing.T) {
	var blocks []string
	for i := 1; i <= 20; i++ {
		s, _ := SplitPage("s.md", []byte(corpus.Session(i, i, uint64(i))))
		blocks = append(blocks, string(s.Block))
	}
	filepath.WalkDir("../../content", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if s, d := SplitPage(p, data); d == nil && s.Format == YAML {
			blocks = append(blocks, string(s.Block))
		}
		return nil
	})
	if len(blocks) < 30 {
		t.Fatalf("only %d blocks found", len(blocks))
	}
	for _, b := range blocks {
		if _, ok := plainYAML([]byte(b)); !ok {
			t.Errorf("the fast reader leaves this block to yaml.v3:\n%s", b)
		}
		samePlainYAML(t, b)
	}
}

func samePlainYAML(t *testing.T, block string) {
	t.Helper()
	got, ok := plainYAML([]byte(block))
	if !ok {
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(block), &doc); err != nil {
		t.Fatalf("the fast reader took a block yaml.v3 refuses (%v):\n%q", err, block)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		t.Fatalf("yaml.v3 read no mapping from a block the fast reader took:\n%q", block)
	}
	if a, b := nodeText(got), nodeText(doc.Content[0]); a != b {
		t.Fatalf("different nodes for\n%q\nfast reader:\n%s\nyaml.v3:\n%s", block, a, b)
	}
}

// nodeText writes what the decoder reads of a node tree.
func nodeText(n *yaml.Node) string {
	var b strings.Builder
	var write func(n *yaml.Node, depth int)
	write = func(n *yaml.Node, depth int) {
		fmt.Fprintf(&b, "%s%d %s %q style=%d at %d:%d anchor=%q alias=%v\n",
			strings.Repeat("  ", depth), n.Kind, n.Tag, n.Value, n.Style, n.Line, n.Column, n.Anchor, n.Alias != nil)
		for _, c := range n.Content {
			write(c, depth+1)
		}
	}
	write(n, 0)
	return b.String()
}
