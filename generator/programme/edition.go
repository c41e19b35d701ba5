package programme

import (
	"strings"

	"haven/generator/meta"
)

// ForFacilitatorsOnly reports whether a page is left out of the participant
// edition: it says `audience: facilitators`, or its folder's index.md does.
func (p *Page) ForFacilitatorsOnly() bool {
	if p.Meta.ForFacilitatorsOnly() {
		return true
	}
	s := p.Section
	return s != nil && s.Index != nil && s.Index != p && s.Index.Meta.ForFacilitatorsOnly()
}

// Edition returns the programme as one edition shows it. The facilitator
// edition has everything. The participant edition leaves out pages for
// facilitators only (and whole folders whose index.md is for facilitators
// only) and the facilitator-only frontmatter: preparation, materials and
// the number of facilitators. Facilitator callouts are left out when the
// page is rendered. The result has its own pages, sections and
// previous/next links; the parsed Markdown is shared and must not be
// changed.
func Edition(prog *Programme, participant bool) *Programme {
	ed := *prog
	ed.Sections = nil
	ed.Pages = nil
	pages := map[*Page]*Page{}
	clone := func(p *Page, s *Section) *Page {
		c := *p
		c.Section = s
		if participant {
			m := *p.Meta
			m.Preparation, m.Materials, m.Facilitators = nil, nil, 0
			c.Meta = &m
		}
		pages[p] = &c
		return &c
	}
	if prog.Home != nil {
		ed.Home = clone(prog.Home, nil)
		ed.Pages = append(ed.Pages, ed.Home)
	}
	for _, s := range prog.Sections {
		if participant && s.Index != nil && s.Index.ForFacilitatorsOnly() {
			continue
		}
		cs := *s
		cs.Pages = nil
		if s.Index != nil {
			cs.Index = clone(s.Index, &cs)
			ed.Pages = append(ed.Pages, cs.Index)
		}
		for _, p := range s.Pages {
			if participant && p.ForFacilitatorsOnly() {
				continue
			}
			cp := clone(p, &cs)
			cs.Pages = append(cs.Pages, cp)
			ed.Pages = append(ed.Pages, cp)
		}
		ed.Sections = append(ed.Sections, &cs)
	}
	Link(&ed)
	ed.Assets = nil
	for _, a := range prog.Assets {
		if !participant || !prog.AssetForFacilitatorsOnly(a) {
			ed.Assets = append(ed.Assets, a)
		}
	}
	return &ed
}

// AssetForFacilitatorsOnly reports whether a file sits in a folder whose
// index.md is for facilitators only: the participant edition leaves the
// whole folder out, files and all.
func (prog *Programme) AssetForFacilitatorsOnly(a *Asset) bool {
	for _, s := range prog.Sections {
		if !s.IsRoot() && s.Index != nil && s.Index.ForFacilitatorsOnly() && strings.HasPrefix(a.Source, s.Dir+"/") {
			return true
		}
	}
	return false
}

// Sessions returns a section's sessions, in order.
func (s *Section) Sessions() []*Page {
	var out []*Page
	for _, p := range s.Pages {
		if p.Kind == meta.KindSession {
			out = append(out, p)
		}
	}
	return out
}

// Contains reports whether the page at url belongs to the section.
func (s *Section) Contains(url string) bool {
	if s.URL == url {
		return true
	}
	for _, p := range s.Pages {
		if p.URL == url {
			return true
		}
	}
	return false
}
