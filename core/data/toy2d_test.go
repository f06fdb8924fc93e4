package data

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestToy2D(t *testing.T) {
	const n = 4000
	for _, name := range Toy2DNames {
		a, err := Toy2D(name, n, 1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Toy2D(name, n, 1)
		c, _ := Toy2D(name, n, 2)
		if len(a) != 2*n {
			t.Fatalf("%s: %d values, want %d", name, len(a), 2*n)
		}
		if !slices.Equal(a, b) {
			t.Errorf("%s: same seed, different points", name)
		}
		if slices.Equal(a, c) {
			t.Errorf("%s: seeds 1 and 2 give the same points", name)
		}
		lo, hi := [2]float32{}, [2]float32{}
		for i, v := range a {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || math.Abs(float64(v)) > 5 {
				t.Fatalf("%s: value %d is %v, outside [-5,5]", name, i, v)
			}
			lo[i%2], hi[i%2] = min(lo[i%2], v), max(hi[i%2], v)
		}
		// Every density spreads over a few units in both directions.
		for d := range 2 {
			if hi[d]-lo[d] < 2.5 {
				t.Errorf("%s: axis %d spans only [%.2f, %.2f]", name, d, lo[d], hi[d])
			}
		}
	}
}

// TestToy2DShapes checks the defining structure of the densities with a crisp geometric test.
func TestToy2DShapes(t *testing.T) {
	radius := func(p []float32, i int) float64 { return math.Hypot(float64(p[2*i]), float64(p[2*i+1])) }

	circles, _ := Toy2D("circles", 2000, 3)
	inner := 0
	for i := range 2000 {
		r := radius(circles, i)
		if math.Abs(r-1.5) > 0.9 && math.Abs(r-3) > 0.9 {
			t.Fatalf("circles: point at radius %.2f, on neither ring (1.5, 3)", r)
		}
		if r < 2.25 {
			inner++
		}
	}
	if inner < 800 || inner > 1200 {
		t.Errorf("circles: %d of 2000 on the inner ring, want about half", inner)
	}

	board, _ := Toy2D("checkerboard", 2000, 3)
	for i := range 2000 {
		x, y := float64(board[2*i]), float64(board[2*i+1])
		if int(math.Floor(x/2)+math.Floor(y/2))%2 != 0 {
			t.Fatalf("checkerboard: (%.2f, %.2f) is on a light square", x, y)
		}
	}

	gauss, _ := Toy2D("8gaussians", 2000, 3)
	for i := range 2000 {
		if r := radius(gauss, i); r < 0.5 || r > 5 {
			t.Fatalf("8gaussians: point at radius %.2f, far from the ring of 2.83", r)
		}
	}
}

func TestToy2DErrors(t *testing.T) {
	if _, err := Toy2D("swissroll", 10, 0); err == nil || !strings.Contains(err.Error(), "moons, circles, 8gaussians, checkerboard, spirals") {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := Toy2D("moons", -1, 0); err == nil {
		t.Error("n = -1 gave no error")
	}
	if p, err := Toy2D("moons", 0, 0); err != nil || len(p) != 0 {
		t.Errorf("n = 0: %v, %v", p, err)
	}
}

// Load serves the toy densities as 1×1×2 "images": fixed train and test draws that differ.
func TestLoadToy(t *testing.T) {
	for _, name := range Toy2DNames {
		train, err := Load("no-such-dir", name, "train")
		if err != nil {
			t.Fatal(err)
		}
		test, err := Load("no-such-dir", name, "test")
		if err != nil {
			t.Fatal(err)
		}
		if train.H != 1 || train.W != 1 || train.C != 2 || train.N != toyTrainPoints || test.N != toyTestPoints {
			t.Fatalf("%s: train %dx%dx%dx%d, test %d points", name, train.N, train.H, train.W, train.C, test.N)
		}
		again, _ := Load("", name, "train")
		if !slices.Equal(train.Pix, again.Pix) {
			t.Errorf("%s: two loads of train differ", name)
		}
		if slices.Equal(train.Pix[:2*toyTestPoints], test.Pix) {
			t.Errorf("%s: test points are the first train points", name)
		}
	}
	if _, err := Load("", "moons", "all"); err == nil || !strings.Contains(err.Error(), "split") {
		t.Errorf("split all of a toy set: err = %v", err)
	}
	if _, err := Load("", "blobs", "train"); err == nil || !strings.Contains(err.Error(), "moons") {
		t.Errorf("unknown set: err = %v, want the valid names", err)
	}
}
