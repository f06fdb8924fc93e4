package diffusion

import (
	"math"
	"testing"

	"genlab/core/model"
)

// stepKL's closed weight w_t·‖ε − ε̂‖² must equal the KL between the two Gaussians written out:
// q(x_{t−1} | x_t, x_0) and p_θ(x_{t−1} | x_t), both with variance β̃_t, whose means are the
// posterior mean (ddpmStep's, with noise off) at the true x_0 and at the network's x̂_0.
func TestStepKLIsTheGaussianKL(t *testing.T) {
	for _, kind := range Schedules {
		s, err := NewSchedule(kind, 100)
		if err != nil {
			t.Fatal(err)
		}
		rng := model.Rand(1)
		const D = 50
		x0, eps, epsHat := model.Normals(rng, D), model.Normals(rng, D), model.Normals(rng, D)
		for _, step := range []int{2, 3, 10, 50, 99, 100} {
			ab, abPrev := s.alphaBar(step), s.alphaBar(step-1)
			xt := make([]float32, D)
			s.Noise(xt, x0, eps, step)
			x0Hat := make([]float32, D)
			for j := range xt {
				x0Hat[j] = float32((float64(xt[j]) - math.Sqrt(1-ab)*float64(epsHat[j])) / math.Sqrt(ab))
			}
			mu, muHat := append([]float32{}, xt...), append([]float32{}, xt...)
			ddpmStep(mu, x0, s.Beta[step-1], ab, abPrev, false, nil)
			ddpmStep(muHat, x0Hat, s.Beta[step-1], ab, abPrev, false, nil)
			var want float64
			for j := range mu {
				d := float64(mu[j]) - float64(muHat[j])
				want += d * d / (2 * s.posteriorVar(step))
			}
			if got := s.stepKL(eps, epsHat, step); math.Abs(got-want) > 1e-3*want {
				t.Errorf("%s, t = %d: stepKL %g, the Gaussians' KL %g", kind, step, got, want)
			}
		}
	}
}

// The decoder is a distribution over the 256 pixel values: its bin masses sum to 1 wherever its
// mean is, and a mean on a value gives that value the most mass.
func TestDecoderIsADistribution(t *testing.T) {
	s, err := NewSchedule("linear", 1000)
	if err != nil {
		t.Fatal(err)
	}
	x1 := []float32{0}
	for _, mean := range []float64{-1.3, -1, -0.5, 0.1, 0.2, 1, 2} {
		// ε̂ that puts μ_θ(x_1 = 0, 1) at mean: μ = −β_1/√(1−ᾱ_1)·ε̂/√α_1.
		b := s.Beta[0]
		epsHat := []float32{float32(-mean * math.Sqrt(1-b) * math.Sqrt(1-s.alphaBar(1)) / b)}
		var total, best float64
		bestK := -1
		for k := range 256 {
			p := math.Exp(-s.decoderNLL([]float32{float32(2*float64(k)/255 - 1)}, x1, epsHat))
			total += p
			if p > best {
				best, bestK = p, k
			}
		}
		if math.Abs(total-1) > 1e-5 { // the bins' edges are float32 values apart
			t.Errorf("mean %g: bin masses sum to %g", mean, total)
		}
		if want := int(math.Round(max(0, min(255, (mean+1)*255/2)))); bestK != want {
			t.Errorf("mean %g: most likely value %d, want %d", mean, bestK, want)
		}
	}
}

// The prior term vanishes as ᾱ_T does: q(x_T | x_0) is then N(0, I) itself.
func TestPriorKL(t *testing.T) {
	long, _ := NewSchedule("linear", 1000) // ᾱ_T ≈ 4e−5
	short, _ := NewSchedule("linear", 2)   // ᾱ_T ≈ 1e−3
	x := []float32{-1, 0, 1}
	kl, klShort := long.priorKL(x), short.priorKL(x)
	if kl < 0 || kl > 1e-4 || klShort < 10*kl {
		t.Errorf("L_T = %g nats for T = 1000 (want ~0), %g for T = 2 (want ≫)", kl, klShort)
	}
}
