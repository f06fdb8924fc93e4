package plot

import (
	"image"
	"image/color"

	"genlab/core/data"
)

// IsPoints says whether images are 2-D points (N×1×1×2: the toy densities and the samples of
// 2-D models), which are drawn with Scatter rather than Grid.
func IsPoints(im *data.Images) bool { return im.H == 1 && im.W == 1 && im.C == 2 }

// Scatter draws 2-D points (x0,y0,x1,y1,…) on a size×size square showing [-lim, lim]², y up,
// with the axes through 0.
func Scatter(pts []float32, size int, lim float32) *image.RGBA {
	size = max(size, 16)
	out := image.NewRGBA(image.Rect(0, 0, size, size))
	bg, axis, dot := color.RGBA{40, 40, 48, 255}, color.RGBA{80, 80, 92, 255}, color.RGBA{250, 200, 90, 255}
	for y := range size {
		for x := range size {
			out.SetRGBA(x, y, bg)
		}
	}
	for i := range size {
		out.SetRGBA(size/2, i, axis)
		out.SetRGBA(i, size/2, axis)
	}
	for i := 0; i+1 < len(pts); i += 2 {
		px := int((pts[i] + lim) / (2 * lim) * float32(size))
		py := int((lim - pts[i+1]) / (2 * lim) * float32(size))
		if px >= 0 && px < size && py >= 0 && py < size {
			out.SetRGBA(px, py, dot)
		}
	}
	return out
}
