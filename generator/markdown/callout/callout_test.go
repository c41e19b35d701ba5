package callout

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// newMarkdown returns a goldmark instance with the callout extension and
// every other extension haven uses.
func newMarkdown(opts ...Option) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			extension.Footnote,
			extension.DefinitionList,
			extension.Typographer,
			New(opts...),
		),
		goldmark.WithParserOptions(
			parser.WithAttribute(),
			parser.WithAutoHeadingID(),
		),
	)
}

// check parses and renders src and verifies the invariants that must hold
// for every input.
func check(md goldmark.Markdown, src string) (ast.Node, string, error) {
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		return nil, "", fmt.Errorf("render: %w", err)
	}
	out := buf.String()

	callouts := 0
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *closeFence:
			return ast.WalkStop, errors.New("closing-fence marker left in the tree")
		case *Callout:
			callouts++
			if p := n.Pos(); p < 0 || p >= len(source) || source[p] != ':' {
				return ast.WalkStop, fmt.Errorf("callout Pos %d does not point at a colon", p)
			}
			if n.CalloutKind == "" || sanitizeClass(n.CalloutKind) != n.CalloutKind {
				return ast.WalkStop, fmt.Errorf("bad kind %q", n.CalloutKind)
			}
			if strings.Contains(n.Title, "\n") || strings.Trim(n.Title, " \t\n\v\f\r") != n.Title {
				return ast.WalkStop, fmt.Errorf("untrimmed title %q", n.Title)
			}
			if d := depth(n); d > MaxNesting {
				return ast.WalkStop, fmt.Errorf("callout nested %d deep", d)
			}
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return nil, "", err
	}
	if got := strings.Count(out, `<div class="callout`); got != callouts {
		return nil, "", fmt.Errorf("%d callout nodes but %d callout divs rendered:\n%s", callouts, got, out)
	}
	return doc, out, nil
}

// convert is check for tests: it fails the test on a broken invariant.
func convert(t testing.TB, md goldmark.Markdown, src string) (ast.Node, string) {
	t.Helper()
	doc, out, err := check(md, src)
	if err != nil {
		t.Fatalf("input %q: %v", src, err)
	}
	return doc, out
}

var renderTests = []struct {
	name string
	src  string
	want string
}{
	{
		name: "simple",
		src:  "::: note\nHello *world*\n:::\n",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<p>Hello <em>world</em></p>
</div>
`,
	},
	{
		name: "with title",
		src:  "::: tip Before you start\nRead this.\n:::\n",
		want: `<div class="callout callout-tip" role="note">
<p class="callout-label"><span class="callout-kind">Tip</span><span class="callout-title">Before you start</span></p>
<p>Read this.</p>
</div>
`,
	},
	{
		name: "title is plain text and trimmed",
		src:  "::: tip   *Not* emphasised -- \"really\"   \nBody\n:::\n",
		want: `<div class="callout callout-tip" role="note">
<p class="callout-label"><span class="callout-kind">Tip</span><span class="callout-title">*Not* emphasised -- &quot;really&quot;</span></p>
<p>Body</p>
</div>
`,
	},
	{
		name: "script in title is escaped",
		src:  "::: safety <script>alert('x')</script> & more\nBody\n:::\n",
		want: `<div class="callout callout-safety" role="note">
<p class="callout-label"><span class="callout-kind">Take care</span><span class="callout-title">&lt;script&gt;alert('x')&lt;/script&gt; &amp; more</span></p>
<p>Body</p>
</div>
`,
	},
	{
		name: "nested",
		src:  "::: activity Warm-up\nIntro\n\n::: say\nGood morning!\n:::\n\nOutro\n:::\n",
		want: `<div class="callout callout-activity" role="note">
<p class="callout-label"><span class="callout-kind">Activity</span><span class="callout-title">Warm-up</span></p>
<p>Intro</p>
<div class="callout callout-say" role="note">
<p class="callout-label"><span class="callout-kind">Say</span></p>
<p>Good morning!</p>
</div>
<p>Outro</p>
</div>
`,
	},
	{
		name: "nested without blank lines",
		src:  "::: activity\n::: say\nHi\n:::\n:::\nafter\n",
		want: `<div class="callout callout-activity" role="note">
<p class="callout-label"><span class="callout-kind">Activity</span></p>
<div class="callout callout-say" role="note">
<p class="callout-label"><span class="callout-kind">Say</span></p>
<p>Hi</p>
</div>
</div>
<p>after</p>
`,
	},
	{
		name: "inside a list item",
		src:  "- Step one\n\n  ::: tip\n  Inside\n  :::\n- Step two\n",
		want: `<ul>
<li>
<p>Step one</p>
<div class="callout callout-tip" role="note">
<p class="callout-label"><span class="callout-kind">Tip</span></p>
<p>Inside</p>
</div>
</li>
<li>
<p>Step two</p>
</li>
</ul>
`,
	},
	{
		name: "list item starting with a callout",
		src:  "1. ::: exercise\n   Do it\n   :::\n",
		want: `<ol>
<li>
<div class="callout callout-exercise" role="note">
<p class="callout-label"><span class="callout-kind">Exercise</span></p>
<p>Do it</p>
</div>
</li>
</ol>
`,
	},
	{
		name: "list inside a callout is closed by the fence",
		src:  "::: note\n- a\n- b\n:::\nafter\n",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<ul>
<li>a</li>
<li>b</li>
</ul>
</div>
<p>after</p>
`,
	},
	{
		name: "fence inside a list item does not close the outer callout",
		src:  "::: note\n- item\n\n  :::\n:::\n",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<ul>
<li>
<p>item</p>
<p>:::</p>
</li>
</ul>
</div>
`,
	},
	{
		name: "inside a blockquote",
		src:  "> ::: reflection\n> Think.\n> :::\n\nafter\n",
		want: `<blockquote>
<div class="callout callout-reflection" role="note">
<p class="callout-label"><span class="callout-kind">Reflection</span></p>
<p>Think.</p>
</div>
</blockquote>
<p>after</p>
`,
	},
	{
		name: "blockquote inside a callout",
		src:  "::: note\n> quoted\n:::\nafter\n",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<blockquote>
<p>quoted</p>
</blockquote>
</div>
<p>after</p>
`,
	},
	{
		name: "interrupts a paragraph",
		src:  "Some text\n::: note\nBody\n:::\nMore text\n",
		want: `<p>Some text</p>
<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<p>Body</p>
</div>
<p>More text</p>
`,
	},
	{
		name: "closing fence interrupts a paragraph",
		src:  "::: note\nline one\nline two\n:::\n",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<p>line one
line two</p>
</div>
`,
	},
	{
		name: "unclosed runs to the end",
		src:  "::: note\nNever closed\n\n# Heading\n",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<p>Never closed</p>
<h1 id="heading">Heading</h1>
</div>
`,
	},
	{
		name: "unclosed at end of input without newline",
		src:  "::: note",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
</div>
`,
	},
	{
		name: "bare fence with nothing open is text",
		src:  ":::\ntext\n",
		want: "<p>:::\ntext</p>\n",
	},
	{
		name: "bare fence after a paragraph is text",
		src:  "para\n:::\n",
		want: "<p>para\n:::</p>\n",
	},
	{
		name: "extra closing fence is text",
		src:  "::: note\nx\n:::\n:::\n",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<p>x</p>
</div>
<p>:::</p>
`,
	},
	{
		name: "more than three colons",
		src:  "::::: tip\nx\n::::::::\n",
		want: `<div class="callout callout-tip" role="note">
<p class="callout-label"><span class="callout-kind">Tip</span></p>
<p>x</p>
</div>
`,
	},
	{
		name: "no space after colons",
		src:  ":::tip\nx\n:::\n",
		want: `<div class="callout callout-tip" role="note">
<p class="callout-label"><span class="callout-kind">Tip</span></p>
<p>x</p>
</div>
`,
	},
	{
		name: "pandoc trailing colons are not title",
		src:  "::: tip Title :::\nx\n:::\n",
		want: `<div class="callout callout-tip" role="note">
<p class="callout-label"><span class="callout-kind">Tip</span><span class="callout-title">Title</span></p>
<p>x</p>
</div>
`,
	},
	{
		name: "two colons is not a fence",
		src:  ":: tip\n",
		want: "<p>:: tip</p>\n",
	},
	{
		name: "kind must end at a space",
		src:  "::: tip!\n::: {.tip}\n",
		want: "<p>::: tip!\n::: {.tip}</p>\n",
	},
	{
		name: "indented up to three spaces",
		src:  "   ::: tip\n   x\n  :::\n",
		want: `<div class="callout callout-tip" role="note">
<p class="callout-label"><span class="callout-kind">Tip</span></p>
<p>x</p>
</div>
`,
	},
	{
		name: "four spaces is an indented code block",
		src:  "    ::: tip\n",
		want: "<pre><code>::: tip\n</code></pre>\n",
	},
	{
		name: "closing fence with trailing spaces",
		src:  "::: note\nx\n:::   \ny\n",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<p>x</p>
</div>
<p>y</p>
`,
	},
	{
		name: "empty callout",
		src:  "::: note\n:::\n",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
</div>
`,
	},
	{
		name: "CRLF line endings",
		src:  "::: note\r\nx\r\n:::\r\nafter\r\n",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<p>x</p>
</div>
<p>after</p>
`,
	},
	{
		name: "fenced code containing a fence does not close",
		src:  "::: facilitator\n```markdown\n::: tip\n:::\n```\nstill inside\n:::\nafter\n",
		want: `<div class="callout callout-facilitator" role="note">
<p class="callout-label"><span class="callout-kind">For facilitators</span></p>
<pre><code class="language-markdown">::: tip
:::
</code></pre>
<p>still inside</p>
</div>
<p>after</p>
`,
	},
	{
		name: "tilde fenced code containing a fence does not close",
		src:  "::: note\n~~~\n:::\n~~~\n:::\n",
		want: `<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<pre><code>:::
</code></pre>
</div>
`,
	},
	{
		name: "kind is lower-cased",
		src:  "::: TIP\nx\n:::\n",
		want: `<div class="callout callout-tip" role="note">
<p class="callout-label"><span class="callout-kind">Tip</span></p>
<p>x</p>
</div>
`,
	},
	{
		name: "unknown kind still renders",
		src:  "::: my-Thing2 Hi\nx\n:::\n",
		want: `<div class="callout callout-my-thing2" role="note">
<p class="callout-label"><span class="callout-kind">My-thing2</span><span class="callout-title">Hi</span></p>
<p>x</p>
</div>
`,
	},
	{
		name: "with other extensions",
		src: "::: exercise Table -- time\n## Steps {#steps}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
			"- [x] done ~~old~~\n\nTerm\n: Definition\n\n\"Quoted\" text[^1]\n:::\n\n[^1]: A note.\n",
		want: `<div class="callout callout-exercise" role="note">
<p class="callout-label"><span class="callout-kind">Exercise</span><span class="callout-title">Table -- time</span></p>
<h2 id="steps">Steps</h2>
<table>
<thead>
<tr>
<th>a</th>
<th>b</th>
</tr>
</thead>
<tbody>
<tr>
<td>1</td>
<td>2</td>
</tr>
</tbody>
</table>
<ul>
<li><input checked="" disabled="" type="checkbox"> done <del>old</del></li>
</ul>
<dl>
<dt>Term</dt>
<dd>Definition</dd>
</dl>
<p>&ldquo;Quoted&rdquo; text<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup></p>
</div>
<div class="footnotes" role="doc-endnotes">
<hr>
<ol>
<li id="fn:1">
<p>A note.&#160;<a href="#fnref:1" class="footnote-backref" role="doc-backlink">&#x21a9;&#xfe0e;</a></p>
</li>
</ol>
</div>
`,
	},
	{
		name: "fence after a definition term is a callout",
		src:  "Term\n::: note\nx\n:::\n",
		want: `<p>Term</p>
<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-kind">Note</span></p>
<p>x</p>
</div>
`,
	},
}

func TestRender(t *testing.T) {
	md := newMarkdown()
	for _, tt := range renderTests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := convert(t, md, tt.src)
			if got != tt.want {
				t.Errorf("input:\n%s\ngot:\n%s\nwant:\n%s", tt.src, got, tt.want)
			}
		})
	}
}

// calloutInfo is what TestAST checks about each Callout node.
type calloutInfo struct {
	Kind, Title string
	Closed      bool
	Line, Col   int // 1-based position of the opening fence's first colon
	Depth       int // number of Callout ancestors
}

func collect(doc ast.Node, source []byte) []calloutInfo {
	var out []calloutInfo
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		c, ok := n.(*Callout)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		depth := 0
		for p := c.Parent(); p != nil; p = p.Parent() {
			if p.Kind() == KindCallout {
				depth++
			}
		}
		before := source[:c.Pos()]
		line := bytes.Count(before, []byte("\n")) + 1
		col := c.Pos() - (bytes.LastIndexByte(before, '\n') + 1) + 1
		out = append(out, calloutInfo{c.CalloutKind, c.Title, c.Closed, line, col, depth})
		return ast.WalkContinue, nil
	})
	return out
}

func TestAST(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []calloutInfo
	}{
		{
			name: "closed with title",
			src:  "# Title\n\n::: Tip  Before you start \nx\n:::\n",
			want: []calloutInfo{{"tip", "Before you start", true, 3, 1, 0}},
		},
		{
			name: "unclosed",
			src:  "intro\n\n::: note\nNever closed\n",
			want: []calloutInfo{{"note", "", false, 3, 1, 0}},
		},
		{
			name: "nested, inner closed, outer not",
			src:  "::: activity\n\n::: say Hello\nHi\n:::\n\nstill in activity\n",
			want: []calloutInfo{
				{"activity", "", false, 1, 1, 0},
				{"say", "Hello", true, 3, 1, 1},
			},
		},
		{
			name: "siblings and nesting",
			src:  "::: activity\n::: say\na\n:::\n::: say\nb\n:::\n:::\n\n  ::: note\n  c\n  :::\n",
			want: []calloutInfo{
				{"activity", "", true, 1, 1, 0},
				{"say", "", true, 2, 1, 1},
				{"say", "", true, 5, 1, 1},
				{"note", "", true, 10, 3, 0},
			},
		},
		{
			name: "closed by the end of its list item",
			src:  "- ::: tip\n  x\n- next\n",
			want: []calloutInfo{{"tip", "", false, 1, 3, 0}},
		},
		{
			name: "in a blockquote after a tab",
			src:  "text\n\n>\t::: note\n>\tx\n>\t:::\n",
			want: []calloutInfo{{"note", "", true, 3, 3, 0}},
		},
		{
			name: "in a list item after a tab",
			src:  "-\t::: note\n\tx\n",
			want: []calloutInfo{{"note", "", false, 1, 3, 0}},
		},
		{
			name: "lazy continuation line is not a closing fence",
			src:  "> ::: note\n> x\n:::\n",
			want: []calloutInfo{{"note", "", false, 1, 3, 0}},
		},
		{
			name: "fence in code block",
			src:  "::: note\n```\n:::\n```\n",
			want: []calloutInfo{{"note", "", false, 1, 1, 0}},
		},
		{
			name: "no callouts",
			src:  ":::\n:: x\n::: !\n",
			want: nil,
		},
	}
	md := newMarkdown()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _ := convert(t, md, tt.src)
			got := collect(doc, []byte(tt.src))
			if !slices.Equal(got, tt.want) {
				t.Errorf("input:\n%s\ngot  %+v\nwant %+v", tt.src, got, tt.want)
			}
		})
	}
}

func TestWithLabels(t *testing.T) {
	md := newMarkdown(WithLabels(map[string]string{
		"Tip":    "Hint <b>",
		"custom": "Custom & co",
		"note":   "",
	}))
	tests := []struct {
		src, want string
	}{
		{
			"::: tip\n:::\n",
			`<div class="callout callout-tip" role="note">
<p class="callout-label"><span class="callout-kind">Hint &lt;b&gt;</span></p>
</div>
`,
		},
		{
			"::: custom\n:::\n",
			`<div class="callout callout-custom" role="note">
<p class="callout-label"><span class="callout-kind">Custom &amp; co</span></p>
</div>
`,
		},
		{ // defaults survive for kinds not mentioned
			"::: say\n:::\n",
			`<div class="callout callout-say" role="note">
<p class="callout-label"><span class="callout-kind">Say</span></p>
</div>
`,
		},
		{ // an empty label hides the kind span …
			"::: note Heads up\n:::\n",
			`<div class="callout callout-note" role="note">
<p class="callout-label"><span class="callout-title">Heads up</span></p>
</div>
`,
		},
		{ // … and the whole label paragraph when there is no title
			"::: note\nx\n:::\n",
			`<div class="callout callout-note" role="note">
<p>x</p>
</div>
`,
		},
	}
	for _, tt := range tests {
		if _, got := convert(t, md, tt.src); got != tt.want {
			t.Errorf("input:\n%s\ngot:\n%s\nwant:\n%s", tt.src, got, tt.want)
		}
	}
}

// TestRenderHandBuiltNode checks that the renderer sanitises kinds it did
// not parse itself and ignores node attributes.
func TestRenderHandBuiltNode(t *testing.T) {
	md := newMarkdown()
	doc := ast.NewDocument()
	c := NewCallout(`Ev"il <kind> x`, "T")
	c.SetAttributeString("style", []byte("color:red"))
	c.SetAttributeString("onclick", []byte("alert(1)"))
	doc.AppendChild(doc, c)
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, nil, doc); err != nil {
		t.Fatal(err)
	}
	want := `<div class="callout callout-evilkindx" role="note">
<p class="callout-label"><span class="callout-kind">Ev&quot;il &lt;kind&gt; x</span><span class="callout-title">T</span></p>
</div>
`
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestKinds(t *testing.T) {
	want := []string{"facilitator", "note", "tip", "safety", "activity", "exercise", "reflection", "say"}
	got := Kinds()
	if !slices.Equal(got, want) {
		t.Fatalf("Kinds() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if Kinds()[0] != "facilitator" {
		t.Fatal("Kinds() returned a shared slice")
	}
	for _, k := range want {
		if defaultLabels[k] == "" {
			t.Errorf("kind %q has no default label", k)
		}
	}
	if len(defaultLabels) != len(want) {
		t.Errorf("defaultLabels has %d entries, Kinds has %d", len(defaultLabels), len(want))
	}
}

func TestMaxNesting(t *testing.T) {
	md := newMarkdown()
	t.Run("at the limit", func(t *testing.T) {
		src := strings.Repeat("::: a\n", MaxNesting) + "x\n" + strings.Repeat(":::\n", MaxNesting) + "after\n"
		doc, out := convert(t, md, src)
		got := collect(doc, []byte(src))
		if len(got) != MaxNesting {
			t.Fatalf("got %d callouts, want %d", len(got), MaxNesting)
		}
		for i, c := range got {
			if !c.Closed || c.Depth != i || c.Line != i+1 {
				t.Errorf("callout %d = %+v", i, c)
			}
		}
		if !strings.HasSuffix(out, "<p>x</p>\n"+strings.Repeat("</div>\n", MaxNesting)+"<p>after</p>\n") {
			t.Errorf("unexpected output:\n%s", out)
		}
	})
	t.Run("beyond the limit", func(t *testing.T) {
		src := strings.Repeat("::: a\n", MaxNesting+1) + "x\n" + strings.Repeat(":::\n", MaxNesting+1)
		doc, out := convert(t, md, src)
		if got := collect(doc, []byte(src)); len(got) != MaxNesting {
			t.Fatalf("got %d callouts, want %d", len(got), MaxNesting)
		}
		want := "<p>::: a\nx</p>\n" + strings.Repeat("</div>\n", MaxNesting) + "<p>:::</p>\n"
		if !strings.HasSuffix(out, want) {
			t.Errorf("output does not end with %q:\n%s", want, out)
		}
	})
	t.Run("very deep input is cheap", func(t *testing.T) {
		// Without the limit this takes seconds and ~1 GB.
		src := strings.Repeat("::: a\n", 5000) + "x\n" + strings.Repeat(":::\n", 5000)
		doc, _ := convert(t, md, src)
		if got := collect(doc, []byte(src)); len(got) != MaxNesting {
			t.Fatalf("got %d callouts, want %d", len(got), MaxNesting)
		}
	})
}

func FuzzCallout(f *testing.F) {
	for _, tt := range renderTests {
		f.Add(tt.src)
	}
	for _, s := range []string{
		"> ::: note\n> x\n:::\n",
		"-\t::: note\n\tx\n",
		">\t::: note\n",
		"::: a\n<div>\n:::\n</div>\n:::\n",
		"Text[^1]\n\n[^1]: ::: tip\n    in fn\n    :::\n",
		"Term\n: def\n\n  ::: tip\n  x\n  :::\n",
		"::: a\n- ```\n  code\n:::\nafter\n",
		"| a |\n|---|\n::: tip\n:::\n",
		"::: note\nText\n===\n:::\n",
	} {
		f.Add(s)
	}
	md := newMarkdown()
	f.Fuzz(func(t *testing.T, src string) {
		// A panic crashes the worker and is reported by the fuzzer; a
		// parse that never ends is reported here.
		done := make(chan error, 1)
		go func() {
			_, _, err := check(md, src)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("input %q: %v", src, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("input %q: did not finish within 10s", src)
		}
	})
}

func TestWithHidden(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(New(WithHidden("facilitator"))))
	var out bytes.Buffer
	src := "Before.\n\n::: facilitator Secret\nOnly for *you*.\n\n::: note\nNested inside.\n:::\n:::\n\n::: tip\nShown.\n:::\n"
	if err := md.Convert([]byte(src), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, hidden := range []string{"Secret", "Only for", "Nested inside", "callout-facilitator", "callout-note"} {
		if strings.Contains(got, hidden) {
			t.Errorf("hidden callout leaked %q:\n%s", hidden, got)
		}
	}
	for _, shown := range []string{"Before.", "Shown.", "callout-tip"} {
		if !strings.Contains(got, shown) {
			t.Errorf("output lost %q:\n%s", shown, got)
		}
	}
}
