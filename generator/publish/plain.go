package publish

import (
	"bytes"

	mhtml "github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/parse/v2"
	phtml "github.com/tdewolff/parse/v2/html"

	"haven/generator/htmllex"
)

// A page's Markdown is most of what a build minifies, and its HTML is of a
// plain form (see htmllex) made of a few elements and attributes. Such
// HTML is minified here, in one pass over its tokens, into the bytes the
// HTML minifier gives (with the options NewMinifier sets), without its
// general machinery; HTML of any other form is left to it. FuzzPlainMinify
// holds the two to the same bytes.

// element is what the HTML minifier knows of an element, as far as plain
// HTML needs.
type element uint8

const (
	elBlock    element = 1 << iota // white space beside it goes
	elObject                       // white space after it stays
	elPhrasing                     // a space between it and its end tag stays
)

// elements are the elements plain HTML may hold; any other leaves the
// page to the HTML minifier.
var elements = map[string]element{
	"p": elBlock, "h1": elBlock, "h2": elBlock, "h3": elBlock, "h4": elBlock, "h5": elBlock, "h6": elBlock,
	"ul": elBlock, "ol": elBlock, "li": elBlock, "dl": elBlock, "dt": elBlock, "dd": elBlock,
	"blockquote": elBlock, "pre": elBlock, "hr": elBlock, "br": elBlock, "div": elBlock, "section": elBlock,
	"table": elBlock, "thead": elBlock, "tbody": elBlock, "tfoot": elBlock, "tr": elBlock, "th": elBlock, "td": elBlock, "caption": elBlock,
	"header": elBlock, "footer": elBlock, "nav": elBlock, "article": elBlock, "aside": elBlock, "main": elBlock,
	"figure": elBlock, "figcaption": elBlock, "details": elBlock, "summary": elBlock,
	"em": elPhrasing, "strong": elPhrasing, "code": elPhrasing, "span": elPhrasing, "sup": elPhrasing, "sub": elPhrasing,
	"kbd": elPhrasing, "mark": elPhrasing, "small": elPhrasing, "abbr": elPhrasing, "cite": elPhrasing,
	"i": elPhrasing, "b": elPhrasing, "u": elPhrasing, "s": elPhrasing,
	"a": 0, "del": 0, "ins": 0, "label": 0,
	"img": elObject, "input": elObject, "button": elObject, "q": elObject,
}

// attribute is what the HTML minifier does with an attribute's value.
type attribute uint8

const (
	attrTrim      attribute = 1 << iota // white space folded and trimmed
	attrURL                             // white space trimmed, the scheme in lower case
	attrBoolean                         // written without its value
	attrDropEmpty                       // left out when empty
	// attrDropOne: left out when "one", the minifier's own rule (meant,
	// it seems, for "1", which it keeps).
	attrDropOne
)

// attributes are the attributes plain HTML may hold, besides aria-* and
// data-* ones (neither trimmed nor dropped); any other leaves the page to
// the HTML minifier.
var attributes = map[string]attribute{
	"id": attrDropEmpty, "class": attrTrim | attrDropEmpty, "name": attrDropEmpty, "dir": attrTrim | attrDropEmpty,
	"href": attrURL, "src": attrURL, "cite": attrURL,
	"alt": 0, "title": 0, "role": 0, "align": 0, "valign": 0, "headers": attrTrim,
	"tabindex": attrTrim, "start": attrTrim, "type": attrTrim, "for": attrTrim, "lang": attrTrim, "scope": attrTrim, "rel": attrTrim, "target": attrTrim,
	"width": attrTrim, "height": attrTrim, "datetime": attrTrim, "hidden": attrTrim,
	"colspan": attrTrim | attrDropOne, "rowspan": attrTrim | attrDropOne,
	"checked": attrBoolean, "disabled": attrBoolean, "reversed": attrBoolean, "open": attrBoolean,
}

func attributeOf(name []byte) (attribute, bool) {
	if a, ok := attributes[string(name)]; ok {
		return a, true
	}
	return 0, bytes.HasPrefix(name, []byte("aria-")) || bytes.HasPrefix(name, []byte("data-"))
}

// plainToken is a token of plain HTML.
type plainToken struct {
	tt         phtml.TokenType
	data, name []byte // name: of an element or attribute
	val        []byte // an attribute's value, quotes included, or nil
	el         element
}

// plainMinifier holds one minifying's buffers, for the next.
type plainMinifier struct {
	lex     htmllex.Lexer
	toks    []plainToken
	scratch []byte
	quoted  []byte
}

// minify returns doc minified, and true; or false when doc is not plain
// HTML of the elements and attributes above.
func (pm *plainMinifier) minify(doc []byte) ([]byte, bool) {
	defer pm.lex.Forget()
	if !pm.lex.ResetPlain(doc) {
		return nil, false
	}
	toks := pm.toks[:0]
	defer func() {
		clear(toks) // no hold on doc
		pm.toks = toks[:0]
	}()
	for {
		tt, data := pm.lex.Next()
		if tt == phtml.ErrorToken {
			break
		}
		t := plainToken{tt: tt, data: data}
		switch tt {
		case phtml.StartTagToken, phtml.EndTagToken:
			el, ok := elements[string(pm.lex.Text())]
			if !ok {
				return nil, false
			}
			t.name, t.el = pm.lex.Text(), el
		case phtml.AttributeToken:
			t.name, t.val = pm.lex.Text(), pm.lex.AttrVal()
		}
		toks = append(toks, t)
	}
	out := make([]byte, 0, len(doc))
	omitSpace := true // the next text's leading white space goes
	inPre := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.tt {
		case phtml.TextToken:
			if inPre {
				out = append(out, t.data...)
				continue
			}
			d := t.data
			if !foldless(d) {
				pm.scratch = append(pm.scratch[:0], d...)
				d = parse.ReplaceMultipleWhitespaceAndEntities(pm.scratch, mhtml.EntitiesMap, mhtml.TextRevEntitiesMap)
			}
			if omitSpace && len(d) > 0 && parse.IsWhitespace(d[0]) {
				d = d[1:]
			}
			omitSpace = len(d) == 0
			if len(d) > 0 && parse.IsWhitespace(d[len(d)-1]) {
				d, omitSpace = trimBeforeBlock(d, toks[i+1:])
			}
			out = append(out, d...)
		case phtml.StartTagToken, phtml.EndTagToken:
			if bytes.Equal(t.name, []byte("pre")) {
				inPre = t.tt == phtml.StartTagToken
			}
			switch {
			case t.el&elObject != 0:
				omitSpace = false
			case t.el&elBlock != 0:
				omitSpace = true
			}
			out = append(out, t.data...)
			if t.tt == phtml.EndTagToken {
				continue
			}
			// A start tag's attributes, to the token that closes it.
			var name []byte // a's name=, which the minifier may drop
			hasID := false
			for i+1 < len(toks) && toks[i+1].tt == phtml.AttributeToken {
				i++
				a := toks[i]
				kind, ok := attributeOf(a.name)
				if !ok {
					return nil, false
				}
				if string(a.name) == "name" {
					name = a.val
				}
				hasID = hasID || string(a.name) == "id"
				if out, ok = pm.writeAttribute(out, t.name, a, kind); !ok {
					return nil, false
				}
			}
			if name != nil && hasID && string(t.name) == "a" {
				return nil, false // the minifier drops a name equal to the id
			}
			if i+1 < len(toks) && (toks[i+1].tt == phtml.StartTagCloseToken || toks[i+1].tt == phtml.StartTagVoidToken) {
				i++
			}
			out = append(out, '>')
			// A space between a phrasing element and its end tag stays.
			if t.el == elPhrasing && i+1 < len(toks) && toks[i+1].tt == phtml.EndTagToken && bytes.Equal(toks[i+1].name, t.name) {
				omitSpace = false
			}
		default:
			return nil, false
		}
	}
	return out, true
}

// foldless reports whether text is as parse.ReplaceMultipleWhitespaceAndEntities
// leaves it: no entity, and no white space but single spaces and line
// breaks.
func foldless(text []byte) bool {
	// Without a branch a byte: a space or line break (1) after another
	// (1), or any of the others (3), leaves a mark in bad.
	var prev, bad byte
	for _, c := range text {
		k := foldClass[c]
		bad |= k & (prev | 2)
		prev = k
	}
	return bad == 0
}

// foldClass sorts bytes for foldless: 1 for a space or line break, 3 for
// what is always rewritten (an entity's &, other white space), 0 for the
// rest.
var foldClass = [256]byte{' ': 1, '\n': 1, '&': 3, '\t': 3, '\r': 3, '\f': 3}

// trimBeforeBlock drops the white space that ends text d when the tokens
// after it (next) reach a block element's tag, or the end, before any more
// text or an inline start tag; it gives d, and whether the next text's
// leading white space goes.
func trimBeforeBlock(d []byte, next []plainToken) ([]byte, bool) {
	for i := 0; ; i++ {
		if i > 100 { // the minifier looks no further
			return d, false
		}
		if i >= len(next) {
			return d[:len(d)-1], false
		}
		switch n := next[i]; n.tt {
		case phtml.TextToken:
			if !parse.IsAllWhitespace(n.data) {
				return d, true
			}
		case phtml.StartTagToken, phtml.EndTagToken:
			if n.el&elBlock != 0 {
				return d[:len(d)-1], false
			}
			if n.tt == phtml.StartTagToken {
				return d, true
			}
		}
	}
}

// writeAttribute appends attribute a of element el, minified, to out;
// false for a value this does not minify as the HTML minifier would.
func (pm *plainMinifier) writeAttribute(out, el []byte, a plainToken, kind attribute) ([]byte, bool) {
	var val []byte
	if a.val != nil { // double-quoted: plain HTML has no other values
		pm.scratch = append(pm.scratch[:0], a.val[1:len(a.val)-1]...)
		val = pm.scratch
	}
	if kind&attrTrim != 0 {
		val = parse.TrimWhitespace(parse.ReplaceMultipleWhitespaceAndEntities(val, mhtml.EntitiesMap, nil))
	} else {
		val = parse.ReplaceEntities(val, mhtml.EntitiesMap, nil)
	}
	switch {
	case kind&attrDropEmpty != 0 && len(val) == 0, kind&attrDropOne != 0 && string(val) == "one":
		return out, true
	case string(a.name) == "type" && (string(el) == "a" ||
		string(el) == "input" && parse.EqualFold(val, []byte("text")) ||
		string(el) == "button" && parse.EqualFold(val, []byte("submit"))):
		// The minifier drops a default type (its value folded and
		// trimmed, as val is), and writes a link's as a media type.
		return out, false
	case kind&attrURL != 0:
		val = parse.TrimWhitespace(val)
		if len(val) > 5 {
			switch {
			case parse.EqualFold(val[:4], []byte("http")) && val[4] == ':':
				parse.ToLower(val[:4])
			case parse.EqualFold(val[:4], []byte("http")) && (val[4] == 's' || val[4] == 'S') && val[5] == ':':
				parse.ToLower(val[:5])
			case parse.EqualFold(val[:5], []byte("data:")):
				return out, false // left to the minifier, which rewrites these
			}
		}
	}
	out = append(out, ' ')
	out = append(out, a.name...)
	if len(val) > 0 && kind&attrBoolean == 0 {
		out = append(out, '=')
		out = append(out, phtml.EscapeAttrVal(&pm.quoted, val, '"', true)...)
	}
	return out, true
}
