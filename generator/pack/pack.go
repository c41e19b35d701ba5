// Package pack builds an edition's offline pack: the whole edition as one
// zip file that unzips into a folder whose index.html opens the site. The
// bytes depend only on the files: entries are sorted, and every entry has
// the same fixed time and mode.
package pack

import (
	"archive/zip"
	"bytes"
	"fmt"
	"github.com/klauspost/compress/flate"
	"hash/crc32"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"haven/generator/work"
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

// msDOSTime is the zip format's own date and time of t (CreateRaw, unlike
// CreateHeader, does not fill them in).
func msDOSTime(t time.Time) (date, clock uint16) {
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	clock = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, clock
}

// writers keeps flate writers for reuse: each holds about a megabyte of
// tables, which would otherwise be allocated once per file.
var writers = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(nil, flate.BestSpeed)
	return fw
}}

// deflate compresses data at the fastest level: the site's text still
// shrinks to about a fifth, at a fraction of the default level's time.
func deflate(data []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(data)/3 + 64) // HTML deflates to about a fifth
	fw := writers.Get().(*flate.Writer)
	defer writers.Put(fw)
	fw.Reset(&b)
	if _, err := fw.Write(data); err != nil {
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Zip packs files into a zip whose entries all sit in folder.
func Zip(folder string, files []File) ([]byte, error) {
	sorted := slices.Clone(files)
	slices.SortFunc(sorted, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	// Compress every file in parallel, then write them in order.
	compressed := make([][]byte, len(sorted))
	errs := make([]error, len(sorted))
	work.Each(len(sorted), func(i int) { compressed[i], errs[i] = deflate(sorted[i].Data) })
	size := 0
	for i, f := range sorted {
		size += len(compressed[i]) + 2*len(folder+f.Path) + 128 // with its headers
	}
	var buf bytes.Buffer
	buf.Grow(size)
	w := zip.NewWriter(&buf)
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
	for i, f := range sorted {
		if errs[i] != nil {
			return nil, fmt.Errorf("packing %s: %w", f.Path, errs[i])
		}
		h := &zip.FileHeader{
			Name: folder + "/" + f.Path, Method: zip.Deflate, Modified: modTime,
			CRC32: crc32.ChecksumIEEE(f.Data), CompressedSize64: uint64(len(compressed[i])), UncompressedSize64: uint64(len(f.Data)),
		}
		h.ModifiedDate, h.ModifiedTime = msDOSTime(modTime)
		h.SetMode(0o644)
		fw, err := w.CreateRaw(h)
		if err != nil {
			return nil, fmt.Errorf("packing %s: %w", f.Path, err)
		}
		if _, err := fw.Write(compressed[i]); err != nil {
			return nil, fmt.Errorf("packing %s: %w", f.Path, err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
