package model

import (
	"math"
	"math/rand/v2"
)

// Rand is the one way a user's seed becomes random numbers, so the page, the CLI and every
// backend draw the same samples for the same seed.
func Rand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// Normals draws n standard normal float32s.
func Normals(rng *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.NormFloat64())
	}
	return out
}

// LogMeanExp is log((1/n) Σ exp(w_i)), computed stably in float64: importance-sampled and
// mixture likelihoods (IWAE, mask ensembles) are built from it.
func LogMeanExp(w []float32) float64 {
	m := math.Inf(-1)
	for _, x := range w {
		m = max(m, float64(x))
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, x := range w {
		s += math.Exp(float64(x) - m)
	}
	return m + math.Log(s/float64(len(w)))
}
