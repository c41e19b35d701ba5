package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The accessibility tests hold the default theme to WCAG 2.2 AA on every
// page of both editions of the built sample, opened from disk under the
// pages' own CSP: axe-core in light and dark mode, at a laptop's and a
// phone's width; the page structure a screen reader leans on (lang, one h1,
// heading levels, skip link, landmarks, labels, alt text); reflow at 320
// CSS pixels (a 1280-pixel window at 400% zoom), also with WCAG's text
// spacing; the weight of the theme's CSS and JavaScript; and a keyboard
// walk through a session page. TestA11yScreenshots leaves screenshots for a
// person to look at.

// EnvAxe names axe-core's axe.min.js, ahead of the places [findAxe] looks.
const EnvAxe = "HAVEN_AXE"

// a11yTags are the axe-core rule tags whose violations fail the tests.
var a11yTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// The sample's pages that the keyboard test and the screenshots use.
const (
	a11ySessionPage   = "facilitator/finding-our-feet/feeling-safe-together.html"
	a11yHomePage      = "facilitator/index.html"
	a11yAgreementPage = "facilitator/agreements/group-agreement.html"
)

var axeFind = sync.OnceValues(findAxe)

// findAxe returns the path of axe-core's axe.min.js: $HAVEN_AXE if set,
// else the first that exists of $(npm root -g)/axe-core/axe.min.js and
// the usual global node_modules folders. It also returns every place it
// looked.
func findAxe() (string, []string) {
	if p := os.Getenv(EnvAxe); p != "" {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, []string{p}
		}
		return "", []string{"$" + EnvAxe + "=" + p}
	}
	var places []string
	if npm, err := exec.LookPath("npm"); err == nil {
		if out, err := exec.Command(npm, "root", "-g").Output(); err == nil {
			if root := strings.TrimSpace(string(out)); root != "" {
				places = append(places, filepath.Join(root, "axe-core", "axe.min.js"))
			}
		}
	}
	places = append(places,
		"/usr/local/lib/node_modules/axe-core/axe.min.js",
		"/usr/lib/node_modules/axe-core/axe.min.js",
		"/usr/share/nodejs/axe-core/axe.min.js")
	for _, p := range places {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, places
		}
	}
	return "", places
}

// axeSource returns the text of axe.min.js. When there is none it skips
// the test, or fails it if HAVEN_BROWSER_TESTS is "required".
func axeSource(t *testing.T) string {
	t.Helper()
	p, places := axeFind()
	if p == "" {
		msg := "axe-core not found (looked at " + strings.Join(places, ", ") + "); run `npm install -g axe-core` or set " + EnvAxe + " to its axe.min.js"
		if os.Getenv(EnvRequired) == "required" {
			t.Fatal(msg + "; " + EnvRequired + "=required, so this is a failure")
		}
		t.Skip(msg)
	}
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// a11ySample builds the sample (minified, as published) and returns the
// output folder and every page in it, slash-separated and sorted: the
// edition chooser and both editions.
func a11ySample(t *testing.T) (string, []string) {
	t.Helper()
	out := buildSample(t)
	var pages []string
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel, err := filepath.Rel(out, p)
		pages = append(pages, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(pages)
	if len(pages) < 40 {
		t.Fatalf("only %d pages in the sample", len(pages))
	}
	return out, pages
}

// a11yTab watches one tab for what WalkSite reports (console errors, CSP
// violations, requests that leave the site) while a test looks at pages.
type a11yTab struct {
	ctx  context.Context
	t    *testing.T
	root string
	w    *walker
}

// newA11yTab prepares the tab of ctx: the CSP probe on every document, a
// focused page (a headless tab has none), reduced motion and the light
// scheme, at 1280 by 900 pixels.
func newA11yTab(t *testing.T, ctx context.Context, root string) *a11yTab {
	t.Helper()
	tab := &a11yTab{ctx: ctx, t: t, root: root, w: &walker{root: filepath.Clean(root), problems: map[Problem]bool{}}}
	watchTab(t, ctx, tab.w.onEvent)
	tab.media("light")
	tab.viewport(1280, 900, 1)
	return tab
}

// media emulates a reader who asked for reduced motion and the colour
// scheme ("light" or "dark").
func (tab *a11yTab) media(scheme string) {
	tab.t.Helper()
	if _, err := chromedp.Call(tab.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{
		{Name: "prefers-color-scheme", Value: scheme}, {Name: "prefers-reduced-motion", Value: "reduce"},
	}}); err != nil {
		tab.t.Fatalf("emulating %s mode: %v", scheme, err)
	}
}

// viewport sets the size of the page in CSS pixels, and the device pixels
// per CSS pixel (4 at 320 wide is a 1280-pixel window at 400% zoom).
func (tab *a11yTab) viewport(width, height int64, scale float64) {
	tab.t.Helper()
	if err := chromedp.Do(tab.ctx, chromedp.EmulateViewport(width, height, chromedp.EmulateScale(scale))); err != nil {
		tab.t.Fatalf("resizing to %dx%d: %v", width, height, err)
	}
}

// open loads a page (relative to root) and waits until its scripts have
// run and a frame has been drawn.
func (tab *a11yTab) open(rel string) {
	tab.t.Helper()
	tab.w.setCurrent(rel)
	ctx, cancel := context.WithTimeout(tab.ctx, 15*time.Second)
	defer cancel()
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(tab.root, filepath.FromSlash(rel)))}).String()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		tab.t.Fatalf("opening %s: %v", rel, err)
	}
	a11yEval[bool](tab, `new Promise((ok) => requestAnimationFrame(() => setTimeout(() => ok(true), 0)))`)
}

// a11yEval evaluates js in the page, awaiting a promise, and decodes it.
func a11yEval[T any](tab *a11yTab, js string) T {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		short := js
		if len(short) > 80 {
			short = short[:80] + "…"
		}
		tab.t.Fatalf("%s: evaluating %s: %v", tab.w.cur, short, err)
	}
	return v
}

// check fails the test for every problem WalkSite would report since the
// last check (CSP violations are read from the current document).
func (tab *a11yTab) check() {
	tab.t.Helper()
	type violation struct {
		Directive string `json:"directive"`
		Blocked   string `json:"blocked"`
		Source    string `json:"source"`
		Line      int    `json:"line"`
	}
	for _, v := range a11yEval[[]violation](tab, `(window.__havenBrowsertestCSP || []).splice(0)`) {
		tab.w.add(Problem{Kind: CSPViolation, URL: v.Blocked,
			Detail: fmt.Sprintf("%s blocked %s (%s:%d)", v.Directive, v.Blocked, tab.w.short(v.Source), v.Line)})
	}
	tab.w.mu.Lock()
	var probs []Problem
	for p := range tab.w.problems {
		probs = append(probs, p)
	}
	clear(tab.w.problems)
	tab.w.mu.Unlock()
	slices.SortFunc(probs, func(a, b Problem) int { return strings.Compare(a.String(), b.String()) })
	for _, p := range probs {
		tab.t.Errorf("%s", p)
	}
}

// axeResult is what axeRunJS returns.
type axeResult struct {
	Version    string    `json:"version"`
	Violations []axeRule `json:"violations"`
	Incomplete []axeRule `json:"incomplete"`
}

type axeRule struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Tags    []string `json:"tags"`
	Nodes   []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
		Gap     int    `json:"gap"` // index in a11yGaps of the known gap it is, or -1
	} `json:"nodes"`
}

// a11yGap is a known failure that the theme's templates and CSS cannot fix,
// because other code writes the HTML (Go, or haven.js); fix names the
// change. Axe violations of Rule on elements that match the CSS selector
// Match (and, for rule "label", fields that TestA11yPageStructure finds
// unlabelled) are logged, not failed. A gap that no longer occurs fails
// TestA11yAxe: delete its entry with the fix.
type a11yGap struct {
	Rule  string `json:"rule"`
	Match string `json:"match"`
	fix   string
}

// a11yGaps is empty: every gap found so far has been fixed. Add one only
// with the change that will remove it.
var a11yGaps = []a11yGap{}

// axeRunJS runs axe-core over the document with the WCAG A and AA rules.
// axe is injected with Runtime.evaluate, which the page's CSP does not
// govern (its script-src 'self' would refuse an injected <script>), and the
// test's CSP probe shows that axe then runs without tripping the CSP, but
// for one thing: axe's preload fetches the style sheets, which the CSP's
// connect-src refuses. So preload is off, which leaves out the one rule
// that needs it, css-orientation-lock; TestA11yAxe checks that by reading
// the theme's CSS.
var axeRunJS = `(async () => {
  const gaps = ` + a11yGapsJSON() + `;
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ` + jsList(a11yTags) + `}, preload: false, elementRef: true});
  const rule = (v) => ({id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl, tags: v.tags,
    nodes: v.nodes.map((n) => ({target: n.target.map((s) => [].concat(s).join(' >>> ')).join(' '),
      summary: (n.failureSummary || '').replace(/\s+/g, ' ').trim(),
      gap: gaps.findIndex((g) => g.rule === v.id && n.element && n.element.matches(g.match))}))});
  return {version: axe.version, violations: r.violations.map(rule), incomplete: r.incomplete.map(rule)};
})()`

func a11yGapsJSON() string {
	b, err := json.Marshal(a11yGaps)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func jsList(ss []string) string {
	var q []string
	for _, s := range ss {
		q = append(q, jsString(s))
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// gradientContrastJS checks what axe leaves undecided: text over a
// background gradient (the hatched facilitator notes, the scroll shadows of
// the phone-sized sidebar). For each element with text of its own, it takes
// every colour that its backgrounds can show behind it (each stop of each
// gradient, each laid over what is beneath, and what is beneath alone, as a
// gradient may not reach everywhere) and returns those whose contrast with
// the text is under 4.5:1 (3:1 for large text).
const gradientContrastJS = `(() => {
  const rgba = (s) => { const m = (s.match(/[\d.]+/g) || []).map(Number); return [m[0] || 0, m[1] || 0, m[2] || 0, m.length > 3 ? m[3] : 1]; };
  const over = (t, u) => { const a = t[3] + u[3] * (1 - t[3]); if (!a) return [0, 0, 0, 0];
    return [0, 1, 2].map((i) => (t[i] * t[3] + u[i] * u[3] * (1 - t[3])) / a).concat([a]); };
  const lum = (c) => { const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const page = rgba(getComputedStyle(document.documentElement).backgroundColor);
  const base = page[3] === 1 ? page : over(page, rgba(getComputedStyle(document.body).backgroundColor));
  const bad = [];
  let checked = 0;
  for (const e of document.body.querySelectorAll('*')) {
    if (![...e.childNodes].some((n) => n.nodeType === 3 && n.data.trim()) || !e.getClientRects().length) continue;
    const cs = getComputedStyle(e);
    if (cs.visibility === 'hidden' || cs.opacity === '0') continue;
    const layers = []; // top first
    let gradient = false, opaque = false;
    for (let p = e; p && !opaque; p = p.parentElement) {
      const ps = getComputedStyle(p);
      if (ps.backgroundImage.includes('gradient')) {
        gradient = true;
        layers.push({stops: (ps.backgroundImage.match(/rgba?\([^)]*\)/g) || []).map(rgba), partial: true});
      }
      const bc = rgba(ps.backgroundColor);
      if (bc[3] > 0) { layers.push({stops: [bc], partial: false}); opaque = bc[3] === 1; }
    }
    if (!gradient) continue;
    checked++;
    let backs = [opaque ? [255, 255, 255, 1] : base];
    for (const l of layers.reverse()) {
      const next = l.partial ? backs.slice() : [];
      for (const b of backs) for (const s of l.stops) next.push(over(s, b));
      backs = next;
    }
    const size = parseFloat(cs.fontSize), large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
    const fg = rgba(cs.color), need = large ? 3 : 4.5;
    const worst = Math.min(...backs.map((b) => ratio(over(fg, b), b)));
    if (worst < need) bad.push({el: e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : ''),
      text: e.textContent.replace(/\s+/g, ' ').trim().slice(0, 40), ratio: Math.round(worst * 100) / 100, need: need});
  }
  return {checked: checked, bad: bad};
})()`

type a11yGradient struct {
	Checked int `json:"checked"`
	Bad     []struct {
		El    string  `json:"el"`
		Text  string  `json:"text"`
		Ratio float64 `json:"ratio"`
		Need  float64 `json:"need"`
	} `json:"bad"`
}

// axe injects axe-core into the current document, unless it is there, and
// runs it.
func (tab *a11yTab) axe(src string) axeResult {
	tab.t.Helper()
	if !a11yEval[bool](tab, `typeof axe === 'object'`) {
		a11yEval[chromedp.Void](tab, src)
	}
	return a11yEval[axeResult](tab, axeRunJS)
}

// TestA11yAxe runs axe-core over every page of the sample, in light and
// dark mode, at 1280 and 360 pixels wide, and fails on every violation of
// a WCAG 2.0, 2.1 or 2.2 A or AA rule, but the known gaps of a11yGaps. It
// also runs it with the search results open. What axe could not decide
// ("incomplete", such as contrast over a patterned background) is logged
// for a person to review.
func TestA11yAxe(t *testing.T) {
	ctx := Browser(t)
	src := axeSource(t)
	out, pages := a11ySample(t)

	// css-orientation-lock, which axe cannot run here (see axeRunJS): no
	// style sheet of the site may depend on the screen's orientation.
	sheets, _ := filepath.Glob(filepath.Join(out, "*", "assets", "*.css"))
	if len(sheets) == 0 {
		t.Fatal("no style sheets in the sample's assets")
	}
	for _, f := range sheets {
		css, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(css), "orientation") {
			t.Errorf("%s has an orientation media query: content must not be locked to portrait or landscape (WCAG 1.3.4)", f)
		}
	}

	tab := newA11yTab(t, ctx, out)
	rep := &a11yAxeReport{review: map[string]map[string]bool{}, gaps: map[int][]string{}}
	ran := 0 // runs that went through every page (-run may pick some)
	for _, scheme := range []string{"light", "dark"} {
		for _, width := range []int64{1280, 360} {
			t.Run(fmt.Sprintf("%s-%dpx", scheme, width), func(t *testing.T) {
				tab.t = t
				tab.media(scheme)
				tab.viewport(width, 900, 1)
				version := ""
				for _, pg := range pages {
					tab.open(pg)
					res := tab.axe(src)
					version = res.Version
					rep.add(t, pg, res)
					g := a11yEval[a11yGradient](tab, gradientContrastJS)
					rep.gradients += g.Checked
					for _, b := range g.Bad {
						t.Errorf("%s: colour contrast over a background gradient (WCAG 1.4.3): %s %q has %.2f:1 at worst, want %.1f:1", pg, b.El, b.Text, b.Ratio, b.Need)
					}
					tab.check()
				}
				// the search box with its results open, on each edition's home
				for _, edition := range []string{"facilitator", "participant"} {
					pg := edition + "/index.html"
					tab.open(pg)
					a11yEval[bool](tab, `(() => { const i = document.getElementById('haven-search-input');
  i.focus(); i.value = 'safe'; i.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`)
					a11yWait(tab, `(() => { const l = document.getElementById('haven-search-results');
  return !l.hidden && !l.hasAttribute('aria-busy') && l.children.length > 0; })()`, "search results")
					rep.add(t, pg+" (search results open)", tab.axe(src))
					tab.check()
				}
				t.Logf("axe-core %s: %d pages and 2 open searches", version, len(pages))
				ran++
			})
		}
	}
	tab.t = t
	for i, g := range a11yGaps {
		if len(rep.gaps[i]) == 0 {
			if ran == 4 {
				t.Errorf("the known gap %q (%s) no longer occurs: delete it from a11yGaps", g.Rule, g.Match)
			}
			continue
		}
		on := slices.Compact(slices.Sorted(slices.Values(rep.gaps[i])))
		t.Logf("KNOWN GAP, needs a change outside the theme's templates and CSS: axe %s on %s: %s (on %s)", g.Rule, g.Match, g.fix, a11yFew(on))
	}
	t.Logf("checked the contrast of %d elements' text over background gradients, which axe leaves undecided", rep.gradients)
	for _, k := range slices.Sorted(maps.Keys(rep.review)) {
		t.Logf("axe could not decide, for a person to review: %s (on %s)", k, a11yFew(slices.Sorted(maps.Keys(rep.review[k]))))
	}
}

// a11yFew lists the first few of a sorted list.
func a11yFew(l []string) string {
	if len(l) > 4 {
		return strings.Join(l[:4], ", ") + fmt.Sprintf(" and %d more", len(l)-4)
	}
	return strings.Join(l, ", ")
}

// a11yAxeReport gathers what axe found across pages.
type a11yAxeReport struct {
	review    map[string]map[string]bool // undecided rule and reason -> pages
	gaps      map[int][]string           // a11yGaps index -> pages
	gradients int                        // elements with text over a gradient, checked by gradientContrastJS
}

// add fails t for each violation on a page, one error per rule, with the
// rule, its WCAG tags, where, axe's help text and what to fix; it notes
// known gaps and what axe left undecided.
func (rep *a11yAxeReport) add(t *testing.T, pg string, res axeResult) {
	t.Helper()
	for _, v := range res.Violations {
		var targets []string
		summary := ""
		for _, n := range v.Nodes {
			if n.Gap >= 0 {
				rep.gaps[n.Gap] = append(rep.gaps[n.Gap], pg)
				continue
			}
			targets = append(targets, n.Target)
			if summary == "" {
				summary = n.Summary
			}
		}
		if len(targets) == 0 {
			continue
		}
		tags := slices.DeleteFunc(slices.Clone(v.Tags), func(s string) bool { return !slices.Contains(a11yTags, s) })
		t.Errorf("%s: axe %s (%s, %s): %s\n\tat %s\n\t%s\n\tsee %s", pg, v.ID, v.Impact, strings.Join(tags, " "),
			v.Help, strings.Join(targets, ", "), summary, v.HelpURL)
	}
	for _, v := range res.Incomplete {
		for _, n := range v.Nodes {
			reason := strings.TrimPrefix(n.Summary, "Fix any of the following: ")
			if v.ID == "color-contrast" && strings.Contains(reason, "background gradient") {
				continue // gradientContrastJS decides these
			}
			k := v.ID + ": " + reason
			if rep.review[k] == nil {
				rep.review[k] = map[string]bool{}
			}
			rep.review[k][pg] = true
		}
	}
}

// a11yWait polls until the expression is true in the page.
func a11yWait(tab *a11yTab, expr, what string) {
	tab.t.Helper()
	if err := waitTrue(tab.ctx, expr); err != nil {
		tab.t.Fatalf("%s: waiting for %s: %v", tab.w.cur, what, err)
	}
}

// a11yStructure is what structureJS reports of a page.
type a11yStructure struct {
	Lang       string   `json:"lang"`
	H1         int      `json:"h1"`
	Headings   []string `json:"headings"` // "h2 Title", in document order
	FirstTab   string   `json:"firstTab"` // the first element Tab reaches, described
	SkipHref   string   `json:"skipHref"`
	SkipToMain bool     `json:"skipToMain"`
	Main       int      `json:"main"`
	Banner     int      `json:"banner"`
	Nav        int      `json:"nav"`
	Footer     int      `json:"footer"`
	Outside    []string `json:"outside"` // visible text outside every landmark (the skip link aside)
	Unlabeled  []struct {
		Desc string `json:"desc"`
		Gap  int    `json:"gap"`
	} `json:"unlabeled"`
	Images []struct {
		Src    string  `json:"src"`
		Alt    *string `json:"alt"`
		Width  string  `json:"width"`
		Height string  `json:"height"`
	} `json:"images"`
	Assets []string `json:"assets"` // stylesheets and scripts, resolved URLs
}

var structureJS = `(() => {
  const gaps = ` + a11yGapsJSON() + `;
  const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const describe = (e) => e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '') : '';
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(visible);
  const sectioning = 'article, aside, main, nav, section';
  const banner = [...document.querySelectorAll('header, [role=banner]')].filter((e) => e.getAttribute('role') === 'banner' || !e.parentElement.closest(sectioning));
  const footer = [...document.querySelectorAll('footer, [role=contentinfo]')].filter((e) => e.getAttribute('role') === 'contentinfo' || !e.parentElement.closest(sectioning));
  const tabbable = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
    .filter((e) => e.tabIndex >= 0 && !e.disabled && !e.closest('[hidden], [inert]'));
  const first = tabbable[0];
  const skipHref = first && first.tagName === 'A' ? first.getAttribute('href') : '';
  const target = skipHref.startsWith('#') ? document.getElementById(decodeURIComponent(skipHref.slice(1))) : null;
  const landmark = 'header, nav, main, footer, aside, [role=banner], [role=navigation], [role=main], [role=contentinfo], [role=search], [role=complementary]';
  const outside = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const p = n.parentElement;
    if (!n.data.trim() || !visible(p) || p.closest(landmark) || p.closest('.skip-link')) continue;
    outside.push(describe(p) + ': ' + n.data.trim().slice(0, 40));
  }
  const name = (e) => {
    if (e.hasAttribute('aria-labelledby')) {
      return e.getAttribute('aria-labelledby').split(/\s+/).map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
    }
    return (e.getAttribute('aria-label') || '').trim() || [...(e.labels || [])].map((l) => l.textContent).join(' ').trim() || (e.getAttribute('title') || '').trim();
  };
  const fields = [...document.querySelectorAll('input, select, textarea')]
    .filter((e) => !['hidden', 'submit', 'reset', 'button', 'image'].includes(e.type));
  return {
    lang: document.documentElement.getAttribute('lang') || '',
    h1: document.querySelectorAll('h1').length,
    headings: headings.map((h) => h.tagName.toLowerCase() + ' ' + h.textContent.replace(/\s+/g, ' ').trim().slice(0, 50)),
    firstTab: describe(first),
    skipHref: skipHref || '',
    skipToMain: !!target && !!target.closest('main'),
    main: document.querySelectorAll('main, [role=main]').length,
    banner: banner.length,
    nav: document.querySelectorAll('nav, [role=navigation]').length,
    footer: footer.length,
    outside: outside,
    unlabeled: fields.filter((e) => !name(e)).map((e) => ({desc: describe(e) + (e.type ? '[type=' + e.type + ']' : ''),
      gap: gaps.findIndex((g) => g.rule === 'label' && e.matches(g.match))})),
    images: [...document.querySelectorAll('img')].map((i) => ({src: i.getAttribute('src') || '', alt: i.getAttribute('alt'),
      width: i.getAttribute('width') || '', height: i.getAttribute('height') || ''})),
    assets: [...document.querySelectorAll('link[rel~=stylesheet][href], script[src]')].map((e) => e.href || e.src),
  };
})()`

// a11yBudget is the most the theme's own CSS and JavaScript may weigh on one
// page, minified: an old phone on a poor connection loads it all.
const a11yBudget = 30 * 1000

// TestA11yPageStructure checks, on every page of the sample: a language,
// exactly one h1, headings that skip no level, a skip link that is the first
// stop of Tab and leads to main, the landmarks (one banner, navigation, one
// main, one contentinfo) with no text outside them, a label for every form
// field, alt text and a size for every image, and the theme's CSS and
// JavaScript within budget.
func TestA11yPageStructure(t *testing.T) {
	ctx := Browser(t)
	out, pages := a11ySample(t)
	tab := newA11yTab(t, ctx, out)
	heaviest, heaviestPage := 0, ""
	for _, pg := range pages {
		t.Run(pg, func(t *testing.T) {
			tab.t = t
			tab.open(pg)
			s := a11yEval[a11yStructure](tab, structureJS)
			if s.Lang == "" {
				t.Error("<html> has no lang")
			}
			if s.H1 != 1 {
				t.Errorf("%d h1 elements, want exactly one", s.H1)
			}
			prev := 0
			for _, h := range s.Headings {
				level := int(h[1] - '0')
				if level > prev+1 {
					t.Errorf("heading %q follows an h%d: a level is skipped (headings: %s)", h, prev, strings.Join(s.Headings, " | "))
				}
				prev = level
			}
			if len(s.Headings) > 0 && !strings.HasPrefix(s.Headings[0], "h1 ") {
				t.Errorf("the first heading is %q, not the h1", s.Headings[0])
			}
			if !strings.Contains(s.FirstTab, ".skip-link") || !s.SkipToMain {
				t.Errorf("the first Tab stop is %s (href %q), want a skip link to main", s.FirstTab, s.SkipHref)
			}
			if s.Main != 1 || s.Banner != 1 || s.Footer != 1 || s.Nav < 1 {
				t.Errorf("landmarks: %d main, %d banner, %d contentinfo, %d navigation; want 1, 1, 1 and at least 1", s.Main, s.Banner, s.Footer, s.Nav)
			}
			for _, o := range s.Outside {
				t.Errorf("text outside every landmark: %s", o)
			}
			for _, u := range s.Unlabeled {
				if u.Gap < 0 {
					t.Errorf("form field without a label: %s", u.Desc)
				}
			}
			for _, img := range s.Images {
				if img.Alt == nil {
					t.Errorf("<img src=%q> has no alt", img.Src)
				}
				if img.Width == "" || img.Height == "" {
					t.Errorf("<img src=%q> has no width and height, so the page shifts as it loads", img.Src)
				}
			}
			total := 0
			var parts []string
			for _, a := range s.Assets {
				u, err := url.Parse(a)
				if err != nil || u.Scheme != "file" {
					t.Errorf("asset %s is not a file of the site", a)
					continue
				}
				rel, ok := tab.w.rel(filepath.FromSlash(u.Path))
				if !ok {
					t.Errorf("asset %s is outside the site", a)
					continue
				}
				if strings.Contains(rel, "/search/") { // the search index: content, loaded on demand
					continue
				}
				st, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel)))
				if err != nil {
					t.Errorf("asset %s: %v", rel, err)
					continue
				}
				total += int(st.Size())
				parts = append(parts, fmt.Sprintf("%s %d", path.Base(rel), st.Size()))
			}
			if total > a11yBudget {
				t.Errorf("the theme's CSS and JavaScript weigh %d bytes minified (%s); the budget is %d", total, strings.Join(parts, ", "), a11yBudget)
			}
			if total > heaviest {
				heaviest, heaviestPage = total, pg+" ("+strings.Join(parts, ", ")+")"
			}
			tab.check()
		})
	}
	tab.t = t
	t.Logf("heaviest page for the theme's CSS and JavaScript: %d bytes of %d, %s", heaviest, a11yBudget, heaviestPage)
}

// reflowJS reports what sticks out sideways: the page's own scroll width
// against its width, and the elements wider than the viewport that are not
// inside a box that scrolls on its own (as wide tables do).
const reflowJS = `(() => {
  const se = document.scrollingElement, vw = se.clientWidth;
  const scrolls = (e) => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const wide = [...document.body.querySelectorAll('*')].filter((e) => {
    const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > vw + 1 || r.left < -1) && !scrolls(e) &&
      getComputedStyle(e).position !== 'absolute' && !e.closest('.skip-link, .visually-hidden'); })
    .slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
      ' (' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right) + ')');
  return {scrollWidth: se.scrollWidth, clientWidth: vw, wide: wide};
})()`

// textSpacingJS applies WCAG 1.4.12's text spacing to the page with a
// constructed style sheet (CSSOM, which the page's CSP does not govern).
const textSpacingJS = `(() => {
  const s = new CSSStyleSheet();
  s.replaceSync('* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; } p { margin-bottom: 2em !important; }');
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, s];
  return new Promise((ok) => requestAnimationFrame(() => ok(true)));
})()`

type a11yReflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	ClientWidth int      `json:"clientWidth"`
	Wide        []string `json:"wide"`
}

// TestA11yReflow opens every page at 320 CSS pixels wide (a phone, or a
// 1280-pixel window at 400% zoom) and fails when the page scrolls sideways,
// as it is and with WCAG's text spacing. Wide tables may scroll inside
// their own box.
func TestA11yReflow(t *testing.T) {
	ctx := Browser(t)
	out, pages := a11ySample(t)
	tab := newA11yTab(t, ctx, out)
	tab.viewport(320, 800, 4)
	for _, pg := range pages {
		t.Run(pg, func(t *testing.T) {
			tab.t = t
			tab.open(pg)
			for _, spacing := range []bool{false, true} {
				what := "at 320px"
				if spacing {
					a11yEval[bool](tab, textSpacingJS)
					what += " with text spacing"
				}
				r := a11yEval[a11yReflow](tab, reflowJS)
				if r.ScrollWidth > r.ClientWidth {
					t.Errorf("%s the page scrolls sideways: %d pixels wide in a %d-pixel viewport; sticking out: %s", what, r.ScrollWidth, r.ClientWidth, strings.Join(r.Wide, ", "))
				}
			}
			tab.check()
		})
	}
}

// a11yFocus describes the focused element after a key press.
type a11yFocus struct {
	Desc     string  `json:"desc"`     // tag#id.class
	Region   string  `json:"region"`   // skip, header, search, sidebar, main, pager, footer, body, other
	Index    int     `json:"index"`    // position among the page's links and fields in document order, -1 if not one
	Ring     string  `json:"ring"`     // the focus indicator, or "" if none
	Contrast float64 `json:"contrast"` // of the outline colour against the page background
	Seen     bool    `json:"seen"`     // its first box is in the viewport and not covered
	Text     string  `json:"text"`
}

const focusJS = `(() => {
  const e = document.activeElement;
  const controls = [...document.querySelectorAll('a[href], input, button, select, textarea')]
    .filter((c) => c.tabIndex >= 0 && !c.disabled && c.getClientRects().length > 0 && !c.closest('[hidden]'));
  const describe = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  if (!e || e === document.body || e === document.documentElement) return {desc: 'body', region: 'body', index: -1, ring: '', contrast: 0, seen: true, text: ''};
  const region = e.matches('.skip-link') ? 'skip' : e.closest('form.search') ? 'search' : e.closest('.site-header') ? 'header' : e.closest('#haven-nav') ? 'sidebar' :
    e.closest('.pager') ? 'pager' : e.closest('main') ? 'main' : e.closest('footer') ? 'footer' : 'other';
  const cs = getComputedStyle(e);
  let ring = '';
  if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) ring = 'outline ' + cs.outlineWidth + ' ' + cs.outlineStyle + ' ' + cs.outlineColor;
  else if (cs.boxShadow && cs.boxShadow !== 'none') ring = 'box-shadow ' + cs.boxShadow;
  const rgb = (s) => (s.match(/[\d.]+/g) || [0, 0, 0]).slice(0, 3).map(Number);
  const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const l1 = lum(rgb(cs.outlineColor)), l2 = lum(rgb(getComputedStyle(document.body).backgroundColor));
  const box = e.getClientRects()[0];
  let seen = false;
  if (box) {
    const x = Math.min(Math.max(box.left + Math.min(box.width / 2, 8), 0), innerWidth - 1), y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    seen = box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth && !!hit && (hit === e || e.contains(hit));
  }
  return {desc: describe(e), region: region, index: controls.indexOf(e), ring: ring,
    contrast: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05), seen: seen,
    text: (e.textContent || e.value || '').replace(/\s+/g, ' ').trim().slice(0, 40)};
})()`

// a11yControlsJS lists the page's links and fields in document order, with
// their regions, as focusJS numbers them.
const a11yControlsJS = `[...document.querySelectorAll('a[href], input, button, select, textarea')]
  .filter((c) => c.tabIndex >= 0 && !c.disabled && c.getClientRects().length > 0 && !c.closest('[hidden]'))
  .map((e) => e.matches('.skip-link') ? 'skip' : e.closest('form.search') ? 'search' : e.closest('.site-header') ? 'header' : e.closest('#haven-nav') ? 'sidebar' :
    e.closest('.pager') ? 'pager' : e.closest('main') ? 'main' : e.closest('footer') ? 'footer' : 'other')`

// press sends one key as a keyboard does: a keyDown carrying its text (no
// separate char event), then a keyUp.
func (tab *a11yTab) press(key, code string, vk int64, text string) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, 10*time.Second)
	defer cancel()
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
		p := input.DispatchKeyEventParams{Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk}
		if typ == input.DispatchKeyEventTypeKeyDown {
			p.Text, p.UnmodifiedText = text, text
		}
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); err != nil {
			tab.t.Fatalf("pressing %s: %v", key, err)
		}
	}
}

func (tab *a11yTab) tab() a11yFocus {
	tab.t.Helper()
	tab.press("Tab", "Tab", 9, "")
	return a11yEval[a11yFocus](tab, focusJS)
}

// TestA11yKeyboard walks a session page by keyboard alone, 1280 and 360
// pixels wide, light and dark: Tab reaches the skip link, the site's title,
// the search box, every sidebar link, every link in the content and the
// previous and next links, in that order, each once; every stop shows a
// focus indicator (an outline with 3:1 contrast against the page, or a box
// shadow) and is on screen, not covered; the skip link moves the focus to
// main.
func TestA11yKeyboard(t *testing.T) {
	ctx := Browser(t)
	out := buildSample(t)
	tab := newA11yTab(t, ctx, out)
	for _, c := range []struct {
		width  int64
		scheme string
	}{{1280, "light"}, {1280, "dark"}, {360, "light"}, {360, "dark"}} {
		t.Run(fmt.Sprintf("%s-%dpx", c.scheme, c.width), func(t *testing.T) {
			tab.t = t
			tab.media(c.scheme)
			tab.viewport(c.width, 800, 1)
			tab.open(a11ySessionPage)
			a11yWait(tab, `!document.querySelector('form.search').hidden`, "the search box")
			controls := a11yEval[[]string](tab, a11yControlsJS)
			if len(controls) < 20 || controls[len(controls)-1] != "pager" {
				t.Fatalf("the page's controls are %v; want a page with links and a pager", controls)
			}

			// The skip link: the first stop, shown when focused, and it
			// moves the focus to main.
			f := tab.tab()
			if f.Region != "skip" || !f.Seen || f.Ring == "" {
				t.Fatalf("the first Tab reaches %s (shown: %v, ring %q), want the skip link, shown with a focus ring", f.Desc, f.Seen, f.Ring)
			}
			tab.press("Enter", "Enter", 13, "\r")
			if got := a11yEval[string](tab, `document.activeElement.id`); got != "haven-main" {
				t.Errorf("after Enter on the skip link the focus is on #%s, want main#haven-main", got)
			}
			if y := a11yEval[float64](tab, `document.getElementById('haven-main').getBoundingClientRect().top`); y < -1 || y > 100 {
				t.Errorf("after the skip link, main starts %.0f pixels from the top of the window", y)
			}
			f = tab.tab()
			if f.Region != "main" || f.Index != slices.Index(controls, "main") {
				t.Errorf("Tab after the skip link reaches %s (%s), want the first link in main", f.Desc, f.Region)
			}

			// From the top: every control once, region by region.
			tab.open(a11ySessionPage)
			a11yWait(tab, `!document.querySelector('form.search').hidden`, "the search box")
			order := []string{"skip", "header", "search", "sidebar", "main", "pager"}
			var stops []a11yFocus
			for i := 0; i < 3*len(controls); i++ {
				f := tab.tab()
				if f.Region == "body" || (len(stops) > 0 && f.Index == 0) {
					break // out of the page, or round again
				}
				stops = append(stops, f)
			}
			last, next := -1, 0
			for _, f := range stops {
				where := fmt.Sprintf("Tab stop %s %q (%s)", f.Desc, f.Text, f.Region)
				if f.Ring == "" {
					t.Errorf("%s shows no focus indicator", where)
				} else if f.Contrast < 3 && strings.HasPrefix(f.Ring, "outline") {
					t.Errorf("%s: its %s has a contrast of %.2f:1 with the page, want 3:1", where, f.Ring, f.Contrast)
				}
				if !f.Seen {
					t.Errorf("%s is off screen or covered", where)
				}
				r := slices.Index(order, f.Region)
				if r < 0 {
					t.Errorf("%s is outside the skip link, header, search, sidebar, content and pager", where)
					continue
				}
				if r < last {
					t.Errorf("%s comes after the %s", where, order[last])
				}
				last = r
				if f.Index < 0 {
					t.Logf("%s: a stop that is not a link or field (a scrolling box?)", where)
					continue
				}
				if f.Index != next {
					t.Errorf("%s is control %d; want control %d (%s) next", where, f.Index, next, controls[min(next, len(controls)-1)])
				}
				next = f.Index + 1
			}
			if next != len(controls) {
				t.Errorf("Tab reached %d of the page's %d links and fields", next, len(controls))
			}
			var seen []string
			for _, r := range order {
				n := 0
				for _, f := range stops {
					if f.Region == r {
						n++
					}
				}
				seen = append(seen, fmt.Sprintf("%s %d", r, n))
			}
			t.Logf("Tab stops: %s", strings.Join(seen, ", "))
			tab.check()
		})
	}
}

// fullShot returns a PNG of the whole page, from the top of the document
// to the bottom, at the width of the viewport.
func (tab *a11yTab) fullShot() []byte {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, 30*time.Second)
	defer cancel()
	m, err := chromedp.Call(ctx, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		tab.t.Fatalf("measuring %s: %v", tab.w.cur, err)
	}
	yes := true
	shot, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: &yes, FromSurface: &yes,
		Clip: &page.Viewport{X: 0, Y: 0, Width: float64(m.CSSLayoutViewport.ClientWidth), Height: m.CSSContentSize.Height, Scale: 1},
	})
	if err != nil {
		tab.t.Fatalf("screenshot of %s: %v", tab.w.cur, err)
	}
	return shot.Data
}

// a11yArtifacts is where TestA11yScreenshots writes: $HAVEN_ARTIFACTS or
// the repository's artifacts/ folder (ignored by git), under screenshots/.
func a11yArtifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("HAVEN_ARTIFACTS")
	if dir == "" {
		root, err := filepath.Abs(filepath.Join("..", "..", "artifacts"))
		if err != nil {
			t.Fatal(err)
		}
		dir = root
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestA11yScreenshots saves full-page screenshots of the sample's home, a
// session and the group agreement, 360 and 1280 pixels wide, light and
// dark, for a person to look at, into artifacts/screenshots/.
func TestA11yScreenshots(t *testing.T) {
	ctx := Browser(t)
	out := buildSample(t)
	dir := a11yArtifacts(t)
	tab := newA11yTab(t, ctx, out)
	// Phones overlay their scroll bars; a classic one would also make the
	// page narrower than the shot, which captures beyond the viewport.
	if _, err := chromedp.Call(ctx, emulation.SetScrollbarsHidden, emulation.SetScrollbarsHiddenParams{Hidden: true}); err != nil {
		t.Fatal(err)
	}
	shots := []struct{ name, page string }{
		{"home", a11yHomePage}, {"session", a11ySessionPage}, {"agreement", a11yAgreementPage},
	}
	for _, scheme := range []string{"light", "dark"} {
		tab.media(scheme)
		for _, width := range []int64{360, 1280} {
			tab.viewport(width, 800, 1)
			for _, s := range shots {
				tab.open(s.page)
				img := tab.fullShot()
				name := filepath.Join(dir, fmt.Sprintf("%s-%d-%s.png", s.name, width, scheme))
				if err := os.WriteFile(name, img, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s", name)
			}
		}
	}
	tab.check()
}
