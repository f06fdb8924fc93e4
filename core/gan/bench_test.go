package gan

import (
	"math/rand/v2"
	"testing"

	"genlab/core/data"
	"genlab/core/model"
)

// BenchmarkTrainStepDigits times one TrainStep (one D step and, with k = 1, one G step) of
// gan-digits at batch 64: go test ./core/gan -run X -bench TrainStep -benchtime 10x
func BenchmarkTrainStepDigits(b *testing.B) {
	be, _ := model.NewBackend("go")
	m, err := New(be, model.Spec{Name: "gan-digits", LR: 2e-4}, DigitsConfig, 1)
	if err != nil {
		b.Fatal(err)
	}
	x := &data.Images{N: 64, H: 28, W: 28, C: 1, Pix: make([]float32, 64*784)}
	rng := rand.New(rand.NewPCG(1, 1))
	if _, err := m.TrainStep(x, rng); err != nil { // Compiles both steps.
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := m.TrainStep(x, rng); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateDigits times G's forward pass on 64 latents.
func BenchmarkGenerateDigits(b *testing.B) {
	be, _ := model.NewBackend("go")
	m, _ := New(be, model.Spec{Name: "gan-digits", LR: 2e-4}, DigitsConfig, 1)
	z := make([]float32, 64*m.cfg.Latent)
	m.Generate(z, nil)
	b.ResetTimer()
	for range b.N {
		if _, err := m.Generate(z, nil); err != nil {
			b.Fatal(err)
		}
	}
}
