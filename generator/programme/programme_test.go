package programme

import (
	"bytes"
	"image"
	"image/png"
	"regexp"
	"strconv"
	"testing"

	"haven/generator/diag"
	"haven/generator/markdown"
	"haven/generator/meta"
)

func TestSplitPrefix(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		rest string
		ok   bool
	}{
		{"01-first-meeting", 1, "first-meeting", true},
		{"10_tenth", 10, "tenth", true},
		{"2. second", 2, "second", true},
		{"007-bond", 7, "bond", true},
		{"handouts", 0, "handouts", false},
		{"2024", 0, "2024", false},
		{"12-", 0, "12-", false},
		{"v1-intro", 0, "v1-intro", false},
	}
	for _, tt := range tests {
		n, rest, ok := SplitPrefix(tt.in)
		if n != tt.n || rest != tt.rest || ok != tt.ok {
			t.Errorf("SplitPrefix(%q) = %d, %q, %v; want %d, %q, %v", tt.in, n, rest, ok, tt.n, tt.rest, tt.ok)
		}
	}
}

func TestSlugFor(t *testing.T) {
	tests := map[string]string{
		"01-first-meeting.md":   "first-meeting",
		"Group Agreement.md":    "group-agreement",
		"02 – café & tea.md":    "café-tea",
		"Notes #3 (50%).md":     "notes-3-50",
		"01-.md":                "01",
		"___.md":                "page",
		"e\u0301cole.md":        "école", // NFD and NFC give one name
		"\u00e9cole.md":         "école",
		"Ünïcödé_Fïlé-Nämé.md":  "ünïcödé-fïlé-nämé",
		"already-a-slug.md":     "already-a-slug",
		"10-the-tenth-thing.md": "the-tenth-thing",
	}
	for in, want := range tests {
		if got := slugFor(in); got != want {
			t.Errorf("slugFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRelURL(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"index.html", "start/first.html", "start/first.html"},
		{"start/first.html", "index.html", "../index.html"},
		{"start/first.html", "start/second.html", "second.html"},
		{"start/first.html", "handouts/sheet.html", "../handouts/sheet.html"},
		{"a/b/c.html", "a/d.html", "../d.html"},
		{"index.html", "images/my file#1.png", "images/my%20file%231.png"},
	}
	for _, tt := range tests {
		if got := RelURL(tt.from, tt.to); got != tt.want {
			t.Errorf("RelURL(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestScheme(t *testing.T) {
	tests := map[string]string{
		"https://example.org":  "https",
		"JaVaScRiPt:alert(1)":  "javascript",
		" javascript:x":        "javascript",
		"java\tscript:x":       "javascript",
		"\x01javascript:x":     "javascript",
		"mailto:a@b":           "mailto",
		"page.md":              "",
		"../page.md#a:b":       "",
		"dir/file:name.md":     "",
		"#anchor":              "",
		"1http://x":            "",
		"data:text/html,<b>":   "data",
		"vbscript:msgbox":      "vbscript",
		"C:/Users/file.md":     "c",
		"./javascript:alert()": "",
	}
	for in, want := range tests {
		if got := Scheme(in); got != want {
			t.Errorf("Scheme(%q) = %q, want %q", in, got, want)
		}
	}
}

// page makes a parsed page with the given frontmatter for model tests.
func page(src string, m meta.Page) Parsed { return pageWith(src, m, "") }

// pageWith makes a parsed page with frontmatter and a body.
func pageWith(src string, m meta.Page, body string) Parsed {
	md := markdown.New(markdown.Options{})
	var d diag.List
	return Parsed{Source: src, Meta: &m, Doc: md.Parse([]byte(body), func(int) diag.Position { return diag.Position{} }, &d)}
}

func TestKindsAndReadingOrder(t *testing.T) {
	var diags diag.List
	prog := Build(&meta.Config{}, []Parsed{
		page("handouts/b.md", meta.Page{Title: "B"}),
		page("index.md", meta.Page{Title: "Home"}),
		page("02-two/index.md", meta.Page{Title: "Two"}),
		page("02-two/01-s.md", meta.Page{Title: "Two one"}),
		page("01-one/10-ten.md", meta.Page{Title: "One ten"}),
		page("01-one/2-two.md", meta.Page{Title: "One two"}),
		page("01-one/extra/deep.md", meta.Page{Title: "Deep"}),
		pageWith("agreements/ours.md", meta.Page{Title: "Ours"}, "- [x] We are kind\n"),
		page("about.md", meta.Page{Title: "About"}),
		page("handouts/a.md", meta.Page{Title: "A", Type: meta.KindSession}),
		page("plain/index.md", meta.Page{Title: "Plain", Type: meta.KindModule}),
		page("plain/p.md", meta.Page{Title: "Plain page"}),
	}, nil, nil, &diags)
	if diags.Len() > 0 {
		t.Fatalf("diagnostics: %v", diags.Sorted())
	}
	var got []string
	for _, p := range prog.Pages {
		got = append(got, p.Title()+"="+p.Kind+"@"+p.URL)
	}
	want := []string{
		"Home=home@index.html",
		"About=page@about.html",
		"One two=session@one/two.html",
		"One ten=session@one/ten.html",
		"Deep=page@one/extra/deep.html",
		"Two=module@two/index.html",
		"Two one=session@two/s.html",
		"Ours=agreement@agreements/ours.html",
		"A=session@handouts/a.html",
		"B=page@handouts/b.html",
		"Plain=module@plain/index.html",
		"Plain page=session@plain/p.html",
	}
	if len(got) != len(want) {
		t.Fatalf("pages:\n got %q\nwant %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("page %d: got %s, want %s", i, got[i], want[i])
		}
	}
	if prog.Pages[1].Prev != prog.Home || prog.Home.Next != prog.Pages[1] {
		t.Error("previous/next do not follow the reading order")
	}
}

func pngOf(w, h int) string {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)))
	return b.String()
}

func TestImageSize(t *testing.T) {
	tests := []struct {
		name, data string
		w, h       int
	}{
		{"a.svg", `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"></svg>`, 640, 480},
		{"a.svg", `<?xml version="1.0"?><!-- c --><svg width="64px" height="48.4px"/>`, 64, 48},
		{"a.svg", `<svg viewBox="0 0 320 200"/>`, 320, 200},
		{"a.svg", `<svg width="100%" viewBox="0,0,30,20"/>`, 30, 20},
		{"a.svg", `<svg width="10cm" height="5cm"/>`, 0, 0},
		{"a.svg", `not xml`, 0, 0},
		{"a.png", pngOf(3, 2), 3, 2},
		{"a.png", "garbage", 0, 0},
	}
	for _, tt := range tests {
		if w, h := imageSize(tt.name, []byte(tt.data)); w != tt.w || h != tt.h {
			t.Errorf("imageSize(%s, %q) = %d, %d; want %d, %d", tt.name, tt.data, w, h, tt.w, tt.h)
		}
	}
}

// FuzzSplitPrefix holds SplitPrefix to the regular expression it stands
// for.
func FuzzSplitPrefix(f *testing.F) {
	for _, s := range []string{"01-first-meeting", "2_x", "3. y", "04 - z", "05-", "06--", "07- -", "8", "x-01", "09-a\nb", "99999999999999999999-x", "010-é", "1-\xff"} {
		f.Add(s)
	}
	re := regexp.MustCompile(`^(\d+)[-_. ]+(.+)$`)
	f.Fuzz(func(t *testing.T, name string) {
		n, rest, ok := SplitPrefix(name)
		wn, wrest, wok := 0, name, false
		if m := re.FindStringSubmatch(name); m != nil {
			if v, err := strconv.Atoi(m[1]); err == nil {
				wn, wrest, wok = v, m[2], true
			}
		}
		if n != wn || rest != wrest || ok != wok {
			t.Errorf("SplitPrefix(%q) = %d, %q, %v; the expression gives %d, %q, %v", name, n, rest, ok, wn, wrest, wok)
		}
	})
}
