package diffusion

import (
	"math"

	"genlab/core/data"
	"genlab/core/model"
)

// Evaluate reports on test data, with a fixed seed (re-running gives the same figures):
//   - loss_eps: the simple loss, the ε mean squared error;
//   - for images, bits_per_dim: the variational bound on −log₂ p(x_0) of 8-bit pixels (bound.go)
//     per dimension, as Ho et al. report it.
//
// Each example is seen at one step t, spread evenly over 1…T along the test set (example i of N at
// t = 1 + ⌊(i + ½)·T/N⌋), and the bound's sum over t is estimated as T times the mean term:
// with N a multiple of T every step gets N/T examples. Sample quality (Inception Score, Fréchet
// distance) is scored outside, by `genlab eval --steps`, with the digit judge.
func (d *Diffusion) Evaluate(test *data.Images, opt model.EvalOptions) (model.Metrics, error) {
	if err := d.fresh(); err != nil {
		return nil, err
	}
	const batch = 250
	rng := model.Rand(0)
	T, D := d.cfg.T, d.dim()
	bound := d.cfg.Pixels && T >= 2
	var sq, nats float64
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
			if !bound {
				continue
			}
			nats += d.sched.priorKL(x0[i*D : (i+1)*D])
			if t := int(ts[i]); t == 1 {
				nats += float64(T) * d.sched.decoderNLL(x0[i*D:(i+1)*D], xt[i*D:(i+1)*D], eh)
			} else {
				nats += float64(T) * d.sched.stepKL(e, eh, t)
			}
		}
		if opt.Progress != nil {
			opt.Progress(start+x.N, test.N)
		}
	}
	n := float64(max(1, test.N))
	met := model.Metrics{"loss_eps": sq / (n * float64(D))}
	if bound {
		met["bits_per_dim"] = nats / (n * float64(D) * math.Ln2)
	}
	return met, nil
}
