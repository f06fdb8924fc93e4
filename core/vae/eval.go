package vae

import (
	"genlab/core/data"
	"genlab/core/model"
)

// DefaultImportanceSamples is k of the IWAE bound log (1/k) Σ p(x,z_k)/q(z_k|x), which approaches
// log p(x) from below as k grows (Burda et al. 2016).
const DefaultImportanceSamples = 100

// Evaluate reports, in nats per image, the negative ELBO and the importance-sampled NLL estimate
// of binarised test images. The posterior noise comes from a fixed seed: re-running gives the
// same figures.
func (v *VAE) Evaluate(test *data.Images, opt model.EvalOptions) (model.Metrics, error) {
	if err := v.fresh(); err != nil {
		return nil, err
	}
	k := opt.Samples
	if k <= 0 {
		k = DefaultImportanceSamples
	}
	batch := max(1, 5000/k)
	rng := model.Rand(0)
	var sumNLL, sumELBO float64
	for start := 0; start < test.N; start += batch {
		b := min(batch, test.N-start)
		x := data.Subset(test, start, start+b)
		eps := model.Normals(rng, b*k*v.cfg.Latent)
		logw, err := model.Call(v.weights, model.F32(x.Pix, b, v.cfg.Dim), model.F32(eps, b, k, v.cfg.Latent))
		if err != nil {
			return nil, err
		}
		for i := range b {
			w := logw[i*k : (i+1)*k]
			sumNLL -= model.LogMeanExp(w)
			for _, lw := range w {
				sumELBO += float64(lw) / float64(k)
			}
		}
		if opt.Progress != nil {
			opt.Progress(start+b, test.N)
		}
	}
	n := float64(test.N)
	return model.Metrics{"nll_nats": sumNLL / n, "elbo_nats": -sumELBO / n, "k": float64(k)}, nil
}
