package flow

import (
	"math"
	"slices"
	"testing"

	"genlab/core/model"
)

// The walk starts on Sample's faces; the morph's ends are faces sampled at T = 0.7.
func TestWalkFrameAndMorph(t *testing.T) {
	m := tinyRealNVP(t, tinyConfig)
	opt := model.SampleOptions{N: 2, Seed: 5, Temperature: 0.8}
	want, err := m.Sample(opt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.WalkFrame(opt, -1, 0)
	if err != nil || !slices.Equal(got.Pix, want.Pix) {
		t.Fatalf("phase 0 differs from Sample (err %v)", err)
	}
	g, err := m.morph(model.ViewRequest{Seed: 6, N: 20})
	if err != nil || g.Cols != viewCols || g.Images.N != 2*viewCols {
		t.Fatalf("morph: %v", err)
	}
	ends, _ := m.Sample(model.SampleOptions{N: 2, Seed: 6, Temperature: morphTemp})
	for row := range 2 {
		first := g.Images.Image(row * viewCols)
		for i, v := range ends.Image(row) {
			if math.Abs(float64(first[i]-v)) > 1e-5 {
				t.Fatalf("row %d starts at %v, want the sampled face's %v", row, first[i], v)
			}
		}
	}
}
