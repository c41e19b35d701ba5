package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// textWriter is goldmark's writer of text into HTML, with a short way for
// the text most pages are made of. goldmark's Write reads text a byte at a
// time for what it resolves (entity references, backslash escapes, NUL)
// and then again to escape it (RawWrite); text with no '&', '\' or NUL has
// nothing to resolve, and its Write is RawWrite alone, which three
// IndexByte scans tell (FuzzShortcutsHTML).
type textWriter struct{ html.Writer }

func (w textWriter) Write(writer util.BufWriter, source []byte) {
	if bytes.IndexByte(source, '&') < 0 && bytes.IndexByte(source, '\\') < 0 && bytes.IndexByte(source, 0) < 0 {
		w.RawWrite(writer, source)
		return
	}
	w.Writer.Write(writer, source)
}
