package model

import (
	"math"
	"math/rand/v2"

	"genlab/core/rng"
)

// Rand is the one way a user's seed becomes random numbers (rng.New).
func Rand(seed uint64) *rand.Rand { return rng.New(seed) }

// Normals draws n standard normal float32s.
func Normals(r *rand.Rand, n int) []float32 { return rng.Normals(r, n) }

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
