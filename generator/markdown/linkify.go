package markdown

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkify is goldmark's Linkify extension with a gate in front of its
// parser. That parser is asked at every space of every paragraph whether a
// link starts there, and most of the time it costs is spent saying no. A
// link it finds starts with "http:", "https:", "ftp:" or "www.", or is an
// address with an "@": a block whose text holds no ':', no '@' and no
// "www." has none, and the gate answers for it, once per block. Elsewhere
// goldmark's parser answers as before, so the tree is the same either way
// (FuzzShortcutsHTML).
type linkify struct{}

// linkifyGate is where the gate keeps, during one parse, the block it last
// looked at and whether that block may hold a link.
var linkifyGate = parser.NewContextKey()

type gateState struct {
	block ast.Node
	may   bool
}

func (linkify) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(gatedLinkify{extension.NewLinkifyParser()}, 999),
	))
}

// gatedLinkify is goldmark's linkify parser behind the gate.
type gatedLinkify struct{ parser.InlineParser }

func (g gatedLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	st, _ := pc.Get(linkifyGate).(*gateState)
	if st == nil {
		st = &gateState{}
		pc.Set(linkifyGate, st)
	}
	if st.block != parent {
		st.block, st.may = parent, mayLink(block.Source(), parent.Lines())
	}
	if !st.may {
		return nil
	}
	return g.InlineParser.Parse(parent, block, pc)
}

// mayLink reports whether the lines of a block could hold a link that
// goldmark's linkify parser finds: some ':', '@' or "www.".
func mayLink(source []byte, lines *text.Segments) bool {
	for i := range lines.Len() {
		s := lines.At(i)
		b := source[s.Start:s.Stop]
		if bytes.IndexByte(b, ':') >= 0 || bytes.IndexByte(b, '@') >= 0 || bytes.Contains(b, []byte("www.")) {
			return true
		}
	}
	return false
}
