package plot

import (
	"image"
	"image/color"
	"image/draw"
)

// Panels lays pictures out side by side, each under its caption, on the grids' background: the
// page's two-panel animations (x_t beside the estimate of x_0, DDIM beside DDPM). A nil picture
// leaves its place empty (a panel not started yet) at the size of the first one.
func Panels(captions []string, pics []*image.RGBA) *image.RGBA {
	const gap, capH = 12, 16
	captions = asciiAll(captions) // sized as drawn
	var ref image.Rectangle
	for _, p := range pics {
		if p != nil {
			ref = p.Rect
			break
		}
	}
	w, h := 0, ref.Dy()
	for i, p := range pics {
		r := ref
		if p != nil {
			r = p.Rect
		}
		if i > 0 {
			w += gap
		}
		w += max(r.Dx(), 7*len(captions[i])+2)
		h = max(h, r.Dy())
	}
	out := image.NewRGBA(image.Rect(0, 0, max(1, w), capH+h))
	draw.Draw(out, out.Rect, &image.Uniform{color.RGBA{40, 40, 48, 255}}, image.Point{}, draw.Src)
	x := 0
	for i, p := range pics {
		r := ref
		if p != nil {
			r = p.Rect
			draw.Draw(out, image.Rect(x, capH, x+r.Dx(), capH+r.Dy()), p, r.Min, draw.Src)
		}
		drawText(out, x+1, capH-4, captions[i], color.RGBA{220, 224, 232, 255})
		x += max(r.Dx(), 7*len(captions[i])+2) + gap
	}
	return out
}
