package generator_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haven/generator"
)

// TestPackProblemIsADiagnostic: when the offline pack cannot be made for a
// reason of the theme's or the content's (here a home page the minifier
// cannot read, from a layout with a broken script), the build reports it
// as a problem at the pack and publishes nothing; it is not taken for a
// failing disk.
func TestPackProblemIsADiagnostic(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("..", "themes", "default", "layouts", "_base.html"))
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(base), "</head>", "<script>if (</script>\n</head>", 1)
	if broken == string(base) {
		t.Fatal("no </head> in the default layout")
	}
	dir := newProject(t, with(relBase, map[string]string{"layouts/_base.html": broken}))
	out := filepath.Join(t.TempDir(), "public")
	res, err := generator.Build(context.Background(), generator.Options{Dir: dir, Out: out, Minify: true})
	if err != nil {
		t.Fatalf("Build = %v, want the problem as a diagnostic", err)
	}
	found := false
	for _, d := range diagLines(res) {
		if strings.HasPrefix(d, "facilitator/reliability-facilitator.zip: error: cannot make the offline pack: unexpected EOF") {
			found = true
		}
	}
	if !found {
		t.Errorf("no problem reported at the pack: %v", diagLines(res))
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a site was published despite the problem")
	}
}
