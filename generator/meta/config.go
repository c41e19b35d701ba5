package meta

import (
	"path"

	"go.yaml.in/yaml/v3"

	"haven/generator/diag"
)

// Config is a programme's haven.yaml (or haven.toml).
type Config struct {
	// Title is the programme's name; the home page's title when empty.
	Title string
	// Language is a BCP 47 tag such as en-GB; it sets each page's lang.
	Language string
	// Params holds the author's own data, free-form.
	Params map[string]any
}

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
	{"params", func(d *decoder, n *yaml.Node, c *Config) {
		if n.Kind != yaml.MappingNode || hasAlias(n) {
			d.errorf(n, "", "params must be a set of keys")
			return
		}
		c.Params, _ = anyValue(n).(map[string]any)
	}},
}

// DecodeConfig decodes a config file. An empty name means no config file:
// the defaults apply.
func DecodeConfig(name string, data []byte, diags *diag.List) *Config {
	c := &Config{Language: "en-GB"}
	if name == "" {
		return c
	}
	format := YAML
	if path.Ext(name) == ".toml" {
		format = TOML
	}
	d := &decoder{file: name, base: 1, diags: diags}
	if len(data) >= 3 && string(data[:3]) == string(utf8BOM) {
		data = data[3:]
	}
	root, ok := d.parse(format, data)
	if !ok {
		return c
	}
	decodeMapping(d, root, configFields, c)
	if c.Language == "" {
		c.Language = "en-GB"
	}
	return c
}
