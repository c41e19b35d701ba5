package publish

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkWrite writes a site of 1,000 pages of 15 KB (the size of a
// generated session's page) in 32 folders: staging folder, files,
// manifest and swap, as the publish step does for an edition.
//
//	go test ./generator/publish -run '^$' -bench Write
func BenchmarkWrite(b *testing.B) {
	page := bytes.Repeat([]byte("<p>Some words of a session page.</p>"), 15<<10/36)
	var files []File
	for i := range 1000 {
		files = append(files, File{Path: fmt.Sprintf("module-%d/session-%d.html", i%32, i), Data: page})
	}
	out := filepath.Join(b.TempDir(), "public")
	b.SetBytes(int64(len(page) * len(files)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(out, files); err != nil {
			b.Fatal(err)
		}
	}
}
