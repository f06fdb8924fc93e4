package diffusion

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Sampler says how to run the reverse process from x_T ~ N(0, I) to x_0.
type Sampler struct {
	// DDPM is ancestral sampling through all T steps (Ho et al. 2020, Algorithm 2), with the
	// posterior variance β̃_t; Steps and Eta are then ignored.
	DDPM bool
	// Steps is S, the number of DDIM steps (Song et al. 2021) on an evenly spaced subsequence
	// τ_i = round(i·T/S) of 1…T. (DDIM's own code places them at 1 + round((i−1)·T/S), so that
	// the last network call is at t = 1: tried on ddpm-digits with attention, 500 samples, same
	// noise, IS 8.896 / FD 46.1 against 8.892 / 46.8 here — no measurable gain, not kept.)
	Steps int
	// Eta is DDIM's η: 0 is the deterministic DDIM; 1 gives each step DDPM's posterior variance
	// (with S = T it is DDPM).
	Eta float64
}

func (s Sampler) String() string {
	if s.DDPM {
		return "DDPM"
	}
	return fmt.Sprintf("DDIM S=%d η=%g", s.Steps, s.Eta)
}

// EpsFn is the trained network: ε̂ for the batch x at step t (1…T).
type EpsFn func(x []float32, t int) ([]float32, error)

// Step is one point of a reverse trajectory, for animations and views.
type Step struct {
	I, Of int       // Step I of Of (1…Of).
	T     int       // The diffusion step t the network saw.
	X     []float32 // x_t before this step (the network's input).
	X0    []float32 // The network's current estimate of x_0 (clipped for images).
}

// timesteps is the decreasing sequence of steps the sampler visits, ending with 0.
func (s Sampler) timesteps(T int) ([]int, error) {
	n := s.Steps
	if s.DDPM {
		n = T
	}
	if n < 1 || n > T {
		return nil, fmt.Errorf("diffusion: %d sampling steps out of range (1..%d)", n, T)
	}
	if s.Eta < 0 || s.Eta > 1 || math.IsNaN(s.Eta) {
		return nil, fmt.Errorf("diffusion: η = %g out of range (0..1)", s.Eta)
	}
	ts := make([]int, 0, n+1)
	for i := n; i >= 0; i-- {
		ts = append(ts, int(math.Round(float64(i)*float64(T)/float64(n))))
	}
	return ts, nil
}

// Reverse denoises x (x_T on entry, x_0 on return) with the sampler. Noise of the stochastic
// steps comes from rng. clip bounds the x_0 estimate to [−1, 1] (pixels), as DDPM's and
// lucidrains' samplers do. onStep, if not nil, sees every step before it is taken.
func (sch *Schedule) Reverse(x []float32, smp Sampler, clip bool, rng *rand.Rand, eps EpsFn, onStep func(Step) error) error {
	ts, err := smp.timesteps(sch.T())
	if err != nil {
		return err
	}
	x0 := make([]float32, len(x))
	for i := 0; i+1 < len(ts); i++ {
		t, prev := ts[i], ts[i+1]
		e, err := eps(x, t)
		if err != nil {
			return err
		}
		if len(e) != len(x) {
			return fmt.Errorf("diffusion: ε-network gave %d values for %d", len(e), len(x))
		}
		// x̂_0 = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t; when clipped, ε̂ is re-derived from it so that the step
		// stays consistent with the clipped estimate.
		ab, abPrev := sch.alphaBar(t), sch.alphaBar(prev)
		sa, sn := math.Sqrt(ab), math.Sqrt(1-ab)
		for j := range x {
			v := (float64(x[j]) - sn*float64(e[j])) / sa
			if clip {
				v = max(-1, min(1, v))
				e[j] = float32((float64(x[j]) - sa*v) / sn)
			}
			x0[j] = float32(v)
		}
		if onStep != nil {
			if err := onStep(Step{I: i + 1, Of: len(ts) - 1, T: t, X: x, X0: x0}); err != nil {
				return err
			}
		}
		if smp.DDPM {
			ddpmStep(x, x0, sch.Beta[t-1], ab, abPrev, prev > 0, rng)
			continue
		}
		// DDIM (Song et al. 2021, eq. 12): x_prev = √ᾱ_prev·x̂_0 + √(1−ᾱ_prev−σ²)·ε̂ + σ·z with
		// σ = η·√((1−ᾱ_prev)/(1−ᾱ_t))·√(1−ᾱ_t/ᾱ_prev).
		sigma := smp.Eta * math.Sqrt((1-abPrev)/(1-ab)) * math.Sqrt(1-ab/abPrev)
		dir := math.Sqrt(max(0, 1-abPrev-sigma*sigma))
		sp := math.Sqrt(abPrev)
		for j := range x {
			v := sp*float64(x0[j]) + dir*float64(e[j])
			if sigma > 0 {
				v += sigma * rng.NormFloat64()
			}
			x[j] = float32(v)
		}
	}
	return nil
}

// ddpmStep draws x_{t−1} ~ q(x_{t−1} | x_t, x̂_0) = N(μ̃, β̃_t·I) in place (Ho et al. 2020, eqs. 6–7):
// μ̃ = √ᾱ_{t−1}·β_t/(1−ᾱ_t)·x̂_0 + √α_t·(1−ᾱ_{t−1})/(1−ᾱ_t)·x_t and β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t.
// The last step (to x_0) adds no noise.
func ddpmStep(x, x0 []float32, beta, ab, abPrev float64, noise bool, rng *rand.Rand) {
	c0 := math.Sqrt(abPrev) * beta / (1 - ab)
	ct := math.Sqrt(1-beta) * (1 - abPrev) / (1 - ab)
	sd := math.Sqrt(beta * (1 - abPrev) / (1 - ab))
	for j := range x {
		v := c0*float64(x0[j]) + ct*float64(x[j])
		if noise {
			v += sd * rng.NormFloat64()
		}
		x[j] = float32(v)
	}
}
