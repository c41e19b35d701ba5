package generator_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/html"

	"haven/generator"
	"haven/generator/corpus"
)

// facilitatorTexts returns the text of every facilitator callout in an HTML
// page, one string per text run.
func facilitatorTexts(t *testing.T, page []byte) []string {
	t.Helper()
	var out []string
	lex := html.NewLexer(parse.NewInputBytes(page))
	depth := 0 // <div> nesting inside the current facilitator callout
	for {
		tt, data := lex.Next()
		switch tt {
		case html.ErrorToken:
			if lex.Err() != io.EOF {
				t.Fatal(lex.Err())
			}
			return out
		case html.StartTagToken:
			if string(lex.Text()) == "div" && depth > 0 {
				depth++
			}
		case html.AttributeToken:
			if depth == 0 && string(lex.Text()) == "class" && bytes.Contains(lex.AttrVal(), []byte("callout-facilitator")) {
				depth = 1
			}
		case html.EndTagToken:
			if string(lex.Text()) == "div" && depth > 0 {
				depth--
			}
		case html.TextToken:
			if s := strings.TrimSpace(string(data)); depth > 0 && len(s) >= 30 {
				out = append(out, s)
			}
		}
	}
}

// TestParticipantEditionHasNoFacilitatorContent builds the sample and checks
// that every facilitator callout's text is in the facilitator edition and
// in no file of the participant edition, and that facilitator-only pages
// and fields stay out of it too.
func TestParticipantEditionHasNoFacilitatorContent(t *testing.T) {
	out := t.TempDir()
	res, err := generator.Build(context.Background(), generator.Options{Dir: "..", Out: out})
	if err != nil || !res.OK() {
		t.Fatalf("build: %v %v", err, res.Diagnostics)
	}
	all := readTree(t, out)
	var secrets []string
	var participant [][]byte
	var names []string
	for name, data := range all {
		switch {
		case strings.HasPrefix(name, "facilitator/") && strings.HasSuffix(name, ".html"):
			secrets = append(secrets, facilitatorTexts(t, data)...)
		case strings.HasPrefix(name, "participant/"):
			participant = append(participant, data)
			names = append(names, name)
		}
	}
	if len(secrets) < 10 {
		t.Fatalf("found only %d facilitator texts in the sample; the test would prove little", len(secrets))
	}
	// Facilitator-only pages and fields, read from the source.
	secrets = append(secrets, "Facilitator checklist", "Message each participant the day before")
	for _, s := range secrets {
		for i, data := range participant {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("participant file %s contains facilitator text %q", names[i], s)
			}
		}
	}
	if _, ok := all["participant/handouts/facilitator-checklist.html"]; ok {
		t.Error("the participant edition has the facilitator-only checklist page")
	}
	if _, ok := all["facilitator/handouts/facilitator-checklist.html"]; !ok {
		t.Error("the facilitator edition lacks the facilitator-only checklist page")
	}
	if !slices.ContainsFunc(names, func(n string) bool { return filepath.Base(n) == "index.html" }) {
		t.Error("the participant edition has no index.html")
	}
}

// TestEditionsAloneAsTogether: an edition built alone equals the same
// edition built with the other, for the sample programme and a generated
// one. (A build of both renders each page's Markdown for both editions in
// the first pass, analyses the participant's page for search from the
// facilitator's, and lets the pages' trees go as soon as it can; a build of
// one renders and analyses each page from its tree.)
func TestEditionsAloneAsTogether(t *testing.T) {
	generated := t.TempDir()
	if err := corpus.Write(generated, 60, 7); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"..", generated} {
		both := t.TempDir()
		if _, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: both, Minify: true}); err != nil {
			t.Fatal(err)
		}
		together := readTree(t, both)
		for _, ed := range []string{"facilitator", "participant"} {
			out := t.TempDir()
			if _, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: out, Minify: true, Edition: ed}); err != nil {
				t.Fatal(err)
			}
			alone := readTree(t, filepath.Join(out, ed))
			n := 0
			for name, data := range together {
				rest, ok := strings.CutPrefix(name, ed+"/")
				if !ok {
					continue
				}
				n++
				if !bytes.Equal(alone[rest], data) {
					t.Errorf("%s: %s differs when the edition is built alone", dir, name)
				}
			}
			if n != len(alone) || n < 20 {
				t.Errorf("%s: %s: %d files built together, %d alone", dir, ed, n, len(alone))
			}
		}
	}
}
