package browsertest

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"haven/generator"
)

// buildSample builds the repository's sample programme into a temporary
// folder and returns it.
func buildSample(t *testing.T) string {
	t.Helper()
	repoRoot, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := generator.Build(context.Background(), generator.Options{Dir: repoRoot, Out: out, Minify: true})
	if err != nil || !res.OK() {
		t.Fatalf("building the sample: %v %v", err, res.Diagnostics)
	}
	return out
}

// unzip extracts a zip into dir, refusing entries that would land outside.
func unzip(t *testing.T, file, dir string) []string {
	t.Helper()
	r, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(p, dir+string(filepath.Separator)) {
			t.Fatalf("zip entry %q leaves the folder", f.Name)
		}
		if f.FileInfo().IsDir() {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

// TestOfflinePacks unzips each edition's pack into a temporary folder, as a
// facilitator would on a laptop, and walks every link of the unzipped site.
func TestOfflinePacks(t *testing.T) {
	ctx := Browser(t)
	out := buildSample(t)
	for _, edition := range []string{"facilitator", "participant"} {
		t.Run(edition, func(t *testing.T) {
			name := "steady-ground-" + edition
			zipPath := filepath.Join(out, edition, name+".zip")
			home, err := os.ReadFile(filepath.Join(out, edition, "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(home, []byte(`href="`+name+`.zip"`)) {
				t.Errorf("the %s edition's home page does not offer %s.zip", edition, name)
			}
			dir := t.TempDir()
			entries := unzip(t, zipPath, dir)
			for _, e := range entries {
				if !strings.HasPrefix(e, name+"/") {
					t.Errorf("entry %q is not inside the folder %s/", e, name)
				}
				other := "facilitator"
				if edition == "facilitator" {
					other = "participant"
				}
				if strings.Contains(e, "steady-ground-"+other) || strings.HasSuffix(e, ".zip") {
					t.Errorf("the %s pack holds %s", edition, e)
				}
			}
			site := filepath.Join(dir, name)
			rep, err := WalkSite(ctx, site, "index.html", Options{ForbidExternalLinks: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rep.Problems {
				t.Errorf("unzipped %s pack: %s", edition, p)
			}
			if len(rep.Pages) < 15 {
				t.Errorf("only %d pages reachable in the unzipped %s pack", len(rep.Pages), edition)
			}
		})
	}
}

// TestSessionsPrintAsRunSheets prints every session of the facilitator
// edition to PDF on A4, as a facilitator would before a session, and checks
// that each fits on one or two pages and keeps every activity heading.
func TestSessionsPrintAsRunSheets(t *testing.T) {
	ctx := Browser(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv(EnvRequired) == "required" {
			t.Fatal("pdftotext (Debian's poppler-utils) is needed for the print test")
		}
		t.Skip("pdftotext (Debian's poppler-utils) is not installed")
	}
	out := buildSample(t)
	sessions, err := filepath.Glob(filepath.Join(out, "facilitator", "*", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	printed := 0
	for _, file := range sessions {
		html, _ := os.ReadFile(file)
		if !bytes.Contains(html, []byte(`class="kind-session"`)) {
			continue
		}
		printed++
		rel, _ := filepath.Rel(out, file)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if err := chromedp.Do(tctx, chromedp.Navigate("file://"+file)); err != nil {
				t.Fatal(err)
			}
			headings, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](
				`Array.from(document.querySelectorAll('.content > h2')).map(h => h.firstChild.textContent.trim())`))
			if err != nil {
				t.Fatal(err)
			}
			if len(headings) == 0 {
				t.Fatal("the session has no activity headings")
			}
			yes := true
			pdf, err := chromedp.Call(tctx, page.PrintToPDF, page.PrintToPDFParams{
				PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes,
			})
			if err != nil {
				t.Fatal(err)
			}
			pdfFile := filepath.Join(t.TempDir(), "session.pdf")
			if err := os.WriteFile(pdfFile, pdf.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			text, err := exec.Command("pdftotext", "-layout", pdfFile, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			pages := bytes.Count(text, []byte("\f"))
			if pages > 2 {
				t.Errorf("prints on %d A4 pages; a run-sheet must fit on one or two", pages)
			}
			flat := squash(string(text))
			for _, h := range headings {
				if !strings.Contains(flat, squash(h)) {
					t.Errorf("the printed run-sheet lacks the activity %q", h)
				}
			}
			for _, gone := range []string{"Skip to content", "Previous", "On this page"} {
				if strings.Contains(flat, squash(gone)) {
					t.Errorf("the printed run-sheet shows %q, which belongs to the screen", gone)
				}
			}
			t.Logf("%d page(s)", pages)
		})
	}
	if printed < 8 {
		t.Errorf("printed only %d sessions", printed)
	}
}

var spaces = regexp.MustCompile(`\s+`)

// squash folds white space so that text wrapped by the PDF still matches.
func squash(s string) string { return spaces.ReplaceAllString(strings.TrimSpace(s), " ") }
