// Package publish is the only stage that writes: it minifies the rendered
// files, writes them into a staging folder beside the output folder, and
// swaps the staging folder in only when everything was written, so that a
// failed build never leaves a half-written site. It refuses output folders
// that hold the project or files haven did not write.
package publish

import (
	"bytes"
	"path"
	"strings"
	"sync"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
)

// Minifier minifies files by their extension. It is configured once per
// build and safe for concurrent use.
type Minifier struct {
	m *minify.M
	// plain keeps *plainMinifier buffers (see plain.go).
	plain sync.Pool
}

var mediaTypes = map[string]string{
	".html": "text/html",
	".css":  "text/css",
	".js":   "application/javascript",
	".svg":  "image/svg+xml",
	".json": "application/json",
}

// NewMinifier registers the HTML, CSS, JS, SVG and JSON minifiers.
func NewMinifier() *Minifier {
	m := minify.New()
	m.Add("text/html", &html.Minifier{
		KeepDocumentTags: true, // keep <html lang>, <head> and <body> explicit
		KeepEndTags:      true,
		KeepQuotes:       true,
	})
	// Templates: the same, keeping {{actions}} and the text around them
	// as they are (see Template).
	m.Add(templateType, &html.Minifier{
		KeepDocumentTags: true,
		KeepEndTags:      true,
		KeepQuotes:       true,
		TemplateDelims:   html.GoTemplateDelims,
	})
	m.AddFunc("text/css", css.Minify)
	// Keep the theme's scripts within ES2017, as written: without a
	// version the minifier may use newer syntax that older browsers lack.
	m.Add("application/javascript", &js.Minifier{Version: 2017})
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("application/json", json.Minify)
	return &Minifier{m: m}
}

// templateType is the media type the template minifier is registered as.
const templateType = "text/x-go-template+html"

// Template minifies the source of an HTML template (html/template), leaving
// its {{actions}} alone. A page executed from the minified source, with
// its Markdown minified too, comes out as minified as the page minified
// whole, save for how characters are escaped.
func (mf *Minifier) Template(name string, src []byte) ([]byte, error) {
	return mf.m.Bytes(templateType, spaceActions(src))
}

// spaceActions returns a copy of a template's source in which each run of
// white space beside an {{action}} that holds a line break becomes one
// space, outside <pre> and <textarea>. The minifier keeps white space
// beside actions as it is, not knowing what they will print; a space is
// all HTML makes of such a run, and the page then has no line breaks of
// the layout's. The copy has room for the byte the minifier reads past
// its end.
func spaceActions(src []byte) []byte {
	out := make([]byte, 0, len(src)+1)
	keep := "" // the closing tag of a <pre> or <textarea> we are in
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '{' && bytes.HasPrefix(src[i:], []byte("{{")):
			end := bytes.Index(src[i+2:], []byte("}}"))
			if end < 0 {
				return append(out, src[i:]...)
			}
			out = append(out, src[i:i+2+end+2]...)
			i += 2 + end + 2
			continue
		case c == '<' && keep == "":
			for _, tag := range []string{"pre", "textarea"} {
				if n := len(tag) + 1; len(src) > i+n && strings.EqualFold(string(src[i+1:i+n]), tag) && !isNameByte(src[i+n]) {
					keep = "</" + tag
				}
			}
		case c == '<' && len(src) >= i+len(keep) && strings.EqualFold(string(src[i:i+len(keep)]), keep):
			keep = ""
		case isSpace(c) && keep == "":
			j := i
			for j < len(src) && isSpace(src[j]) {
				j++
			}
			run := src[i:j]
			if bytes.ContainsAny(run, "\n\r") && (bytes.HasSuffix(out, []byte("}}")) || bytes.HasPrefix(src[j:], []byte("{{"))) {
				out = append(out, ' ')
			} else {
				out = append(out, run...)
			}
			i = j
			continue
		}
		out = append(out, c)
		i++
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}

// Minify returns data minified according to name's extension, or data
// itself for other files.
func (mf *Minifier) Minify(name string, data []byte) ([]byte, error) {
	mt, ok := mediaTypes[strings.ToLower(path.Ext(name))]
	if !ok {
		return data, nil
	}
	if mt == "text/html" {
		pm, _ := mf.plain.Get().(*plainMinifier)
		if pm == nil {
			pm = new(plainMinifier)
		}
		out, ok := pm.minify(data)
		mf.plain.Put(pm)
		if ok {
			return out, nil
		}
	}
	return mf.general(mt, data)
}

// general minifies data of media type mt with tdewolff's minifiers. They
// may change their input in place (and they read one byte past its end),
// so they get a copy with room for that byte, made in one allocation.
func (mf *Minifier) general(mt string, data []byte) ([]byte, error) {
	in := make([]byte, len(data), len(data)+1)
	copy(in, data)
	out, err := mf.m.Bytes(mt, in)
	if err != nil {
		return nil, err
	}
	return out, nil
}
