package plot

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
)

// Curve draws y against x as a line with min/max labels, for loss plots. The y axis covers the
// 2nd to 100th percentile of the last 90% of points so that the first steps' huge losses do not
// flatten the interesting part.
func Curve(xs, ys []float64, w, h int, title string) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{250, 250, 250, 255}}, image.Point{}, draw.Src)
	const left, right, top, bottom = 60, 10, 20, 24
	pw, ph := w-left-right, h-top-bottom
	axis := color.RGBA{120, 120, 120, 255}
	for x := left; x < left+pw; x++ {
		img.Set(x, top+ph, axis)
	}
	for y := top; y <= top+ph; y++ {
		img.Set(left, y, axis)
	}
	label(img, left, 14, title)
	if len(xs) == 0 {
		return img
	}
	x0, x1 := xs[0], xs[len(xs)-1]
	lo, hi := yRange(ys)
	if x1 == x0 {
		x1 = x0 + 1
	}
	label(img, 2, top+8, fmt.Sprintf("%.4g", hi))
	label(img, 2, top+ph, fmt.Sprintf("%.4g", lo))
	label(img, left, h-6, fmt.Sprintf("%.0f", x0))
	label(img, w-right-8*len(fmt.Sprintf("%.0f", x1)), h-6, fmt.Sprintf("%.0f", x1))
	line := color.RGBA{30, 90, 200, 255}
	px, py := -1, -1
	for i := range xs {
		x := left + int(float64(pw-1)*(xs[i]-x0)/(x1-x0))
		yv := math.Min(math.Max(ys[i], lo), hi)
		y := top + int(float64(ph)*(hi-yv)/(hi-lo))
		if px >= 0 {
			segment(img, px, py, x, y, line)
		}
		px, py = x, y
	}
	return img
}

func yRange(ys []float64) (lo, hi float64) {
	tail := ys[len(ys)/10:]
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, y := range tail {
		if !math.IsNaN(y) && !math.IsInf(y, 0) {
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
	}
	if math.IsInf(lo, 0) {
		return 0, 1
	}
	if hi-lo < 1e-9 {
		hi = lo + 1
	}
	pad := 0.05 * (hi - lo)
	return lo - pad, hi + pad
}

func segment(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	n := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= n; i++ {
		img.SetRGBA(x0+(x1-x0)*i/n, y0+(y1-y0)*i/n, c)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func label(img *image.RGBA, x, y int, s string) {
	drawText(img, x, y, s, color.RGBA{30, 30, 30, 255})
}
