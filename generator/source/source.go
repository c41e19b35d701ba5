// Package source reads a programme's project folder: its config file, its
// content, and the layouts and static files that override the theme. It is the
// only stage that touches the source tree, and it only reads, through an
// os.Root so that nothing outside the project can be reached.
package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"haven/generator/diag"
	"haven/generator/work"
)

// Limits on what one file may cost, so that a stray video or a generated
// monster cannot stall a build.
const (
	// MaxMarkdownSize is the largest Markdown file haven reads.
	MaxMarkdownSize = 4 << 20
	// MaxAssetSize is the largest other file haven copies.
	MaxAssetSize = 256 << 20
)

// Folder names inside a project.
const (
	ContentDir = "content"
	LayoutsDir = "layouts"
	StaticDir  = "static"
	I18nDir    = "i18n"
)

// ConfigNames are the config file names haven looks for, in order.
var configNames = []string{"haven.yaml", "haven.yml", "haven.toml"}

// File is one file of the project.
type File struct {
	// Path is slash-separated and relative to its folder (content/, layouts/
	// or static/), e.g. "01-start/01-first.md".
	Path string
	// Data is the file's content. Assets are read too, so that later stages
	// never go back to the disk.
	Data []byte
	// Size and ModTime are the file's as it was read.
	Size    int64
	ModTime time.Time
}

// IsMarkdown reports whether the file is a page source.
func (f File) IsMarkdown() bool { return strings.EqualFold(path.Ext(f.Path), ".md") }

// Project is everything haven reads from a project folder.
type Project struct {
	// ConfigName is the config file's name, empty when there is none.
	ConfigName string
	Config     []byte
	// Content holds content/ in path order.
	Content []File
	// Layouts, Static and I18n hold the project's theme overrides, in
	// path order.
	Layouts []File
	Static  []File
	I18n    []File
	// Skipped lists the files of content/ that haven does not read
	// (hidden, backup and temporary files), relative to content/, so that
	// a link to one can say why it finds nothing.
	Skipped []string
}

// Options tunes Load.
type Options struct {
	// Skip reports slash-separated paths relative to the project that must
	// not be read (the output folder when it sits inside the project).
	Skip func(rel string) bool
	// Reuse, when set, may return the content of a file read by an
	// earlier load whose size and time are unchanged (haven watch), so
	// that only changed files are read again. rel is relative to the
	// project.
	Reuse func(rel string, size int64, mod time.Time) ([]byte, bool)

	skipped *[]string
}

// Load reads the project rooted at dir. Problems with single files are added
// to diags; the error is for a project that cannot be read at all.
func Load(dir string, opts Options, diags *diag.List) (*Project, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the project folder: %w", err)
	}
	defer root.Close()

	p := &Project{}
	for _, name := range configNames {
		// Looked at before it is opened: a config file is named, not
		// found by the walk, which refuses what is not a regular file.
		var data []byte
		fi, err := root.Stat(name)
		if err == nil && !fi.Mode().IsRegular() {
			err = errNotRegular
		}
		if err == nil {
			data, _, err = readFile(root, name, MaxMarkdownSize)
		}
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			msg, hint := fmt.Sprintf("cannot read the config file: %v", unwrapPath(err)), "check that you may read it"
			switch {
			case errors.Is(err, errNotRegular):
				msg, hint = "not a regular file (a pipe, device or socket)", "remove it from the project"
			case strings.Contains(err.Error(), "escapes"):
				msg, hint = "symbolic link that points outside the project or nowhere", "copy the file into the project instead"
			}
			diags.Add(diag.Diagnostic{Pos: diag.Position{File: name}, Severity: diag.Error, Message: msg, Hint: hint})
			break
		}
		if p.ConfigName != "" {
			diags.Add(diag.Diagnostic{Pos: diag.Position{File: name}, Severity: diag.Error,
				Message: fmt.Sprintf("two config files, %s and %s", p.ConfigName, name),
				Hint:    "keep one of them"})
			continue
		}
		p.ConfigName, p.Config = name, data
	}

	if fi, err := root.Stat(ContentDir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("no %s/ folder in %s: a programme keeps its pages in content/ (start one with `haven new DIR`)", ContentDir, dir)
	}
	p.Content = walk(root, dir, ContentDir, Options{Skip: opts.Skip, Reuse: opts.Reuse, skipped: &p.Skipped}, diags)
	p.Layouts = walk(root, dir, LayoutsDir, opts, diags)
	p.Static = walk(root, dir, StaticDir, opts, diags)
	p.I18n = walk(root, dir, I18nDir, opts, diags)
	return p, nil
}

// walk reads every file below top, in path order. A missing top is empty.
// The folders are listed by path below dir, the project's folder, where
// root is open; the files are read through root, which no link leads out
// of. (A folder listed through root costs a stat of every file in it.)
func walk(root *os.Root, dir, top string, opts Options, diags *diag.List) []File {
	if _, err := root.Stat(top); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil { // a link out of the project, say: not listed
		cannotRead(diags, top, err)
		return nil
	}
	var files []File
	var reads []toRead // files to read
	fsys := os.DirFS(dir)
	err := fs.WalkDir(fsys, top, func(p string, d fs.DirEntry, err error) error {
		pos := diag.Position{File: p}
		if err != nil {
			cannotRead(diags, p, err)
			return nil
		}
		if p != top && Ignored(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			if opts.skipped != nil {
				*opts.skipped = append(*opts.skipped, strings.TrimPrefix(p, top+"/"))
			}
			return nil
		}
		if opts.Skip != nil && opts.Skip(p) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		mode := d.Type()
		link := mode&fs.ModeSymlink != 0
		if link {
			// Stat through the root follows the link only if it stays
			// inside the project.
			fi, err := root.Stat(p)
			if err != nil {
				diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error,
					Message: "symbolic link that points outside the project or nowhere",
					Hint:    "copy the file into the project instead"})
				return nil
			}
			if fi.IsDir() {
				diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error,
					Message: "symbolic link to a folder: haven does not follow linked folders",
					Hint:    "copy the folder into the project instead"})
				return nil
			}
			mode = fi.Mode().Type()
		}
		if d.IsDir() {
			return nil
		}
		if !mode.IsRegular() {
			diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error,
				Message: "not a regular file (a pipe, device or socket)",
				Hint:    "remove it from the project"})
			return nil
		}
		rel := strings.TrimPrefix(p, top+"/")
		// A link's own size and time say nothing of its target's.
		if opts.Reuse != nil && !link {
			if fi, err := d.Info(); err == nil {
				if data, ok := opts.Reuse(p, fi.Size(), fi.ModTime()); ok {
					files = append(files, File{Path: rel, Data: data, Size: fi.Size(), ModTime: fi.ModTime()})
					return nil
				}
			}
		}
		reads = append(reads, toRead{p, link})
		return nil
	})
	if err != nil {
		diags.Errorf(diag.Position{File: top}, "cannot read: %v", unwrapPath(err))
	}
	// The files themselves are read several at once, each through a root
	// at its folder: a file opened from the project's root is found
	// folder by folder, at several system calls a folder. (A linked file
	// is read from the project's root, which it may point anywhere in.)
	dirs := folderRoots(root, reads)
	defer dirs.close()
	read := make([]File, len(reads))
	errs := make([]error, len(reads))
	work.Each(len(reads), func(i int) {
		p := reads[i].path
		limit := int64(MaxAssetSize)
		if strings.EqualFold(path.Ext(p), ".md") {
			limit = MaxMarkdownSize
		}
		r, name := root, p
		if dir := dirs[path.Dir(p)]; dir != nil && !reads[i].link {
			r, name = dir, path.Base(p)
		}
		data, fi, err := readFile(r, name, limit)
		if err != nil {
			errs[i] = err
			return
		}
		read[i] = File{Path: strings.TrimPrefix(p, top+"/"), Data: data, Size: fi.Size(), ModTime: fi.ModTime()}
	})
	for i, err := range errs {
		if err == nil {
			files = append(files, read[i])
			continue
		}
		hint := "check that the file exists, that you may read it, and that no other program holds it"
		if errors.Is(err, errTooLarge) {
			hint = "split the page into smaller pages, or keep large files (videos, archives) outside the programme"
		}
		diags.Add(diag.Diagnostic{Pos: diag.Position{File: reads[i].path}, Severity: diag.Error, Message: fmt.Sprintf("cannot read: %v", unwrapPath(err)), Hint: hint})
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files
}

// roots are the folders that files are read from, by path below the
// project's root.
type roots map[string]*os.Root

// toRead is a file walk reads: its path below the project's root, and
// whether it is a symbolic link.
type toRead struct {
	path string
	link bool
}

// folderRoots opens a root at each folder of reads that holds a file other
// than a link, the first maxFolderRoots of them. A folder without one (nil,
// or absent) has its files read from the project's root, which reports
// what is wrong with a folder that will not open.
func folderRoots(root *os.Root, reads []toRead) roots {
	dirs := roots{}
	for _, r := range reads {
		dir := path.Dir(r.path)
		if _, ok := dirs[dir]; ok || r.link {
			continue
		}
		if len(dirs) == maxFolderRoots {
			break
		}
		r, err := root.OpenRoot(dir)
		if err != nil {
			r = nil
		}
		dirs[dir] = r
	}
	return dirs
}

// maxFolderRoots bounds the folders held open while files are read: a
// project of thousands of folders (pictures in static/, say) must not run
// out of file handles.
const maxFolderRoots = 256

func (rs roots) close() {
	for _, r := range rs {
		if r != nil {
			r.Close()
		}
	}
}

var (
	errTooLarge   = errors.New("file too large")
	errNotRegular = errors.New("not a regular file (a pipe, device or socket)")
)

// mebibytes writes a size so that one over a limit never reads as the limit.
func mebibytes(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.2f MiB (%d bytes)", float64(n)/(1<<20), n)
}

func readFile(root *os.Root, name string, limit int64) ([]byte, fs.FileInfo, error) {
	f, err := root.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, errNotRegular
	}
	if fi.Size() > limit {
		return nil, nil, fmt.Errorf("%w: %s, the limit is %d MiB", errTooLarge, mebibytes(fi.Size()), limit>>20)
	}
	// Read into a buffer of the file's size (and a byte more, to see a
	// file that grew), not one grown by doubling.
	data := make([]byte, 0, fi.Size()+1)
	lr := io.LimitReader(f, limit+1)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := lr.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
	}
	if int64(len(data)) > limit {
		return nil, nil, fmt.Errorf("%w: the limit is %d MiB", errTooLarge, limit>>20)
	}
	return data, fi, nil
}

// cannotRead reports a file or folder that could not be read.
func cannotRead(diags *diag.List, file string, err error) {
	diags.Add(diag.Diagnostic{Pos: diag.Position{File: file}, Severity: diag.Error, Message: fmt.Sprintf("cannot read: %v", unwrapPath(err)), Hint: "check that the file exists, that you may read it, and that no other program holds it"})
}

// unwrapPath drops the path from a *fs.PathError, since the diagnostic
// already names the file.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Transient reports whether a name is an editor's or the system's
// passing file (swap files, backups ending in ~, .DS_Store): skipped without
// a word, unlike an author's hidden or backup file, which is reported.
func Transient(name string) bool {
	switch {
	case strings.HasSuffix(name, "~"), name == "4913", name == ".DS_Store", name == "Thumbs.db", name == "desktop.ini",
		strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"), strings.HasPrefix(name, ".#"),
		strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"), strings.HasPrefix(name, ".goutputstream-"),
		strings.HasSuffix(name, "___jb_tmp___"), strings.HasSuffix(name, "___jb_old___"):
		return true
	}
	return false
}

// Ignored reports whether a file or folder name is one haven never reads:
// hidden names and the temporary and backup files that editors leave behind.
func Ignored(name string) bool {
	return Transient(name) || strings.HasPrefix(name, ".") || // .git and every hidden file
		strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".bak")
}
