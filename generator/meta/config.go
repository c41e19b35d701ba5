package meta

import (
	"path"
	"slices"

	"go.yaml.in/yaml/v3"

	"haven/generator/diag"
)

// Config is a programme's haven.yaml (or haven.toml).
type Config struct {
	// File is the config file's name, "" when there is none.
	File string
	// Title is the programme's name; the home page's title when empty.
	Title string
	// Language is a BCP 47 tag such as en-GB; it sets each page's lang.
	Language string
	// SessionDefaults holds frontmatter values that every session gets
	// when it does not set them itself. Its Keys say which were given.
	SessionDefaults *Page
	// MaxGroupSize is the largest group a session may ask for; 0 for no
	// limit.
	MaxGroupSize int
	// MaxDuration is the longest a session may run, in minutes; 0 for no
	// limit.
	MaxDuration int
	// ParticipantAgenda says whether the participant edition shows each
	// session's agenda (the default).
	ParticipantAgenda bool
	// Params holds the author's own data, free-form.
	Params map[string]any
	// Keys records where each key was written.
	Keys map[string]diag.Position
}

// defaultable lists the session keys that session_defaults may set.
var defaultable = []string{"duration", "delivery", "group_size", "facilitators", "audience", "start", "materials", "preparation", "tags"}

var configFields = []field[Config]{
	{"title", func(d *decoder, n *yaml.Node, c *Config) {
		if v, ok := text(d, n, "title"); ok {
			c.Title = v
		}
	}},
	{"language", func(d *decoder, n *yaml.Node, c *Config) {
		if v, ok := text(d, n, "language"); ok {
			c.Language = v
		}
	}},
	{"session_defaults", func(d *decoder, n *yaml.Node, c *Config) {
		if n.Kind != yaml.MappingNode {
			d.errorf(n, "write the defaults as keys on the lines below, indented", "session_defaults must be a set of keys, not %s", describe(n))
			return
		}
		var fields []field[Page]
		for _, f := range pageFields {
			if slices.Contains(defaultable, f.name) {
				fields = append(fields, f)
			}
		}
		p := &Page{}
		p.Keys = decodeMapping(d, n, fields, p)
		c.SessionDefaults = p
	}},
	{"max_group_size", func(d *decoder, n *yaml.Node, c *Config) {
		if v, ok := integer(d, n, "max_group_size"); ok {
			if v < 1 {
				d.errorf(n, "write the largest group a session may have, e.g. max_group_size: 8", "max_group_size must be at least 1")
				return
			}
			c.MaxGroupSize = v
		}
	}},
	{"max_duration", func(d *decoder, n *yaml.Node, c *Config) {
		if m, ok := duration(d, n, "max_duration"); ok {
			c.MaxDuration = m
		}
	}},
	{"participant_agenda", func(d *decoder, n *yaml.Node, c *Config) {
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.errorf(n, "write true or false", "participant_agenda must be true or false, not %s", describe(n))
			return
		}
		c.ParticipantAgenda = n.Value == "true"
	}},
	{"params", func(d *decoder, n *yaml.Node, c *Config) {
		if n.Kind != yaml.MappingNode || hasAlias(n) {
			d.errorf(n, "write params as keys and values on the lines below it, indented", "params must be a set of keys")
			return
		}
		if !d.noDuplicates(n) {
			return
		}
		c.Params, _ = anyValue(n).(map[string]any)
	}},
}

// DecodeConfig decodes a config file. An empty name means no config file:
// the defaults apply.
func DecodeConfig(name string, data []byte, diags *diag.List) *Config {
	c := &Config{Language: "en-GB", ParticipantAgenda: true}
	if name == "" {
		return c
	}
	format := YAML
	if path.Ext(name) == ".toml" {
		format = TOML
	}
	c.File = name
	d := &decoder{file: name, base: 1, diags: diags}
	if len(data) >= 3 && string(data[:3]) == string(utf8BOM) {
		data = data[3:]
	}
	root, ok := d.parse(format, data)
	if !ok {
		return c
	}
	c.Keys = decodeMapping(d, root, configFields, c)
	if c.Language == "" {
		c.Language = "en-GB"
	}
	return c
}

// ApplyDefaults fills the keys a session did not set from the programme's
// session_defaults.
func (c *Config) ApplyDefaults(p *Page) {
	def := c.SessionDefaults
	if def == nil {
		return
	}
	set := func(key string, apply func()) {
		if _, own := p.Keys[key]; own {
			return
		}
		if _, given := def.Keys[key]; given {
			apply()
		}
	}
	set("duration", func() { p.Duration = def.Duration })
	set("delivery", func() { p.Delivery = slices.Clone(def.Delivery) })
	set("group_size", func() { p.GroupSize = def.GroupSize })
	set("facilitators", func() { p.Facilitators = def.Facilitators })
	set("audience", func() { p.Audience = def.Audience })
	set("start", func() { p.Start = def.Start })
	set("materials", func() { p.Materials = slices.Clone(def.Materials) })
	set("preparation", func() { p.Preparation = slices.Clone(def.Preparation) })
	set("tags", func() { p.Tags = slices.Clone(def.Tags) })
}

// Position returns where a config key was written, or the file itself.
func (c *Config) Position(key string) diag.Position {
	if p, ok := c.Keys[key]; ok {
		return p
	}
	return diag.Position{File: c.File}
}
