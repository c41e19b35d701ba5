package meta

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"

	"haven/generator/diag"
)

// field decodes one frontmatter key into the struct being filled.
type field[T any] struct {
	name   string
	decode func(d *decoder, n *yaml.Node, into *T)
}

// decoder turns frontmatter nodes into typed values, reporting problems
// with file lines.
type decoder struct {
	file  string
	base  int // file line of the block's first line
	diags *diag.List
	// failed records the keys whose values were reported as wrong, so
	// that later checks do not report them a second time.
	failed map[string]bool
}

func (d *decoder) pos(n *yaml.Node) diag.Position {
	return diag.Position{File: d.file, Line: d.base + n.Line - 1, Col: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, hint, format string, args ...any) {
	d.diags.Add(diag.Diagnostic{Pos: d.pos(n), Severity: diag.Error, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// parse reads a frontmatter block into a YAML mapping node. TOML is
// converted so that one decoder serves both formats.
func (d *decoder) parse(format Format, block []byte) (*yaml.Node, bool) {
	switch format {
	case TOML:
		return d.parseTOML(block)
	case YAML:
		return d.parseYAML(block)
	}
	return &yaml.Node{Kind: yaml.MappingNode, Line: 1, Column: 1}, true
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

func (d *decoder) parseYAML(block []byte) (*yaml.Node, bool) {
	if root, ok := plainYAML(block); ok {
		return root, true
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(block, &doc); err != nil {
		msg := err.Error()
		line := 1
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
			// yaml.v3 reports errors found while parsing a flow or block
			// (a list left open, say) at the line before the one that
			// opened it: its context mark is 0-based.
			if strings.HasPrefix(msg, "did not find expected") {
				line++
			}
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		d.diags.Add(diag.Diagnostic{Pos: diag.Position{File: d.file, Line: d.base + line - 1, Col: 1},
			Severity: diag.Error, Message: "frontmatter is not valid YAML: " + msg,
			Hint: "check the indentation and quote text that contains a colon"})
		return nil, false
	}
	if doc.Kind == 0 { // empty block
		return &yaml.Node{Kind: yaml.MappingNode, Line: 1, Column: 1}, true
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "write one `key: value` per line", "frontmatter must be a list of keys and values")
		return nil, false
	}
	return root, true
}

func (d *decoder) parseTOML(block []byte) (*yaml.Node, bool) {
	var m map[string]any
	md, err := toml.Decode(string(block), &m)
	if err != nil {
		line := 1
		msg := err.Error()
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line, msg = max(pe.Position.Line, 1), pe.Message
		}
		d.diags.Add(diag.Diagnostic{Pos: diag.Position{File: d.file, Line: d.base + line - 1, Col: 1},
			Severity: diag.Error, Message: "frontmatter is not valid TOML: " + msg})
		return nil, false
	}
	lines := bytes.Split(block, []byte("\n"))
	root := &yaml.Node{Kind: yaml.MappingNode, Line: 1, Column: 1}
	// Keep the author's key order, so diagnostics read top to bottom.
	for _, k := range md.Keys() {
		if len(k) != 1 {
			continue
		}
		line := tomlKeyLine(lines, k[0])
		root.Content = append(root.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k[0], Line: line, Column: 1},
			tomlNode(m[k[0]], line))
	}
	return root, true
}

// tomlKeyLine finds the line on which a top-level key is defined, as a key
// or as a table header. TOML's decoder does not expose key positions.
func tomlKeyLine(lines [][]byte, key string) int {
	for i, l := range lines {
		l = bytes.TrimSpace(l)
		for _, form := range []string{key, `"` + key + `"`, `'` + key + `'`} {
			if rest, ok := bytes.CutPrefix(l, []byte(form)); ok {
				if r := bytes.TrimSpace(rest); len(r) > 0 && r[0] == '=' {
					return i + 1
				}
			}
			if bytes.Equal(l, []byte("["+form+"]")) {
				return i + 1
			}
		}
	}
	return 1
}

func tomlNode(v any, line int) *yaml.Node {
	n := &yaml.Node{Line: line, Column: 1}
	switch v := v.(type) {
	case map[string]any:
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: line, Column: 1}, tomlNode(v[k], line))
		}
	case []any:
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		for _, x := range v {
			n.Content = append(n.Content, tomlNode(x, line))
		}
	case []map[string]any:
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		for _, x := range v {
			n.Content = append(n.Content, tomlNode(x, line))
		}
	case string:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!str", v
	case int64:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!int", strconv.FormatInt(v, 10)
	case float64:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!float", strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", strconv.FormatBool(v)
	default: // dates and times
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!str", fmt.Sprint(v)
	}
	return n
}

// decodeMapping walks a mapping node and hands each key to its field,
// reporting unknown and duplicate keys. It returns where each key was written.
func decodeMapping[T any](d *decoder, root *yaml.Node, fields []field[T], into *T) map[string]diag.Position {
	known := make([]string, len(fields))
	for i, f := range fields {
		known[i] = f.name
	}
	seen := map[string]diag.Position{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			d.errorf(k, "", "frontmatter keys must be plain words")
			continue
		}
		name := k.Value
		if prev, dup := seen[name]; dup {
			d.errorf(k, "keep one of them", "%q is set twice (first on line %d)", name, prev.Line)
			continue
		}
		seen[name] = d.pos(k)
		i := slices.IndexFunc(fields, func(f field[T]) bool { return f.name == name })
		if i < 0 {
			hint := "put your own data under `params:`"
			if s := Suggest(name, known); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			d.errorf(k, hint, "unknown key %q", name)
			continue
		}
		before := d.diags.Len()
		if v.Kind == yaml.AliasNode || v.Anchor != "" {
			d.errorf(v, "write the value out in full", "YAML anchors and aliases (& and *) are not supported")
		} else {
			fields[i].decode(d, v, into)
		}
		if d.diags.Len() > before {
			if d.failed == nil {
				d.failed = map[string]bool{}
			}
			d.failed[name] = true
		}
	}
	return seen
}

// isNull reports whether a node is an empty value (`key:` with nothing after).
func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// text decodes a single line of text. Numbers and booleans are kept as
// written (`title: no` is the text "no").
func text(d *decoder, n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, fmt.Sprintf("write it on one line after the colon, e.g. %s: Some words", what), "%s must be text, not %s", what, describe(n))
		return "", false
	}
	if isNull(n) {
		return "", true
	}
	return strings.TrimSpace(n.Value), true
}

// integer decodes a whole number; quoted numbers are text and refused.
func integer(d *decoder, n *yaml.Node, what string) (int, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		hint := ""
		if n.Tag == "!!str" {
			if _, err := strconv.Atoi(strings.TrimSpace(n.Value)); err == nil {
				hint = "remove the quotes"
			}
		}
		d.errorf(n, hint, "%s must be a whole number, not %s", what, describe(n))
		return 0, false
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		d.errorf(n, fmt.Sprintf("write digits only, e.g. %s: 3", what), "%s must be a whole number, not %s", what, describe(n))
		return 0, false
	}
	return v, true
}

// textList decodes a list of lines of text.
func textList(d *decoder, n *yaml.Node, what string) ([]string, bool) {
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		hint := ""
		if n.Kind == yaml.ScalarNode {
			hint = fmt.Sprintf("write a list, e.g. %s: [%s]", what, n.Value)
		}
		d.errorf(n, hint, "%s must be a list, not %s", what, describe(n))
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	ok := true
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode || isNull(item) {
			d.errorf(item, "", "each item of %s must be text, not %s", what, describe(item))
			ok = false
			continue
		}
		out = append(out, strings.TrimSpace(item.Value))
	}
	return out, ok
}

// describe names what a node holds, for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a set of keys"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!null":
		return "empty"
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return "the value " + n.Value
	}
	return strconv.Quote(n.Value)
}

// anyValue decodes free-form author data (params) into plain Go values.
func anyValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = anyValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			s = append(s, anyValue(c))
		}
		return s
	}
	switch n.Tag {
	case "!!null":
		return nil
	case "!!int":
		if v, err := strconv.Atoi(n.Value); err == nil {
			return v
		}
	case "!!float":
		if v, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return v
		}
	case "!!bool":
		return n.Value == "true"
	}
	return n.Value
}

// noDuplicates reports every key set twice in a mapping and the mappings
// inside it, and whether there were none (yaml.v3 does not check a Node).
func (d *decoder) noDuplicates(n *yaml.Node) bool {
	ok := true
	if n.Kind == yaml.MappingNode {
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if first, dup := seen[k.Value]; dup {
				d.errorf(k, "keep one of them", "%q is set twice (first on line %d)", k.Value, d.base+first-1)
				ok = false
				continue
			}
			seen[k.Value] = k.Line
		}
	}
	for _, c := range n.Content {
		if !d.noDuplicates(c) {
			ok = false
		}
	}
	return ok
}

// hasAlias reports whether a node tree uses YAML aliases anywhere.
func hasAlias(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return true
	}
	return slices.ContainsFunc(n.Content, hasAlias)
}

// Suggest returns the known word closest to word, or "" when none is close
// enough to be a likely typo.
func Suggest(word string, known []string) string {
	best, bestDist := "", 0
	w := strings.ToLower(word)
	for _, k := range known {
		dist := editDistance(w, k)
		if dist <= max(1, min(len(k), len(w))/3) && (best == "" || dist < bestDist) {
			best, bestDist = k, dist
		}
	}
	return best
}

// editDistance is the Damerau-Levenshtein distance (with adjacent swaps),
// small enough for key names.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
