package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Binary models (Bernoulli decoders) need 0/1 pixels. Training resamples them every time an image
// is seen ("dynamic binarisation"), which acts as data augmentation; evaluation uses one fixed
// draw, so that likelihoods reported by different runs, models and releases are comparable.

// BinarizeInto sets dst[i] to 1 with probability src[i] and to 0 otherwise, drawing one
// rng.Float32 per pixel. It panics if the lengths differ.
func BinarizeInto(dst, src []float32, rng *rand.Rand) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("data.BinarizeInto: len(dst)=%d != len(src)=%d", len(dst), len(src)))
	}
	for i, p := range src {
		dst[i] = bernoulli(rng, p)
	}
}

// BinarizeFixed returns the evaluation binarisation of im: a new Images with the same shape and a
// copy of the labels. THE PROCEDURE IS THE EVALUATION PROTOCOL AND MUST NEVER CHANGE:
//
//	rng := rand.New(rand.NewPCG(0, 0))       // math/rand/v2, PCG-DXSM, seeds (0, 0)
//	for i, p := range im.Pix {               // every pixel of every image, in storage order
//		out[i] = 1 if rng.Float32() < p else 0
//	}
//
// rng.Float32() is (bits 32..55 of the next PCG Uint64) / 2^24, per Go's math/rand/v2. A new
// generator is made for every call, so the result depends only on im.Pix (a split is binarised
// as a whole: binarising a Subset gives different draws from the same images in the full set).
// TestBinarizeFixedGolden pins the first draws so a change in Go's generator cannot slip by.
func BinarizeFixed(im *Images) *Images {
	out := &Images{N: im.N, H: im.H, W: im.W, C: im.C, Pix: make([]float32, len(im.Pix)), Labels: slices.Clone(im.Labels)}
	BinarizeInto(out.Pix, im.Pix, rand.New(rand.NewPCG(0, 0)))
	return out
}

func bernoulli(rng *rand.Rand, p float32) float32 {
	if rng.Float32() < p {
		return 1
	}
	return 0
}
