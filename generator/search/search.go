// Package search builds an edition's search index from its rendered pages:
// script files that the theme's JavaScript loads with plain <script>
// elements, so that search works from disk with no server. The index is
// sharded by the first two letters of each term, and the section texts used
// for excerpts are sharded too, so a search loads only what it needs.
//
// Files, all under search/ in the edition:
//
//	index.js  havenSearch.index({pages, sections, shards, texts, keylen})
//	t-N.js    havenSearch.terms(N, {term: [section, weight, ...]})
//	x-N.js    havenSearch.texts(N, [text, ...])  // TextsPerShard sections each
package search

import (
	"fmt"
	"html"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tdewolff/parse/v2"
	phtml "github.com/tdewolff/parse/v2/html"
	"golang.org/x/text/unicode/norm"

	"haven/generator/work"
)

// Weights of where a term occurs; a section keeps the largest.
const (
	WeightTitle   = 8
	WeightHeading = 4
	WeightBody    = 1
)

// TextsPerShard is how many section texts one x-N.js file holds.
const TextsPerShard = 100

// Below SmallIndex bytes of postings the terms go in one shard; below
// LargeIndex they are sharded by their first letter, above it by their
// first two.
const (
	SmallIndex = 96 << 10
	LargeIndex = 1 << 20
)

// Page is a rendered page of an edition.
type Page struct {
	Title   string
	URL     string // relative to the edition root
	Module  string // the module's or folder's title, or ""
	Summary string
	// Body is the page's rendered Markdown, as this edition shows it.
	Body []byte
}

// File is a file of the index, relative to the edition root.
type File struct {
	Path string
	Data []byte
}

// Stats describe an index.
type Stats struct {
	Pages, Sections, Terms int
	Bytes                  int
}

type section struct {
	page    int
	anchor  string
	heading string
	level   int
	text    strings.Builder
}

// Section is a part of a page: its opening (Anchor "") or a heading and
// the text under it.
type Section struct {
	Anchor  string
	Heading string
	Level   int
	Text    string
}

// Analysis is what one page brings to the index. It depends on the page
// alone, so it can be kept between builds.
type Analysis struct {
	Title, URL, Module string
	Sections           []Section
	// Terms holds, for each section, the weight of each of its terms.
	Terms []map[string]int
	// quoted holds each section's text as a JSON string, escaped once
	// here rather than on every build that keeps this analysis.
	quoted []string
}

// Analyze splits a page into sections and weighs their terms.
func Analyze(p Page) *Analysis {
	a := &Analysis{Title: p.Title, URL: p.URL, Module: p.Module}
	open := &section{level: 1}
	if p.Summary != "" {
		open.text.WriteString(p.Summary)
		open.text.WriteString(" ")
	}
	secs := []*section{open}
	for _, s := range split(p.Body) {
		if s.anchor == "" {
			open.text.WriteString(s.text.String())
			continue
		}
		secs = append(secs, s)
	}
	for i, s := range secs {
		terms := make(map[string]int, s.text.Len()/12)
		weigh := func(text string, w int) {
			for _, t := range Terms(text) {
				terms[t] = max(terms[t], w)
			}
		}
		if i == 0 {
			weigh(p.Title, WeightTitle)
		}
		weigh(s.heading, WeightHeading)
		text := collapse(s.text.String())
		weigh(text, WeightBody)
		a.Sections = append(a.Sections, Section{Anchor: s.anchor, Heading: collapse(s.heading), Level: s.level, Text: text})
		a.Terms = append(a.Terms, terms)
		var q jsonWriter
		q.str(text)
		a.quoted = append(a.quoted, string(q.b))
	}
	return a
}

// Build indexes pages, in reading order.
func Build(pages []Page) ([]File, Stats) {
	as := make([]*Analysis, len(pages))
	for i, p := range pages {
		as[i] = Analyze(p)
	}
	return Assemble(as)
}

// Assemble writes the index of analysed pages, in reading order.
func Assemble(pages []*Analysis) ([]File, Stats) {
	type sec struct {
		page   int
		s      Section
		quoted string
	}
	var secs []sec
	postings := map[string][]int{} // term -> section, weight, section, weight...
	var pageRows [][3]string
	for pi, a := range pages {
		pageRows = append(pageRows, [3]string{a.Title, a.URL, a.Module})
		for si, s := range a.Sections {
			idx := len(secs)
			secs = append(secs, sec{pi, s, a.quoted[si]})
			for t, w := range a.Terms[si] {
				postings[t] = append(postings[t], idx, w)
			}
		}
	}

	// Shards by the first keyLen runes of each term, numbered in key
	// order: one shard for a small programme, more as it grows, so that a
	// search loads a small part of a large index.
	size := 0
	for term, list := range postings {
		size += len(term) + 4*len(list)
	}
	keyLen := 2
	switch {
	case size < SmallIndex:
		keyLen = 0
	case size < LargeIndex:
		keyLen = 1
	}
	byKey := map[string][]string{}
	for term := range postings {
		key := string([]rune(term)[:keyLen])
		byKey[key] = append(byKey[key], term)
	}
	keys := slices.Sorted(maps.Keys(byKey))
	shardIDs := make(map[string]int, len(keys))
	for i, k := range keys {
		shardIDs[k] = i
	}

	var st Stats
	var idx jsonWriter
	idx.raw(`havenSearch.index({"pages":[`)
	for i, r := range pageRows {
		idx.comma(i)
		idx.raw("[")
		idx.str(r[0])
		idx.raw(",")
		idx.str(r[1])
		idx.raw(",")
		idx.str(r[2])
		idx.raw("]")
	}
	idx.raw(`],"sections":[`)
	for i, s := range secs {
		idx.comma(i)
		idx.raw("[" + strconv.Itoa(s.page) + ",")
		idx.str(s.s.Anchor)
		idx.raw(",")
		idx.str(s.s.Heading)
		idx.raw("," + strconv.Itoa(s.s.Level) + "]")
	}
	idx.raw(`],"shards":{`)
	for i, k := range keys {
		idx.comma(i)
		idx.str(k)
		idx.raw(":" + strconv.Itoa(shardIDs[k]))
	}
	idx.raw(fmt.Sprintf(`},"texts":%d,"keylen":%d});`+"\n", (len(secs)+TextsPerShard-1)/TextsPerShard, keyLen))

	shards := make([]File, len(keys))
	work.Each(len(keys), func(i int) {
		terms := byKey[keys[i]]
		slices.Sort(terms)
		var w jsonWriter
		w.raw("havenSearch.terms(" + strconv.Itoa(i) + ",{")
		for j, term := range terms {
			w.comma(j)
			w.str(term)
			w.raw(":[")
			// In section order: sections were added in order.
			for k, n := range postings[term] {
				w.comma(k)
				w.raw(strconv.Itoa(n))
			}
			w.raw("]")
		}
		w.raw("});\n")
		shards[i] = File{Path: "search/t-" + strconv.Itoa(i) + ".js", Data: w.b}
	})
	nTexts := (len(secs) + TextsPerShard - 1) / TextsPerShard
	texts := make([]File, nTexts)
	work.Each(nTexts, func(n int) {
		var w jsonWriter
		w.raw("havenSearch.texts(" + strconv.Itoa(n) + ",[")
		for j, s := range secs[n*TextsPerShard : min(len(secs), (n+1)*TextsPerShard)] {
			w.comma(j)
			w.raw(s.quoted)
		}
		w.raw("]);\n")
		texts[n] = File{Path: "search/x-" + strconv.Itoa(n) + ".js", Data: w.b}
	})
	files := append([]File{{Path: "search/index.js", Data: idx.b}}, shards...)
	files = append(files, texts...)
	for _, f := range files {
		st.Bytes += len(f.Data)
	}
	st.Pages, st.Sections, st.Terms = len(pages), len(secs), len(postings)
	return files, st
}

// jsonWriter writes the index's JavaScript: JSON data in a function call.
// Strings are escaped as encoding/json does with HTML escaping (<, > and &
// as \u003c, \u003e and \u0026, and U+2028 and U+2029), so no text of a
// page can close the script or open markup.
type jsonWriter struct{ b []byte }

func (w *jsonWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *jsonWriter) comma(i int) {
	if i > 0 {
		w.b = append(w.b, ',')
	}
}

const hexDigits = "0123456789abcdef"

func (w *jsonWriter) str(s string) {
	w.b = append(w.b, '"')
	for len(s) > 0 {
		// Copy the run of ASCII that needs no escaping in one go.
		i := 0
		for i < len(s) && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\' && s[i] != '<' && s[i] != '>' && s[i] != '&' {
			i++
		}
		w.b = append(w.b, s[:i]...)
		s = s[i:]
		if len(s) == 0 {
			break
		}
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		switch {
		case r == '"' || r == '\\':
			w.b = append(w.b, '\\', byte(r))
		case r == '\n':
			w.b = append(w.b, '\\', 'n')
		case r == '\t':
			w.b = append(w.b, '\\', 't')
		case r < 0x20 || r == '<' || r == '>' || r == '&' || r == '\u2028' || r == '\u2029' || r == utf8.RuneError:
			if r == utf8.RuneError {
				r = 0xfffd
			}
			w.b = append(w.b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		default:
			w.b = utf8.AppendRune(w.b, r)
		}
	}
	w.b = append(w.b, '"')
}

// split cuts a page body into sections at its h2 and h3 headings that have
// ids. Text before the first heading has an empty anchor. The time shown
// beside activity headings and callout labels are left out.
func split(body []byte) []*section {
	cur := &section{level: 1}
	out := []*section{cur}
	lex := phtml.NewLexer(parse.NewInputBytes(body))
	var inHeading bool
	skipDepth := 0 // >0 while inside an element whose text is left out
	var tag string
	var skipTag string
	for {
		tt, data := lex.Next()
		switch tt {
		case phtml.ErrorToken:
			if lex.Err() != io.EOF {
				return out
			}
			return out
		case phtml.StartTagToken:
			tag = string(lex.Text())
			if skipDepth > 0 && tag == skipTag {
				skipDepth++
			}
			if (tag == "h2" || tag == "h3") && skipDepth == 0 {
				cur = &section{level: int(tag[1] - '0')}
				out = append(out, cur)
				inHeading = true
			}
			if blocks[tag] {
				cur.text.WriteByte(' ')
			}
		case phtml.AttributeToken:
			name := string(lex.Text())
			val := strings.Trim(string(lex.AttrVal()), `"'`)
			switch {
			case name == "id" && inHeading && cur.anchor == "":
				cur.anchor = html.UnescapeString(val)
			case name == "class" && skipDepth == 0 && (hasClass(val, "activity-time") || hasClass(val, "callout-label")):
				skipDepth, skipTag = 1, tag
			}
		case phtml.EndTagToken:
			name := string(lex.Text())
			if skipDepth > 0 && name == skipTag {
				skipDepth--
			}
			if inHeading && (name == "h2" || name == "h3") {
				inHeading = false
			}
			if blocks[name] {
				cur.text.WriteByte(' ')
			}
		case phtml.TextToken:
			if skipDepth > 0 {
				continue
			}
			t := html.UnescapeString(string(data))
			if inHeading {
				cur.heading += t
			} else {
				cur.text.WriteString(t)
			}
		}
	}
}

// blocks are the elements whose edges separate words.
var blocks = map[string]bool{"p": true, "li": true, "td": true, "th": true, "div": true, "dd": true, "dt": true,
	"br": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true,
	"tr": true, "ul": true, "ol": true, "dl": true, "table": true, "hr": true, "section": true}

func hasClass(attr, class string) bool {
	return slices.Contains(strings.Fields(attr), class)
}

// Terms returns the normalised search terms of text: NFD with combining
// marks removed, lower case, runs of letters and digits of at least two
// characters. The theme's JavaScript normalises queries the same way.
func Terms(text string) []string {
	if isASCII(text) {
		return asciiTerms(text)
	}
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) >= 2 {
			out = append(out, string(cur))
		}
		cur = cur[:0]
	}
	for _, r := range norm.NFD.String(text) {
		switch {
		case unicode.Is(unicode.M, r):
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			cur = append(cur, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// collapse folds runs of white space into one space, and trims it from
// both ends.
func collapse(s string) string {
	if isASCII(s) {
		b := make([]byte, 0, len(s))
		space := false
		for i := 0; i < len(s); i++ {
			switch c := s[i]; c {
			case ' ', '\t', '\n', '\r', '\v', '\f':
				space = len(b) > 0
			default:
				if space {
					b = append(b, ' ')
					space = false
				}
				b = append(b, c)
			}
		}
		return string(b)
	}
	return strings.Join(strings.Fields(s), " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiTerms is Terms for plain ASCII text, which needs no normalising.
func asciiTerms(s string) []string {
	var out []string
	start := -1
	lower := false
	flush := func(end int) {
		if start >= 0 && end-start >= 2 {
			t := s[start:end]
			if lower {
				t = strings.ToLower(t)
			}
			out = append(out, t)
		}
		start, lower = -1, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if start < 0 {
				start = i
			}
		case c >= 'A' && c <= 'Z':
			if start < 0 {
				start = i
			}
			lower = true
		default:
			flush(i)
		}
	}
	flush(len(s))
	return out
}
