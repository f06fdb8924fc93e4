package plot

import (
	"image"
	"testing"

	"genlab/core/data"
)

// Two grids side by side keep their pixels, get a caption each, and an empty place keeps its size.
func TestPanels(t *testing.T) {
	im := &data.Images{N: 4, H: 2, W: 2, C: 1, Pix: []float32{1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1}}
	g := Grid(im, 2, 3)
	out := Panels([]string{"a", "b"}, []*image.RGBA{g, g})
	if out.Rect.Dx() != 2*g.Rect.Dx()+12 || out.Rect.Dy() != g.Rect.Dy()+16 {
		t.Fatalf("panels %v from grids %v", out.Rect, g.Rect)
	}
	for _, dx := range []int{0, g.Rect.Dx() + 12} {
		for y := range g.Rect.Dy() {
			for x := range g.Rect.Dx() {
				if out.RGBAAt(dx+x, 16+y) != g.RGBAAt(x, y) {
					t.Fatalf("pixel (%d,%d) of the panel at %d differs from the grid's", x, y, dx)
				}
			}
		}
	}
	lit := 0
	for y := range 16 {
		for x := range out.Rect.Dx() {
			if out.RGBAAt(x, y).R > 150 {
				lit++
			}
		}
	}
	if lit == 0 {
		t.Fatal("no caption drawn")
	}
	empty := Panels([]string{"a", "b"}, []*image.RGBA{g, nil})
	if empty.Rect != out.Rect {
		t.Fatalf("an empty place changed the size: %v, want %v", empty.Rect, out.Rect)
	}
}

// Captions are drawn in ASCII (the pixel font has no Greek), and sized by what is drawn.
func TestCaptionsInASCII(t *testing.T) {
	for in, want := range map[string]string{
		"DDIM η=1, 20 steps: 1.39 s": "DDIM eta=1, 20 steps: 1.39 s",
		"x_t":                        "x_t",
		"a → b · c ≤ 2×3":            "a -> b - c <= 2x3",
		"ζ":                          "?",
	} {
		if got := ascii(in); got != want {
			t.Errorf("ascii(%q) = %q, want %q", in, got, want)
		}
	}
	im := &data.Images{N: 1, H: 2, W: 2, C: 1, Pix: make([]float32, 4)}
	g := Grid(im, 1, 1)
	if a, b := Panels([]string{"DDIM η=1 some long caption"}, []*image.RGBA{g}), Panels([]string{"DDIM eta=1 some long caption"}, []*image.RGBA{g}); a.Rect != b.Rect {
		t.Fatalf("a Greek caption sized %v, its ASCII spelling %v", a.Rect, b.Rect)
	}
}
