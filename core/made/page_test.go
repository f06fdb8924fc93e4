package made

import (
	"math"
	"slices"
	"testing"

	"genlab/core/data"
	"genlab/core/model"
)

// UseMasks wraps and clamps what the page asks for, and Sample, SampleSteps, Inpaint and Score
// all follow the selection.
func TestUseMasks(t *testing.T) {
	m := tiny(t, Config{H: 3, W: 4, Hidden: []int{40}, Masks: 3, Ordering: "raster", Direct: true, Seed: 2}, false)
	for _, c := range []struct {
		first, ens int
		want       []int
	}{
		{0, 1, []int{0}}, {2, 2, []int{2, 0}}, {-1, 9, []int{2, 0, 1}}, {7, 0, []int{1}},
	} {
		if got := m.UseMasks(c.first, c.ens); !slices.Equal(got, c.want) {
			t.Errorf("UseMasks(%d, %d) = %v, want %v", c.first, c.ens, got, c.want)
		}
	}
	opt := model.SampleOptions{N: 4, Seed: 5, Temperature: 0.8}
	for _, sel := range [][2]int{{1, 1}, {0, 3}} {
		m.UseMasks(sel[0], sel[1])
		want, _ := m.generate(job{n: 4, seed: 5, temp: 0.8, masks: m.sets()})
		got, err := m.Sample(opt)
		if err != nil || !slices.Equal(got.Pix, want.Pix) {
			t.Fatalf("selection %v: Sample does not use the selected sets (err %v)", sel, err)
		}
		frames := 0
		steps, err := m.SampleSteps(opt, 4, func(int, *data.Images) error { frames++; return nil })
		if err != nil || !slices.Equal(steps.Pix, want.Pix) || frames != 3 {
			t.Fatalf("selection %v: SampleSteps ends on other images or called back %d times (err %v)", sel, frames, err)
		}
	}
	m.UseMasks(1, 1)
	one, _ := m.Sample(opt)
	m.UseMasks(2, 1)
	if two, _ := m.Sample(opt); slices.Equal(one.Pix, two.Pix) {
		t.Fatal("mask sets 1 and 2 drew the same images")
	}

	x := &data.Images{N: 2, H: 3, W: 4, C: 1, Pix: []float32{
		1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1,
		0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1,
	}}
	m.UseMasks(1, 1)
	lp1, _ := m.logProbs(x, 1)
	s, err := m.Score(x)
	if err != nil || math.Abs(s[0]+float64(lp1[0])) > 1e-5 {
		t.Fatalf("Score under set 1 = %v, want −log p_1 = %v (err %v)", s, -lp1[0], err)
	}
	m.UseMasks(0, 3)
	all, _ := m.LogProb(x)
	s, _ = m.Score(x)
	for i := range s {
		if math.Abs(s[i]+all[i]) > 1e-5 {
			t.Fatalf("Score under all sets = %v, want −LogProb = %v", s, all)
		}
	}
	in, _ := m.Inpaint(x, 6, 1)
	for i := range in.N {
		for _, px := range m.MaskSet(0).Order[:6] {
			if in.Image(i)[px] != x.Image(i)[px] {
				t.Fatal("inpainting under an ensemble changed a known pixel")
			}
		}
	}
}
