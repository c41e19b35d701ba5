package generator

import "haven/generator/theme"

// WithHTMLTemplate has a build run its layouts through html/template
// alone, for tests that hold the theme's Programs to it.
func WithHTMLTemplate(o Options) Options {
	o.htmlTemplate = true
	return o
}

// WithTheme has a build give its theme to saw once loaded.
func WithTheme(o Options, saw func(*theme.Theme)) Options {
	o.sawTheme = saw
	return o
}
