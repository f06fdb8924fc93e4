package diffusion

import (
	"math"
	"math/rand/v2"

	"genlab/core/data"
	"genlab/core/model"
)

// Evaluate reports on test data, with a fixed seed (re-running gives the same figures):
//   - loss_eps: the simple loss, the ε mean squared error;
//   - for images, bits_per_dim: the variational bound on −log₂ p(x_0) of 8-bit pixels (bound.go)
//     per dimension, as Ho et al. report it.
//
// Each example is seen at one step t, spread evenly over 1…T along the test set (example i of N at
// t = 1 + ⌊(i + ½)·T/N⌋): with N a multiple of T every step gets N/T examples. The bound's sum of
// KL terms over t = 2…T is estimated as T − 1 times their mean over the examples at t ≥ 2, and its
// decoder term L_0, the largest and the one a test subset would miss, is computed for every
// example (a second pass of the network, at t = 1). Sample quality (Inception Score, Fréchet
// distance) is scored outside, by `genlab eval --steps`, with the digit judge.
func (d *Diffusion) Evaluate(test *data.Images, opt model.EvalOptions) (model.Metrics, error) {
	if err := d.fresh(); err != nil {
		return nil, err
	}
	const batch = 250
	rng := model.Rand(0)
	T, D := d.cfg.T, d.dim()
	bound := d.cfg.Pixels && T >= 2
	var sq, prior, decoder, kl float64
	var nKL int
	for start := 0; start < test.N; start += batch {
		x := data.Subset(test, start, min(test.N, start+batch))
		x0 := d.toModel(x.Pix)
		eps := model.Normals(rng, len(x0))
		xt, ts := make([]float32, len(x0)), make([]float32, x.N)
		for i := range x.N {
			t := 1 + int((float64(start+i)+0.5)*float64(T)/float64(test.N))
			ts[i] = float32(t)
			d.sched.Noise(xt[i*D:(i+1)*D], x0[i*D:(i+1)*D], eps[i*D:(i+1)*D], t)
		}
		epsHat, err := model.Call(d.epsNet, model.F32(xt, d.dataDims(x.N)...), model.F32(ts, x.N))
		if err != nil {
			return nil, err
		}
		for i := range x.N {
			e, eh := eps[i*D:(i+1)*D], epsHat[i*D:(i+1)*D]
			for j := range e {
				diff := float64(e[j] - eh[j])
				sq += diff * diff
			}
			if t := int(ts[i]); bound && t >= 2 {
				kl += d.sched.stepKL(e, eh, t)
				nKL++
			}
		}
		if bound {
			nll, err := d.decoderTerms(x0, rng)
			if err != nil {
				return nil, err
			}
			for i, v := range nll {
				decoder += v
				prior += d.sched.priorKL(x0[i*D : (i+1)*D])
			}
		}
		if opt.Progress != nil {
			opt.Progress(start+x.N, test.N)
		}
	}
	n := float64(max(1, test.N))
	met := model.Metrics{"loss_eps": sq / (n * float64(D))}
	if bound {
		nats := (prior + decoder) / n
		if nKL > 0 {
			nats += float64(T-1) * kl / float64(nKL)
		}
		met["bits_per_dim"] = nats / (float64(D) * math.Ln2)
	}
	return met, nil
}

// decoderTerms is L_0 = −log p_θ(x_0 | x_1) of each example of x0 (model space), x_1 drawn from
// q(x_1 | x_0).
func (d *Diffusion) decoderTerms(x0 []float32, rng *rand.Rand) ([]float64, error) {
	D := d.dim()
	n := len(x0) / D
	eps := model.Normals(rng, len(x0))
	x1, ones := make([]float32, len(x0)), make([]float32, n)
	d.sched.Noise(x1, x0, eps, 1)
	for i := range ones {
		ones[i] = 1
	}
	epsHat, err := model.Call(d.epsNet, model.F32(x1, d.dataDims(n)...), model.F32(ones, n))
	if err != nil {
		return nil, err
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = d.sched.decoderNLL(x0[i*D:(i+1)*D], x1[i*D:(i+1)*D], epsHat[i*D:(i+1)*D])
	}
	return out, nil
}
