package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"haven/generator"
)

// TestSampleSiteFromDisk builds the repository's sample programme and opens
// each edition from disk in Chromium, following every link from the edition's
// home page. Each edition is walked with its own folder as the root, so a link
// from one edition into the other (or anywhere outside it) is a problem: an
// organisation must be able to publish one edition alone.
func TestSampleSiteFromDisk(t *testing.T) {
	ctx := Browser(t) // skips (or fails, if required) before the build when there is no browser
	repoRoot, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	begin := time.Now()
	res, err := generator.Build(context.Background(), generator.Options{Dir: repoRoot, Out: out, Minify: true})
	if err != nil {
		t.Fatalf("building the sample programme: %v", err)
	}
	t.Logf("built the sample in %v", time.Since(begin))
	for _, d := range res.Diagnostics {
		t.Logf("diagnostic: %v", d)
	}

	editions := []string{"facilitator", "participant"}
	for _, edition := range editions {
		t.Run(edition, func(t *testing.T) {
			dir := filepath.Join(out, edition)
			if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
				t.Fatalf("the %s edition has no index.html: %v", edition, err)
			}
			begin := time.Now()
			rep, err := WalkSite(ctx, dir, "index.html", Options{ForbidExternalLinks: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("walked %d pages of the %s edition in %v", len(rep.Pages), edition, time.Since(begin))
			if len(rep.Pages) < 2 {
				t.Errorf("only %d page(s) reachable from %s/index.html: %v", len(rep.Pages), edition, rep.Pages)
			}
			for _, p := range rep.Problems {
				t.Errorf("%s/%s", edition, p)
			}
			if len(rep.Problems) > 0 {
				t.Logf("%d problem(s) in the %s edition opened from disk", len(rep.Problems), edition)
			}
		})
	}
}
