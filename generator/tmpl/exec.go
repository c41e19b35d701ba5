package tmpl

import (
	"bytes"
	"reflect"
	"sync/atomic"
)

// The walk follows text/template's exec.go step by step (variables and
// their scopes, what is true, how fields, methods and map keys are found,
// how arguments are converted), so that what it writes is what
// html/template writes. Where text/template would fail, or where this
// walk does not follow it, it gives up (panics with giveUp), and the
// template is run by html/template instead.

// giveUp is the panic that hands a run over to html/template.
type giveUp struct{}

func stop() { panic(giveUp{}) }

// maxDepth bounds templates calling templates; text/template's own bound
// is higher, and it reports the error.
const maxDepth = 10000

// run executes root on data into w, reporting false when it gave up;
// strictKeys gives up on a missing map key.
func run(root node, w *bytes.Buffer, data any, strictKeys bool) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			// Anything that goes wrong here, a layout's function
			// panicking included, is html/template's to report.
			ok = false
		}
	}()
	value, isValue := data.(reflect.Value)
	if !isValue {
		value = reflect.ValueOf(data)
	}
	s := &state{w: w, vars: make([]variable, 1, 16), strictKeys: strictKeys}
	s.vars[0] = variable{"$", value}
	root.exec(s, value)
	return true
}

type state struct {
	w    *bytes.Buffer
	vars []variable
	// base is where the running template's variables start: a template
	// sees none of its caller's.
	base       int
	depth      int
	strictKeys bool
}

type variable struct {
	name  string
	value reflect.Value
}

func (s *state) mark() int { return len(s.vars) }

func (s *state) pop(mark int) { s.vars = s.vars[:mark] }

func (s *state) setVar(name string, v reflect.Value) {
	for i := len(s.vars) - 1; i >= s.base; i-- {
		if s.vars[i].name == name {
			s.vars[i].value = v
			return
		}
	}
	stop()
}

func (s *state) varValue(name string) reflect.Value {
	for i := len(s.vars) - 1; i >= s.base; i-- {
		if s.vars[i].name == name {
			return s.vars[i].value
		}
	}
	stop()
	return reflect.Value{}
}

// node is a compiled piece of a template.
type node interface {
	exec(s *state, dot reflect.Value)
}

type textNode []byte

func (t textNode) exec(s *state, _ reflect.Value) { s.w.Write(t) }

type listNode []node

func (l listNode) exec(s *state, dot reflect.Value) {
	for _, n := range l {
		n.exec(s, dot)
	}
}

// actionNode is {{pipeline}}; a printing one ends in html/template's
// escapers, run here on its value: the URL steps, then the writer.
type actionNode struct {
	pipe   *pipeline
	steps  []urlStep
	writer writer // nil for an action that prints nothing
}

func (a *actionNode) exec(s *state, dot reflect.Value) {
	v := a.pipe.eval(s, dot)
	if a.writer == nil {
		return
	}
	str, ct := stringify(v)
	for _, step := range a.steps {
		str = step.str(str, ct)
		ct = plain // an escaper gives a plain string
	}
	a.writer.write(s.w, str, ct)
}

// ifNode is {{if}} or, with with set, {{with}}.
type ifNode struct {
	with           bool
	pipe           *pipeline
	list, elseList node
}

func (n *ifNode) exec(s *state, dot reflect.Value) {
	defer s.pop(s.mark())
	v := n.pipe.eval(s, dot)
	t, ok := isTrue(indirectInterface(v))
	if !ok {
		stop()
	}
	switch {
	case t && n.list != nil:
		if n.with {
			n.list.exec(s, v)
		} else {
			n.list.exec(s, dot)
		}
	case !t && n.elseList != nil:
		n.elseList.exec(s, dot)
	}
}

type rangeNode struct {
	pipe           *pipeline
	list, elseList node
}

func (n *rangeNode) exec(s *state, dot reflect.Value) {
	defer s.pop(s.mark())
	v, _ := indirect(n.pipe.eval(s, dot))
	mark := s.mark()
	decl := len(n.pipe.decl)
	one := func(index, elem reflect.Value) {
		if decl > 0 {
			if n.pipe.assign {
				if decl > 1 {
					s.setVar(n.pipe.decl[0], index)
				} else {
					s.setVar(n.pipe.decl[0], elem)
				}
			} else {
				s.vars[len(s.vars)-1].value = elem
			}
		}
		if decl > 1 {
			if n.pipe.assign {
				s.setVar(n.pipe.decl[1], elem)
			} else {
				s.vars[len(s.vars)-2].value = index
			}
		}
		if n.list != nil {
			n.list.exec(s, elem)
		}
		s.pop(mark)
	}
	switch v.Kind() {
	case reflect.Array, reflect.Slice:
		if v.Len() > 0 {
			for i := 0; i < v.Len(); i++ {
				one(reflect.ValueOf(i), v.Index(i))
			}
			return
		}
	case reflect.Int:
		if decl > 1 || v.Type() != intType {
			stop()
		}
		if k := int(v.Int()); k > 0 {
			for i := 0; i < k; i++ {
				one(reflect.Value{}, reflect.ValueOf(i))
			}
			return
		}
	case reflect.Invalid:
		// Nothing to range over (a nil map, say): the else branch.
	default:
		// Maps (in sorted key order), channels, functions and other
		// integers are html/template's.
		stop()
	}
	if n.elseList != nil {
		n.elseList.exec(s, dot)
	}
}

// templateNode is {{template "name" pipeline}}.
type templateNode struct {
	pipe *pipeline
	t    *callee
}

func (n *templateNode) exec(s *state, dot reflect.Value) {
	if s.depth >= maxDepth {
		stop()
	}
	var v reflect.Value
	if n.pipe != nil {
		v = n.pipe.eval(s, dot)
	}
	base, mark := s.base, s.mark()
	s.base = mark
	s.vars = append(s.vars, variable{"$", v})
	s.depth++
	n.t.root.exec(s, v)
	s.depth--
	s.pop(mark)
	s.base = base
}

type pipeline struct {
	cmds   []command
	decl   []string
	assign bool
}

func (p *pipeline) eval(s *state, dot reflect.Value) reflect.Value {
	var v reflect.Value
	for i, cmd := range p.cmds {
		v = cmd.eval(s, dot, v, i > 0)
		if v.Kind() == reflect.Interface && v.Type().NumMethod() == 0 {
			v = reflect.ValueOf(v.Interface())
		}
	}
	for _, name := range p.decl {
		if p.assign {
			s.setVar(name, v)
		} else {
			s.vars = append(s.vars, variable{name, v})
		}
	}
	return v
}

// command is a command of a pipeline; final is the previous command's
// value, when hasFinal.
type command interface {
	eval(s *state, dot, final reflect.Value, hasFinal bool) reflect.Value
}

type dotCmd struct{}

func (dotCmd) eval(_ *state, dot, _ reflect.Value, hasFinal bool) reflect.Value {
	if hasFinal {
		stop()
	}
	return dot
}

type constCmd struct{ v reflect.Value }

func (c constCmd) eval(_ *state, _, _ reflect.Value, hasFinal bool) reflect.Value {
	if hasFinal {
		stop()
	}
	return c.v
}

type pipeCmd struct{ p *pipeline }

func (c pipeCmd) eval(s *state, dot, _ reflect.Value, hasFinal bool) reflect.Value {
	if hasFinal {
		stop()
	}
	return c.p.eval(s, dot)
}

// fieldCmd is .A.B.C, with arguments for a method at the end.
type fieldCmd struct {
	fields []*fieldRef
	args   []arg
}

func (c *fieldCmd) eval(s *state, dot, final reflect.Value, hasFinal bool) reflect.Value {
	return s.fieldChain(dot, dot, c.fields, c.args, final, hasFinal)
}

type varCmd struct {
	name   string
	fields []*fieldRef
	args   []arg
}

func (c *varCmd) eval(s *state, dot, final reflect.Value, hasFinal bool) reflect.Value {
	v := s.varValue(c.name)
	if len(c.fields) == 0 {
		if hasFinal {
			stop()
		}
		return v
	}
	return s.fieldChain(dot, v, c.fields, c.args, final, hasFinal)
}

// chainCmd is (pipeline).A.B.
type chainCmd struct {
	of     command
	fields []*fieldRef
}

func (c *chainCmd) eval(s *state, dot, final reflect.Value, hasFinal bool) reflect.Value {
	v := c.of.eval(s, dot, reflect.Value{}, false)
	return s.fieldChain(dot, v, c.fields, nil, final, hasFinal)
}

func (s *state) fieldChain(dot, receiver reflect.Value, fields []*fieldRef, args []arg, final reflect.Value, hasFinal bool) reflect.Value {
	last := len(fields) - 1
	for _, f := range fields[:last] {
		receiver = s.field(dot, f, receiver, nil, reflect.Value{}, false)
	}
	return s.field(dot, fields[last], receiver, args, final, hasFinal)
}

// fieldRef is one name of a field chain, with what it last named: a
// method or a field of a type (see lookup).
type fieldRef struct {
	name string
	key  reflect.Value // name, as a map key
	seen atomic.Pointer[found]
}

func fieldRefs(names []string) []*fieldRef {
	out := make([]*fieldRef, len(names))
	for i, n := range names {
		out[i] = &fieldRef{name: n, key: reflect.ValueOf(n)}
	}
	return out
}

// found is what a name means on a type: a method (by index in the method
// set of the receiver, or of its address when addressable) or a struct
// field (by index path).
type found struct {
	typ     reflect.Type
	addr    bool
	method  int // -1 when not a method
	field   []int
	mapKey  bool
	missing bool // neither: text/template reports an error
}

func lookup(receiver reflect.Value, name string) *found {
	f := &found{typ: receiver.Type(), addr: receiver.CanAddr(), method: -1}
	ptr := receiver.Type() // never a pointer or interface (see field)
	if f.addr {
		ptr = reflect.PointerTo(ptr)
	}
	if m, ok := ptr.MethodByName(name); ok {
		f.method = m.Index
		return f
	}
	switch receiver.Kind() {
	case reflect.Struct:
		if sf, ok := receiver.Type().FieldByName(name); ok && sf.IsExported() {
			f.field = sf.Index
			return f
		}
	case reflect.Map:
		if stringType.AssignableTo(receiver.Type().Key()) {
			f.mapKey = true
			return f
		}
	}
	f.missing = true
	return f
}

// field evaluates one name of a chain on receiver, as text/template's
// evalField does.
func (s *state) field(dot reflect.Value, ref *fieldRef, receiver reflect.Value, args []arg, final reflect.Value, hasFinal bool) reflect.Value {
	if !receiver.IsValid() {
		if s.strictKeys {
			stop()
		}
		return reflect.Value{}
	}
	receiver, isNil := indirect(receiver)
	if isNil {
		// A nil pointer or interface: an error, or a method of the
		// pointer's type, which html/template may call.
		stop()
	}
	f := ref.seen.Load()
	if f == nil || f.typ != receiver.Type() || f.addr != receiver.CanAddr() {
		f = lookup(receiver, ref.name)
		ref.seen.Store(f)
	}
	switch {
	case f.method >= 0:
		ptr := receiver
		if f.addr {
			ptr = ptr.Addr()
		}
		return callReflect(s, dot, ptr.Method(f.method), args, final, hasFinal)
	case f.missing:
		stop()
	}
	if len(args) > 0 || hasFinal {
		stop()
	}
	if f.mapKey {
		v := receiver.MapIndex(ref.key)
		if !v.IsValid() && s.strictKeys {
			stop()
		}
		return v
	}
	if len(f.field) == 1 {
		return receiver.Field(f.field[0])
	}
	v, err := receiver.FieldByIndexErr(f.field)
	if err != nil {
		stop()
	}
	return v
}

// indirect follows pointers and interfaces to a value, as text/template
// does; isNil when it met a nil one.
func indirect(v reflect.Value) (rv reflect.Value, isNil bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

func indirectInterface(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Interface {
		return v
	}
	if v.IsNil() {
		return reflect.Value{}
	}
	return v.Elem()
}

// isTrue is text/template's truth: not the zero of its type.
func isTrue(v reflect.Value) (truth, ok bool) {
	if !v.IsValid() {
		return false, true
	}
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() > 0, true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Complex64, reflect.Complex128:
		return v.Complex() != 0, true
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		return !v.IsNil(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() != 0, true
	case reflect.Float32, reflect.Float64:
		return v.Float() != 0, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() != 0, true
	case reflect.Struct:
		return true, true
	}
	return false, false
}
