package plot

import (
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The pictures' labels use the 7x13 pixel font, which has printable ASCII only: a Greek letter
// in a caption ("DDIM η=1") would be drawn as a box. ascii spells the symbols the captions use.
var symbols = strings.NewReplacer("η", "eta", "ε", "eps", "σ", "sigma", "β", "beta", "α", "alpha",
	"×", "x", "·", "-", "–", "-", "—", "-", "→", "->", "≤", "<=", "≥", ">=", "≈", "~")

func ascii(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' {
			return '?'
		}
		return r
	}, symbols.Replace(s))
}

func asciiAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = ascii(s)
	}
	return out
}

// drawText writes s with its baseline's left end at (x, y).
func drawText(img *image.RGBA, x, y int, s string, c color.RGBA) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(ascii(s))
}
