package markdown

import (
	"bytes"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// headingParser parses ATX headings like goldmark's own, and then reads a
// trailing attribute block: `## Check-in {duration=10m}`,
// `## Welcome {#welcome .intro}`. goldmark's attribute syntax needs quotes
// around values such as 10m; authors should not have to write them, so haven
// reads the block itself. Values may be bare words or "quoted".
type headingParser struct {
	parser.BlockParser
}

func newHeadingParser() parser.BlockParser {
	return &headingParser{parser.NewATXHeadingParser(parser.WithAutoHeadingID())}
}

// Open implements parser.BlockParser.
func (h *headingParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	n, st := h.BlockParser.Open(parent, reader, pc)
	hd, ok := n.(*ast.Heading)
	if !ok || hd.Lines().Len() == 0 {
		return n, st
	}
	seg := hd.Lines().At(0)
	line := seg.Value(reader.Source())
	attrs, cut, ok := trailingAttributes(line)
	if !ok {
		return n, st
	}
	for _, a := range attrs {
		hd.SetAttribute(a.Name, a.Value)
	}
	seg.Stop = seg.Start + cut
	seg = seg.TrimRightSpace(reader.Source())
	hd.Lines().Set(0, seg)
	return n, st
}

// trailingAttributes reads an attribute block at the end of a heading line:
// a { that is the line's last, and the } that closes it as the last
// character but white space. It returns the attributes and where the
// heading text ends (before the white space ahead of the block), or false
// when the line has no well-formed block (then the braces are just text).
func trailingAttributes(line []byte) ([]ast.Attribute, int, bool) {
	end := len(line)
	for end > 0 && isSpace(line[end-1]) {
		end--
	}
	if end == 0 || line[end-1] != '}' {
		return nil, 0, false
	}
	open := bytes.LastIndexByte(line[:end-1], '{')
	if open < 0 || bytes.IndexByte(line[open+1:end-1], '}') >= 0 {
		return nil, 0, false
	}
	cut := open
	for cut > 0 && isSpace(line[cut-1]) {
		cut--
	}
	inner, ok := fields(string(line[open+1 : end-1]))
	if !ok || len(inner) == 0 {
		return nil, 0, false
	}
	var attrs []ast.Attribute
	var classes []string
	for _, tok := range inner {
		switch {
		case tok[0] == '#' && len(tok) > 1 && !strings.ContainsFunc(tok[1:], notIDRune):
			attrs = append(attrs, ast.Attribute{Name: []byte("id"), Value: []byte(tok[1:])})
		case tok[0] == '.' && len(tok) > 1 && !strings.ContainsFunc(tok[1:], notClassRune):
			classes = append(classes, tok[1:])
		default:
			name, val, ok := keyValue(tok)
			if !ok {
				return nil, 0, false
			}
			attrs = append(attrs, ast.Attribute{Name: []byte(name), Value: []byte(val)})
		}
	}
	if len(classes) > 0 {
		attrs = append(attrs, ast.Attribute{Name: []byte("class"), Value: []byte(strings.Join(classes, " "))})
	}
	return attrs, cut, true
}

// keyValue reads name=value, the value "quoted", 'quoted' or bare (no
// white space, quotes or =); the name an ASCII letter or _ and then ASCII
// letters, digits and _:.-.
func keyValue(tok string) (name, val string, ok bool) {
	name, val, found := strings.Cut(tok, "=")
	if !found || name == "" || !(isASCIILetter(name[0]) || name[0] == '_') {
		return "", "", false
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; !isASCIILetter(c) && !isDigit(c) && !strings.ContainsRune("_:.-", rune(c)) {
			return "", "", false
		}
	}
	switch {
	case len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0]:
		inner := val[1 : len(val)-1]
		return name, inner, !strings.ContainsRune(inner, rune(val[0]))
	case val == "" || strings.ContainsAny(val, "\"'= \t\n\f\r"):
		return "", "", false
	}
	return name, val, true
}

func isSpace(c byte) bool       { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }
func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool       { return c >= '0' && c <= '9' }

// notIDRune and notClassRune are the characters an {#id} and a {.class}
// may not hold: they hold letters, digits, _ and - (and : and . in an id).
func notIDRune(r rune) bool { return notClassRune(r) && r != ':' && r != '.' }
func notClassRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '_' && r != '-'
}

// fields splits an attribute block at spaces outside quotes.
func fields(s string) ([]string, bool) {
	var out []string
	var cur strings.Builder
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			cur.WriteRune(r)
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
			cur.WriteRune(r)
		case r == ' ' || r == '\t':
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if quote != 0 {
		return nil, false
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out, true
}

// blockParsers are goldmark's defaults with haven's ATX heading parser.
func blockParsers() []util.PrioritizedValue {
	out := parser.DefaultBlockParsers()
	for i, p := range out {
		if p.Priority == 600 { // goldmark's ATX heading parser
			out[i] = util.Prioritized(newHeadingParser(), 600)
		}
		if p.Priority == 100 { // setext headings: ids, no attributes
			out[i] = util.Prioritized(parser.NewSetextHeadingParser(parser.WithAutoHeadingID()), 100)
		}
	}
	return out
}
