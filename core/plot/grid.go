// Package plot turns model outputs into pictures: image grids and loss curves, for PNG files
// from the CLI and for the page, which draws the same RGBA pixels.
package plot

import (
	"image"
	"image/color"

	"genlab/core/data"
)

// Grid lays images out in rows of cols with a 1-pixel gap, scaled up by zoom, grey or RGB.
func Grid(im *data.Images, cols, zoom int) *image.RGBA {
	if cols <= 0 {
		cols = 8
	}
	zoom = max(zoom, 1)
	rows := (im.N + cols - 1) / cols
	cw, ch := im.W*zoom+1, im.H*zoom+1
	out := image.NewRGBA(image.Rect(0, 0, max(1, cols*cw+1), max(1, rows*ch+1)))
	bg := color.RGBA{40, 40, 48, 255}
	for i := 0; i < len(out.Pix); i += 4 {
		out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = bg.R, bg.G, bg.B, 255
	}
	for k := range im.N {
		ox, oy := 1+(k%cols)*cw, 1+(k/cols)*ch
		px := im.Image(k)
		for y := range im.H * zoom {
			for x := range im.W * zoom {
				o := ((y/zoom)*im.W + x/zoom) * im.C
				var c color.RGBA
				if im.C == 3 {
					c = color.RGBA{byte8(px[o]), byte8(px[o+1]), byte8(px[o+2]), 255}
				} else {
					g := byte8(px[o])
					c = color.RGBA{g, g, g, 255}
				}
				out.SetRGBA(ox+x, oy+y, c)
			}
		}
	}
	return out
}

func byte8(v float32) uint8 {
	switch {
	case v <= 0 || v != v:
		return 0
	case v >= 1:
		return 255
	}
	return uint8(v*255 + 0.5)
}
