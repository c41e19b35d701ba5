// Package render turns the programme model into the files of a site:
// every page through its layout, the listing pages of folders without an
// index.md, the print pages, the programme's own files and the theme's
// static files. It does no disk I/O: it returns the files, or hands each to
// Renderer.Emit as soon as it is made, for the build to write.
package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"haven/generator/diag"
	"haven/generator/markdown"
	"haven/generator/meta"
	"haven/generator/programme"
	"haven/generator/search"
	"haven/generator/theme"
	"haven/generator/work"
)

// CSP is the Content-Security-Policy of every page: the site's own scripts,
// styles, images and fonts, and nothing else.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'"

// Output is one file of the site.
type Output struct {
	// Path is slash-separated, relative to the edition's root.
	Path string
	Data []byte
	// Source names the file it came from, for diagnostics.
	Source string
	// Parts, when set instead of Data, are the file's bytes one after
	// another: a large file (the programme's print page) is never joined
	// in memory. Only with Renderer.Emit.
	Parts [][]byte
	// Runs name runs of Parts that another file of the edition holds
	// too, byte for byte: a module's articles, on its print page and on
	// the programme's. They do not overlap, and come in order.
	Runs []Run
	// Minified is set when Data is already minified.
	Minified bool
	// Pos is where an author would change the file's name: a page's
	// slug: line, or its first line; a content file itself. Empty for
	// files haven makes.
	Pos diag.Position
}

// Run is the parts [From, To) of an Output's Parts, named: every run of
// one name, in any file of an edition, is the same bytes.
type Run struct {
	From, To int
	Name     string
}

// Cache keeps rendered pages from one build for the next (haven watch). A
// page is reused when its key (see Renderer.Key) is unchanged.
type Cache struct {
	mu       sync.Mutex
	m        map[string]cachedPage
	articles map[string]cachedArticle
}

type cachedArticle struct {
	key  string
	html []byte // never changed once kept
}

type cachedPage struct {
	key string
	res pageResult
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{m: map[string]cachedPage{}, articles: map[string]cachedArticle{}}
}

func (c *Cache) article(name, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.articles[name]
	if !ok || e.key != key {
		return nil, false
	}
	return e.html, true
}

func (c *Cache) keepArticle(name, key string, html []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.articles[name] = cachedArticle{key, html}
}

func (c *Cache) get(name, key string) (pageResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[name]
	if !ok || e.key != key {
		return pageResult{}, false
	}
	return e.res, true
}

func (c *Cache) put(name, key string, res pageResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[name] = cachedPage{key, res}
}

// Edition names the edition being rendered.
type Edition struct {
	// Name is the folder name: "facilitator" or "participant".
	Name string
	// Label is shown in the header: "Facilitator edition".
	Label string
	// Participant is set for the participant edition: facilitator
	// callouts, pages and fields are left out.
	Participant bool
}

// Editions returns the two editions, labelled in the theme's words.
func Editions(w *theme.Words) (facilitator, participant Edition) {
	return Edition{Name: "facilitator", Label: w.T("facilitator_edition")},
		Edition{Name: "participant", Label: w.T("participant_edition"), Participant: true}
}

// Renderer renders one edition of a programme with one theme.
type Renderer struct {
	// Prog is the edition's view of the programme (programme.Edition).
	Prog  *programme.Programme
	Theme *theme.Theme
	MD    *markdown.Markdown
	// Words are the theme's interface words in the programme's language.
	Words   *theme.Words
	Edition Edition
	// Watch renders pages for `haven watch`: they reload themselves.
	Watch bool
	// Minify, when set, minifies each page as it is rendered (so that a
	// cached page is cached minified).
	Minify func(path string, data []byte) ([]byte, error)
	// Cache and Key let pages rendered by an earlier build be reused: Key
	// must change whenever anything the page shows may have changed.
	Cache *Cache
	Key   func(p *programme.Page) string
	// Progress, when set, is called as pages are rendered (from several
	// goroutines at once).
	Progress func(done, total int)
	// Fresh, when set, is called with each page that was rendered anew
	// (not taken from the cache) as soon as all pages are rendered, before
	// the slower whole-site files: haven watch writes it at once, so that
	// the page an author just saved is updated first.
	Fresh func(Output)
	// Release lets each page's Markdown tree go as soon as the page is
	// rendered, when nothing reads the trees again: in the last edition a
	// build renders, or in an edition that renders the next one's Markdown
	// into Bodies. Not for use with Cache.
	Release bool
	// Bodies, when set, carries each page's Markdown HTML from the
	// facilitator edition's renderer, which renders it for the participant
	// edition too while the tree is at hand, to the participant edition's,
	// which takes it from there.
	Bodies *Bodies
	// Emit, when set, takes each file as soon as it is made, from several
	// goroutines at once; Site then returns its files without their bytes
	// (Data nil), so that a build that writes files as they come holds no
	// more of the site than it must. The bytes are Emit's only until it
	// returns: it copies what it keeps, as a page's buffer is reused for
	// the next page. Not for use with Cache.
	Emit func(Output)
	// HTMLTemplate runs the layouts through html/template alone, not
	// through the theme's Programs, which write the same bytes faster:
	// for tests that hold the one to the other.
	HTMLTemplate bool

	// PagesDone, when set, is called by Site once every page is rendered,
	// with what each brings to the search index, in reading order; Site
	// goes on with the print pages meanwhile, so it must not wait for
	// work of its own.
	PagesDone func([]*search.Analysis)

	// Pack is the file name of the edition's offline pack, offered on the
	// home page; "" for none. PackHome receives the home page as the pack
	// holds it: without the link to the pack, which it cannot contain, and
	// minified as the site's pages are.
	Pack     string
	PackHome []byte

	// navCache holds the sidebar renderings pages share (see sidebar);
	// openSection, the section each page's sidebar opens.
	navMu       sync.Mutex
	navCache    map[navKey]string
	openSection map[string]int

	// articles holds each rendered page's article for the programme's
	// print page.
	articles map[*programme.Page][]byte

	// scratch keeps *scratch buffers for print articles.
	scratch sync.Pool
	// pageBufs keeps the buffers pages are made in, for the next page,
	// once Emit has taken a page (Emit keeps no bytes it is given).
	pageBufs sync.Pool
	// bodyBufs keeps the buffers pages' Markdown is rendered into before
	// it is minified into a copy.
	bodyBufs sync.Pool
}

// SessionPart is one list of a session (outcomes, materials, preparation)
// as the theme's "session-list-part" template reads it.
type SessionPart struct {
	Print       bool
	Class, Word string
	Items       []string
}

// text writes times and sizes in the renderer's words.
func (r *Renderer) text() Text { return Text{r.Words} }

// wordsJSON gives the theme's words with a prefix as a JSON object, made
// once per prefix: every page asks for the same.
func wordsJSON(w *theme.Words) func(prefix string) (string, error) {
	var mu sync.Mutex
	made := map[string]string{}
	return func(prefix string) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if j, ok := made[prefix]; ok {
			return j, nil
		}
		b, err := json.Marshal(w.Prefixed(prefix))
		if err != nil {
			return "", err
		}
		made[prefix] = string(b)
		return string(b), nil
	}
}

// Funcs are the template functions available to layouts: t looks up the
// theme's words ({{t "agenda"}}, {{t "session_n" "n" 3}}), words gives a
// script its words as JSON (keys starting with a prefix), minutes writes a
// length of time. They must have no effects that count: a page the theme's
// Programs give up on part way is run again by html/template (see tmpl).
func Funcs(w *theme.Words) template.FuncMap {
	return template.FuncMap{
		"t":       w.T,
		"words":   wordsJSON(w),
		"minutes": Text{w}.Minutes,
		// part gathers a list section of a session for the
		// "session-list-part" template.
		"part": func(anchor, class, word string, items []string) SessionPart {
			return SessionPart{Print: anchor != "", Class: class, Word: word, Items: items}
		},
		// seq gives 1..n, for blank rows such as signature lines.
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i + 1
			}
			return s
		},
	}
}

// Site renders every file of the site.
func (r *Renderer) Site(diags *diag.List) []Output {
	r.articles = map[*programme.Page][]byte{}
	r.navCache = map[navKey]string{}
	r.openSection = openSections(r.Prog)
	r.warm()
	var out []Output
	// Every page's article for the programme's print page is made with
	// the page, while its data is at hand.
	whole := printSet{url: PrintFile, pages: r.Prog.Pages, anchors: map[string]string{}}
	for _, p := range r.Prog.Pages {
		whole.anchors[p.URL] = anchorFor(p.URL)
	}
	// Pages render in parallel; each writes only its own slot, and the
	// slots are gathered in reading order.
	results := make([]pageResult, len(r.Prog.Pages))
	fresh := make([]bool, len(results))
	articles := make([][]byte, len(results))
	var rendered atomic.Int64
	var analyses []*search.Analysis
	work.Each(len(results), func(i int) {
		if r.Progress != nil {
			defer func() { r.Progress(int(rendered.Add(1)), len(results)) }()
		}
		p := r.Prog.Pages[i]
		if r.Cache == nil || r.Key == nil {
			results[i], fresh[i] = r.page(p), true
		} else {
			name, key := r.Edition.Name+"/"+p.Source, r.Key(p)
			if res, ok := r.Cache.get(name, key); ok {
				results[i] = res
			} else {
				results[i], fresh[i] = r.page(p), true
				r.Cache.put(name, key, results[i])
			}
		}
		res := &results[i]
		if !res.ok {
			return
		}
		var err error
		if articles[i], err = r.printArticle(whole, p, res.data, res.body); err != nil {
			res.diags.Errorf(diag.Position{File: p.File()}, "cannot place this page on the print page %s: %v", whole.url, err)
			res.ok = false
			return
		}
		if r.Cache == nil {
			// Held by nothing else now: let them go.
			res.data, res.body = nil, nil
		}
		res.out = r.hand(res.out)
		if res.buf != nil { // Emit has written the page
			r.pageBufs.Put(res.buf)
			res.buf = nil
		}
	})
	if r.Fresh != nil {
		for i, res := range results {
			if fresh[i] && res.ok && res.diags.Len() == 0 {
				r.Fresh(res.out)
			}
		}
	}
	for i, res := range results {
		p := r.Prog.Pages[i]
		diags.Merge(&res.diags)
		if !res.ok {
			continue
		}
		out = append(out, res.out)
		analyses = append(analyses, res.search)
		r.articles[p] = articles[i]
		if res.packHome != nil {
			r.PackHome = res.packHome
		}
	}
	if r.PagesDone != nil {
		r.PagesDone(analyses)
	}
	for _, s := range r.Prog.Sections {
		if !s.IsRoot() && s.Index == nil {
			if o, ok := r.sectionPage(s, diags); ok {
				out = append(out, r.hand(o))
			}
		}
	}
	var files []Output
	for _, a := range r.Prog.Assets {
		files = append(files, Output{Path: a.URL, Data: a.Data, Source: programme.ContentPrefix + a.Source, Pos: diag.Position{File: programme.ContentPrefix + a.Source}})
	}
	for _, f := range r.Theme.Static {
		files = append(files, Output{Path: f.Path, Data: f.Data, Source: f.Origin})
	}
	// The static files go to Emit while the print pages are made: the
	// programme's print page, made last and by one goroutine, leaves a
	// core to them.
	emitted := make(chan struct{})
	go func() {
		defer close(emitted)
		if r.Emit != nil { // several at once: each may need minifying
			work.Each(len(files), func(i int) { files[i] = r.hand(files[i]) })
		}
	}()
	out = append(out, r.prints(diags)...)
	<-emitted
	return append(out, files...)
}

// hand gives o to Emit, when set, and returns it without its bytes, which
// are Emit's now; without Emit it returns o as it is.
func (r *Renderer) hand(o Output) Output {
	if r.Emit != nil {
		r.Emit(o)
		o.Data, o.Parts, o.Runs = nil, nil, nil
	}
	return o
}

// Bodies holds pages' Markdown HTML for the participant edition, rendered
// (and minified, when the build minifies) by the facilitator edition's
// renderer (see Renderer.Bodies).
type Bodies struct {
	// Pages, when set, are the pages the participant edition holds (by
	// their Markdown), the others' bodies being of no use.
	Pages map[*markdown.Doc]bool
	mu    sync.Mutex
	m     map[*markdown.Doc]renderedBody
}

type renderedBody struct {
	html     []byte
	minified bool
	// search is the page's search analysis for the participant edition,
	// made with the facilitator's (search.AnalyzeEditions).
	search *search.Analysis
}

// wants reports whether the participant edition holds the page of doc.
func (b *Bodies) wants(doc *markdown.Doc) bool { return b.Pages == nil || b.Pages[doc] }

func (b *Bodies) put(doc *markdown.Doc, body renderedBody) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[*markdown.Doc]renderedBody{}
	}
	b.m[doc] = body
}

// take returns a page's body and forgets it.
func (b *Bodies) take(doc *markdown.Doc) (renderedBody, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	body, ok := b.m[doc]
	delete(b.m, doc)
	return body, ok
}

// pageResult is one rendered page and what the later steps need of it.
type pageResult struct {
	ok       bool
	out      Output
	search   *search.Analysis
	data     *PageData
	body     []byte
	packHome []byte
	diags    diag.List
	// buf holds out's bytes, from Renderer.pageBufs, until Emit has
	// taken them; nil when out's bytes are not in one.
	buf *bytes.Buffer
}

// page renders one page. It touches nothing shared, so pages can render in
// parallel. A panic in goldmark or a template becomes an error naming the
// page.
func (r *Renderer) page(p *programme.Page) (res pageResult) {
	diags := &res.diags
	defer func() {
		if v := recover(); v != nil {
			diags.Errorf(diag.Position{File: p.File()}, "internal error while rendering this page: %v\n%s", v, debug.Stack())
			res.ok = false
		}
	}()
	// The layouts minified already, the Markdown is all that needs it,
	// once, for the page and its print articles; otherwise the page is
	// minified whole.
	var body renderedBody
	taken := false
	if r.Bodies != nil && r.Edition.Participant {
		body, taken = r.Bodies.take(p.Doc)
	}
	if !taken {
		var err error
		if body, err = r.body(p, r.Edition.Participant); err != nil {
			diags.Errorf(diag.Position{File: p.File()}, "cannot render the Markdown: %v", err)
			return res
		}
	}
	res.body = body.html
	whole := r.Minify != nil && !body.minified
	sc := pooled[scratch](&r.scratch) // for its lexer
	defer r.scratch.Put(sc)
	sp := search.Page{Title: p.Title(), URL: p.URL, Module: moduleOf(p), Summary: p.Meta.Summary, Body: res.body, Lexer: &sc.lex}
	switch {
	case body.search != nil: // made with the body, by the facilitator's renderer
		res.search = body.search
	case r.Bodies != nil && !r.Edition.Participant && r.Bodies.wants(p.Doc):
		// The participant's Markdown, while the tree is at hand. Its
		// page is this one without the facilitator callouts: one scan
		// analyses both.
		other, err := r.body(p, true)
		if err != nil {
			diags.Errorf(diag.Position{File: p.File()}, "cannot render the Markdown: %v", err)
			return res
		}
		res.search, other.search = search.AnalyzeEditions(sp)
		r.Bodies.put(p.Doc, other)
	default:
		res.search = search.Analyze(sp)
	}
	d := r.pageData(p.URL, p.Kind, p.Title())
	d.Page = p
	d.Summary = p.Meta.Summary
	d.TOC = r.toc(p)
	if r.Release {
		p.Release() // the last that reads it
	}
	d.Breadcrumbs = r.breadcrumbs(p)
	d.Prev, d.Next = r.crumb(p.URL, p.Prev), r.crumb(p.URL, p.Next)
	switch p.Kind {
	case meta.KindHome:
		d.IsHome = true
		d.PrintURL = PrintFile
		d.Modules = r.modules(p.URL)
		if total := r.totalMinutes(); total > 0 {
			d.Facts = append(d.Facts, Fact{r.Words.T("total_contact_time"), r.text().Minutes(total)})
		}
		if n := r.sessionCount(); n > 0 {
			d.Facts = append(d.Facts, Fact{r.Words.T("sessions"), strconv.Itoa(n)})
		}
	case meta.KindModule:
		d.Sessions = r.sessionItems(p.URL, p.Section.Pages)
		d.KindLabel = r.moduleLabel(p.Section)
		if total := sectionMinutes(p.Section); total > 0 {
			d.Facts = append(d.Facts, Fact{r.Words.T("module_time"), r.text().Minutes(total)})
		}
		d.Materials = r.materials(p.URL, p.Section)
		d.PrintURL = PrintFile
	case meta.KindSession:
		d.KindLabel = r.sessionLabel(p)
		d.Facts = r.sessionFacts(p.Meta)
		if !r.Edition.Participant || r.Prog.Config.ParticipantAgenda {
			d.Agenda = r.agendaRows(p)
		}
	case meta.KindAgreement:
		d.KindLabel = r.Words.T("group_agreement")
		d.AgreementKey = markdown.Slug(r.Prog.Title) + "/" + p.URL
	}
	if p.Section != nil && !p.Section.IsRoot() && p.Kind == meta.KindPage && p.Section.Index == p {
		d.Sessions = r.sessionItems(p.URL, p.Section.Pages)
	}
	res.data = d
	// The goldmark output (raw HTML omitted, URLs filtered) is the
	// content: as a string where the page is made by execute, put in
	// place by executeSpliced.
	content := template.HTML(res.body)
	if d.IsHome && r.Pack != "" {
		d.Content = content
		packHome, err := r.execute(p.Kind, d)
		if err != nil {
			diags.Errorf(diag.Position{File: p.File()}, "the %s template failed on this page: %v", p.Kind, err)
			return res
		}
		if whole { // minified as the page is
			if m, err := r.Minify(p.URL, packHome); err == nil {
				packHome = m
			}
		}
		res.packHome = packHome
		d.PackURL = r.Pack
	}
	var data []byte
	var err error
	if r.Emit != nil && r.Cache == nil {
		// Made in a buffer the next page reuses, once Emit has taken
		// this one (see Site).
		buf := pooled[bytes.Buffer](&r.pageBufs)
		buf.Reset()
		if err = r.executeSpliced(buf, p.Kind, d, res.body); err == nil {
			data, res.buf = buf.Bytes(), buf
		}
	} else {
		d.Content = content
		data, err = r.execute(p.Kind, d)
	}
	if err != nil {
		diags.Errorf(diag.Position{File: p.File()}, "the %s template failed on this page: %v", p.Kind, err)
		return res
	}
	// The page's own (print articles have none of its sidebar), or the
	// marks for them.
	d.Sidebar, d.Content = "", ""
	pos := diag.Position{File: p.File(), Line: 1, Col: 1}
	if kp, ok := p.Meta.Keys["slug"]; ok {
		pos = kp
	}
	res.out, res.ok = Output{Path: p.URL, Data: data, Source: p.File(), Pos: pos, Minified: r.Minify != nil && !whole}, true
	if whole {
		if m, err := r.Minify(p.URL, data); err == nil {
			res.out.Data, res.out.Minified = m, true
		}
		// A page that cannot be minified is left for the publish step,
		// which reports it.
	}
	return res
}

// body renders a page's Markdown for an edition, minified when the layouts
// are (a body that cannot be minified leaves it to the page, minified
// whole).
func (r *Renderer) body(p *programme.Page, participant bool) (renderedBody, error) {
	minify := r.Minify != nil && r.Theme.Minified()
	b := new(bytes.Buffer)
	if minify {
		// Minified into a copy: the buffer serves the next page.
		b = pooled[bytes.Buffer](&r.bodyBufs)
		b.Reset()
	}
	b.Grow(len(p.Doc.Source) + len(p.Doc.Source)/2) // HTML runs a little longer than its Markdown
	if err := r.MD.Render(b, p.Doc, participant); err != nil {
		return renderedBody{}, err
	}
	if minify {
		if m, err := r.Minify(p.URL, b.Bytes()); err == nil {
			if !sameStart(m, b.Bytes()) { // a copy, as minifiers make
				r.bodyBufs.Put(b)
			}
			return renderedBody{html: m, minified: true}, nil
		}
	}
	return renderedBody{html: b.Bytes()}, nil
}

// pooled takes a *T from p, or a new one when p holds none.
func pooled[T any](p *sync.Pool) *T {
	if v, ok := p.Get().(*T); ok {
		return v
	}
	return new(T)
}

// sameStart reports whether a and b start at the same byte in memory.
func sameStart(a, b []byte) bool {
	return len(a) > 0 && len(b) > 0 && &a[0] == &b[0]
}

func moduleOf(p *programme.Page) string {
	if p.Section == nil || p.Section.IsRoot() || p.Section.Index == p {
		return ""
	}
	return p.Section.Title
}

// sectionPage renders the listing page of a folder that has no index.md.
func (r *Renderer) sectionPage(s *programme.Section, diags *diag.List) (Output, bool) {
	kind := "section"
	d := r.pageData(s.URL, kind, s.Title)
	d.Sessions = r.sessionItems(s.URL, s.Pages)
	if s.IsModule {
		d.KindLabel = r.moduleLabel(s)
		if total := sectionMinutes(s); total > 0 {
			d.Facts = append(d.Facts, Fact{r.Words.T("module_time"), r.text().Minutes(total)})
		}
		d.Materials = r.materials(s.URL, s)
	}
	d.Breadcrumbs = []Crumb{{Title: r.Words.T("home"), URL: programme.RelURL(s.URL, "index.html")}}
	data, err := r.execute(kind, d)
	if err != nil {
		diags.Errorf(diag.Position{File: programme.ContentPrefix + s.Dir + "/"}, "the section template failed: %v", err)
		return Output{}, false
	}
	// All template: minified already when the layouts are.
	return Output{Path: s.URL, Data: data, Source: programme.ContentPrefix + s.Dir + "/", Minified: r.Minify != nil && r.Theme.Minified()}, true
}

// EditionsPage renders the page at the output's root that links to each
// edition, for a build of both; htmlTemplate runs its layout through
// html/template alone (see Renderer.HTMLTemplate).
func EditionsPage(th *theme.Theme, w *theme.Words, prog *programme.Programme, editions []Edition, htmlTemplate bool) (Output, error) {
	d := &PageData{
		Site:  SiteData{Title: prog.Title, Language: prog.Language},
		Kind:  "editions",
		Title: prog.Title,
		CSP:   CSP,
		Root:  editions[len(editions)-1].Name + "/",
	}
	for _, e := range editions {
		about := w.T("facilitator_edition_about")
		if e.Participant {
			about = w.T("participant_edition_about")
		}
		d.Editions = append(d.Editions, EditionLink{Title: e.Label, URL: e.Name + "/index.html", About: about})
	}
	// The editions' renderers have warmed the layouts.
	r := &Renderer{Theme: th, Words: w, HTMLTemplate: htmlTemplate}
	data, err := r.execute("editions", d)
	if err != nil {
		return Output{}, fmt.Errorf("the editions template failed: %w", err)
	}
	return Output{Path: "index.html", Data: data, Source: "theme:layouts/editions.html"}, nil
}

func (r *Renderer) execute(kind string, d *PageData) ([]byte, error) {
	if err := r.sidebarFor(kind, d); err != nil {
		return nil, err
	}
	return r.run(kind, "base", d, len(d.Content)+len(d.Sidebar)+8<<10) // the shell of a page is under 8 KB
}

// sidebarFor gives d the sidebar of its page, unless it has one or is of
// a kind without.
func (r *Renderer) sidebarFor(kind string, d *PageData) error {
	if d.Sidebar == "" && kind != "editions" && kind != "print" {
		sb, err := r.sidebar(d.URL)
		if err != nil {
			return fmt.Errorf("the sidebar template failed: %w", err)
		}
		d.Sidebar = sb
	}
	return nil
}

// Marks for a page's sidebar and content in its layout's output (see
// executeSpliced); their words show where a layout shows them other than
// as HTML (in an attribute, the tags are dropped and the word stays).
const (
	sidebarWord = "haven-page-sidebar"
	sidebarMark = "<haven-page>" + sidebarWord + "</haven-page>"
	pageWord    = "haven-page-content"
	pageMark    = "<haven-page>" + pageWord + "</haven-page>"
)

// executeSpliced is executeInto for a page whose Markdown HTML is body:
// its layout runs with marks for the sidebar and the content, and buf
// takes the layout's output with the sidebar (the module's, shared, with
// the page's own link marked) and body in the marks' places. The page is
// then made without a string of either for the layout to copy again: a
// sidebar and a body a page. A layout that shows either other than once
// as HTML, or a page given either already (the home page, whose pack
// version went first), gets them as executeInto gives them.
func (r *Renderer) executeSpliced(buf *bytes.Buffer, kind string, d *PageData, body []byte) error {
	if d.Sidebar != "" || d.Content != "" {
		d.Content = template.HTML(body)
		return r.executeInto(buf, kind, d)
	}
	sidebar, at, err := r.sidebarAt(d.URL)
	if err != nil {
		return fmt.Errorf("the sidebar template failed: %w", err)
	}
	d.Sidebar, d.Content = sidebarMark, pageMark
	shell := pooled[bytes.Buffer](&r.pageBufs)
	defer r.pageBufs.Put(shell)
	shell.Reset()
	shell.Grow(8 << 10)
	if err := r.runInto(shell, kind, "base", d); err != nil {
		return err
	}
	out := shell.Bytes()
	s, c := markIn(out, sidebarMark, sidebarWord), markIn(out, pageMark, pageWord)
	if s < 0 || c < 0 {
		d.Sidebar, d.Content = template.HTML(markCurrent(sidebar, at)), template.HTML(body)
		return r.executeInto(buf, kind, d)
	}
	// The layout's output, with each mark replaced, in the order they
	// stand.
	type mark struct {
		at, len int
		fill    func()
	}
	marks := [2]mark{
		{s, len(sidebarMark), func() { writeCurrent(buf, sidebar, at) }},
		{c, len(pageMark), func() { buf.Write(body) }},
	}
	if c < s {
		marks[0], marks[1] = marks[1], marks[0]
	}
	buf.Grow(len(out) + len(sidebar) + len(currentAttr) + len(body))
	from := 0
	for _, m := range marks {
		buf.Write(out[from:m.at])
		m.fill()
		from = m.at + m.len
	}
	buf.Write(out[from:])
	return nil
}

// cutMark is bytes.Cut of out at mark, when markIn finds it.
func cutMark(out []byte, mark, word string) (before, after []byte, ok bool) {
	at := markIn(out, mark, word)
	if at < 0 {
		return nil, nil, false
	}
	return out[:at], out[at+len(mark):], true
}

// markIn returns where mark, which holds word, stands in out, when word
// stands there once and in mark; otherwise -1. (One scan for word.)
func markIn(out []byte, mark, word string) int {
	i := bytes.Index(out, []byte(word))
	if i < 0 || bytes.Contains(out[i+len(word):], []byte(word)) {
		return -1
	}
	at := i - strings.Index(mark, word)
	if at < 0 || at+len(mark) > len(out) || string(out[at:at+len(mark)]) != mark {
		return -1
	}
	return at
}

// executeInto is execute, into buf.
func (r *Renderer) executeInto(buf *bytes.Buffer, kind string, d *PageData) error {
	if err := r.sidebarFor(kind, d); err != nil {
		return err
	}
	buf.Grow(len(d.Content) + len(d.Sidebar) + 8<<10)
	return r.runInto(buf, kind, "base", d)
}

// warm has the theme's Programs take up the templates this renderer
// enters, before the first page: otherwise the first of each kind runs
// through html/template, and the first print page is the programme's,
// the largest.
func (r *Renderer) warm() {
	if r.HTMLTemplate {
		return
	}
	for _, kind := range theme.Layouts {
		if prog, ok := r.Theme.Program(kind); ok {
			switch kind {
			case meta.KindPage:
				prog.Warm("base", "sidebar")
			case "print":
				prog.Warm("base", "print-article")
			default:
				prog.Warm("base")
			}
		}
	}
}

// run executes the template name of the layout for kind, into a buffer
// of size bytes to start with. Should it fail, it runs the layout as
// written, whose error names the line an author sees, rather than the
// minified layout's.
func (r *Renderer) run(kind, name string, d any, size int) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(size)
	if err := r.runInto(&buf, kind, name, d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// runInto is run's work, into buf.
func (r *Renderer) runInto(buf *bytes.Buffer, kind, name string, d any) error {
	tmpl, ok := r.Theme.Layout(kind)
	if !ok {
		return fmt.Errorf("no %s template", kind)
	}
	var err error
	if prog, ok := r.Theme.Program(kind); ok && !r.HTMLTemplate {
		err = prog.Execute(buf, name, d)
	} else {
		err = tmpl.ExecuteTemplate(buf, name, d)
	}
	if err == nil {
		return nil
	}
	if plain, ok := r.Theme.Plain(kind); ok && plain != tmpl {
		buf.Reset()
		if perr := plain.ExecuteTemplate(buf, name, d); perr != nil {
			return perr
		}
	}
	return err
}
