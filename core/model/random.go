package model

import "math/rand/v2"

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
