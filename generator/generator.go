// Package generator is haven's facade: Build wires the stages together,
// load -> parse -> model -> render -> publish, as a flat list of named,
// timed steps. It keeps no state between calls.
package generator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"haven/generator/diag"
	"haven/generator/markdown"
	"haven/generator/meta"
	"haven/generator/pack"
	"haven/generator/programme"
	"haven/generator/publish"
	"haven/generator/render"
	"haven/generator/search"
	"haven/generator/source"
	"haven/generator/theme"
	"haven/generator/work"
	"haven/themes"
)

// Options says what to build and how.
type Options struct {
	// Dir is the project folder (holding content/ and haven.yaml).
	Dir string
	// Out is the output folder; Dir/public when empty.
	Out string
	// Minify the output (HTML, CSS, JS, SVG, JSON).
	Minify bool
	// Strict turns warnings into errors.
	Strict bool
	// Check validates everything and writes nothing.
	Check bool
	// Edition builds one edition, "facilitator" or "participant"; both
	// when empty.
	Edition string
	// Watch builds for `haven watch`: pages carry a script that reloads
	// them after each rebuild, and each edition a status file it reads.
	Watch bool
	// Progress, when set, is told what the build is doing as it goes.
	Progress func(Progress)
	// Force writes into an output folder that holds files haven did not
	// write, leaving them alone (see publish.Force).
	Force bool

	// For tests: htmlTemplate runs the layouts through html/template
	// alone (see render.Renderer.HTMLTemplate); sawTheme is given the
	// theme once it is loaded.
	htmlTemplate bool
	sawTheme     func(*theme.Theme)
	// For the tests of P9 (a panic becomes an error naming the file; a
	// page has a time budget): beforeParse is called with each page's
	// path before it is read, activityLabel in place of the words' label
	// of each activity's time as it is rendered, and pageBudget, when
	// set, stands for PageBudget.
	beforeParse   func(path string)
	activityLabel func(*markdown.ActivityTime) string
	pageBudget    time.Duration
}

// Progress says how far a build has got: which step, and for steps that
// work through pages, how many of how many.
type Progress struct {
	Step        string
	Done, Total int
}

// Step is a named stage of the build and how long it took.
type Step struct {
	Name     string
	Duration time.Duration
}

// Result describes a build.
type Result struct {
	// Diagnostics are every problem found, sorted.
	Diagnostics []diag.Diagnostic
	// Errors counts the diagnostics that fail the build.
	Errors int
	// Pages is how many pages the editions have together; Files how many
	// files were written in all.
	Pages int
	Files int
	// SourcePages is how many pages the programme has.
	SourcePages int
	// Editions says what each edition holds.
	Editions []EditionResult
	// OutDir is the absolute output folder; Entry the page to open.
	OutDir string
	Entry  string
	Steps  []Step
}

// EditionResult describes one edition of a build.
type EditionResult struct {
	Name  string
	Pages int
	// SearchBytes is the size of the search index as written.
	SearchBytes int
}

// OK reports whether the build succeeded.
func (r *Result) OK() bool { return r.Errors == 0 }

// editions returns the names of the editions to build.
func editions(name string) ([]string, error) {
	switch name {
	case "", "both", "all":
		return []string{"facilitator", "participant"}, nil
	case "facilitator", "participant":
		return []string{name}, nil
	}
	return nil, &publish.UsageError{Msg: fmt.Sprintf("unknown edition %q: use facilitator or participant (or leave it out to build both)", name)}
}

// Build builds the project. Content problems are reported in the Result;
// the error is for problems that stop the build before it can look at the
// content (an unreadable project, a refused output folder: see
// publish.UsageError).
func Build(ctx context.Context, opts Options) (*Result, error) {
	return build(ctx, opts, nil)
}

// build is Build with an optional cache of an earlier build's work (haven
// watch keeps one between builds).
func build(ctx context.Context, opts Options, c *cache) (*Result, error) {
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	out := opts.Out
	if out == "" {
		out = filepath.Join(dir, "public")
	}
	if out, err = filepath.Abs(out); err != nil {
		return nil, err
	}
	edNames, err := editions(opts.Edition)
	if err != nil {
		return nil, err
	}
	res := &Result{OutDir: out, Entry: filepath.Join(out, edNames[0], "index.html")}
	if len(edNames) > 1 {
		res.Entry = filepath.Join(out, "index.html")
	}
	if !opts.Check {
		if err := publish.CheckOutput(dir, out); err != nil {
			return nil, err
		}
	}

	var diags diag.List
	tell := func(p Progress) {
		if opts.Progress != nil {
			opts.Progress(p)
		}
	}
	step := func(name string, f func()) {
		start := time.Now()
		tell(Progress{Step: name})
		f()
		res.Steps = append(res.Steps, Step{name, time.Since(start)})
	}

	var proj *source.Project
	step("load", func() {
		lo := source.Options{Skip: skipOutput(dir, out)}
		if c != nil && c.files != nil {
			lo.Reuse = c.reuse
		}
		proj, err = source.Load(dir, lo, &diags)
		if err == nil && c != nil {
			c.keepFiles(proj)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	cfg := meta.DecodeConfig(proj.ConfigName, proj.Config, &diags)
	themeFS, err := fs.Sub(themes.Default, "default")
	if err != nil {
		return nil, err
	}
	words := theme.LoadWords(themeFS, proj.I18n, cfg.Language, &diags)
	text := render.Text{W: words}
	label := text.ActivityLabel
	if opts.activityLabel != nil {
		label = opts.activityLabel
	}
	md := markdown.New(markdown.Options{ActivityLabel: label, CalloutLabels: text.CalloutLabels(),
		Words: func(k string) string { return words.T(k) }})
	facEd, partEd := render.Editions(words)
	var eds []render.Edition
	for _, n := range edNames {
		if n == facEd.Name {
			eds = append(eds, facEd)
		} else {
			eds = append(eds, partEd)
		}
	}
	var mf *publish.Minifier
	var minifyTemplate func(string, []byte) ([]byte, error)
	if opts.Minify {
		mf = publish.NewMinifier()
		minifyTemplate = mf.Template
	}
	// The theme is loaded while the pages are parsed and modelled: it
	// needs nothing of them, and parsing leaves a core idle at times.
	// The theme step waits for it.
	var th0 *theme.Theme
	var themeErr error
	var themeDiags diag.List
	themeDone := make(chan struct{})
	go func() {
		defer close(themeDone)
		th0, themeErr = theme.Load(themeFS, proj.Layouts, proj.Static, render.Funcs(words), minifyTemplate, &themeDiags)
	}()

	var parsed []programme.Parsed
	var assets []programme.Asset
	step("parse", func() {
		var pages []source.File
		for _, f := range proj.Content {
			if f.IsMarkdown() {
				pages = append(pages, f)
			} else {
				assets = append(assets, programme.Asset{Source: f.Path, Data: f.Data})
			}
		}
		parsed = make([]programme.Parsed, len(pages))
		pdiags := make([]diag.List, len(pages))
		work.Each(len(pages), func(i int) {
			if p, d, ok := c.parsedPage(pages[i]); ok {
				parsed[i], pdiags[i] = p, d
				return
			}
			parsed[i] = parsePage(md, pages[i], &pdiags[i], opts)
			if c != nil {
				// The cache's key for the page's rendering.
				sum := sha256.Sum256(pages[i].Data)
				parsed[i].Hash = hex.EncodeToString(sum[:])
			}
		})
		for i := range pdiags {
			diags.Merge(&pdiags[i])
		}
		c.keepParsed(pages, parsed, pdiags)
	})

	var prog *programme.Programme
	step("model", func() { prog = programme.Build(cfg, parsed, assets, proj.Skipped, &diags) })
	res.SourcePages = len(prog.Pages)

	var th *theme.Theme
	step("theme", func() {
		<-themeDone
		th, err = th0, themeErr
		diags.Merge(&themeDiags)
	})
	if err != nil {
		return nil, err
	}
	if opts.sawTheme != nil && th != nil {
		opts.sawTheme(th)
	}

	// A plain build writes each edition into the staging folder as soon
	// as it is made, rather than holding the whole site in memory. Should
	// the output folder refuse, the publish step meets the same refusal
	// and reports it, after any problems in the content.
	var stage *publish.Stage
	var stageErr error
	staged := 0 // files written into the staging folder
	if c == nil && !opts.Force && !opts.Check && !diags.HasErrors() {
		if release, err := publish.Lock(out); err == nil {
			if stage, err = publish.Begin(out); err == nil {
				defer func() {
					if stage != nil {
						stage.Abort()
					}
					release()
				}()
			} else {
				stage = nil
				release() // the publish step takes it again
			}
		}
	}

	var files []publish.File
	if !diags.HasErrors() {
		eb := editionBuild{opts: opts, out: out, c: c, th: th, md: md, words: words, mf: mf,
			step: step, tell: tell, diags: &diags}
		if c != nil {
			eb.sig = signature(proj, prog, opts) // the cache's key
		}
		if len(eds) == 2 { // the facilitator's, then the participant's
			eb.bodies = &render.Bodies{Pages: map[*markdown.Doc]bool{}}
			for _, p := range programme.Edition(prog, true).Pages {
				eb.bodies.Pages[p.Doc] = true
			}
		}
		for _, ed := range eds {
			eb.stage = nil
			if stage != nil && stageErr == nil && !diags.HasErrors() && !opts.Watch {
				// Written as made. (A watch build's status file names
				// a hash of every file, so it keeps them.)
				eb.stage = stage
			}
			edFiles, er, err := eb.edition(prog, ed)
			res.Pages += er.Pages
			res.Editions = append(res.Editions, er)
			if eb.stage != nil {
				stageErr = err
				staged += len(edFiles)
				continue
			}
			for _, f := range edFiles {
				files = append(files, publish.File{Path: ed.Name + "/" + f.Path, Data: f.Data})
			}
		}
		if len(eds) > 1 {
			o, err := render.EditionsPage(th, words, prog, eds, opts.htmlTemplate)
			if err != nil {
				diags.Errorf(diag.Position{File: "theme:layouts/editions.html"}, "%v", err)
			} else {
				files = append(files, collect("", []render.Output{o}, mf, &diags)...)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		if c != nil {
			c.undoEarly(out)
		}
		return nil, err
	}

	if opts.Strict {
		diags.Promote()
	}
	res.Diagnostics = diags.Sorted()
	res.Errors = 0
	for _, d := range res.Diagnostics {
		if d.Severity == diag.Error {
			res.Errors++
		}
	}
	if res.Errors > 0 || opts.Check {
		if c != nil {
			c.undoEarly(out) // the last good site stays as it was
		}
		return res, nil
	}
	step("publish", func() {
		if stage != nil {
			err = stageErr
			if err == nil {
				err = stage.Add(files)
			}
			if err == nil {
				err = stage.Commit()
			} else {
				stage.Abort()
			}
			stage = nil
			return
		}
		var release func()
		if release, err = publish.Lock(out); err != nil {
			return
		}
		defer release()
		switch {
		case c != nil:
			err = publish.Update(out, files, c.written)
			if err != nil {
				c.undoEarly(out)
			} else {
				c.keepEarly()
			}
			c.wrote(files, err)
		case opts.Force:
			err = publish.Force(out, files)
		default:
			err = publish.Write(out, files)
		}
	})
	if err != nil {
		return res, err
	}
	res.Files = staged + len(files)
	return res, nil
}

// editionBuild holds what rendering an edition needs from the build.
type editionBuild struct {
	opts  Options
	out   string
	c     *cache
	th    *theme.Theme
	md    *markdown.Markdown
	words *theme.Words
	mf    *publish.Minifier
	sig   string // see signature
	step  func(string, func())
	tell  func(Progress)
	diags *diag.List
	// stage, when set, takes the edition's files as they are made (see
	// sink): edition then returns them without their bytes.
	stage *publish.Stage
	// bodies carries pages' Markdown HTML from the first edition to the
	// second (render.Bodies); nil for a build of one edition.
	bodies *render.Bodies
}

// edition renders one edition of the programme into its files (paths
// relative to the edition's folder), as named steps: its pages, its search
// index, the minifying of what is not minified yet, and its pack. With a
// stage, each file is written into it as soon as it is made, and the error
// is the first that writing met.
func (b *editionBuild) edition(prog *programme.Programme, ed render.Edition) ([]publish.File, EditionResult, error) {
	opts, c, diags := b.opts, b.c, b.diags
	view := programme.Edition(prog, ed.Participant)
	packName := packName(prog.Title, ed.Name)
	r := &render.Renderer{Prog: view, Theme: b.th, MD: b.md, Words: b.words, Edition: ed, Watch: opts.Watch,
		HTMLTemplate: opts.htmlTemplate}
	if opts.Progress != nil {
		name := "render " + ed.Name
		r.Progress = func(done, total int) { b.tell(Progress{Step: name, Done: done, Total: total}) }
	}
	if !opts.Watch {
		// Watch builds are for the author's eyes: the packs are for
		// handing out, and `haven build` writes them.
		r.Pack = packName + ".zip"
	}
	if b.mf != nil {
		r.Minify = b.mf.Minify
	}
	// A plain build of both editions renders each page's Markdown for
	// both in the first (bodies), so that once an edition has rendered a
	// page nothing reads its tree again. (haven watch keeps the trees for
	// the next build.)
	if c == nil {
		r.Bodies = b.bodies
		r.Release = true
	}
	var sk *sink
	if b.stage != nil {
		sk = &sink{stage: b.stage, prefix: ed.Name + "/", mf: b.mf, packFile: r.Pack}
		if r.Pack != "" {
			sk.pack = &pack.Builder{Hold: packHold}
			// The compressed files wait for the pack in memory, up to
			// packHold bytes, and then in a scratch file (in memory
			// still, should the staging folder refuse one).
			if f, done, err := b.stage.Spool(ed.Name); err == nil {
				sk.pack.Spool, sk.spoolDone = f, done
			}
		}
		r.Emit = sk.put
	} else if c != nil {
		r.Cache = c.render
		r.Key = func(p *programme.Page) string { return b.sig + "/" + p.Hash }
		if c.written != nil && !opts.Check {
			prefix := ed.Name + "/"
			r.Fresh = func(o render.Output) {
				if o.Minified == opts.Minify {
					c.writeEarly(b.out, prefix+o.Path, o.Data)
				}
			}
		}
	}
	// The search index is made as soon as the pages are, while the print
	// pages are: the print pages' end (the programme's, written whole by
	// one goroutine) leaves a core idle. The search step waits for it.
	var index []render.Output
	searchBytes := 0
	searched := make(chan struct{})
	r.PagesDone = func(analyses []*search.Analysis) {
		go func() {
			defer close(searched)
			index, searchBytes = searchIndex(analyses, sk)
		}()
	}
	var outputs []render.Output
	b.step("render "+ed.Name, func() { outputs = r.Site(diags) })
	er := EditionResult{Name: ed.Name, Pages: len(view.Pages)}
	b.step("search "+ed.Name, func() {
		<-searched
		er.SearchBytes = searchBytes
		outputs = append(outputs, index...)
	})
	var files []publish.File
	b.step("minify "+ed.Name, func() { files = collect("", outputs, b.mf, diags) })
	for _, f := range files {
		if r.Pack != "" && strings.EqualFold(f.Path, r.Pack) {
			diags.Add(diag.Diagnostic{Pos: diag.Position{File: programme.ContentPrefix + f.Path}, Severity: diag.Error,
				Message: fmt.Sprintf("content/%s has the name of the edition's offline pack, which haven writes there", f.Path),
				Hint:    "rename the file"})
			r.Pack = ""
		}
	}
	if sk != nil {
		sk.report(diags)
	}
	if r.Pack != "" && !opts.Check && !diags.HasErrors() {
		b.step("pack "+ed.Name, func() {
			if sk != nil {
				if sk.failed() {
					return // the build fails with the write error
				}
				if err := sk.finishPack(r.PackHome); err != nil {
					diags.Errorf(diag.Position{File: ed.Name + "/" + r.Pack}, "cannot make the offline pack: %v", err)
					return
				}
				// An error here is the disk's ("cannot write ..."): the
				// build's error, as for every other file.
				sk.fail(sk.writePack(packName))
				files = append(files, publish.File{Path: r.Pack})
				return
			}
			zipped, err := packEdition(packName, files, r.PackHome)
			if err != nil {
				diags.Errorf(diag.Position{File: ed.Name + "/" + r.Pack}, "cannot make the offline pack: %v", err)
				return
			}
			files = append(files, publish.File{Path: r.Pack, Data: zipped})
		})
	}
	if opts.Watch {
		files = append(files, watchFiles(files)...)
	}
	if sk != nil {
		if sk.spoolDone != nil {
			if err := sk.spoolDone(); err != nil {
				sk.fail(err) // it must not be published
			}
		}
		return files, er, sk.err
	}
	return files, er, nil
}

// searchIndex makes an edition's search index from its pages' analyses,
// and gives its files to sk, when there is one (their bytes are then
// sk's); it returns the files and their size.
func searchIndex(analyses []*search.Analysis, sk *sink) ([]render.Output, int) {
	index, _ := search.Assemble(analyses)
	files := make([]render.Output, len(index))
	size := 0
	for i, f := range index {
		// Compact JSON already: minifying it would only cost time.
		files[i] = render.Output{Path: f.Path, Data: f.Data, Source: "search index", Minified: true}
		size += len(f.Data)
	}
	if sk != nil {
		work.Each(len(files), func(i int) {
			sk.put(files[i])
			files[i].Data = nil
		})
	}
	return files, size
}

// packHold is how many compressed bytes of a pack wait for it in memory
// before the rest go to a scratch file: the whole pack of a programme of a
// thousand sessions (its writing is then a copy in memory, not a read of
// each file back), a tenth of one of ten thousand.
const packHold = 16 << 20

// sink writes an edition's files into the staging folder as they are made
// (from several goroutines at once), minifying what is not minified yet,
// and compresses each into the edition's pack, so that a build holds
// neither the edition nor its pack whole.
type sink struct {
	stage    *publish.Stage
	prefix   string // the edition's folder, with its slash
	mf       *publish.Minifier
	pack     *pack.Builder // nil for no pack
	packFile string        // the pack's name in the edition
	// spoolDone removes the pack's scratch file, if it has one.
	spoolDone func() error

	mu    sync.Mutex
	err   error           // the first write or pack error
	warns []minifyProblem // files copied as they are
	home  []byte          // the home page, for a pack without PackHome
}

type minifyProblem struct {
	o   render.Output
	err error
}

func (s *sink) put(o render.Output) {
	data := o.Data
	if o.Parts != nil && s.mf != nil && !o.Minified {
		data = bytes.Join(o.Parts, nil) // to minify it whole
		o.Parts = nil
	}
	if o.Parts != nil {
		s.putParts(o)
		return
	}
	if s.mf != nil && !o.Minified {
		if m, err := minifyFile(s.mf, o.Path, data); err != nil {
			o.Data = nil // the renderer's, reused; the warning names the file
			s.mu.Lock()
			s.warns = append(s.warns, minifyProblem{o, err})
			s.mu.Unlock()
		} else {
			data = m
		}
	}
	if s.failed() {
		return // the build stops at the first failure; the rest is moot
	}
	err := s.stage.Put(s.prefix+o.Path, data)
	if err == nil && s.pack != nil {
		if o.Path == "index.html" {
			// The pack holds its own home page (see zip).
			s.mu.Lock()
			s.home = bytes.Clone(data) // the renderer reuses data
			s.mu.Unlock()
		} else if err = s.pack.Add(o.Path, data); err != nil {
			err = s.packErr(err)
		}
	}
	s.fail(err)
}

// packErr says that the pack could not be written, for an error met while
// adding to it: a full disk under its scratch file, most likely. The
// scratch file's own name would mean nothing to an author.
func (s *sink) packErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot write %s%s: %w", s.prefix, s.packFile, err)
}

// putParts writes a file given as parts without joining them.
func (s *sink) putParts(o render.Output) {
	if s.failed() {
		return
	}
	err := s.stage.PutWith(s.prefix+o.Path, func(w io.Writer) error {
		for _, p := range o.Parts {
			if _, err := w.Write(p); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && s.pack != nil {
		runs := make([]pack.Run, len(o.Runs))
		for i, r := range o.Runs {
			runs[i] = pack.Run(r)
		}
		if err = s.pack.AddParts(o.Path, o.Parts, runs...); err != nil {
			err = s.packErr(err)
		}
	}
	s.fail(err)
}

func (s *sink) failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err != nil
}

// fail keeps err, unless nil or an earlier error is kept.
func (s *sink) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

// report adds the files that could not be minified to diags, in path order.
func (s *sink) report(diags *diag.List) {
	slices.SortFunc(s.warns, func(a, b minifyProblem) int { return strings.Compare(a.o.Path, b.o.Path) })
	for _, w := range s.warns {
		diags.Add(minifyWarning(w.o, w.err))
	}
	s.warns = nil
}

// finishPack completes the pack with home (minified as the site's pages
// are, by the renderer) as its home page: the one without the link to the
// pack, which it cannot contain. Its errors are two files at one path,
// or the disk's under the pack's scratch file (packErr).
func (s *sink) finishPack(home []byte) error {
	if home == nil {
		home = s.home // written as it is: there is no other
	}
	if home != nil {
		if err := s.pack.Add("index.html", home); err != nil {
			return s.packErr(err)
		}
	}
	return s.pack.Check()
}

// writePack writes the finished pack into the edition's folder, never
// whole in memory.
func (s *sink) writePack(name string) error {
	return s.stage.PutWith(s.prefix+s.packFile, func(w io.Writer) error { return s.pack.WriteTo(w, name) })
}

// WatchStatusFile is the file, at each edition's root, that pages opened
// under `haven watch` read every second.
const WatchStatusFile = "haven-watch.js"

// watchFiles adds what a watch build needs to an edition: the reload script
// and a status file naming this build (a hash of the edition's files).
func watchFiles(files []publish.File) []publish.File {
	reload, err := fs.ReadFile(themes.Default, "default/watch/haven-reload.js")
	if err != nil {
		panic(err) // embedded
	}
	out := []publish.File{{Path: "assets/haven-reload.js", Data: reload}}
	// The id only has to change when a file does: a CRC of each file
	// (hardware-fast) feeds one hash of the whole list.
	table := crc32.MakeTable(crc32.Castagnoli)
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\x00%d\x00%08x\x00", f.Path, len(f.Data), crc32.Checksum(f.Data, table))
	}
	out = append(out, publish.File{Path: WatchStatusFile, Data: WatchStatus(hex.EncodeToString(h.Sum(nil))[:16], nil)})
	return out
}

// WatchStatus writes the status file's script: the build it describes and
// the problems of the latest attempt, if it failed.
func WatchStatus(build string, errors []string) []byte {
	if errors == nil {
		errors = []string{}
	}
	data, _ := json.Marshal(map[string]any{"build": build, "errors": errors}) // escapes <, > and &
	return []byte("havenWatch(" + string(data) + ");\n")
}

// packName names an edition's offline pack, and the folder it unzips into,
// after the programme: "steady-ground-facilitator".
func packName(title, edition string) string {
	s := markdown.Slug(title)
	if s == "" {
		s = "programme"
	}
	return s + "-" + edition
}

// packEdition zips an edition's files, with the home page as the pack
// holds it.
func packEdition(name string, files []publish.File, home []byte) ([]byte, error) {
	pf := make([]pack.File, 0, len(files))
	for _, f := range files {
		data := f.Data
		if f.Path == "index.html" && home != nil {
			data = home
		}
		pf = append(pf, pack.File{Path: f.Path, Data: data})
	}
	return pack.Zip(name, pf)
}

// PageBudget is the time one page may take to parse. Every input haven has
// met parses in milliseconds; a page that takes longer is reported, so
// that one pathological file cannot hold a build without a word.
const PageBudget = 5 * time.Second

// isUTF16 reports text saved as UTF-16: a byte order mark, or the NUL bytes
// that ASCII letters carry in UTF-16 (Markdown never holds NUL).
func isUTF16(b []byte) bool {
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return true
	}
	head := b[:min(len(b), 512)]
	return len(head) >= 2 && bytes.Count(head, []byte{0}) > len(head)/4
}

// parsePage reads one Markdown file: frontmatter, then body. A panic
// becomes an error naming the file, and a page over PageBudget is an error.
func parsePage(md *markdown.Markdown, f source.File, diags *diag.List, opts Options) (p programme.Parsed) {
	file := programme.ContentPrefix + f.Path
	budget := PageBudget
	if opts.pageBudget > 0 {
		budget = opts.pageBudget
	}
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			diags.Add(diag.Diagnostic{Pos: diag.Position{File: file}, Severity: diag.Error,
				Message: fmt.Sprintf("haven failed while reading this page (%v)", v),
				Hint:    "this is a bug in haven: please report it with the file; meanwhile, simplify the page to find the part that causes it"})
			p = programme.Parsed{Source: f.Path, Meta: &meta.Page{Title: f.Path}, Memo: &programme.Memo{},
				Doc: md.Parse(nil, func(int) diag.Position { return diag.Position{File: file} }, &diag.List{})}
		}
		if d := time.Since(start); d > budget {
			diags.Add(diag.Diagnostic{Pos: diag.Position{File: file}, Severity: diag.Error,
				Message: fmt.Sprintf("this page took %v to read; the limit is %v", d.Round(time.Millisecond), budget),
				Hint:    "split it into smaller pages, or look for deeply nested lists or quotes"})
		}
	}()
	if opts.beforeParse != nil {
		opts.beforeParse(f.Path)
	}
	return parseText(md, f, file, diags)
}

func parseText(md *markdown.Markdown, f source.File, file string, diags *diag.List) programme.Parsed {
	p := programme.Parsed{Source: f.Path, Meta: &meta.Page{}, Memo: &programme.Memo{}}
	empty := func() programme.Parsed {
		p.Lines = diag.NewLines(file, nil)
		p.Doc = md.Parse(nil, p.Lines.Pos, &diag.List{})
		return p
	}
	// Text that is not UTF-8 is reported once, at its first wrong byte,
	// with the fix; UTF-16 (byte order mark, or the NUL bytes of ASCII
	// saved as UTF-16) is not read further, as every line would be wrong.
	if isUTF16(f.Data) {
		diags.Add(markdown.NotUTF8(diag.Position{File: file, Line: 1, Col: 1}))
		return empty()
	}
	// CRLF and CR line ends read exactly like LF; lines keep their numbers.
	// (Only then is the text copied: everything after reads it, never
	// writes it.)
	text := f.Data
	if bytes.IndexByte(text, '\r') >= 0 {
		text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
		text = bytes.ReplaceAll(text, []byte("\r"), []byte("\n"))
	}
	lines := diag.NewLines(file, text)
	p.Lines = lines
	if !utf8.Valid(text) {
		diags.Add(markdown.NotUTF8(lines.Pos(markdown.FirstInvalidUTF8(text))))
		text = bytes.ToValidUTF8(text, []byte("\uFFFD"))
	}
	split, d := meta.SplitPage(file, text)
	if d != nil {
		diags.Add(*d)
		p.Doc = md.Parse(nil, lines.Pos, diags)
		return p
	}
	p.Meta = meta.DecodePage(file, split, diags)
	p.BodyOffset = split.BodyOffset
	at := func(off int) diag.Position {
		if off < 0 {
			return diag.Position{File: file}
		}
		return lines.Pos(split.BodyOffset + off)
	}
	p.Doc = md.Parse(split.Body, at, diags)
	return p
}

// collect minifies (with mf, unless nil) and places an edition's outputs
// under its folder (prefix), and refuses two outputs with one path.
func collect(prefix string, outputs []render.Output, mf *publish.Minifier, diags *diag.List) []publish.File {
	seen := map[string]render.Output{}
	var keep []render.Output
	for _, o := range outputs {
		key := strings.ToLower(o.Path)
		if prev, ok := seen[key]; ok {
			// Report it where the author can change something: at the
			// content file, not at a file haven makes.
			pos := o.Pos
			if pos.File == "" {
				pos = prev.Pos
			}
			if pos.File == "" {
				pos = diag.Position{File: o.Source}
			}
			diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error,
				Message: fmt.Sprintf("%s and %s would both be written to %s", prev.Source, o.Source, o.Path),
				Hint:    "rename it, or give the page another slug:; haven writes its own files there"})
			continue
		}
		seen[key] = o
		keep = append(keep, o)
	}
	files := make([]publish.File, len(keep))
	errs := make([]error, len(keep))
	work.Each(len(keep), func(i int) {
		o := keep[i]
		files[i] = publish.File{Path: prefix + o.Path, Data: o.Data}
		if mf == nil || o.Minified || o.Data == nil {
			return // nil: written already, by a sink
		}
		if m, err := minifyFile(mf, o.Path, o.Data); err != nil {
			errs[i] = err
		} else {
			files[i].Data = m
		}
	})
	for i, err := range errs {
		if err != nil {
			diags.Add(minifyWarning(keep[i], err))
		}
	}
	return files
}

// minifyFile minifies one file; a panic in the minifier is an error.
func minifyFile(mf *publish.Minifier, name string, data []byte) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, fmt.Errorf("the minifier failed (%v)", v)
		}
	}()
	return mf.Minify(name, data)
}

func minifyWarning(o render.Output, err error) diag.Diagnostic {
	return diag.Diagnostic{Pos: diag.Position{File: o.Source}, Severity: diag.Warning,
		Message: fmt.Sprintf("could not minify %s, so it is copied as it is: %v", o.Path, err)}
}

// skipOutput keeps the loader out of the output folder and haven's staging
// folders when they sit inside the project.
func skipOutput(dir, out string) func(string) bool {
	return func(rel string) bool {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		return p == out
	}
}
