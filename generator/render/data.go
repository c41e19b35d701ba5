package render

import (
	"html"
	"html/template"
	"io"
	"path"
	"strconv"
	"strings"

	"haven/generator/markdown"
	"haven/generator/meta"
	"haven/generator/programme"
)

// PageData is what a layout reads. Every URL in it is already relative to
// the page being rendered.
type PageData struct {
	Site SiteData
	// Page is nil on generated listing pages.
	Page      *programme.Page
	Kind      string
	KindLabel string
	Title     string
	Summary   string
	Content   template.HTML
	IsHome    bool
	// URL is the page's own path, relative to the site root.
	URL string
	// Root is the relative path to the site root ("", "../").
	Root    string
	HomeURL string
	CSP     string
	// Watch is set in `haven watch` builds: pages reload themselves.
	Watch bool

	// Nav is the sidebar's tree; Sidebar is it rendered by the theme's
	// "sidebar" template (see Renderer.sidebar).
	Nav         []NavItem
	Sidebar     template.HTML
	Breadcrumbs []Crumb
	Prev, Next  *Crumb
	TOC         []TOCEntry
	Facts       []Fact
	// Sessions lists a module's sessions or a folder's pages.
	Sessions []SessionItem
	// Modules is the programme overview on the home page.
	Modules []ModuleItem
	// Agenda is a session's timed activities.
	Agenda []AgendaRow
	// Materials is a module's materials checklist.
	Materials []MaterialItem
	// Editions links each edition, on the page at the output's root.
	Editions []EditionLink

	// AgreementKey names where a group-agreement form keeps what is typed
	// in the browser: the programme and the template.
	AgreementKey string
	// PackURL is the edition's offline pack, on the home page.
	PackURL string
	// PrintURL is the page's print page (the module's or the programme's),
	// "" when it has none.
	PrintURL string
	// On print pages: the pages in order, where "back" leads, and (for
	// each page) the id of its article.
	PrintPages []*PageData
	// PrintArticles is the pages' articles, rendered by "print-article".
	PrintArticles template.HTML
	BackURL       string
	Anchor        string
}

// AgendaRow is an activity in a session's agenda.
type AgendaRow struct {
	// Time is when it runs: clock times when the session has a start
	// time ("18:30–18:45"), otherwise from the start ("0:00–0:15").
	Time    string
	Title   string
	URL     string
	Minutes string
}

// EditionLink is an edition on the page that links both.
type EditionLink struct {
	Title string
	URL   string
	About string
}

// MaterialItem is a thing a module's sessions need, with the sessions that
// need it.
type MaterialItem struct {
	Text     string
	Sessions []Crumb
}

// SiteData describes the whole site.
type SiteData struct {
	Title    string
	Language string
	Edition  string
}

// NavItem is an entry of the sidebar.
type NavItem struct {
	Title    string
	URL      string
	Current  bool
	Open     bool
	Children []NavItem
}

// Crumb is a link with a title.
type Crumb struct {
	Title string
	URL   string
}

// TOCEntry is a heading in the in-page table of contents.
type TOCEntry struct {
	Level    int
	ID       string
	Text     string
	Duration string
}

// Fact is a labelled value shown near a page's title.
type Fact struct {
	Label string
	Value string
}

// SessionItem is a page in a list of sessions or pages.
type SessionItem struct {
	Title     string
	URL       string
	Summary   string
	Duration  string
	Delivery  string
	GroupSize string
}

// ModuleItem is a module in the programme overview.
type ModuleItem struct {
	ID       string
	Title    string
	URL      string
	Duration string
	Sessions []SessionItem
}

// pageData fills what every page shares.
func (r *Renderer) pageData(url, kind, title string) *PageData {
	root := strings.Repeat("../", strings.Count(url, "/"))
	return &PageData{
		Site:    SiteData{Title: r.Prog.Title, Language: r.Prog.Language, Edition: r.Edition.Label},
		Kind:    kind,
		Title:   title,
		URL:     url,
		Root:    root,
		HomeURL: programme.RelURL(url, "index.html"),
		CSP:     CSP,
		Watch:   r.Watch,
	}
}

// sidebar renders the sidebar for the page at url. Every page of one folder
// whose sidebar opens the same section shares one rendering (a thousand
// pages would otherwise each run the template over the whole tree); the
// current page's link then gets aria-current where its href stands.
func (r *Renderer) sidebar(url string) (template.HTML, error) {
	cached, at, err := r.sidebarAt(url)
	if err != nil {
		return "", err
	}
	return template.HTML(markCurrent(cached, at)), nil
}

// currentAttr marks a sidebar's link to the page it is on.
const currentAttr = ` aria-current="page"`

// sidebarAt returns the sidebar shared by the pages of url's folder and
// section, and where in it currentAttr goes for url's own link: -1 when
// it has none.
func (r *Renderer) sidebarAt(url string) (string, int, error) {
	open, ok := r.openSection[url]
	if !ok {
		open = -1
	}
	key := navKey{dir: path.Dir(url), open: open}
	r.navMu.Lock()
	cached, ok := r.navCache[key]
	r.navMu.Unlock()
	if !ok {
		items := r.nav(url, "")
		b, err := r.run(meta.KindPage, "sidebar", &PageData{Nav: items}, 4<<10)
		if err != nil {
			return "", 0, err
		}
		cached = string(b)
		r.navMu.Lock()
		r.navCache[key] = cached
		r.navMu.Unlock()
	}
	mark := `href="` + html.EscapeString(programme.RelURL(url, url)) + `"`
	if i := strings.Index(cached, mark); i >= 0 {
		return cached, i + len(mark), nil
	}
	return cached, -1, nil
}

// markCurrent is sidebar with currentAttr at at, if at is not -1.
func markCurrent(sidebar string, at int) string {
	var b strings.Builder
	b.Grow(len(sidebar) + len(currentAttr))
	writeCurrent(&b, sidebar, at)
	return b.String()
}

// writeCurrent writes sidebar to w with currentAttr at at, if at is not
// -1.
func writeCurrent(w io.StringWriter, sidebar string, at int) {
	if at < 0 {
		w.WriteString(sidebar)
		return
	}
	w.WriteString(sidebar[:at])
	w.WriteString(currentAttr)
	w.WriteString(sidebar[at:])
}

// openSections maps each page's address to the section its sidebar opens:
// the last that contains it (Section.Contains), for a look-up per page
// rather than a walk of every section's pages.
func openSections(prog *programme.Programme) map[string]int {
	m := map[string]int{}
	for i, s := range prog.Sections {
		if s.IsRoot() {
			continue
		}
		m[s.URL] = i
		for _, p := range s.Pages {
			m[p.URL] = i
		}
	}
	return m
}

// navKey names one shared rendering of the sidebar.
type navKey struct {
	dir  string
	open int
}

// FullNavLimit is the largest programme whose sidebar lists every page on
// every page. Larger programmes list their sections, and the pages of the
// current section only: a sidebar of a thousand links helps nobody, and
// costs a thousand links on every page.
const FullNavLimit = 80

// nav builds the sidebar's tree as seen from the page at from; current is
// the page marked current ("" for none).
func (r *Renderer) nav(from, current string) []NavItem {
	full := len(r.Prog.Pages) <= FullNavLimit
	items := []NavItem{{Title: r.Words.T("home"), URL: programme.RelURL(from, "index.html"), Current: current == "index.html"}}
	for _, s := range r.Prog.Sections {
		if s.IsRoot() {
			for _, p := range s.Pages {
				items = append(items, NavItem{Title: p.Title(), URL: programme.RelURL(from, p.URL), Current: current == p.URL})
			}
			continue
		}
		g := NavItem{Title: s.Title, URL: programme.RelURL(from, s.URL), Current: current == s.URL}
		g.Open = s.Contains(from)
		if full || g.Open {
			for _, p := range s.Pages {
				g.Children = append(g.Children, NavItem{Title: p.Title(), URL: programme.RelURL(from, p.URL), Current: current == p.URL})
			}
		}
		items = append(items, g)
	}
	return items
}

func (r *Renderer) toc(p *programme.Page) []TOCEntry {
	var out []TOCEntry
	for _, h := range p.Doc.Headings {
		// Headings inside a callout or a list would not make sense in
		// a table of contents.
		if h.Level < 2 || h.Level > 3 || !h.TopLevel() {
			continue
		}
		e := TOCEntry{Level: h.Level, ID: h.ID, Text: h.Text}
		if h.Duration != "" && h.Level == 2 {
			if m, err := meta.ParseDuration(h.Duration); err == nil {
				e.Duration = r.text().Minutes(m)
			}
		}
		out = append(out, e)
	}
	return out
}

func (r *Renderer) breadcrumbs(p *programme.Page) []Crumb {
	if p.Kind == meta.KindHome {
		return nil
	}
	crumbs := []Crumb{{Title: r.Words.T("home"), URL: programme.RelURL(p.URL, "index.html")}}
	if s := p.Section; s != nil && !s.IsRoot() && s.URL != p.URL {
		crumbs = append(crumbs, Crumb{Title: s.Title, URL: programme.RelURL(p.URL, s.URL)})
	}
	return crumbs
}

func (r *Renderer) crumb(from string, p *programme.Page) *Crumb {
	if p == nil {
		return nil
	}
	return &Crumb{Title: p.Title(), URL: programme.RelURL(from, p.URL)}
}

func (r *Renderer) sessionItems(from string, pages []*programme.Page) []SessionItem {
	var out []SessionItem
	for _, p := range pages {
		out = append(out, SessionItem{
			Title:     p.Title(),
			URL:       programme.RelURL(from, p.URL),
			Summary:   p.Meta.Summary,
			Duration:  r.text().Minutes(p.Meta.Duration),
			Delivery:  r.text().Delivery(p.Meta.Delivery),
			GroupSize: r.text().GroupSize(p.Meta.GroupSize.Min, p.Meta.GroupSize.Max),
		})
	}
	return out
}

func (r *Renderer) modules(from string) []ModuleItem {
	var out []ModuleItem
	for _, s := range r.Prog.Sections {
		if !s.IsModule {
			continue
		}
		out = append(out, ModuleItem{
			ID:       markdown.Slug(path.Base(s.URL[:len(s.URL)-len("/index.html")])),
			Title:    s.Title,
			URL:      programme.RelURL(from, s.URL),
			Duration: r.text().Minutes(sectionMinutes(s)),
			Sessions: r.sessionItems(from, sessions(s)),
		})
	}
	return out
}

func sessions(s *programme.Section) []*programme.Page { return s.Sessions() }

func (r *Renderer) agendaRows(p *programme.Page) []AgendaRow {
	var rows []AgendaRow
	for _, a := range p.Activities {
		rows = append(rows, AgendaRow{
			Time:    TimeRange(a.Offset, a.Minutes, p.Meta.Start),
			Title:   a.Title,
			URL:     "#" + a.ID,
			Minutes: r.text().Minutes(a.Minutes),
		})
	}
	return rows
}

// materials gathers what a module's sessions need, once per item (compared
// without regard to case), in the order first needed.
func (r *Renderer) materials(from string, s *programme.Section) []MaterialItem {
	var out []MaterialItem
	index := map[string]int{}
	for i, p := range s.Sessions() {
		for _, m := range p.Meta.Materials {
			key := strings.ToLower(strings.TrimSpace(m))
			j, ok := index[key]
			if !ok {
				j = len(out)
				index[key] = j
				out = append(out, MaterialItem{Text: m})
			}
			out[j].Sessions = append(out[j].Sessions, Crumb{Title: r.Words.T("session_in_list", "n", i+1, "title", p.Title()), URL: programme.RelURL(from, p.URL)})
		}
	}
	return out
}

func sectionMinutes(s *programme.Section) int {
	total := 0
	for _, p := range sessions(s) {
		total += p.Meta.Duration
	}
	return total
}

func (r *Renderer) totalMinutes() int {
	total := 0
	for _, s := range r.Prog.Sections {
		if s.IsModule {
			total += sectionMinutes(s)
		}
	}
	return total
}

func (r *Renderer) sessionCount() int {
	n := 0
	for _, s := range r.Prog.Sections {
		if s.IsModule {
			n += len(sessions(s))
		}
	}
	return n
}

func (r *Renderer) moduleLabel(s *programme.Section) string {
	n := 0
	for _, x := range r.Prog.Sections {
		if x.IsModule {
			n++
		}
		if x == s {
			return r.Words.T("module_n", "n", n)
		}
	}
	return r.Words.T("module_n", "n", "")
}

func (r *Renderer) sessionLabel(p *programme.Page) string {
	label := r.Words.T("session_n", "n", "")
	if s := p.Section; s != nil {
		for i, x := range sessions(s) {
			if x == p {
				label = r.Words.T("session_n", "n", i+1)
			}
		}
		if s.IsModule {
			label = r.Words.T("in_module", "label", label, "module", s.Title)
		}
	}
	return strings.TrimSpace(label)
}

func (r *Renderer) sessionFacts(m *meta.Page) []Fact {
	w, t := r.Words, r.text()
	var f []Fact
	if m.Duration > 0 {
		f = append(f, Fact{w.T("duration"), t.Minutes(m.Duration)})
	}
	if m.Start != "" {
		f = append(f, Fact{w.T("starts_at"), m.Start})
	}
	if d := t.Delivery(m.Delivery); d != "" {
		f = append(f, Fact{w.T("delivery"), d})
	}
	if g := t.GroupSize(m.GroupSize.Min, m.GroupSize.Max); g != "" {
		f = append(f, Fact{w.T("group_size"), g})
	}
	if m.Facilitators > 0 {
		f = append(f, Fact{w.T("facilitators"), strconv.Itoa(m.Facilitators)})
	}
	if m.Audience != "" {
		f = append(f, Fact{w.T("for"), m.Audience})
	}
	return f
}
