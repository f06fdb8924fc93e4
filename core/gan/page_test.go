package gan

import (
	"math"
	"slices"
	"testing"

	"genlab/core/model"
)

// The walk starts and ends on Sample's samples and moves smoothly; a label is honoured.
func TestWalkFrameAndLabels(t *testing.T) {
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := model.Lookup("cgan-digits")
	m, err := New(b, spec, Config{Arch: "dcgan", Side: 8, Channels: 1, Latent: 6, Classes: 3, Width: 4, K: 1, Loss: NonSaturating}, 1)
	if err != nil {
		t.Fatal(err)
	}
	opt := model.SampleOptions{N: 5, Seed: 4, Temperature: 0.9}
	want, err := m.Sample(opt)
	if err != nil {
		t.Fatal(err)
	}
	start, err := m.WalkFrame(opt, -1, 0)
	if err != nil || !slices.Equal(start.Pix, want.Pix) {
		t.Fatalf("phase 0 differs from Sample (err %v)", err)
	}
	end, _ := m.WalkFrame(opt, -1, 2*math.Pi)
	next, _ := m.WalkFrame(opt, -1, 0.05)
	far, _ := m.WalkFrame(opt, -1, 2)
	dist := func(a, b []float32) (d float64) {
		for i := range a {
			d += math.Abs(float64(a[i] - b[i]))
		}
		return d / float64(len(a))
	}
	if d := dist(end.Pix, want.Pix); d > 1e-4 {
		t.Errorf("the loop does not close: mean difference %g", d)
	}
	if near, away := dist(next.Pix, want.Pix), dist(far.Pix, want.Pix); !(near > 0 && near < away) {
		t.Errorf("a small step changes pixels by %g, a large one by %g: want a smooth walk", near, away)
	}
	two, err := m.SampleLabel(opt, 2)
	if err != nil {
		t.Fatal(err)
	}
	z := model.LoopLatents(4, 5, 6, 0.9, 0)
	ref, _ := m.Generate(z, []int{2, 2, 2, 2, 2})
	if !slices.Equal(two.Pix, ref.Pix) {
		t.Error("SampleLabel(2) does not draw label 2 for every sample")
	}
	if _, err := m.SampleLabel(opt, 3); err == nil {
		t.Error("label 3 of a 3-label GAN accepted")
	}
}
