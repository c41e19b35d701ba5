// Package publish is the only stage that writes: it minifies the rendered
// files, writes them into a staging folder beside the output folder, and
// swaps the staging folder in only when everything was written, so that a
// failed build never leaves a half-written site. It refuses output folders
// that hold the project or files haven did not write.
package publish

import (
	"path"
	"strings"

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
	m.AddFunc("text/css", css.Minify)
	// Keep the theme's scripts within ES2017, as written: without a
	// version the minifier may use newer syntax that older browsers lack.
	m.Add("application/javascript", &js.Minifier{Version: 2017})
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("application/json", json.Minify)
	return &Minifier{m: m}
}

// Minify returns data minified according to name's extension, or data
// itself for other files.
func (mf *Minifier) Minify(name string, data []byte) ([]byte, error) {
	mt, ok := mediaTypes[strings.ToLower(path.Ext(name))]
	if !ok {
		return data, nil
	}
	// The minifiers may change their input in place (and they read one
	// byte past its end), so they get a copy with room for that byte,
	// made in one allocation.
	in := make([]byte, len(data), len(data)+1)
	copy(in, data)
	out, err := mf.m.Bytes(mt, in)
	if err != nil {
		return nil, err
	}
	return out, nil
}
