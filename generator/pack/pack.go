// Package pack builds an edition's offline pack: the whole edition as one
// zip file that unzips into a folder whose index.html opens the site. The
// bytes depend only on the files: entries are sorted, and every entry has
// the same fixed time and mode.
package pack

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"github.com/klauspost/compress/flate"
	"hash/crc32"
	"io"
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

// deflaters keeps flate writers for reuse: each holds about a megabyte of
// tables, which would otherwise be allocated once per file. (A free list
// rather than a sync.Pool, which every garbage collection empties.)
var deflaters = make(chan *deflater, 16)

// deflater is a flate writer with a buffer to write into, kept together,
// and a writer of Huffman coding alone, made when first wanted (see
// numeric).
type deflater struct {
	fw, huff *flate.Writer
	buf      bytes.Buffer
}

func getDeflater() *deflater {
	select {
	case z := <-deflaters:
		return z
	default:
		fw, _ := flate.NewWriter(nil, flate.BestSpeed)
		return &deflater{fw: fw}
	}
}

// putDeflater keeps z for reuse. Its buffer is kept too: it never holds
// more than one chunk compressed.
func putDeflater(z *deflater) {
	select {
	case deflaters <- z:
	default:
	}
}

// chunk is the size of the parts a large file is compressed in, in
// parallel: the parts' streams, each but the last ending at a byte
// boundary (a flush), one after another make one deflate stream.
const chunk = 512 << 10

// Run is the parts [From, To) of a file given to AddParts, named: every
// run of one name in a pack is the same bytes (a module's articles, on its
// print page and on the programme's), compressed once, for the first file
// that holds it, and its stream reused by the others.
type Run struct {
	From, To int
	Name     string
}

// AddParts compresses one file, given as parts to be joined, into the pack
// (the parts are never joined in memory). Runs, in order and apart, name
// runs of parts that other files hold too. It is safe for concurrent use.
func (b *Builder) AddParts(path string, parts [][]byte, runs ...Run) error {
	crc, size := checksum(parts)
	e := entry{path: path, crc: crc, size: size}
	at := 0
	for _, run := range runs {
		if run.From < at || run.To < run.From || run.To > len(parts) {
			return fmt.Errorf("packing %s: runs out of order or out of range", path)
		}
		at = run.To
	}
	// The stream: the parts between runs, each run's own (which ends
	// with a flush), and the rest, which ends the stream.
	add := func(spans []span, err error) error {
		e.spans = append(e.spans, spans...)
		if err != nil {
			return fmt.Errorf("packing %s: %w", path, err)
		}
		return nil
	}
	at = 0
	for _, run := range runs {
		if at < run.From {
			if err := add(b.stream(parts[at:run.From], false)); err != nil {
				return err
			}
		}
		if err := add(b.shared(run, parts)); err != nil {
			return err
		}
		at = run.To
	}
	if err := add(b.stream(parts[at:], true)); err != nil {
		return err
	}
	for _, sp := range e.spans {
		e.n += sp.n
	}
	b.mu.Lock()
	b.entries = append(b.entries, e)
	b.mu.Unlock()
	return nil
}

// stream compresses parts and keeps the result (see store); last ends the
// stream, otherwise it ends with a flush.
func (b *Builder) stream(parts [][]byte, last bool) ([]span, error) {
	c, err := deflate(parts, last)
	if err != nil {
		return nil, err
	}
	return b.store(c)
}

// shared returns the stream of run's parts, compressed by the first file
// that holds the run; the others wait for it, and must hold the same bytes
// (else their entries' checksums would not be their streams').
func (b *Builder) shared(run Run, parts [][]byte) ([]span, error) {
	own := parts[run.From:run.To]
	crc, size := checksum(own)
	b.mu.Lock()
	if b.runs == nil {
		b.runs = map[string]*sharedRun{}
	}
	s, made := b.runs[run.Name]
	if !made {
		s = &sharedRun{done: make(chan struct{}), crc: crc, size: size}
		b.runs[run.Name] = s
	}
	b.mu.Unlock()
	if made {
		if s.crc != crc || s.size != size {
			return nil, fmt.Errorf("the run %s holds other bytes than in the file that first held it", run.Name)
		}
		<-s.done
		return s.spans, s.err
	}
	s.err = errUnfinished // should compressing panic, those waiting see it
	defer close(s.done)
	s.spans, s.err = b.stream(own, false)
	return s.spans, s.err
}

// checksum is the CRC-32 (a zip entry's) and size of parts, joined.
func checksum(parts [][]byte) (crc uint32, size int) {
	for _, p := range parts {
		crc = crc32.Update(crc, crc32.IEEETable, p)
		size += len(p)
	}
	return crc, size
}

var errUnfinished = errors.New("a run shared with another file was not compressed")

// sharedRun is a run's stream, once made (done is closed).
type sharedRun struct {
	done  chan struct{}
	crc   uint32 // of the run's bytes, and their size
	size  int
	spans []span
	err   error
}

// deflate compresses data at the fastest level: the site's text still
// shrinks to about a fifth, at a fraction of the default level's time.
// Numbers (see numeric) get Huffman coding alone. A large file (a
// programme's print page) is compressed in parts in parallel, each part
// starting afresh; the stream is the same whatever the machine. It returns
// the stream's pieces, each exactly sized (a pack's compressed files are
// held until it is written); last ends the stream, otherwise it ends with
// a flush, for more to follow.
func deflate(parts [][]byte, last bool) ([][]byte, error) {
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	huff := numeric(parts, total)
	if total <= chunk {
		c, err := deflatePart(parts, last, huff)
		return [][]byte{c}, err
	}
	n := (total + chunk - 1) / chunk
	out := make([][]byte, n)
	errs := make([]error, n)
	work.Each(n, func(i int) {
		out[i], errs[i] = deflatePart(slice(parts, i*chunk, min(total, (i+1)*chunk)), last && i == n-1, huff)
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// numeric reports whether data (parts, joined; total bytes) is mostly
// numbers, by its first 4 KiB: nine bytes in ten digits or commas, as in the search
// index's postings. Such text has few repeats for LZ77 to find: Huffman
// coding alone makes it barely larger (a tenth, against pages' two and a
// half times), at a third of the time.
func numeric(parts [][]byte, total int) bool {
	limit := min(total, 4096) // the bytes to look at
	// Text that is not numbers is told after a tenth of limit of other
	// bytes: a few hundred, not the whole 4 KiB.
	rest, others := limit, 0
	for _, p := range parts {
		for _, c := range p[:min(len(p), rest)] {
			if (c < '0' || c > '9') && c != ',' {
				if others++; others*10 > limit {
					return false
				}
			}
		}
		if rest -= min(len(p), rest); rest == 0 {
			break
		}
	}
	return limit > 0
}

// slice returns bytes [from, to) of the parts joined, as parts.
func slice(parts [][]byte, from, to int) [][]byte {
	var out [][]byte
	at := 0
	for _, p := range parts {
		lo, hi := max(from-at, 0), min(to-at, len(p))
		if lo < hi {
			out = append(out, p[lo:hi])
		}
		at += len(p)
		if at >= to {
			break
		}
	}
	return out
}

// deflatePart compresses data (parts, joined) as one part of a stream: the
// last part ends the stream, the others end with a flush. With huff, by
// Huffman coding alone.
func deflatePart(data [][]byte, last, huff bool) ([]byte, error) {
	z := getDeflater()
	defer putDeflater(z)
	fw := z.fw
	if huff {
		if z.huff == nil {
			z.huff, _ = flate.NewWriter(nil, flate.HuffmanOnly)
		}
		fw = z.huff
	}
	size := 0
	for _, p := range data {
		size += len(p)
	}
	z.buf.Reset()
	z.buf.Grow(size/3 + 64) // HTML deflates to about a fifth
	fw.Reset(&z.buf)
	for _, p := range data {
		if _, err := fw.Write(p); err != nil {
			return nil, err
		}
	}
	end := fw.Flush
	if last {
		end = fw.Close
	}
	if err := end(); err != nil {
		return nil, err
	}
	return bytes.Clone(z.buf.Bytes()), nil
}

// Builder gathers the files of a pack as they are made, from several
// goroutines at once. Each is compressed as it comes and only the
// compressed bytes are kept, so that a build need not hold the edition
// whole to pack it.
type Builder struct {
	// Spool, when set, holds the compressed files instead of memory,
	// once Hold bytes of them are held in memory.
	Spool   Spool
	Hold    int
	mu      sync.Mutex
	entries []entry
	held    int                   // bytes held in memory, with a spool
	end     int64                 // of the spool's content
	runs    map[string]*sharedRun // by name
}

// store keeps a piece of stream (given as pieces): in memory, or in the
// spool when there is one and Hold bytes are held in memory already. The
// place in the spool is taken under the lock,
// the bytes written outside it, so that files from several goroutines are
// written at once.
func (b *Builder) store(pieces [][]byte) ([]span, error) {
	n := 0
	for _, p := range pieces {
		n += len(p)
	}
	b.mu.Lock()
	inMemory := b.Spool == nil || b.held+n <= b.Hold
	if inMemory {
		b.held += n
	}
	off := b.end
	if !inMemory {
		b.end += int64(n)
	}
	b.mu.Unlock()
	if inMemory {
		spans := make([]span, len(pieces))
		for i, p := range pieces {
			spans[i] = span{data: p, n: len(p)}
		}
		return spans, nil
	}
	at := off
	for _, p := range pieces {
		if _, err := b.Spool.WriteAt(p, at); err != nil {
			return nil, err
		}
		at += int64(len(p))
	}
	return []span{{off: off, n: n}}, nil
}

type entry struct {
	path  string
	crc   uint32
	size  int
	spans []span // the compressed stream, in pieces
	n     int    // compressed bytes in all
}

// span is a piece of a compressed stream: data in memory, or n bytes at
// off in the spool.
type span struct {
	data []byte
	off  int64
	n    int
}

// Spool is where a Builder may keep compressed files until the pack is
// written, rather than in memory: a file in the staging folder, say.
type Spool interface {
	io.WriterAt
	io.ReaderAt
}

// Add compresses one file into the pack. It is safe for concurrent use.
func (b *Builder) Add(path string, data []byte) error {
	return b.AddParts(path, [][]byte{data})
}

// Zip packs files into a zip whose entries all sit in folder.
func Zip(folder string, files []File) ([]byte, error) {
	var b Builder
	errs := make([]error, len(files))
	work.Each(len(files), func(i int) { errs[i] = b.Add(files[i].Path, files[i].Data) })
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return b.Zip(folder)
}

// Zip returns the pack (see WriteTo).
func (b *Builder) Zip(folder string) ([]byte, error) {
	var buf bytes.Buffer
	b.mu.Lock()
	size := 0
	for _, e := range b.entries {
		size += e.n + 2*len(folder+e.path) + 128 // with its headers
	}
	b.mu.Unlock()
	buf.Grow(size)
	if err := b.WriteTo(&buf, folder); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Check reports two files with one path, which WriteTo refuses.
func (b *Builder) Check() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, err := b.sorted()
	return err
}

// sorted sorts the entries by path and refuses two with one path. The
// caller holds mu.
func (b *Builder) sorted() ([]entry, error) {
	slices.SortFunc(b.entries, func(a, b entry) int { return strings.Compare(a.path, b.path) })
	for i, e := range b.entries {
		if i > 0 && b.entries[i-1].path == e.path {
			return nil, fmt.Errorf("packing %s: two files with this path", e.path)
		}
	}
	return b.entries, nil
}

// WriteTo writes the pack to out, its entries in folder and in path order
// whatever order they were added in. Two files with one path are refused.
func (b *Builder) WriteTo(out io.Writer, folder string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	sorted, err := b.sorted()
	if err != nil {
		return err
	}
	w := zip.NewWriter(out)
	var copyBuf []byte
	if b.end > 0 {
		copyBuf = make([]byte, 256<<10)
	}
	dirs := map[string]bool{}
	for _, e := range sorted {
		for d := path.Dir(e.path); d != "." && d != "" && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
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
			return err
		}
	}
	for _, e := range sorted {
		h := &zip.FileHeader{
			Name: folder + "/" + e.path, Method: zip.Deflate, Modified: modTime,
			CRC32: e.crc, CompressedSize64: uint64(e.n), UncompressedSize64: uint64(e.size),
		}
		h.ModifiedDate, h.ModifiedTime = msDOSTime(modTime)
		h.SetMode(0o644)
		fw, err := w.CreateRaw(h)
		if err != nil {
			return fmt.Errorf("packing %s: %w", e.path, err)
		}
		for _, sp := range e.spans {
			var err error
			if sp.data != nil || sp.n == 0 {
				_, err = fw.Write(sp.data)
			} else {
				_, err = io.CopyBuffer(fw, io.NewSectionReader(b.Spool, sp.off, int64(sp.n)), copyBuf)
			}
			if err != nil {
				return fmt.Errorf("packing %s: %w", e.path, err)
			}
		}
	}
	return w.Close()
}
