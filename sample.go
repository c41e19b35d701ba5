// Package haven holds the sample programme that `haven new` copies into a
// new project. The sample is also what `haven build` builds in a fresh clone
// of this repository, and a test fixture.
package haven

import "embed"

// Sample is the sample programme: haven.yaml and content/.
//
//go:embed haven.yaml content
var Sample embed.FS
