// Package tmpl runs a theme's html/template layouts without the reflective
// calls that make html/template slow: it walks the trees html/template has
// already made safe, with their escapers written in Go, and writes exactly
// the bytes html/template would. Whatever it cannot do exactly (a construct,
// a function, a kind of value or an error) it leaves to html/template, which
// then runs the template from the start: the output, and every error
// message, are always html/template's.
//
// It only ever runs a tree html/template has escaped: a template is taken
// up after html/template has run it once without error, which is when
// html/template has escaped it and every template it calls.
package tmpl

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	texttemplate "text/template"
	"text/template/parse"
)

// Program runs the templates of one html/template set. It is safe for
// concurrent use.
//
// A run that gives up part way is run again by html/template from the
// start, so the layout functions it called before giving up are called
// again: they must give the same result for the same arguments and have
// no effects that count (haven's are lookups and formatting).
type Program struct {
	set   *template.Template
	funcs template.FuncMap
	// strictKeys is set when the set's missingkey option is not the
	// default: a missing map key is then html/template's to handle.
	strictKeys bool

	mu      sync.Mutex
	entries sync.Map // template name -> *entry

	fast, slow, gaveUp atomic.Int64
}

// entry is a template taken up: root is nil when it cannot be run here
// (why says so, for tests).
type entry struct {
	root node
	why  string
	// streak counts the runs in a row that gave up: a template that
	// keeps giving up (on a kind of value its data holds, say) is left to
	// html/template rather than begun twice a page, but for one run in
	// retryEvery, in case its data has changed.
	streak, skipped atomic.Int64
}

// worthTrying says whether a run of e should begin here.
func (e *entry) worthTrying() bool {
	return e.streak.Load() < giveUpLimit || e.skipped.Add(1)%retryEvery == 0
}

// giveUpLimit is how many runs in a row may give up before the template
// is left to html/template; retryEvery, how often it is tried again then.
const (
	giveUpLimit = 8
	retryEvery  = 64
)

// New prepares set, whose templates call the functions funcs (the same
// map given to set.Funcs).
func New(set *template.Template, funcs template.FuncMap) *Program {
	return &Program{set: set, funcs: funcs, strictKeys: !defaultMissingKey(set)}
}

// defaultMissingKey says whether a missing map key prints as nothing in
// set, as it does unless set.Option("missingkey=...") said otherwise: a
// copy of set runs a probe. (html/template gives no other way to read the
// option; a set that has run already cannot be copied, and is taken as
// not the default.)
func defaultMissingKey(set *template.Template) bool {
	c, err := set.Clone()
	if err != nil {
		return false
	}
	probe, err := c.New("haven/tmpl probe").Parse(`{{.k}}`)
	if err != nil {
		return false
	}
	var b bytes.Buffer
	return probe.Execute(&b, map[string]int{}) == nil && b.Len() == 0
}

// Execute writes the template name, run on data, to w, as
// set.ExecuteTemplate(w, name, data) does, with its error.
func (p *Program) Execute(w *bytes.Buffer, name string, data any) error {
	if v, ok := p.entries.Load(name); ok {
		if e := v.(*entry); e.root != nil && e.worthTrying() {
			mark := w.Len()
			if run(e.root, w, data, p.strictKeys) {
				e.streak.Store(0)
				p.fast.Add(1)
				return nil
			}
			w.Truncate(mark)
			e.streak.Add(1)
			p.gaveUp.Add(1)
		}
	}
	p.slow.Add(1)
	err := p.set.ExecuteTemplate(w, name, data)
	if err == nil {
		p.takeUp(name)
	}
	return err
}

// Warm takes up the templates names before their first real run: each is
// run once through html/template on no data, which escapes it, so that
// the first page to use it runs here too (the first is often the largest:
// a programme's print page). A name not defined, or one whose escaping
// fails, is left to its first real run. An error in running it on no data
// (a function given nothing) is no matter: the template is escaped by
// then.
func (p *Program) Warm(names ...string) {
	for _, name := range names {
		if p.set.Lookup(name) == nil {
			continue
		}
		if _, ok := p.entries.Load(name); ok {
			continue
		}
		err := p.set.ExecuteTemplate(io.Discard, name, nil)
		var execErr texttemplate.ExecError
		if err == nil || errors.As(err, &execErr) {
			p.takeUp(name)
		}
	}
}

// Counts says how many executions ran here, how many through html/template
// (before the template was taken up, or when it cannot be run here), and
// how many of those began here and gave up.
func (p *Program) Counts() (fast, slow, gaveUp int64) {
	return p.fast.Load(), p.slow.Load(), p.gaveUp.Load()
}

// Unsupported says why the template name is left to html/template, or ""
// when it is not (or has not run yet).
func (p *Program) Unsupported(name string) string {
	if e, ok := p.entries.Load(name); ok {
		return e.(*entry).why
	}
	return ""
}

// takeUp compiles the template name, which html/template has just run
// without error and so has escaped.
func (p *Program) takeUp(name string) {
	if _, ok := p.entries.Load(name); ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.entries.Load(name); ok {
		return
	}
	c := &compiler{p: p, done: map[string]*callee{}}
	e := &entry{}
	if t := c.template(name); c.why == "" {
		e.root = t.root
	} else {
		e.why = c.why
	}
	p.entries.Store(name, e)
}

// unsupported stops a compilation: the template is left to html/template.
type unsupported struct{ why string }

// compiler turns escaped parse trees into nodes.
type compiler struct {
	p    *Program
	done map[string]*callee
	why  string
}

// callee is a compiled template; root is set once its body is compiled,
// so that templates can call themselves.
type callee struct {
	root node
}

func (c *compiler) template(name string) (t *callee) {
	if t, ok := c.done[name]; ok {
		return t
	}
	t = &callee{}
	c.done[name] = t
	defer func() {
		if r := recover(); r != nil {
			u, ok := r.(unsupported)
			if !ok {
				panic(r)
			}
			if c.why == "" {
				c.why = u.why
			}
		}
	}()
	ht := c.p.set.Lookup(name)
	if ht == nil || ht.Tree == nil || ht.Tree.Root == nil {
		panic(unsupported{"no template " + name})
	}
	t.root = c.list(ht.Tree.Root)
	return t
}

func (c *compiler) fail(why string) { panic(unsupported{why}) }

func (c *compiler) list(l *parse.ListNode) node {
	if l == nil {
		return nil
	}
	var out listNode
	for _, n := range l.Nodes {
		if cn := c.node(n); cn != nil {
			// Adjacent text is written at once.
			if t, ok := cn.(textNode); ok && len(out) > 0 {
				if prev, ok := out[len(out)-1].(textNode); ok {
					out[len(out)-1] = append(prev[:len(prev):len(prev)], t...)
					continue
				}
			}
			out = append(out, cn)
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}

func (c *compiler) node(n parse.Node) node {
	switch n := n.(type) {
	case *parse.TextNode:
		return textNode(bytes.Clone(n.Text))
	case *parse.CommentNode:
		return nil
	case *parse.ListNode:
		return c.list(n)
	case *parse.ActionNode:
		return c.action(n)
	case *parse.IfNode:
		return &ifNode{pipe: c.pipeline(n.Pipe), list: c.list(n.List), elseList: c.list(n.ElseList)}
	case *parse.WithNode:
		return &ifNode{with: true, pipe: c.pipeline(n.Pipe), list: c.list(n.List), elseList: c.list(n.ElseList)}
	case *parse.RangeNode:
		if len(n.Pipe.Decl) > 2 {
			c.fail("range with more than two variables")
		}
		return &rangeNode{pipe: c.pipeline(n.Pipe), list: c.list(n.List), elseList: c.list(n.ElseList)}
	case *parse.TemplateNode:
		t := &templateNode{t: c.template(n.Name)}
		if n.Pipe != nil {
			t.pipe = c.pipeline(n.Pipe)
		}
		return t
	}
	c.fail("unsupported node " + n.String())
	return nil
}

// action compiles {{pipeline}}. A printing action's pipeline ends in the
// escapers html/template added; they run on the pipeline's value and write
// straight into the output. (html/template gives every printing action
// its escapers: one without is not a template it has escaped.)
func (c *compiler) action(n *parse.ActionNode) node {
	a := &actionNode{}
	cmds := n.Pipe.Cmds
	if len(n.Pipe.Decl) == 0 {
		if a.writer = writers[escaperName(cmds[len(cmds)-1])]; a.writer == nil || len(cmds) < 2 {
			c.fail("printing without an escaper of html/template's")
		}
		cmds = cmds[:len(cmds)-1]
		for len(cmds) > 1 {
			step, ok := urlSteps[escaperName(cmds[len(cmds)-1])]
			if !ok {
				break
			}
			a.steps = append([]urlStep{step}, a.steps...)
			cmds = cmds[:len(cmds)-1]
		}
	}
	a.pipe = c.pipe(n.Pipe, cmds)
	return a
}

// escaperName is the name a command calls without arguments, "" for any
// other command.
func escaperName(cmd *parse.CommandNode) string {
	if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok && len(cmd.Args) == 1 {
		return id.Ident
	}
	return ""
}

func (c *compiler) pipeline(p *parse.PipeNode) *pipeline { return c.pipe(p, p.Cmds) }

func (c *compiler) pipe(p *parse.PipeNode, cmds []*parse.CommandNode) *pipeline {
	out := &pipeline{assign: p.IsAssign}
	for _, d := range p.Decl {
		if len(d.Ident) != 1 {
			c.fail("declaration of a field")
		}
		out.decl = append(out.decl, d.Ident[0])
	}
	for _, cmd := range cmds {
		out.cmds = append(out.cmds, c.command(cmd))
	}
	return out
}

// command compiles one command of a pipeline: its first word and its
// arguments.
func (c *compiler) command(cmd *parse.CommandNode) command {
	args := cmd.Args[1:]
	switch n := cmd.Args[0].(type) {
	case *parse.FieldNode:
		return &fieldCmd{fields: fieldRefs(n.Ident), args: c.args(args)}
	case *parse.ChainNode:
		if len(args) > 0 {
			c.fail("arguments to a chain")
		}
		return &chainCmd{of: c.operand(n.Node), fields: fieldRefs(n.Field)}
	case *parse.VariableNode:
		if len(n.Ident) == 1 && len(args) > 0 {
			c.fail("arguments to a variable")
		}
		return &varCmd{name: n.Ident[0], fields: fieldRefs(n.Ident[1:]), args: c.args(args)}
	case *parse.IdentifierNode:
		return c.function(n.Ident, args)
	case *parse.PipeNode:
		if len(args) > 0 {
			c.fail("arguments to a parenthesized pipeline")
		}
		return &pipeCmd{c.pipeline(n)}
	}
	if len(args) > 0 {
		c.fail("arguments to a constant")
	}
	return c.constant(cmd.Args[0])
}

// operand compiles what a chain's fields are read from.
func (c *compiler) operand(n parse.Node) command {
	switch n := n.(type) {
	case *parse.FieldNode, *parse.VariableNode, *parse.PipeNode, *parse.ChainNode, *parse.DotNode:
		return c.command(&parse.CommandNode{Args: []parse.Node{n}})
	case *parse.IdentifierNode:
		return c.function(n.Ident, nil)
	}
	c.fail("chain on " + n.String())
	return nil
}

func (c *compiler) constant(n parse.Node) command {
	switch n := n.(type) {
	case *parse.DotNode:
		return dotCmd{}
	case *parse.BoolNode:
		return constCmd{reflect.ValueOf(n.True)}
	case *parse.StringNode:
		return constCmd{reflect.ValueOf(n.Text)}
	case *parse.NumberNode:
		return constCmd{c.ideal(n)}
	}
	c.fail("command " + n.String())
	return nil
}

// ideal is a number constant's value where its type is open, as
// text/template gives it: a float64 when written as one, else an int.
func (c *compiler) ideal(n *parse.NumberNode) reflect.Value {
	t := n.Text
	hexInt := len(t) > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') && !strings.ContainsAny(t, "pP")
	runeInt := len(t) > 0 && t[0] == '\''
	switch {
	case n.IsComplex:
	case n.IsFloat && !hexInt && !runeInt && strings.ContainsAny(t, ".eEpP"):
		return reflect.ValueOf(n.Float64)
	case n.IsInt && int64(int(n.Int64)) == n.Int64:
		return reflect.ValueOf(int(n.Int64))
	}
	c.fail("number " + t)
	return reflect.Value{}
}

// args compiles a function's or method's arguments.
func (c *compiler) args(nodes []parse.Node) []arg {
	var out []arg
	for _, n := range nodes {
		switch n := n.(type) {
		case *parse.StringNode:
			out = append(out, arg{lit: litString, str: n.Text, ideal: reflect.ValueOf(n.Text)})
		case *parse.NumberNode:
			out = append(out, arg{lit: litNumber, num: n, ideal: c.ideal(n)})
		case *parse.BoolNode:
			out = append(out, arg{lit: litBool, boolean: n.True, ideal: reflect.ValueOf(n.True)})
		case *parse.IdentifierNode:
			out = append(out, arg{expr: c.function(n.Ident, nil)})
		case *parse.DotNode, *parse.FieldNode, *parse.VariableNode, *parse.PipeNode, *parse.ChainNode:
			out = append(out, arg{expr: c.operand(n)})
		default:
			c.fail("argument " + n.String())
		}
	}
	return out
}

// function compiles a call of a named function: an escaper of
// html/template's, one of the layout's functions, or a builtin.
func (c *compiler) function(name string, nodes []parse.Node) command {
	args := c.args(nodes)
	if fn, ok := c.p.funcs[name]; ok {
		v := reflect.ValueOf(fn)
		if v.Kind() != reflect.Func {
			c.fail("function " + name)
		}
		return newCall(v, args)
	}
	if b, ok := builtins[name]; ok {
		return &builtinCmd{name: name, fn: b, args: args}
	}
	c.fail("function " + name)
	return nil
}
