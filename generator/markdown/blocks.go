package markdown

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// tableRenderer renders tables as goldmark's table extension does, inside
// a box that scrolls on its own when the table is wider than the screen:
// <div class="table-scroll" role="region" tabindex="0" aria-label="Table">.
// The box can take the keyboard's focus, so a wide table can be scrolled
// without a mouse in every browser.
type tableRenderer struct {
	inner renderer.NodeRenderer
	label string
}

func newTableRenderer(label string) *tableRenderer {
	return &tableRenderer{
		inner: extension.NewTableHTMLRenderer(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		label: label,
	}
}

// SetOption passes goldmark's renderer options on to the table renderer.
func (t *tableRenderer) SetOption(name renderer.OptionName, value any) {
	if so, ok := t.inner.(renderer.SetOptioner); ok {
		so.SetOption(name, value)
	}
}

// RegisterFuncs implements renderer.NodeRenderer.
func (t *tableRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	t.inner.RegisterFuncs(wrapTable{reg, t.label})
}

// wrapTable passes registrations through, wrapping the table's own.
type wrapTable struct {
	renderer.NodeRendererFuncRegisterer
	label string
}

func (w wrapTable) Register(kind ast.NodeKind, f renderer.NodeRendererFunc) {
	if kind == east.KindTable {
		inner := f
		f = func(bw util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
			if entering {
				_, _ = bw.WriteString(`<div class="table-scroll" role="region" tabindex="0" aria-label="`)
				_, _ = bw.Write(util.EscapeHTML([]byte(w.label)))
				_, _ = bw.WriteString("\">\n")
			}
			status, err := inner(bw, src, n, entering)
			if !entering {
				_, _ = bw.WriteString("</div>\n")
			}
			return status, err
		}
	}
	w.NodeRendererFuncRegisterer.Register(kind, f)
}

// taskBoxRenderer renders a task list's box with a name for screen
// readers ("Done" or "Not done"): goldmark's box has none.
type taskBoxRenderer struct {
	done, notDone string
}

// RegisterFuncs implements renderer.NodeRenderer.
func (t taskBoxRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTaskCheckBox, t.render)
}

func (t taskBoxRenderer) render(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	label, checked := t.notDone, ""
	if n.(*east.TaskCheckBox).IsChecked {
		label, checked = t.done, " checked"
	}
	_, _ = w.WriteString(`<input type="checkbox" disabled` + checked + ` aria-label="`)
	_, _ = w.Write(util.EscapeHTML([]byte(label)))
	_, _ = w.WriteString(`"> `)
	return ast.WalkContinue, nil
}
