package gan

import (
	"fmt"

	"genlab/core/data"
	"genlab/core/model"
)

// What the page asks of a GAN beyond the generic interface: samples of one label (the digit
// picker of a conditional GAN) and the frames of a latent walk.

// labels is n copies of label, or the labels in turn for label < 0 (nil for an unconditional GAN).
func (m *GAN) labels(n, label int) ([]int, error) {
	if m.cfg.Classes == 0 || label < 0 {
		return m.cycleLabels(n), nil
	}
	if label >= m.cfg.Classes {
		return nil, fmt.Errorf("%s: label %d out of range (0..%d)", m.spec.Name, label, m.cfg.Classes-1)
	}
	out := make([]int, n)
	for i := range out {
		out[i] = label
	}
	return out, nil
}

// SampleLabel is Sample asking a conditional GAN for one label (label < 0: all in turn, as
// Sample). The noise is Sample's, so one seed shows the same styles for every label.
func (m *GAN) SampleLabel(opt model.SampleOptions, label int) (*data.Images, error) {
	return m.WalkFrame(opt, label, 0)
}

// WalkFrame is the frame at phase (radians) of a latent walk that moves each of opt.N samples
// around a loop in z (model.LoopLatents): phase 0 and 2π are Sample's samples.
func (m *GAN) WalkFrame(opt model.SampleOptions, label int, phase float64) (*data.Images, error) {
	if opt.N <= 0 || opt.N > 100_000 {
		return nil, fmt.Errorf("%s: asked for %d samples", m.spec.Name, opt.N)
	}
	labels, err := m.labels(opt.N, label)
	if err != nil {
		return nil, err
	}
	return m.Generate(model.LoopLatents(opt.Seed, opt.N, m.cfg.Latent, opt.Temperature, phase), labels)
}
