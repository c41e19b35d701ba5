package programme

import (
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"

	"haven/generator/diag"
	"haven/generator/markdown"
	"haven/generator/meta"
)

// SafeSchemes are the URL schemes a page may link to. Everything else
// (javascript:, data:, vbscript:, file:, ...) is refused, whatever its case or
// disguise, and the link is published as plain text.
var SafeSchemes = map[string]bool{"http": true, "https": true, "mailto": true, "tel": true}

// resolveLinks checks every link and image of every page and rewrites links
// to .md sources and to files of content/ into relative links to their
// output files. It returns the skipped files that links lead to (each is
// reported there).
func resolveLinks(prog *Programme, skipped []string, diags *diag.List) map[string]bool {
	skippedSet := map[string]bool{}
	for _, f := range skipped {
		skippedSet[f] = true
	}
	linked := map[string]bool{}
	pages := map[string]*Page{}
	for _, p := range prog.Pages {
		pages[p.Source] = p
	}
	dirs := map[string]*Section{}
	for _, s := range prog.Sections {
		if !s.IsRoot() {
			dirs[s.Dir] = s
		}
	}
	assets := map[string]*Asset{}
	for _, a := range prog.Assets {
		assets[a.Source] = a
	}
	type idKey struct {
		p           *Page
		participant bool
	}
	ids := map[idKey]map[string]bool{}
	idsOf := func(p *Page, participant bool) map[string]bool {
		k := idKey{p, participant}
		if m, ok := ids[k]; ok {
			return m
		}
		m := p.Doc.IDs(participant)
		ids[k] = m
		return m
	}
	known := make([]string, 0, len(pages)+len(assets))
	for src := range pages {
		known = append(known, src)
	}
	for src := range assets {
		known = append(known, src)
	}
	slices.Sort(known) // so that a tie in "did you mean" is broken the same way every time

	for _, p := range prog.Pages {
		for _, l := range p.Doc.Links {
			r := resolver{prog: prog, page: p, pages: pages, dirs: dirs, assets: assets, idsOf: idsOf, known: known, diags: diags,
				skipped: skippedSet, linked: linked}
			r.resolve(l)
		}
	}
	return linked
}

type resolver struct {
	prog   *Programme
	page   *Page
	pages  map[string]*Page
	dirs   map[string]*Section
	assets map[string]*Asset
	idsOf  func(*Page, bool) map[string]bool
	known  []string
	diags  *diag.List

	skipped, linked map[string]bool
}

func (r *resolver) errorf(l *markdown.Link, hint, format string, args ...any) {
	r.diags.Add(diag.Diagnostic{Pos: l.Pos, Severity: diag.Error, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// Scheme returns the lower-cased scheme of a URL as a browser would see it:
// leading spaces and control characters are ignored, and tabs and newlines
// inside the scheme are dropped. "" when the URL has none.
func Scheme(dest string) string {
	s := strings.TrimLeft(dest, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	if strings.ContainsAny(s, "\t\n\r") {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
	}
	i := strings.IndexAny(s, ":/?#")
	if i <= 0 || s[i] != ':' {
		return ""
	}
	scheme := strings.ToLower(s[:i])
	for j, c := range scheme {
		if !(c >= 'a' && c <= 'z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	return scheme
}

func (r *resolver) resolve(l *markdown.Link) {
	dest := strings.TrimSpace(l.Dest)
	what := "link"
	if l.Image {
		what = "image"
	}
	if scheme := Scheme(dest); scheme != "" {
		if !SafeSchemes[scheme] {
			r.diags.Add(diag.Diagnostic{Pos: l.Pos, Severity: diag.Warning,
				Message: fmt.Sprintf("%s to a %s: address was removed; the text is kept", what, scheme),
				Hint:    "pages may link only to other pages, files of the programme, and http, https, mailto or tel addresses"})
			markdown.Unlink(l, r.page.Doc.Source)
			return
		}
		if l.Image {
			r.errorf(l, "save the image in content/ and link to it with a relative path", "image from another site: %s; a haven site never loads anything from outside itself", dest)
			markdown.Unlink(l, r.page.Doc.Source)
		}
		return
	}
	if dest == "" {
		r.errorf(l, "write the page or file it should open", "%s with an empty address", what)
		return
	}
	if strings.HasPrefix(dest, "//") {
		r.errorf(l, "write the address in full, starting with https://", "%s to %s is missing its https:", what, dest)
		markdown.Unlink(l, r.page.Doc.Source)
		return
	}
	if strings.HasPrefix(dest, "/") {
		r.errorf(l, "write the path relative to this file, e.g. ../handouts/sheet.md", "%s to %s starts with /, which breaks when the site is opened from disk", what, dest)
		markdown.Unlink(l, r.page.Doc.Source)
		return
	}

	rawPath, frag, _ := strings.Cut(dest, "#")
	if q := strings.IndexByte(rawPath, '?'); q >= 0 {
		r.errorf(l, "remove the ? and what follows it", "%s to %s has a query, which a site on disk cannot use", what, dest)
		return
	}
	target, err := url.PathUnescape(rawPath)
	if err != nil {
		r.errorf(l, "", "%s to %s is not a valid address: %v", what, dest, err)
		return
	}
	if fragUn, err := url.PathUnescape(frag); err == nil {
		frag = fragUn
	}

	// Same-page anchor.
	if target == "" {
		if frag != "" && !r.idsOf(r.page, false)[frag] {
			r.errorf(l, r.anchorHint(r.page, frag), "%s to #%s: this page has no heading with that id", what, frag)
			return
		}
		if frag != "" && r.participantSees(l) && !r.idsOf(r.page, true)[frag] {
			r.errorf(l, "move the heading out of the facilitator callout, or the link into one",
				"%s to #%s: that heading is inside a facilitator callout, which the participant edition leaves out", what, frag)
		}
		return
	}

	here := path.Dir(r.page.Source)
	joined := path.Join(here, target)
	if joined == ".." || strings.HasPrefix(joined, "../") {
		r.errorf(l, "link only to files inside content/", "%s to %s leads outside the programme's content folder", what, dest)
		markdown.Unlink(l, r.page.Doc.Source)
		return
	}
	if joined == "." {
		joined = ""
	}

	var toURL string
	var toPage *Page
	switch {
	case r.pages[joined] != nil && !l.Image:
		toPage = r.pages[joined]
	case r.pages[path.Join(joined, "index.md")] != nil && !l.Image:
		toPage = r.pages[path.Join(joined, "index.md")]
	case joined == "" && !l.Image && r.prog.Home != nil:
		toPage = r.prog.Home
	case r.dirs[joined] != nil && !l.Image:
		toURL = r.dirs[joined].URL
	case r.assets[joined] != nil:
		toURL = r.assets[joined].URL
		if r.participantSees(l) && r.prog.AssetForFacilitatorsOnly(r.assets[joined]) {
			r.errorf(l, "put the link inside a ::: facilitator callout, or move the file out of the facilitators' folder",
				"%s to %s: that file is in a folder for facilitators only, so the participant edition would have a broken link", what, dest)
			return
		}
	case r.skipped[joined]:
		r.linked[joined] = true
		r.errorf(l, "rename it: haven never publishes hidden, backup or temporary files",
			"%s to %s: content/%s is a file haven skips", what, dest, joined)
		return
	default:
		hint := "check the file name and folder"
		if s := suggestPath(joined, r.known); s != "" {
			hint = fmt.Sprintf("did you mean %s?", relPath(here, s))
		}
		if l.Image && r.pages[joined] != nil {
			r.errorf(l, "an image must be a picture file, such as .png, .jpg or .svg", "image %s is a page", dest)
			return
		}
		r.errorf(l, hint, "%s to %s: there is no file content/%s", what, dest, joined)
		return
	}
	if toPage != nil {
		toURL = toPage.URL
		if frag != "" && !r.idsOf(toPage, false)[frag] {
			r.errorf(l, r.anchorHint(toPage, frag), "%s to %s: %s has no heading with the id %q", what, dest, toPage.File(), frag)
			return
		}
		if r.participantSees(l) {
			switch {
			case toPage.ForFacilitatorsOnly():
				r.errorf(l, "put the link inside a ::: facilitator callout, or make the page for everyone",
					"%s to %s: that page is for facilitators only, so the participant edition would have a broken link", what, dest)
				return
			case frag != "" && !r.idsOf(toPage, true)[frag]:
				r.errorf(l, "move the heading out of the facilitator callout, or the link into one",
					"%s to %s: that heading is inside a facilitator callout, which the participant edition leaves out", what, dest)
				return
			}
		}
	}
	href := RelURL(r.page.URL, toURL)
	if frag != "" {
		href += "#" + url.PathEscape(frag)
	}
	markdown.SetDestination(l, href)
	if a := r.assets[joined]; l.Image && a != nil {
		markdown.ClearSize(l)
		if w, h := imageSize(a.Source, a.Data); w > 0 && h > 0 {
			markdown.SetSize(l, w, h)
		}
	}
}

// participantSees reports whether the participant edition shows this link:
// it is on a page for everyone and not inside a facilitator callout.
func (r *resolver) participantSees(l *markdown.Link) bool {
	return !r.page.ForFacilitatorsOnly() && !markdown.InFacilitatorCallout(l.Node)
}

func (r *resolver) anchorHint(p *Page, frag string) string {
	var ids []string
	for _, h := range p.Doc.Headings {
		ids = append(ids, h.ID)
	}
	if s := meta.Suggest(frag, ids); s != "" {
		return fmt.Sprintf("did you mean #%s?", s)
	}
	return "anchors are heading ids: the heading in lower case, with hyphens for spaces"
}

// suggestPath finds the file a broken link most likely meant: the same
// path in another case (the commonest slip on a laptop, which then breaks
// on a web host), a near miss of the name in the same folder, or the same
// name in another folder.
func suggestPath(p string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(k, p) {
			return k
		}
	}
	dir, name := path.Split(p)
	var siblings []string
	for _, k := range known {
		if kd, kn := path.Split(k); kd == dir {
			siblings = append(siblings, kn)
		}
	}
	if s := meta.Suggest(name, siblings); s != "" {
		return dir + s
	}
	for _, k := range known {
		if path.Base(k) == name {
			return k
		}
	}
	return ""
}

// RelURL returns the relative, escaped URL from the page at from to the
// file at to (both relative to the site root).
func RelURL(from, to string) string {
	fromDir := path.Dir(from)
	rel := relPath(fromDir, to)
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		if p != ".." {
			parts[i] = url.PathEscape(p)
		}
	}
	// A colon in the first segment would read as a scheme ("note:1.pdf").
	if strings.Contains(parts[0], ":") {
		parts = append([]string{"."}, parts...)
	}
	return strings.Join(parts, "/")
}

// relPath returns the slash path from folder dir to file target.
func relPath(dir, target string) string {
	if dir == "." {
		dir = ""
	}
	var d []string
	if dir != "" {
		d = strings.Split(dir, "/")
	}
	t := strings.Split(target, "/")
	i := 0
	for i < len(d) && i < len(t)-1 && d[i] == t[i] {
		i++
	}
	var out []string
	for range d[i:] {
		out = append(out, "..")
	}
	out = append(out, t[i:]...)
	return strings.Join(out, "/")
}
