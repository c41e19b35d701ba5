package render

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/tdewolff/parse/v2"
	phtml "github.com/tdewolff/parse/v2/html"

	"haven/generator/diag"
	"haven/generator/markdown"
	"haven/generator/programme"
	"haven/generator/work"
)

// PrintFile is the name of the print page of the programme (at the edition
// root) and of each module (in the module's folder).
const PrintFile = "print.html"

// printSet is one print page being assembled: its address and the anchor
// each included page gets inside it.
type printSet struct {
	url     string
	anchors map[string]string // page URL -> anchor of its article
}

// anchorFor names a page's article on a print page: its address made into
// an id ("finding-our-feet/first.html" gives "p-finding-our-feet-first").
func anchorFor(pageURL string) string {
	return "p-" + markdown.Slug(strings.TrimSuffix(strings.ReplaceAll(pageURL, "/", "-"), ".html"))
}

// prints renders the print page of every module and of the whole
// programme.
func (r *Renderer) prints(diags *diag.List) []Output {
	var out []Output
	for _, s := range r.Prog.Sections {
		if !s.IsModule || s.Index == nil {
			continue
		}
		pages := append([]*programme.Page{s.Index}, s.Pages...)
		if o, ok := r.printPage(path.Join(path.Dir(s.URL), PrintFile), s.Title, s.URL, pages, diags); ok {
			out = append(out, o)
		}
	}
	if o, ok := r.printPage(PrintFile, r.Prog.Title, "index.html", r.Prog.Pages, diags); ok {
		out = append(out, o)
	}
	return out
}

// articlesMark stands in a print page's shell for its articles, so that the
// shell can be minified alone and the articles, each minified and cached on
// its own, put in its place: a programme of a thousand pages is then not
// re-rendered and re-minified whole after every save under haven watch.
const articlesMark = "<haven-print-articles></haven-print-articles>"

// printPage renders pages one after another on one page, with every id
// made unique and every link between them pointing inside the page.
func (r *Renderer) printPage(url, title, backURL string, pages []*programme.Page, diags *diag.List) (Output, bool) {
	set := printSet{url: url, anchors: map[string]string{}}
	for _, p := range pages {
		set.anchors[p.URL] = anchorFor(p.URL)
	}
	d := r.pageData(url, "print", title)
	d.Nav = nil
	d.BackURL = programme.RelURL(url, backURL)
	var included []*programme.Page
	for _, p := range pages {
		if pd, ok := r.pages[p]; ok {
			included = append(included, p)
			d.PrintPages = append(d.PrintPages, &PageData{Title: pd.Title, Anchor: set.anchors[p.URL]})
		}
	}
	articles := make([]string, len(included))
	errs := make([]error, len(included))
	work.Each(len(included), func(i int) { articles[i], errs[i] = r.printArticle(set, included[i]) })
	for i, err := range errs {
		if err != nil {
			diags.Errorf(diag.Position{File: included[i].File()}, "cannot place this page on the print page %s: %v", url, err)
			return Output{}, false
		}
	}
	d.PrintArticles = template.HTML(articlesMark)
	shell, err := r.execute("print", d)
	if err != nil {
		diags.Errorf(diag.Position{File: "theme:layouts/print.html"}, "the print template failed for %s: %v", url, err)
		return Output{}, false
	}
	minified := false
	if r.Minify != nil {
		if m, err := r.Minify(url, shell); err == nil && bytes.Contains(m, []byte(articlesMark)) {
			shell, minified = m, true
		}
	}
	before, after, found := bytes.Cut(shell, []byte(articlesMark))
	if !found {
		diags.Errorf(diag.Position{File: "theme:layouts/print.html"}, "the print template for %s does not show .PrintArticles", url)
		return Output{}, false
	}
	size := len(shell)
	for _, a := range articles {
		size += len(a)
	}
	var b bytes.Buffer
	b.Grow(size)
	b.Write(before)
	for _, a := range articles {
		b.WriteString(a)
	}
	b.Write(after)
	return Output{Path: url, Data: b.Bytes(), Source: "print page " + url, Minified: minified}, true
}

// printArticle renders one page's article for a print page, minified when
// the build minifies; under haven watch it is cached with the page.
func (r *Renderer) printArticle(set printSet, p *programme.Page) (string, error) {
	var name, key string
	if r.Cache != nil && r.Key != nil {
		name, key = r.Edition.Name+"/"+set.url+"/"+p.Source, r.Key(p)
		if html, ok := r.Cache.article(name, key); ok {
			return html, nil
		}
	}
	pd := r.pages[p]
	anchor := set.anchors[p.URL]
	body, err := set.rewrite(p.URL, anchor, r.bodies[p])
	if err != nil {
		return "", err
	}
	c := *pd
	c.Content = template.HTML(body)
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
	tmpl, ok := r.Theme.Layout("print")
	if !ok {
		return "", fmt.Errorf("no print template")
	}
	var out bytes.Buffer
	if err := tmpl.ExecuteTemplate(&out, "print-article", &c); err != nil {
		return "", err
	}
	html := out.Bytes()
	if r.Minify != nil {
		if m, err := r.Minify(set.url, html); err == nil {
			html = m
		}
	}
	if name != "" {
		r.Cache.keepArticle(name, key, string(html))
	}
	return string(html), nil
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
func (s printSet) rewrite(pageURL, anchor string, body []byte) ([]byte, error) {
	var b bytes.Buffer
	lex := phtml.NewLexer(parse.NewInputBytes(body))
	for {
		tt, data := lex.Next()
		switch tt {
		case phtml.ErrorToken:
			if lex.Err() != io.EOF {
				return nil, lex.Err()
			}
			return b.Bytes(), nil
		case phtml.StartTagToken, phtml.EndTagToken:
			name := string(lex.Text())
			if len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '5' {
				lvl := string(rune(name[1] + 1))
				if tt == phtml.StartTagToken {
					b.WriteString("<h" + lvl)
				} else {
					b.WriteString("</h" + lvl + ">")
				}
				continue
			}
			b.Write(data)
		case phtml.AttributeToken:
			name := string(lex.Text())
			raw := lex.AttrVal()
			if len(raw) >= 2 && (raw[0] == '"' || raw[0] == '\'') {
				raw = raw[1 : len(raw)-1]
			}
			val := html.UnescapeString(string(raw))
			switch name {
			case "id", "for":
				val = anchor + "--" + val
			case "href", "src":
				val = s.link(pageURL, anchor, val)
			default:
				b.Write(data)
				continue
			}
			fmt.Fprintf(&b, ` %s="%s"`, name, html.EscapeString(val))
		default:
			b.Write(data)
		}
	}
}
