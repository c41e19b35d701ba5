package watch

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Batch is a set of changes, reported once the file system has been quiet
// for a moment.
type Batch struct {
	// Paths changed, added or removed: slash paths relative to the
	// project, sorted.
	Paths []string
	// Full is set when changes may have been missed (an event overflow):
	// everything must be rebuilt.
	Full bool
}

// Options tunes a Watcher.
type Options struct {
	// Out is the output folder (absolute); its events are ignored.
	Out string
	// Poll checks the sources every Interval instead of using events, for
	// file systems that send none (network shares, some VM folders).
	Poll     bool
	Interval time.Duration
	// Quiet is how long the file system must be quiet before a batch is
	// reported; MaxWait caps the wait during a long burst.
	Quiet   time.Duration
	MaxWait time.Duration
}

func (o *Options) defaults() {
	if o.Interval <= 0 {
		o.Interval = 500 * time.Millisecond
	}
	if o.Quiet <= 0 {
		// Editors' save sequences (vim's rename dance, JetBrains' safe
		// write) take a few milliseconds; a little more covers them
		// without making the author wait.
		o.Quiet = 50 * time.Millisecond
	}
	if o.MaxWait <= 0 {
		o.MaxWait = time.Second
	}
}

// LimitError says that the system's limit on watched folders was reached.
type LimitError struct{ Err error }

func (e *LimitError) Error() string {
	return "the system's limit on watched folders is reached (" + e.Err.Error() + "); raise it with `sudo sysctl fs.inotify.max_user_watches=524288`, or run haven watch --poll"
}

func (e *LimitError) Unwrap() error { return e.Err }

// Watcher watches one project.
type Watcher struct {
	dir  string
	out  string // relative slash path of the output, "" when outside
	opts Options
	// sums are the contents' hashes of every relevant file, so that a
	// save that changes nothing (touch, an editor rewriting the same
	// bytes) reports nothing.
	sums map[string][32]byte

	started bool
	fw      *fsnotify.Watcher
	last    map[string]stat // polling's last look
}

// New prepares a watcher for the project in dir.
func New(dir string, opts Options) (*Watcher, error) {
	opts.defaults()
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	w := &Watcher{dir: abs, opts: opts}
	if opts.Out != "" {
		if rel, err := filepath.Rel(abs, opts.Out); err == nil && !strings.HasPrefix(rel, "..") {
			w.out = filepath.ToSlash(rel)
		}
	}
	w.sums = w.scan()
	return w, nil
}

// scan hashes every relevant file of the project.
func (w *Watcher) scan() map[string][32]byte {
	sums := map[string][32]byte{}
	root, err := os.OpenRoot(w.dir)
	if err != nil {
		return sums
	}
	defer root.Close()
	for name := range configNames {
		w.hash(root, sums, name)
	}
	for _, d := range sourceDirs {
		filepath.WalkDir(filepath.Join(w.dir, d), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			rel := w.rel(p)
			if !Relevant(rel, w.out) {
				if e.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if !e.IsDir() {
				w.hash(root, sums, rel)
			}
			return nil
		})
	}
	return sums
}

// hash records the hash of a regular file of the project. It reads through
// root, so a link that leads outside the project is never followed, and it
// looks before it opens, so a pipe never blocks it.
func (w *Watcher) hash(root *os.Root, sums map[string][32]byte, rel string) {
	name := filepath.FromSlash(rel)
	fi, err := root.Stat(name)
	if err != nil || !fi.Mode().IsRegular() {
		return
	}
	data, err := root.ReadFile(name)
	if err != nil {
		return
	}
	sums[rel] = sha256.Sum256(data)
}

func (w *Watcher) rel(p string) string {
	r, err := filepath.Rel(w.dir, p)
	if err != nil {
		return ""
	}
	return filepath.ToSlash(r)
}

// changed compares candidate paths with their last known contents and
// returns those that really changed (added, removed or edited). A path that
// is a folder stands for everything below it.
func (w *Watcher) changed(candidates map[string]bool) []string {
	now := map[string][32]byte{}
	check := map[string]bool{}
	for p := range candidates {
		check[p] = true
		// Everything known below a folder that changed (renamed, deleted).
		for known := range w.sums {
			if strings.HasPrefix(known, p+"/") {
				check[known] = true
			}
		}
		full := filepath.Join(w.dir, filepath.FromSlash(p))
		if fi, err := os.Stat(full); err == nil && fi.IsDir() {
			filepath.WalkDir(full, func(q string, e fs.DirEntry, err error) error {
				if err == nil && !e.IsDir() && Relevant(w.rel(q), w.out) {
					check[w.rel(q)] = true
				}
				return nil
			})
		}
	}
	root, err := os.OpenRoot(w.dir)
	if err != nil {
		return nil
	}
	defer root.Close()
	var out []string
	for p := range check {
		w.hash(root, now, p)
		old, had := w.sums[p]
		cur, has := now[p]
		switch {
		case had && !has:
			delete(w.sums, p)
			out = append(out, p)
		case has && (!had || old != cur):
			w.sums[p] = cur
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// Run watches until ctx ends, calling report with each batch. report runs
// on Run's goroutine; events that arrive meanwhile are kept for the next
// batch, so no edit is lost while a build runs.
func (w *Watcher) Run(ctx context.Context, report func(Batch)) error {
	if err := w.Start(); err != nil {
		return err
	}
	if w.opts.Poll {
		return w.poll(ctx, report)
	}
	fw := w.fw
	defer fw.Close()

	pending := map[string]bool{}
	full := false
	var quiet, deadline <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			rel := w.rel(ev.Name)
			if Classify(rel, ev.Op, w.out) == Ignore {
				continue
			}
			if ev.Op.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					// A new folder: watch it. What was created inside
					// before the watch was in place is found when the
					// batch compares the folder's files.
					if err := w.addTree(fw, ev.Name); err != nil {
						return err
					}
				}
			}
			pending[rel] = true
			if deadline == nil {
				deadline = time.After(w.opts.MaxWait)
			}
			quiet = time.After(w.opts.Quiet)
		case err, ok := <-fw.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				full = true
				quiet = time.After(w.opts.Quiet)
				if deadline == nil {
					deadline = time.After(w.opts.MaxWait)
				}
				continue
			}
			return fmt.Errorf("watching: %w", err)
		case <-quiet:
			w.flush(fw, pending, &full, report)
			quiet, deadline = nil, nil
		case <-deadline:
			w.flush(fw, pending, &full, report)
			quiet, deadline = nil, nil
		}
	}
}

func (w *Watcher) flush(fw *fsnotify.Watcher, pending map[string]bool, full *bool, report func(Batch)) {
	var b Batch
	if *full {
		// Events were lost: re-add every folder and compare everything.
		w.addTree(fw, w.dir)
		old := w.sums
		w.sums = w.scan()
		b.Full = true
		seen := map[string]bool{}
		for p, s := range w.sums {
			if o, ok := old[p]; !ok || o != s {
				seen[p] = true
			}
		}
		for p := range old {
			if _, ok := w.sums[p]; !ok {
				seen[p] = true
			}
		}
		b.Paths = slices.Sorted(maps.Keys(seen))
	} else {
		b.Paths = w.changed(pending)
	}
	*full = false
	clear(pending)
	if len(b.Paths) > 0 || b.Full {
		report(b)
	}
}

// Start begins watching: the folders' watches are in place (or, when
// polling, the first look is taken) when it returns, so that a caller can
// build knowing that any later save is seen. Run calls it if the caller
// did not.
func (w *Watcher) Start() error {
	if w.started {
		return nil
	}
	w.started = true
	if w.opts.Poll {
		w.last = w.stats()
		return nil
	}
	fw, err := fsnotify.NewBufferedWatcher(4096)
	if err != nil {
		return err
	}
	if err := w.addTree(fw, w.dir); err != nil {
		fw.Close()
		return err
	}
	w.fw = fw
	return nil
}

// addTree watches dir and every relevant folder below it.
func (w *Watcher) addTree(fw *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.IsDir() {
			return nil
		}
		rel := w.rel(p)
		if rel != "." && !Relevant(rel, w.out) {
			return fs.SkipDir
		}
		if err := fw.Add(p); err != nil {
			if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) {
				return &LimitError{Err: err}
			}
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("watching %s: %w", rel, err)
		}
		return nil
	})
}

// stat is what polling compares before reading a file again.
type stat struct {
	size int64
	mod  time.Time
}

// stats lists every relevant file with its size and time.
func (w *Watcher) stats() map[string]stat {
	out := map[string]stat{}
	add := func(p string, fi fs.FileInfo) { out[w.rel(p)] = stat{fi.Size(), fi.ModTime()} }
	for name := range configNames {
		if fi, err := os.Stat(filepath.Join(w.dir, name)); err == nil {
			add(filepath.Join(w.dir, name), fi)
		}
	}
	for _, d := range sourceDirs {
		filepath.WalkDir(filepath.Join(w.dir, d), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if !Relevant(w.rel(p), w.out) {
				if e.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if !e.IsDir() {
				if fi, err := e.Info(); err == nil {
					add(p, fi)
				}
			}
			return nil
		})
	}
	return out
}

// poll compares the sources every interval: sizes and times first, and the
// contents of the files whose size or time moved. A change is reported once
// it has settled (the same at two polls in a row), so that a save caught
// half-written is not reported twice.
func (w *Watcher) poll(ctx context.Context, report func(Batch)) error {
	t := time.NewTicker(w.opts.Interval)
	defer t.Stop()
	last := w.last
	settling := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			now := w.stats()
			moved := map[string]bool{}
			for p, s := range now {
				if o, ok := last[p]; !ok || o != s {
					moved[p] = true
				}
			}
			for p := range last {
				if _, ok := now[p]; !ok {
					moved[p] = true
				}
			}
			last = now
			ready := map[string]bool{}
			for p := range settling {
				if !moved[p] {
					ready[p] = true
					delete(settling, p)
				}
			}
			for p := range moved {
				settling[p] = true
			}
			if len(ready) == 0 {
				continue
			}
			if paths := w.changed(ready); len(paths) > 0 {
				report(Batch{Paths: paths})
			}
		}
	}
}
