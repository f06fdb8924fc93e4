//go:build js && wasm

package main

import (
	"image"
	"image/color"
	"image/draw"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Labels are rendered with x/image/font into small images, cached by text, size and colour:
// ebiten's text/v2 would link a whole text-shaping library for a dozen short labels.

var goRegular = func() *opentype.Font {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err) // the embedded font is fixed: this cannot fail at run time
	}
	return f
}()

type labelKey struct {
	text string
	px   int // font size in device pixels
	c    color.RGBA
}

type labels struct {
	faces map[int]font.Face
	cache map[labelKey]*ebiten.Image
}

func (l *labels) face(px int) font.Face {
	if f, ok := l.faces[px]; ok {
		return f
	}
	f, err := opentype.NewFace(goRegular, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(err)
	}
	if l.faces == nil {
		l.faces = map[int]font.Face{}
	}
	l.faces[px] = f
	return f
}

// get returns the label as an image whose top-left is the top of the line box.
func (l *labels) get(text string, px int, c color.RGBA) *ebiten.Image {
	k := labelKey{text, px, c}
	if img, ok := l.cache[k]; ok {
		return img
	}
	if len(l.cache) > 256 { // labels with numbers change every frame of training: forget old ones
		for _, img := range l.cache {
			img.Deallocate()
		}
		l.cache = nil
	}
	f := l.face(px)
	m := f.Metrics()
	w := font.MeasureString(f, text).Ceil() + 2
	h := (m.Ascent + m.Descent).Ceil() + 1
	rgba := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	d := font.Drawer{Dst: rgba, Src: image.NewUniform(c), Face: f, Dot: fixed.Point26_6{X: fixed.I(1), Y: m.Ascent}}
	draw.Draw(rgba, rgba.Bounds(), image.Transparent, image.Point{}, draw.Src)
	d.DrawString(text)
	img := ebiten.NewImageFromImage(rgba)
	if l.cache == nil {
		l.cache = map[labelKey]*ebiten.Image{}
	}
	l.cache[k] = img
	return img
}

// wrap splits s into lines of at most width characters, at spaces.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
