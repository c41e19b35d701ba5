package generator_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haven/generator"
)

// TestLineEndsAndBOMDoNotChangeOutput builds one page saved plainly, with
// Windows line ends, with a byte order mark, and with spaces after the
// frontmatter fences: the output must be identical.
func TestLineEndsAndBOMDoNotChangeOutput(t *testing.T) {
	plain := "---\ntitle: Home\nsummary: A summary\n---\n## Welcome {duration=10m}\n\nSome *text*.\n\n- a\n- b\n"
	variants := map[string]string{
		"plain":           plain,
		"crlf":            strings.ReplaceAll(plain, "\n", "\r\n"),
		"bom":             "\uFEFF" + plain,
		"bom+crlf":        "\uFEFF" + strings.ReplaceAll(plain, "\n", "\r\n"),
		"trailing spaces": strings.Replace(strings.Replace(plain, "---\n", "---  \n", 1), "\n---\n", "\n--- \t\n", 1),
	}
	var want []byte
	for _, name := range []string{"plain", "crlf", "bom", "bom+crlf", "trailing spaces"} {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "content", "index.md"), []byte(variants[name]), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := generator.Build(context.Background(), generator.Options{Dir: dir})
		if err != nil || !res.OK() {
			t.Fatalf("%s: %v %v", name, err, res.Diagnostics)
		}
		got, err := os.ReadFile(filepath.Join(dir, "public", "facilitator", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Errorf("%s: output differs from the plain file", name)
		}
	}
}
