// Package pack builds an edition's offline pack: the whole edition as one
// zip file that unzips into a folder whose index.html opens the site. The
// bytes depend only on the files: entries are sorted, and every entry has
// the same fixed time and mode.
package pack

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"
)

// File is a file to pack, at a slash path relative to the edition root.
type File struct {
	Path string
	Data []byte
}

// modTime is the time every entry carries: the site's files have no
// meaningful time of their own, and a fixed one keeps the zip's bytes
// stable from build to build.
var modTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Zip packs files into a zip whose entries all sit in folder.
func Zip(folder string, files []File) ([]byte, error) {
	sorted := slices.Clone(files)
	slices.SortFunc(sorted, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	// The fastest deflate level: the site's text still shrinks to about a
	// fifth, at a fraction of the time of the default level.
	w.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	dirs := map[string]bool{}
	addDir := func(dir string) error {
		for d := dir; d != "." && d != "" && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
		return nil
	}
	for _, f := range sorted {
		addDir(path.Dir(f.Path))
	}
	// Folders first, in order, so that every unzip tool creates them
	// with sensible permissions.
	all := []string{""}
	for d := range dirs {
		all = append(all, d)
	}
	slices.Sort(all)
	for _, d := range all {
		name := folder + "/"
		if d != "" {
			name += d + "/"
		}
		h := &zip.FileHeader{Name: name, Method: zip.Store, Modified: modTime}
		h.SetMode(0o755 | 1<<31) // a directory
		if _, err := w.CreateHeader(h); err != nil {
			return nil, err
		}
	}
	for _, f := range sorted {
		h := &zip.FileHeader{Name: folder + "/" + f.Path, Method: zip.Deflate, Modified: modTime}
		h.SetMode(0o644)
		fw, err := w.CreateHeader(h)
		if err != nil {
			return nil, fmt.Errorf("packing %s: %w", f.Path, err)
		}
		if _, err := fw.Write(f.Data); err != nil {
			return nil, fmt.Errorf("packing %s: %w", f.Path, err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
