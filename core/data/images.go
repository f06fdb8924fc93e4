// Package data reads the training sets genlab uses (IDX digits and shapes, the 32x32 faces file),
// generates the toy 2-D densities, binarises, shuffles and batches. It has no GoMLX dependency so
// that the page, the CLI and every model family can share it.
package data

import "math"

// ShapeOf lays dim pixels out as a square image when dim is a square number, else as one row.
func ShapeOf(dim int) (h, w int) {
	if side := int(math.Sqrt(float64(dim))); side*side == dim {
		return side, side
	}
	return 1, dim
}

// Images is a set of images with pixel intensities in [0,1], laid out N×H×W×C (row-major, row 0
// at the top). Labels is nil for unlabelled sets.
type Images struct {
	N, H, W, C int
	Pix        []float32
	Labels     []uint8
}

// Dim is the number of values in one image (H·W·C).
func (im *Images) Dim() int { return im.H * im.W * im.C }

// Image returns the pixels of image i (a view, not a copy).
func (im *Images) Image(i int) []float32 {
	d := im.Dim()
	return im.Pix[i*d : (i+1)*d]
}
