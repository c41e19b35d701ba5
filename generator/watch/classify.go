// Package watch reports changes to a programme's sources as debounced,
// de-duplicated batches, from file-system events (fsnotify) or, where a
// file system gives none, by polling. It watches folders, not files, adds
// new sub-folders as they appear, drops Chmod-only events and editor
// temporary files, treats an event overflow as "rebuild everything", and
// never reacts to haven's own output.
package watch

import (
	"strings"

	"github.com/fsnotify/fsnotify"

	"haven/generator/source"
)

// Action is what an event asks for.
type Action int

const (
	// Ignore the event.
	Ignore Action = iota
	// Rebuild because a source may have changed.
	Rebuild
)

// configNames are the config files at the project's root.
var configNames = map[string]bool{"haven.yaml": true, "haven.yml": true, "haven.toml": true}

// sourceDirs are the project's folders that hold sources.
var sourceDirs = []string{source.ContentDir, source.LayoutsDir, source.StaticDir, source.I18nDir}

// Relevant reports whether a slash path relative to the project is a source
// haven reads: a config file, or a file or folder inside content/,
// layouts/ or static/ that is not hidden or an editor's temporary file. out
// is the output folder relative to the project ("" when it lies outside);
// nothing inside it is ever relevant.
func Relevant(rel, out string) bool {
	if rel == "" || rel == "." || strings.HasPrefix(rel, "../") {
		return false
	}
	if out != "" && (rel == out || strings.HasPrefix(rel, out+"/")) {
		return false
	}
	parts := strings.Split(rel, "/")
	if len(parts) == 1 {
		return configNames[rel] || isSourceDir(rel)
	}
	if !isSourceDir(parts[0]) {
		return false
	}
	for _, p := range parts[1:] {
		if source.Ignored(p) {
			return false
		}
	}
	return true
}

func isSourceDir(name string) bool {
	for _, d := range sourceDirs {
		if name == d {
			return true
		}
	}
	return false
}

// Classify decides what one event means: a pure function of the event's
// path (slash, relative to the project), its operation and the output
// folder (relative, or "").
func Classify(rel string, op fsnotify.Op, out string) Action {
	if !Relevant(rel, out) {
		return Ignore
	}
	// Chmod alone is `touch` or an indexer: the content did not change.
	if op == fsnotify.Chmod || op == 0 {
		return Ignore
	}
	return Rebuild
}
