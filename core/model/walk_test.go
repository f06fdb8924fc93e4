package model

import (
	"math"
	"testing"
)

// The loop starts on Sample's latents, moves a little per small step, and stays N(0, T²).
func TestLoopLatents(t *testing.T) {
	const n, dim, temp = 50, 40, 0.7
	z0 := LoopLatents(3, n, dim, temp, 0)
	a := Normals(Rand(3), n*dim)
	for i := range a {
		if math.Abs(float64(z0[i]-temp*a[i])) > 1e-6 {
			t.Fatalf("phase 0 is not the seed's samples at %d", i)
		}
	}
	step := LoopLatents(3, n, dim, temp, 0.1)
	var moved, sq float64
	for i := range z0 {
		moved += float64((step[i] - z0[i]) * (step[i] - z0[i]))
	}
	mid := LoopLatents(3, n, dim, temp, 2)
	for _, v := range mid {
		sq += float64(v * v)
	}
	if rms := math.Sqrt(moved / float64(len(z0))); rms > 0.1 || rms == 0 {
		t.Errorf("a step of 0.1 rad moves each coordinate by %.3f rms, want small and > 0", rms)
	}
	if sd := math.Sqrt(sq / float64(len(mid))); math.Abs(sd-temp) > 0.05 {
		t.Errorf("mid-loop latents have sd %.3f, want %.2f", sd, temp)
	}
}
