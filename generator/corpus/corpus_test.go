package corpus

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"haven/generator"
)

func TestCorpusBuildsCleanly(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, 30, 1); err != nil {
		t.Fatal(err)
	}
	res, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: filepath.Join(t.TempDir(), "out")})
	if err != nil || !res.OK() {
		t.Fatalf("%v %v", err, res.Diagnostics)
	}
	if res.SourcePages < 30 {
		t.Errorf("only %d pages", res.SourcePages)
	}
	again := t.TempDir()
	Write(again, 30, 1)
	a, _ := os.ReadFile(filepath.Join(dir, "content/001-module-1/001-session-1-1.md"))
	b, _ := os.ReadFile(filepath.Join(again, "content/001-module-1/001-session-1-1.md"))
	if string(a) != string(b) {
		t.Error("the same seed gave different text")
	}
}
