package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The agreement tests drive the group-agreement page of the built sample
// (content/agreements/group-agreement.md, made a form by
// themes/default/static/assets/agreement.js) in Chromium, from disk, in both
// editions: what a group types is kept in this browser across reloads and
// cleared on request, it can be saved as a Markdown file and printed, the
// form works by keyboard alone, and the page reads without JavaScript. Every
// subtest also fails on console errors, CSP violations and requests for
// anything but the site's own files.

const agreementPage = "agreements/group-agreement.html"

// What the tests type, and the items they change. Item 3 ("Respect.") is
// ticked in the template and the tests untick it; item 8 ("Phones.") is
// unticked in the template.
const (
	agGroupName = "Oak Room parents"
	agEdited    = "What is said here stays here. We keep each other's stories to ourselves."
	agAdded     = "We text the group if we cannot come."
	agBlank     = "Tea and a biscuit before we start."
	agDropped   = "We listen without interrupting"
	agPhones    = "Phones on silent and put away"
)

// agSession watches the tab while a test drives the agreement page of one
// edition: what WalkSite records (console errors, CSP violations, requests
// that leave the site or miss a file), plus every file requested and every
// JavaScript dialog, which it answers with confirmAnswer.
type agSession struct {
	ctx context.Context
	t   *testing.T
	w   *walker
	url string // file:// URL of the agreement page

	confirmAnswer atomic.Bool
	stop          func() // stops watching; idempotent

	mu       sync.Mutex
	requests []string // every URL requested, in order
	dialogs  []string
}

// openAgreement watches the tab of ctx and opens the agreement page of the
// edition in out with nothing stored for it. Watching stops when t ends.
func openAgreement(t *testing.T, ctx context.Context, out, edition string) *agSession {
	t.Helper()
	s := watchAgreement(t, ctx, out, edition)
	// Both editions share the storage key, and all file:// pages one
	// origin: start every subtest from the template.
	s.waitFor(`document.readyState === 'complete'`, "the page has loaded")
	agEval[bool](s, `localStorage.clear(), true`)
	s.reload()
	return s
}

// watchAgreement watches the tab of ctx and opens the agreement page of the
// edition in out, as this browser last left it, without waiting for
// agreement.js.
func watchAgreement(t *testing.T, ctx context.Context, out, edition string) *agSession {
	t.Helper()
	root := filepath.Join(out, edition)
	s := &agSession{ctx: ctx, t: t, w: &walker{root: filepath.Clean(root), problems: map[Problem]bool{}}}
	s.url = (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(root, filepath.FromSlash(agreementPage)))}).String()
	s.w.setCurrent(agreementPage)
	s.stop = watchTab(t, ctx, s.onEvent)
	// Without smooth scrolling, an element scrolled into view for a click
	// is where the click lands.
	agMedia(t, ctx, "light")
	s.do("opening the page", chromedp.Navigate(s.url))
	return s
}

// agMedia emulates a reader who asked for reduced motion and the colour
// scheme ("light" or "dark").
func agMedia(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{
		{Name: "prefers-reduced-motion", Value: "reduce"}, {Name: "prefers-color-scheme", Value: scheme},
	}}); err != nil {
		t.Fatalf("emulating media: %v", err)
	}
}

// onEvent runs in chromedp's event loop: quick, and no browser calls here
// but the dialog answer, which runs on its own.
func (s *agSession) onEvent(ev any) {
	s.w.onEvent(ev)
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request != nil {
			s.mu.Lock()
			s.requests = append(s.requests, ev.Request.URL)
			s.mu.Unlock()
		}
	case *page.EventJavascriptDialogOpening:
		s.mu.Lock()
		s.dialogs = append(s.dialogs, fmt.Sprintf("%s: %s", ev.Type, ev.Message))
		s.mu.Unlock()
		go chromedp.Call(s.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: s.confirmAnswer.Load()})
	}
}

// check fails the test for every problem seen so far, except requests whose
// URL starts with one of allow (such as "blob:" for a download).
func (s *agSession) check(allow ...string) {
	s.t.Helper()
	s.flushCSP()
	s.w.mu.Lock()
	var ps []Problem
	for p := range s.w.problems {
		ps = append(ps, p)
	}
	s.w.problems = map[Problem]bool{}
	s.w.mu.Unlock()
	slices.SortFunc(ps, func(a, b Problem) int { return strings.Compare(a.String(), b.String()) })
outer:
	for _, p := range ps {
		if p.Kind == ForeignRequest {
			for _, a := range allow {
				if strings.HasPrefix(p.URL, a) {
					continue outer
				}
			}
		}
		s.t.Errorf("%s", p)
	}
}

// flushCSP records the CSP violations seen so far in the current document.
func (s *agSession) flushCSP() {
	s.t.Helper()
	type violation struct {
		Directive string `json:"directive"`
		Blocked   string `json:"blocked"`
		Sample    string `json:"sample"`
	}
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](`(window.__havenBrowsertestCSP || []).splice(0)`))
	if err != nil {
		s.t.Logf("reading CSP violations: %v", err)
		return
	}
	for _, v := range vs {
		s.w.add(Problem{Kind: CSPViolation, URL: v.Blocked, Detail: fmt.Sprintf("%s blocked %s sample %q", v.Directive, v.Blocked, v.Sample)})
	}
}

// do runs browser actions, failing the test if they fail.
func (s *agSession) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
}

// agEval evaluates js in the page, failing the test if it throws.
func agEval[T any](s *agSession, js string) T {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		s.t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// waitFor polls the page until the expression is true. An evaluation that
// fails (the page is between two documents) is tried again.
func (s *agSession) waitFor(expr, what string) {
	s.t.Helper()
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
		var ok bool
		ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(`+expr+`)`))
		cancel()
		if err == nil && ok {
			return
		}
	}
	s.t.Fatalf("waiting until %s (%s): timed out (last error: %v)\nstate: %+v", what, expr, err, s.state())
}

// reload reloads the page and waits until agreement.js has made it a form.
func (s *agSession) reload() {
	s.t.Helper()
	s.do("reloading the page", chromedp.Reload())
	s.waitFor(`!!document.querySelector('article.agreement.is-live')`, "the agreement is a form")
}

// waitDialogs waits until n JavaScript dialogs have opened and been answered.
func (s *agSession) waitDialogs(n int) {
	s.t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		s.mu.Lock()
		got := len(s.dialogs)
		s.mu.Unlock()
		if got >= n {
			break
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%d dialog(s) opened, want %d", got, n)
		}
	}
	agEval[bool](s, `true`) // returns once the page runs again
}

// key sends key presses to whatever has the focus, as a keyboard would.
func (s *agSession) key(keys string) {
	s.t.Helper()
	s.do(fmt.Sprintf("pressing %q", keys), chromedp.KeyEvent(keys, agRawKeyDown))
}

// agRawKeyDown makes a key press arrive as a real keyboard's does: a
// "rawKeyDown", then its character. Chromium suppresses the character (the
// keypress) of a rawKeyDown that a page handled, as it does for a reader's
// keyboard; after chromedp's usual "keyDown" it does not, so the Enter that
// ends an edit would also press the button that the focus moves to.
func agRawKeyDown(p *input.DispatchKeyEventParams) {
	if p.Type == input.DispatchKeyEventTypeKeyDown {
		p.Type = input.DispatchKeyEventTypeRawKeyDown
	}
}

// agItem is one item of the agreement as the page shows it.
type agItem struct {
	ID    string `json:"id"`
	Kept  bool   `json:"kept"`
	Text  string `json:"text"`
	Added bool   `json:"added"`
	Bold  string `json:"bold"` // the words in <strong>, if any
}

// agState is the agreement as the page shows it.
type agState struct {
	Live      bool              `json:"live"`
	ToolsShow bool              `json:"toolsShown"`
	Items     []agItem          `json:"items"`
	Inputs    map[string]string `json:"inputs"`
	Status    string            `json:"status"`
	Stored    *string           `json:"stored"` // what localStorage holds for the page, nil if nothing
	Focus     string            `json:"focus"`  // the focused element, described
}

const agStateJS = `(() => {
  const a = document.querySelector('article.agreement');
  const sq = (s) => s.replace(/\s+/g, ' ').trim();
  let stored = null;
  try { stored = localStorage.getItem('haven-agreement:' + a.dataset.agreementKey); } catch (e) { stored = 'unavailable: ' + e; }
  const f = document.activeElement;
  return {
    live: a.classList.contains('is-live'),
    toolsShown: !a.querySelector('.agreement-tools').hidden,
    items: [...a.querySelectorAll('.agreement-item')].map((li) => {
      const cb = li.querySelector('.agreement-keep'), label = li.querySelector('.agreement-text');
      const b = label.querySelector('strong');
      return {id: cb.id, kept: cb.checked, text: sq(label.textContent), added: li.classList.contains('agreement-added'), bold: b ? sq(b.textContent) : ''};
    }),
    inputs: Object.fromEntries([...a.querySelectorAll('input.agreement-input')].map((i) => [i.id, i.value])),
    status: sq((a.querySelector('.agreement-status') || {}).textContent || ''),
    stored: stored,
    focus: f ? f.tagName.toLowerCase() + (f.id ? '#' + f.id : '') + (f.className ? '.' + String(f.className).split(' ').join('.') : '') : '',
  };
})()`

func (s *agSession) state() agState {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	st, err := chromedp.Run(ctx, chromedp.Evaluate[agState](agStateJS))
	if err != nil {
		s.t.Fatalf("reading the agreement: %v", err)
	}
	return st
}

func (st agState) item(id string) agItem {
	for _, it := range st.Items {
		if it.ID == id {
			return it
		}
	}
	return agItem{}
}

func (st agState) added() []string {
	var a []string
	for _, it := range st.Items {
		if it.Added {
			a = append(a, it.Text)
		}
	}
	return a
}

// fill does what a group would: names itself, unticks "Respect.", changes
// the words of the first item, adds an item of its own and fills a blank,
// with real clicks and key presses.
func (s *agSession) fill() {
	s.t.Helper()
	s.do("typing the group name", chromedp.SendKeys(chromedp.CSS("#haven-field-1"), agGroupName))
	s.do("unticking item 3", chromedp.Click(chromedp.CSS("#haven-item-3")))
	s.do("editing item 1", chromedp.Click(chromedp.CSS("#haven-item-1 ~ .agreement-actions .agreement-edit")))
	s.waitFor(`document.activeElement.matches('#haven-item-1 ~ textarea.agreement-wording')`, "the item's words are in a focused box")
	agEval[bool](s, `document.activeElement.select(), true`) // select the old words, to type over them
	s.key(agEdited + kb.Enter)
	s.waitFor(`!document.querySelector('.agreement-wording') && document.activeElement.matches('#haven-item-1 ~ .agreement-actions .agreement-edit')`, "editing is done and the Edit button has the focus")
	s.do("adding an item", chromedp.Click(chromedp.CSS(".agreement-add")))
	s.waitFor(`document.activeElement.matches('.agreement-added textarea.agreement-wording')`, "the new item's box has the focus")
	s.key(agAdded + kb.Enter)
	s.do("filling a blank", chromedp.SendKeys(chromedp.CSS("#haven-blank-1"), agBlank))
	s.waitFor(`document.querySelector('.agreement-status').textContent.includes('Saved in this browser')`, "the page says it saved")
}

// checkFilled checks that the page shows what fill typed.
func (s *agSession) checkFilled(st agState, defaults agState) {
	s.t.Helper()
	if got := st.Inputs["haven-field-1"]; got != agGroupName {
		s.t.Errorf("group name = %q, want %q", got, agGroupName)
	}
	if got := st.Inputs["haven-blank-1"]; got != agBlank {
		s.t.Errorf("first blank = %q, want %q", got, agBlank)
	}
	if st.item("haven-item-3").Kept {
		s.t.Errorf("item 3 is ticked, want it unticked")
	}
	if it := st.item("haven-item-1"); it.Text != agEdited || !it.Kept || it.Bold != "What is said here stays here." {
		s.t.Errorf("item 1 = %+v, want the words %q, ticked, with its bold lead-in", it, agEdited)
	}
	if a := st.added(); !slices.Equal(a, []string{agAdded}) {
		s.t.Errorf("added items = %q, want [%q]", a, agAdded)
	}
	for _, it := range defaults.Items {
		if it.ID == "haven-item-1" || it.ID == "haven-item-3" {
			continue
		}
		if got := st.item(it.ID); got != it {
			s.t.Errorf("item %s = %+v, want it as the template has it: %+v", it.ID, got, it)
		}
	}
}

// checkDefaults checks that the page shows the template as it was built.
func (s *agSession) checkDefaults(st agState, defaults agState, when string) {
	s.t.Helper()
	if !slices.Equal(st.Items, defaults.Items) {
		s.t.Errorf("%s: items differ from the template's:\n got %+v\nwant %+v", when, st.Items, defaults.Items)
	}
	for id, v := range st.Inputs {
		if v != "" {
			s.t.Errorf("%s: %s still holds %q", when, id, v)
		}
	}
	if st.Stored != nil {
		s.t.Errorf("%s: this browser still keeps %q", when, *st.Stored)
	}
}

// agEditions runs f for each edition of a freshly built sample, in one
// browser.
func agEditions(t *testing.T, f func(t *testing.T, ctx context.Context, out, edition string)) {
	ctx := Browser(t)
	out := buildSample(t)
	for _, edition := range []string{"facilitator", "participant"} {
		t.Run(edition, func(t *testing.T) { f(t, ctx, out, edition) })
	}
}

// TestAgreementKeepsWhatIsTyped: what a group types survives a reload, and
// "Clear what we typed" (after a confirmation) brings back the template,
// which then survives a reload too.
func TestAgreementKeepsWhatIsTyped(t *testing.T) {
	agEditions(t, func(t *testing.T, ctx context.Context, out, edition string) {
		s := openAgreement(t, ctx, out, edition)
		defaults := s.state()
		if !defaults.Live || !defaults.ToolsShow {
			t.Fatalf("the agreement is not a form (live %v, tools shown %v)", defaults.Live, defaults.ToolsShow)
		}
		if len(defaults.Items) != 14 || len(defaults.Inputs) != 7 {
			t.Fatalf("the sample agreement has %d items and %d inputs, want 14 and 7", len(defaults.Items), len(defaults.Inputs))
		}
		if defaults.item("haven-item-8").Kept || !defaults.item("haven-item-3").Kept {
			t.Fatalf("the template's ticks are not as its source has them: %+v", defaults.Items)
		}

		s.fill()
		s.checkFilled(s.state(), defaults)
		s.reload()
		st := s.state()
		s.checkFilled(st, defaults)
		if !strings.Contains(st.Status, "Restored") {
			t.Errorf("after a reload the status says %q, want it to say what was typed is back", st.Status)
		}

		// "No" to the question keeps everything.
		s.confirmAnswer.Store(false)
		s.do("clearing, then saying no", chromedp.Click(chromedp.CSS(".agreement-clear")))
		s.waitDialogs(1)
		s.checkFilled(s.state(), defaults)

		s.confirmAnswer.Store(true)
		s.do("clearing", chromedp.Click(chromedp.CSS(".agreement-clear")))
		s.waitFor(`document.querySelector('.agreement-status').textContent.includes('Cleared')`, "the page says it cleared")
		s.checkDefaults(s.state(), defaults, "after clearing")
		s.reload()
		s.checkDefaults(s.state(), defaults, "after clearing and a reload")

		s.mu.Lock()
		dialogs := s.dialogs
		s.mu.Unlock()
		if len(dialogs) != 2 || !strings.HasPrefix(dialogs[0], "confirm: ") {
			t.Errorf("dialogs = %q, want two confirmations", dialogs)
		}
		s.check()
	})
}

// TestAgreementBothEditionsShareWhatIsTyped: a group that fills the
// agreement in one edition finds it filled in the other (one storage key).
func TestAgreementBothEditionsShareWhatIsTyped(t *testing.T) {
	ctx := Browser(t)
	out := buildSample(t)
	s := openAgreement(t, ctx, out, "facilitator")
	defaults := s.state()
	s.fill()
	s.check()
	s.stop()
	p := watchAgreement(t, ctx, out, "participant")
	p.waitFor(`!!document.querySelector('article.agreement.is-live')`, "the agreement is a form")
	p.checkFilled(p.state(), defaults)
	p.check()
}

// TestAgreementContactsNoOne: filling, reloading, printing and clearing the
// agreement requests nothing but the site's own files, logs no error and
// breaks no CSP rule.
func TestAgreementContactsNoOne(t *testing.T) {
	agEditions(t, func(t *testing.T, ctx context.Context, out, edition string) {
		s := openAgreement(t, ctx, out, edition)
		agEval[bool](s, `window.print = () => { window.__agPrinted = (window.__agPrinted || 0) + 1; }, true`)
		s.fill()
		s.do("printing", chromedp.Click(chromedp.CSS(".agreement-print")))
		if n := agEval[int](s, `window.__agPrinted || 0`); n != 1 {
			t.Errorf("the Print button called window.print %d times, want 1", n)
		}
		s.reload()
		s.confirmAnswer.Store(true)
		s.do("clearing", chromedp.Click(chromedp.CSS(".agreement-clear")))
		s.waitFor(`document.querySelector('.agreement-status').textContent.includes('Cleared')`, "the page says it cleared")
		s.check()

		s.mu.Lock()
		reqs := slices.Clone(s.requests)
		s.mu.Unlock()
		sawScript := false
		for _, r := range reqs {
			u, err := url.Parse(r)
			if err != nil || u.Scheme != "file" {
				t.Errorf("request for %s; the page may only load the site's own files", r)
				continue
			}
			rel, ok := s.w.rel(filepath.FromSlash(u.Path))
			if !ok {
				t.Errorf("request for %s, outside the site", r)
			}
			if rel == "assets/agreement.js" {
				sawScript = true
			}
		}
		if !sawScript {
			t.Errorf("agreement.js was never requested; requests: %q", reqs)
		}
	})
}

// TestAgreementSavesAsAFile: "Save as a file" downloads the agreement as
// Markdown, named after the page, with what was typed and without the items
// the group dropped.
func TestAgreementSavesAsAFile(t *testing.T) {
	agEditions(t, func(t *testing.T, ctx context.Context, out, edition string) {
		s := openAgreement(t, ctx, out, edition)
		dir := t.TempDir()
		yes := true
		if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &yes,
		}); err != nil {
			t.Fatalf("allowing downloads: %v", err)
		}
		s.fill()
		s.do("saving as a file", chromedp.Click(chromedp.CSS(".agreement-save")))
		file := filepath.Join(dir, "group-agreement.md")
		var data []byte
		for deadline := time.Now().Add(10 * time.Second); ; {
			b, err := os.ReadFile(file)
			if err == nil && len(b) > 0 {
				data = b
				break
			}
			if time.Now().After(deadline) {
				names, _ := filepath.Glob(filepath.Join(dir, "*"))
				t.Fatalf("no %s after 10s; the folder holds %q", filepath.Base(file), names)
			}
			time.Sleep(20 * time.Millisecond)
		}
		md := string(data)
		t.Logf("saved file:\n%s", md)
		for _, want := range []string{
			"# Our group agreement\n",
			"\n## Suggested items\n",
			"\n- **What is said here stays here.** We keep each other's stories to ourselves.\n",
			"\n- " + agAdded + "\n",
			"\n- " + agBlank + "\n",
			"\nGroup name: " + agGroupName + "\n",
			"\nDate we agreed it: ___\n",
			"\n- **No recording.** Nobody records, photographs or screenshots the group.\n",
		} {
			if !strings.Contains(md, want) {
				t.Errorf("the saved file lacks %q", want)
			}
		}
		for _, gone := range []string{agDropped, agPhones, "We can laugh together", "For facilitators", "Allow a full half hour"} {
			if strings.Contains(md, gone) {
				t.Errorf("the saved file holds %q, which the group did not keep", gone)
			}
		}
		if st := s.state(); !strings.Contains(st.Status, "group-agreement.md") {
			t.Errorf("after saving the status says %q, want it to name the file", st.Status)
		}
		s.check("blob:") // the download itself is the page's own blob
	})
}

// agPDF prints the page as Chromium would on A4 and returns its text, one
// string per page.
func agPDF(t *testing.T, s *agSession) []string {
	t.Helper()
	yes := true
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatalf("printing to PDF: %v", err)
	}
	file := filepath.Join(t.TempDir(), "agreement.pdf")
	if err := os.WriteFile(file, pdf.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("HAVEN_AGREEMENT_SHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "-")+".pdf"), pdf.Data, 0o644)
	}
	text, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimSuffix(string(text), "\f"), "\f")
	return pages
}

func agNeedPDFText(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv(EnvRequired) == "required" {
			t.Fatal("pdftotext (Debian's poppler-utils) is needed for the print test")
		}
		t.Skip("pdftotext (Debian's poppler-utils) is not installed")
	}
}

// TestAgreementPrints: the filled agreement prints on one or two A4 pages
// with what was typed, without the dropped items, the buttons or the
// facilitator's notes.
func TestAgreementPrints(t *testing.T) {
	agNeedPDFText(t)
	agEditions(t, func(t *testing.T, ctx context.Context, out, edition string) {
		s := openAgreement(t, ctx, out, edition)
		s.fill()
		pages := agPDF(t, s)
		if len(pages) > 2 {
			t.Errorf("prints on %d A4 pages, want one or two", len(pages))
		}
		flat := squash(strings.Join(pages, " "))
		for _, want := range []string{"Our group agreement", agEdited, agAdded, agBlank, agGroupName, "Date we agreed it:", "No recording.", "Signatures", "Signature or initials"} {
			if !strings.Contains(flat, squash(want)) {
				t.Errorf("the printed agreement lacks %q", want)
			}
		}
		for _, gone := range []string{agDropped, agPhones, "We can laugh together", "Clear what we typed", "Save as a file", "Add an item", "Edit", "Allow a full half hour", "Skip to content"} {
			if strings.Contains(flat, squash(gone)) {
				t.Errorf("the printed agreement shows %q", gone)
			}
		}
		t.Logf("%d page(s)", len(pages))
		s.check()
	})
}

// TestAgreementByKeyboard: the form can be filled with the keyboard alone:
// Tab to a box and untick it with Space, Tab to a field and type, Tab to
// "Add an item" and press Enter, type the item and press Enter. Every
// control has a name, and the focus is visible.
func TestAgreementByKeyboard(t *testing.T) {
	agEditions(t, func(t *testing.T, ctx context.Context, out, edition string) {
		s := openAgreement(t, ctx, out, edition)
		defaults := s.state()

		unnamed := agEval[[]string](s, `[...document.querySelectorAll('article.agreement :is(input, textarea, button, select)')]
		  .filter((e) => !(e.labels && e.labels.length && e.labels[0].textContent.trim()) && !e.getAttribute('aria-label') && !e.textContent.trim())
		  .map((e) => e.outerHTML)`)
		for _, u := range unnamed {
			t.Errorf("a control without a name: %s", u)
		}

		// tabTo presses Tab until the focus is on an element matching sel.
		tabTo := func(sel string) {
			t.Helper()
			for i := 0; i < 120; i++ {
				s.key(kb.Tab)
				if agEval[bool](s, fmt.Sprintf(`document.activeElement.matches(%q)`, sel)) {
					outline := agEval[string](s, `(() => { const c = getComputedStyle(document.activeElement); return c.outlineStyle + ' ' + c.outlineWidth; })()`)
					if strings.HasPrefix(outline, "none") || strings.HasSuffix(outline, " 0px") {
						t.Errorf("%s has the focus but no visible outline (%s)", sel, outline)
					}
					return
				}
			}
			t.Fatalf("120 presses of Tab never reached %s; the focus is on %s", sel, s.state().Focus)
		}

		tabTo("#haven-item-3")
		s.key(" ")
		s.waitFor(`!document.querySelector('#haven-item-3').checked`, "Space unticks the box")
		tabTo("#haven-field-1")
		s.key(agGroupName)
		tabTo(".agreement-add")
		s.key(kb.Enter)
		s.waitFor(`document.activeElement.matches('.agreement-added textarea.agreement-wording')`, "Enter on \"Add an item\" opens a new item with the focus in it")
		s.key(agAdded + kb.Enter)
		s.waitFor(`document.activeElement.matches('.agreement-added .agreement-edit')`, "Enter ends editing and the focus goes to the item's Edit button")
		// Escape puts the words back.
		s.key(kb.Enter)
		s.waitFor(`document.activeElement.matches('.agreement-added textarea.agreement-wording')`, "Enter on Edit opens the words")
		s.key("scribble" + kb.Escape)

		st := s.state()
		if st.item("haven-item-3").Kept {
			t.Errorf("Space did not untick item 3")
		}
		if got := st.Inputs["haven-field-1"]; got != agGroupName {
			t.Errorf("group name = %q, want %q", got, agGroupName)
		}
		if a := st.added(); !slices.Equal(a, []string{agAdded}) {
			t.Errorf("added items = %q, want [%q]", a, agAdded)
		}
		if st.Stored == nil || !strings.Contains(*st.Stored, agAdded) {
			t.Errorf("this browser does not keep the added item: %v", st.Stored)
		}
		// Tab to the added item's Remove button and press Enter: it goes,
		// and the focus lands on "Add an item".
		tabTo(".agreement-added .agreement-remove")
		s.key(kb.Enter)
		s.waitFor(`!document.querySelector('.agreement-added') && document.activeElement.matches('.agreement-add')`, "the item is removed and the focus is on \"Add an item\"")
		if n := len(s.state().Items); n != len(defaults.Items) {
			t.Errorf("%d items after removing the added one, want %d", n, len(defaults.Items))
		}
		s.check()
	})
}

// TestAgreementWithoutJavaScript: with scripts off the page shows every
// item with its box, every field and blank, and no tools; on paper every
// item is there to tick, on one or two pages.
func TestAgreementWithoutJavaScript(t *testing.T) {
	agEditions(t, func(t *testing.T, ctx context.Context, out, edition string) {
		s := openAgreement(t, ctx, out, edition)
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("turning scripts off: %v", err)
		}
		t.Cleanup(func() {
			chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		})
		s.do("opening the page without scripts", chromedp.Navigate(s.url))
		type seen struct {
			Live     bool     `json:"live"`
			Tools    bool     `json:"tools"`
			Items    []string `json:"items"`
			Boxes    int      `json:"boxes"`
			Inputs   int      `json:"inputs"`
			Controls int      `json:"controls"`
		}
		got := agEval[seen](s, `(() => {
		  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
		  const a = document.querySelector('article.agreement');
		  return {
		    live: a.classList.contains('is-live'),
		    tools: shown(a.querySelector('.agreement-tools')),
		    items: [...a.querySelectorAll('.agreement-item')].filter(shown).map((li) => li.textContent.replace(/\s+/g, ' ').trim()),
		    boxes: [...a.querySelectorAll('.agreement-keep')].filter(shown).length,
		    inputs: [...a.querySelectorAll('input.agreement-input')].filter(shown).length,
		    controls: a.querySelectorAll('.agreement-actions, .agreement-add, .agreement-print-text').length,
		  };
		})()`)
		if got.Live || got.Controls != 0 {
			t.Fatalf("agreement.js ran although scripts are off: %+v", got)
		}
		if got.Tools {
			t.Errorf("the tools show without JavaScript, where they cannot work")
		}
		if len(got.Items) != 14 || got.Boxes != 14 || got.Inputs != 7 {
			t.Errorf("without JavaScript %d items, %d boxes and %d fields and blanks show, want 14, 14 and 7", len(got.Items), got.Boxes, got.Inputs)
		}
		if _, err := exec.LookPath("pdftotext"); err == nil {
			pages := agPDF(t, s)
			flat := squash(strings.Join(pages, " "))
			for _, want := range []string{"Respect.", agDropped, agPhones, "We can laugh together", "Group name:", "Signatures"} {
				if !strings.Contains(flat, squash(want)) {
					t.Errorf("the printed template lacks %q", want)
				}
			}
			if strings.Contains(flat, "Clear what we typed") {
				t.Errorf("the printed template shows the tools")
			}
			if len(pages) > 2 {
				t.Errorf("the blank template prints on %d A4 pages, want one or two", len(pages))
			}
		}
		s.check()
	})
}

// TestAgreementWithoutStorage: where the browser keeps nothing (storage
// blocked), the page says so calmly and the form still works.
func TestAgreementWithoutStorage(t *testing.T) {
	agEditions(t, func(t *testing.T, ctx context.Context, out, edition string) {
		s := openAgreement(t, ctx, out, edition)
		block, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `Object.defineProperty(window, 'localStorage', {configurable: true, get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }});`,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			chromedp.Call(ctx, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: block.Identifier})
		})
		s.reload()
		st := s.state()
		if !strings.Contains(st.Status, "cannot keep") {
			t.Errorf("with storage blocked the status says %q, want it to say this browser cannot keep what is typed", st.Status)
		}
		s.do("typing the group name", chromedp.SendKeys(chromedp.CSS("#haven-field-1"), agGroupName))
		s.do("adding an item", chromedp.Click(chromedp.CSS(".agreement-add")))
		s.waitFor(`document.activeElement.matches('.agreement-added textarea')`, "the new item has the focus")
		s.key(agAdded + kb.Enter)
		st = s.state()
		if st.Inputs["haven-field-1"] != agGroupName || !slices.Equal(st.added(), []string{agAdded}) {
			t.Errorf("the form stopped working without storage: %+v", st)
		}
		if !strings.Contains(st.Status, "cannot keep") {
			t.Errorf("after typing the status says %q", st.Status)
		}
		s.check()
	})
}

// TestAgreementRestoresByWords: what this browser keeps follows the
// template's words, not the order of its items, so a template rebuilt after
// a change keeps the group's choices with the right items; the group's
// words for an item the template no longer has come back as its own item;
// and what cannot be read is ignored, leaving the template.
func TestAgreementRestoresByWords(t *testing.T) {
	agEditions(t, func(t *testing.T, ctx context.Context, out, edition string) {
		s := openAgreement(t, ctx, out, edition)
		defaults := s.state()
		respect := defaults.item("haven-item-3").Text
		kept := fmt.Sprintf(`{"v":1,"items":{%q:{"k":false},"An item the template dropped.":{"k":true,"t":"Our words for an item that has gone."}},"added":[{"k":false,"t":"Something to talk about."}],"fields":{"Group name":"Oak Room","Our own item#2":"Second blank"}}`, respect)
		agEval[bool](s, fmt.Sprintf(`localStorage.setItem('haven-agreement:' + document.querySelector('article.agreement').dataset.agreementKey, %q), true`, kept))
		s.reload()
		st := s.state()
		if st.item("haven-item-3").Kept {
			t.Errorf("the item %q is ticked; this browser kept it unticked", respect)
		}
		if a := st.added(); !slices.Equal(a, []string{"Our words for an item that has gone.", "Something to talk about."}) {
			t.Errorf("added items = %q", a)
		}
		for _, it := range st.Items {
			if it.Text == "Something to talk about." && it.Kept {
				t.Errorf("the added item %q is ticked; this browser kept it unticked", it.Text)
			}
		}
		if st.Inputs["haven-field-1"] != "Oak Room" || st.Inputs["haven-blank-2"] != "Second blank" || st.Inputs["haven-blank-1"] != "" {
			t.Errorf("inputs = %v", st.Inputs)
		}

		for _, bad := range []string{`not json`, `{"v":1,"items":7,"added":"x","fields":null}`, `{"v":2}`} {
			agEval[bool](s, fmt.Sprintf(`localStorage.setItem('haven-agreement:' + document.querySelector('article.agreement').dataset.agreementKey, %q), true`, bad))
			s.reload()
			st := s.state()
			if !slices.Equal(st.Items, defaults.Items) {
				t.Errorf("after storing %q the items are not the template's: %+v", bad, st.Items)
			}
		}
		s.check()
	})
}

// TestAgreementOnASmallPhone: at 320 CSS pixels wide, with an item being
// edited and an item added, nothing in the agreement is wider than the
// screen.
func TestAgreementOnASmallPhone(t *testing.T) {
	agEditions(t, func(t *testing.T, ctx context.Context, out, edition string) {
		s := openAgreement(t, ctx, out, edition)
		s.do("narrowing the screen", chromedp.EmulateViewport(320, 640))
		t.Cleanup(func() { chromedp.Do(ctx, chromedp.ResetViewport()) })
		s.fill()
		s.do("editing item 2", chromedp.Click(chromedp.CSS("#haven-item-2 ~ .agreement-actions .agreement-edit")))
		wide := agEval[[]string](s, `[...document.querySelectorAll('article.agreement, article.agreement *')]
		  .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < -0.5 || r.right > document.documentElement.clientWidth + 0.5); })
		  .filter((e) => !e.closest('table, .visually-hidden, .is-editing > .agreement-text'))
		  .map((e) => e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`)
		for _, w := range wide {
			t.Errorf("wider than a 320px screen: %s", w)
		}
		if sw := agEval[int](s, `document.documentElement.scrollWidth`); sw > 320 {
			t.Errorf("the page scrolls sideways: %dpx wide", sw)
		}
		s.check()
	})
}

// TestAgreementScreenshots writes screenshots of the agreement page (360
// and 1280 pixels wide, light and dark, filled in) and a printed PDF into
// the folder named by HAVEN_AGREEMENT_SHOTS, for a person to look at. It
// is skipped when that is not set.
func TestAgreementScreenshots(t *testing.T) {
	dir := os.Getenv("HAVEN_AGREEMENT_SHOTS")
	if dir == "" {
		t.Skip("set HAVEN_AGREEMENT_SHOTS to a folder to write screenshots")
	}
	ctx := Browser(t)
	out := buildSample(t)
	s := openAgreement(t, ctx, out, "facilitator")
	s.fill()
	// one item mid-edit, to see the editing box
	s.do("editing item 2", chromedp.Click(chromedp.CSS("#haven-item-2 ~ .agreement-actions .agreement-edit")))
	for _, scheme := range []string{"light", "dark"} {
		agMedia(t, ctx, scheme)
		for _, width := range []int64{360, 1280} {
			s.do("resizing", chromedp.EmulateViewport(width, 800))
			// the article, a screen at a time
			top := agEval[int](s, `Math.floor(document.querySelector('article.agreement').getBoundingClientRect().top + scrollY)`)
			bottom := agEval[int](s, `Math.ceil(document.querySelector('article.agreement').getBoundingClientRect().bottom + scrollY)`)
			for i, y := 0, top; y < bottom; i, y = i+1, y+700 {
				agEval[bool](s, fmt.Sprintf(`scrollTo(0, %d), true`, y))
				shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				if err != nil {
					t.Fatal(err)
				}
				name := filepath.Join(dir, fmt.Sprintf("agreement-%d-%s-%d.png", width, scheme, i+1))
				if err := os.WriteFile(name, shot, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s", name)
			}
		}
	}
	agMedia(t, ctx, "light")
	s.key(kb.Escape)
	if _, err := exec.LookPath("pdftotext"); err == nil {
		pages := agPDF(t, s)
		t.Logf("printed on %d page(s)", len(pages))
	}
	s.check()
}
