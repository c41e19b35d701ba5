package markdown

import (
	"bytes"
	"fmt"
)

// Limits on what one page may hold, so that no page can keep the Markdown
// parser busy for minutes: goldmark's lists, block quotes, links and
// footnotes take time that grows with the square of their nesting or
// number. Real pages stay far below them; a page over one is an error
// naming the line, and its body is not parsed.
const (
	// MaxNesting is how many lists and quotes may open on one line.
	MaxNesting = 100
	// MaxBrackets is how many [ a page may hold (links, images, task
	// boxes, footnote references).
	MaxBrackets = 50_000
	// MaxFootnotes is how many footnotes a page may define.
	MaxFootnotes = 2_000
)

// tooComplex finds the first limit a body goes over: the byte offset of the
// line, and what to say.
func tooComplex(body []byte) (int, string, bool) {
	brackets, footnotes := 0, 0
	for off := 0; off < len(body); {
		end := bytes.IndexByte(body[off:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += off
		}
		line := body[off:end]
		if n := nesting(line); n > MaxNesting {
			return off, fmt.Sprintf("this line opens %d lists or quotes inside each other; the limit is %d", n, MaxNesting), true
		}
		brackets += bytes.Count(line, []byte("["))
		if brackets > MaxBrackets {
			return off, fmt.Sprintf("the page holds more than %d [ brackets (links, images, boxes); this is where it goes over", MaxBrackets), true
		}
		if bytes.HasPrefix(bytes.TrimLeft(line, " "), []byte("[^")) && bytes.Contains(line, []byte("]:")) {
			footnotes++
			if footnotes > MaxFootnotes {
				return off, fmt.Sprintf("the page defines more than %d footnotes; this is where it goes over", MaxFootnotes), true
			}
		}
		off = end + 1
	}
	return 0, "", false
}

// nesting counts the list markers and quote marks that open a line.
func nesting(line []byte) int {
	n, i := 0, 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			break
		}
		switch c := line[i]; {
		case c == '>':
			n++
			i++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			n++
			i += 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j < len(line)-1 && (line[j] == '.' || line[j] == ')') && (line[j+1] == ' ' || line[j+1] == '\t') {
				n++
				i = j + 2
				continue
			}
			return n
		default:
			return n
		}
	}
	return n
}
