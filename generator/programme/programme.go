// Package programme is haven's domain model: a Programme made of a home page,
// sections (modules and plain folders) and their pages, in reading order,
// with every page's output path decided and every link between pages
// resolved and checked. It does no I/O: it is built from parsed pages and
// read by the renderer.
package programme

import (
	"cmp"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"haven/generator/diag"
	"haven/generator/markdown"
	"haven/generator/markdown/agreement"
	"haven/generator/meta"
)

// ContentPrefix is how diagnostics name the content folder.
const ContentPrefix = "content/"

// Programme is a whole programme, ready to render.
type Programme struct {
	Title    string
	Language string
	Config   *meta.Config
	Home     *Page
	// Sections in order. The first is the root section (pages directly in
	// content/ other than the home page), which has no folder and no title;
	// it may have no pages.
	Sections []*Section
	// Pages in reading order: home, root pages, then each section's
	// landing page followed by its pages. Synthetic section pages are not
	// included.
	Pages  []*Page
	Assets []*Asset
}

// Section is a top-level folder of content/: a module, or a plain folder of
// pages such as handouts/.
type Section struct {
	// Dir is the folder's path relative to content/ ("01-finding-our-feet");
	// "" for the root section.
	Dir      string
	Title    string
	IsModule bool
	// Index is the folder's index.md; nil when the folder has none, in which
	// case haven writes a listing page at URL.
	Index *Page
	// URL is the section's landing page, relative to the site root.
	URL   string
	Pages []*Page
	order sortKey
}

// IsRoot reports whether this is the root section.
func (s *Section) IsRoot() bool { return s.Dir == "" }

// Page is one page of the programme.
type Page struct {
	// Source is the path relative to content/ ("01-start/01-first.md").
	Source string
	Kind   string
	Meta   *meta.Page
	Doc    *markdown.Doc
	Lines  *diag.Lines
	// URL is the output path relative to the site root
	// ("start/first.html").
	URL     string
	Section *Section
	Prev    *Page
	Next    *Page
	// Activities are a session's timed activities, in order; empty when
	// its headings carry no durations.
	Activities []Activity
	// Agreement says what a group-agreement template holds.
	Agreement agreement.Result
	// BodyOffset is where the Markdown body starts in the file's text.
	BodyOffset int
	// Hash identifies the source text (a hex digest), for a build that
	// keeps its renderings for the next (haven watch); "" otherwise.
	Hash  string
	memo  *Memo
	order sortKey
}

// File is the page's path as diagnostics name it.
func (p *Page) File() string { return ContentPrefix + p.Source }

// Release lets the page's Markdown tree and text go once the last edition
// has rendered it (markdown.Doc.Release): positions in the page then name
// its lines alone.
func (p *Page) Release() {
	p.Doc.Release()
	if p.Lines != nil {
		p.Lines.Forget()
	}
}

// Title returns the page's title.
func (p *Page) Title() string { return p.Meta.Title }

// Asset is a file of content/ that is not Markdown: copied as it is.
type Asset struct {
	Source string
	URL    string
	Data   []byte
}

// Parsed is a page as the parse stage hands it over. A Parsed may be built
// into more than one Programme (watch mode keeps them between builds):
// Build never changes its Meta, and the changes it makes to its Doc give
// the same result every time.
type Parsed struct {
	Source     string
	BodyOffset int
	// Memo keeps what the model works out once per parsed page; parse
	// stages set it to a new Memo.
	Memo *Memo
	// Hash identifies the source text (a hex digest), for a build that
	// keeps its renderings for the next (haven watch); "" otherwise.
	Hash  string
	Meta  *meta.Page
	Doc   *markdown.Doc
	Lines *diag.Lines
}

// Memo keeps the results of one-off changes to a parsed page's Markdown.
type Memo struct {
	agreementDone  bool
	agreement      agreement.Result
	agreementDiags diag.List
}

// sortKey orders pages and sections: an explicit `order:` first, then a
// numeric file-name prefix, then neither; ties are broken by path, so the
// order never depends on how the disk lists a folder.
type sortKey struct {
	rank int // 0: has a number, 1: none
	num  int
	path string
}

func compareKeys(a, b sortKey) int {
	return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.num, b.num), cmp.Compare(a.path, b.path))
}

// SplitPrefix splits a numeric ordering prefix from a file or folder name:
// "01-first-meeting" gives 1, "first-meeting", true. The prefix is digits
// and then one or more of '-', '_', '.' and ' '; the rest must be one
// line and not empty: what ^(\d+)[-_. ]+(.+)$ matches (FuzzSplitPrefix),
// by hand, as it is asked of every page.
func SplitPrefix(name string) (int, string, bool) {
	j := 0
	for j < len(name) && name[j] >= '0' && name[j] <= '9' {
		j++
	}
	k := j
	for k < len(name) && (name[k] == '-' || name[k] == '_' || name[k] == '.' || name[k] == ' ') {
		k++
	}
	if j == 0 || k == j {
		return 0, name, false
	}
	if k == len(name) { // the rest is the last separator, if there are two
		if k-j < 2 {
			return 0, name, false
		}
		k--
	}
	rest := name[k:]
	if strings.IndexByte(rest, '\n') >= 0 {
		return 0, name, false
	}
	n, err := strconv.Atoi(name[:j])
	if err != nil {
		return 0, name, false
	}
	return n, rest, true
}

func keyFor(name, fullPath string, pm *meta.Page) sortKey {
	if pm != nil && pm.HasOrder {
		return sortKey{0, pm.Order, fullPath}
	}
	if n, _, ok := SplitPrefix(name); ok {
		return sortKey{0, n, fullPath}
	}
	return sortKey{1, 0, fullPath}
}

// slugFor is the output name of a file or folder: prefix dropped,
// extension dropped, made URL-safe.
func slugFor(name string) string {
	base := strings.TrimSuffix(name, path.Ext(name))
	_, rest, _ := SplitPrefix(base)
	s := markdown.Slug(rest)
	if s == "" {
		s = markdown.Slug(base)
	}
	if s == "" {
		s = "page"
	}
	return s
}

// humanise makes a title from a folder name: "02-group-agreements" gives
// "Group agreements".
func humanise(name string) string {
	_, rest, _ := SplitPrefix(name)
	rest = strings.TrimSpace(strings.NewReplacer("-", " ", "_", " ").Replace(rest))
	if rest == "" {
		return name
	}
	r := []rune(rest)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func sortPages(ps []*Page) {
	slices.SortFunc(ps, func(a, b *Page) int { return compareKeys(a.order, b.order) })
}
