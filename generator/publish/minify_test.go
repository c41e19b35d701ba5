package publish

import (
	"bytes"
	"io/fs"
	"testing"

	"haven/themes"
)

// TestMinifyLeavesInputAlone: the minifiers change their input in place;
// the theme's files are minified once for each edition and each pack from
// the same bytes, so Minify must work on a copy. (Passing the bytes
// straight in left the participant edition's haven.js broken.)
func TestMinifyLeavesInputAlone(t *testing.T) {
	mf := NewMinifier()
	for _, name := range []string{"default/static/assets/haven.js", "default/static/assets/haven.css", "default/layouts/_base.html"} {
		data, err := fs.ReadFile(themes.Default, name)
		if err != nil {
			t.Fatal(err)
		}
		// Spare capacity, as a buffer that grew has.
		data = append(make([]byte, 0, 2*len(data)), data...)
		orig := bytes.Clone(data)
		first, err := mf.Minify(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(data, orig) {
			t.Errorf("%s: Minify changed its input", name)
		}
		second, err := mf.Minify(name, data)
		if err != nil || !bytes.Equal(first, second) {
			t.Errorf("%s: a second Minify of the same bytes gave another result (%v)", name, err)
		}
		if len(first) >= len(orig) {
			t.Errorf("%s: not minified (%d bytes from %d)", name, len(first), len(orig))
		}
	}
}

// TestSpaceActions: line breaks beside template actions become one space,
// except inside <pre> and <textarea>, where white space is the content.
func TestSpaceActions(t *testing.T) {
	tests := map[string]string{
		"<p>\n  {{.A}}\n</p>":                       "<p> {{.A}} </p>",
		"<a>x</a> {{.B}}":                           "<a>x</a> {{.B}}",
		"{{if .C}}\n\n{{end}}":                      "{{if .C}} {{end}}",
		"<pre>\n{{.D}}\n</pre>\n{{.E}}":             "<pre>\n{{.D}}\n</pre> {{.E}}",
		"<TEXTAREA x>\n{{.F}}\n</textarea>{{.G}}\n": "<TEXTAREA x>\n{{.F}}\n</textarea>{{.G}} ",
		"<p>\nplain\n</p>":                          "<p>\nplain\n</p>",
		"{{/* a\n comment */}}\n<p>":                "{{/* a\n comment */}} <p>",
		"<prelude>\n{{.H}}":                         "<prelude> {{.H}}",
		"{{ unclosed\n":                             "{{ unclosed\n",
	}
	for in, want := range tests {
		got := spaceActions([]byte(in))
		if string(got) != want {
			t.Errorf("spaceActions(%q) = %q, want %q", in, got, want)
		}
		if cap(got) <= len(got) {
			t.Errorf("spaceActions(%q) leaves no room for the byte past the end", in)
		}
	}
}
