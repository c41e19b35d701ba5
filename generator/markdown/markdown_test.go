package markdown

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"haven/generator/diag"
)

func parse(t testing.TB, src string) (*Doc, []string, string) {
	t.Helper()
	md := New(Options{})
	lines := diag.NewLines("p.md", []byte(src))
	var diags diag.List
	doc := md.Parse([]byte(src), lines.Pos, &diags)
	var ds []string
	for _, d := range diags.Sorted() {
		ds = append(ds, d.String())
	}
	var out bytes.Buffer
	if err := md.Render(&out, doc, false); err != nil {
		t.Fatal(err)
	}
	return doc, ds, out.String()
}

func TestHeadingAttributes(t *testing.T) {
	tests := []struct {
		in, id, text, duration, html string
	}{
		{"## Check-in {duration=10m}", "check-in", "Check-in", "10m", `<h2 id="check-in">Check-in</h2>`},
		{"## Check-in {duration=\"1h 30m\"}", "check-in", "Check-in", "1h 30m", `<h2 id="check-in">Check-in</h2>`},
		{"## Welcome {#hello .intro duration=5}", "hello", "Welcome", "5", `<h2 id="hello" class="intro">Welcome</h2>`},
		{"## Using {braces} here", "using-braces-here", "Using {braces} here", "", `<h2 id="using-braces-here">Using {braces} here</h2>`},
		{"## Set {x}", "set-x", "Set {x}", "", `<h2 id="set-x">Set {x}</h2>`},
		{"## Café & *tea* {duration=10m}", "café-tea", "Café & tea", "10m", `<h2 id="café-tea">Café &amp; <em>tea</em></h2>`},
		{"## Main", "main", "Main", "", `<h2 id="main">Main</h2>`},
		{"## This week's idea", "this-weeks-idea", "This week’s idea", "", `<h2 id="this-weeks-idea">This week&rsquo;s idea</h2>`},
		{"## Tom &amp; Jerry", "tom-jerry", "Tom & Jerry", "", `<h2 id="tom-jerry">Tom &amp; Jerry</h2>`},
		{"## Haven main", "section-haven-main", "Haven main", "", `<h2 id="section-haven-main">Haven main</h2>`},
		{"Setext {duration=5m}\n---", "setext-duration5m", "Setext {duration=5m}", "", `<h2 id="setext-duration5m">Setext {duration=5m}</h2>`},
	}
	for _, tt := range tests {
		doc, ds, html := parse(t, tt.in+"\n")
		if len(ds) > 0 {
			t.Errorf("%q: diagnostics %v", tt.in, ds)
		}
		if len(doc.Headings) != 1 {
			t.Fatalf("%q: %d headings", tt.in, len(doc.Headings))
		}
		h := doc.Headings[0]
		if h.ID != tt.id || h.Text != tt.text || h.Duration != tt.duration {
			t.Errorf("%q: got id %q text %q duration %q; want %q %q %q", tt.in, h.ID, h.Text, h.Duration, tt.id, tt.text, tt.duration)
		}
		if strings.TrimSpace(html) != tt.html {
			t.Errorf("%q: rendered %q, want %q", tt.in, strings.TrimSpace(html), tt.html)
		}
	}
}

func TestHeadingIDsUnique(t *testing.T) {
	doc, ds, _ := parse(t, "## Break {duration=10m}\n\n## Break {duration=5m}\n\n## Break\n")
	if len(ds) > 0 {
		t.Fatalf("diagnostics %v", ds)
	}
	var ids []string
	for _, h := range doc.Headings {
		ids = append(ids, h.ID)
	}
	if strings.Join(ids, " ") != "break break-1 break-2" {
		t.Errorf("ids %v", ids)
	}
	_, ds, _ = parse(t, "## A {#same}\n\n## B {#same}\n")
	if len(ds) != 1 || !strings.Contains(ds[0], `p.md:3:1: error: two headings have the id "same" (the other is on line 1)`) {
		t.Errorf("duplicate explicit ids: %v", ds)
	}
}

func TestUnsafeMarkdown(t *testing.T) {
	_, ds, html := parse(t, "<script>alert(1)</script>\n\nA <b onclick=x>b</b>.\n\n## H {style=\"color:red\" onclick=\"x()\"}\n\n[x](javascript:alert(1))\n")
	for _, bad := range []string{"<script", "onclick", "style=", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("rendered HTML contains %q:\n%s", bad, html)
		}
	}
	want := []string{
		"p.md:1:1: warning: raw HTML is left out of the page: <script>alert(1)</script> (write it in Markdown instead; haven never publishes HTML from pages)",
		"p.md:3:3: warning: raw HTML is left out of the page: <b onclick=x> (write it in Markdown instead; haven never publishes HTML from pages)",
		"p.md:3:17: warning: raw HTML is left out of the page: </b> (write it in Markdown instead; haven never publishes HTML from pages)",
		`p.md:5:1: warning: heading attribute "onclick" is not allowed and was removed (headings may carry {#id}, {.class} and {duration=10m})`,
		`p.md:5:1: warning: heading attribute "style" is not allowed and was removed (headings may carry {#id}, {.class} and {duration=10m})`,
	}
	if strings.Join(ds, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(ds, "\n"), strings.Join(want, "\n"))
	}
}

func TestNotUTF8(t *testing.T) {
	_, ds, _ := parse(t, "Caf\xe9 au lait\n")
	if len(ds) != 1 || !strings.Contains(ds[0], "p.md:1:4: error: the text is not UTF-8") {
		t.Errorf("diagnostics %v", ds)
	}
}

func TestLinkPositions(t *testing.T) {
	doc, _, _ := parse(t, "Intro.\n\nSee [a](a.md) and ![b](b.png)\nand <https://x.org>.\n")
	var got []string
	for _, l := range doc.Links {
		got = append(got, l.Dest+"@"+l.Pos.String())
	}
	want := "a.md@p.md:3:5 b.png@p.md:3:19 https://x.org@p.md:4:5"
	if strings.Join(got, " ") != want {
		t.Errorf("links %v, want %s", got, want)
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Check-in and breathing": "check-in-and-breathing",
		"Check-in & breathing":   "check-in-breathing",
		"  Spaces  ":             "spaces",
		"Ünïcödé":                "ünïcödé",
		"a_b--c":                 "a-b-c",
		"100% sure!":             "100-sure",
		"日本語":                    "日本語",
		"***":                    "",
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPathological checks that inputs known to be slow in Markdown parsers
// finish quickly.
func TestPathological(t *testing.T) {
	inputs := map[string]string{
		"nested lists":    strings.Repeat("- ", 20000) + "x\n",
		"nested quotes":   strings.Repeat(">", 20000) + " x\n",
		"unclosed links":  strings.Repeat("[a", 20000) + "\n",
		"nested brackets": strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n",
		"emphasis":        strings.Repeat("*a **b ", 10000) + "\n",
		"callouts":        strings.Repeat("::: note\n", 5000),
		"backticks":       strings.Repeat("`a``", 10000) + "\n",
	}
	for name, in := range inputs {
		start := time.Now()
		parse(t, in)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s took %v", name, d)
		}
	}
}

func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"## A {duration=10m}\n", "::: note\nx\n:::\n", "[a](b.md#c)", "<script>", "| a |\n|---|\n| b |\n", "Term\n: def\n", "x[^1]\n\n[^1]: y\n"} {
		f.Add(s)
	}
	md := New(Options{})
	f.Fuzz(func(t *testing.T, in string) {
		lines := diag.NewLines("f.md", []byte(in))
		var diags diag.List
		doc := md.Parse([]byte(in), lines.Pos, &diags)
		var out bytes.Buffer
		if err := md.Render(&out, doc, false); err != nil {
			t.Fatal(err)
		}
		html := out.String()
		if strings.Contains(html, "<script") || strings.Contains(strings.ToLower(html), "href=\"javascript:") {
			t.Fatalf("unsafe output: %s", html)
		}
	})
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"deep list", "Intro.\n\n" + strings.Repeat("- ", MaxNesting+1) + "x\n", "p.md:3:1: error: this line opens 101 lists or quotes inside each other; the limit is 100"},
		{"deep quote", strings.Repeat(">", MaxNesting+5) + " x\n", "p.md:1:1: error: this line opens 105 lists or quotes inside each other"},
		{"brackets", strings.Repeat("[a](b)\n", MaxBrackets+1), fmt.Sprintf("p.md:%d:1: error: the page holds more than %d [ brackets", MaxBrackets+1, MaxBrackets)},
		{"fine", strings.Repeat("- ", MaxNesting) + "x\n1. 2. 3. a\n", ""},
	}
	for _, tt := range tests {
		_, ds, _ := parse(t, tt.in)
		got := strings.Join(ds, "\n")
		if tt.want == "" && got != "" || tt.want != "" && !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: diagnostics %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFootnotesInFacilitatorNotes(t *testing.T) {
	_, ds, _ := parse(t, "Intro[^a].\n\n::: facilitator\nNote[^s].\n\n[^s]: FOOTSECRET\n:::\n\n[^a]: Fine.\n")
	got := strings.Join(ds, "\n")
	if !strings.Contains(got, "p.md:4:5: error: a footnote inside a facilitator callout") || !strings.Contains(got, "p.md:6:") {
		t.Errorf("diagnostics:\n%s", got)
	}
	// A ::: line in a code block inside the callout does not end it.
	_, ds, _ = parse(t, "Intro[^s].\n\n::: facilitator\n```\n:::\n```\n\n[^s]: FOOTSECRET\n:::\n")
	if got := strings.Join(ds, "\n"); !strings.Contains(got, "p.md:8:") || !strings.Contains(got, "a footnote inside a facilitator callout") {
		t.Errorf("a footnote after a code block in the callout: diagnostics:\n%s", got)
	}
	_, ds, _ = parse(t, "Intro[^a].\n\n::: facilitator\nNo footnote here.\n:::\n\n[^a]: Fine.\n")
	if len(ds) != 0 {
		t.Errorf("a footnote outside the callout was refused: %v", ds)
	}
}

// goldmark writes into a bytes.Buffer directly (bufferWriter) what it
// writes through a bufio.Writer into any other writer.
func TestRenderIntoBufferAsIntoWriter(t *testing.T) {
	src := []byte("# Title\n\nSome *text* with a [link](a.md), `code` and é.\n\n" +
		"| a | b |\n|---|---|\n| 1 | 2 |\n\n::: facilitator\nNotes for facilitators.\n:::\n\n- one\n- two\n")
	md := New(Options{})
	doc := md.Parse(src, func(int) diag.Position { return diag.Position{} }, &diag.List{})
	for _, participant := range []bool{false, true} {
		var direct bytes.Buffer
		if err := md.Render(&direct, doc, participant); err != nil {
			t.Fatal(err)
		}
		var through strings.Builder
		if err := md.Render(&through, doc, participant); err != nil {
			t.Fatal(err)
		}
		if direct.String() != through.String() || direct.Len() == 0 {
			t.Errorf("participant %v: into a buffer\n%s\nthrough bufio\n%s", participant, direct.String(), through.String())
		}
		// The editions differ: the participant's has no facilitator notes.
		if has := strings.Contains(direct.String(), "Notes for facilitators"); has == participant {
			t.Errorf("participant %v: the facilitator's notes shown %v", participant, has)
		}
	}
}

// linkifySeeds are texts about where goldmark's linkify finds links, and
// where it nearly does.
var linkifySeeds = []string{
	"See www.example.org today.\n",
	"Write to help@example.org or call.\n",
	"Go to https://example.org/a_(b)?c=d. Then ftp://x.y and http:/no.\n",
	"A time 10:30, a ratio 1:2, an @ alone, www without a dot.\n",
	"| a | b |\n|---|---|\n| www.x.org | c@d.ef |\n",
	"Line one\nwww.two.org  \nthree@four.five\n",
	"*www.a.org* _b@c.de_ ~https://f.g~ (www.h.org)\n",
	"[www.in-label.org](x.md) and ![alt](y.png) www.after.org\n",
	"- item www.x.org\n  - nested a@b.co\n\n> quote https://q.r\n",
	"::: note\nwww.callout.org\n:::\n",
	"Term\n: www.def.org\n\nx[^1]\n\n[^1]: a@b.cd\n",
	"## Heading www.h.org {#id}\n",
	"plain words only, no links here at all\n",
}

// renderHTML parses and renders src with md, as a page would be.
func renderHTML(t testing.TB, md *Markdown, src string) string {
	t.Helper()
	lines := diag.NewLines("f.md", []byte(src))
	var diags diag.List
	doc := md.Parse([]byte(src), lines.Pos, &diags)
	var out bytes.Buffer
	if err := md.Render(&out, doc, false); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestLinkifyGateFindsLinks holds that the gate lets goldmark's linkify see
// the blocks that have links: each seed with a link renders one.
func TestLinkifyGateFindsLinks(t *testing.T) {
	md := New(Options{})
	for _, src := range linkifySeeds[:3] {
		if html := renderHTML(t, md, src); !strings.Contains(html, "<a href=") {
			t.Errorf("no link in %q: %s", src, html)
		}
	}
}

// FuzzShortcutsHTML holds the HTML of haven's Markdown to that of
// goldmark as it is, without haven's shortcuts through it (the linkify
// gate, the text writer: Options.noShortcuts), byte for byte.
func FuzzShortcutsHTML(f *testing.F) {
	for _, s := range append(linkifySeeds, "a &amp; b &#x41; &copy; \\* \\\\ x\x00y", "Tom & Jo <b> \"q\" 'a'\n", "`code & <x>`", "[l](u?a=1&b=2 \"t & <\")", "&nosuch; &#; &#xZ;") {
		f.Add(s)
	}
	fast, plain := New(Options{}), New(Options{noShortcuts: true})
	f.Fuzz(func(t *testing.T, in string) {
		if got, want := renderHTML(t, fast, in), renderHTML(t, plain, in); got != want {
			t.Fatalf("haven's Markdown differs from goldmark's for %q:\ngot  %s\nwant %s", in, got, want)
		}
	})
}

// FuzzParseShortcuts holds what Parse finds in a page (headings, links,
// callouts, problems) to what it finds without haven's shortcuts through
// goldmark.
func FuzzParseShortcuts(f *testing.F) {
	for _, s := range append(linkifySeeds, "## A: b {duration=10m}\n\nplain *text* here\n\n- item [l](x.md)\n- <http://a.b>\n", "x <b>raw</b> y\n\n<div>block</div>\n", "a[^1]\n\n[^1]: note\n", "Term\n: [d](e.md)\n") {
		f.Add(s)
	}
	fast, all := New(Options{}), New(Options{noShortcuts: true})
	describe := func(md *Markdown, in string) string {
		lines := diag.NewLines("f.md", []byte(in))
		var diags diag.List
		doc := md.Parse([]byte(in), lines.Pos, &diags)
		var b strings.Builder
		for _, h := range doc.Headings {
			fmt.Fprintf(&b, "h %d %q %q %q %v\n", h.Level, h.ID, h.Text, h.Duration, h.Pos)
		}
		for _, l := range doc.Links {
			fmt.Fprintf(&b, "l %q %v %v\n", l.Dest, l.Image, l.Pos)
		}
		for _, c := range doc.Callouts {
			fmt.Fprintf(&b, "c %q %v\n", c.Node.CalloutKind, c.Pos)
		}
		for _, d := range diags.Sorted() {
			fmt.Fprintf(&b, "d %s\n", d)
		}
		return b.String()
	}
	f.Fuzz(func(t *testing.T, in string) {
		if got, want := describe(fast, in), describe(all, in); got != want {
			t.Fatalf("Parse(%q) finds\n%s\nwithout the shortcuts\n%s", in, got, want)
		}
	})
}
