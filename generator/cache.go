package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
	"time"

	"haven/generator/diag"
	"haven/generator/programme"
	"haven/generator/publish"
	"haven/generator/render"
	"haven/generator/source"
)

// cache carries work from one build to the next under haven watch: parsed
// pages whose text did not change, rendered pages whose inputs did not
// change, and what was last written, so that only changed files are
// written again. A nil cache caches nothing.
type cache struct {
	// files are the sources last read, by project-relative path; changed
	// names the paths the watcher saw change since, which are always
	// read again.
	files   map[string]source.File
	changed map[string]bool
	parsed  map[string]parsedEntry
	render  *render.Cache
	written map[string][]byte
	// early holds the files written ahead of a build's end, with what
	// they held before, so that a build that fails after all can put
	// them back and leave the last good site as it was.
	early map[string][]byte
	mu    sync.Mutex
}

type parsedEntry struct {
	data   []byte
	parsed programme.Parsed
	diags  diag.List
}

func newCache() *cache {
	return &cache{parsed: map[string]parsedEntry{}, render: render.NewCache()}
}

// reuse is source.Options.Reuse: a file's last content, when its size and
// time are unchanged and the watcher did not report it.
func (c *cache) reuse(rel string, size int64, mod time.Time) ([]byte, bool) {
	f, ok := c.files[rel]
	if !ok || c.changed[rel] || f.Size != size || !f.ModTime.Equal(mod) {
		return nil, false
	}
	return f.Data, true
}

// keepFiles remembers what a load read.
func (c *cache) keepFiles(p *source.Project) {
	c.files = map[string]source.File{}
	for _, group := range []struct {
		dir   string
		files []source.File
	}{{source.ContentDir, p.Content}, {source.LayoutsDir, p.Layouts}, {source.StaticDir, p.Static}, {source.I18nDir, p.I18n}} {
		for _, f := range group.files {
			c.files[group.dir+"/"+f.Path] = f
		}
	}
	c.changed = nil
}

// parsedPage returns the earlier parse of a file whose text is unchanged.
func (c *cache) parsedPage(f source.File) (programme.Parsed, diag.List, bool) {
	if c == nil {
		return programme.Parsed{}, diag.List{}, false
	}
	e, ok := c.parsed[f.Path]
	if !ok || !bytes.Equal(e.data, f.Data) {
		return programme.Parsed{}, diag.List{}, false
	}
	var d diag.List
	d.Merge(&e.diags)
	return e.parsed, d, true
}

// keepParsed remembers this build's parses (and forgets removed files).
func (c *cache) keepParsed(files []source.File, parsed []programme.Parsed, diags []diag.List) {
	if c == nil {
		return
	}
	next := make(map[string]parsedEntry, len(files))
	for i, f := range files {
		var d diag.List
		d.Merge(&diags[i])
		next[f.Path] = parsedEntry{data: f.Data, parsed: parsed[i], diags: d}
	}
	c.parsed = next
}

// wrote remembers what a publish wrote; after a failed write nothing is
// assumed, and the next build writes everything.
func (c *cache) wrote(files []publish.File, err error) {
	if err != nil {
		c.written = nil
		return
	}
	c.written = make(map[string][]byte, len(files))
	for _, f := range files {
		c.written[f.Path] = f.Data
	}
}

// early writes one freshly rendered page into the output at once, when it
// is a file the last build wrote (a new page waits for the whole build).
// Errors are left to the build's own publish step.
func (c *cache) writeEarly(out, rel string, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.written[rel]
	if !ok || bytes.Equal(old, data) {
		return
	}
	if publish.Replace(out, rel, data) == nil {
		if c.early == nil {
			c.early = map[string][]byte{}
		}
		if _, kept := c.early[rel]; !kept {
			c.early[rel] = old
		}
	}
}

// undoEarly puts back the files written early by a build that then failed.
func (c *cache) undoEarly(out string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for rel, old := range c.early {
		publish.Replace(out, rel, old)
	}
	c.early = nil
}

// keepEarly forgets what early writes replaced, once the build has
// succeeded.
func (c *cache) keepEarly() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.early = nil
}

// signature names everything outside a page's own text that its rendering
// can depend on: the build's options, the config, the theme overrides and
// every page's place, kind and frontmatter (titles in the sidebar,
// summaries on module pages, durations in the overview...). A page's
// rendering is reused only while the signature and its own text are
// unchanged.
func signature(proj *source.Project, prog *programme.Programme, opts Options) string {
	h := sha256.New()
	fmt.Fprintf(h, "%v %v %q\x00", opts.Minify, opts.Watch, proj.ConfigName)
	h.Write(proj.Config)
	for _, group := range [][]source.File{proj.Layouts, proj.Static, proj.I18n} {
		for _, f := range group {
			fmt.Fprintf(h, "\x00%s\x00", f.Path)
			h.Write(f.Data)
		}
	}
	for _, s := range prog.Sections {
		fmt.Fprintf(h, "\x00section %q %q %v %q", s.Dir, s.Title, s.IsModule, s.URL)
		if s.Index != nil {
			pageSignature(h, s.Index)
		}
		for _, p := range s.Pages {
			pageSignature(h, p)
		}
	}
	if prog.Home != nil {
		pageSignature(h, prog.Home)
	}
	for _, a := range prog.Assets {
		// Its contents too: a page shows an image's width and height.
		fmt.Fprintf(h, "\x00asset %q %d %08x", a.URL, len(a.Data), crc32.ChecksumIEEE(a.Data))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// pageSignature writes what other pages can show of p. Its activities are
// left out (only its own page shows them); its total duration, which may
// come from them, is in its Meta.
func pageSignature(w io.Writer, p *programme.Page) {
	m := *p.Meta
	m.Keys = nil // positions do not show
	fmt.Fprintf(w, "\x00page %q %q %q %+v", p.Source, p.URL, p.Kind, m)
}
