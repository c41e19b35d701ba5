// Package callout is a goldmark extension that turns Pandoc-style fenced
// divs ("::: kind Title" … ":::") into callout boxes.
//
// An opening fence is a line of at least three colons followed by a kind
// word (ASCII letters, digits and hyphens) and an optional title:
//
//	::: tip Before you start
//	Any Markdown blocks, including nested callouts.
//	:::
//
// A closing fence is a line of at least three colons and nothing else; it
// closes the innermost callout open in the current container. Callouts nest,
// may interrupt a paragraph and work inside list items and block quotes like
// any other container block. Parsing never fails: a callout that is never
// closed runs to the end of its container and is recorded with
// [Callout.Closed] set to false, so the caller can report it.
//
// The parser accepts any kind word; checking it against [Kinds] is left to
// the caller, which can walk the AST for [KindCallout] nodes.
package callout

import (
	"strconv"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// KindCallout is the ast.NodeKind of [Callout] nodes.
var KindCallout = ast.NewNodeKind("Callout")

// Callout is a block node holding the blocks between an opening fence and
// its closing fence.
//
// Its Pos is the byte offset in the source of the first colon of the
// opening fence.
type Callout struct {
	ast.BaseBlock

	// CalloutKind is the kind word as written, lower-cased ("tip").
	// (It cannot be called Kind: that name is taken by ast.Node's Kind
	// method.)
	CalloutKind string
	// Title is the optional title that follows the kind, trimmed. It is
	// plain text: it is not parsed as inline Markdown.
	Title string
	// Closed reports whether a closing fence was found. An unclosed
	// callout extends to the end of the document or of its container.
	Closed bool
	// End is the source offset just after the closing fence's line; -1
	// for an unclosed callout.
	End int

	// fencePos is the source offset of the opening fence; goldmark
	// overwrites Pos after Open, so it is restored in Close.
	fencePos int
}

// NewCallout returns a new, unclosed Callout node of the given kind and title.
func NewCallout(kind, title string) *Callout {
	return &Callout{CalloutKind: kind, Title: title, fencePos: -1, End: -1}
}

// Kind implements ast.Node.Kind.
func (n *Callout) Kind() ast.NodeKind {
	return KindCallout
}

// Dump implements ast.Node.Dump.
func (n *Callout) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{
		"CalloutKind": n.CalloutKind,
		"Title":       n.Title,
		"Closed":      strconv.FormatBool(n.Closed),
	}, nil)
}

// kindCloseFence is the kind of the transient node that stands for a
// closing fence while the document is being parsed. It is removed from the
// tree before parsing finishes.
var kindCloseFence = ast.NewNodeKind("CalloutCloseFence")

type closeFence struct {
	ast.BaseBlock
}

func (n *closeFence) Kind() ast.NodeKind {
	return kindCloseFence
}

func (n *closeFence) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, nil, nil)
}

// Kinds returns the documented callout kinds, in documentation order. The
// parser accepts any kind word; this is the vocabulary a caller should check
// against. The returned slice is a fresh copy.
func Kinds() []string {
	return []string{
		"facilitator",
		"note",
		"tip",
		"safety",
		"activity",
		"exercise",
		"reflection",
		"say",
	}
}

// defaultLabels maps each documented kind to its visible label.
var defaultLabels = map[string]string{
	"facilitator": "For facilitators",
	"note":        "Note",
	"tip":         "Tip",
	"safety":      "Take care",
	"activity":    "Activity",
	"exercise":    "Exercise",
	"reflection":  "Reflection",
	"say":         "Say",
}

// Priorities used by [New]. Lower values run first.
const (
	// ParserPriority is the block parser priority. It is below the
	// DefinitionList parsers (101, 102), which also trigger on ':', and
	// well below the fenced code block parser (700), so a "::: kind" line
	// is always a callout fence.
	ParserPriority = 100
	// RendererPriority is the node renderer priority, the same as
	// goldmark's own extensions use.
	RendererPriority = 500
)

// Option configures the callout extension and its renderer.
type Option func(*config)

type config struct {
	labels map[string]string
	hidden map[string]bool
}

func newConfig(opts []Option) *config {
	c := &config{labels: make(map[string]string, len(defaultLabels))}
	for k, v := range defaultLabels {
		c.labels[k] = v
	}
	for _, opt := range opts {
		if opt != nil {
			opt(c)
		}
	}
	return c
}

// WithLabels sets the visible label shown for each kind (kind → label).
// Entries are merged over the defaults, so only the kinds to change need be
// given; an empty label hides the kind label for that kind. Keys are matched
// case-insensitively. A kind with no label at all is shown with its kind word,
// capitalised.
func WithLabels(labels map[string]string) Option {
	return func(c *config) {
		for k, v := range labels {
			c.labels[toLowerASCII(k)] = v
		}
	}
}

// WithHidden leaves callouts of the given kinds out of the output entirely,
// with everything inside them. haven's participant edition hides
// "facilitator".
func WithHidden(kinds ...string) Option {
	return func(c *config) {
		if c.hidden == nil {
			c.hidden = map[string]bool{}
		}
		for _, k := range kinds {
			c.hidden[toLowerASCII(k)] = true
		}
	}
}

type extender struct {
	opts []Option
}

// New returns the callout extension: the block parser (priority
// [ParserPriority]) and the HTML renderer (priority [RendererPriority]).
func New(opts ...Option) goldmark.Extender {
	return &extender{opts: opts}
}

// Extend implements goldmark.Extender.
func (e *extender) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithBlockParsers(
		util.Prioritized(NewParser(), ParserPriority),
	))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(NewHTMLRenderer(e.opts...), RendererPriority),
	))
}
