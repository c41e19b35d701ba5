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
	"encoding/json"
	"fmt"
	"html"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/tdewolff/parse/v2"
	phtml "github.com/tdewolff/parse/v2/html"
	"golang.org/x/text/unicode/norm"
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

// Build indexes pages, in reading order.
func Build(pages []Page) ([]File, Stats) {
	var secs []*section
	postings := map[string]map[int]int{} // term -> section -> weight
	post := func(text string, sec, weight int) {
		for _, term := range Terms(text) {
			m := postings[term]
			if m == nil {
				m = map[int]int{}
				postings[term] = m
			}
			m[sec] = max(m[sec], weight)
		}
	}
	var pageRows [][3]string
	for pi, p := range pages {
		pageRows = append(pageRows, [3]string{p.Title, p.URL, p.Module})
		first := len(secs)
		secs = append(secs, &section{page: pi, level: 1})
		post(p.Title, first, WeightTitle)
		if p.Summary != "" {
			secs[first].text.WriteString(p.Summary)
			secs[first].text.WriteString(" ")
		}
		for _, s := range split(p.Body) {
			if s.anchor == "" {
				secs[first].text.WriteString(s.text.String())
				continue
			}
			s.page = pi
			secs = append(secs, s)
		}
	}
	for i, s := range secs {
		post(s.heading, i, WeightHeading)
		post(s.text.String(), i, WeightBody)
	}

	// Shards by the first keyLen runes of each term, numbered in key
	// order: one shard for a small programme, more as it grows, so that a
	// search loads a small part of a large index.
	size := 0
	for term, m := range postings {
		size += len(term) + 8*len(m)
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

	var files []File
	var st Stats
	sectionRows := make([][4]any, len(secs))
	for i, s := range secs {
		sectionRows[i] = [4]any{s.page, s.anchor, collapse(s.heading), s.level}
	}
	files = append(files, script("search/index.js", "havenSearch.index(", map[string]any{
		"pages":    pageRows,
		"sections": sectionRows,
		"shards":   shardIDs,
		"texts":    (len(secs) + TextsPerShard - 1) / TextsPerShard,
		"keylen":   keyLen,
	}, ");\n"))
	for i, k := range keys {
		terms := byKey[k]
		slices.Sort(terms)
		shard := make(map[string][]int, len(terms))
		for _, term := range terms {
			secIdx := slices.Sorted(maps.Keys(postings[term]))
			list := make([]int, 0, 2*len(secIdx))
			for _, s := range secIdx {
				list = append(list, s, postings[term][s])
			}
			shard[term] = list
		}
		files = append(files, script(fmt.Sprintf("search/t-%d.js", i), fmt.Sprintf("havenSearch.terms(%d,", i), shard, ");\n"))
	}
	for n := 0; n*TextsPerShard < len(secs); n++ {
		var texts []string
		for _, s := range secs[n*TextsPerShard : min(len(secs), (n+1)*TextsPerShard)] {
			texts = append(texts, collapse(s.text.String()))
		}
		files = append(files, script(fmt.Sprintf("search/x-%d.js", n), fmt.Sprintf("havenSearch.texts(%d,", n), texts, ");\n"))
	}
	for _, f := range files {
		st.Bytes += len(f.Data)
	}
	st.Pages, st.Sections, st.Terms = len(pages), len(secs), len(postings)
	return files, st
}

// script writes a call with JSON data. encoding/json escapes <, > and &, so
// no text of a page can close the script or open markup.
func script(path, head string, v any, tail string) File {
	var b bytes.Buffer
	b.WriteString(head)
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		panic(err) // only plain strings, numbers, slices and maps are encoded
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	b.WriteString(tail)
	return File{Path: path, Data: b.Bytes()}
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

// collapse folds runs of white space into one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
