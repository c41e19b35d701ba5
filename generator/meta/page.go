package meta

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"haven/generator/diag"
)

// Kinds of page, as written in `type:`.
const (
	KindHome      = "home"
	KindModule    = "module"
	KindSession   = "session"
	KindAgreement = "agreement"
	KindPage      = "page"
)

// Kinds lists the values `type:` accepts.
var Kinds = []string{KindHome, KindModule, KindSession, KindAgreement, KindPage}

// Delivery lists the values `delivery:` accepts: a session may allow several.
var Delivery = []string{"group", "one-to-one", "online", "in-person"}

// AudienceFacilitators is the `audience:` that marks a page for the
// facilitator edition only.
const AudienceFacilitators = "facilitators"

// GroupSize is how many participants a session is for. Min == Max for a
// single number; both zero when not set.
type GroupSize struct {
	Min, Max int
}

// IsSet reports whether a group size was given.
func (g GroupSize) IsSet() bool { return g.Max > 0 }

func (g GroupSize) String() string {
	if g.Min == g.Max {
		return strconv.Itoa(g.Min)
	}
	return fmt.Sprintf("%d-%d", g.Min, g.Max)
}

// Page is the frontmatter of one page. Fields that a kind of page does not
// use are simply left empty.
type Page struct {
	Title    string
	Summary  string
	Type     string // one of Kinds, or "" to infer from the file's place
	Order    int
	HasOrder bool
	Slug     string
	Audience string
	Tags     []string

	// Session fields.
	Duration     int // minutes; 0 when not set
	Delivery     []string
	GroupSize    GroupSize
	Facilitators int
	Materials    []string
	Preparation  []string
	Outcomes     []string
	ContentNotes []string
	Start        string // "HH:MM" clock time; "" when not set

	// Signatures is how many signature lines an agreement prints; 0 for
	// none.
	Signatures int

	// Params holds the author's own data, free-form.
	Params map[string]any

	// Keys records where each key was written, so later stages can point
	// at a value (a duration that does not add up, say).
	Keys map[string]diag.Position
}

// ForFacilitatorsOnly reports whether the page belongs to the facilitator
// edition only.
func (p *Page) ForFacilitatorsOnly() bool {
	return strings.EqualFold(p.Audience, AudienceFacilitators)
}

var clock = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$`)
var groupRange = regexp.MustCompile(`^\s*(\d+)\s*(?:-|–|to)\s*(\d+)\s*$`)

func textField(name string, set func(*Page, string)) field[Page] {
	return field[Page]{name, func(d *decoder, n *yaml.Node, p *Page) {
		if v, ok := text(d, n, name); ok {
			set(p, v)
		}
	}}
}

func listField(name string, set func(*Page, []string)) field[Page] {
	return field[Page]{name, func(d *decoder, n *yaml.Node, p *Page) {
		if v, ok := textList(d, n, name); ok {
			set(p, v)
		}
	}}
}

// pageFields is the frontmatter vocabulary, documented in the README.
var pageFields = []field[Page]{
	textField("title", func(p *Page, v string) { p.Title = v }),
	textField("summary", func(p *Page, v string) { p.Summary = v }),
	{"type", func(d *decoder, n *yaml.Node, p *Page) {
		v, ok := text(d, n, "type")
		if !ok {
			return
		}
		if !slices.Contains(Kinds, v) {
			hint := "use one of: " + strings.Join(Kinds, ", ")
			if s := Suggest(v, Kinds); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			d.errorf(n, hint, "unknown page type %q", v)
			return
		}
		p.Type = v
	}},
	{"order", func(d *decoder, n *yaml.Node, p *Page) {
		if v, ok := integer(d, n, "order"); ok {
			p.Order, p.HasOrder = v, true
		}
	}},
	{"slug", func(d *decoder, n *yaml.Node, p *Page) {
		v, ok := text(d, n, "slug")
		if !ok {
			return
		}
		if !validSlug(v) {
			d.errorf(n, "use lower-case letters, digits and hyphens, e.g. slug: first-meeting",
				"slug %q cannot be used as a file name", v)
			return
		}
		p.Slug = v
	}},
	textField("audience", func(p *Page, v string) { p.Audience = v }),
	listField("tags", func(p *Page, v []string) { p.Tags = v }),
	{"duration", func(d *decoder, n *yaml.Node, p *Page) {
		if m, ok := duration(d, n, "duration"); ok {
			p.Duration = m
		}
	}},
	{"delivery", func(d *decoder, n *yaml.Node, p *Page) {
		v, ok := textList(d, n, "delivery")
		if !ok {
			return
		}
		for i, item := range v {
			if !slices.Contains(Delivery, item) {
				hint := "use any of: " + strings.Join(Delivery, ", ")
				if s := Suggest(item, Delivery); s != "" {
					hint = fmt.Sprintf("did you mean %q?", s)
				}
				d.errorf(n.Content[i], hint, "unknown delivery %q", item)
				return
			}
		}
		p.Delivery = v
	}},
	{"group_size", func(d *decoder, n *yaml.Node, p *Page) {
		hint := "write a number like 6 or a range like 4-8"
		if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
			v, _ := strconv.Atoi(n.Value)
			if v < 1 {
				d.errorf(n, hint, "group_size must be at least 1")
				return
			}
			p.GroupSize = GroupSize{v, v}
			return
		}
		m := groupRange.FindStringSubmatch(n.Value)
		if n.Kind != yaml.ScalarNode || m == nil {
			d.errorf(n, hint, "group_size must be a number or a range, not %s", describe(n))
			return
		}
		lo, _ := strconv.Atoi(m[1])
		hi, _ := strconv.Atoi(m[2])
		if lo < 1 || hi < lo {
			d.errorf(n, hint, "group_size %q is not a sensible range", n.Value)
			return
		}
		p.GroupSize = GroupSize{lo, hi}
	}},
	{"facilitators", func(d *decoder, n *yaml.Node, p *Page) {
		v, ok := integer(d, n, "facilitators")
		if ok && v < 1 {
			d.errorf(n, "write how many facilitators run the session, e.g. facilitators: 2", "facilitators must be at least 1")
			return
		}
		p.Facilitators = v
	}},
	listField("materials", func(p *Page, v []string) { p.Materials = v }),
	listField("preparation", func(p *Page, v []string) { p.Preparation = v }),
	listField("outcomes", func(p *Page, v []string) { p.Outcomes = v }),
	listField("content_notes", func(p *Page, v []string) { p.ContentNotes = v }),
	{"start", func(d *decoder, n *yaml.Node, p *Page) {
		v, ok := text(d, n, "start")
		if !ok {
			return
		}
		m := clock.FindStringSubmatch(v)
		if m == nil {
			d.errorf(n, `write a 24-hour clock time in quotes, e.g. start: "18:30"`, "start %q is not a clock time", v)
			return
		}
		h, _ := strconv.Atoi(m[1])
		p.Start = fmt.Sprintf("%02d:%s", h, m[2])
	}},
	{"signatures", func(d *decoder, n *yaml.Node, p *Page) {
		v, ok := integer(d, n, "signatures")
		if !ok {
			return
		}
		if v < 0 || v > 40 {
			d.errorf(n, "write how many people sign, e.g. signatures: 10", "signatures must be between 0 and 40, not %d", v)
			return
		}
		p.Signatures = v
	}},
	{"params", func(d *decoder, n *yaml.Node, p *Page) {
		if n.Kind != yaml.MappingNode {
			d.errorf(n, "write params as keys and values on the lines below it, indented", "params must be a set of keys, not %s", describe(n))
			return
		}
		if hasAlias(n) {
			d.errorf(n, "write the values out in full", "YAML anchors and aliases (& and *) are not supported")
			return
		}
		if !d.noDuplicates(n) {
			return
		}
		p.Params, _ = anyValue(n).(map[string]any)
	}},
}

// duration decodes a number of minutes or a written duration.
func duration(d *decoder, n *yaml.Node, what string) (int, bool) {
	hint := `write minutes like 90, or "90m" or "1h30m"`
	if n.Kind != yaml.ScalarNode || isNull(n) || (n.Tag != "!!int" && n.Tag != "!!str") {
		d.errorf(n, hint, "%s must be a length of time, not %s", what, describe(n))
		return 0, false
	}
	m, err := ParseDuration(n.Value)
	if err != nil {
		d.errorf(n, hint, "%s: %v", what, err)
		return 0, false
	}
	return m, true
}

// ReservedName reports a name Windows keeps for devices (con, nul, aux,
// prn, com1-9, lpt1-9, with any extension): such a file cannot be copied to
// or unzipped on Windows, where many facilitators open the site.
func ReservedName(name string) bool {
	base, _, _ := strings.Cut(strings.ToLower(name), ".")
	switch base {
	case "con", "nul", "aux", "prn":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "com") || strings.HasPrefix(base, "lpt")) && base[3] >= '1' && base[3] <= '9'
}

func validSlug(s string) bool {
	if s == "" || s == "index" || len(s) > 100 || strings.HasPrefix(s, "-") || ReservedName(s) {
		return false
	}
	for _, r := range s {
		if r != '-' && r != '_' && !unicode.IsDigit(r) && !(unicode.IsLetter(r) && !unicode.IsUpper(r)) {
			return false
		}
	}
	return true
}

// DecodePage decodes a page's frontmatter. It reports every problem to
// diags and returns what it could read.
func DecodePage(file string, s Split, diags *diag.List) *Page {
	d := &decoder{file: file, base: s.BlockLine, diags: diags}
	p := &Page{}
	if s.Format == None {
		diags.Add(diag.Diagnostic{Pos: diag.Position{File: file, Line: 1, Col: 1}, Severity: diag.Error,
			Message: "the page has no frontmatter, so it has no title",
			Hint:    "start the file with three lines: ---, title: Your title, ---"})
		return p
	}
	root, ok := d.parse(s.Format, s.Block)
	if !ok {
		return p
	}
	p.Keys = decodeMapping(d, root, pageFields, p)
	if p.Title == "" && !d.failed["title"] {
		pos := diag.Position{File: file, Line: 1, Col: 1}
		if kp, ok := p.Keys["title"]; ok {
			pos = kp
		}
		diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error,
			Message: "the page has no title", Hint: "add a line `title: Your title` to the frontmatter"})
	}
	return p
}
