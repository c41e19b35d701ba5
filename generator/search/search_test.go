package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"haven/generator/corpus"
	"haven/generator/diag"
	"haven/generator/markdown"
	"math/rand/v2"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestTerms(t *testing.T) {
	tests := map[string]string{
		"Café au LAIT":              "cafe au lait",
		"Check-in & breathing":      "check in breathing",
		"don’t a b":                 "don",
		"Ünïcödé 42 x":              "unicode 42",
		"日本語の文":                     "日本語の文",
		"<script>alert(1)</script>": "script alert script",
	}
	for in, want := range tests {
		if got := strings.Join(Terms(in), " "); got != want {
			t.Errorf("Terms(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplit(t *testing.T) {
	body := `<p>Intro <em>text</em>.</p>
<h2 id="welcome">Welcome <span class="activity-time">18:30–18:40 · 10 minutes</span></h2>
<div class="callout callout-say" role="note"><p class="callout-label"><span class="callout-kind">Say</span></p><p>Hello &amp; welcome.</p></div>
<h3 id="sub">Sub part</h3><p>Deeper.</p>
<h4 id="small">Small</h4><p>Still in sub.</p>`
	secs, _ := split(nil, []byte(body), false)
	var got []string
	for _, s := range secs {
		got = append(got, s.anchor+"|"+collapse(s.heading)+"|"+collapse(s.text))
	}
	want := []string{"||Intro text.", "welcome|Welcome|Hello & welcome.", "sub|Sub part|Deeper. Small Still in sub."}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sections:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// decode reads a script file's JSON argument.
func decode(t *testing.T, data []byte, v any) {
	t.Helper()
	s := string(data)
	start, end := strings.Index(s, "("), strings.LastIndex(s, ")")
	arg := s[start+1 : end]
	if i := strings.Index(arg, ","); i >= 0 && !strings.HasPrefix(arg, "{") {
		arg = arg[i+1:]
	}
	if err := json.Unmarshal([]byte(arg), v); err != nil {
		t.Fatalf("%v in %s", err, s)
	}
}

func TestBuildWeightsAndEscaping(t *testing.T) {
	files, st := Build([]Page{
		{Title: "Breathing <script>", URL: "a.html", Module: "M", Body: []byte(`<p>calm words</p><h2 id="h">Calm corner</h2><p>breathing again</p>`)},
		{Title: "Other", URL: "b.html", Body: []byte(`<p>calm</p>`)},
	})
	if st.Pages != 2 || st.Sections != 3 {
		t.Fatalf("stats %+v", st)
	}
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = f.Data
		if strings.Contains(string(f.Data), "<") {
			t.Errorf("%s contains a raw <: %s", f.Path, f.Data)
		}
	}
	var idx struct {
		Pages    [][]any        `json:"pages"`
		Sections [][]any        `json:"sections"`
		Shards   map[string]int `json:"shards"`
		Texts    int            `json:"texts"`
		KeyLen   int            `json:"keylen"`
	}
	decode(t, byPath["search/index.js"], &idx)
	if len(idx.Pages) != 2 || len(idx.Sections) != 3 || idx.KeyLen != 0 || len(idx.Shards) != 1 || idx.Texts != 1 {
		t.Fatalf("index %+v", idx)
	}
	var terms map[string][]int
	decode(t, byPath["search/t-0.js"], &terms)
	if got := terms["breathing"]; len(got) != 4 || got[0] != 0 || got[1] != WeightTitle || got[2] != 1 || got[3] != WeightBody {
		t.Errorf("breathing postings %v", got)
	}
	if got := terms["calm"]; len(got) != 6 || got[3] != WeightHeading {
		t.Errorf("calm postings %v", got)
	}
	var texts []string
	decode(t, byPath["search/x-0.js"], &texts)
	if len(texts) != 3 || texts[1] != "breathing again" {
		t.Errorf("texts %q", texts)
	}
}

// FuzzJSONString checks the index's string writer against encoding/json
// (which escapes <, > and & too).
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "a \"quote\" and \\ back", "<script>&</script>", "tab\tnew\nline\x01", "é\u2028\u2029", "bad \xff byte", "  lead  and\n trail \t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var w jsonWriter
		w.str(s)
		want, _ := json.Marshal(s)
		want = bytes.ReplaceAll(want, []byte(`\ufffd`), []byte("\ufffd")) // json writes U+FFFD as itself
		got := bytes.ReplaceAll(w.b, []byte(`\ufffd`), []byte("\ufffd"))
		if !bytes.Equal(got, want) {
			// Other escapes of the same text are fine (\u000c for \f):
			// it must read back as s, each bad byte as U+FFFD.
			var back string
			if err := json.Unmarshal(w.b, &back); err != nil || back != string([]rune(s)) {
				t.Errorf("str(%q) = %s, want %s", s, w.b, want)
			}
		}
	})
}

// benchPages are sessions of a generated programme, rendered.
func benchPages(tb testing.TB, n int) []Page {
	m := markdown.New(markdown.Options{})
	var pages []Page
	for i := range n {
		text := []byte(corpus.Session(1+i/30, 1+i%30, 1))
		_, body, _ := bytes.Cut(text[4:], []byte("\n---\n")) // after the frontmatter
		doc := m.Parse(body, func(int) diag.Position { return diag.Position{File: "s.md"} }, &diag.List{})
		var html bytes.Buffer
		if err := m.Render(&html, doc, false); err != nil {
			tb.Fatal(err)
		}
		pages = append(pages, Page{Title: fmt.Sprintf("Session %d", i), URL: fmt.Sprintf("m/s-%d.html", i), Module: "Module", Body: html.Bytes()})
	}
	return pages
}

func BenchmarkAnalyze(b *testing.B) {
	pages := benchPages(b, 100)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pages {
			Analyze(p)
		}
	}
}

func BenchmarkAssemble(b *testing.B) {
	pages := benchPages(b, 1000)
	as := make([]*Analysis, len(pages))
	for i, p := range pages {
		as[i] = Analyze(p)
	}
	b.ReportAllocs()
	for b.Loop() {
		Assemble(as)
	}
}

// TestAssembleWorkers: the index is the same bytes whatever the number of
// workers that gather its postings (each takes a run of sections; their
// lists are joined in order). (P6)
func TestAssembleWorkers(t *testing.T) {
	pages := benchPages(t, 300)
	as := make([]*Analysis, len(pages))
	for i, p := range pages {
		as[i] = Analyze(p)
	}
	var want []File
	for _, procs := range []int{1, 2, 3, 8} {
		prev := runtime.GOMAXPROCS(procs)
		files, st := Assemble(as)
		runtime.GOMAXPROCS(prev)
		if st.Sections < 256*procs {
			t.Fatalf("%d sections: too few for %d workers", st.Sections, procs)
		}
		if want == nil {
			want = files
			continue
		}
		if !reflect.DeepEqual(files, want) {
			t.Errorf("%d workers: an index other than one worker's", procs)
		}
	}
}

// TestAnalyzeEditions: the participant's analysis made from the
// facilitator's page (AnalyzeEditions) is the analysis of the participant's
// own page, for pages with facilitator callouts anywhere: first and last,
// with headings inside, in lists and quotes, beside other callouts.
func TestAnalyzeEditions(t *testing.T) {
	pages := []string{
		"::: facilitator\nFirst thing, for facilitators.\n:::\n\nOpening words.\n\n## One {#one}\n\nText one.\n",
		"Intro.\n\n## A {#a}\n\nBefore.\n\n::: facilitator\n## Inside {#inside}\n\nHidden words.\n\n### Deeper {#deeper}\n\nMore hidden.\n:::\n\nAfter the callout.\n\n## B {#b}\n\nB text.\n\n::: facilitator\nLast.\n:::\n",
		"- item one\n\n  ::: facilitator\n  in a list\n  :::\n- item two\n\n> quote\n>\n> ::: facilitator\n> in a quote\n> :::\n\n::: tip\nA tip for all.\n:::\n\n::: facilitator\n::: tip\nNested tip.\n:::\n:::\n\nword&amp;word after\n",
		"## Only {#only}\n\nNo callout at all, *emphasis* and `code`.\n",
		// Classes an author gives headings are the author's, even
		// when named as haven's own (a callout's, a label's).
		"## Zebra {.callout-facilitator}\n\nGnu text.\n\n## Yak {#yak .callout-label}\n\nLlama text.\n\n::: facilitator\nHidden.\n:::\n",
	}
	for i := range 40 {
		text := corpus.Session(1+i/10, 1+i%10, 3)
		_, body, _ := strings.Cut(text[4:], "\n---\n")
		pages = append(pages, body)
	}
	m := markdown.New(markdown.Options{})
	for i, src := range pages {
		doc := m.Parse([]byte(src), func(int) diag.Position { return diag.Position{File: "p.md"} }, &diag.List{})
		var fac, part bytes.Buffer
		if err := m.Render(&fac, doc, false); err != nil {
			t.Fatal(err)
		}
		if err := m.Render(&part, doc, true); err != nil {
			t.Fatal(err)
		}
		if i < 3 && bytes.Equal(fac.Bytes(), part.Bytes()) {
			t.Fatalf("page %d has no facilitator callout to leave out", i)
		}
		page := Page{Title: "Page", URL: "p.html", Module: "M", Summary: "A summary.", Body: fac.Bytes()}
		gotFac, gotPart := AnalyzeEditions(page)
		if i == 1 && len(gotPart.sections) != len(gotFac.sections)-2 {
			t.Errorf("the headings inside the callout: %d sections for the facilitator, %d for the participant", len(gotFac.sections), len(gotPart.sections))
		}
		if want := Analyze(page); !reflect.DeepEqual(gotFac, want) {
			t.Errorf("page %d: the facilitator's analysis differs from Analyze's", i)
		}
		if i == 4 {
			for _, a := range []*Analysis{gotFac, gotPart} {
				var words []string
				for _, s := range a.sections {
					eachPacked(s.terms, func(term string, _ int) { words = append(words, term) })
				}
				if !slices.Contains(words, "zebra") || !slices.Contains(words, "yak") {
					t.Errorf("the headings' words are not all indexed: %v", words)
				}
			}
		}
		page.Body = part.Bytes()
		if want := Analyze(page); !reflect.DeepEqual(gotPart, want) {
			t.Errorf("page %d: the participant's analysis made from the facilitator's page differs from the participant page's own:\n got %+v\nwant %+v", i, gotPart.sections, want.sections)
		}
	}
}

// TestAnalyzeLeavesBodyAlone: analysing a page reads its body without
// changing it, nor the byte after it (the HTML lexer writes names in lower
// case and a NUL after the end of what it reads); the page and its print
// article are made from the same bytes.
func TestAnalyzeLeavesBodyAlone(t *testing.T) {
	body := `<H2 ID="a">Part</H2><P Class="x">Some words</P>`
	buf := make([]byte, len(body)+8)
	copy(buf, body)
	buf[len(body)] = '!'
	in := buf[:len(body)]
	AnalyzeEditions(Page{Title: "T", URL: "t.html", Body: in})
	if string(in) != body || buf[len(body)] != '!' {
		t.Errorf("the body was changed: %q, then %q", in, buf[len(body)])
	}
}

// TestTermSet: the set keeps each distinct term once, in the order first
// met, with the largest weight it was met with, across resets and as its
// table grows (sections of a few terms and of thousands).
func TestTermSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var ts termSet
	for _, n := range []int{0, 1, 5, 127, 128, 129, 3000, 2, 20000, 7} {
		ts.reset()
		var order []string
		weights := map[string]byte{}
		for range n {
			term := fmt.Sprintf("t%x", rng.IntN(max(1, n/2)))
			w := byte(1 + rng.IntN(3))
			ts.add([]byte(term), int(w))
			if _, ok := weights[term]; !ok {
				order = append(order, term)
			}
			weights[term] = max(weights[term], w)
		}
		var want []byte
		for _, term := range order {
			want = append(append(want, term...), weights[term])
		}
		if got := ts.String(); got != string(want) {
			t.Errorf("%d terms: packed %q..., want %q...", n, got[:min(len(got), 40)], want[:min(len(want), 40)])
		}
	}
}

// FuzzASCIITerms holds the one-pass reading of ASCII text (terms with
// their hashes) to the reading of any text, term for term.
func FuzzASCIITerms(f *testing.F) {
	for _, s := range []string{"", "a", "ab", "Check-in & BREATHING 42", "x1 y22 z", strings.Repeat("long", 30) + " w"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !isASCII(s) {
			return
		}
		var want []string
		eachUnicodeTerm(s, func(b []byte) { want = append(want, string(b)) })
		var got []string
		eachASCIITerm(s, func(b []byte, h uint32) {
			if h != fnv(b) {
				t.Errorf("%q: hash %x, want %x", b, h, fnv(b))
			}
			got = append(got, string(b))
		})
		if !slices.Equal(got, want) {
			t.Errorf("eachASCIITerm(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzScanASCII holds the one-pass reading of a section's text to what it
// stands for: collapse, then the terms of the folded text with their
// hashes, and the folded text written as a JSON string.
func FuzzScanASCII(f *testing.F) {
	for _, s := range []string{"", " ", "a", " a ", "a  b", "a\nb\tc", "Tom & \"Jo\" <b>", "x\\y", "a\x01b", "  lead", "trail  ", "a b c", "é a", "a \x7f b", "A-b_C 42", "x " + strings.Repeat("Ab", 40) + " y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var q jsonWriter
		var got []string
		ok := scanASCII(s, &q, func(b []byte, h uint32) {
			if h != fnv(b) {
				t.Errorf("%q: hash %x, want %x", b, h, fnv(b))
			}
			got = append(got, string(b))
		})
		if ok != isASCII(s) {
			t.Fatalf("scanASCII(%q) took it: %v", s, ok)
		}
		if !ok {
			if q.b != nil {
				t.Errorf("scanASCII(%q) refused it, but wrote %q", s, q.b)
			}
			return
		}
		text := collapse(s)
		var want []string
		eachTerm(text, func(b []byte) { want = append(want, string(b)) })
		var wq jsonWriter
		wq.str(text)
		if !slices.Equal(got, want) || string(q.b) != string(wq.b) {
			t.Errorf("scanASCII(%q) = %s, %q; want %s, %q", s, q.b, got, wq.b, want)
		}
	})
}

func BenchmarkScanASCII(b *testing.B) {
	var text strings.Builder
	for _, p := range benchPages(b, 20) {
		text.Write(p.Body)
	}
	// Section text as split gives it: the pages' text without tags.
	s := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(text.String(), " ")
	b.SetBytes(int64(len(s)))
	var ts termSet
	var q jsonWriter
	for b.Loop() {
		ts.reset()
		q.b = q.b[:0]
		scanASCII(s, &q, func(t []byte, h uint32) { ts.addHashed(t, h, WeightBody) })
	}
}

// FuzzHasClass holds hasClass to a look through strings.Fields.
func FuzzHasClass(f *testing.F) {
	for _, s := range []string{"callout callout-facilitator", " callout-label ", "a\tb\nc", "callout-facilitatorx", "x\u00a0callout-label", ""} {
		f.Add(s, "callout-facilitator")
		f.Add(s, "callout-label")
	}
	f.Fuzz(func(t *testing.T, attr, class string) {
		if class == "" || strings.ContainsFunc(class, unicode.IsSpace) {
			return // a class is a word
		}
		if got, want := hasClass(attr, class), slices.Contains(strings.Fields(attr), class); got != want {
			t.Errorf("hasClass(%q, %q) = %v, want %v", attr, class, got, want)
		}
	})
}
