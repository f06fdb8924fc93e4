package eval

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestInceptionScoreBounds(t *testing.T) {
	// Confident and balanced over 4 classes: IS = 4. All the same class: IS = 1.
	var balanced, same [][]float32
	for i := range 400 {
		p := make([]float32, 4)
		p[i%4] = 1
		balanced = append(balanced, p)
		same = append(same, []float32{1, 0, 0, 0})
	}
	if is := InceptionScore(balanced); math.Abs(is-4) > 1e-9 {
		t.Fatalf("balanced IS %g, want 4", is)
	}
	if is := InceptionScore(same); math.Abs(is-1) > 1e-9 {
		t.Fatalf("collapsed IS %g, want 1", is)
	}
}

func gaussian(rng *rand.Rand, n int, mu, sd []float64) [][]float32 {
	out := make([][]float32, n)
	for i := range out {
		out[i] = make([]float32, len(mu))
		for j := range mu {
			out[i][j] = float32(mu[j] + sd[j]*rng.NormFloat64())
		}
	}
	return out
}

// For diagonal Gaussians FD has a closed form: Σ (μ₁−μ₂)² + (σ₁−σ₂)².
func TestFrechetDistanceClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	mu1, sd1 := []float64{0, 1, -2}, []float64{1, 2, 0.5}
	mu2, sd2 := []float64{1, 1, 0}, []float64{1, 1, 1.5}
	a, b := gaussian(rng, 40000, mu1, sd1), gaussian(rng, 40000, mu2, sd2)
	want := 0.0
	for i := range mu1 {
		want += (mu1[i]-mu2[i])*(mu1[i]-mu2[i]) + (sd1[i]-sd2[i])*(sd1[i]-sd2[i])
	}
	got, err := FrechetDistance(a, b)
	if err != nil || math.Abs(got-want) > 0.05*want {
		t.Fatalf("FD %g, want %g (%v)", got, want, err)
	}
	if self, _ := FrechetDistance(a, gaussian(rng, 40000, mu1, sd1)); self > 0.01 {
		t.Fatalf("FD between samples of one distribution %g, want ≈ 0", self)
	}
}
