package render

import (
	"bytes"
	"html"
	"html/template"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"

	phtml "github.com/tdewolff/parse/v2/html"

	"haven/generator/diag"
	"haven/generator/htmllex"
	"haven/generator/markdown"
	"haven/generator/programme"
	"haven/generator/work"
)

// PrintFile is the name of the print page of the programme (at the edition
// root) and of each module (in the module's folder).
const PrintFile = "print.html"

// printSet is one print page being assembled: its address, the pages it
// holds and the anchor each included page gets inside it.
type printSet struct {
	url     string
	pages   []*programme.Page
	anchors map[string]string // page URL -> anchor of its article
}

// anchorFor names a page's article on a print page: its address made into
// an id ("finding-our-feet/first.html" gives "p-finding-our-feet-first").
// The name does not depend on the print page, so an article made for the
// programme's print page serves a module's too (see relocate).
func anchorFor(pageURL string) string {
	return "p-" + markdown.Slug(strings.TrimSuffix(strings.ReplaceAll(pageURL, "/", "-"), ".html"))
}

// printSet gathers the pages of a print page at url: those of pages that
// were rendered.
func (r *Renderer) printSet(url string, pages []*programme.Page) printSet {
	set := printSet{url: url, anchors: map[string]string{}}
	for _, p := range pages {
		if _, ok := r.articles[p]; ok {
			set.pages = append(set.pages, p)
			set.anchors[p.URL] = anchorFor(p.URL)
		}
	}
	return set
}

// prints renders the print page of every module and of the whole
// programme. Each page's article was rendered once, with the page (see
// Site), for the programme's print page, which holds every page; a
// module's print page takes its pages' articles from there with their links
// relocated, which costs a scan of the article at most, instead of a
// template and the minifier. A module whose articles stand together on the
// programme's print page, unchanged, names them there and on its own page
// as one run (Output.Runs), which the pack compresses once. The print pages
// are made in parallel, the programme's last (its runs are the modules'),
// and each goes to Emit, when set, as soon as it is made.
func (r *Renderer) prints(diags *diag.List) []Output {
	whole := r.printSet(PrintFile, r.Prog.Pages)
	type module struct {
		title, back string
		set         printSet
		articles    [][]byte // relocated; nil when one cannot be placed
		shared      bool     // its articles are a run of the programme's
	}
	var modules []module
	for _, s := range r.Prog.Sections {
		if !s.IsModule || s.Index == nil {
			continue
		}
		modules = append(modules, module{title: s.Title, back: s.URL,
			set: r.printSet(path.Join(path.Dir(s.URL), PrintFile), append([]*programme.Page{s.Index}, s.Pages...))})
	}
	byAnchor := make(map[string]string, len(whole.anchors))
	for u, a := range whole.anchors {
		byAnchor[a] = u
	}
	// Job k is module k's print page, the last job the programme's: the
	// modules' compress the runs, in parallel, before the programme's
	// comes to them.
	jobDiags := make([]diag.List, len(modules)+1)
	work.Each(len(modules), func(k int) {
		m := &modules[k]
		articles := make([][]byte, len(m.set.pages))
		for i, p := range m.set.pages {
			var err error
			if articles[i], err = r.relocated(r.articles[p], byAnchor, m.set, p); err != nil {
				jobDiags[k].Errorf(diag.Position{File: p.File()}, "cannot place this page on the print page %s: %v", m.set.url, err)
				return
			}
		}
		m.articles = articles
	})
	articles := make([][]byte, len(whole.pages))
	at := make(map[*programme.Page]int, len(whole.pages))
	for i, p := range whole.pages {
		articles[i], at[p] = r.articles[p], i
	}
	// Sections hold their own pages, in reading order: the runs come in
	// order and apart, as the pack requires (the check keeps it so).
	var runs []Run // the programme's
	for k := range modules {
		m := &modules[k]
		run, ok := sharedRun(m.set.pages, m.articles, whole.pages, articles, at)
		if !ok || len(runs) > 0 && run.From < runs[len(runs)-1].To {
			continue
		}
		run.Name = m.set.url
		runs = append(runs, run)
		m.shared = true
	}
	outs := make([]Output, len(modules)+1)
	oks := make([]bool, len(outs))
	work.Each(len(outs), func(k int) {
		var o Output
		if k == len(modules) {
			o, oks[k] = r.printPage(whole, r.Prog.Title, "index.html", articles, runs, &jobDiags[k])
		} else if m := modules[k]; m.articles != nil {
			var own []Run // the whole page, named as on the programme's
			if m.shared {
				own = []Run{{From: 0, To: len(m.articles), Name: m.set.url}}
			}
			o, oks[k] = r.printPage(m.set, m.title, m.back, m.articles, own, &jobDiags[k])
		}
		if oks[k] {
			o = r.hand(o)
		}
		outs[k] = o
	})
	var out []Output
	for k := range outs {
		diags.Merge(&jobDiags[k])
	}
	for k := range outs {
		if oks[k] {
			out = append(out, outs[k]) // the modules' first, as the sidebar lists them
		}
	}
	return out
}

// sharedRun finds a module's pages, with their articles (relocated), on
// the programme's print page: standing together there, each with the same
// bytes. It gives their place among the programme's articles.
func sharedRun(pages []*programme.Page, articles [][]byte, all []*programme.Page, allArticles [][]byte, at map[*programme.Page]int) (Run, bool) {
	if len(pages) == 0 || articles == nil {
		return Run{}, false
	}
	first, ok := at[pages[0]]
	if !ok || first+len(pages) > len(all) {
		return Run{}, false
	}
	for i, p := range pages {
		if all[first+i] != p || !bytes.Equal(allArticles[first+i], articles[i]) {
			return Run{}, false
		}
	}
	return Run{From: first, To: first + len(pages)}, true
}

// articlesMark stands in a print page's shell for its articles, so that the
// shell can be minified alone and the articles, each minified and cached on
// its own, put in its place: a programme of a thousand pages is then not
// re-rendered and re-minified whole after every save under haven watch.
const articlesMark = "<haven-print-articles></haven-print-articles>"

// printPage puts the articles of a set's pages one after another on one
// page.
func (r *Renderer) printPage(set printSet, title, backURL string, articles [][]byte, runs []Run, diags *diag.List) (Output, bool) {
	url := set.url
	d := r.pageData(url, "print", title)
	d.Nav = nil
	d.BackURL = programme.RelURL(url, backURL)
	for _, p := range set.pages {
		d.PrintPages = append(d.PrintPages, &PageData{Title: p.Title(), Anchor: set.anchors[p.URL]})
	}
	d.PrintArticles = template.HTML(articlesMark)
	shell, err := r.execute("print", d)
	if err != nil {
		diags.Errorf(diag.Position{File: "theme:layouts/print.html"}, "the print template failed for %s: %v", url, err)
		return Output{}, false
	}
	minified := r.Minify != nil && r.Theme.Minified()
	if r.Minify != nil && !minified {
		if m, err := r.Minify(url, shell); err == nil && bytes.Contains(m, []byte(articlesMark)) {
			shell, minified = m, true
		}
	}
	before, after, found := bytes.Cut(shell, []byte(articlesMark))
	if !found {
		diags.Errorf(diag.Position{File: "theme:layouts/print.html"}, "the print template for %s does not show .PrintArticles", url)
		return Output{}, false
	}
	o := Output{Path: url, Source: "print page " + url, Minified: minified}
	if r.Emit != nil {
		o.Parts = append(append([][]byte{before}, articles...), after)
		for _, run := range runs {
			o.Runs = append(o.Runs, Run{From: run.From + 1, To: run.To + 1, Name: run.Name})
		}
		return o, true
	}
	size := len(shell)
	for _, a := range articles {
		size += len(a)
	}
	b := make([]byte, 0, size)
	b = append(b, before...)
	for _, a := range articles {
		b = append(b, a...)
	}
	o.Data = append(b, after...)
	return o, true
}

// relocated is a page's article from the programme's print page (at the
// edition root, holding every page), made fit for the print page of set:
// links to articles that set does not hold lead to their pages instead,
// and relative addresses are made relative to set's page. Under haven
// watch it is cached with the page.
func (r *Renderer) relocated(article []byte, byAnchor map[string]string, set printSet, p *programme.Page) ([]byte, error) {
	return r.cachedArticle(set, p, func() ([]byte, error) { return relocate(article, byAnchor, set) })
}

// relocate does relocated's work. An article none of whose links change
// (a module's pages that link only among themselves, or away from the
// site) is returned as it is, without a scan by the HTML lexer: its bytes
// are then the programme's print page's, which the pack compresses once
// for both (see prints). It keeps its spelling, as on the programme's
// print page: the lexer writes names in lower case and drops white space
// before a tag's >, which only an unminified custom layout would show.
func relocate(article []byte, byAnchor map[string]string, set printSet) ([]byte, error) {
	move := func(val string) (string, bool) { return set.relocateLink(val, byAnchor) }
	if linksStay(article, move) {
		return article, nil
	}
	return rewriteHTML(article, false, linkAttrs, func(_, val string) (string, bool) { return move(val) })
}

// relocateLink is a link (an href or src) of an article on the programme's
// print page, as the print page of set has it, and true; or false when it
// stays as it is.
func (set printSet) relocateLink(val string, byAnchor map[string]string) (string, bool) {
	if val == "" || programme.Scheme(val) != "" || val[0] == '/' {
		return "", false
	}
	if val[0] == '#' {
		a, frag, _ := strings.Cut(val[1:], "--")
		u, ok := byAnchor[a]
		if !ok || set.anchors[u] != "" {
			return "", false
		}
		if frag != "" {
			return programme.RelURL(set.url, u) + "#" + frag, true
		}
		return programme.RelURL(set.url, u), true
	}
	rawPath, frag, hasFrag := strings.Cut(val, "#")
	target, err := url.PathUnescape(rawPath)
	if err != nil || rawPath == "" {
		return "", false
	}
	target = path.Clean(target)
	if target == ".." || strings.HasPrefix(target, "../") {
		return "", false
	}
	out := programme.RelURL(set.url, target)
	if hasFrag {
		out += "#" + frag
	}
	return out, true
}

// linksStay reports, from a plain scan of b, that move (see
// relocateLink) changes none of its links. Wherever the letters href or
// src stand, in any case, they must be written href="value" (or
// src="value"), the value without entities or angle brackets, and move
// must keep the value; so an attribute the HTML lexer would find is never
// missed. Anything else (another spelling, text that names them, srcset)
// leaves the answer to the lexer: false.
func linksStay(b []byte, move func(string) (string, bool)) bool {
	// The letters are found by their r or R, each found by IndexByte,
	// which skips the text between at the machine's speed.
	nr, nR := -1, -1 // the next r and R at or after where the scan is
	find := func(c byte, i int) int {
		if j := bytes.IndexByte(b[i:], c); j >= 0 {
			return i + j
		}
		return len(b)
	}
	next := func(i int) int {
		if i >= len(b) {
			return -1
		}
		if nr < i {
			nr = find('r', i)
		}
		if nR < i {
			nR = find('R', i)
		}
		if j := min(nr, nR); j+2 < len(b) {
			return j
		}
		return -1
	}
	for i := next(1); i >= 0; i = next(i + 1) {
		var end int // just after the name
		switch {
		case b[i-1]|0x20 == 'h' && b[i+1]|0x20 == 'e' && b[i+2]|0x20 == 'f':
			end = i + 3
		case b[i-1]|0x20 == 's' && b[i+1]|0x20 == 'c':
			end = i + 2
		default:
			continue
		}
		if end+1 >= len(b) || b[end] != '=' || b[end+1] != '"' {
			return false
		}
		val := b[end+2:]
		n := bytes.IndexByte(val, '"')
		if n < 0 || bytes.ContainsAny(val[:n], "&<>") {
			return false
		}
		if _, moved := move(string(val[:n])); moved {
			return false
		}
		// The scan goes on into the value rather than past it: what
		// looks like a value may be text, or another attribute's value
		// ending earlier (title='src="#'), with a link after it.
		i = end
	}
	return true
}

// printArticle renders one page's article for a print page, from the
// page's data and Markdown HTML, minified when the build minifies; under
// haven watch it is cached with the page.
func (r *Renderer) printArticle(set printSet, p *programme.Page, pd *PageData, body []byte) ([]byte, error) {
	return r.cachedArticle(set, p, func() ([]byte, error) { return r.renderArticle(set, p, pd, body) })
}

// cachedArticle returns page p's article on the print page of set, made by
// build unless haven watch's cache holds it from an earlier build.
func (r *Renderer) cachedArticle(set printSet, p *programme.Page, build func() ([]byte, error)) ([]byte, error) {
	if r.Cache == nil || r.Key == nil {
		return build()
	}
	name, key := r.Edition.Name+"/"+set.url+"/"+p.Source, r.Key(p)
	if html, ok := r.Cache.article(name, key); ok {
		return html, nil
	}
	b, err := build()
	if err != nil {
		return nil, err
	}
	r.Cache.keepArticle(name, key, b)
	return b, nil
}

// renderArticle does printArticle's work.
func (r *Renderer) renderArticle(set printSet, p *programme.Page, pd *PageData, body []byte) ([]byte, error) {
	anchor := set.anchors[p.URL]
	sc := pooled[scratch](&r.scratch)
	defer r.scratch.Put(sc)
	if err := set.rewrite(sc, p.URL, anchor, body); err != nil {
		return nil, err
	}
	c := *pd
	// The article's layout is run with a mark for its content, which
	// the rewritten body then takes the place of: no copy of the body
	// as a string for the layout to copy again.
	c.Content = template.HTML(contentMark)
	c.Anchor = anchor
	c.Agenda = nil
	for _, a := range pd.Agenda {
		a.URL = "#" + anchor + "--" + strings.TrimPrefix(a.URL, "#")
		c.Agenda = append(c.Agenda, a)
	}
	c.Materials = nil
	for _, m := range pd.Materials {
		var ss []Crumb
		for _, s := range m.Sessions {
			ss = append(ss, Crumb{Title: s.Title, URL: set.link(p.URL, anchor, s.URL)})
		}
		c.Materials = append(c.Materials, MaterialItem{Text: m.Text, Sessions: ss})
	}
	// Made in the scratch buffer and copied out at its size: it is held
	// until the print pages are made.
	sc.art.Reset()
	if err := r.runInto(&sc.art, "print", "print-article", &c); err != nil {
		return nil, err
	}
	var html []byte
	if before, after, ok := cutMark(sc.art.Bytes(), contentMark, contentWord); ok {
		html = slices.Concat(before, sc.out.Bytes(), after)
	} else { // a layout that shows the content other than once
		c.Content = template.HTML(sc.out.String())
		sc.art.Reset()
		if err := r.runInto(&sc.art, "print", "print-article", &c); err != nil {
			return nil, err
		}
		html = bytes.Clone(sc.art.Bytes())
	}
	// Made of a minified layout and a minified body, when the layouts
	// are minified.
	if r.Minify != nil && !r.Theme.Minified() {
		if m, err := r.Minify(set.url, html); err == nil {
			html = m
		}
	}
	return html, nil
}

// link rewrites a URL written on the page at pageURL (whose article is
// anchor) for the print page: to an anchor when it leads to a page on the
// print page, otherwise relative to the print page.
func (s printSet) link(pageURL, anchor, href string) string {
	if href == "" || programme.Scheme(href) != "" {
		return href
	}
	rawPath, frag, _ := strings.Cut(href, "#")
	if rawPath == "" {
		if frag == "" {
			return "#" + anchor
		}
		return "#" + anchor + "--" + frag
	}
	p, err := url.PathUnescape(rawPath)
	if err != nil {
		return href
	}
	target := path.Join(path.Dir(pageURL), p)
	if a, ok := s.anchors[target]; ok {
		if frag == "" {
			return "#" + a
		}
		return "#" + a + "--" + frag
	}
	out := programme.RelURL(s.url, target)
	if frag != "" {
		out += "#" + frag
	}
	return out
}

// rewrite prepares a page's body for the print page: ids get the page's
// anchor as a prefix, links and image sources are rewritten with link, and
// headings move one level down under the page's own heading.
// It writes into sc.out.
func (s printSet) rewrite(sc *scratch, pageURL, anchor string, body []byte) error {
	return sc.rewriteHTML(body, true, idAndLinkAttrs, func(name, val string) (string, bool) {
		switch name {
		case "id", "for":
			return anchor + "--" + val, true
		case "href", "src":
			return s.link(pageURL, anchor, val), true
		}
		return "", false
	})
}

// linkAttrs picks the attributes that hold links; idAndLinkAttrs, those
// and the ones that hold or name ids.
func linkAttrs(name []byte) bool { return string(name) == "href" || string(name) == "src" }

func idAndLinkAttrs(name []byte) bool {
	return linkAttrs(name) || string(name) == "id" || string(name) == "for"
}

// rewriteHTML copies HTML, giving attr the name and value of each
// attribute that pick picks, to change (it returns the new value and true),
// and with demote set moving every heading of levels 1 to 5 one level down.
// The other attributes are copied as they are.
func rewriteHTML(body []byte, demote bool, pick func(name []byte) bool, attr func(name, val string) (string, bool)) ([]byte, error) {
	var sc scratch
	sc.out.Grow(len(body) + len(body)/8)
	if err := sc.rewriteHTML(body, demote, pick, attr); err != nil {
		return nil, err
	}
	return sc.out.Bytes(), nil
}

// scratch holds the buffers of work whose result is copied out, kept for
// the next article (Renderer.scratch).
type scratch struct {
	lex htmllex.Lexer
	out bytes.Buffer // the rewritten HTML
	art bytes.Buffer // the article's layout, made around contentMark
}

// contentMark stands in a print article's layout for its content (see
// renderArticle), as articlesMark does in a print page's. Its word shows
// where a layout shows the content in other ways (in an attribute, the
// tags are dropped and the word stays): the content then goes through
// the layout itself.
const (
	contentWord = "haven-article-content"
	contentMark = "<haven-article>" + contentWord + "</haven-article>"
)

// rewriteHTML is the function's work, into sc.out (reset first).
func (sc *scratch) rewriteHTML(body []byte, demote bool, pick func(name []byte) bool, attr func(name, val string) (string, bool)) error {
	b := &sc.out
	b.Reset()
	// The lexer never changes what it reads: the bytes may be being
	// written out by another goroutine meanwhile.
	lex := &sc.lex
	lex.Reset(body)
	defer lex.Forget()
	for {
		tt, data := lex.Next()
		switch tt {
		case phtml.ErrorToken:
			if lex.Err() != io.EOF {
				return lex.Err()
			}
			return nil
		case phtml.StartTagToken, phtml.EndTagToken:
			name := lex.Text()
			if demote && len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '5' {
				if tt == phtml.StartTagToken {
					b.WriteString("<h")
					b.WriteByte(name[1] + 1)
				} else {
					b.WriteString("</h")
					b.WriteByte(name[1] + 1)
					b.WriteByte('>')
				}
				continue
			}
			b.Write(data)
		case phtml.AttributeToken:
			if !pick(lex.Text()) {
				b.Write(data)
				continue
			}
			raw := lex.AttrVal()
			if len(raw) >= 2 && (raw[0] == '"' || raw[0] == '\'') {
				raw = raw[1 : len(raw)-1]
			}
			name := string(lex.Text())
			val, ok := attr(name, html.UnescapeString(string(raw)))
			if !ok {
				b.Write(data)
				continue
			}
			b.WriteString(" " + name + `="` + html.EscapeString(val) + `"`)
		default:
			b.Write(data)
		}
	}
}
