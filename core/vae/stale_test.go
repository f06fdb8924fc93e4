package vae

import (
	"testing"

	"genlab/core/model"
	"genlab/core/model/modeltest"
)

// Sampling after training must use the trained weights, not those of the first compilation.
func TestSampleSeesTrainedWeights(t *testing.T) {
	m := backend(t)
	before, _ := m.Sample(model.SampleOptions{N: 2, Seed: 1})
	modeltest.Train(t, m, modeltest.TwoPatterns(), model.Rand(1), 30)
	after, _ := m.Sample(model.SampleOptions{N: 2, Seed: 1})
	same := true
	for i := range before.Pix {
		if before.Pix[i] != after.Pix[i] {
			same = false
		}
	}
	if same {
		t.Fatal("samples after training equal those before: inference graphs kept stale weights")
	}
}
