// Package themes embeds haven's default theme: its templates (layouts/) and
// the files copied into every site (static/). A project overrides any of them
// file by file with its own layouts/ and static/ folders.
package themes

import "embed"

// Default is the default theme, rooted at "default".
//
//go:embed all:default
var Default embed.FS
