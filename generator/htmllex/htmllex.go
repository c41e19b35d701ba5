// Package htmllex reads HTML token by token, giving the tokens that the
// lexer of github.com/tdewolff/parse/v2/html gives, for the passes that
// read the HTML of haven's own Markdown again (the search index, the print
// pages). HTML in the plain form that goldmark writes (lower-case names,
// double-quoted attributes with one space before each, no comments, no
// raw-text elements, no NUL bytes) it reads itself, several times faster than that
// lexer and without copying or changing it; anything else goes to that
// lexer, on a copy.
package htmllex

import (
	"bytes"
	"io"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/html"
)

// Lexer reads one document at a time (see Reset). Its zero value reads an
// empty one. The bytes it gives are the document's own, or its copy's:
// they must not be changed.
type Lexer struct {
	doc  []byte
	toks []token
	at   int // the next token
	// slow reads a document that is not plain, from copy.
	slow *html.Lexer
	copy []byte

	text, val []byte
}

// token is a token of a plain document, as offsets into it: its bytes
// [start, end), its text (a name) [ts, te), and an attribute's value
// [vs, ve), quotes included, if it has one.
type token struct {
	tt                 html.TokenType
	start, end, ts, te int32
	vs, ve             int32
	hasVal             bool
}

// Reset starts reading doc.
func (l *Lexer) Reset(doc []byte) {
	if l.ResetPlain(doc) {
		return
	}
	// The lexer writes into what it reads (names in lower case, a NUL
	// after the end): it reads a copy.
	if cap(l.copy) < len(doc)+1 {
		l.copy = make([]byte, 0, len(doc)+1)
	}
	l.copy = append(l.copy[:0], doc...)
	l.slow = html.NewLexer(parse.NewInputBytes(l.copy))
}

// ResetPlain starts reading doc, and reports whether it is plain; a
// document that is not is not read at all (Next gives html.ErrorToken),
// for a caller with no use for the other lexer.
func (l *Lexer) ResetPlain(doc []byte) bool {
	l.doc, l.at, l.slow = doc, 0, nil
	l.text, l.val = nil, nil
	var ok bool
	if l.toks, ok = lexPlain(doc, l.toks[:0]); !ok {
		l.toks = l.toks[:0]
	}
	return ok
}

// Forget lets go of the document read last (a Lexer kept for reuse would
// otherwise hold it), keeping its buffers.
func (l *Lexer) Forget() {
	l.doc, l.slow, l.text, l.val = nil, nil, nil, nil
	l.toks = l.toks[:0]
	l.copy = l.copy[:0]
}

// Plain reports whether the document being read is read without the
// other lexer.
func (l *Lexer) Plain() bool { return l.slow == nil }

// Next returns the next token and its bytes, as html.Lexer.Next does:
// html.ErrorToken at the end.
func (l *Lexer) Next() (html.TokenType, []byte) {
	if l.slow != nil {
		return l.slow.Next()
	}
	if l.at >= len(l.toks) {
		l.text, l.val = nil, nil
		return html.ErrorToken, nil
	}
	t := l.toks[l.at]
	l.at++
	l.text, l.val = nil, nil
	if t.tt != html.StartTagCloseToken && t.tt != html.StartTagVoidToken {
		l.text = l.doc[t.ts:t.te:t.te]
	}
	if t.hasVal {
		l.val = l.doc[t.vs:t.ve:t.ve]
	}
	return t.tt, l.doc[t.start:t.end:t.end]
}

// Text returns the name of a tag or attribute, or a text token's bytes,
// as html.Lexer.Text does.
func (l *Lexer) Text() []byte {
	if l.slow != nil {
		return l.slow.Text()
	}
	return l.text
}

// AttrVal returns an attribute's value as written, quotes included, or
// nil for an attribute without one.
func (l *Lexer) AttrVal() []byte {
	if l.slow != nil {
		return l.slow.AttrVal()
	}
	return l.val
}

// Err returns, once Next has given html.ErrorToken, io.EOF for a
// document read to its end, or what the other lexer met.
func (l *Lexer) Err() error {
	if l.slow != nil {
		return l.slow.Err()
	}
	return io.EOF
}

// rawTag reports whether html.Lexer reads the content of the element
// named as one text (or as one token of markup): never in a plain
// document.
func rawTag(name []byte) bool {
	switch string(name) {
	case "textarea", "title", "style", "xmp", "iframe", "script", "plaintext", "svg", "math", "xml":
		return true
	}
	return false
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

func isNameByte(c byte) bool { return isLower(c) || '0' <= c && c <= '9' || c == '-' }

// lexPlain reads doc into toks if it is plain, and reports whether it is.
func lexPlain(doc []byte, toks []token) ([]token, bool) {
	if len(doc) >= 1<<31-1 {
		return toks, false
	}
	n := len(doc)
	i := 0
	for i < n {
		c := doc[i]
		if c != '<' {
			// Text, to the next tag.
			j := n
			if k := bytes.IndexByte(doc[i:], '<'); k >= 0 {
				j = i + k
			}
			if bytes.IndexByte(doc[i:j], 0) >= 0 {
				return toks, false
			}
			toks = append(toks, token{tt: html.TextToken, start: int32(i), end: int32(j), ts: int32(i), te: int32(j)})
			i = j
			continue
		}
		if i+1 < n && doc[i+1] == '/' {
			// An end tag: </name>.
			j := i + 2
			if j >= n || !isLower(doc[j]) {
				return toks, false
			}
			for j < n && isNameByte(doc[j]) {
				j++
			}
			if j >= n || doc[j] != '>' {
				return toks, false
			}
			toks = append(toks, token{tt: html.EndTagToken, start: int32(i), end: int32(j + 1), ts: int32(i + 2), te: int32(j)})
			i = j + 1
			continue
		}
		// A start tag: <name, then its attributes, then > or />.
		j := i + 1
		if j >= n || !isLower(doc[j]) {
			return toks, false
		}
		for j < n && isNameByte(doc[j]) {
			j++
		}
		if j >= n || rawTag(doc[i+1:j]) {
			return toks, false
		}
		toks = append(toks, token{tt: html.StartTagToken, start: int32(i), end: int32(j), ts: int32(i + 1), te: int32(j)})
		for {
			if j >= n {
				return toks, false
			}
			switch c := doc[j]; {
			case c == '>':
				toks = append(toks, token{tt: html.StartTagCloseToken, start: int32(j), end: int32(j + 1)})
				i = j + 1
			case c == '/' && j+1 < n && doc[j+1] == '>':
				toks = append(toks, token{tt: html.StartTagVoidToken, start: int32(j), end: int32(j + 2)})
				i = j + 2
			case c == ' ' && j+2 < n && doc[j+1] == '/' && doc[j+2] == '>':
				// The space is no token's.
				toks = append(toks, token{tt: html.StartTagVoidToken, start: int32(j + 1), end: int32(j + 3)})
				i = j + 3
			case c == ' ' && j+1 < n && isLower(doc[j+1]):
				// An attribute: name, or name="value".
				k := j + 1
				for k < n && isNameByte(doc[k]) {
					k++
				}
				t := token{tt: html.AttributeToken, start: int32(j), ts: int32(j + 1), te: int32(k)}
				if k < n && doc[k] == '=' {
					if k+1 >= n || doc[k+1] != '"' {
						return toks, false
					}
					v := k + 2
					for v < n && doc[v] != '"' {
						if doc[v] == 0 {
							return toks, false
						}
						v++
					}
					if v >= n {
						return toks, false
					}
					t.vs, t.ve, t.hasVal = int32(k+1), int32(v+1), true
					k = v + 1
				}
				if k >= n || doc[k] != ' ' && doc[k] != '>' && !(doc[k] == '/' && k+1 < n && doc[k+1] == '>') {
					return toks, false
				}
				t.end = int32(k)
				toks = append(toks, t)
				j = k
				continue
			default:
				return toks, false
			}
			break
		}
	}
	return toks, true
}
