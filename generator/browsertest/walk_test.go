package browsertest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// testCSP is the policy the theme is meant to ship.
const testCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"

// htmlPage renders a small HTML page. prefix leads to the site's root ("" or
// "../"); head and body are inserted as they are.
func htmlPage(prefix, title, head, body string) string {
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="` + testCSP + `">
<title>` + title + `</title>
<link rel="stylesheet" href="` + prefix + `style.css">
<script src="` + prefix + `app.js" defer></script>
` + head + `
</head><body><main id="main"><h1 id="top-heading">` + title + `</h1>
<img src="` + prefix + `logo.svg" alt="">
` + body + `
</main></body></html>
`
}

// goodSite is a three-page site, plus CSS, JS and an image, that works from
// disk under testCSP.
func goodSite() map[string]string {
	return map[string]string{
		"index.html": htmlPage("", "Home", "", `<nav><a href="a.html">A</a> <a href="sub/b.html#sec">B, section</a>
<a href="#main">skip</a> <a href="#">top</a> <a href="sub/b.html?x=1">B with a query</a></nav>`),
		"a.html": htmlPage("", "A", "", `<p><a href="index.html">home</a> <a href="sub/b.html">B</a>
<a name="old-anchor"></a><a href="a.html#old-anchor">old-style anchor</a> <a href="logo.svg">the logo</a></p>`),
		"sub/b.html": htmlPage("../", "B", "", `<h2 id="sec">Section</h2><p><a href="../index.html">home</a> <a href="../a.html#top-heading">A</a></p>`),
		"style.css":  "body { background-color: rgb(1, 2, 3); color: rgb(250, 250, 250); }\n",
		"app.js":     "document.documentElement.dataset.js = 'ran';\n",
		"logo.svg":   `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>` + "\n",
	}
}

func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func logReport(t *testing.T, rep Report) {
	t.Helper()
	t.Logf("pages: %v", rep.Pages)
	for _, p := range rep.Problems {
		t.Logf("problem: %s", p)
	}
}

func TestWalkGoodSite(t *testing.T) {
	ctx := Browser(t)
	root := writeSite(t, goodSite())
	begin := time.Now()
	rep, err := WalkSite(ctx, root, "index.html", Options{ForbidExternalLinks: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("walked %d pages in %v", len(rep.Pages), time.Since(begin))
	logReport(t, rep)
	if want := []string{"a.html", "index.html", "sub/b.html"}; !slices.Equal(rep.Pages, want) {
		t.Errorf("pages = %v, want %v", rep.Pages, want)
	}
	if len(rep.Problems) != 0 {
		t.Errorf("a good site gave %d problems, want none", len(rep.Problems))
	}
}

// TestWalkSelfMatchesFileURLs answers the question that decides the theme's
// CSP: does 'self' let a page opened from file:// load its own CSS, JS and
// images in this Chromium?
func TestWalkSelfMatchesFileURLs(t *testing.T) {
	ctx := Browser(t)
	root := writeSite(t, goodSite())
	w := &walker{root: root}
	if err := chromedp.Do(ctx, chromedp.Navigate(w.url("sub/b.html"))); err != nil {
		t.Fatal(err)
	}
	type state struct {
		JS    string `json:"js"`
		BG    string `json:"bg"`
		Image int    `json:"image"`
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[state](`(async () => {
  await new Promise((r) => setTimeout(r, 50));
  const img = document.querySelector('img');
  return {js: document.documentElement.dataset.js || '', bg: getComputedStyle(document.body).backgroundColor,
    image: img && img.complete ? img.naturalWidth : -1};
})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("from file:// under %q: js=%q background=%q image width=%d", testCSP, got.JS, got.BG, got.Image)
	if got.JS != "ran" {
		t.Errorf("script-src 'self' did not let the page run its own app.js from file://")
	}
	if got.BG != "rgb(1, 2, 3)" {
		t.Errorf("style-src 'self' did not let the page load its own style.css from file:// (background %q)", got.BG)
	}
	if got.Image != 10 {
		t.Errorf("img-src 'self' did not let the page load its own logo.svg from file:// (width %d)", got.Image)
	}
}

// want describes one expected problem.
type want struct {
	page   string
	kind   Kind
	url    string // a suffix of Problem.URL
	detail string // a substring of Problem.Detail
}

func TestWalkFindsFaults(t *testing.T) {
	ctx := Browser(t)
	tests := []struct {
		name    string
		edit    func(site map[string]string)
		outside map[string]string // files written next to the site's folder
		opts    Options
		want    []want
		allow   []Kind // further kinds that may come with the wanted ones
	}{
		{
			name: "missing file",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", "", `<a href="nope.html">gone</a> <a href="sub/gone.css">gone too</a>`)
			},
			want: []want{{"a.html", MissingFile, "nope.html", "no such file"}, {"a.html", MissingFile, "sub/gone.css", "no such file"}},
		},
		{
			name: "directory link",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", "", `<a href="sub/">slash</a> <a href="sub">no slash</a> <a href=".">dot</a>`)
			},
			want: []want{{"a.html", DirectoryLink, "sub/", "directory"}, {"a.html", DirectoryLink, "sub", "sub/index.html"}, {"a.html", DirectoryLink, ".", "directory"}},
		},
		{
			name: "root-absolute link",
			edit: func(s map[string]string) {
				s["sub/b.html"] = htmlPage("../", "B", "", `<h2 id="sec">S</h2><a href="/a.html">abs</a> <a href="//example.org/x.html">protocol-relative</a>`)
			},
			want: []want{{"sub/b.html", NotRelative, "/a.html", "root-absolute"}, {"sub/b.html", NotRelative, "//example.org/x.html", "root-absolute"}},
		},
		{
			name: "not relative: schemes",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", "", `<a href="javascript:alert(1)">js</a> <a href="file:///etc/passwd">file</a>`)
			},
			want: []want{{"a.html", NotRelative, "javascript:alert(1)", "javascript:"}, {"a.html", NotRelative, "file:///etc/passwd", "file:"}},
		},
		{
			name: "link outside the site",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", "", `<a href="../elsewhere.html">out</a>`)
			},
			want: []want{{"a.html", OutsideSite, "../elsewhere.html", "leaves the site"}},
		},
		{
			name: "missing anchor",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", "", `<a href="sub/b.html#nowhere">B</a> <a href="#also-nowhere">here</a>`)
			},
			want: []want{{"a.html", MissingAnchor, "sub/b.html#nowhere", `"nowhere" in sub/b.html`}, {"a.html", MissingAnchor, "#also-nowhere", `"also-nowhere" in a.html`}},
		},
		{
			name: "inline script blocked by CSP",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", `<script>document.title = "inline";</script>`, "")
			},
			want:  []want{{"a.html", CSPViolation, "inline", "script-src-elem"}},
			allow: []Kind{ConsoleError},
		},
		{
			name: "inline style attribute blocked by CSP",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", "", `<p style="color: red">styled</p>`)
			},
			want:  []want{{"a.html", CSPViolation, "inline", "style-src-attr"}},
			allow: []Kind{ConsoleError},
		},
		{
			name: "console.error from the site's own JS",
			edit: func(s map[string]string) {
				s["bad.js"] = "console.error('boom from bad.js');\n"
				s["a.html"] = htmlPage("", "A", `<script src="bad.js"></script>`, "")
			},
			want: []want{{"a.html", ConsoleError, "bad.js:1", "console.error: boom from bad.js"}},
		},
		{
			name: "uncaught exception",
			edit: func(s map[string]string) {
				s["throw.js"] = "window.addEventListener('load', () => { throw new Error('kaboom'); });\n"
				s["sub/b.html"] = htmlPage("../", "B", `<script src="../throw.js"></script>`, `<h2 id="sec">S</h2>`)
			},
			want: []want{{"sub/b.html", ConsoleError, "throw.js:1", "kaboom"}},
		},
		{
			name: "external image",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", "", `<img src="http://127.0.0.1:9/x.png" alt="">`)
			},
			want:  []want{{"a.html", ForeignRequest, "http://127.0.0.1:9/x.png", "http:"}},
			allow: []Kind{CSPViolation, ConsoleError},
		},
		{
			name: "external image without CSP",
			edit: func(s map[string]string) {
				s["a.html"] = strings.Replace(htmlPage("", "A", "", `<img src="http://127.0.0.1:9/x.png" alt="">`),
					`<meta http-equiv="Content-Security-Policy" content="`+testCSP+`">`, "", 1)
			},
			want:  []want{{"a.html", ForeignRequest, "http://127.0.0.1:9/x.png", "http:"}, {"a.html", CSPMeta, "", "no <meta"}},
			allow: []Kind{ConsoleError},
		},
		{
			name: "data: image",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", "", `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">`)
			},
			want:  []want{{"a.html", ForeignRequest, "data:image/gif;base64,R0lGODlhAQABAAAAACw=", "data:"}},
			allow: []Kind{CSPViolation, ConsoleError},
		},
		{
			name:    "image from outside the site's folder",
			outside: map[string]string{"outside.svg": goodSite()["logo.svg"]},
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", "", `<img src="../outside.svg" alt="">`)
			},
			want:  []want{{"a.html", ForeignRequest, "/outside.svg", "outside the site's folder"}},
			allow: []Kind{CSPViolation, ConsoleError},
		},
		{
			name: "missing stylesheet",
			edit: func(s map[string]string) {
				s["sub/b.html"] = htmlPage("../", "B", `<link rel="stylesheet" href="missing.css">`, `<h2 id="sec">S</h2>`)
			},
			want:  []want{{"sub/b.html", ForeignRequest, "sub/missing.css", "does not exist"}},
			allow: []Kind{ConsoleError},
		},
		{
			name: "no CSP meta",
			edit: func(s map[string]string) {
				s["sub/b.html"] = strings.Replace(s["sub/b.html"], `<meta http-equiv="Content-Security-Policy" content="`+testCSP+`">`, "", 1)
			},
			want: []want{{"sub/b.html", CSPMeta, "", "no <meta"}},
		},
		{
			name: "two CSP metas",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", `<meta http-equiv="content-security-policy" content="default-src 'self'">`, "")
			},
			want: []want{{"a.html", CSPMeta, "", "2 <meta"}},
		},
		{
			name: "CSP meta after a stylesheet",
			edit: func(s map[string]string) {
				s["a.html"] = strings.Replace(htmlPage("", "A", "", ""), `<meta charset="utf-8">`, `<meta charset="utf-8"><link rel="stylesheet" href="style.css">`, 1)
			},
			want: []want{{"a.html", CSPMeta, "", "comes after 1 <link>"}},
		},
		{
			name: "external links allowed by default",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", "", `<a href="https://example.org/">web</a> <a href="mailto:a@example.org">mail</a> <a href="tel:+441234">call</a>`)
			},
		},
		{
			name: "external links forbidden on request",
			edit: func(s map[string]string) {
				s["a.html"] = htmlPage("", "A", "", `<a href="https://example.org/">web</a> <a href="mailto:a@example.org">mail</a> <a href="tel:+441234">call</a>`)
			},
			opts: Options{ForbidExternalLinks: true},
			want: []want{{"a.html", ExternalLink, "https://example.org/", "external"}, {"a.html", ExternalLink, "mailto:a@example.org", "external"}, {"a.html", ExternalLink, "tel:+441234", "external"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := goodSite()
			tc.edit(site)
			root := writeSite(t, site)
			for name, body := range tc.outside {
				if err := os.WriteFile(filepath.Join(filepath.Dir(root), name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			begin := time.Now()
			rep, err := WalkSite(ctx, root, "index.html", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("walked %d pages in %v", len(rep.Pages), time.Since(begin))
			logReport(t, rep)
			used := map[int]bool{}
			for _, w := range tc.want {
				found := false
				for i, p := range rep.Problems {
					if p.Page == w.page && p.Kind == w.kind && strings.HasSuffix(p.URL, w.url) && strings.Contains(p.Detail, w.detail) {
						found, used[i] = true, true
					}
				}
				if !found {
					t.Errorf("missing problem: %s", Problem{Page: w.page, Kind: w.kind, URL: w.url, Detail: "..." + w.detail + "..."})
				}
			}
			for i, p := range rep.Problems {
				if used[i] || slices.Contains(tc.allow, p.Kind) {
					continue
				}
				t.Errorf("unexpected problem: %s", p)
			}
			if !slices.Equal(rep.Pages, []string{"a.html", "index.html", "sub/b.html"}) {
				t.Errorf("pages = %v", rep.Pages)
			}
		})
	}
}

func TestWalkStartMustExist(t *testing.T) {
	ctx := Browser(t)
	root := writeSite(t, goodSite())
	if _, err := WalkSite(ctx, root, "nope.html", Options{}); err == nil {
		t.Error("walking from a missing start page gave no error")
	}
	if _, err := WalkSite(ctx, root, "sub", Options{}); err == nil {
		t.Error("walking from a directory gave no error")
	}
}
