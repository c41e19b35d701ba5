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
	"bytes"
	"fmt"
	"html"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	phtml "github.com/tdewolff/parse/v2/html"
	"golang.org/x/text/unicode/norm"

	"haven/generator/htmllex"
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
	// Lexer, when set, reads Body: one the caller keeps for the next
	// page, with room for a page's tokens.
	Lexer *htmllex.Lexer
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
	anchor  string
	heading string
	level   int
	// from is where its text starts in its page's text (split); text
	// is its text, once split ends.
	from int
	text string
}

// Analysis is what one page brings to the index. It depends on the page
// alone, so it can be kept between builds. It is kept small: an edition's
// analyses are held until its index is assembled.
type Analysis struct {
	title, url, module string
	sections           []analysed
}

// analysed is a part of a page: its opening (anchor "") or a heading and
// the text under it.
type analysed struct {
	anchor, heading string
	level           int
	// quoted is the section's text as a JSON string, escaped once here
	// rather than on every build that keeps this analysis. A page's
	// sections share one array.
	quoted []byte
	// terms holds the section's distinct terms, each followed by one
	// byte, its weight (terms hold only letters and digits).
	terms string
}

// raw is a section's text and heading as split found them, for comparing
// one edition's sections with the other's (AnalyzeEditions).
type raw struct{ text, heading string }

// Analyze splits a page into sections and weighs their terms.
func Analyze(p Page) *Analysis {
	secs, _ := split(p.Lexer, p.Body, false)
	a, _ := analyze(p, secs, nil, nil)
	return a
}

// AnalyzeEditions analyses a page of the facilitator edition and, from the
// same scan, the page as the participant edition shows it: the same page
// without its facilitator callouts (elements of class
// "callout-facilitator"). The participant's analysis is Analyze's of that
// page; its sections without a facilitator callout are the facilitator's,
// shared.
func AnalyzeEditions(p Page) (facilitator, participant *Analysis) {
	fac, part := split(p.Lexer, p.Body, true)
	facilitator, raws := analyze(p, fac, nil, nil)
	participant, _ = analyze(p, part, facilitator, raws)
	return facilitator, participant
}

// analyze weighs the terms of a page's sections (from split), and gives
// their raw text. A section that other has the same (anchor, level, and
// heading and text as in otherRaw) is taken from there.
func analyze(p Page, sections []*section, other *Analysis, otherRaw []raw) (*Analysis, []raw) {
	a := &Analysis{title: p.Title, url: p.URL, module: p.Module}
	open := &section{level: 1}
	var opening strings.Builder
	if p.Summary != "" {
		opening.WriteString(p.Summary)
		opening.WriteString(" ")
	}
	secs := []*section{open}
	for _, s := range sections {
		if s.anchor == "" {
			opening.WriteString(s.text)
			continue
		}
		secs = append(secs, s)
	}
	open.text = opening.String()
	var same map[string]int // other's sections by anchor
	if other != nil {
		same = make(map[string]int, len(other.sections))
		for i, o := range other.sections {
			same[o.anchor] = i
		}
	}
	var ts termSet
	raws := make([]raw, len(secs))
	a.sections = make([]analysed, 0, len(secs))
	// The sections' JSON strings, one after another in one array: the
	// text, its escapes (a few), and the quotes.
	size := 0
	for _, s := range secs {
		size += len(s.text) + len(s.text)/16 + 2
	}
	q := jsonWriter{b: make([]byte, 0, size)}
	for i, s := range secs {
		raws[i] = raw{s.text, s.heading}
		// Only the opening has no anchor: equal anchors are both it
		// or both not.
		if j, ok := same[s.anchor]; ok {
			if o := other.sections[j]; o.level == s.level && otherRaw[j] == raws[i] {
				a.sections = append(a.sections, o)
				continue
			}
		}
		ts.reset()
		if i == 0 {
			eachTerm(p.Title, func(t []byte) { ts.add(t, WeightTitle) })
		}
		eachTerm(s.heading, func(t []byte) { ts.add(t, WeightHeading) })
		from := len(q.b)
		if !scanASCII(s.text, &q, func(t []byte, h uint32) { ts.addHashed(t, h, WeightBody) }) {
			text := collapse(s.text)
			eachTerm(text, func(t []byte) { ts.add(t, WeightBody) })
			q.str(text)
		}
		a.sections = append(a.sections, analysed{anchor: s.anchor, heading: collapse(s.heading), level: s.level,
			quoted: q.b[from:len(q.b):len(q.b)], terms: ts.String()})
	}
	return a, raws
}

// termSet gathers a section's distinct terms in the order first met, each
// with the largest weight it was met with, packed as analysed.terms holds
// them as they come. Its own small hash table (open addressing, FNV-1a)
// finds a term met before without a string for it: a map would want a
// string for each new term, which the packing then copies again.
type termSet struct {
	packed []byte  // each term, then its weight byte
	ends   []int32 // where each term's weight byte is in packed
	slots  []int32 // a term's number + 1, or 0 for none
}

func (ts *termSet) reset() {
	ts.packed, ts.ends = ts.packed[:0], ts.ends[:0]
	if ts.slots == nil {
		ts.slots = make([]int32, 256)
	}
	clear(ts.slots)
}

func (ts *termSet) add(t []byte, w int) { ts.addHashed(t, fnv(t), w) }

// addHashed is add, given the term's hash, fnv(t).
func (ts *termSet) addHashed(t []byte, h uint32, w int) {
	mask := uint32(len(ts.slots) - 1)
	i := h & mask
	for ; ts.slots[i] != 0; i = (i + 1) & mask {
		k := ts.slots[i] - 1
		if end := ts.ends[k]; string(ts.packed[ts.start(k):end]) == string(t) {
			ts.packed[end] = max(ts.packed[end], byte(w))
			return
		}
	}
	ts.packed = append(append(ts.packed, t...), byte(w))
	ts.ends = append(ts.ends, int32(len(ts.packed)-1))
	ts.slots[i] = int32(len(ts.ends))
	if len(ts.ends)*2 > len(ts.slots) {
		ts.grow()
	}
}

// start is where term k begins in packed.
func (ts *termSet) start(k int32) int32 {
	if k == 0 {
		return 0
	}
	return ts.ends[k-1] + 1
}

// grow doubles the table, keeping it at most half full.
func (ts *termSet) grow() {
	ts.slots = make([]int32, 2*len(ts.slots))
	mask := uint32(len(ts.slots) - 1)
	for k, end := range ts.ends {
		i := fnv(ts.packed[ts.start(int32(k)):end]) & mask
		for ts.slots[i] != 0 {
			i = (i + 1) & mask
		}
		ts.slots[i] = int32(k + 1)
	}
}

// FNV-1a's 32-bit offset basis and prime.
const (
	fnvBasis = 2166136261
	fnvPrime = 16777619
)

// fnv is the 32-bit FNV-1a hash of b.
func fnv(b []byte) uint32 {
	h := uint32(fnvBasis)
	for _, c := range b {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

// String packs the set as analysed.terms holds it.
func (ts *termSet) String() string { return string(ts.packed) }

// eachPacked calls f with each term of packed terms (analysed.terms) and
// its weight.
func eachPacked(terms string, f func(term string, weight int)) {
	start := 0
	for i := 0; i < len(terms); i++ {
		if terms[i] < 0x20 {
			f(terms[start:i], int(terms[i]))
			start = i + 1
		}
	}
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
		page int
		s    analysed
	}
	n := 0
	for _, a := range pages {
		n += len(a.sections)
	}
	secs := make([]sec, 0, n)
	pageRows := make([][3]string, 0, len(pages))
	for pi, a := range pages {
		pageRows = append(pageRows, [3]string{a.title, a.url, a.module})
		for _, s := range a.sections {
			secs = append(secs, sec{pi, s})
		}
	}
	// The postings are gathered in parallel: each worker takes a run of
	// sections, and the runs' lists are joined in order, so that each
	// list is in section order. (Workers that took terms by hash would
	// each read every section.)
	workers := max(1, min(runtime.GOMAXPROCS(0), len(secs)/256))
	parts := make([]map[string][]int32, workers) // term -> section, weight, section, weight...
	work.Each(workers, func(k int) {
		m := map[string][]int32{}
		for idx := k * len(secs) / workers; idx < (k+1)*len(secs)/workers; idx++ {
			eachPacked(secs[idx].s.terms, func(t string, w int) {
				m[t] = append(m[t], int32(idx), int32(w))
			})
		}
		parts[k] = m
	})
	postings := parts[0]
	for _, m := range parts[1:] {
		for t, list := range m {
			postings[t] = append(postings[t], list...)
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

	var st Stats
	// Writers sized up front, from what they will hold (escapes aside),
	// rather than grown by doubling.
	idxSize := 128
	for _, r := range pageRows {
		idxSize += len(r[0]) + len(r[1]) + len(r[2]) + 12
	}
	for _, s := range secs {
		idxSize += len(s.s.anchor) + len(s.s.heading) + 16
	}
	var idx jsonWriter
	idx.b = make([]byte, 0, idxSize)
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
		idx.raw("[")
		idx.int(s.page)
		idx.raw(",")
		idx.str(s.s.anchor)
		idx.raw(",")
		idx.str(s.s.heading)
		idx.raw(",")
		idx.int(s.s.level)
		idx.raw("]")
	}
	idx.raw(`],"shards":{`)
	for i, k := range keys {
		idx.comma(i)
		idx.str(k)
		idx.raw(":")
		idx.int(i) // the shard's number: keys are numbered in order
	}
	idx.raw(fmt.Sprintf(`},"texts":%d,"keylen":%d});`+"\n", (len(secs)+TextsPerShard-1)/TextsPerShard, keyLen))

	shards := make([]File, len(keys))
	work.Each(len(keys), func(i int) {
		terms := byKey[keys[i]]
		slices.Sort(terms)
		size := 64
		for _, term := range terms {
			size += len(term) + 6 + 6*len(postings[term]) // a section number, a weight and commas
		}
		var w jsonWriter
		w.b = make([]byte, 0, size)
		w.raw("havenSearch.terms(" + strconv.Itoa(i) + ",{")
		for j, term := range terms {
			w.comma(j)
			w.str(term)
			w.raw(":[")
			// In section order: sections were added in order.
			for k, n := range postings[term] {
				w.comma(k)
				w.int(int(n))
			}
			w.raw("]")
		}
		w.raw("});\n")
		shards[i] = File{Path: "search/t-" + strconv.Itoa(i) + ".js", Data: w.b}
	})
	nTexts := (len(secs) + TextsPerShard - 1) / TextsPerShard
	texts := make([]File, nTexts)
	work.Each(nTexts, func(n int) {
		shard := secs[n*TextsPerShard : min(len(secs), (n+1)*TextsPerShard)]
		size := 64
		for _, s := range shard {
			size += len(s.s.quoted) + 1
		}
		var w jsonWriter
		w.b = make([]byte, 0, size)
		w.raw("havenSearch.texts(" + strconv.Itoa(n) + ",[")
		for j, s := range shard {
			w.comma(j)
			w.b = append(w.b, s.s.quoted...)
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
type jsonWriter struct {
	b []byte
	// scratch holds a term in lower case for scanASCII (here, as the
	// function that takes it could keep it, a local array would be
	// allocated each call).
	scratch [64]byte
}

func (w *jsonWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *jsonWriter) int(n int) { w.b = strconv.AppendInt(w.b, int64(n), 10) }

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
// beside activity headings and callout labels are left out. With both, it
// also returns the sections of the page as the participant edition shows
// it: without the elements of class "callout-facilitator" (text, headings
// and all). It reads with lex, or a lexer of its own when lex is nil.
func split(lex *htmllex.Lexer, body []byte, both bool) (fac, part []*section) {
	cur := &section{level: 1}
	fac = []*section{cur}
	var pcur *section // the participant's, with both
	if both {
		pcur = &section{level: 1}
		part = []*section{pcur}
	}
	// The sections' text, one after another: a page's text is never
	// longer than its HTML.
	var text, ptext strings.Builder
	text.Grow(len(body))
	if both {
		ptext.Grow(len(body))
	}
	// The lexer never changes what it reads: the bytes may be being
	// written out by another goroutine meanwhile.
	if lex == nil {
		lex = new(htmllex.Lexer)
	}
	defer lex.Forget()
	lex.Reset(body)
	var inHeading bool
	skipDepth := 0 // >0 while inside an element whose text is left out
	var tag string
	var skipTag string
	facDepth := 0 // >0 while inside a facilitator callout, with both
	var facTag string
	// participant reports whether what is read now is in the
	// participant's page too.
	participant := func() bool { return both && facDepth == 0 }
	space := func() {
		text.WriteByte(' ')
		if participant() {
			ptext.WriteByte(' ')
		}
	}
	for {
		tt, data := lex.Next()
		switch tt {
		case phtml.ErrorToken:
			cut(fac, text.String())
			if both {
				cut(part, ptext.String())
			}
			return fac, part
		case phtml.StartTagToken:
			tag = tagName(lex.Text())
			if skipDepth > 0 && tag == skipTag {
				skipDepth++
			}
			if facDepth > 0 && tag == facTag {
				facDepth++
			}
			if (tag == "h2" || tag == "h3") && skipDepth == 0 {
				cur = &section{level: int(tag[1] - '0'), from: text.Len()}
				fac = append(fac, cur)
				if participant() {
					pcur = &section{level: cur.level, from: ptext.Len()}
					part = append(part, pcur)
				}
				inHeading = true
			}
			if isBlock(tag) {
				space()
			}
		case phtml.AttributeToken:
			name := lex.Text()
			if string(name) != "id" && string(name) != "class" {
				continue // no copy of the others
			}
			val := strings.Trim(string(lex.AttrVal()), `"'`)
			// Haven's own markers (a callout, its label, an
			// activity's time) are never on headings; a class on a
			// heading is the author's, whatever its name.
			if string(name) == "class" && isHeading(tag) {
				continue
			}
			switch {
			case string(name) == "id" && inHeading && cur.anchor == "":
				cur.anchor = html.UnescapeString(val)
				if participant() && pcur.anchor == "" {
					pcur.anchor = cur.anchor
				}
			case string(name) == "class" && both && facDepth == 0 && hasClass(val, "callout-facilitator"):
				// From its start tag on: the space that tag wrote
				// beside the text around it changes no word.
				facDepth, facTag = 1, tag
			case string(name) == "class" && skipDepth == 0 && (hasClass(val, "activity-time") || hasClass(val, "callout-label")):
				skipDepth, skipTag = 1, tag
			}
		case phtml.EndTagToken:
			name := lex.Text()
			if skipDepth > 0 && string(name) == skipTag {
				skipDepth--
			}
			if inHeading && (string(name) == "h2" || string(name) == "h3") {
				inHeading = false
			}
			if isBlock(string(name)) {
				space()
			}
			if facDepth > 0 && string(name) == facTag {
				facDepth--
			}
		case phtml.TextToken:
			if skipDepth > 0 {
				continue
			}
			switch {
			case inHeading:
				t := html.UnescapeString(string(data))
				cur.heading += t
				if participant() {
					pcur.heading += t
				}
			case bytes.IndexByte(data, '&') < 0:
				text.Write(data) // nothing to unescape: no copy
				if participant() {
					ptext.Write(data)
				}
			default:
				t := html.UnescapeString(string(data))
				text.WriteString(t)
				if participant() {
					ptext.WriteString(t)
				}
			}
		}
	}
}

// cut gives each section its text: from its start in text to the next
// section's.
func cut(secs []*section, text string) {
	for i, s := range secs {
		to := len(text)
		if i+1 < len(secs) {
			to = secs[i+1].from
		}
		s.text = text[s.from:to]
	}
}

// tagName returns an element's name as a string, without a copy for the
// names pages are mostly made of.
func tagName(b []byte) string {
	switch string(b) {
	case "p":
		return "p"
	case "li":
		return "li"
	case "a":
		return "a"
	case "span":
		return "span"
	case "div":
		return "div"
	case "strong":
		return "strong"
	case "em":
		return "em"
	case "td":
		return "td"
	case "tr":
		return "tr"
	case "h2":
		return "h2"
	case "h3":
		return "h3"
	case "ul":
		return "ul"
	case "ol":
		return "ol"
	case "code":
		return "code"
	}
	return string(b)
}

// isHeading reports whether an element is a heading, which an author can
// give classes to.
func isHeading(tag string) bool {
	return len(tag) == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6'
}

// isBlock reports whether an element's edges separate words.
func isBlock(tag string) bool {
	switch tag {
	case "p", "li", "td", "th", "div", "dd", "dt", "br", "blockquote", "pre",
		"tr", "ul", "ol", "dl", "table", "hr", "section":
		return true
	}
	return isHeading(tag)
}

// hasClass reports whether class is one of the classes in attr (a class
// attribute's value), without a list of them.
func hasClass(attr, class string) bool {
	if !isASCII(attr) { // white space beyond ASCII too
		return slices.Contains(strings.Fields(attr), class)
	}
	for attr != "" {
		i := 0
		for i < len(attr) && !asciiSpace(attr[i]) {
			i++
		}
		if attr[:i] == class {
			return true
		}
		for i < len(attr) && asciiSpace(attr[i]) {
			i++
		}
		attr = attr[i:]
	}
	return false
}

// asciiSpace reports whether c is white space as strings.Fields has it,
// in ASCII.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// Terms returns the normalised search terms of text: NFD with combining
// marks removed, lower case, runs of letters and digits of at least two
// characters. The theme's JavaScript normalises queries the same way.
func Terms(text string) []string {
	var out []string
	eachTerm(text, func(t []byte) { out = append(out, string(t)) })
	return out
}

// eachTerm calls f with each term of text, as Terms gives them, in order.
// The bytes are f's only until it returns.
func eachTerm(text string, f func([]byte)) {
	if isASCII(text) {
		eachASCIITerm(text, func(t []byte, _ uint32) { f(t) })
		return
	}
	eachUnicodeTerm(text, f)
}

// eachUnicodeTerm is eachTerm for any text.
func eachUnicodeTerm(text string, f func([]byte)) {
	var scratch [64]byte
	cur := scratch[:0]
	runes := 0
	for _, r := range norm.NFD.String(text) {
		switch {
		case unicode.Is(unicode.M, r):
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			cur = utf8.AppendRune(cur, unicode.ToLower(r))
			runes++
		default:
			if runes >= 2 {
				f(cur)
			}
			cur, runes = cur[:0], 0
		}
	}
	if runes >= 2 {
		f(cur)
	}
}

// termBytes maps each ASCII letter and digit to its lower case, and every
// other byte to 0.
var termBytes = func() (t [256]byte) {
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c)
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = byte(c), byte(c)
	}
	return t
}()

// eachASCIITerm is eachTerm for text all of ASCII, giving each term's
// hash (fnv) with it, made in the same pass.
func eachASCIITerm(text string, f func(t []byte, h uint32)) {
	var buf [64]byte
	for i := 0; i < len(text); {
		if termBytes[text[i]] == 0 {
			i++
			continue
		}
		i = asciiTerm(text, i, &buf, f)
	}
}

// asciiTerm reads the term of ASCII text that starts at i (a letter or a
// digit): gives f the term in lower case with its hash (fnv), when it has
// two characters or more, in buf or, longer than buf, in a slice of its
// own; and returns where it ends.
func asciiTerm(text string, i int, buf *[64]byte, f func(t []byte, h uint32)) int {
	from, h := i, uint32(fnvBasis)
	for ; i < len(text); i++ {
		c := termBytes[text[i]]
		if c == 0 {
			break
		}
		if i-from < len(buf) {
			buf[i-from] = c
		}
		h = (h ^ uint32(c)) * fnvPrime
	}
	switch n := i - from; {
	case n < 2:
	case n <= len(buf):
		f(buf[:n], h)
	default: // longer than buf: made again, whole
		long := make([]byte, n)
		for k := range long {
			long[k] = termBytes[text[from+k]]
		}
		f(long, h)
	}
	return i
}

// scanASCII reads a section's text, if it is all ASCII, in one pass: it
// gives term each term with its hash, as eachASCIITerm does, and writes the
// text to q as a JSON string (jsonWriter.str), its white space folded as
// collapse folds it. Text of other characters it leaves to them: false.
// The pass goes a word at a time: a word's letters and digits are hashed,
// and need nothing of the JSON string but to be copied with the bytes
// around them; only the bytes between words are looked at for it.
func scanASCII(s string, q *jsonWriter, term func(t []byte, h uint32)) bool {
	if !isASCII(s) {
		return false
	}
	b := append(q.b, '"')
	run := -1             // where the bytes to copy as they are start, if any
	wrote := false        // some text is written, or in run
	space := false        // white space after some text: a space is due before more
	text := func(i int) { // s[i] is text written as it is
		if run < 0 {
			if space {
				b = append(b, ' ')
			}
			run, space = i, false
		}
		wrote = true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if termBytes[c] != 0 { // a word
			text(i)
			i = asciiTerm(s, i, &q.scratch, term)
			continue
		}
		switch jsonClass[c] {
		case jsonPlain:
			text(i)
			i++
		case jsonSpace:
			if c == ' ' && run >= 0 && i+1 < len(s) && jsonClass[s[i+1]] == jsonPlain {
				i++ // a single space between two words stays in the run
				continue
			}
			if run >= 0 {
				b, run = append(b, s[run:i]...), -1
			}
			for i < len(s) && jsonClass[s[i]] == jsonSpace {
				i++
			}
			space = wrote
		default: // escaped
			if run >= 0 {
				b, run = append(b, s[run:i]...), -1
			}
			if space {
				b, space = append(b, ' '), false
			}
			b, wrote = appendEscaped(b, c), true
			i++
		}
	}
	if run >= 0 {
		b = append(b, s[run:]...)
	}
	q.b = append(b, '"')
	return true
}

// jsonClass sorts ASCII for scanASCII: bytes written as they are, the
// white space collapse folds, and bytes a JSON string escapes.
var jsonClass = func() (t [128]byte) {
	for c := range t {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			t[c] = jsonSpace
		case c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&':
			t[c] = jsonEscape
		}
	}
	return t
}()

const (
	jsonPlain = iota
	jsonSpace
	jsonEscape
)

// appendEscaped appends c, an ASCII byte a JSON string escapes, as
// jsonWriter.str writes it.
func appendEscaped(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// collapse folds runs of white space into one space, and trims it from
// both ends: strings.Fields, joined by spaces. (Sections' text, where the
// time goes, is folded by scanASCII.)
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
