package meta

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// plainYAML reads the frontmatter that almost every page has, one
// `key: value` a line, into the nodes yaml.v3 would make, several times
// faster. Values are plain or quoted words, flow lists on one line
// (`[a, b]`), or block lists of such words (`- a`). For anything else (a
// comment after a value, nesting, a value over several lines, a word YAML
// reads as something other than text or a whole number, an unusual
// character) it says no and yaml.v3 reads the block, so
// yaml.v3 stays the one judge of what YAML means and of what is wrong.
// FuzzPlainYAML holds the two to the same nodes.
func plainYAML(block []byte) (*yaml.Node, bool) {
	if !plainBytes(block) {
		return nil, false
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	var list *yaml.Node // the block list being read, if any
	listCol := 0        // the column of its dashes
	for lineNo, rest := 1, block; len(rest) > 0; lineNo++ {
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		text := bytes.TrimLeft(line, " ")
		indent := len(line) - len(text)
		if len(bytes.TrimRight(text, " ")) == 0 || text[0] == '#' {
			continue // blank, or a comment of its own
		}
		if text[0] == '-' && len(text) > 1 && text[1] == ' ' {
			// An item of the list that the last key opened.
			if list == nil || (len(list.Content) > 0 && indent+1 != listCol) {
				return nil, false
			}
			if len(list.Content) == 0 {
				list.Line, list.Column, listCol = lineNo, indent+1, indent+1
			}
			word := bytes.TrimLeft(text[2:], " ")
			col := len(line) - len(word) + 1
			item, ok := plainScalar(bytes.TrimRight(word, " "), lineNo, col, false)
			if !ok {
				return nil, false
			}
			list.Content = append(list.Content, item)
			continue
		}
		if list != nil && len(list.Content) == 0 {
			return nil, false // a key without a value
		}
		list = nil
		if indent > 0 {
			return nil, false // a value over several lines, or nesting
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !plainKey(line[:colon]) || (colon+1 < len(line) && line[colon+1] != ' ') {
			return nil, false
		}
		key := string(line[:colon])
		if reserved(key) {
			return nil, false
		}
		if len(root.Content) == 0 {
			root.Line, root.Column = lineNo, 1
		}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: lineNo, Column: 1})
		value := bytes.TrimLeft(line[colon+1:], " ")
		col := len(line) - len(value) + 1
		value = bytes.TrimRight(value, " ")
		switch {
		case len(value) == 0:
			list = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			root.Content = append(root.Content, list)
		case value[0] == '[':
			seq, ok := flowList(value, lineNo, col)
			if !ok {
				return nil, false
			}
			root.Content = append(root.Content, seq)
		default:
			n, ok := plainScalar(value, lineNo, col, false)
			if !ok {
				return nil, false
			}
			root.Content = append(root.Content, n)
		}
	}
	if len(root.Content) == 0 || (list != nil && len(list.Content) == 0) {
		return nil, false
	}
	return root, true
}

// plainBytes reports whether block holds only what plainYAML reads: UTF-8
// with no tab, no carriage return or other control character, none of the
// characters YAML counts as line breaks (U+0085, U+2028, U+2029), no byte
// order mark and no non-character.
func plainBytes(block []byte) bool {
	if !utf8.Valid(block) {
		return false
	}
	for i := 0; i < len(block); i++ {
		c := block[i]
		switch {
		case c == '\n' || (c >= 0x20 && c < 0x7F):
		case c < 0x20 || c == 0x7F:
			return false
		case c == 0xC2 && i+1 < len(block) && block[i+1] < 0xA0: // C1 controls, U+0085
			return false
		case c == 0xE2 && i+2 < len(block) && block[i+1] == 0x80 && (block[i+2] == 0xA8 || block[i+2] == 0xA9):
			return false
		case c == 0xEF && i+2 < len(block) && block[i+1] == 0xBB && block[i+2] == 0xBF: // U+FEFF
			return false
		case c == 0xEF && i+2 < len(block) && block[i+1] == 0xBF && block[i+2] >= 0xBE: // U+FFFE, U+FFFF
			return false
		}
	}
	return true
}

// plainKey reports a key of letters, digits, _ and -, starting with a
// letter or _, and short (YAML refuses a key over 1,024 characters).
func plainKey(k []byte) bool {
	if len(k) > 128 {
		return false
	}
	for i, c := range k {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return len(k) > 0
}

// flowList reads `[a, b, c]` that ends its line (col is the column of `[`).
func flowList(value []byte, line, col int) (*yaml.Node, bool) {
	if value[len(value)-1] != ']' {
		return nil, false
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: line, Column: col}
	inner := value[1 : len(value)-1]
	if len(bytes.TrimLeft(inner, " ")) == 0 {
		return seq, true
	}
	at := col + 1 // the column of inner's first character
	for {
		end := bytes.IndexByte(inner, ',')
		last := end < 0
		if last {
			end = len(inner)
		}
		word := bytes.TrimLeft(inner[:end], " ")
		wcol := at + end - len(word)
		word = bytes.TrimRight(word, " ")
		item, ok := plainScalar(word, line, wcol, true)
		if !ok {
			return nil, false
		}
		seq.Content = append(seq.Content, item)
		if last {
			return seq, true
		}
		// Columns count characters, as yaml.v3's do.
		inner, at = inner[end+1:], at+utf8.RuneCount(inner[:end])+1
	}
}

// plainScalar makes the node for one value: a plain word YAML reads as
// text or as a whole number, or a quoted one without escapes. inFlow is
// for an item of a flow list, where more characters are YAML's own.
func plainScalar(word []byte, line, col int, inFlow bool) (*yaml.Node, bool) {
	if len(word) == 0 {
		return nil, false
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Line: line, Column: col}
	switch c := word[0]; c {
	case '"', '\'':
		if len(word) < 2 || word[len(word)-1] != c {
			return nil, false
		}
		inner := word[1 : len(word)-1]
		if bytes.IndexByte(inner, c) >= 0 || bytes.IndexByte(inner, '\\') >= 0 ||
			(inFlow && bytes.ContainsAny(inner, ",[]{}")) {
			return nil, false
		}
		n.Style = yaml.DoubleQuotedStyle
		if c == '\'' {
			n.Style = yaml.SingleQuotedStyle
		}
		n.Value = string(inner)
		return n, true
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '+', '.', '~', '<', '=':
		return nil, false
	}
	// YAML's own in a plain word: `: ` and ` #`, a `:` at its end, and
	// in a flow list its brackets, commas, `?` (which ends a word there),
	// `:` and `#`.
	if bytes.Contains(word, []byte(": ")) || bytes.Contains(word, []byte(" #")) || word[len(word)-1] == ':' ||
		(inFlow && bytes.ContainsAny(word, ",[]{}:#?")) {
		return nil, false
	}
	n.Value = string(word)
	switch c := word[0]; {
	case c >= '0' && c <= '9':
		switch plainNumber(n.Value) {
		case wholeNumber:
			n.Tag = "!!int"
		case notText:
			return nil, false
		}
	case reserved(n.Value):
		return nil, false
	}
	return n, true
}

// reserved reports the words that YAML, or YAML 1.1, reads as true, false
// or nothing.
func reserved(word string) bool {
	switch c := word[0]; c {
	case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O':
		switch strings.ToLower(word) {
		case "true", "false", "null", "yes", "no", "on", "off", "y", "n":
			return true
		}
	}
	return false
}

const (
	plainText = iota
	wholeNumber
	notText // or not surely text
)

// plainNumber sorts a plain word that starts with a digit: a whole number
// in decimal (YAML's !!int), a duration ("90m", "1h30m") or a range of two
// numbers ("6-10"), which YAML reads as text, or anything else.
func plainNumber(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	switch {
	case s[0] == '0' && len(s) > 1:
		return notText // octal, hex, binary, or a time like 09:30
	case i == len(s):
		if i > 18 {
			return notText // too large for an int
		}
		return wholeNumber
	case s[i] == '-' && i != 4: // not the year of a date
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j > i+1 && j == len(s) {
			return plainText
		}
	case s[i] != 'e' && s[i] != 'E' && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z'):
		// "90m", "1h30m": no number of YAML's has a letter there but
		// an exponent's e.
		for j := i; j < len(s); j++ {
			if c := s[j]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return notText
			}
		}
		return plainText
	}
	return notText
}
