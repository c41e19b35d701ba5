package publish

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"haven/generator/work"
)

// ManifestName is the file in the output folder that lists every file haven
// wrote there. Only folders holding it are ever replaced.
const ManifestName = ".haven-manifest"

const manifestHeader = "# Written by haven. haven replaces this folder on each build; files not listed here make it stop.\n"

// File is a file to write, at a slash path relative to the output folder.
type File struct {
	Path string
	Data []byte
}

// UsageError is a problem with the output folder itself: nothing was
// written. The command line reports it with exit status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// realPath resolves symbolic links in p, including in the part of it that
// does not exist yet (resolved as far as it exists).
func realPath(p string) string {
	rest := ""
	for cur := p; ; cur = filepath.Dir(cur) {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		}
		if cur == filepath.Dir(cur) {
			return p
		}
		rest = filepath.Join(filepath.Base(cur), rest)
	}
}

// CheckOutput refuses output folders that would put the author's work at
// risk: the project itself, a folder inside its sources, or a folder above
// it, however they are named (symbolic links are resolved). project and
// out must be absolute and clean.
func CheckOutput(project, out string) error {
	if err := checkOutput(project, out); err != nil {
		return err
	}
	return checkOutput(realPath(project), realPath(out))
}

func checkOutput(project, out string) error {
	if out == project {
		return &UsageError{fmt.Sprintf("the output folder %s is the project folder; haven would replace your sources. Use the default (public) or another --out", out)}
	}
	if within(project, out) {
		return &UsageError{fmt.Sprintf("the output folder %s contains the project; choose a folder inside or beside the project, e.g. public", out)}
	}
	for _, src := range []string{"content", "layouts", "static", "i18n"} {
		dir := filepath.Join(project, src)
		if out == dir || within(out, dir) {
			return &UsageError{fmt.Sprintf("the output folder %s is inside the project's %s/ folder; choose a folder outside it, e.g. public", out, src)}
		}
	}
	if home, err := os.UserHomeDir(); err == nil && filepath.Clean(home) == out {
		return &UsageError{fmt.Sprintf("the output folder %s is your home folder; choose a folder of its own", out)}
	}
	if out == filepath.Dir(out) {
		return &UsageError{fmt.Sprintf("the output folder %s is the root of the disk; choose a folder of its own", out)}
	}
	return nil
}

// within reports whether path p is inside folder dir.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Write replaces the output folder out with files. The files are written
// into a staging folder beside out; only when every file is written is the
// old folder moved aside and the new one renamed into place. An existing
// out must be haven's own (it holds a manifest and nothing that is not in
// it); otherwise Write refuses with a UsageError and touches nothing.
func Write(out string, files []File) error {
	st, err := Begin(out)
	if err != nil {
		return err
	}
	if err := st.Add(files); err != nil {
		st.Abort()
		return err
	}
	return st.Commit()
}

// Stage is a new site being written into a staging folder beside the
// output folder, so that a build can write each part of the site as it is
// made and hold less in memory. Nothing in the output folder changes until
// Commit swaps the staging folder in; Abort removes it.
type Stage struct {
	out, parent, base, dir string
	root                   *os.Root
	mu                     sync.Mutex // guards paths and dirs
	paths                  []string
	// dirs holds the folders Put made, the first maxOpenFolders of them
	// open (the others nil): a file is created in its open folder with
	// one openat, rather than by walking the path from the root for
	// every file (two more opens and closes a page).
	dirs map[string]*os.Root
	held int // folders held open
	// writers keeps PutWith's buffered writers for the next file.
	writers sync.Pool
}

// Begin checks the output folder as Write does and makes the staging
// folder.
func Begin(out string) (*Stage, error) {
	parent := filepath.Dir(out)
	base := filepath.Base(out)
	recoverOld(out, parent, base)
	if err := checkOwned(out); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", parent, err)
	}
	removeLeftovers(parent, base)
	staging, err := os.MkdirTemp(parent, "."+base+".haven-new-")
	if err != nil {
		return nil, fmt.Errorf("cannot create the staging folder: %w", err)
	}
	st := &Stage{out: out, parent: parent, base: base, dir: staging, dirs: map[string]*os.Root{}}
	if err := st.open(); err != nil {
		discard(staging)
		return nil, err
	}
	return st, nil
}

func (st *Stage) open() error {
	if err := os.Chmod(st.dir, 0o755); err != nil {
		return err
	}
	root, err := os.OpenRoot(st.dir)
	if err != nil {
		return err
	}
	if err := root.WriteFile(stagingMarker, nil, 0o644); err != nil {
		root.Close()
		return fmt.Errorf("cannot write in the staging folder: %w", err)
	}
	st.root = root
	return nil
}

// Abort removes the staging folder.
func (st *Stage) Abort() {
	st.close()
	discard(st.dir)
}

// close closes the staging folder and the folders made in it.
func (st *Stage) close() {
	for _, r := range st.dirs {
		if r != nil {
			r.Close()
		}
	}
	st.root.Close()
}

// Commit writes the manifest and swaps the staging folder in for the
// output folder. On failure the staging folder is removed and the
// previous site stays in place.
func (st *Stage) Commit() error {
	out, parent, base, staging := st.out, st.parent, st.base, st.dir
	err := st.finish()
	st.close()
	if err == nil {
		// Again: someone may have put a file in the output folder while
		// the site was being made.
		err = checkOwned(out)
	}
	if err != nil {
		discard(staging)
		return err
	}
	suffix := strings.TrimPrefix(filepath.Base(staging), "."+base+".haven-new-")
	old := filepath.Join(parent, "."+base+".haven-old-"+suffix)
	trash := filepath.Join(parent, "."+base+".haven-trash-"+suffix)
	if _, err := os.Lstat(out); err == nil {
		if err := exchange(staging, out); err == nil {
			// The new site is in place; the previous one is in staging.
			os.Rename(staging, trash)
			os.RemoveAll(trash)
			return nil
		}
		if err := os.Rename(out, old); err != nil {
			discard(staging)
			return fmt.Errorf("cannot move the previous site aside: %w", err)
		}
	}
	if err := os.Rename(staging, out); err != nil {
		// Put the previous site back.
		os.Rename(old, out)
		discard(staging)
		return fmt.Errorf("cannot move the new site into place: %w", err)
	}
	// Rename before removing: a removal cut short leaves a folder that the
	// next build recognises by its name and removes.
	if err := os.Rename(old, trash); err == nil {
		old = trash
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("the site is written, but the previous one could not be removed from %s: %w", old, err)
	}
	return nil
}

// recoverOld puts the previous site back when a build was killed between
// moving it aside and moving the new one in (only where folders cannot be
// swapped in one step), so that a reader is never left without a site.
func recoverOld(out, parent, base string) {
	if _, err := os.Lstat(out); !errors.Is(err, fs.ErrNotExist) {
		return
	}
	matches, _ := filepath.Glob(filepath.Join(parent, "."+base+".haven-old-*"))
	for _, m := range matches {
		if checkOwned(m) == nil {
			if os.Rename(m, out) == nil {
				return
			}
		}
	}
}

// discard removes dir, a staging or old folder proven haven's, by way of a
// trash name: a removal cut short (a killed build) may take the marker or
// the manifest that proves the folder haven's first, and leave the rest,
// which the next build then knows by the trash name alone.
func discard(dir string) {
	trash := dir
	for _, kind := range []string{".haven-new-", ".haven-old-"} {
		if i := strings.LastIndex(dir, kind); i >= 0 {
			candidate := dir[:i] + ".haven-trash" + kind[len(".haven"):] + dir[i+len(kind):]
			if os.Rename(dir, candidate) == nil {
				trash = candidate
			}
			break
		}
	}
	os.RemoveAll(trash)
}

// stagingMarker marks a staging folder as haven's while it is filled, so
// that the leftovers of a killed build can be told from anyone else's
// folder. It is removed before the folder is swapped in.
const stagingMarker = ".haven-staging"

// removeLeftovers removes staging and old folders that a killed build left
// beside the output, but only those that haven's marker or manifest proves
// are haven's.
func removeLeftovers(parent, base string) {
	// A trash folder is haven's by its name alone: it was renamed so just
	// before its removal, which may have been cut short (and taken the
	// manifest first).
	trash, _ := filepath.Glob(filepath.Join(parent, "."+base+".haven-trash-*"))
	for _, m := range trash {
		if fi, err := os.Lstat(m); err == nil && fi.IsDir() {
			os.RemoveAll(m)
		}
	}
	for _, pattern := range []string{"." + base + ".haven-new-*", "." + base + ".haven-old-*"} {
		matches, _ := filepath.Glob(filepath.Join(parent, pattern))
		for _, m := range matches {
			fi, err := os.Lstat(m)
			if err != nil || !fi.IsDir() {
				continue
			}
			_, markErr := os.Lstat(filepath.Join(m, stagingMarker))
			if markErr == nil || checkOwned(m) == nil {
				discard(m)
			}
		}
	}
}

// Add writes files into the staging folder, several at once. A path that
// is not plain refuses them all, before anything is written.
func (st *Stage) Add(files []File) error {
	for _, f := range files {
		if err := stagePath(f.Path); err != nil {
			return err
		}
	}
	errs := make([]error, len(files))
	work.Each(len(files), func(i int) { errs[i] = st.Put(files[i].Path, files[i].Data) })
	for _, err := range errs {
		if err != nil {
			return err // the first, in order: the rest are most likely the same
		}
	}
	return nil
}

// Put writes one file into the staging folder as soon as it is made. It is
// safe for concurrent use, with itself and with Add.
func (st *Stage) Put(rel string, data []byte) error {
	return st.put(rel, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// PutWith writes one file into the staging folder with write, for a file
// too large to hold whole; write's writer is buffered, and serves other
// files once write returns. It is safe for concurrent use, as Put is.
func (st *Stage) PutWith(rel string, write func(io.Writer) error) error {
	return st.put(rel, func(f *os.File) error {
		bw, _ := st.writers.Get().(*bufio.Writer)
		if bw == nil {
			bw = bufio.NewWriterSize(f, 256<<10)
		} else {
			bw.Reset(f)
		}
		err := write(bw)
		if err == nil {
			err = bw.Flush()
		}
		bw.Reset(nil)
		st.writers.Put(bw)
		return err
	})
}

// Spool makes a scratch file in the staging folder, for what a build would
// otherwise hold in memory until it is written (a pack's compressed files).
// It is no file of the site: done closes and removes it, and must be called
// before Commit; should it fail, the build must not go on (the next would
// find a file that the manifest does not list).
func (st *Stage) Spool(name string) (f *os.File, done func() error, err error) {
	name = ".haven-spool-" + name
	f, err = st.root.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot make a scratch file in the staging folder: %w", err)
	}
	return f, func() error {
		f.Close()
		if err := st.root.Remove(name); err != nil {
			return fmt.Errorf("cannot remove a scratch file from the staging folder: %w", err)
		}
		return nil
	}, nil
}

// put makes rel's folder, when no earlier put has, creates rel, and writes
// it with write.
func (st *Stage) put(rel string, write func(f *os.File) error) error {
	if err := stagePath(rel); err != nil {
		return err
	}
	dir, name := st.root, rel
	if d := path.Dir(rel); d != "." {
		open, err := st.folder(d)
		if err != nil {
			return fmt.Errorf("cannot create %s: %w", d, err)
		}
		if open != nil {
			dir, name = open, path.Base(rel)
		}
	}
	f, err := dir.OpenFile(name, createFlags, 0o644)
	if err == nil {
		err = write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", rel, err)
	}
	st.mu.Lock()
	st.paths = append(st.paths, rel)
	st.mu.Unlock()
	return nil
}

// folder makes the folder d in the staging folder, once, and gives it
// open, or nil once maxOpenFolders are open (a site of many folders must
// not run out of file descriptors).
func (st *Stage) folder(d string) (*os.Root, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if r, ok := st.dirs[d]; ok {
		return r, nil
	}
	if err := st.root.MkdirAll(d, 0o755); err != nil {
		return nil, err
	}
	var r *os.Root
	if st.held < maxOpenFolders {
		var err error
		if r, err = st.root.OpenRoot(d); err != nil {
			return nil, err
		}
		st.held++
	}
	st.dirs[d] = r
	return r, nil
}

// maxOpenFolders bounds the folders a Stage holds open.
const maxOpenFolders = 256

func stagePath(rel string) error {
	if !fs.ValidPath(rel) || rel == ManifestName {
		return fmt.Errorf("refusing to write %q: not a plain path inside the site", rel)
	}
	return nil
}

// finish writes the manifest and removes the marker of an unfinished
// staging folder.
func (st *Stage) finish() error {
	paths := slices.Clone(st.paths)
	slices.Sort(paths)
	var m bytes.Buffer
	m.WriteString(manifestHeader)
	for _, p := range paths {
		m.WriteString(p)
		m.WriteByte('\n')
	}
	if err := st.root.WriteFile(ManifestName, m.Bytes(), 0o644); err != nil {
		return err
	}
	return st.root.Remove(stagingMarker)
}

// checkOwned refuses an existing output folder that haven did not write:
// one without a manifest, or with files the manifest does not list.
func checkOwned(out string) error {
	fi, err := os.Lstat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the output folder: %w", err)
	}
	if !fi.IsDir() {
		return &UsageError{fmt.Sprintf("the output path %s exists and is not a folder; remove it or choose another --out", out)}
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return fmt.Errorf("cannot read the output folder: %w", err)
	}
	if len(entries) == 0 {
		return nil
	}
	listed, err := readManifest(filepath.Join(out, ManifestName))
	if err != nil {
		return &UsageError{fmt.Sprintf("the output folder %s was not written by haven (it has no %s); haven replaces its output folder, so it will not use this one. Empty it, choose another --out, or use --force to keep its files and add haven's", out, ManifestName)}
	}
	var strangers []string
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		if rel == "." || rel == ManifestName || d.IsDir() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		if !listed[rel] {
			strangers = append(strangers, rel)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cannot read the output folder: %w", err)
	}
	if len(strangers) > 0 {
		more := ""
		if len(strangers) > 5 {
			more = fmt.Sprintf(" and %d more", len(strangers)-5)
			strangers = strangers[:5]
		}
		return &UsageError{fmt.Sprintf("the output folder %s holds files haven did not write (%s%s); haven replaces its output folder, so it stops here. Move those files, choose another --out, or use --force to keep them and add haven's", out, strings.Join(strangers, ", "), more)}
	}
	return nil
}

func readManifest(name string) (map[string]bool, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte(manifestHeader)) {
		return nil, errors.New("not a haven manifest")
	}
	listed := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data[len(manifestHeader):]))
	for sc.Scan() {
		listed[sc.Text()] = true
	}
	return listed, sc.Err()
}

// Replace rewrites one file of haven's output in place, atomically (a
// temporary file renamed over it), for status files that change between
// builds. The file must be listed in the output's manifest.
func Replace(out, rel string, data []byte) error {
	listed, err := readManifest(filepath.Join(out, ManifestName))
	if err != nil || !listed[rel] {
		return fmt.Errorf("%s is not a file haven wrote in %s", rel, out)
	}
	root, err := os.OpenRoot(out)
	if err != nil {
		return err
	}
	defer root.Close()
	return replaceFile(root, rel, data)
}

// replaceFile writes data to rel atomically: into a new file with a name of
// its own beside it (never one that exists, so never anyone else's), then
// renamed over rel.
func replaceFile(root *os.Root, rel string, data []byte) error {
	var tmp string
	var f *os.File
	for {
		var b [8]byte
		rand.Read(b[:])
		tmp = rel + ".haven-tmp-" + hex.EncodeToString(b[:])
		var err error
		f, err = root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		root.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		root.Remove(tmp)
		return err
	}
	if err := root.Rename(tmp, rel); err != nil {
		root.Remove(tmp)
		return err
	}
	return nil
}

// Update brings haven's existing output folder in line with files by
// writing only what changed since the last build (last maps each path to
// the bytes written then), each file atomically, and removing the files
// that are gone. It is for haven watch, where rewriting thousands of
// unchanged files after every save would be slow; a folder that is not
// haven's own, or that is missing, is written whole with Write instead.
func Update(out string, files []File, last map[string][]byte) error {
	listed, err := readManifest(filepath.Join(out, ManifestName))
	if err != nil || last == nil {
		return Write(out, files)
	}
	if err := checkOwned(out); err != nil {
		return err
	}
	return inPlace(out, files, listed, last)
}

// Force writes files into an output folder that holds files haven did not
// write (haven build --force), leaving those files as they are: it removes
// only the files its manifest lists, and refuses to write over a file that
// is not its own. The writes are made one file at a time, so a failure
// part-way leaves a mixed folder; haven's own output is safer in a folder
// of its own.
func Force(out string, files []File) error {
	if fi, err := os.Lstat(out); err == nil && !fi.IsDir() {
		return &UsageError{fmt.Sprintf("the output path %s exists and is not a folder; remove it or choose another --out", out)}
	} else if errors.Is(err, fs.ErrNotExist) {
		return Write(out, files)
	}
	listed, err := readManifest(filepath.Join(out, ManifestName))
	if err != nil {
		listed = map[string]bool{}
	}
	for _, f := range files {
		p := filepath.Join(out, filepath.FromSlash(f.Path))
		if _, err := os.Lstat(p); err == nil && !listed[f.Path] {
			return &UsageError{fmt.Sprintf("%s is not a file haven wrote, and this build would write over it; move it, or choose another --out", p)}
		}
	}
	return inPlace(out, files, listed, nil)
}

// inPlace writes files into out one by one, each atomically, skipping those
// unchanged since last, removes the listed files that are gone, and writes
// the manifest.
func inPlace(out string, files []File, listed map[string]bool, last map[string][]byte) error {
	root, err := os.OpenRoot(out)
	if err != nil {
		return err
	}
	defer root.Close()
	now := make(map[string]bool, len(files))
	var added []string
	for _, f := range files {
		if !fs.ValidPath(f.Path) || f.Path == ManifestName {
			return fmt.Errorf("refusing to write %q: not a plain path inside the site", f.Path)
		}
		now[f.Path] = true
		if !listed[f.Path] {
			added = append(added, f.Path)
		}
	}
	// List the new files before writing them: if the writing stops part
	// way (a full disk), every file in the folder is still one haven
	// lists, and the next build can finish the job.
	if len(added) > 0 {
		union := maps.Clone(listed)
		for _, p := range added {
			union[p] = true
		}
		if err := writeManifest(root, union); err != nil {
			return err
		}
	}
	for _, f := range files {
		if old, ok := last[f.Path]; ok && listed[f.Path] && bytes.Equal(old, f.Data) {
			continue
		}
		if dir := path.Dir(f.Path); dir != "." {
			if err := root.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("cannot create %s: %w", dir, err)
			}
		}
		if err := replaceFile(root, f.Path, f.Data); err != nil {
			return fmt.Errorf("cannot write %s: %w", f.Path, err)
		}
	}
	changed := len(now) != len(listed) || last == nil
	for p := range listed {
		if !now[p] {
			changed = true
			// Only files haven listed as its own are ever removed; Remove
			// never follows a link.
			if err := root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("cannot remove %s: %w", p, err)
			}
			removeEmptyParents(root, path.Dir(p))
		}
	}
	if !changed {
		return nil
	}
	return writeManifest(root, now)
}

// writeManifest writes the list of haven's files, in order.
func writeManifest(root *os.Root, files map[string]bool) error {
	var m bytes.Buffer
	m.WriteString(manifestHeader)
	for _, p := range slices.Sorted(maps.Keys(files)) {
		m.WriteString(p)
		m.WriteByte('\n')
	}
	return replaceFile(root, ManifestName, m.Bytes())
}

// removeEmptyParents removes dir and its parents while they are empty.
func removeEmptyParents(root *os.Root, dir string) {
	for dir != "." && dir != "" {
		if err := root.Remove(dir); err != nil {
			return // not empty, or gone
		}
		dir = path.Dir(dir)
	}
}
