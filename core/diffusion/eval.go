package diffusion

import (
	"genlab/core/data"
	"genlab/core/model"
)

// Evaluate reports the simple loss (ε mean squared error) on test data, each example at one step
// t drawn uniformly with a fixed seed: re-running gives the same figure. Sample quality (Inception
// Score, Fréchet distance) is scored outside, by `genlab eval --steps`, with the digit judge.
func (d *Diffusion) Evaluate(test *data.Images, opt model.EvalOptions) (model.Metrics, error) {
	if err := d.fresh(); err != nil {
		return nil, err
	}
	const batch = 250
	rng := model.Rand(0)
	var sum float64
	for start := 0; start < test.N; start += batch {
		x := data.Subset(test, start, min(test.N, start+batch))
		in := d.lossInputs(x, rng)
		args := make([]any, len(in))
		for i, t := range in {
			args[i] = t
		}
		l, err := model.Call(d.loss, args...)
		if err != nil {
			return nil, err
		}
		for _, v := range l {
			sum += float64(v)
		}
		if opt.Progress != nil {
			opt.Progress(start+x.N, test.N)
		}
	}
	return model.Metrics{"loss_eps": sum / float64(max(1, test.N))}, nil
}
