package markdown

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
)

// The attribute block as regular expressions, the way haven first read it:
// the reference trailingAttributes must agree with.
var (
	refBlock = regexp.MustCompile(`\s*\{([^{}]*)\}\s*$`)
	refToken = regexp.MustCompile(`^(?:#([\p{L}\p{N}_:.-]+)|\.([\p{L}\p{N}_-]+)|([A-Za-z_][\w:.-]*)=(?:"([^"]*)"|'([^']*)'|([^\s"'=]+)))$`)
)

func refAttributes(line []byte) ([]ast.Attribute, int, bool) {
	loc := refBlock.FindSubmatchIndex(line)
	if loc == nil {
		return nil, 0, false
	}
	inner, ok := fields(string(line[loc[2]:loc[3]]))
	if !ok || len(inner) == 0 {
		return nil, 0, false
	}
	var attrs []ast.Attribute
	var classes []string
	for _, tok := range inner {
		m := refToken.FindStringSubmatch(tok)
		if m == nil {
			return nil, 0, false
		}
		switch {
		case m[1] != "":
			attrs = append(attrs, ast.Attribute{Name: []byte("id"), Value: []byte(m[1])})
		case m[2] != "":
			classes = append(classes, m[2])
		default:
			attrs = append(attrs, ast.Attribute{Name: []byte(m[3]), Value: []byte(m[4] + m[5] + m[6])})
		}
	}
	if len(classes) > 0 {
		attrs = append(attrs, ast.Attribute{Name: []byte("class"), Value: []byte(strings.Join(classes, " "))})
	}
	return attrs, loc[0], true
}

var attributeLines = []string{
	"Check-in {duration=10m}", "Welcome {#welcome .intro}", "Break {duration=\"15 min\"}", "A {x='y z'}",
	"Plain", "Braces {} here", "Two {a=1} {b=2}", "Open {a=1", "Close a=1}", "Nested {a={b}}", "{#only}",
	"Spaces \t {#id}  \t", "Bad {#}", "Bad {.}", "Bad {1a=2}", "Bad {a=\"x}", "Bad {a=}", "Bad {a==b}",
	"Ünïcode {#café .naïve}", "Id {#a:b.c-d_e}", "Class {.a:b}", "Quote {a=\"it's\"}", "Mixed {a='x\"y'}",
	"Trailing {a=1}\n", "Tab {a=1\tb=2}", "Eq {a=\"x=y\"}", "Under {_a.b:c-d=v}", "Bare {a=b\"c}", "",
	"}", "{", "x {#a #b .c .d e=f}", "Vertical {a=1}\v", "Formfeed\f{a=1}\f", "Bad \xff {#\xff}",
}

// TestTrailingAttributes: the hand-written reader of a heading's attribute
// block reads what the regular expressions read.
func TestTrailingAttributes(t *testing.T) {
	for _, line := range attributeLines {
		checkAttributes(t, line)
	}
}

func FuzzTrailingAttributes(f *testing.F) {
	for _, line := range attributeLines {
		f.Add(line)
	}
	f.Fuzz(checkAttributes)
}

func checkAttributes(t *testing.T, line string) {
	attrs, cut, ok := trailingAttributes([]byte(line))
	wattrs, wcut, wok := refAttributes([]byte(line))
	if ok != wok || cut != wcut || !reflect.DeepEqual(attrs, wattrs) {
		t.Errorf("%q: got %v %d %s, want %v %d %s", line, ok, cut, show(attrs), wok, wcut, show(wattrs))
	}
}

func show(attrs []ast.Attribute) string {
	var b strings.Builder
	for _, a := range attrs {
		b.WriteString(string(a.Name) + "=" + string(a.Value.([]byte)) + " ")
	}
	return b.String()
}

// BenchmarkTrailingAttributes reads the attribute blocks of typical
// headings by hand and, for comparison, with the regular expressions.
func BenchmarkTrailingAttributes(b *testing.B) {
	lines := [][]byte{[]byte("Check-in {duration=10m}"), []byte("Welcome and safety plan"), []byte("Closing round {duration=\"5 min\" .close}")}
	for name, read := range map[string]func([]byte) ([]ast.Attribute, int, bool){"hand": trailingAttributes, "regexp": refAttributes} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				for _, l := range lines {
					read(l)
				}
			}
		})
	}
}
