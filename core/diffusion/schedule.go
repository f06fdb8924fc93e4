package diffusion

import (
	"fmt"
	"math"
)

// Schedule is the forward (noising) process q(x_t | x_{t−1}) = N(√(1−β_t)·x_{t−1}, β_t·I) for
// t = 1…T, with everything the samplers need precomputed in float64. Index t−1 holds step t.
//
// Its closed form (Ho et al. 2020, eq. 4) is what makes training cheap: with ᾱ_t = Π_{s≤t}(1−β_s),
//
//	q(x_t | x_0) = N(√ᾱ_t·x_0, (1−ᾱ_t)·I),  so  x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε,  ε ~ N(0, I).
type Schedule struct {
	Kind     string
	Beta     []float64 // β_t
	AlphaBar []float64 // ᾱ_t = Π_{s≤t} (1 − β_s)
}

// Schedules lists the β schedules NewSchedule knows.
var Schedules = []string{"linear", "cosine"}

// NewSchedule builds a β schedule of T steps:
//   - "linear" (Ho et al. 2020): β from 1e−4 to 0.02 for T = 1000, rescaled by 1000/T so that
//     shorter chains end as noisy.
//   - "cosine" (Nichol & Dhariwal 2021): ᾱ_t = f(t)/f(0), f(t) = cos²((t/T + s)/(1 + s)·π/2) with
//     s = 0.008, β clipped at 0.999; it destroys information more evenly over t.
func NewSchedule(kind string, T int) (*Schedule, error) {
	if T < 1 || T > 100_000 {
		return nil, fmt.Errorf("diffusion: %d steps out of range (1..100000)", T)
	}
	s := &Schedule{Kind: kind, Beta: make([]float64, T), AlphaBar: make([]float64, T)}
	switch kind {
	case "linear":
		scale := 1000 / float64(T)
		lo, hi := 1e-4*scale, math.Min(0.02*scale, 0.999)
		for i := range T {
			s.Beta[i] = lo
			if T > 1 {
				s.Beta[i] = lo + (hi-lo)*float64(i)/float64(T-1)
			}
		}
	case "cosine":
		const off = 0.008
		f := func(t float64) float64 {
			c := math.Cos((t/float64(T) + off) / (1 + off) * math.Pi / 2)
			return c * c
		}
		for i := range T {
			s.Beta[i] = math.Min(1-f(float64(i+1))/f(float64(i)), 0.999)
		}
	default:
		return nil, fmt.Errorf("diffusion: unknown schedule %q (valid: linear, cosine)", kind)
	}
	prod := 1.0
	for i, b := range s.Beta {
		prod *= 1 - b
		s.AlphaBar[i] = prod
	}
	return s, nil
}

// T is the number of diffusion steps.
func (s *Schedule) T() int { return len(s.Beta) }

// alphaBar is ᾱ at step t (1…T), with ᾱ_0 = 1 (no noise).
func (s *Schedule) alphaBar(t int) float64 {
	if t <= 0 {
		return 1
	}
	return s.AlphaBar[t-1]
}

// Noise draws x_t ~ q(x_t | x_0) given ε: x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε (into out, which may be x0).
func (s *Schedule) Noise(out, x0, eps []float32, t int) {
	a := s.alphaBar(t)
	ca, cn := float32(math.Sqrt(a)), float32(math.Sqrt(1-a))
	for i := range x0 {
		out[i] = ca*x0[i] + cn*eps[i]
	}
}
