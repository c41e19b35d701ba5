package programme

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"haven/generator/diag"
	"haven/generator/markdown"
	"haven/generator/meta"
	"haven/generator/source"
)

// The documented rule for kinds of page, when `type:` does not say:
//   - content/index.md is the programme's home;
//   - a top-level folder is a module when its name starts with a number
//     ("01-getting-started") or its index.md says `type: module`; its
//     index.md is the module page and the pages directly in it are sessions;
//   - pages in the top-level folder "agreements" are group-agreement
//     templates;
//   - everything else is a page (handouts, worksheets, guides).
const agreementsDir = "agreements"

// Build assembles the programme from parsed pages and asset files, decides
// every output path, orders everything and resolves links. Problems are
// added to diags; Build returns what it could assemble.
func Build(cfg *meta.Config, parsed []Parsed, assets []Asset, skipped []string, diags *diag.List) *Programme {
	prog := &Programme{Config: cfg, Language: cfg.Language}
	root := &Section{URL: "index.html", order: sortKey{rank: -1}}
	sections := map[string]*Section{}

	slugs := pageSlugs(parsed)
	var allPaths []string
	for _, pp := range parsed {
		allPaths = append(allPaths, pp.Source)
	}
	for _, a := range assets {
		allPaths = append(allPaths, a.Source)
	}
	outDir := folderSlugs(allPaths)

	// First pass: top-level folders and whether they are modules.
	section := func(dir string) *Section {
		if s, ok := sections[dir]; ok {
			return s
		}
		n, _, numbered := SplitPrefix(dir)
		s := &Section{Dir: dir, Title: humanise(dir), IsModule: numbered,
			URL: outDir(dir) + "/index.html", order: sortKey{1, 0, dir}}
		if numbered {
			s.order = sortKey{0, n, dir}
		}
		sections[dir] = s
		return s
	}

	for i := range parsed {
		pp := &parsed[i]
		pm := *pp.Meta // the model adds defaults; the parsed page stays as read
		memo := pp.Memo
		if memo == nil {
			memo = &Memo{}
		}
		p := &Page{Source: pp.Source, Meta: &pm, Doc: pp.Doc, Lines: pp.Lines, BodyOffset: pp.BodyOffset, Hash: pp.Hash, memo: memo}
		dir, name := path.Split(pp.Source)
		dir = strings.TrimSuffix(dir, "/")
		top, _, nested := strings.Cut(dir, "/")
		isIndex := name == "index.md"
		typ := pp.Meta.Type
		typePos := diag.Position{File: p.File(), Line: 1}
		if kp, ok := pp.Meta.Keys["type"]; ok {
			typePos = kp
		}

		switch {
		case dir == "" && isIndex:
			p.Kind = meta.KindHome
			p.URL = "index.html"
			if typ != "" && typ != meta.KindHome {
				diags.Add(diag.Diagnostic{Pos: typePos, Severity: diag.Error, Message: fmt.Sprintf("content/index.md is the programme's home and cannot have type %q", typ), Hint: "remove the type: line"})
			}
			prog.Home = p
			p.order = sortKey{rank: -1}
			prog.Pages = append(prog.Pages, p)
			continue
		case dir == "":
			p.Section = root
		default:
			p.Section = section(top)
		}

		slug := slugs[pp.Source]
		p.order = keyFor(strings.TrimSuffix(name, path.Ext(name)), pp.Source, pp.Meta)

		if isIndex && !nested && dir != "" {
			// A section's landing page.
			s := p.Section
			s.Index = p
			s.Title = p.Title()
			if pp.Meta.HasOrder {
				s.order = sortKey{0, pp.Meta.Order, s.Dir}
			}
			switch typ {
			case meta.KindModule:
				s.IsModule = true
			case "", meta.KindPage:
			default:
				diags.Add(diag.Diagnostic{Pos: typePos, Severity: diag.Error, Message: fmt.Sprintf("a folder's index.md is a module or page, not %q", typ), Hint: "write type: module or type: page, or remove the line"})
			}
			p.URL = s.URL
			continue // kind decided once every folder is known
		}
		if isIndex {
			p.URL = outDir(dir) + "/index.html"
		} else {
			p.URL = joinURL(outDir(dir), slug+".html")
		}
		switch typ {
		case meta.KindHome, meta.KindModule:
			diags.Add(diag.Diagnostic{Pos: typePos, Severity: diag.Error, Message: fmt.Sprintf("only content/index.md can be the home and only a folder's index.md a module; this page cannot have type %q", typ), Hint: "use type: session, agreement or page, or remove the line"})
		case "":
		default:
			p.Kind = typ
		}
		p.Section.Pages = append(p.Section.Pages, p)
	}

	if prog.Home == nil {
		diags.Add(diag.Diagnostic{Pos: diag.Position{File: ContentPrefix + "index.md"}, Severity: diag.Error,
			Message: "the programme has no home page",
			Hint:    "create content/index.md with a title and the programme's aims"})
	}

	// Second pass: kinds that depend on the folder, and order.
	prog.Sections = append(prog.Sections, root)
	for _, s := range sections {
		prog.Sections = append(prog.Sections, s)
	}
	slices.SortFunc(prog.Sections, func(a, b *Section) int { return compareKeys(a.order, b.order) })
	for _, s := range prog.Sections {
		if s.Index != nil {
			s.Index.Kind = meta.KindPage
			if s.IsModule {
				s.Index.Kind = meta.KindModule
			}
		}
		for _, p := range s.Pages {
			if p.Kind != "" {
				continue
			}
			dir := path.Dir(p.Source)
			switch {
			case s.IsModule && dir == s.Dir:
				p.Kind = meta.KindSession
			case s.Dir == agreementsDir:
				p.Kind = meta.KindAgreement
			default:
				p.Kind = meta.KindPage
			}
		}
		sortPages(s.Pages)
		if s.Index != nil {
			prog.Pages = append(prog.Pages, s.Index)
		}
		prog.Pages = append(prog.Pages, s.Pages...)
	}
	if prog.Home != nil {
		prog.Title = prog.Home.Title()
	}
	if cfg.Title != "" {
		prog.Title = cfg.Title
	}

	for _, a := range assets {
		dir, name := path.Split(a.Source)
		a.URL = joinURL(outDir(strings.TrimSuffix(dir, "/")), name)
		prog.Assets = append(prog.Assets, &Asset{Source: a.Source, URL: a.URL, Data: a.Data})
	}

	checkCollisions(prog, diags)
	Link(prog)
	prepareSessions(prog, diags)
	linkedSkipped := resolveLinks(prog, skipped, diags)
	for _, f := range skipped {
		if !linkedSkipped[f] && !source.Transient(path.Base(f)) {
			diags.Add(diag.Diagnostic{Pos: diag.Position{File: ContentPrefix + f}, Severity: diag.Warning,
				Message: "haven does not publish hidden, backup or temporary files, so this one is left out",
				Hint:    "rename it if it belongs in the site"})
		}
	}
	return prog
}

// folderSlugs decides each folder's output path, by the rule of pageSlugs:
// numbers dropped, unless two numbered sibling folders would then share a
// name. It returns the mapping as a function.
func folderSlugs(paths []string) func(string) string {
	dirs := map[string]bool{}
	for _, p := range paths {
		for d := path.Dir(p); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	type key struct{ parent, slug string }
	count := map[key]int{}
	for d := range dirs {
		count[key{path.Dir(d), slugFor(path.Base(d))}]++
	}
	name := map[string]string{}
	for d := range dirs {
		base := path.Base(d)
		s := slugFor(base)
		if _, _, numbered := SplitPrefix(base); numbered && count[key{path.Dir(d), s}] > 1 {
			s = markdown.Slug(base)
		}
		name[d] = s
	}
	return func(dir string) string {
		if dir == "" || dir == "." {
			return ""
		}
		parts := strings.Split(dir, "/")
		out := make([]string, len(parts))
		for i := range parts {
			full := strings.Join(parts[:i+1], "/")
			out[i] = name[full]
			if out[i] == "" {
				out[i] = slugFor(parts[i])
			}
		}
		return strings.Join(out, "/")
	}
}

// pageSlugs decides each page's file name: its name without the numeric
// prefix, or its `slug:`. Where dropping the prefixes would give two pages
// of one folder the same name ("01-session.md", "02-session.md"), those
// pages keep their numbers ("01-session", "02-session").
func pageSlugs(parsed []Parsed) map[string]string {
	out := make(map[string]string, len(parsed))
	type key struct{ dir, slug string }
	count := map[key]int{}
	for _, pp := range parsed {
		dir, name := path.Split(pp.Source)
		s := slugFor(name)
		if pp.Meta.Slug != "" {
			s = pp.Meta.Slug
		}
		out[pp.Source] = s
		count[key{dir, s}]++
	}
	for _, pp := range parsed {
		dir, name := path.Split(pp.Source)
		s := out[pp.Source]
		base := strings.TrimSuffix(name, path.Ext(name))
		if _, _, numbered := SplitPrefix(base); numbered && pp.Meta.Slug == "" && count[key{dir, s}] > 1 {
			out[pp.Source] = markdown.Slug(base)
		}
	}
	return out
}

func joinURL(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// Link sets Prev and Next along the reading order.
func Link(prog *Programme) {
	for i, p := range prog.Pages {
		p.Prev, p.Next = nil, nil
		if i > 0 {
			p.Prev = prog.Pages[i-1]
		}
		if i+1 < len(prog.Pages) {
			p.Next = prog.Pages[i+1]
		}
	}
}

// checkCollisions reports two sources that would be written to one output
// file, including names that differ only by case or Unicode normalisation,
// which collide on the file systems of most readers.
func checkCollisions(prog *Programme, diags *diag.List) {
	fold := cases.Fold()
	seen := map[string]string{} // folded URL -> source, for diagnostics
	claim := func(url, src string) {
		for _, seg := range strings.Split(url, "/") {
			if meta.ReservedName(seg) {
				diags.Add(diag.Diagnostic{Pos: diag.Position{File: src}, Severity: diag.Error,
					Message: fmt.Sprintf("%s would be written as %s, a name Windows keeps for a device, so the site could not be copied or unzipped there", src, url),
					Hint:    "rename the file or folder, or give the page a slug:"})
				return
			}
		}
		key := fold.String(norm.NFC.String(url))
		if prev, ok := seen[key]; ok {
			a, b := min(prev, src), max(prev, src)
			diags.Add(diag.Diagnostic{Pos: diag.Position{File: b}, Severity: diag.Error,
				Message: fmt.Sprintf("%s and %s would both be written to %s", a, b, url),
				Hint:    "rename one of them, or give one a different `slug:`"})
			return
		}
		seen[key] = src
	}
	for _, p := range prog.Pages {
		claim(p.URL, p.File())
	}
	for _, s := range prog.Sections {
		if !s.IsRoot() && s.Index == nil {
			claim(s.URL, ContentPrefix+s.Dir+"/")
		}
	}
	for _, a := range prog.Assets {
		claim(a.URL, ContentPrefix+a.Source)
	}
}
