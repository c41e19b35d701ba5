// Package markdown turns a page's Markdown body into an AST with haven's
// extensions (callouts, timed activity headings), collects what later stages
// check (headings, links, callouts) with their positions, and renders the AST
// to HTML. One Markdown value is configured per build and shared by every
// page; it is safe for concurrent use.
package markdown

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"haven/generator/diag"
	"haven/generator/markdown/agreement"
	"haven/generator/markdown/callout"
	"haven/generator/meta"
)

// Options configures the Markdown pipeline.
type Options struct {
	// CalloutLabels maps a callout kind to the label shown on it. Missing
	// kinds use the English defaults.
	CalloutLabels map[string]string
	// ActivityLabel writes the time shown beside an activity heading
	// ("18:40 · 15 minutes"); nil shows nothing.
	ActivityLabel func(*ActivityTime) string
	// Words gives the interface words the Markdown's HTML carries (the
	// names of tables and task boxes for screen readers...), by the
	// theme's keys; nil gives English.
	Words func(key string) string
	// noShortcuts leaves out haven's shortcuts through goldmark (the
	// linkify gate and textWriter), for tests that hold them to goldmark
	// as it is.
	noShortcuts bool
}

// word returns the interface word for key, in English without Words.
func (o Options) word(key string) string {
	if o.Words != nil {
		return o.Words(key)
	}
	return map[string]string{"table": "Table", "task_done": "Done", "task_not_done": "Not done", "our_own_item": "Our own item"}[key]
}

// Markdown is the configured pipeline: one parser, and one renderer per
// edition.
type Markdown struct {
	md goldmark.Markdown
	// participant renders the participant edition: facilitator callouts
	// are left out.
	participant goldmark.Markdown
}

// FacilitatorKind is the callout kind that only the facilitator edition
// shows.
const FacilitatorKind = "facilitator"

// New configures goldmark with the extensions haven documents: GFM tables,
// strikethrough, task lists and autolinks; footnotes; definition lists;
// typographic quotes; heading ids and attributes; callouts. Raw HTML is never
// rendered (goldmark's safe mode, which also refuses dangerous URLs).
func New(opts Options) *Markdown {
	return &Markdown{
		md:          newGoldmark(opts, false),
		participant: newGoldmark(opts, true),
	}
}

func newGoldmark(opts Options, participant bool) goldmark.Markdown {
	var copts []callout.Option
	if opts.CalloutLabels != nil {
		copts = append(copts, callout.WithLabels(opts.CalloutLabels))
	}
	if participant {
		copts = append(copts, callout.WithHidden(FacilitatorKind))
	}
	p := parser.NewParser(
		parser.WithBlockParsers(blockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)
	var autolinks goldmark.Extender = linkify{}
	writer := ghtml.WithWriter(textWriter{ghtml.DefaultWriter})
	if opts.noShortcuts {
		autolinks = extension.Linkify
		writer = ghtml.WithWriter(ghtml.DefaultWriter)
	}
	md := goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithExtensions(
			autolinks,
			extension.Strikethrough,
			extension.TaskList,
			// Column alignment as align="..." rather than style="...",
			// which the site's Content-Security-Policy refuses.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Footnote,
			extension.DefinitionList,
			extension.Typographer,
			callout.New(copts...),
		),
		goldmark.WithRendererOptions(writer, renderer.WithNodeRenderers(
			util.Prioritized(&activityRenderer{label: opts.ActivityLabel}, 500),
			util.Prioritized(agreement.Renderer{OwnItem: opts.word("our_own_item")}, 500),
			// Before the extensions' own (lower runs later and wins).
			util.Prioritized(newTableRenderer(opts.word("table")), 100),
			util.Prioritized(taskBoxRenderer{done: opts.word("task_done"), notDone: opts.word("task_not_done")}, 100),
		)),
	)
	return md
}

// Heading is a heading of a page.
type Heading struct {
	Level int
	ID    string
	// Text is the heading's plain text.
	Text string
	// Duration is the raw `{duration=...}` attribute of an activity
	// heading, "" when absent.
	Duration string
	Pos      diag.Position
	Node     *ast.Heading // nil once the tree is released
	topLevel bool
}

// TopLevel reports whether the heading sits directly in the page, not
// inside a callout or a list. (A heading never moves once parsed.)
func (h Heading) TopLevel() bool { return h.topLevel }

// Link is a link or image destination written in a page.
type Link struct {
	// Node is the *ast.Link, *ast.Image or *ast.AutoLink.
	Node ast.Node
	// Dest is the destination as written (entities and escapes resolved).
	Dest string
	// Image reports whether this is an image source rather than a link.
	Image bool
	Pos   diag.Position
}

// Callout is a callout block of a page.
type Callout struct {
	Node *callout.Callout
	Pos  diag.Position
}

// Doc is a parsed page body.
type Doc struct {
	Root     ast.Node
	Source   []byte
	Headings []Heading
	Links    []*Link
	Callouts []Callout
}

// Release lets the page's syntax tree and source go, once nothing will
// render it or read its nodes again (a build's last edition, rendered):
// what is left is the headings' text, ids and positions. A programme's
// trees are most of what a build holds, and every garbage collection walks
// them.
func (d *Doc) Release() {
	d.Root, d.Links, d.Callouts, d.Source = nil, nil, nil, nil
	for i := range d.Headings {
		d.Headings[i].Node = nil
	}
}

// IDs returns the set of element ids the page will carry, for anchor
// checks: in the facilitator edition, or when participant is set, in the
// participant edition (ids inside facilitator callouts left out).
func (d *Doc) IDs(participant bool) map[string]bool {
	ids := make(map[string]bool, len(d.Headings))
	ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if c, ok := n.(*callout.Callout); ok && participant && c.CalloutKind == FacilitatorKind {
			return ast.WalkSkipChildren, nil
		}
		if entering {
			if v, ok := n.AttributeString("id"); ok {
				if b, ok := v.([]byte); ok {
					ids[string(b)] = true
				}
			}
		}
		return ast.WalkContinue, nil
	})
	return ids
}

// Locator turns a byte offset in the body into a file position.
type Locator func(offset int) diag.Position

// Parse parses a page body. It never fails: problems (raw HTML, attributes
// that are not allowed, text that is not UTF-8) are added to diags.
func (m *Markdown) Parse(body []byte, at Locator, diags *diag.List) *Doc {
	if !utf8.Valid(body) {
		diags.Add(NotUTF8(at(FirstInvalidUTF8(body))))
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	if off, msg, bad := tooComplex(body); bad {
		diags.Add(diag.Diagnostic{Pos: at(off), Severity: diag.Error, Message: msg,
			Hint: "split the page, or write the content with less nesting"})
		body = nil
	}
	ctx := parser.NewContext(parser.WithIDs(newIDs()))
	root := m.md.Parser().Parse(text.NewReader(body), parser.WithContext(ctx))
	doc := &Doc{Root: root, Source: body}
	ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			doc.Headings = append(doc.Headings, heading(n, body, at, diags))
		case *ast.Link:
			doc.Links = append(doc.Links, &Link{Node: n, Dest: destination(n.Destination), Pos: at(n.Pos())})
		case *ast.Image:
			doc.Links = append(doc.Links, &Link{Node: n, Dest: destination(n.Destination), Image: true, Pos: at(n.Pos())})
		case *ast.AutoLink:
			doc.Links = append(doc.Links, &Link{Node: n, Dest: string(n.URL(body)), Pos: at(n.Pos())})
		case *ast.HTMLBlock:
			off := -1
			if n.Lines().Len() > 0 {
				off = n.Lines().At(0).Start
			}
			rawHTML(diags, at(off), firstLine(n.Lines().Value(body)))
		case *ast.RawHTML:
			off := -1
			if n.Segments.Len() > 0 {
				off = n.Segments.At(0).Start
			}
			rawHTML(diags, at(off), string(n.Segments.Value(body)))
		case *callout.Callout:
			c := Callout{Node: n, Pos: at(n.Pos())}
			checkCallout(c, diags)
			doc.Callouts = append(doc.Callouts, c)
		}
		return ast.WalkContinue, nil
	})
	checkDuplicateIDs(doc, diags)
	checkFootnotesInFacilitatorNotes(doc, at, diags)
	return doc
}

// checkFootnotesInFacilitatorNotes refuses footnotes written inside a
// facilitator callout: goldmark gathers every footnote at the end of the
// page, out of the callout, so the participant edition would show its text.
func checkFootnotesInFacilitatorNotes(doc *Doc, at Locator, diags *diag.List) {
	type span struct{ start, end int }
	var notes []span
	for _, c := range doc.Callouts {
		if c.Node.CalloutKind == FacilitatorKind {
			end := c.Node.End
			if end < 0 {
				end = len(doc.Source) // unclosed: to the end of the page
			}
			notes = append(notes, span{c.Node.Pos(), end})
		}
	}
	if len(notes) == 0 {
		return
	}
	inNote := func(off int) bool {
		for _, s := range notes {
			if off >= s.start && off < s.end {
				return true
			}
		}
		return false
	}
	ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		off := -1
		switch n.Kind() {
		case east.KindFootnoteLink:
			if InFacilitatorCallout(n) {
				off = n.Pos()
				if off < 0 {
					off = blockStart(n.Parent())
				}
			}
		case east.KindFootnote:
			if o := blockStart(n); o >= 0 && inNote(o) {
				off = o
			}
		}
		if off >= 0 {
			diags.Add(diag.Diagnostic{Pos: at(off), Severity: diag.Error,
				Message: "a footnote inside a facilitator callout would show in the participant edition (footnotes are gathered at the end of the page)",
				Hint:    "write the note in the callout's own text instead"})
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// blockStart is the offset of the first line of text in n, or -1.
func blockStart(n ast.Node) int {
	for c := n; c != nil; c = c.FirstChild() {
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			return c.Lines().At(0).Start
		}
	}
	return -1
}

func checkCallout(c Callout, diags *diag.List) {
	kinds := callout.Kinds()
	if !slices.Contains(kinds, c.Node.CalloutKind) {
		hint := "use one of: " + strings.Join(kinds, ", ")
		if s := meta.Suggest(c.Node.CalloutKind, kinds); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		diags.Add(diag.Diagnostic{Pos: c.Pos, Severity: diag.Error,
			Message: fmt.Sprintf("unknown callout %q", c.Node.CalloutKind), Hint: hint})
	}
	if !c.Node.Closed {
		diags.Add(diag.Diagnostic{Pos: c.Pos, Severity: diag.Error,
			Message: fmt.Sprintf("the %s callout opened here is never closed", c.Node.CalloutKind),
			Hint:    "add a line with just ::: where it should end"})
	}
}

// checkDuplicateIDs reports headings given the same id by hand ({#id}),
// which would make links to either of them ambiguous.
func checkDuplicateIDs(doc *Doc, diags *diag.List) {
	seen := map[string]diag.Position{}
	for _, h := range doc.Headings {
		if prev, ok := seen[h.ID]; ok && h.ID != "" {
			diags.Add(diag.Diagnostic{Pos: h.Pos, Severity: diag.Error,
				Message: fmt.Sprintf("two headings have the id %q (the other is on line %d)", h.ID, prev.Line),
				Hint:    "give one of them a different {#id}"})
			continue
		}
		seen[h.ID] = h.Pos
	}
}

// destination resolves what a browser would resolve in a written
// destination (entity and numeric references, backslash escapes), so that
// checks see "javascript:" in "&#106;avascript:".
func destination(raw []byte) string {
	return string(util.UnescapePunctuations(util.ResolveNumericReferences(util.ResolveEntityNames(raw))))
}

func rawHTML(diags *diag.List, pos diag.Position, snippet string) {
	snippet = strings.TrimSpace(snippet)
	if r := []rune(snippet); len(r) > 40 {
		snippet = string(r[:40]) + "…"
	}
	diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Warning,
		Message: fmt.Sprintf("raw HTML is left out of the page: %s", snippet),
		Hint:    "write it in Markdown instead; haven never publishes HTML from pages"})
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return string(line)
}

// NotUTF8 is the error for text in another encoding, at pos, with how to
// fix it.
func NotUTF8(pos diag.Position) diag.Diagnostic {
	return diag.Diagnostic{Pos: pos, Severity: diag.Error,
		Message: "the text is not UTF-8 (it may have been saved as Windows-1252 or UTF-16)",
		Hint:    "save the file as UTF-8 in your editor"}
}

// FirstInvalidUTF8 returns the offset of the first byte of b that is not
// UTF-8 (0 when there is none).
func FirstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return 0
}

// allowedHeadingAttrs are the attributes an author may set on a heading.
// Anything else (style, on* handlers, ...) is removed with a warning.
var allowedHeadingAttrs = map[string]bool{"id": true, "class": true}

func heading(n *ast.Heading, src []byte, at Locator, diags *diag.List) Heading {
	pos := at(n.Pos())
	h := Heading{Level: n.Level, Pos: pos, Node: n, Text: plainText(n, src),
		topLevel: n.Parent() != nil && n.Parent().Parent() == nil}
	var keep []ast.Attribute
	for _, a := range n.Attributes() {
		name := string(a.Name)
		val := attrString(a.Value)
		switch {
		case name == "duration":
			h.Duration = val
		case name == "class" && !validClass(val):
			diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Warning,
				Message: fmt.Sprintf("heading class %q was removed", val),
				Hint:    "class names may use letters, digits, hyphens and spaces only"})
		case allowedHeadingAttrs[name]:
			keep = append(keep, ast.Attribute{Name: a.Name, Value: []byte(val)})
		default:
			diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Warning,
				Message: fmt.Sprintf("heading attribute %q is not allowed and was removed", name),
				Hint:    "headings may carry {#id}, {.class} and {duration=10m}"})
		}
	}
	n.RemoveAttributes()
	for _, a := range keep {
		n.SetAttribute(a.Name, a.Value)
	}
	if id, ok := n.AttributeString("id"); ok {
		h.ID = attrString(id)
	}
	for _, a := range keep {
		if v := attrString(a.Value); string(a.Name) == "id" && strings.HasPrefix(v, "haven-") {
			diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error,
				Message: fmt.Sprintf("the id %q is the theme's (ids starting haven- are kept for the page around the content)", v),
				Hint:    "choose another {#id}"})
		}
	}
	return h
}

func attrString(v any) string {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case string:
		return v
	}
	return fmt.Sprint(v)
}

func validClass(s string) bool {
	for _, r := range s {
		if !(r == '-' || r == '_' || r == ' ' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// plainText returns the text content of a node, without markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			// Entity and numeric references are text too: "&amp;" is "&".
			b.Write(util.ResolveNumericReferences(util.ResolveEntityNames(c.Segment.Value(src))))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			// The typographer's quotes and dashes are HTML entities.
			b.WriteString(html.UnescapeString(string(c.Value)))
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if tx, ok := t.(*ast.Text); ok {
					b.Write(tx.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			b.Write(c.Label(src))
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// PlainText returns the text of any node of doc, without markup.
func (d *Doc) PlainText(n ast.Node) string { return plainText(n, d.Source) }

// Render writes the HTML of doc to w, for the facilitator edition or, when
// participant is set, for the participant edition.
func (m *Markdown) Render(w io.Writer, doc *Doc, participant bool) error {
	if b, ok := w.(*bytes.Buffer); ok {
		// Straight into the buffer: goldmark would otherwise write
		// through a bufio.Writer of its own, made for every page.
		w = bufferWriter{b}
	}
	if participant {
		return m.participant.Renderer().Render(w, doc.Source, doc.Root)
	}
	return m.md.Renderer().Render(w, doc.Source, doc.Root)
}

// bufferWriter is a bytes.Buffer as goldmark's util.BufWriter, which
// writes at once: nothing waits to be flushed.
type bufferWriter struct{ *bytes.Buffer }

func (bufferWriter) Buffered() int { return 0 }

func (bufferWriter) Flush() error { return nil }

// InFacilitatorCallout reports whether a node sits inside a facilitator
// callout, and so is left out of the participant edition.
func InFacilitatorCallout(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if c, ok := p.(*callout.Callout); ok && c.CalloutKind == FacilitatorKind {
			return true
		}
	}
	return false
}

// SetDestination replaces a link's or image's destination.
func SetDestination(l *Link, dest string) {
	switch n := l.Node.(type) {
	case *ast.Link:
		n.Destination = []byte(dest)
	case *ast.Image:
		n.Destination = []byte(dest)
	}
}

// ClearSize takes away an image's width and height (set by an earlier build
// of the same parsed page, under haven watch).
func ClearSize(l *Link) {
	if n, ok := l.Node.(*ast.Image); ok {
		n.RemoveAttributes()
	}
}

// SetSize gives an image its width and height.
func SetSize(l *Link, width, height int) {
	if n, ok := l.Node.(*ast.Image); ok {
		n.SetAttributeString("width", []byte(strconv.Itoa(width)))
		n.SetAttributeString("height", []byte(strconv.Itoa(height)))
	}
}

// Unlink replaces a link with its text, so that a refused destination never
// becomes a live link. An image becomes its alt text.
func Unlink(l *Link, src []byte) {
	n := l.Node
	parent := n.Parent()
	if parent == nil {
		return
	}
	switch n := n.(type) {
	case *ast.AutoLink:
		parent.ReplaceChild(parent, n, ast.NewString(n.Label(src)))
	case *ast.Image:
		parent.ReplaceChild(parent, n, ast.NewString([]byte(plainText(n, src))))
	default:
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}
