package theme

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"haven/generator/diag"
	"haven/generator/source"
	"haven/themes"
)

// TestTranslationsAreComplete checks that every language the default theme
// ships has every word of the default language, and no word it does not
// know (a typo in a key would silently show English).
func TestTranslationsAreComplete(t *testing.T) {
	files, err := os.ReadDir(filepath.Join("..", "..", "themes", "default", "i18n"))
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) map[string]string {
		data, err := os.ReadFile(filepath.Join("..", "..", "themes", "default", "i18n", name))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := yaml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	base := read(DefaultLanguage + ".yaml")
	if len(files) < 2 {
		t.Fatal("the theme should ship a second language, to show how to add one")
	}
	for _, f := range files {
		m := read(f.Name())
		for k := range base {
			if _, ok := m[k]; !ok {
				t.Errorf("%s lacks %q", f.Name(), k)
			}
		}
		for k, v := range m {
			if _, ok := base[k]; !ok {
				t.Errorf("%s has %q, which %s.yaml does not know", f.Name(), k, DefaultLanguage)
			}
			for _, ph := range placeholders(base[k]) {
				if !strings.Contains(v, ph) {
					t.Errorf("%s: %q lacks the placeholder %s", f.Name(), k, ph)
				}
			}
		}
	}
}

func placeholders(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "{")
		if i < 0 {
			return out
		}
		j := strings.Index(s[i:], "}")
		if j < 0 {
			return out
		}
		out = append(out, s[i:i+j+1])
		s = s[i+j+1:]
	}
}

func TestLoadWords(t *testing.T) {
	var diags diag.List
	sub := themeFS(t)
	fr := LoadWords(sub, nil, "fr-CA", &diags)
	if fr.Language != "fr" || fr.T("home") != "Accueil" || fr.Plural("people", 6) != "6 personnes" {
		t.Errorf("fr-CA: %s %q %q", fr.Language, fr.T("home"), fr.Plural("people", 6))
	}
	en := LoadWords(sub, nil, "en-GB", &diags)
	if en.T("session_n", "n", 3) != "Session 3" || en.T("no-such-key") != "no-such-key" {
		t.Errorf("en-GB: %q %q", en.T("session_n", "n", 3), en.T("no-such-key"))
	}
	// An unknown language falls back to British English; a project's
	// file overrides the theme's, and its missing words stay English.
	de := LoadWords(sub, []source.File{{Path: "de.yaml", Data: []byte("home: Startseite\n")}}, "de", &diags)
	if de.T("home") != "Startseite" || de.T("search") != "Search" {
		t.Errorf("de: %q %q", de.T("home"), de.T("search"))
	}
	xx := LoadWords(sub, nil, "xx", &diags)
	if xx.Language != DefaultLanguage || xx.T("home") != "Home" {
		t.Errorf("xx: %s %q", xx.Language, xx.T("home"))
	}
	bad := LoadWords(sub, []source.File{{Path: "de.yaml", Data: []byte("home: [unclosed\n")}}, "de", &diags)
	if bad.T("home") != "Home" || diags.Len() != 1 || !strings.Contains(diags.Sorted()[0].String(), "i18n/de.yaml") {
		t.Errorf("a broken file: %q %v", bad.T("home"), diags.Sorted())
	}
}

func themeFS(t *testing.T) fs.FS {
	t.Helper()
	sub, err := fs.Sub(themes.Default, "default")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// Plural keeps what it has written; what it gives from memory must be what
// it would write, from any goroutine, and past the memory's bound.
func TestPluralKept(t *testing.T) {
	var diags diag.List
	w := LoadWords(themeFS(t), nil, "en-GB", &diags)
	// The en-GB words, written out: "1 minute", "2 minutes".
	want := func(unit string, n int) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.Itoa(n) + " " + unit + "s"
	}
	if got := w.Plural("minutes", 1); got != "1 minute" {
		t.Fatalf("Plural(minutes, 1) = %q", got)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for n := range maxPlurals/2 + 100 {
				n = (n*7 + g) % (maxPlurals/2 + 100)
				// Two keys at each number: the memory must tell
				// them apart.
				for _, unit := range []string{"minute", "hour"} {
					if got := w.Plural(unit+"s", n); got != want(unit, n) {
						t.Errorf("Plural(%ss, %d) = %q, want %q", unit, n, got, want(unit, n))
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if len(w.plurals) != maxPlurals {
		t.Errorf("%d plurals kept, want the bound, %d", len(w.plurals), maxPlurals)
	}
}
