package callout

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// minFence is the smallest number of colons that makes a fence.
const minFence = 3

// MaxNesting is the deepest callouts may nest. An opening fence that would
// be nested deeper is left as paragraph text (and the next closing fence
// then closes its enclosing callout).
//
// The limit exists because goldmark's block parser does work and keeps
// memory for every open block on every line, and each callout level costs
// only one short line of input: without it a 50 KB document of nested
// fences takes seconds and about a gigabyte to parse.
const MaxNesting = 32

type calloutParser struct{}

var defaultCalloutParser = &calloutParser{}

// NewParser returns a parser.BlockParser that parses callout fences. [New]
// registers it; use NewParser directly only to assemble a parser by hand.
//
// How closing works: a callout never consumes lines itself (like the
// document, it just passes every line on to its children), so a closing
// fence is only recognised where a new block could start directly inside the
// callout, after its open children have had their chance to claim the line.
// That keeps a ":::" line inside a fenced code block, an HTML block or a
// list item's own content from closing the callout. When the fence is seen,
// the callout is marked Closed and a transient marker node consumes the
// line; on the next line the callout reports Close and the marker removes
// itself from the tree.
func NewParser() parser.BlockParser {
	return defaultCalloutParser
}

// Trigger implements parser.BlockParser.Trigger.
func (b *calloutParser) Trigger() []byte {
	return []byte{':'}
}

// Open implements parser.BlockParser.Open.
func (b *calloutParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, segment := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || pos >= len(line) || line[pos] != ':' {
		return nil, parser.NoChildren
	}
	i := pos
	for i < len(line) && line[i] == ':' {
		i++
	}
	if i-pos < minFence {
		return nil, parser.NoChildren
	}
	rest := line[i:]

	if util.IsBlank(rest) {
		// A closing fence closes the callout that is the current
		// container. Anywhere else it is ordinary paragraph text.
		c, ok := parent.(*Callout)
		if !ok || c.Closed {
			return nil, parser.NoChildren
		}
		c.Closed, c.End = true, segment.Stop
		reader.AdvanceToEOL()
		return &closeFence{}, parser.NoChildren
	}

	kind, title, ok := parseOpening(rest)
	if !ok || depth(parent) >= MaxNesting {
		return nil, parser.NoChildren
	}
	node := NewCallout(kind, title)
	// line may start with padding (columns of a tab already consumed by a
	// container), which is not present in the source.
	node.fencePos = segment.Start + pos - segment.Padding
	node.SetPos(node.fencePos)
	reader.AdvanceToEOL()
	return node, parser.HasChildren
}

// Continue implements parser.BlockParser.Continue.
func (b *calloutParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	if c, ok := node.(*Callout); ok && !c.Closed {
		// Every line, blank or not, belongs to the callout until its
		// closing fence has been seen (see Open).
		return parser.Continue | parser.HasChildren
	}
	// A closed callout, or a closing-fence marker: the fence line has been
	// consumed, so this line belongs to the parent.
	return parser.Close
}

// Close implements parser.BlockParser.Close.
func (b *calloutParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	switch n := node.(type) {
	case *closeFence:
		removeFromParent(n)
	case *Callout:
		// The marker is normally closed (and removed) first; make sure
		// it never survives into the finished tree.
		if last, ok := n.LastChild().(*closeFence); ok {
			n.RemoveChild(n, last)
		}
		// goldmark sets Pos after Open returns from the line offset
		// including padding; restore the exact offset of the fence.
		if n.fencePos >= 0 {
			n.SetPos(n.fencePos)
		}
	}
}

// CanInterruptParagraph implements parser.BlockParser.CanInterruptParagraph.
func (b *calloutParser) CanInterruptParagraph() bool {
	return true
}

// CanAcceptIndentedLine implements parser.BlockParser.CanAcceptIndentedLine.
func (b *calloutParser) CanAcceptIndentedLine() bool {
	return false
}

// depth returns the number of callouts among n and its ancestors.
func depth(n ast.Node) int {
	d := 0
	for ; n != nil; n = n.Parent() {
		if n.Kind() == KindCallout {
			d++
		}
	}
	return d
}

func removeFromParent(n ast.Node) {
	if p := n.Parent(); p != nil {
		p.RemoveChild(p, n)
	}
}

// parseOpening parses what follows the colons of an opening fence: optional
// spaces, a kind word, then optionally spaces and a title. It reports false
// if rest does not start with a kind word followed by a space or the end of
// the line.
func parseOpening(rest []byte) (kind, title string, ok bool) {
	i := util.TrimLeftSpaceLength(rest)
	start := i
	for i < len(rest) && isKindByte(rest[i]) {
		i++
	}
	if i == start {
		return "", "", false
	}
	if i < len(rest) && !util.IsSpace(rest[i]) {
		return "", "", false
	}
	kind = toLowerASCII(string(rest[start:i]))
	t := util.TrimRightSpace(util.TrimLeftSpace(rest[i:]))
	t = trimClosingColons(t)
	return kind, string(t), true
}

// trimClosingColons drops an optional trailing run of colons, as Pandoc
// allows ("::: tip :::" or "::: tip Title ::::"). The run must be at least
// as long as a fence and stand on its own, so "ratio 3:::" is kept.
func trimClosingColons(t []byte) []byte {
	j := len(t)
	for j > 0 && t[j-1] == ':' {
		j--
	}
	if len(t)-j < minFence || (j > 0 && !util.IsSpace(t[j-1])) {
		return t
	}
	return util.TrimRightSpace(t[:j])
}

func isKindByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}

func toLowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
