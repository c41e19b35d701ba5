package programme

import (
	"bytes"
	"encoding/xml"
	"image"
	_ "image/gif" // register decoders for image.DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"path"
	"strconv"
	"strings"
)

// imageSize returns an image file's width and height in CSS pixels, so
// that pages can reserve its space before it loads (no layout shift) and
// lay out well on paper; 0, 0 when the size cannot be told.
func imageSize(name string, data []byte) (int, int) {
	if strings.EqualFold(path.Ext(name), ".svg") {
		return svgSize(data)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0
	}
	return cfg.Width, cfg.Height
}

// svgSize reads the width and height of an SVG's root element, or its
// viewBox when it gives no size in pixels.
func svgSize(data []byte) (int, int) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	for {
		tok, err := d.Token()
		if err != nil {
			return 0, 0
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if el.Name.Local != "svg" {
			return 0, 0
		}
		var w, h int
		var box string
		for _, a := range el.Attr {
			switch a.Name.Local {
			case "width":
				w = pixels(a.Value)
			case "height":
				h = pixels(a.Value)
			case "viewBox":
				box = a.Value
			}
		}
		if w > 0 && h > 0 {
			return w, h
		}
		f := strings.Fields(strings.ReplaceAll(box, ",", " "))
		if len(f) == 4 {
			bw, err1 := strconv.ParseFloat(f[2], 64)
			bh, err2 := strconv.ParseFloat(f[3], 64)
			if err1 == nil && err2 == nil && bw > 0 && bh > 0 {
				return int(bw + 0.5), int(bh + 0.5)
			}
		}
		return 0, 0
	}
}

// pixels reads a length in pixels ("640", "640px"); other units give 0.
func pixels(v string) int {
	v = strings.TrimSuffix(strings.TrimSpace(v), "px")
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		return 0
	}
	return int(f + 0.5)
}
