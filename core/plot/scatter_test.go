package plot

import "testing"

func TestScatterPlacesPoints(t *testing.T) {
	img := Scatter([]float32{-3, 3, 3, -3, 9, 9}, 100, 4) // top-left, bottom-right, off the plot
	lit := func(x, y int) bool { c := img.RGBAAt(x, y); return c.R == 250 && c.G == 200 }
	if !lit(12, 12) || !lit(87, 87) {
		t.Error("points (-3,3) and (3,-3) not drawn at the top left and bottom right")
	}
	n := 0
	for y := range 100 {
		for x := range 100 {
			if lit(x, y) {
				n++
			}
		}
	}
	if n != 2 {
		t.Errorf("%d points drawn, want 2 (the third is off the plot)", n)
	}
}
