package gan

import (
	"genlab/core/model"
)

// Lab2DConfig is the page's 2-D GAN (in the spirit of GAN Lab): MLPs of two hidden layers of 64
// on both sides, a 2-D latent, the non-saturating generator loss, k discriminator steps per
// generator step.
func Lab2DConfig(k int) Config {
	return Config{Arch: "mlp", Dim: 2, Latent: 2, Width: 64, K: k, Loss: NonSaturating}
}

// Lab2DSpec names the page's 2-D GAN on a toy density; it is not registered (nothing pretrained).
func Lab2DSpec(density string) model.Spec {
	return model.Spec{Name: "gan2d-" + density, Family: "gan", About: "2-D MLP GAN on the " + density + " density",
		Data: density, BatchSize: 256, Steps: 3000, LR: 1e-3}
}

// GeneratorLosses returns the generator's losses of the steps taken since the last call (one per
// generator step, i.e. one per k TrainSteps): TrainStep itself returns the discriminator's.
func (m *GAN) GeneratorLosses() []float64 {
	out := m.gLosses
	m.gLosses = nil
	return out
}
