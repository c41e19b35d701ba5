// Package agreement turns the Markdown of a group-agreement template into
// the parts of a form that a group fills in, and renders them. The template
// stays plain, readable Markdown:
//
//	Group name: ___                 a named blank field (a line of its own)
//	- [x] We keep what is said here private.   a suggested item, kept
//	- [ ] Phones on silent                     a suggested item, to discuss
//	- ___                                      a blank line for the group's own item
//
// On screen the parts are form controls (the theme's script keeps what is
// typed in the browser); on paper unfilled fields and blank items are lines
// to write on.
package agreement

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"haven/generator/diag"
)

// Node kinds.
var (
	KindField = ast.NewNodeKind("AgreementField")
	KindItem  = ast.NewNodeKind("AgreementItem")
	KindBlank = ast.NewNodeKind("AgreementBlank")
	KindList  = ast.NewNodeKind("AgreementList")
)

// Field is a named blank field: `Group name: ___`.
type Field struct {
	ast.BaseBlock
	Label string
	ID    string
}

// Kind implements ast.Node.
func (n *Field) Kind() ast.NodeKind { return KindField }

// Dump implements ast.Node.
func (n *Field) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Label": n.Label}, nil)
}

// List is a list of suggested items and blanks.
type List struct{ ast.BaseBlock }

// Kind implements ast.Node.
func (n *List) Kind() ast.NodeKind { return KindList }

// Dump implements ast.Node.
func (n *List) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// Item is a suggested item: its children are the item's text.
type Item struct {
	ast.BaseBlock
	Checked bool
	ID      string
}

// Kind implements ast.Node.
func (n *Item) Kind() ast.NodeKind { return KindItem }

// Dump implements ast.Node.
func (n *Item) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// Blank is a line for an item of the group's own.
type Blank struct {
	ast.BaseBlock
	ID string
}

// Kind implements ast.Node.
func (n *Blank) Kind() ast.NodeKind { return KindBlank }

// Dump implements ast.Node.
func (n *Blank) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

var fieldLine = regexp.MustCompile(`^\s*(.*?)\s*:\s*_{3,}\s*$`)
var blankLine = regexp.MustCompile(`^\s*_{3,}\s*$`)

// Result says what a template holds.
type Result struct {
	Fields, Items, Blanks int
}

// Transform rewrites an agreement template's AST in place: paragraphs of
// field lines become fields, task lists become suggested items, list items
// of underscores become blanks. Problems are reported at their lines.
func Transform(root ast.Node, src []byte, at func(int) diag.Position, diags *diag.List) Result {
	var res Result
	labels := map[string]diag.Position{}
	var paragraphs []*ast.Paragraph
	var lists []*ast.List
	ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Paragraph:
			if _, inItem := n.Parent().(*ast.ListItem); !inItem {
				paragraphs = append(paragraphs, n)
			}
		case *ast.List:
			lists = append(lists, n)
		}
		return ast.WalkContinue, nil
	})

	for _, p := range paragraphs {
		lines := p.Lines()
		var fields []*Field
		mixed := false
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			m := fieldLine.FindSubmatch(seg.Value(src))
			if m == nil {
				if len(fields) > 0 {
					mixed = true
				}
				continue
			}
			label := string(m[1])
			pos := at(seg.Start)
			if label == "" {
				diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error,
					Message: "a blank field needs a name before the colon",
					Hint:    "write it like: Group name: ___"})
				continue
			}
			if prev, dup := labels[strings.ToLower(label)]; dup {
				diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error,
					Message: fmt.Sprintf("the field %q is already on line %d", label, prev.Line),
					Hint:    "give each field its own name"})
				continue
			}
			labels[strings.ToLower(label)] = pos
			if i > 0 && len(fields) == 0 {
				mixed = true
			}
			fields = append(fields, &Field{Label: label, ID: fmt.Sprintf("haven-field-%d", res.Fields+len(fields)+1)})
		}
		if len(fields) == 0 {
			continue
		}
		if mixed {
			diags.Add(diag.Diagnostic{Pos: at(lines.At(0).Start), Severity: diag.Error,
				Message: "blank fields are mixed with other text in one paragraph",
				Hint:    "put the fields in a paragraph of their own, one per line, with a blank line before and after"})
			continue
		}
		parent := p.Parent()
		for _, f := range fields {
			parent.InsertBefore(parent, p, f)
		}
		parent.RemoveChild(parent, p)
		res.Fields += len(fields)
	}

	for _, l := range lists {
		if l.IsOrdered() {
			continue
		}
		var items []ast.Node
		agreementList := false
		for c := l.FirstChild(); c != nil; c = c.NextSibling() {
			li := c.(*ast.ListItem)
			if box, textNode := checkbox(li); box != nil {
				agreementList = true
				it := &Item{Checked: box.IsChecked}
				// The item's text: the first block's inline children,
				// without the checkbox.
				first := li.FirstChild()
				first.RemoveChild(first, textNode)
				for ch := first.FirstChild(); ch != nil; {
					next := ch.NextSibling()
					it.AppendChild(it, ch)
					ch = next
				}
				if it.ChildCount() == 0 || strings.TrimSpace(plain(it, src)) == "" {
					diags.Add(diag.Diagnostic{Pos: at(segStart(li)), Severity: diag.Error,
						Message: "a suggested item has no text",
						Hint:    "write the item after the box, e.g. - [x] We start and finish on time"})
				}
				if li.ChildCount() > 1 {
					diags.Add(diag.Diagnostic{Pos: at(segStart(li)), Severity: diag.Error,
						Message: "a suggested item must be one paragraph",
						Hint:    "keep each item to a single paragraph; put longer guidance in a ::: note"})
				}
				items = append(items, it)
				continue
			}
			if isBlank(li, src) {
				agreementList = true
				items = append(items, &Blank{})
				continue
			}
			items = append(items, nil)
		}
		if !agreementList {
			continue
		}
		for i, it := range items {
			if it == nil {
				diags.Add(diag.Diagnostic{Pos: at(segStart(l)), Severity: diag.Error,
					Message: fmt.Sprintf("item %d of this list is neither a suggested item (- [x] or - [ ]) nor a blank (- ___)", i+1),
					Hint:    "start every item of an agreement list with [x], [ ] or ___"})
				return res
			}
		}
		al := &List{}
		for _, it := range items {
			switch it := it.(type) {
			case *Item:
				res.Items++
				it.ID = fmt.Sprintf("haven-item-%d", res.Items)
			case *Blank:
				res.Blanks++
				it.ID = fmt.Sprintf("haven-blank-%d", res.Blanks)
			}
			al.AppendChild(al, it)
		}
		parent := l.Parent()
		parent.ReplaceChild(parent, l, al)
	}
	return res
}

// isBlank reports whether a list item is a blank for the group's own item:
// `- ___`, which Markdown reads as a thematic break inside the item, or a
// line of underscores.
func isBlank(li *ast.ListItem, src []byte) bool {
	first := li.FirstChild()
	if first == nil || li.ChildCount() != 1 {
		return false
	}
	if first.Kind() == ast.KindThematicBreak {
		return true
	}
	return first.Lines().Len() == 1 && blankLine.Match(first.Lines().Value(src))
}

// checkbox finds a task-list checkbox at the start of a list item.
func checkbox(li *ast.ListItem) (*east.TaskCheckBox, ast.Node) {
	first := li.FirstChild()
	if first == nil {
		return nil, nil
	}
	if box, ok := first.FirstChild().(*east.TaskCheckBox); ok {
		return box, box
	}
	return nil, nil
}

func segStart(n ast.Node) int {
	for c := n; c != nil; c = c.FirstChild() {
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			return c.Lines().At(0).Start
		}
	}
	return n.Pos()
}

func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(src))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// Renderer renders the agreement nodes as form controls.
type Renderer struct {
	// OwnItem names the blank for the group's own item, for screen
	// readers ("Our own item").
	OwnItem string
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r Renderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindField, renderField)
	reg.Register(KindList, renderList)
	reg.Register(KindItem, renderItem)
	reg.Register(KindBlank, r.renderBlank)
}

func renderField(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	f := n.(*Field)
	label := util.EscapeHTML([]byte(f.Label))
	fmt.Fprintf(w, `<p class="agreement-field"><label for="%s">%s</label> <input type="text" id="%s" name="%s" class="agreement-input" autocomplete="off"></p>`+"\n",
		f.ID, label, f.ID, f.ID)
	return ast.WalkSkipChildren, nil
}

func renderList(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString("<ul class=\"agreement-items\">\n")
	} else {
		_, _ = w.WriteString("</ul>\n")
	}
	return ast.WalkContinue, nil
}

func renderItem(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	it := n.(*Item)
	if entering {
		checked := ""
		if it.Checked {
			checked = " checked"
		}
		fmt.Fprintf(w, `<li class="agreement-item"><input type="checkbox" id="%s" class="agreement-keep"%s> <label for="%s" class="agreement-text">`, it.ID, checked, it.ID)
	} else {
		_, _ = w.WriteString("</label></li>\n")
	}
	return ast.WalkContinue, nil
}

func (r Renderer) renderBlank(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		b := n.(*Blank)
		label := r.OwnItem
		if label == "" {
			label = "Our own item"
		}
		fmt.Fprintf(w, `<li class="agreement-blank"><label for="%s" class="visually-hidden">%s</label><input type="text" id="%s" class="agreement-input agreement-own" autocomplete="off"></li>`+"\n",
			b.ID, util.EscapeHTML([]byte(label)), b.ID)
	}
	return ast.WalkSkipChildren, nil
}
