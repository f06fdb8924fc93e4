// Package rng is how a user's seed becomes random numbers, in a package light enough for the
// page's first-picture program (wasm/first), which must draw what the models draw.
package rng

import "math/rand/v2"

// New is the one way a seed becomes a generator, so that the page, the CLI and every backend
// draw the same samples for the same seed.
func New(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// Normals draws n standard normal float32s.
func Normals(r *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(r.NormFloat64())
	}
	return out
}
