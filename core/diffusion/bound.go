package diffusion

import "math"

// The variational bound on −log p(x_0) of the T-step DDPM model whose reverse steps have the
// posterior's variance σ_t² = β̃_t (what Reverse's DDPM sampler draws with), in nats per example
// (Ho et al. 2020, eq. 5 and §3.3):
//
//	L = L_T + Σ_{t=2..T} L_{t−1} + L_0
//	L_T     = KL(q(x_T | x_0) ‖ N(0, I))
//	L_{t−1} = KL(q(x_{t−1} | x_t, x_0) ‖ p_θ(x_{t−1} | x_t)) = w_t·‖ε − ε̂‖²
//	L_0     = −log p_θ(x_0 | x_1)
//
// Both Gaussians of L_{t−1} have variance β̃_t, and their means differ by β_t/(√α_t·√(1−ᾱ_t))·(ε − ε̂),
// so w_t = β_t²/(2·β̃_t·α_t·(1−ᾱ_t)). The decoder of L_0 is N(μ_θ(x_1, 1), σ²) integrated over each
// value's 8-bit bin (width 2/255 on [−1, 1]; the edge bins reach to ±∞); β̃_1 is 0, so σ² is β̃_2,
// as in Ho et al.'s code. Evaluate estimates the sum over t from one t per example.

// posteriorVar is β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t, for t ≥ 1 (0 at t = 1).
func (s *Schedule) posteriorVar(t int) float64 {
	return (1 - s.alphaBar(t-1)) / (1 - s.alphaBar(t)) * s.Beta[t-1]
}

// priorKL is L_T for one example x_0: Σ_j KL(N(√ᾱ_T·x_j, 1−ᾱ_T) ‖ N(0, 1)).
func (s *Schedule) priorKL(x0 []float32) float64 {
	ab := s.alphaBar(s.T())
	var kl float64
	for _, v := range x0 {
		kl += 0.5 * (ab*float64(v)*float64(v) + (1 - ab) - 1 - math.Log(1-ab))
	}
	return kl
}

// stepKL is L_{t−1} for t ≥ 2 from the true noise ε of x_t and the network's ε̂.
func (s *Schedule) stepKL(eps, epsHat []float32, t int) float64 {
	b, ab := s.Beta[t-1], s.alphaBar(t)
	w := b * b / (2 * s.posteriorVar(t) * (1 - b) * (1 - ab))
	var sq float64
	for j, e := range eps {
		d := float64(e) - float64(epsHat[j])
		sq += d * d
	}
	return w * sq
}

// decoderNLL is L_0: −log p_θ(x_0 | x_1) for 8-bit data x_0 on [−1, 1], from x_1 and ε̂(x_1, 1).
func (s *Schedule) decoderNLL(x0, x1, epsHat []float32) float64 {
	beta, ab := s.Beta[0], s.alphaBar(1)
	sd := math.Sqrt(s.posteriorVar(min(2, s.T())))
	const half = 1.0 / 255 // half a bin
	var nll float64
	for j, v := range x0 {
		mu := (float64(x1[j]) - beta/math.Sqrt(1-ab)*float64(epsHat[j])) / math.Sqrt(1-beta)
		x := float64(v)
		a, b := math.Inf(-1), math.Inf(1) // the bin's edges in standard units
		if x > -1+half {
			a = (x - half - mu) / sd
		}
		if x < 1-half {
			b = (x + half - mu) / sd
		}
		nll -= math.Log(max(binMass(a, b), 1e-300))
	}
	return nll
}

// binMass is Φ(b) − Φ(a) for a ≤ b, through the tail on a's side of 0 so that a bin far out
// in either tail keeps its digits.
func binMass(a, b float64) float64 {
	if a > 0 { // Φ(b) − Φ(a) = Q(a) − Q(b)
		return 0.5 * (math.Erfc(a/math.Sqrt2) - math.Erfc(b/math.Sqrt2))
	}
	return 0.5 * (math.Erfc(-b/math.Sqrt2) - math.Erfc(-a/math.Sqrt2))
}
