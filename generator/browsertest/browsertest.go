// Package browsertest opens a built haven site straight from disk (file://)
// in headless Chromium and reports everything that does not work there.
//
// It is a test-support package: its one job is to let tests prove that a
// generated site works offline, opened from a folder, under its own
// Content-Security-Policy, and contacts nothing but its own files.
//
// [Browser] starts Chromium for a test. [WalkSite] opens a start page and
// follows every link (a[href]) of every page reachable from it, once per page,
// and returns every [Problem] it saw: broken, absolute or directory links,
// missing anchors, console errors, CSP violations, requests that leave the
// site, and pages without exactly one CSP meta.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
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

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// EnvRequired is the environment variable that makes browser tests mandatory:
// when it is "required", [Browser] fails the test instead of skipping it when
// no browser is found.
const EnvRequired = "HAVEN_BROWSER_TESTS"

// EnvChromium is the environment variable that names the browser binary to
// use, ahead of the usual places.
const EnvChromium = "HAVEN_CHROMIUM"

// FindChromium returns the path of a Chromium-like browser: $HAVEN_CHROMIUM
// if set, then /usr/bin/chromium, then chromium, chromium-browser,
// google-chrome and google-chrome-stable on PATH. It returns "" when none is
// found.
func FindChromium() string {
	if p := os.Getenv(EnvChromium); p != "" {
		if lp, err := exec.LookPath(p); err == nil {
			return lp
		}
		return ""
	}
	if st, err := os.Stat("/usr/bin/chromium"); err == nil && !st.IsDir() {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser starts a headless Chromium for the test and returns a chromedp
// context bound to one tab of it. The browser runs with a fresh, empty profile
// in a t.TempDir, with networking features off, and it is closed by
// t.Cleanup.
//
// When no browser is found, Browser skips the test, unless the environment
// variable HAVEN_BROWSER_TESTS is "required", in which case it fails it.
// A browser that is found but does not start always fails the test.
func Browser(t testing.TB) context.Context {
	t.Helper()
	exe := FindChromium()
	if exe == "" {
		msg := "no Chromium found (looked at $" + EnvChromium + ", /usr/bin/chromium, and chromium, chromium-browser, google-chrome on PATH); install Debian's chromium package or set " + EnvChromium
		if v := os.Getenv(EnvChromium); v != "" {
			msg = EnvChromium + "=" + v + " is not an executable"
		}
		if os.Getenv(EnvRequired) == "required" {
			t.Fatal(msg + "; " + EnvRequired + "=required, so this is a failure")
		}
		t.Skip(msg + "; set " + EnvRequired + "=required to make this a failure")
	}

	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		// Robustness in containers and CI, not policy: a small /dev/shm
		// crashes Chromium, and nothing here needs extensions or audio.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(profile),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser process to exit
		// Chromium's helper processes can write into the profile for a
		// moment after the main process is gone; t.TempDir's own removal
		// then fails. Retry here first.
		for i := 0; i < 50; i++ {
			if err := os.RemoveAll(profile); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	// Start the browser now, with no deadline, so that a browser that cannot
	// start is reported here and later per-action timeouts do not kill it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return ctx
}

// Kind classifies a [Problem].
type Kind string

// The kinds of problem that [WalkSite] reports.
const (
	// MissingFile: a link names a file that does not exist.
	MissingFile Kind = "missing file"
	// DirectoryLink: a link ends in "/" or names a directory; from disk that
	// shows a directory listing, not a page.
	DirectoryLink Kind = "directory link"
	// NotRelative: a link is root-absolute ("/x", "//host/x") or has a
	// scheme that is neither a relative link nor an allowed external one
	// (file:, javascript:, data:...).
	NotRelative Kind = "not relative"
	// ExternalLink: an http:, https:, mailto: or tel: link, reported only
	// when [Options.ForbidExternalLinks] is set. External links are never
	// followed.
	ExternalLink Kind = "external link"
	// OutsideSite: a relative link that leaves the site's root folder.
	OutsideSite Kind = "outside site"
	// MissingAnchor: a link's #fragment names no id (or a[name]) in the
	// target page.
	MissingAnchor Kind = "missing anchor"
	// ConsoleError: console.error/console.assert, an uncaught exception, or a
	// browser log entry of level error (which includes Chromium's "Refused
	// to ..." CSP messages and failed resource loads).
	ConsoleError Kind = "console error"
	// CSPViolation: a securitypolicyviolation event fired in the page.
	CSPViolation Kind = "csp violation"
	// ForeignRequest: a network request for anything but an existing file
	// inside the site's root (http:, data:, a file outside root, a missing
	// file...).
	ForeignRequest Kind = "foreign request"
	// CSPMeta: the page does not have exactly one non-empty
	// <meta http-equiv="Content-Security-Policy"> in its <head>, ahead of
	// every script, link and style element (a CSP meta only governs what
	// follows it).
	CSPMeta Kind = "csp meta"
	// LoadFailed: the page did not load, or could not be inspected.
	LoadFailed Kind = "load failed"
)

// Problem is one thing that does not work in the site when opened from disk.
type Problem struct {
	Page   string // the page where it happened, slash-separated, relative to root
	Kind   Kind
	URL    string // the link as written (href), or the URL requested or reported
	Detail string // what is wrong, in words
}

func (p Problem) String() string {
	if p.URL == "" {
		return fmt.Sprintf("%s: %s: %s", p.Page, p.Kind, p.Detail)
	}
	return fmt.Sprintf("%s: %s: %q: %s", p.Page, p.Kind, p.URL, p.Detail)
}

// Options changes what [WalkSite] reports. The zero value is the default.
type Options struct {
	// ForbidExternalLinks reports every http:, https:, mailto: and tel:
	// link as an [ExternalLink] problem. External links are never followed
	// either way.
	ForbidExternalLinks bool

	// PageTimeout bounds the load of one page. Zero means 15 seconds.
	PageTimeout time.Duration
}

// Report is the result of [WalkSite].
type Report struct {
	// Pages are the pages visited, slash-separated and relative to root,
	// sorted.
	Pages []string
	// Problems are every problem found, sorted by page, kind, URL and detail,
	// without duplicates.
	Problems []Problem
}

// cspProbe is installed with Page.addScriptToEvaluateOnNewDocument, which the
// page's CSP does not govern. It records securitypolicyviolation events from
// the very start of each document.
const cspProbe = `(() => {
  const seen = [];
  Object.defineProperty(window, '__havenBrowsertestCSP', {value: seen});
  document.addEventListener('securitypolicyviolation', (e) => {
    seen.push({directive: e.effectiveDirective || e.violatedDirective || '',
      blocked: e.blockedURI || '', source: e.sourceFile || '', line: e.lineNumber || 0,
      sample: e.sample || ''});
  }, true);
})();`

// inspect runs in each page after its load event. It waits a moment so that
// work queued during load (timers, promise callbacks) reports its errors, then
// returns what the walker checks.
const inspect = `(async () => {
  await new Promise((r) => setTimeout(r, 30));
  await new Promise((r) => setTimeout(r, 0));
  const csp = [...document.querySelectorAll('meta[http-equiv]')]
    .filter((m) => (m.getAttribute('http-equiv') || '').trim().toLowerCase() === 'content-security-policy')
    .map((m) => ({content: m.getAttribute('content') || '', inHead: m.parentElement === document.head,
      after: [...document.querySelectorAll('script, link, style')]
        .filter((e) => e.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING)
        .map((e) => e.tagName.toLowerCase())}));
  const ids = [...document.querySelectorAll('[id]')].map((e) => e.id)
    .concat([...document.querySelectorAll('a[name]')].map((a) => a.getAttribute('name')));
  return {
    links: [...document.querySelectorAll('a[href]')].map((a) => ({raw: a.getAttribute('href'), abs: a.href})),
    ids: ids,
    csp: csp,
    violations: window.__havenBrowsertestCSP || [],
  };
})()`

type pageInfo struct {
	Links []struct {
		Raw string `json:"raw"`
		Abs string `json:"abs"`
	} `json:"links"`
	IDs []string `json:"ids"`
	CSP []struct {
		Content string   `json:"content"`
		InHead  bool     `json:"inHead"`
		After   []string `json:"after"` // script, link and style elements before the meta
	} `json:"csp"`
	Violations []struct {
		Directive string `json:"directive"`
		Blocked   string `json:"blocked"`
		Source    string `json:"source"`
		Line      int    `json:"line"`
		Sample    string `json:"sample"`
	} `json:"violations"`
}

// anchorRef is a link with a fragment, checked once every page is known.
type anchorRef struct {
	from, raw, target, fragment string
}

type walker struct {
	root string // absolute, clean
	opts Options

	mu       sync.Mutex
	cur      string // page that events are charged to
	problems map[Problem]bool
}

func (w *walker) add(p Problem) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if p.Page == "" {
		p.Page = w.cur
	}
	w.problems[p] = true
}

func (w *walker) setCurrent(page string) {
	w.mu.Lock()
	w.cur = page
	w.mu.Unlock()
}

// WalkSite opens file://<root>/<start> in the browser of ctx (from [Browser])
// and walks the site breadth-first: every a[href] of every page is checked,
// and every link to an .html/.htm file inside root is visited once. Links to
// other files (CSS, images, zips, PDFs) are checked for existence but not
// opened. root is the site's folder: a link that leaves it is a problem, so
// pass an edition's own folder to check that the edition stands alone.
//
// For each page, after its load event, WalkSite records:
//   - links to missing files, to directories (or ending in "/"), that leave
//     root, that are not relative (root-absolute, or any scheme), and external
//     links if [Options.ForbidExternalLinks];
//   - #fragments that name no id or a[name] in the target page ("#top" and a
//     bare "#" are accepted, as browsers scroll to the top for them);
//   - console errors, uncaught exceptions and browser log errors;
//   - CSP violations (securitypolicyviolation events);
//   - network requests for anything but an existing file inside root,
//     including data: and blob: URLs;
//   - a missing, empty, duplicated or misplaced CSP meta (outside <head>, or
//     after a script, link or style element, which it then does not govern).
//
// The returned error is for a walk that could not run at all (bad root or
// start, browser gone); everything about the site is a Problem. The tab is
// left on the last page visited.
func WalkSite(ctx context.Context, root, start string, opts Options) (Report, error) {
	if opts.PageTimeout <= 0 {
		opts.PageTimeout = 15 * time.Second
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return Report{}, err
	}
	w := &walker{root: filepath.Clean(absRoot), opts: opts, problems: map[Problem]bool{}}
	start = path.Clean(filepath.ToSlash(start))
	if st, err := os.Stat(w.file(start)); err != nil || !st.Mode().IsRegular() {
		return Report{}, fmt.Errorf("browsertest: start page %s is not a file in %s", start, w.root)
	}

	lctx, stop := context.WithCancel(ctx)
	defer stop()
	if err := chromedp.Listen(lctx, w.onEvent); err != nil {
		return Report{}, fmt.Errorf("browsertest: listening to the browser: %w", err)
	}
	script, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
	if err != nil {
		return Report{}, fmt.Errorf("browsertest: installing the CSP probe: %w", err)
	}
	defer chromedp.Call(ctx, page.RemoveScriptToEvaluateOnNewDocument,
		page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: script.Identifier})

	ids := map[string]map[string]bool{} // page -> ids; nil map if it failed to load
	var anchors []anchorRef
	queued := map[string]bool{start: true}
	queue := []string{start}
	for len(queue) > 0 {
		pg := queue[0]
		queue = queue[1:]
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		info, err := w.visit(ctx, pg)
		if err != nil {
			if ctx.Err() != nil {
				return Report{}, ctx.Err()
			}
			w.add(Problem{Page: pg, Kind: LoadFailed, URL: w.url(pg), Detail: err.Error()})
			ids[pg] = nil
			continue
		}
		set := map[string]bool{}
		for _, id := range info.IDs {
			set[id] = true
		}
		ids[pg] = set
		for _, l := range info.Links {
			target, frag, ok := w.checkLink(pg, l.Raw, l.Abs)
			if !ok {
				continue
			}
			isHTML := isPage(target)
			if frag != "" && isHTML {
				anchors = append(anchors, anchorRef{from: pg, raw: l.Raw, target: target, fragment: frag})
			}
			if isHTML && !queued[target] {
				queued[target] = true
				queue = append(queue, target)
			}
		}
	}

	for _, a := range anchors {
		set := ids[a.target]
		if set == nil { // target failed to load; already reported
			continue
		}
		if set[a.fragment] || strings.EqualFold(a.fragment, "top") {
			continue
		}
		if dec, err := url.PathUnescape(a.fragment); err == nil && set[dec] {
			continue
		}
		w.add(Problem{Page: a.from, Kind: MissingAnchor, URL: a.raw,
			Detail: fmt.Sprintf("no element with id %q in %s", a.fragment, a.target)})
	}

	rep := Report{}
	for pg := range ids {
		rep.Pages = append(rep.Pages, pg)
	}
	slices.Sort(rep.Pages)
	w.mu.Lock()
	for p := range w.problems {
		rep.Problems = append(rep.Problems, p)
	}
	w.mu.Unlock()
	slices.SortFunc(rep.Problems, func(a, b Problem) int {
		return strings.Compare(a.Page+"\x00"+string(a.Kind)+"\x00"+a.URL+"\x00"+a.Detail,
			b.Page+"\x00"+string(b.Kind)+"\x00"+b.URL+"\x00"+b.Detail)
	})
	return rep, nil
}

// file returns the OS path of a slash-separated path relative to root.
func (w *walker) file(rel string) string {
	return filepath.Join(w.root, filepath.FromSlash(rel))
}

// url returns the file:// URL of a page.
func (w *walker) url(rel string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(w.file(rel))}).String()
}

// rel returns the path of an OS path relative to root, slash-separated, and
// whether it lies inside root.
func (w *walker) rel(p string) (string, bool) {
	r, err := filepath.Rel(w.root, filepath.Clean(p))
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) || filepath.IsAbs(r) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// visit loads one page, waits for its load event, and inspects it.
func (w *walker) visit(ctx context.Context, pg string) (*pageInfo, error) {
	w.setCurrent(pg)
	tctx, cancel := context.WithTimeout(ctx, w.opts.PageTimeout)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(w.url(pg))); err != nil {
		return nil, err
	}
	info, err := chromedp.Run(tctx, chromedp.Evaluate[*pageInfo](inspect, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("inspecting the page: %w", err)
	}
	if info == nil {
		return nil, errors.New("inspecting the page: no result")
	}

	switch n := len(info.CSP); {
	case n == 0:
		w.add(Problem{Page: pg, Kind: CSPMeta, Detail: `no <meta http-equiv="Content-Security-Policy">`})
	case n > 1:
		w.add(Problem{Page: pg, Kind: CSPMeta, Detail: fmt.Sprintf(`%d <meta http-equiv="Content-Security-Policy"> elements, want exactly one`, n)})
	default:
		if strings.TrimSpace(info.CSP[0].Content) == "" {
			w.add(Problem{Page: pg, Kind: CSPMeta, Detail: "the CSP meta has an empty content attribute"})
		}
		if !info.CSP[0].InHead {
			w.add(Problem{Page: pg, Kind: CSPMeta, Detail: "the CSP meta is not a child of <head>, so browsers ignore it"})
		}
		if a := info.CSP[0].After; len(a) > 0 {
			n := len(a)
			slices.Sort(a)
			w.add(Problem{Page: pg, Kind: CSPMeta, Detail: fmt.Sprintf("the CSP meta comes after %d <%s> element(s), which it does not govern; put it first in <head>", n, strings.Join(slices.Compact(a), ">, <"))})
		}
	}
	for _, v := range info.Violations {
		detail := fmt.Sprintf("%s blocked %s", v.Directive, v.Blocked)
		if v.Source != "" {
			detail += fmt.Sprintf(" (%s:%d)", w.short(v.Source), v.Line)
		}
		if v.Sample != "" {
			detail += fmt.Sprintf(" sample %q", v.Sample)
		}
		w.add(Problem{Page: pg, Kind: CSPViolation, URL: v.Blocked, Detail: detail})
	}
	return info, nil
}

// checkLink records the problems of one a[href] of page pg. It returns the
// target page (relative to root), the link's fragment, and ok when the link is
// a good internal link to an existing file.
func (w *walker) checkLink(pg, raw, abs string) (target, frag string, ok bool) {
	href := strings.TrimSpace(raw)
	u, err := url.Parse(href)
	if err != nil {
		w.add(Problem{Page: pg, Kind: NotRelative, URL: raw, Detail: "not a valid URL: " + err.Error()})
		return "", "", false
	}
	if u.Scheme != "" {
		switch strings.ToLower(u.Scheme) {
		case "http", "https", "mailto", "tel":
			if w.opts.ForbidExternalLinks {
				w.add(Problem{Page: pg, Kind: ExternalLink, URL: raw, Detail: "external link (not followed)"})
			}
		default:
			w.add(Problem{Page: pg, Kind: NotRelative, URL: raw, Detail: u.Scheme + ": link; internal links must be relative paths"})
		}
		return "", "", false
	}
	if strings.HasPrefix(href, "/") || strings.HasPrefix(href, `\`) {
		w.add(Problem{Page: pg, Kind: NotRelative, URL: raw, Detail: "root-absolute link; from disk it points at the filesystem root, so it must be relative"})
		return "", "", false
	}

	resolved, err := url.Parse(abs)
	if err != nil || resolved.Scheme != "file" {
		w.add(Problem{Page: pg, Kind: NotRelative, URL: raw, Detail: fmt.Sprintf("resolves to %q, not a file:// URL", abs)})
		return "", "", false
	}
	frag = resolved.Fragment
	if resolved.RawFragment != "" {
		frag = resolved.RawFragment
	}
	target, inside := w.rel(filepath.FromSlash(resolved.Path))
	if !inside {
		w.add(Problem{Page: pg, Kind: OutsideSite, URL: raw, Detail: "leaves the site's folder (" + resolved.Path + ")"})
		return "", "", false
	}
	if u.Path != "" && (strings.HasSuffix(u.Path, "/") || path.Base(u.Path) == "." || path.Base(u.Path) == "..") {
		w.add(Problem{Page: pg, Kind: DirectoryLink, URL: raw, Detail: "names a directory; from disk that is a directory listing; link to …/index.html"})
		return "", "", false
	}
	st, err := os.Stat(w.file(target))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		w.add(Problem{Page: pg, Kind: MissingFile, URL: raw, Detail: "no such file: " + target})
		return "", "", false
	case err != nil:
		w.add(Problem{Page: pg, Kind: MissingFile, URL: raw, Detail: err.Error()})
		return "", "", false
	case st.IsDir():
		w.add(Problem{Page: pg, Kind: DirectoryLink, URL: raw, Detail: target + " is a directory; from disk that is a directory listing; link to " + path.Join(target, "index.html")})
		return "", "", false
	}
	return target, frag, true
}

func isPage(rel string) bool {
	ext := strings.ToLower(path.Ext(rel))
	return ext == ".html" || ext == ".htm"
}

// short turns a URL inside root into a root-relative path for messages.
func (w *walker) short(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "file" {
		return raw
	}
	if r, ok := w.rel(filepath.FromSlash(u.Path)); ok {
		return r
	}
	return raw
}

// onEvent runs in chromedp's event loop: it must be quick and must not call
// the browser. Events arrive in order, before the reply to any later
// command, so they are charged to the page being visited.
func (w *walker) onEvent(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request == nil {
			return
		}
		w.checkRequest(ev.Request.URL)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			w.add(Problem{Kind: ConsoleError, URL: w.stackPlace(ev.StackTrace), Detail: "console." + string(ev.Type) + ": " + argsText(ev.Args)})
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		if d == nil {
			return
		}
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + firstLine(d.Exception.Description)
		}
		place := w.stackPlace(d.StackTrace)
		if d.URL != "" {
			place = fmt.Sprintf("%s:%d", w.short(d.URL), d.LineNumber+1)
		}
		w.add(Problem{Kind: ConsoleError, URL: place, Detail: "uncaught exception: " + text})
	case *log.EventEntryAdded:
		e := ev.Entry
		if e == nil || e.Level != log.EntryLevelError {
			return
		}
		w.add(Problem{Kind: ConsoleError, URL: w.short(e.URL), Detail: fmt.Sprintf("browser log (%s): %s", e.Source, e.Text)})
	}
}

func (w *walker) checkRequest(raw string) {
	u, err := url.Parse(raw)
	if err != nil {
		w.add(Problem{Kind: ForeignRequest, URL: raw, Detail: "request for an unparsable URL"})
		return
	}
	if u.Scheme != "file" {
		shown := raw
		if len(shown) > 120 {
			shown = shown[:120] + "…"
		}
		w.add(Problem{Kind: ForeignRequest, URL: shown, Detail: "request for a " + u.Scheme + ": URL; a site may only load its own files"})
		return
	}
	target, inside := w.rel(filepath.FromSlash(u.Path))
	if !inside {
		w.add(Problem{Kind: ForeignRequest, URL: raw, Detail: "request for a file outside the site's folder"})
		return
	}
	st, err := os.Stat(w.file(target))
	if err != nil || !st.Mode().IsRegular() {
		w.add(Problem{Kind: ForeignRequest, URL: target, Detail: "request for a file that does not exist in the site"})
	}
}

func (w *walker) stackPlace(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf("%s:%d", w.short(f.URL), f.LineNumber+1)
}

func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if a == nil {
			continue
		}
		switch {
		case a.Type == "string" && len(a.Value) > 0:
			var s string
			if err := json.Unmarshal(a.Value, &s); err == nil {
				parts = append(parts, s)
				continue
			}
			parts = append(parts, string(a.Value))
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		case a.Description != "":
			parts = append(parts, firstLine(a.Description))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// watchTab listens to the tab of ctx with onEvent, installs the CSP probe
// on every new document, and emulates a focused page (a headless tab has no
// window focus, so element.focus() would fire no focus event, and
// :focus-visible would not match as it does for a reader). The returned
// function undoes it; t.Cleanup calls it too.
func watchTab(t testing.TB, ctx context.Context, onEvent func(any)) func() {
	t.Helper()
	lctx, stopListening := context.WithCancel(ctx)
	if err := chromedp.Listen(lctx, onEvent); err != nil {
		stopListening()
		t.Fatalf("listening to the browser: %v", err)
	}
	script, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
	if err != nil {
		stopListening()
		t.Fatalf("installing the CSP probe: %v", err)
	}
	stop := sync.OnceFunc(func() {
		stopListening()
		chromedp.Call(ctx, page.RemoveScriptToEvaluateOnNewDocument,
			page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: script.Identifier})
	})
	t.Cleanup(stop)
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatalf("emulating focus: %v", err)
	}
	return stop
}

// waitTrue polls until the JavaScript expression is true in the tab of ctx,
// for up to ten seconds. Errors count as not yet (the page may be
// navigating); the last one is returned with the time-out.
func waitTrue(ctx context.Context, expr string) error {
	deadline := time.Now().Add(10 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(cctx, chromedp.Evaluate[bool](expr, chromedp.EvalAwaitPromise))
		cancel()
		if err == nil && ok {
			return nil
		}
		last = err
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("timed out (last error: %v)", last)
}
