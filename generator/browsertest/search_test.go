package browsertest

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"haven/generator"
)

// The search tests drive the theme's search (themes/default/static/assets/
// haven.js) in Chromium, from disk, under the pages' CSP: first on a small
// hand-made site and index (testdata/search, see its README.md), then on
// the built sample programme. Every subtest also fails on console errors,
// CSP violations, requests that leave the site or miss a file, and
// JavaScript dialogs.

// searchSession watches the tab while a test drives a site's search. It
// records what WalkSite records (console errors, CSP violations, requests
// that leave the site or miss a file), JavaScript dialogs, and the files
// requested under search/.
type searchSession struct {
	ctx  context.Context
	w    *walker
	stop func() // stops watching; idempotent

	mu      sync.Mutex
	loads   []string // files under search/ requested, relative to root
	dialogs []string
}

// newSearchSession starts watching the tab of ctx for a site in root; it
// stops when t ends.
func newSearchSession(t *testing.T, ctx context.Context, root string) *searchSession {
	t.Helper()
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	s := &searchSession{ctx: ctx, w: &walker{root: filepath.Clean(abs), problems: map[Problem]bool{}}}
	s.stop = watchTab(t, ctx, s.onEvent)
	return s
}

// onEvent runs in chromedp's event loop: quick, and no browser calls here.
func (s *searchSession) onEvent(ev any) {
	s.w.onEvent(ev)
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request == nil {
			return
		}
		u, err := url.Parse(ev.Request.URL)
		if err != nil || u.Scheme != "file" {
			return
		}
		if rel, ok := s.w.rel(filepath.FromSlash(u.Path)); ok && strings.HasPrefix(rel, "search/") {
			s.mu.Lock()
			s.loads = append(s.loads, rel)
			s.mu.Unlock()
		}
	case *page.EventJavascriptDialogOpening:
		s.mu.Lock()
		s.dialogs = append(s.dialogs, fmt.Sprintf("%s dialog: %q", ev.Type, ev.Message))
		s.mu.Unlock()
		go chromedp.Call(s.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
	}
}

// searchLoads returns the files under search/ requested so far, and
// forgets them.
func (s *searchSession) searchLoads() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.loads
	s.loads = nil
	return l
}

// flush records the CSP violations seen so far in the current document.
func (s *searchSession) flush(t *testing.T) {
	t.Helper()
	type violation struct {
		Directive string `json:"directive"`
		Blocked   string `json:"blocked"`
		Source    string `json:"source"`
		Line      int    `json:"line"`
		Sample    string `json:"sample"`
	}
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](`(window.__havenBrowsertestCSP || []).splice(0)`))
	if err != nil {
		t.Logf("reading CSP violations: %v", err)
		return
	}
	for _, v := range vs {
		s.w.add(Problem{Kind: CSPViolation, URL: v.Blocked,
			Detail: fmt.Sprintf("%s blocked %s (%s:%d) sample %q", v.Directive, v.Blocked, s.w.short(v.Source), v.Line, v.Sample)})
	}
}

// check fails t for every problem and dialog seen since the last check,
// except problems of the allowed kinds, which it logs.
func (s *searchSession) check(t *testing.T, allow ...Kind) {
	t.Helper()
	s.flush(t)
	s.w.mu.Lock()
	var probs []Problem
	for p := range s.w.problems {
		probs = append(probs, p)
	}
	clear(s.w.problems)
	s.w.mu.Unlock()
	slices.SortFunc(probs, func(a, b Problem) int { return strings.Compare(a.String(), b.String()) })
	for _, p := range probs {
		if slices.Contains(allow, p.Kind) {
			t.Logf("expected: %s", p)
		} else {
			t.Errorf("%s", p)
		}
	}
	s.mu.Lock()
	for _, d := range s.dialogs {
		t.Errorf("a JavaScript %s opened", d)
	}
	s.dialogs = nil
	s.mu.Unlock()
}

// open loads a page of the site, with ?q= when q is not empty, and waits
// for the script to show the search form.
func (s *searchSession) open(t *testing.T, rel, q string) {
	t.Helper()
	s.flush(t)
	s.w.setCurrent(rel)
	u := s.w.url(rel)
	if q != "" {
		u += "?q=" + url.QueryEscape(q)
	}
	ctx, cancel := context.WithTimeout(s.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("opening %s: %v", u, err)
	}
	s.waitJS(t, `(() => { const f = document.querySelector('form.search'); return !!f && !f.hidden; })()`, "the search form to show")
}

// do runs actions with a timeout.
func (s *searchSession) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// evalJS evaluates js in the page (awaiting a promise) and decodes it.
func evalJS[T any](t *testing.T, s *searchSession, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// waitJS polls until the expression is true in the page. Errors count as
// not yet: the page may be navigating.
func (s *searchSession) waitJS(t *testing.T, expr, what string) {
	t.Helper()
	if err := waitTrue(s.ctx, expr); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// waitGo polls a Go condition.
func waitGo(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

type searchResult struct {
	ID       string   `json:"id"`
	Tag      string   `json:"tag"`
	Role     string   `json:"role"` // the link's role
	LiRole   string   `json:"liRole"`
	Active   bool     `json:"active"`   // class is-active
	Selected string   `json:"selected"` // aria-selected
	Href     string   `json:"href"`     // resolved
	Title    string   `json:"title"`
	Module   string   `json:"module"`
	Excerpt  string   `json:"excerpt"`
	Marks    []string `json:"marks"`        // every <mark>'s text
	XMarks   []string `json:"excerptMarks"` // the excerpt's <mark>s
	Tags     []string `json:"tags"`         // every element inside the item
	Links    int      `json:"links"`
}

type searchState struct {
	FormHidden       bool           `json:"formHidden"`
	Value            string         `json:"value"`
	Status           string         `json:"status"`
	StatusElements   int            `json:"statusElements"`
	Busy             bool           `json:"busy"`
	ListHidden       bool           `json:"listHidden"`
	ListRole         string         `json:"listRole"`
	Role             string         `json:"role"`
	Expanded         string         `json:"expanded"`
	ActiveDescendant string         `json:"activeDescendant"`
	Focused          bool           `json:"focused"`
	Scripts          int            `json:"scripts"`
	Location         string         `json:"location"`
	Results          []searchResult `json:"results"`
}

func (st searchState) titles() []string {
	var out []string
	for _, r := range st.Results {
		out = append(out, r.Title)
	}
	return out
}

const stateJS = `(() => {
  const f = document.querySelector('form.search'), i = document.getElementById('haven-search-input'),
    s = document.getElementById('haven-search-status'), l = document.getElementById('haven-search-results');
  const text = (li, c) => { const e = li.querySelector('.' + c); return e ? e.textContent : ''; };
  return {
    formHidden: f.hidden, value: i.value, status: s.textContent, statusElements: s.querySelectorAll('*').length,
    busy: l.hasAttribute('aria-busy'), listHidden: l.hidden, listRole: l.getAttribute('role') || '',
    role: i.getAttribute('role') || '', expanded: i.getAttribute('aria-expanded') || '',
    activeDescendant: i.getAttribute('aria-activedescendant') || '', focused: document.activeElement === i,
    scripts: document.querySelectorAll('script').length, location: location.href,
    results: [...l.children].map((li) => {
      const a = li.querySelector('a');
      return {id: a ? a.id : '', tag: li.tagName.toLowerCase(), liRole: li.getAttribute('role') || '',
        role: a ? a.getAttribute('role') || '' : '',
        active: li.classList.contains('is-active'), selected: a ? a.getAttribute('aria-selected') || '' : '',
        href: a ? a.href : '', title: text(li, 'search-result-title'), module: text(li, 'search-result-module'),
        excerpt: text(li, 'search-result-excerpt'),
        marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
        excerptMarks: [...li.querySelectorAll('.search-result-excerpt mark')].map((m) => m.textContent),
        tags: [...li.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()),
        links: li.querySelectorAll('a').length};
    }),
  };
})()`

// settledJS is true once the results of the latest query show.
const settledJS = `(() => {
  const l = document.getElementById('haven-search-results'), s = document.getElementById('haven-search-status');
  return !!l && !l.hasAttribute('aria-busy') && s.textContent !== '';
})()`

func (s *searchSession) state(t *testing.T) searchState {
	t.Helper()
	return evalJS[searchState](t, s, stateJS)
}

// settle waits for the results of the latest query.
func (s *searchSession) settle(t *testing.T) searchState {
	t.Helper()
	s.waitJS(t, settledJS, "search results")
	return s.state(t)
}

// clearBox focuses the box and presses Escape, which empties it.
func (s *searchSession) clearBox(t *testing.T) {
	t.Helper()
	s.do(t, "clearing the search box", chromedp.Focus(chromedp.ID("haven-search-input")), chromedp.KeyEvent(kb.Escape))
}

// typeQuery types q into the empty box, key by key, and waits for its
// results.
func (s *searchSession) typeQuery(t *testing.T, q string) searchState {
	t.Helper()
	s.clearBox(t)
	s.do(t, "typing "+q, chromedp.SendKeys(chromedp.ID("haven-search-input"), q))
	st := s.settle(t)
	if st.Value != q {
		t.Fatalf("the box holds %q after typing %q", st.Value, q)
	}
	return st
}

// setQuery puts q in the box in one input event (for text that keys cannot
// type, such as combining marks) and waits for its results.
func (s *searchSession) setQuery(t *testing.T, q string) searchState {
	t.Helper()
	s.clearBox(t)
	evalJS[chromedp.Void](t, s, fmt.Sprintf(`(() => { const i = document.getElementById('haven-search-input');
  i.value = %s; i.dispatchEvent(new Event('input', {bubbles: true})); })()`, jsString(q)))
	return s.settle(t)
}

// slash presses "/" as one keyDown with its text, as a keyboard does, so
// that a handler that cancels the keydown also cancels the typing (with
// chromedp's separate char event, the "/" would be typed anyway).
func (s *searchSession) slash(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
		p := input.DispatchKeyEventParams{Type: typ, Key: "/", Code: "Slash", WindowsVirtualKeyCode: 191, NativeVirtualKeyCode: 191}
		if typ == input.DispatchKeyEventTypeKeyDown {
			p.Text, p.UnmodifiedText = "/", "/"
		}
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); err != nil {
			t.Fatalf("pressing /: %v", err)
		}
	}
}

// key presses keys on the focused element.
func (s *searchSession) key(t *testing.T, keys string) {
	t.Helper()
	s.do(t, fmt.Sprintf("pressing %q", keys), chromedp.KeyEvent(keys))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				fmt.Fprintf(&b, `\u{%x}`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// checkResults checks what every result must be: an option holding one
// link, with only spans and marks inside, and the ARIA of a combobox.
func checkResults(t *testing.T, st searchState) {
	t.Helper()
	if st.Role != "combobox" || st.ListRole != "listbox" {
		t.Errorf("input role %q, list role %q; want combobox and listbox", st.Role, st.ListRole)
	}
	wantExpanded := "false"
	if len(st.Results) > 0 && !st.ListHidden {
		wantExpanded = "true"
	}
	if st.Expanded != wantExpanded {
		t.Errorf("aria-expanded=%q with %d results (list hidden: %v), want %q", st.Expanded, len(st.Results), st.ListHidden, wantExpanded)
	}
	if st.StatusElements != 0 {
		t.Errorf("the status holds %d element(s); it must be text only", st.StatusElements)
	}
	for i, r := range st.Results {
		if r.Tag != "li" || r.LiRole != "none" || r.Role != "option" || r.ID == "" || r.Links != 1 {
			t.Errorf("result %d: <%s role=%q> with %d links, its link role=%q id=%q; want an <li role=none> holding one link with role=option and an id", i, r.Tag, r.LiRole, r.Links, r.Role, r.ID)
		}
		for _, tag := range r.Tags {
			if tag != "a" && tag != "span" && tag != "mark" {
				t.Errorf("result %d (%q) holds a <%s>; only a, span and mark are expected", i, r.Title, tag)
			}
		}
		if !strings.HasPrefix(r.Href, "file://") {
			t.Errorf("result %d links to %q, want a file:// URL in the site", i, r.Href)
		}
	}
}

// fixtureSite copies testdata/search/site into a temporary folder with the
// theme's haven.js as assets/haven.js.
func fixtureSite(t *testing.T, drop ...string) string {
	t.Helper()
	root := t.TempDir()
	src := filepath.Join("testdata", "search", "site")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if slices.Contains(drop, filepath.ToSlash(rel)) {
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(root, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(root, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join("..", "..", "themes", "default", "static", "assets", "haven.js"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "assets", "haven.js"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// The fixture's result titles.
const (
	fxHome      = "Home"
	fxLong      = "Home › A long read"
	fxCafe      = "Café culture"
	fxOrdering  = "Café culture › Ordering coffee"
	fxPaying    = "Café culture › Paying"
	fxBreathing = "Breathing <script>alert(1)</script>"
	fxBox       = "Breathing <script>alert(1)</script> › Box <breathing>"
)

func TestSearchFixture(t *testing.T) {
	ctx := Browser(t)
	root := fixtureSite(t)

	t.Run("shown by the script, index loaded on first use", func(t *testing.T) {
		s := newSearchSession(t, ctx, root)
		s.open(t, "index.html", "")
		st := s.state(t)
		if st.FormHidden || st.Role != "combobox" || st.Expanded != "false" || st.ListRole != "listbox" || !st.ListHidden {
			t.Errorf("after load: %+v; want a shown form, a collapsed combobox and a hidden listbox", st)
		}
		if l := s.searchLoads(); len(l) != 0 {
			t.Errorf("the page loaded %v before any search", l)
		}
		s.do(t, "focusing the box", chromedp.Focus(chromedp.ID("haven-search-input")))
		var loads []string
		waitGo(t, func() bool { loads = append(loads, s.searchLoads()...); return len(loads) > 0 }, "the index to load on focus")
		if st := s.state(t); st.Status != "" || !st.ListHidden {
			t.Errorf("focus alone gave status %q and a shown list: %v", st.Status, !st.ListHidden)
		}
		loads = append(loads, s.searchLoads()...)
		if !slices.Equal(loads, []string{"search/index.js"}) {
			t.Errorf("focus loaded %v, want only search/index.js", loads)
		}
		st = s.typeQuery(t, "zebra")
		if got := st.titles(); !slices.Equal(got, []string{fxOrdering, fxBox}) {
			t.Errorf("zebra: %q", got)
		}
		loads = s.searchLoads()
		slices.Sort(loads)
		if !slices.Equal(loads, []string{"search/t-2.js", "search/x-0.js"}) {
			t.Errorf("searching zebra loaded %v, want its term shard t-2.js and the text shard x-0.js", loads)
		}
		if st.Scripts != 1 {
			t.Errorf("%d script elements after searching, want 1: loaded index scripts must be removed", st.Scripts)
		}
		checkResults(t, st)
		s.check(t)
	})

	t.Run("prefixes, ranking and all terms", func(t *testing.T) {
		s := newSearchSession(t, ctx, root)
		s.open(t, "module-a/second.html", "")
		st := s.typeQuery(t, "caf")
		checkResults(t, st)
		if got, want := st.titles(), []string{fxCafe, fxHome, fxOrdering}; !slices.Equal(got, want) {
			t.Errorf("caf: %q, want %q (title first, then by section)", got, want)
		}
		if st.Status != "3 results" {
			t.Errorf("caf: status %q", st.Status)
		}
		if len(st.Results) == 3 {
			base := strings.TrimSuffix(s.w.url(""), "/") + "/"
			for i, want := range []string{"module-a/first.html", "index.html", "module-a/first.html#ordering-coffee"} {
				if got := st.Results[i].Href; got != base+want {
					t.Errorf("caf: result %d links to %q, want the site's %s", i, got, want)
				}
			}
			if st.Results[0].Module != "Module <A>" || st.Results[1].Module != "" {
				t.Errorf("caf: modules %q and %q, want \"Module <A>\" and none", st.Results[0].Module, st.Results[1].Module)
			}
		}
		for _, tc := range []struct {
			q    string
			want []string
		}{
			{"breathing", []string{fxBreathing, fxBox, fxHome, fxPaying}}, // title 8, heading 4, body 1, body 1
			{"breath", []string{fxBreathing, fxBox, fxHome, fxPaying}},    // breathing and breathe: the best weight counts
			{"zebra breath", []string{fxBox}},
			{"breath zebra", []string{fxBox}},
			{"zebra cafe", []string{fxOrdering}},
			{"pay", []string{fxPaying}},                  // paying (heading 4) and pay (body 1) in one section
			{"coffee pay", nil},                          // coffee is not in Paying
			{"coffee caf", []string{fxCafe, fxOrdering}}, // 1+8 and 4+1
		} {
			st := s.typeQuery(t, tc.q)
			if got := st.titles(); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %q, want %q", tc.q, got, tc.want)
			}
		}
		st = s.typeQuery(t, "zebra breath")
		if st.Status != "1 result" {
			t.Errorf("zebra breath: status %q, want \"1 result\"", st.Status)
		}
		st = s.typeQuery(t, "nothingness")
		if st.Status != "No results for “nothingness”" || len(st.Results) != 0 || st.Expanded != "false" {
			t.Errorf("nothingness: status %q, %d results, aria-expanded %q", st.Status, len(st.Results), st.Expanded)
		}
		for _, q := range []string{"a", "x y", " é "} {
			st = s.typeQuery(t, q)
			if st.Status != "Type at least 2 letters" || len(st.Results) != 0 {
				t.Errorf("%q: status %q with %d results, want \"Type at least 2 letters\"", q, st.Status, len(st.Results))
			}
		}
		s.check(t)
	})

	t.Run("case and accents", func(t *testing.T) {
		s := newSearchSession(t, ctx, root)
		s.open(t, "index.html", "")
		want := []string{fxCafe, fxHome, fxOrdering}
		for _, q := range []string{"cafe", "CAFE", "Café", "CAFÉ", "café", "cafe\u0301", "CAFE\u0301", "cAfÈ"} {
			var st searchState
			if !strings.ContainsRune(q, '\u0301') { // keys cannot type a combining mark
				st = s.typeQuery(t, q)
			} else {
				st = s.setQuery(t, q)
			}
			if got := st.titles(); !slices.Equal(got, want) {
				t.Errorf("%q: %q, want %q", q, got, want)
				continue
			}
			// The marks wrap the words as the text has them: NFC in the
			// title and in Home's text, NFD in Ordering coffee's.
			if m := st.Results[0].Marks; !slices.Equal(m, []string{"Café"}) {
				t.Errorf("%q: marks in %q: %q", q, st.Results[0].Title, m)
			}
			if m := st.Results[1].XMarks; !slices.Equal(m, []string{"café"}) {
				t.Errorf("%q: excerpt marks in %q: %q", q, st.Results[1].Title, m)
			}
			if m := st.Results[2].XMarks; !slices.Equal(m, []string{"CAFE\u0301"}) {
				t.Errorf("%q: excerpt marks in %q: %q (excerpt %q)", q, st.Results[2].Title, m, st.Results[2].Excerpt)
			}
		}
		s.check(t)
	})

	t.Run("excerpts", func(t *testing.T) {
		s := newSearchSession(t, ctx, root)
		s.open(t, "index.html", "")
		st := s.typeQuery(t, "marmal")
		if got := st.titles(); !slices.Equal(got, []string{fxLong}) {
			t.Fatalf("marmal: %q", got)
		}
		r := st.Results[0]
		if !strings.HasSuffix(r.Href, "/index.html#long-read") {
			t.Errorf("marmal links to %q", r.Href)
		}
		x := r.Excerpt
		if !strings.HasPrefix(x, "…") || !strings.HasSuffix(x, "…") || utf8.RuneCountInString(x) > 162 || utf8.RuneCountInString(x) < 100 {
			t.Errorf("excerpt %q (%d characters): want about 160 characters, cut at both ends with …", x, utf8.RuneCountInString(x))
		}
		if !slices.Equal(r.XMarks, []string{"marmalade"}) {
			t.Errorf("excerpt marks %q, want [marmalade]", r.XMarks)
		}
		long := "This section is long on purpose so that the excerpt has to be cut on both sides. It goes on about nothing much for a while, then it mentions marmalade on toast, and afterwards it keeps going for quite some time, with more words and more words again, until it finally stops here at the end."
		if inner := strings.TrimSuffix(strings.TrimPrefix(x, "…"), "…"); !strings.Contains(long, inner) || strings.HasPrefix(inner, " ") || strings.HasSuffix(inner, " ") {
			t.Errorf("excerpt %q is not a whole-word piece of the section's text", x)
		}
		st = s.typeQuery(t, "slow")
		// Short texts show whole, every matching word marked.
		for _, r := range st.Results {
			if strings.Contains(r.Excerpt, "…") {
				t.Errorf("slow: %q: a short text was cut: %q", r.Title, r.Excerpt)
			}
		}
		if got := st.titles(); !slices.Equal(got, []string{fxPaying, fxBreathing}) || !slices.Equal(st.Results[0].XMarks, []string{"slowly"}) || !slices.Equal(st.Results[1].XMarks, []string{"Slow"}) {
			t.Errorf("slow: %q with marks %v", got, st.Results)
		}
		s.check(t)
	})

	t.Run("markup in titles and texts shows as text", func(t *testing.T) {
		s := newSearchSession(t, ctx, root)
		s.open(t, "index.html", "")
		before := s.state(t).Scripts
		st := s.typeQuery(t, "scrip")
		checkResults(t, st)
		if got := st.titles(); !slices.Equal(got, []string{fxBreathing}) {
			t.Fatalf("scrip: %q", got)
		}
		r := st.Results[0]
		if r.Module != "Module <A>" || r.Excerpt != "Slow breathing for calm moments. <b>not bold</b>" || !slices.Equal(r.Marks, []string{"script", "script"}) {
			t.Errorf("scrip: %+v", r)
		}
		st = s.typeQuery(t, "box") // box (heading, 4) and boxes (body, 1) in Box, boxed (1) in Ordering
		if got := st.titles(); !slices.Equal(got, []string{fxBox, fxOrdering}) {
			t.Errorf("box: %q", got)
		}
		if st.Scripts != before {
			t.Errorf("%d script elements after searching, %d before", st.Scripts, before)
		}
		s.check(t)
	})

	t.Run("query from the URL", func(t *testing.T) {
		s := newSearchSession(t, ctx, root)
		s.open(t, "module-a/first.html", "")
		before := s.state(t).Scripts
		for _, q := range []string{"<script>alert(1)</script>", `"><img src=x onerror=alert(2)><b>bold</b>`, "café"} {
			s.open(t, "module-a/first.html", q)
			st := s.settle(t)
			checkResults(t, st)
			if st.Value != q {
				t.Errorf("?q=%s: the box holds %q", q, st.Value)
			}
			if st.Scripts != before {
				t.Errorf("?q=%s: %d script elements, %d without the query", q, st.Scripts, before)
			}
			if n := evalJS[int](t, s, `document.querySelectorAll('img, b, main script, header script, body script').length`); n != 0 {
				t.Errorf("?q=%s: %d injected element(s) in the page", q, n)
			}
			switch q {
			case "<script>alert(1)</script>":
				if got := st.titles(); !slices.Equal(got, []string{fxBreathing}) || st.Status != "1 result" {
					t.Errorf("?q=%s: %q, status %q", q, got, st.Status)
				}
			case "café":
				if got := st.titles(); !slices.Equal(got, []string{fxCafe, fxHome, fxOrdering}) {
					t.Errorf("?q=%s: %q", q, got)
				}
			default:
				if want := "No results for “" + q + "”"; st.Status != want || len(st.Results) != 0 {
					t.Errorf("?q=%s: status %q with %d results, want %q", q, st.Status, len(st.Results), want)
				}
			}
		}
		s.check(t)
	})

	t.Run("keyboard", func(t *testing.T) {
		s := newSearchSession(t, ctx, root)
		s.open(t, "index.html", "")
		evalJS[chromedp.Void](t, s, `document.activeElement && document.activeElement.blur()`)
		s.slash(t)
		st := s.state(t)
		if !st.Focused || st.Value != "" {
			t.Fatalf("after /: focused %v, value %q; want the empty box focused", st.Focused, st.Value)
		}
		s.do(t, "typing breath", chromedp.SendKeys(chromedp.ID("haven-search-input"), "breath"))
		st = s.settle(t)
		if len(st.Results) != 4 || st.ActiveDescendant != "" {
			t.Fatalf("breath: %d results, active %q", len(st.Results), st.ActiveDescendant)
		}
		steps := []struct {
			key    string
			active int
		}{{kb.ArrowDown, 0}, {kb.ArrowDown, 1}, {kb.ArrowUp, 0}, {kb.ArrowUp, 3}, {kb.ArrowDown, 0}, {kb.ArrowDown, 1}}
		for i, step := range steps {
			s.key(t, step.key)
			st = s.state(t)
			for j, r := range st.Results {
				on := j == step.active
				if r.Active != on || (r.Selected == "true") != on {
					t.Errorf("step %d: result %d: is-active %v, aria-selected %q; want active result %d", i, j, r.Active, r.Selected, step.active)
				}
			}
			if want := st.Results[step.active].ID; st.ActiveDescendant != want || !st.Focused {
				t.Errorf("step %d: aria-activedescendant %q (focus in the box: %v), want %q", i, st.ActiveDescendant, st.Focused, want)
			}
		}
		target := st.Results[1].Href
		s.flush(t)
		s.w.setCurrent("module-a/second.html")
		s.key(t, kb.Enter)
		s.waitJS(t, fmt.Sprintf(`location.href === %s && document.readyState === 'complete'`, jsString(target)), "Enter to open "+target)
		if ok := evalJS[bool](t, s, `location.hash === '#box-breathing' && !!document.getElementById('box-breathing')`); !ok {
			t.Errorf("Enter did not land on #box-breathing")
		}

		// "/" in a field types; Escape empties the box and the list.
		s.waitJS(t, `!document.querySelector('form.search').hidden`, "the search form")
		s.do(t, "typing", chromedp.SendKeys(chromedp.ID("haven-search-input"), "caf/"))
		st = s.settle(t)
		if st.Value != "caf/" || len(st.Results) != 3 {
			t.Errorf("typing caf/: value %q, %d results", st.Value, len(st.Results))
		}
		// New results have no active option until an arrow key.
		s.key(t, kb.ArrowDown)
		s.do(t, "typing", chromedp.SendKeys(chromedp.ID("haven-search-input"), "x"))
		st = s.settle(t)
		if len(st.Results) != 3 || st.ActiveDescendant != "" || slices.ContainsFunc(st.Results, func(r searchResult) bool { return r.Active || r.Selected != "" }) {
			t.Errorf("typing after ArrowDown: aria-activedescendant %q, results %+v", st.ActiveDescendant, st.Results)
		}
		s.key(t, kb.ArrowDown)
		s.key(t, kb.Escape)
		st = s.state(t)
		if st.Value != "" || len(st.Results) != 0 || st.Status != "" || st.Expanded != "false" || st.ActiveDescendant != "" || !st.Focused {
			t.Errorf("after Escape: %+v", st)
		}

		// Enter right after typing opens the first result of that query.
		s.flush(t)
		s.w.setCurrent("index.html")
		s.do(t, "typing marmal and Enter", chromedp.SendKeys(chromedp.ID("haven-search-input"), "marmal\r"))
		s.waitJS(t, `location.hash === '#long-read' && location.pathname.endsWith('/index.html') && document.readyState === 'complete'`, "Enter to open the first result")
		s.check(t)
	})

	t.Run("click and stale results", func(t *testing.T) {
		s := newSearchSession(t, ctx, root)
		s.open(t, "index.html", "")
		s.typeQuery(t, "paying")
		s.flush(t)
		s.w.setCurrent("module-a/first.html")
		s.do(t, "clicking the result", chromedp.Click(chromedp.CSS("#haven-search-results a")))
		s.waitJS(t, `location.pathname.endsWith('/module-a/first.html') && location.hash === '#paying'`, "the click to open Paying")

		// A search under way is superseded by typing and by Escape: it
		// neither shows nor opens anything. "pay" loads t-0.js and x-0.js;
		// "zebra" then needs t-2.js, so its search is under way while the
		// box changes.
		for _, then := range []string{"typing", "Escape"} {
			s.open(t, "index.html", "")
			s.typeQuery(t, "pay")
			page := evalJS[string](t, s, `location.href`)
			evalJS[chromedp.Void](t, s, `(() => {
  const i = document.getElementById('haven-search-input');
  const key = (k) => i.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true, cancelable: true}));
  i.value = 'zebra'; key('Enter');
  if (`+jsString(then)+` === 'Escape') key('Escape');
  else { i.value = 'caf'; i.dispatchEvent(new Event('input', {bubbles: true})); }
})()`)
			// The loader removes a shard's script element once it has run
			// and the search waiting on it has gone on.
			s.waitJS(t, `!document.querySelector('script[src$="t-2.js"]')`, "zebra's shard to load")
			var st searchState
			if then == "Escape" {
				s.waitJS(t, `new Promise((r) => setTimeout(() => r(true), 0))`, "a task")
				st = s.state(t)
				if st.Value != "" || st.Status != "" || len(st.Results) != 0 {
					t.Errorf("Escape during a search: box %q, status %q, results %q", st.Value, st.Status, st.titles())
				}
			} else {
				st = s.settle(t)
				if got := st.titles(); !slices.Equal(got, []string{fxCafe, fxHome, fxOrdering}) {
					t.Errorf("typing during a search: %q, want caf's results", got)
				}
			}
			if st.Location != page {
				t.Errorf("%s during a search: the superseded Enter opened %s", then, st.Location)
			}
		}
		s.check(t)
	})

	t.Run("missing index files", func(t *testing.T) {
		broken := fixtureSite(t, "search/t-2.js")
		s := newSearchSession(t, ctx, broken)
		s.open(t, "index.html", "")
		st := s.typeQuery(t, "zebra")
		if st.Status != "Search is not available" || len(st.Results) != 0 {
			t.Errorf("zebra without its shard: status %q, %d results", st.Status, len(st.Results))
		}
		st = s.typeQuery(t, "caf")
		if len(st.Results) != 3 {
			t.Errorf("caf, whose shard is there: %q (status %q)", st.titles(), st.Status)
		}
		s.check(t, ForeignRequest, ConsoleError)
		s.stop()

		noIndex := fixtureSite(t, "search/index.js")
		s = newSearchSession(t, ctx, noIndex)
		s.open(t, "index.html", "")
		s.do(t, "focusing the box", chromedp.Focus(chromedp.ID("haven-search-input")))
		s.waitJS(t, `document.getElementById('haven-search-status').textContent === 'Search is not available'`, "the status to say search is not available")
		s.check(t, ForeignRequest, ConsoleError)
	})
}

// contentHits returns, for each Markdown file under content/, the lines
// holding a word that starts with prefix (case-insensitively).
func contentHits(t *testing.T, repoRoot, prefix string) map[string][]int {
	t.Helper()
	re := regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(prefix))
	hits := map[string][]int{}
	err := filepath.WalkDir(filepath.Join(repoRoot, "content"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			if re.MatchString(sc.Text()) {
				rel, _ := filepath.Rel(repoRoot, p)
				hits[filepath.ToSlash(rel)] = append(hits[filepath.ToSlash(rel)], n)
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// context of a line in a Markdown file: the last level-2 heading above it
// and the callout kinds it is inside.
func lineContext(t *testing.T, file string, line int) (heading string, callouts []string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for n, l := range strings.Split(string(data), "\n") {
		if n+1 == line {
			return heading, callouts
		}
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "## "):
			heading = strings.TrimSpace(strings.TrimPrefix(l, "## "))
			if i := strings.Index(heading, " {"); i >= 0 {
				heading = heading[:i]
			}
		case l == ":::":
			if len(callouts) > 0 {
				callouts = callouts[:len(callouts)-1]
			}
		case strings.HasPrefix(l, ":::"):
			callouts = append(callouts, strings.Fields(strings.TrimPrefix(l, ":::"))[0])
		}
	}
	t.Fatalf("%s has no line %d", file, line)
	return "", nil
}

func TestSearchSample(t *testing.T) {
	ctx := Browser(t)
	repoRoot, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := generator.Build(context.Background(), generator.Options{Dir: repoRoot, Out: out, Minify: true}); err != nil {
		t.Fatalf("building the sample programme: %v", err)
	}
	fac, par := filepath.Join(out, "facilitator"), filepath.Join(out, "participant")
	for _, ed := range []string{fac, par} {
		if _, err := os.Stat(filepath.Join(ed, "search", "index.js")); err != nil {
			t.Skipf("the build writes no search index yet: %v", err)
		}
	}
	if st, err := os.Stat(filepath.Join(fac, "assets", "haven.js")); err == nil {
		t.Logf("minified haven.js: %d bytes", st.Size())
		if st.Size() > 8<<10 {
			t.Errorf("minified haven.js is %d bytes, want under 8 KB", st.Size())
		}
	}

	t.Run("a word in one session's activity", func(t *testing.T) {
		// "puzzles" occurs once in the sample, in the activity "The iceberg"
		// of "Behaviour as communication".
		hits := contentHits(t, repoRoot, "puzzle")
		file := "content/02-understanding-behaviour/01-behaviour-as-communication.md"
		if len(hits) != 1 || len(hits[file]) != 1 {
			t.Fatalf("the sample's use of \"puzzle\" changed: %v; pick another word", hits)
		}
		if h, _ := lineContext(t, filepath.Join(repoRoot, file), hits[file][0]); h != "The iceberg" {
			t.Fatalf("\"puzzles\" is under %q, not the activity The iceberg; pick another word", h)
		}
		for _, ed := range []string{fac, par} {
			s := newSearchSession(t, ctx, ed)
			s.open(t, "index.html", "")
			st := s.typeQuery(t, "puzzle")
			checkResults(t, st)
			if len(st.Results) == 0 || st.Results[0].Title != "Behaviour as communication › The iceberg" {
				t.Fatalf("%s: puzzle: %q", filepath.Base(ed), st.titles())
			}
			r := st.Results[0]
			if r.Module != "Understanding behaviour" || !slices.Equal(r.XMarks, []string{"puzzles"}) {
				t.Errorf("%s: puzzle: module %q, excerpt %q with marks %q", filepath.Base(ed), r.Module, r.Excerpt, r.XMarks)
			}
			s.flush(t)
			s.w.setCurrent("understanding-behaviour/behaviour-as-communication.html")
			s.key(t, kb.Enter)
			s.waitJS(t, `location.pathname.endsWith('/understanding-behaviour/behaviour-as-communication.html') && document.readyState === 'complete'`, "Enter to open the session")
			type landing struct {
				Hash, Tag, Text string
			}
			got := evalJS[landing](t, s, `(() => { const id = decodeURIComponent(location.hash.slice(1)), e = document.getElementById(id);
  return {hash: location.hash, tag: e ? e.tagName : '', text: e ? e.textContent : ''}; })()`)
			if got.Hash != "#the-iceberg" || got.Tag != "H2" || !strings.Contains(got.Text, "The iceberg") {
				t.Errorf("%s: landed on %+v, want the activity heading h2#the-iceberg", filepath.Base(ed), got)
			}
			s.check(t)
			s.stop()
		}
	})

	t.Run("a facilitator-only word", func(t *testing.T) {
		hits := contentHits(t, repoRoot, "arrivals")
		file := "content/01-finding-our-feet/01-feeling-safe-together.md"
		if len(hits) != 1 || len(hits[file]) != 1 {
			t.Fatalf("the sample's use of \"arrivals\" changed: %v; pick another word", hits)
		}
		if _, c := lineContext(t, filepath.Join(repoRoot, file), hits[file][0]); !slices.Contains(c, "facilitator") {
			t.Fatalf("\"arrivals\" is not in a facilitator callout (callouts %v); pick another word", c)
		}
		s := newSearchSession(t, ctx, fac)
		s.open(t, "index.html", "")
		st := s.typeQuery(t, "arrivals")
		if len(st.Results) != 1 || st.Results[0].Title != "Feeling safe together › Welcome and arriving" || !slices.Equal(st.Results[0].XMarks, []string{"arrivals"}) {
			t.Errorf("facilitator: arrivals: %q, %v", st.titles(), st.Results)
		}
		s.check(t)
		s.stop()

		s = newSearchSession(t, ctx, par)
		s.open(t, "index.html", "")
		st = s.typeQuery(t, "arrivals")
		if len(st.Results) != 0 || st.Status != "No results for “arrivals”" {
			t.Errorf("participant: arrivals: %q, status %q", st.titles(), st.Status)
		}
		s.check(t)
	})

	t.Run("titles and headings rank above body text", func(t *testing.T) {
		s := newSearchSession(t, ctx, fac)
		s.open(t, "index.html", "")
		st := s.typeQuery(t, "iceberg")
		if got := st.titles(); len(got) < 2 || got[0] != "Behaviour as communication › The iceberg" {
			t.Errorf("iceberg: %q, want the heading The iceberg first", got)
		}
		st = s.typeQuery(t, "calm")
		got := st.titles()
		if len(got) != 10 || !strings.HasSuffix(st.Status, "showing the best 10") {
			t.Fatalf("calm: %q, status %q; want 10 of many", got, st.Status)
		}
		heading := func(title string) string {
			if _, h, ok := strings.Cut(title, " › "); ok {
				return strings.ToLower(h)
			}
			return ""
		}
		for i, title := range got {
			isTitle := !strings.Contains(title, " › ") && strings.HasPrefix(title, "Calm")
			isHeading := strings.Contains(heading(title), "calm")
			switch {
			case i < 2 && !isTitle:
				t.Errorf("calm: result %d is %q, want a page titled Calm…", i, title)
			case i >= 2 && i < 4 && !isHeading:
				t.Errorf("calm: result %d is %q, want a heading with calm", i, title)
			case i >= 4 && (isTitle || isHeading):
				t.Errorf("calm: result %d is %q, a title or heading match below body matches", i, title)
			}
		}
		s.check(t)
	})

	t.Run("case and accents", func(t *testing.T) {
		s := newSearchSession(t, ctx, fac)
		s.open(t, "finding-our-feet/feeling-safe-together.html", "")
		var want []string
		for _, q := range []string{"crèche", "creche", "CRÈCHE", "Creche", "cre\u0300che", "CRE\u0300CHE"} {
			var st searchState
			if strings.ContainsRune(q, '\u0300') {
				st = s.setQuery(t, q)
			} else {
				st = s.typeQuery(t, q)
			}
			if want == nil {
				want = st.titles()
				if len(want) == 0 {
					t.Fatalf("%q finds nothing", q)
				}
			}
			if got := st.titles(); !slices.Equal(got, want) {
				t.Errorf("%q: %q, want %q", q, got, want)
			}
			for _, r := range st.Results {
				if !slices.ContainsFunc(r.XMarks, func(m string) bool { return strings.EqualFold(m, "crèche") }) {
					t.Errorf("%q: %q: excerpt %q marks %q, want the original crèche", q, r.Title, r.Excerpt, r.XMarks)
				}
			}
		}
		a := s.typeQuery(t, "WATERLINE").titles()
		b := s.typeQuery(t, "wáterliné").titles()
		if len(a) == 0 || !slices.Equal(a, b) {
			t.Errorf("WATERLINE: %q; wáterliné: %q", a, b)
		}
		s.check(t)
	})

	t.Run("query from the URL is text", func(t *testing.T) {
		s := newSearchSession(t, ctx, fac)
		rel := "understanding-behaviour/calm-first-then-connect.html"
		s.open(t, rel, "")
		before := s.state(t).Scripts
		q := "<script>alert(1)</script>"
		s.open(t, rel, q)
		st := s.settle(t)
		checkResults(t, st)
		if st.Scripts != before {
			t.Errorf("%d script elements with ?q=, %d without", st.Scripts, before)
		}
		if st.Value != q || (len(st.Results) == 0 && st.Status != "No results for “"+q+"”") {
			t.Errorf("?q=: box %q, status %q", st.Value, st.Status)
		}
		s.check(t)
	})

	t.Run("keyboard", func(t *testing.T) {
		s := newSearchSession(t, ctx, par)
		s.open(t, "understanding-behaviour/calm-first-then-connect.html", "")
		evalJS[chromedp.Void](t, s, `document.activeElement && document.activeElement.blur()`)
		s.slash(t)
		if st := s.state(t); !st.Focused || st.Value != "" {
			t.Fatalf("after /: focused %v, value %q", st.Focused, st.Value)
		}
		s.do(t, "typing", chromedp.SendKeys(chromedp.ID("haven-search-input"), "boundar"))
		st := s.settle(t)
		if len(st.Results) < 2 {
			t.Fatalf("boundar: %q", st.titles())
		}
		s.key(t, kb.ArrowDown)
		s.key(t, kb.ArrowDown)
		s.key(t, kb.ArrowUp)
		s.key(t, kb.ArrowDown)
		st = s.state(t)
		if st.ActiveDescendant != st.Results[1].ID || !st.Results[1].Active {
			t.Fatalf("after Down, Down, Up, Down: active %q, want the second result %q", st.ActiveDescendant, st.Results[1].ID)
		}
		target := st.Results[1].Href
		s.flush(t)
		s.key(t, kb.Enter)
		s.waitJS(t, fmt.Sprintf(`location.href === %s && document.readyState === 'complete'`, jsString(target)), "Enter to open "+target)
		if u, _ := url.Parse(target); u != nil && u.Fragment != "" {
			if !evalJS[bool](t, s, `!!document.getElementById(decodeURIComponent(location.hash.slice(1)))`) {
				t.Errorf("%s: no element with the fragment's id", target)
			}
		}
		s.check(t)
	})

	t.Run("excerpts from every text shard", func(t *testing.T) {
		// "surgery" is in "Where to get support", the last page, past the
		// first 100 sections.
		s := newSearchSession(t, ctx, fac)
		s.open(t, "index.html", "")
		st := s.typeQuery(t, "surgery")
		if len(st.Results) == 0 || st.Results[0].Excerpt == "" || len(st.Results[0].XMarks) == 0 {
			t.Errorf("surgery: %+v", st.Results)
		}
		loads := s.searchLoads()
		t.Logf("loaded: %v", loads)
		s.check(t)
	})
}
