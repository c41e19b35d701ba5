package tmpl

import (
	"reflect"
	"text/template/parse"
)

// arg is an argument of a function or method: a constant, or an
// expression.
type arg struct {
	expr    command
	lit     litKind
	str     string
	num     *parse.NumberNode
	ideal   reflect.Value // a constant's value as an interface{} argument, made once
	boolean bool
}

type litKind int

const (
	litNone litKind = iota
	litString
	litNumber
	litBool
)

// open is the argument's value where any type will do, as text/template's
// evalEmptyInterface gives it.
func (a *arg) open(s *state, dot reflect.Value) reflect.Value {
	if a.lit != litNone {
		return a.ideal
	}
	return a.expr.eval(s, dot, reflect.Value{}, false)
}

// as is the argument's value for a parameter of type typ, as
// text/template's evalArg gives it.
func (a *arg) as(s *state, dot reflect.Value, typ reflect.Type) reflect.Value {
	if a.lit == litNone {
		return validateType(a.expr.eval(s, dot, reflect.Value{}, false), typ)
	}
	switch typ.Kind() {
	case reflect.String:
		if a.lit == litString {
			if typ == stringType {
				return a.ideal
			}
			v := reflect.New(typ).Elem()
			v.SetString(a.str)
			return v
		}
	case reflect.Bool:
		if a.lit == litBool {
			v := reflect.New(typ).Elem()
			v.SetBool(a.boolean)
			return v
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.lit == litNumber && a.num.IsInt {
			v := reflect.New(typ).Elem()
			v.SetInt(a.num.Int64)
			return v
		}
	case reflect.Interface:
		if typ.NumMethod() == 0 {
			return a.open(s, dot)
		}
	case reflect.Struct:
		if typ == reflectValue {
			return reflect.ValueOf(a.open(s, dot))
		}
	}
	stop()
	return reflect.Value{}
}

// validateType is text/template's: v made fit for a parameter of type typ.
func validateType(v reflect.Value, typ reflect.Type) reflect.Value {
	if !v.IsValid() {
		if canBeNil(typ) {
			return reflect.Zero(typ)
		}
		stop()
	}
	if typ == reflectValue && v.Type() != typ {
		return reflect.ValueOf(v)
	}
	if !v.Type().AssignableTo(typ) {
		if v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
			if v.Type().AssignableTo(typ) {
				return v
			}
		}
		switch {
		case v.Kind() == reflect.Pointer && v.Type().Elem().AssignableTo(typ):
			v = v.Elem()
			if !v.IsValid() {
				stop()
			}
		case reflect.PointerTo(v.Type()).AssignableTo(typ) && v.CanAddr():
			v = v.Addr()
		default:
			stop()
		}
	}
	return v
}

func canBeNil(typ reflect.Type) bool {
	switch typ.Kind() {
	case reflect.Chan, reflect.Func, reflect.Interface, reflect.Map, reflect.Pointer, reflect.Slice:
		return true
	case reflect.Struct:
		return typ == reflectValue
	}
	return false
}

// goodFunc says whether fn returns what text/template can call: one value,
// or a value and an error.
func goodFunc(typ reflect.Type) bool {
	switch {
	case typ.NumOut() == 1:
		return true
	case typ.NumOut() == 2 && typ.Out(1) == errorType:
		return true
	}
	return false
}

// argv evaluates a call's arguments, the final value last, as
// text/template's evalCall does.
func (s *state) argv(dot reflect.Value, typ reflect.Type, args []arg, final reflect.Value, hasFinal bool) []reflect.Value {
	numIn := len(args)
	if hasFinal {
		numIn++
	}
	numFixed := len(args)
	if typ.IsVariadic() {
		numFixed = typ.NumIn() - 1
		if numIn < numFixed {
			stop()
		}
	} else if numIn != typ.NumIn() {
		stop()
	}
	argv := make([]reflect.Value, numIn)
	i := 0
	for ; i < numFixed && i < len(args); i++ {
		argv[i] = args[i].as(s, dot, typ.In(i))
	}
	if typ.IsVariadic() {
		et := typ.In(typ.NumIn() - 1).Elem()
		for ; i < len(args); i++ {
			argv[i] = args[i].as(s, dot, et)
		}
	}
	if hasFinal {
		t := typ.In(typ.NumIn() - 1)
		if typ.IsVariadic() {
			if numIn-1 < numFixed {
				t = typ.In(numIn - 1)
			} else {
				t = t.Elem()
			}
		}
		argv[i] = validateType(final, t)
	}
	return argv
}

// callReflect calls fn through reflection: for methods, and functions of
// a shape not known to newCall.
func callReflect(s *state, dot, fn reflect.Value, args []arg, final reflect.Value, hasFinal bool) reflect.Value {
	typ := fn.Type()
	if !goodFunc(typ) {
		stop()
	}
	out := fn.Call(s.argv(dot, typ, args, final, hasFinal))
	if len(out) == 2 && !out[1].IsNil() {
		stop()
	}
	v := out[0]
	if v.Type() == reflectValue {
		v = v.Interface().(reflect.Value)
	}
	return v
}

// callCmd calls a layout function; direct calls it without reflection
// when its type is one of the usual ones.
type callCmd struct {
	fn     reflect.Value
	typ    reflect.Type
	args   []arg
	direct func(argv []reflect.Value) reflect.Value
}

func newCall(fn reflect.Value, args []arg) command {
	c := &callCmd{fn: fn, typ: fn.Type(), args: args}
	switch f := fn.Interface().(type) {
	case func(string, ...any) string:
		c.direct = func(argv []reflect.Value) reflect.Value {
			var rest []any
			if len(argv) > 1 {
				rest = make([]any, len(argv)-1)
				for i, a := range argv[1:] {
					rest[i] = a.Interface()
				}
			}
			return reflect.ValueOf(f(argv[0].String(), rest...))
		}
	case func(string) string:
		c.direct = func(argv []reflect.Value) reflect.Value { return reflect.ValueOf(f(argv[0].String())) }
	case func(string) (string, error):
		c.direct = func(argv []reflect.Value) reflect.Value {
			r, err := f(argv[0].String())
			if err != nil {
				stop()
			}
			return reflect.ValueOf(r)
		}
	case func(int) string:
		c.direct = func(argv []reflect.Value) reflect.Value { return reflect.ValueOf(f(int(argv[0].Int()))) }
	}
	return c
}

func (c *callCmd) eval(s *state, dot, final reflect.Value, hasFinal bool) reflect.Value {
	if c.direct == nil {
		return callReflect(s, dot, c.fn, c.args, final, hasFinal)
	}
	return c.direct(s.argv(dot, c.typ, c.args, final, hasFinal))
}

// builtinCmd is one of text/template's functions on values: and, or,
// not, len and the comparisons. The others are html/template's to run.
type builtinCmd struct {
	name string
	fn   func(in []reflect.Value) reflect.Value
	args []arg
}

var builtins = map[string]func(in []reflect.Value) reflect.Value{
	"and": nil, // see builtinCmd.eval
	"or":  nil,
	"not": func(in []reflect.Value) reflect.Value {
		if len(in) != 1 {
			stop()
		}
		return reflect.ValueOf(!truth(in[0]))
	},
	"len": func(in []reflect.Value) reflect.Value {
		if len(in) != 1 {
			stop()
		}
		item, isNil := indirect(in[0])
		if isNil {
			stop()
		}
		switch item.Kind() {
		case reflect.Array, reflect.Chan, reflect.Map, reflect.Slice, reflect.String:
			return reflect.ValueOf(item.Len())
		}
		stop()
		return reflect.Value{}
	},
	"eq": func(in []reflect.Value) reflect.Value {
		if len(in) < 2 {
			stop()
		}
		for _, b := range in[1:] {
			if eq(in[0], b) {
				return reflect.ValueOf(true)
			}
		}
		return reflect.ValueOf(false)
	},
	"ne": func(in []reflect.Value) reflect.Value { two(in); return reflect.ValueOf(!eq(in[0], in[1])) },
	"lt": func(in []reflect.Value) reflect.Value { two(in); return reflect.ValueOf(lt(in[0], in[1])) },
	"le": func(in []reflect.Value) reflect.Value {
		two(in)
		return reflect.ValueOf(lt(in[0], in[1]) || eq(in[0], in[1]))
	},
	"gt": func(in []reflect.Value) reflect.Value {
		two(in)
		return reflect.ValueOf(!(lt(in[0], in[1]) || eq(in[0], in[1])))
	},
	"ge": func(in []reflect.Value) reflect.Value { two(in); return reflect.ValueOf(!lt(in[0], in[1])) },
}

func two(in []reflect.Value) {
	if len(in) != 2 {
		stop()
	}
}

func (c *builtinCmd) eval(s *state, dot, final reflect.Value, hasFinal bool) reflect.Value {
	if c.name == "and" || c.name == "or" {
		// These two stop at the first argument that settles them.
		if len(c.args) == 0 && !hasFinal {
			stop()
		}
		var v reflect.Value
		for i := range c.args {
			v = c.args[i].open(s, dot)
			if truth(v) == (c.name == "or") {
				return v
			}
		}
		if hasFinal {
			v = final
		}
		return v
	}
	in := make([]reflect.Value, 0, len(c.args)+1)
	for i := range c.args {
		in = append(in, c.args[i].open(s, dot))
	}
	if hasFinal {
		in = append(in, final)
	}
	return c.fn(in)
}

func truth(v reflect.Value) bool {
	t, _ := isTrue(indirectInterface(v))
	return t
}

type basic int

const (
	otherKind basic = iota
	boolKind
	intKind
	uintKind
	floatKind
	stringKind
)

func basicKind(v reflect.Value) basic {
	switch v.Kind() {
	case reflect.Bool:
		return boolKind
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intKind
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return uintKind
	case reflect.Float32, reflect.Float64:
		return floatKind
	case reflect.String:
		return stringKind
	}
	return otherKind
}

// eq compares two basic values as text/template's eq does; any other
// comparison is html/template's.
func eq(a, b reflect.Value) bool {
	a, b = indirectInterface(a), indirectInterface(b)
	ka, kb := basicKind(a), basicKind(b)
	switch {
	case ka == otherKind || kb == otherKind:
		stop()
	case ka == intKind && kb == uintKind:
		return a.Int() >= 0 && uint64(a.Int()) == b.Uint()
	case ka == uintKind && kb == intKind:
		return b.Int() >= 0 && a.Uint() == uint64(b.Int())
	case ka != kb:
		stop()
	}
	switch ka {
	case boolKind:
		return a.Bool() == b.Bool()
	case intKind:
		return a.Int() == b.Int()
	case uintKind:
		return a.Uint() == b.Uint()
	case floatKind:
		return a.Float() == b.Float()
	}
	return a.String() == b.String()
}

// lt orders two basic values as text/template's lt does.
func lt(a, b reflect.Value) bool {
	a, b = indirectInterface(a), indirectInterface(b)
	ka, kb := basicKind(a), basicKind(b)
	switch {
	case ka == otherKind || kb == otherKind || ka == boolKind || kb == boolKind:
		stop()
	case ka == intKind && kb == uintKind:
		return a.Int() < 0 || uint64(a.Int()) < b.Uint()
	case ka == uintKind && kb == intKind:
		return b.Int() >= 0 && a.Uint() < uint64(b.Int())
	case ka != kb:
		stop()
	}
	switch ka {
	case intKind:
		return a.Int() < b.Int()
	case uintKind:
		return a.Uint() < b.Uint()
	case floatKind:
		return a.Float() < b.Float()
	}
	return a.String() < b.String()
}
