package tmpl

import (
	"bytes"
	"fmt"
	"html/template"
	"reflect"
	"strconv"
	"strings"
)

// The escapers html/template puts at the end of printing pipelines, for
// the contexts the layouts use: text, attribute values, RCDATA (<title>),
// and URLs. They follow html/template's escapers of the same names; a
// value they would treat in a way not written here (HTML put into an
// attribute, which html/template strips of its tags; a Stringer) is
// html/template's. A pipeline ends in one of the writers, after none or
// some of the URL steps.
var (
	writers = map[string]writer{
		"_html_template_htmlescaper":   htmlEscaper{},
		"_html_template_attrescaper":   attrEscaper{},
		"_html_template_rcdataescaper": rcdataEscaper{},
	}
	urlSteps = map[string]urlStep{
		"_html_template_urlfilter":     urlFilter{},
		"_html_template_urlnormalizer": urlProcessor{norm: true},
		"_html_template_urlescaper":    urlProcessor{},
	}
)

// writer is an escaper that ends a pipeline: it writes the escaped string.
type writer interface {
	write(w *bytes.Buffer, s string, ct contentType)
}

// urlStep is a URL escaper, which a writer follows: it gives the escaped
// string.
type urlStep interface {
	str(s string, ct contentType) string
}

// contentType is what html/template knows a string to be by its type.
type contentType int

const (
	plain contentType = iota
	contentHTML
	contentURL
	contentOther // CSS, HTMLAttr, JS, JSStr, Srcset: none of these escapers treats them apart
)

var (
	stringType      = reflect.TypeFor[string]()
	intType         = reflect.TypeFor[int]()
	htmlType        = reflect.TypeFor[template.HTML]()
	urlType         = reflect.TypeFor[template.URL]()
	stringerType    = reflect.TypeFor[fmt.Stringer]()
	errorType       = reflect.TypeFor[error]()
	formatterType   = reflect.TypeFor[fmt.Formatter]()
	reflectValue    = reflect.TypeFor[reflect.Value]()
	otherTypedTypes = []reflect.Type{reflect.TypeFor[template.CSS](), reflect.TypeFor[template.HTMLAttr](),
		reflect.TypeFor[template.JS](), reflect.TypeFor[template.JSStr](), reflect.TypeFor[template.Srcset]()}
)

// stringify is html/template's stringify of one value: the string an
// escaper works on, and its content type.
func stringify(v reflect.Value) (string, contentType) {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "", plain
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		// An untyped nil, which html/template skips.
		return "", plain
	}
	w := v
	for w.Kind() == reflect.Pointer && !w.IsNil() {
		w = w.Elem()
	}
	switch t := w.Type(); t {
	case stringType:
		return w.String(), plain
	case htmlType:
		return w.String(), contentHTML
	case urlType:
		return w.String(), contentURL
	default:
		for _, o := range otherTypedTypes {
			if t == o {
				return w.String(), contentOther
			}
		}
	}
	// Anything else is printed with fmt, after its String or Error
	// method if it (or a pointer on the way to it) has one: those, and
	// nil pointers, are html/template's.
	for x := v; ; x = x.Elem() {
		if x.Type().Implements(stringerType) || x.Type().Implements(errorType) {
			stop()
		}
		if x.Kind() != reflect.Pointer {
			break
		}
		if x.IsNil() {
			stop()
		}
	}
	// fmt lets a Formatter print itself.
	if w.Type().Implements(formatterType) {
		stop()
	}
	switch w.Kind() {
	case reflect.String:
		return w.String(), plain
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(w.Int(), 10), plain
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(w.Uint(), 10), plain
	case reflect.Bool:
		return strconv.FormatBool(w.Bool()), plain
	}
	stop()
	return "", plain
}

type htmlEscaper struct{}

func (htmlEscaper) write(w *bytes.Buffer, s string, ct contentType) {
	if ct == contentHTML {
		w.WriteString(s)
		return
	}
	replace(w, s, true)
}

type attrEscaper struct{}

func (e attrEscaper) write(w *bytes.Buffer, s string, ct contentType) {
	if ct == contentHTML {
		// html/template strips the tags first, parsing the HTML.
		stop()
	}
	replace(w, s, true)
}

type rcdataEscaper struct{}

func (rcdataEscaper) write(w *bytes.Buffer, s string, ct contentType) {
	replace(w, s, ct != contentHTML)
}

// replace writes s with the characters html/template escapes in text and
// quoted attributes replaced (& too when amp; not when the text is HTML
// already, whose entities stay). Every one is ASCII, so a byte scan finds
// them as html/template's rune scan does, and leaves bytes that are not
// UTF-8 as they are, as it does.
func replace(w *bytes.Buffer, s string, amp bool) {
	done := 0
	for i := 0; i < len(s); i++ {
		k := escapes[s[i]]
		if k == 0 || k == escAmp && !amp {
			continue
		}
		w.WriteString(s[done:i])
		w.WriteString(escapeText[k])
		done = i + 1
	}
	w.WriteString(s[done:])
}

// escapes gives each byte that replace escapes its escape's number in
// escapeText; 0 for the others.
var escapes = [256]uint8{0: 1, '"': 2, '&': escAmp, '\'': 4, '+': 5, '<': 6, '>': 7}

// escAmp is &'s number in escapes: escaped only when replace is asked to.
const escAmp = 3

var escapeText = [...]string{1: "\uFFFD", 2: "&#34;", escAmp: "&amp;", 4: "&#39;", 5: "&#43;", 6: "&lt;", 7: "&gt;"}

// urlFilter lets through a URL whose scheme, if it has one, is http,
// https or mailto, and puts html/template's "#ZgotmplZ" in place of any
// other.
type urlFilter struct{}

func (urlFilter) str(s string, ct contentType) string {
	if ct == contentURL {
		return s
	}
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return "#ZgotmplZ"
		}
	}
	return s
}

// urlProcessor percent-encodes what may not stand in a URL (norm: the
// normalizer, which keeps a URL's own delimiters and escapes) or in a
// part of one (the escaper, which encodes all but unreserved bytes).
type urlProcessor struct{ norm bool }

func (p urlProcessor) str(s string, ct contentType) string {
	norm := p.norm || ct == contentURL
	for i := 0; i < len(s); i++ {
		if urlEncodes(s, i, norm) {
			var b bytes.Buffer
			b.Grow(len(s) + 16)
			encodeURL(&b, s, norm)
			return b.String()
		}
	}
	return s
}

func encodeURL(w *bytes.Buffer, s string, norm bool) {
	const hex = "0123456789abcdef"
	done := 0
	for i := 0; i < len(s); i++ {
		if !urlEncodes(s, i, norm) {
			continue
		}
		w.WriteString(s[done:i])
		w.WriteByte('%')
		w.WriteByte(hex[s[i]>>4])
		w.WriteByte(hex[s[i]&15])
		done = i + 1
	}
	w.WriteString(s[done:])
}

// urlEncodes says whether the byte at i is percent-encoded.
func urlEncodes(s string, i int, norm bool) bool {
	c := s[i]
	switch c {
	case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
		return !norm
	case '-', '.', '_', '~':
		return false
	case '%':
		return !(norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]))
	}
	return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9')
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
