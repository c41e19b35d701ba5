package callout

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

type htmlRenderer struct {
	labels map[string]string
	hidden map[string]bool
}

// NewHTMLRenderer returns a renderer.NodeRenderer that renders [Callout]
// nodes as
//
//	<div class="callout callout-KIND" role="note">
//	<p class="callout-label"><span class="callout-kind">LABEL</span><span class="callout-title">TITLE</span></p>
//	…children…
//	</div>
//
// The title span is left out when there is no title, and the whole label
// paragraph when there is neither label nor title. KIND is the kind
// sanitised to [a-z0-9-]; text is HTML-escaped; node attributes are not
// rendered. [New] registers it; use it directly only to assemble a renderer
// by hand.
func NewHTMLRenderer(opts ...Option) renderer.NodeRenderer {
	c := newConfig(opts)
	return &htmlRenderer{labels: c.labels, hidden: c.hidden}
}

// RegisterFuncs implements renderer.NodeRenderer.RegisterFuncs.
func (r *htmlRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, r.renderCallout)
	// The closing-fence marker never survives parsing, but goldmark's
	// renderer indexes a slice by node kind and would panic on a kind
	// above the highest registered one, so register it anyway.
	reg.Register(kindCloseFence, renderNothing)
}

func (r *htmlRenderer) renderCallout(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if r.hidden[toLowerASCII(node.(*Callout).CalloutKind)] {
		return ast.WalkSkipChildren, nil
	}
	if !entering {
		_, _ = w.WriteString("</div>\n")
		return ast.WalkContinue, nil
	}
	n := node.(*Callout)
	kind := toLowerASCII(n.CalloutKind)
	_, _ = w.WriteString(`<div class="callout`)
	if class := sanitizeClass(kind); class != "" {
		_, _ = w.WriteString(" callout-")
		_, _ = w.WriteString(class)
	}
	_, _ = w.WriteString("\" role=\"note\">\n")

	label, ok := r.labels[kind]
	if !ok {
		label = capitalize(kind)
	}
	if label == "" && n.Title == "" {
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<p class="callout-label">`)
	if label != "" {
		_, _ = w.WriteString(`<span class="callout-kind">`)
		_, _ = w.Write(util.EscapeHTML([]byte(label)))
		_, _ = w.WriteString(`</span>`)
	}
	if n.Title != "" {
		_, _ = w.WriteString(`<span class="callout-title">`)
		_, _ = w.Write(util.EscapeHTML([]byte(n.Title)))
		_, _ = w.WriteString(`</span>`)
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkContinue, nil
}

func renderNothing(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
	return ast.WalkSkipChildren, nil
}

// sanitizeClass lower-cases s and drops every byte outside [a-z0-9-].
func sanitizeClass(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
			b = append(b, c)
		}
	}
	return string(b)
}

// capitalize upper-cases the first byte of s if it is an ASCII letter.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-('a'-'A')) + s[1:]
}
