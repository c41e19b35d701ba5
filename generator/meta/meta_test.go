package meta

import (
	"github.com/adrg/frontmatter"
	"strings"
	"testing"

	"haven/generator/diag"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  bool
	}{
		{"90", 90, false},
		{"90m", 90, false},
		{"90 min", 90, false},
		{"90 minutes", 90, false},
		{"1h30m", 90, false},
		{"1h 30m", 90, false},
		{"1 hour 30 minutes", 90, false},
		{"2h", 120, false},
		{" 45M ", 45, false},
		{"0", 0, true},
		{"0m", 0, true},
		{"-5", 0, true},
		{"thirty", 0, true},
		{"1.5h", 0, true},
		{"30m1h", 0, true},
		{"1h1h", 0, true},
		{"90s", 0, true},
		{"", 0, true},
		{"m", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"title", "summary", "duration", "delivery", "content_notes", "order"}
	tests := map[string]string{
		"titel":        "title",
		"Title":        "title",
		"durration":    "duration",
		"duraton":      "duration",
		"contentnotes": "content_notes",
		"oder":         "order",
		"colour":       "",
		"x":            "",
	}
	for in, want := range tests {
		if got := Suggest(in, known); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

// decode runs the whole frontmatter path on a file's text and returns the
// page and the diagnostics as strings.
func decode(t *testing.T, text string) (*Page, []string) {
	t.Helper()
	var diags diag.List
	s, d := SplitPage("p.md", []byte(text))
	if d != nil {
		return nil, []string{d.String()}
	}
	p := DecodePage("p.md", s, &diags)
	var out []string
	for _, d := range diags.Sorted() {
		out = append(out, d.String())
	}
	return p, out
}

func TestSplitPage(t *testing.T) {
	plain := "---\ntitle: A\n---\nBody\n"
	tests := []struct {
		name, in      string
		format        Format
		body, errPart string
	}{
		{"yaml", plain, YAML, "Body\n", ""},
		{"bom", "\uFEFF" + plain, YAML, "Body\n", ""},
		{"trailing spaces", "---  \ntitle: A\n---\t\nBody\n", YAML, "Body\n", ""},
		{"toml", "+++\ntitle = 'A'\n+++\nBody\n", TOML, "Body\n", ""},
		{"none", "# Just text\n", None, "# Just text\n", ""},
		{"unclosed", "---\ntitle: A\n\nBody\n", None, "", "p.md:1:1: error: the frontmatter opened by \"---\" on line 1 is never closed"},
		{"thematic break body", "---\ntitle: A\n---\n---\nBody\n", YAML, "---\nBody\n", ""},
		{"not first line", "\n---\ntitle: A\n---\n", None, "\n---\ntitle: A\n---\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, d := SplitPage("p.md", []byte(tt.in))
			if tt.errPart != "" {
				if d == nil || !strings.Contains(d.String(), tt.errPart) {
					t.Fatalf("got %v, want error containing %q", d, tt.errPart)
				}
				return
			}
			if d != nil {
				t.Fatalf("unexpected error %v", d)
			}
			if s.Format != tt.format || string(s.Body) != tt.body {
				t.Fatalf("got format %v body %q; want %v %q", s.Format, s.Body, tt.format, tt.body)
			}
			if got := tt.in[s.BodyOffset:]; got != tt.body {
				t.Errorf("BodyOffset points at %q, want %q", got, tt.body)
			}
		})
	}
}

func TestDecodePageErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"unknown key", "---\ntitle: A\ntitel: B\n---\n",
			[]string{`p.md:3:1: error: unknown key "titel" (did you mean "title"?)`}},
		{"unknown key no suggestion", "---\ntitle: A\ncolour: red\n---\n",
			[]string{`p.md:3:1: error: unknown key "colour" (put your own data under ` + "`params:`" + `)`}},
		{"duplicate key", "---\ntitle: A\nsummary: x\ntitle: B\n---\n",
			[]string{`p.md:4:1: error: "title" is set twice (first on line 2) (keep one of them)`}},
		{"bad duration", "---\ntitle: A\nduration: thirty\n---\n",
			[]string{`p.md:3:11: error: duration: "thirty" is not a duration (write minutes like 90, or "90m" or "1h30m")`}},
		{"tags not a list", "---\ntitle: A\ntags: solo\n---\n",
			[]string{`p.md:3:7: error: tags must be a list, not "solo" (write a list, e.g. tags: [solo])`}},
		{"quoted order", "---\ntitle: A\norder: \"3\"\n---\n",
			[]string{`p.md:3:8: error: order must be a whole number, not "3" (remove the quotes)`}},
		{"missing title", "---\nsummary: x\n---\n",
			[]string{"p.md:1:1: error: the page has no title (add a line `title: Your title` to the frontmatter)"}},
		{"empty title", "---\ntitle:\n---\n",
			[]string{"p.md:2:1: error: the page has no title (add a line `title: Your title` to the frontmatter)"}},
		{"no frontmatter", "# Hello\n",
			[]string{"p.md:1:1: error: the page has no frontmatter, so it has no title (start the file with three lines: ---, title: Your title, ---)"}},
		{"yaml syntax error has file line", "---\ntitle: A\nsummary: [unclosed\nduration: 5\n---\n",
			[]string{"p.md:3:1: error: frontmatter is not valid YAML: did not find expected ',' or ']' (check the indentation and quote text that contains a colon)"}},
		{"bad delivery", "---\ntitle: A\ndelivery: [group, onlin]\n---\n",
			[]string{`p.md:3:19: error: unknown delivery "onlin" (did you mean "online"?)`}},
		{"bad group size", "---\ntitle: A\ngroup_size: 8-4\n---\n",
			[]string{`p.md:3:13: error: group_size "8-4" is not a sensible range (write a number like 6 or a range like 4-8)`}},
		{"bad start", "---\ntitle: A\nstart: \"25:00\"\n---\n",
			[]string{`p.md:3:8: error: start "25:00" is not a clock time (write a 24-hour clock time in quotes, e.g. start: "18:30")`}},
		{"alias", "---\ntitle: &t A\nsummary: *t\n---\n",
			[]string{`p.md:2:8: error: YAML anchors and aliases (& and *) are not supported (write the value out in full)`,
				`p.md:3:10: error: YAML anchors and aliases (& and *) are not supported (write the value out in full)`}},
		{"bad type", "---\ntitle: A\ntype: sesion\n---\n",
			[]string{`p.md:3:7: error: unknown page type "sesion" (did you mean "session"?)`}},
		{"bad slug", "---\ntitle: A\nslug: ../../etc\n---\n",
			[]string{`p.md:3:7: error: slug "../../etc" cannot be used as a file name (use lower-case letters, digits and hyphens, e.g. slug: first-meeting)`}},
		{"toml unknown key", "+++\ntitle = 'A'\n\ntitel = 'B'\n+++\n",
			[]string{`p.md:4:1: error: unknown key "titel" (did you mean "title"?)`}},
		{"toml syntax error", "+++\ntitle = 'A'\nsummary = \n+++\n",
			[]string{`p.md:3:1: error: frontmatter is not valid TOML: expected value but found '\n' instead`}},
		{"toml duplicate", "+++\ntitle = 'A'\ntitle = 'B'\n+++\n",
			[]string{`p.md:3:1: error: frontmatter is not valid TOML: Key 'title' has already been defined.`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := decode(t, tt.in)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("diagnostics:\n got: %q\nwant: %q", got, tt.want)
			}
		})
	}
}

func TestDecodePageValues(t *testing.T) {
	p, diags := decode(t, `---
title: no
summary: A session
duration: 1h30m
delivery: [group, online]
group_size: 4-8
facilitators: 2
start: "9:05"
order: 3
materials: [Flipchart, "Pens: two colours"]
params:
  colour: blue
  n: 3
---
Body`)
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics %v", diags)
	}
	if p.Title != "no" || p.Duration != 90 || p.GroupSize != (GroupSize{4, 8}) || p.Facilitators != 2 ||
		p.Start != "09:05" || !p.HasOrder || p.Order != 3 || len(p.Materials) != 2 || p.Materials[1] != "Pens: two colours" ||
		p.Params["colour"] != "blue" || p.Params["n"] != 3 {
		t.Errorf("decoded %+v", p)
	}
	if p.Keys["duration"].Line != 4 {
		t.Errorf("duration key at %v, want line 4", p.Keys["duration"])
	}

	p, diags = decode(t, "+++\ntitle = \"T\"\nduration = 60\ntags = [\"a\", \"b\"]\n[params]\nx = 1\n+++\n")
	if len(diags) > 0 || p.Title != "T" || p.Duration != 60 || len(p.Tags) != 2 || p.Params["x"] != 1 {
		t.Errorf("toml decoded %+v %v", p, diags)
	}
}

func TestCRLFAndBOMSameAsPlain(t *testing.T) {
	plain := "---\ntitle: A\nsummary: B\n---\nBody\n"
	a, da := decode(t, plain)
	b, db := decode(t, "\uFEFF"+plain)
	if len(da)+len(db) > 0 || a.Title != b.Title || a.Summary != b.Summary {
		t.Errorf("BOM changed the result: %+v %+v %v %v", a, b, da, db)
	}
}

func FuzzSplitPage(f *testing.F) {
	for _, s := range []string{"---\ntitle: A\n---\nB", "+++\ntitle='A'\n+++\n", "---", "\uFEFF---\n---\n", "---\n---\n---\n", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, d := SplitPage("f.md", []byte(in))
		if d != nil {
			return
		}
		if s.BodyOffset < 0 || s.BodyOffset > len(in) || in[s.BodyOffset:] != string(s.Body) {
			t.Fatalf("body offset %d does not point at the body", s.BodyOffset)
		}
		var diags diag.List
		DecodePage("f.md", s, &diags)
		for _, d := range diags.Sorted() {
			if d.Pos.Line < 1 {
				t.Fatalf("diagnostic without a line: %v", d)
			}
		}
	})
}

func TestDecodeConfig(t *testing.T) {
	var diags diag.List
	c := DecodeConfig("haven.yaml", []byte("title: T\nmax_group_size: 8\nmax_duration: 2h\nparticipant_agenda: false\nsession_defaults:\n  delivery: [group]\n  group_size: 4-6\n"), &diags)
	if diags.Len() > 0 {
		t.Fatalf("diagnostics %v", diags.Sorted())
	}
	if c.Title != "T" || c.MaxGroupSize != 8 || c.MaxDuration != 120 || c.ParticipantAgenda || c.Language != "en-GB" {
		t.Errorf("decoded %+v", c)
	}
	p := &Page{Keys: map[string]diag.Position{"group_size": {}}, GroupSize: GroupSize{2, 3}}
	c.ApplyDefaults(p)
	if len(p.Delivery) != 1 || p.GroupSize != (GroupSize{2, 3}) {
		t.Errorf("defaults applied wrongly: %+v", p)
	}
	if d := c.Position("max_group_size"); d.String() != "haven.yaml:2:1" {
		t.Errorf("position %v", d)
	}

	diags = diag.List{}
	DecodeConfig("haven.yaml", []byte("titel: T\nsession_defaults:\n  title: x\nparticipant_agenda: yes\n"), &diags)
	var got []string
	for _, d := range diags.Sorted() {
		got = append(got, d.String())
	}
	want := []string{
		`haven.yaml:1:1: error: unknown key "titel" (did you mean "title"?)`,
		`haven.yaml:3:3: error: unknown key "title" (put your own data under ` + "`params:`" + `)`,
		`haven.yaml:4:21: error: participant_agenda must be true or false, not "yes" (write true or false)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("config diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// FuzzSplitPageAsFrontmatter holds SplitPage to github.com/adrg/frontmatter,
// which it replaced (a copy of every page, and a reader, for a scan of
// lines): the same block and body, found or not, for any text.
func FuzzSplitPageAsFrontmatter(f *testing.F) {
	for _, s := range []string{"---\ntitle: A\n---\nB", "+++\ntitle='A'\n+++\n", "---", "---\n", "---\n---", "\uFEFF---\n---\n",
		"---\n---\n---\n", "x", "--- \na\n  ---  \nb", "---\na\n---x\n---\n", "---\r\na\r\n---\r\nb", "---\n\u00a0---\u00a0\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, d := SplitPage("f.md", []byte(in))
		rest := strings.TrimPrefix(in, "\uFEFF")
		first, _, _ := strings.Cut(rest, "\n")
		delim := strings.TrimSpace(first)
		if delim != "---" && delim != "+++" {
			if d != nil || s.Format != None || string(s.Body) != rest {
				t.Fatalf("no frontmatter: got %+v %v", s, d)
			}
			return
		}
		var block []byte
		found := false
		body, err := frontmatter.Parse(strings.NewReader(rest), nil, frontmatter.NewFormat(delim, delim, func(b []byte, _ any) error {
			block, found = b, true
			return nil
		}))
		if err != nil {
			t.Fatal(err)
		}
		if found != (d == nil) {
			t.Fatalf("frontmatter found %v, SplitPage says %v", found, d)
		}
		if found && (string(s.Block) != string(block) || string(s.Body) != string(body)) {
			t.Fatalf("block %q body %q, frontmatter gives %q %q", s.Block, s.Body, block, body)
		}
	})
}
