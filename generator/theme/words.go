package theme

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"haven/generator/diag"
	"haven/generator/source"
)

// DefaultLanguage is the language of the default theme's own words.
const DefaultLanguage = "en-GB"

// Words are the theme's interface words in one language: the labels,
// headings and phrases a page shows around the author's content. They come
// from i18n/LANG.yaml files; any word a language leaves out is taken from
// British English.
type Words struct {
	// Language is the language of the file found, or DefaultLanguage.
	Language string
	m        map[string]string
	fallback map[string]string

	// plurals keeps what Plural has written: a programme asks for the
	// same few durations and counts on every page.
	mu      sync.RWMutex
	plurals map[pluralKey]string
}

type pluralKey struct {
	key string
	n   int
}

// maxPlurals bounds the plurals kept, whatever numbers a programme holds.
const maxPlurals = 4096

// LoadWords reads the words for lang: the project's i18n/ folder first,
// then the theme's, trying the full tag (fr-CA), then its language (fr),
// and filling gaps from the default language.
func LoadWords(fsys fs.FS, project []source.File, lang string, diags *diag.List) *Words {
	read := func(name string) (map[string]string, string, bool) {
		for _, f := range project {
			if f.Path == name {
				return decodeWords(source.I18nDir+"/"+name, f.Data, diags), source.I18nDir + "/" + name, true
			}
		}
		data, err := fs.ReadFile(fsys, "i18n/"+name)
		if err != nil {
			return nil, "", false
		}
		return decodeWords("theme:i18n/"+name, data, diags), "theme:i18n/" + name, true
	}
	base, _, ok := read(DefaultLanguage + ".yaml")
	if !ok {
		base = map[string]string{}
	}
	w := &Words{Language: DefaultLanguage, m: base, fallback: base}
	tags := []string{lang}
	if i := strings.IndexAny(lang, "-_"); i > 0 {
		tags = append(tags, lang[:i])
	}
	for _, tag := range tags {
		if tag == "" || strings.EqualFold(tag, DefaultLanguage) {
			break
		}
		if m, _, ok := read(tag + ".yaml"); ok {
			w.Language, w.m = tag, m
			break
		}
	}
	return w
}

func decodeWords(file string, data []byte, diags *diag.List) map[string]string {
	var m map[string]string
	if err := yaml.Unmarshal(data, &m); err != nil {
		diags.Add(diag.Diagnostic{Pos: diag.Position{File: file}, Severity: diag.Error,
			Message: fmt.Sprintf("cannot read the words: %v", err),
			Hint:    "each line is `key: words`; quote words that contain a colon"})
		return map[string]string{}
	}
	return m
}

// T returns the words for key with its {placeholders} filled from args,
// given as name, value pairs: T("session_n", "n", 3).
func (w *Words) T(key string, args ...any) string {
	s, ok := w.m[key]
	if !ok {
		s, ok = w.fallback[key]
	}
	if !ok {
		s = key // a missing key shows itself, so it is noticed
	}
	for i := 0; i+1 < len(args) && strings.IndexByte(s, '{') >= 0; i += 2 {
		s = strings.ReplaceAll(s, "{"+text(args[i])+"}", text(args[i+1]))
	}
	return s
}

// text writes a word's argument: most are strings or numbers, which need
// no fmt.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	}
	return fmt.Sprint(v)
}

// Plural picks key_one or key_other for n (the English rule, which the
// default theme's languages share) and fills {n}.
func (w *Words) Plural(key string, n int) string {
	k := pluralKey{key, n}
	w.mu.RLock()
	s, ok := w.plurals[k]
	w.mu.RUnlock()
	if ok {
		return s
	}
	if n == 1 {
		s = w.T(key+"_one", "n", n)
	} else {
		s = w.T(key+"_other", "n", n)
	}
	w.mu.Lock()
	if w.plurals == nil {
		w.plurals = map[pluralKey]string{}
	}
	if len(w.plurals) < maxPlurals {
		w.plurals[k] = s
	}
	w.mu.Unlock()
	return s
}

// Prefixed returns every word whose key starts with prefix, keyed without
// it: the words a script needs, handed to it in the page.
func (w *Words) Prefixed(prefix string) map[string]string {
	out := map[string]string{}
	for _, m := range []map[string]string{w.fallback, w.m} {
		for k, v := range m {
			if strings.HasPrefix(k, prefix) {
				out[strings.TrimPrefix(k, prefix)] = v
			}
		}
	}
	return out
}
