package generator

import (
	"time"

	"haven/generator/markdown"
	"haven/generator/theme"
)

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

// WithParseHook has a build call before with each page's path before it
// reads the page.
func WithParseHook(o Options, before func(path string)) Options {
	o.beforeParse = before
	return o
}

// WithActivityLabel has a build label the times of activities with label.
func WithActivityLabel(o Options, label func(*markdown.ActivityTime) string) Options {
	o.activityLabel = label
	return o
}

// WithPageBudget gives a build's pages budget to be read in.
func WithPageBudget(o Options, budget time.Duration) Options {
	o.pageBudget = budget
	return o
}
