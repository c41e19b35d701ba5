package markdown

import (
	"regexp"
	"strings"

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

var attrBlock = regexp.MustCompile(`\s*\{([^{}]*)\}\s*$`)
var attrToken = regexp.MustCompile(`^(?:#([\p{L}\p{N}_:.-]+)|\.([\p{L}\p{N}_-]+)|([A-Za-z_][\w:.-]*)=(?:"([^"]*)"|'([^']*)'|([^\s"'=]+)))$`)

// trailingAttributes reads an attribute block at the end of a heading line.
// It returns the attributes and where the heading text ends, or false when
// the line has no well-formed block (then the braces are just text).
func trailingAttributes(line []byte) ([]ast.Attribute, int, bool) {
	loc := attrBlock.FindSubmatchIndex(line)
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
		m := attrToken.FindStringSubmatch(tok)
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
