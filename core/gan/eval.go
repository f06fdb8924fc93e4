//go:build !(js && wasm)

package gan

import (
	"fmt"

	"genlab/core/data"
	"genlab/core/eval"
	"genlab/core/model"
)

// DefaultQualitySamples is how many samples a digit GAN is judged on.
const DefaultQualitySamples = 5000

// Evaluate judges samples, as a GAN has no likelihood to report. A digit GAN (Spec.Data "mnist")
// is scored by the pretrained digit classifier (core/eval, weights at eval.ClassifierWeights):
// Inception Score and Fréchet distance to the test set over opt.Samples samples (default 5000),
// and, for a conditional GAN, label_accuracy: the fraction of samples the classifier labels as
// the digit that was asked for. Every GAN also reports the discriminator's mean D(x) on the test
// set and on as many samples (both near ½ at the game's equilibrium).
func (m *GAN) Evaluate(test *data.Images, opt model.EvalOptions) (model.Metrics, error) {
	if test == nil || test.N == 0 {
		return nil, fmt.Errorf("%s: evaluation needs test data", m.spec.Name)
	}
	if test.Dim() != m.cfg.dim() {
		return nil, fmt.Errorf("%s: test examples have %d values, the model %d", m.spec.Name, test.Dim(), m.cfg.dim())
	}
	n := opt.Samples
	if n <= 0 {
		n = DefaultQualitySamples
	}
	// Samples are drawn in chunks with labels cycling 0..Classes−1 (cycleLabels restarts at each
	// chunk, so chunks are multiples of Classes).
	chunk := 500
	if c := m.cfg.Classes; c > 0 {
		chunk = max(c, chunk/c*c)
	}
	samples := &data.Images{}
	var asked []int
	for done := 0; done < n; done += chunk {
		im, err := m.Sample(model.SampleOptions{N: min(chunk, n-done), Seed: uint64(1 + done/chunk)})
		if err != nil {
			return nil, err
		}
		samples.N, samples.H, samples.W, samples.C = samples.N+im.N, im.H, im.W, im.C
		samples.Pix = append(samples.Pix, im.Pix...)
		asked = append(asked, m.cycleLabels(im.N)...)
		if opt.Progress != nil {
			opt.Progress(done+im.N, n)
		}
	}
	met := model.Metrics{"samples": float64(n)}
	if err := m.discriminatorMeans(test, samples, asked, met); err != nil {
		return nil, err
	}
	if m.spec.Data != "mnist" {
		return met, nil
	}
	judge, err := eval.NewJudge(m.backend, test)
	if err != nil {
		return nil, err
	}
	q, err := judge.Score(samples)
	if err != nil {
		return nil, err
	}
	for k, v := range q {
		met[k] = v
	}
	if m.cfg.Classes > 0 {
		got, err := judge.Classify(samples)
		if err != nil {
			return nil, err
		}
		right := 0
		for i, l := range got {
			if l == asked[i] {
				right++
			}
		}
		met["label_accuracy"] = float64(right) / float64(len(got))
	}
	return met, nil
}

// discriminatorMeans adds d_test and d_samples: the mean of D(x) over (up to n) test examples
// and over the samples.
func (m *GAN) discriminatorMeans(test, samples *data.Images, asked []int, met model.Metrics) error {
	mean := func(x *data.Images, labels func(i int) int) (float64, error) {
		const batch = 500
		var sum float64
		for start := 0; start < x.N; start += batch {
			part := data.Subset(x, start, min(x.N, start+batch))
			var ls []int
			if m.cfg.Classes > 0 {
				for i := range part.N {
					ls = append(ls, labels(start+i))
				}
			}
			d, err := m.Discriminate(part.Pix, ls)
			if err != nil {
				return 0, err
			}
			for _, p := range d {
				sum += float64(p)
			}
		}
		return sum / float64(x.N), nil
	}
	t := data.Subset(test, 0, min(test.N, samples.N))
	if m.cfg.Classes > 0 && len(t.Labels) != t.N {
		return fmt.Errorf("%s is conditional: evaluation needs labelled test data", m.spec.Name)
	}
	var err error
	if met["d_test"], err = mean(t, func(i int) int { return int(t.Labels[i]) }); err != nil {
		return err
	}
	met["d_samples"], err = mean(samples, func(i int) int { return asked[i] })
	return err
}
