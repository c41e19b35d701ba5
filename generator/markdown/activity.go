package markdown

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// KindActivityTime is the node kind of ActivityTime.
var KindActivityTime = ast.NewNodeKind("ActivityTime")

// ActivityTime is an inline node the model appends to an activity heading:
// when the activity runs and for how long. It renders as
// <span class="activity-time">…</span> with words from
// Options.ActivityLabel, and is not part of the heading's plain text.
type ActivityTime struct {
	ast.BaseInline
	// Offset is the activity's start in minutes from the session's start;
	// Minutes its length.
	Offset, Minutes int
	// Start is the session's clock start ("18:30"), "" when it has none.
	Start string
}

// Kind implements ast.Node.
func (n *ActivityTime) Kind() ast.NodeKind { return KindActivityTime }

// Dump implements ast.Node.
func (n *ActivityTime) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// AddActivityTime appends an ActivityTime to a heading.
func AddActivityTime(h *ast.Heading, t *ActivityTime) {
	h.AppendChild(h, t)
}

// ClearActivityTimes removes every ActivityTime from a document's headings,
// so that a document parsed once can be given its times afresh on each
// build (watch mode keeps parsed documents between builds).
func ClearActivityTimes(d *Doc) {
	for _, h := range d.Headings {
		for c := h.Node.FirstChild(); c != nil; {
			next := c.NextSibling()
			if _, ok := c.(*ActivityTime); ok {
				h.Node.RemoveChild(h.Node, c)
			}
			c = next
		}
	}
}

type activityRenderer struct {
	label func(*ActivityTime) string
}

func (r *activityRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindActivityTime, r.render)
}

func (r *activityRenderer) render(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering || r.label == nil {
		return ast.WalkSkipChildren, nil
	}
	label := r.label(node.(*ActivityTime))
	if label == "" {
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(` <span class="activity-time">`)
	_, _ = w.Write(util.EscapeHTML([]byte(label)))
	_, _ = w.WriteString(`</span>`)
	return ast.WalkSkipChildren, nil
}
