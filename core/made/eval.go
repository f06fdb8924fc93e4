package made

import (
	"genlab/core/data"
	"genlab/core/model"
)

// Evaluate reports, in nats per image, the exact NLL −log p(x) of binarised test images under
// mask set 0 (nll_nats) and under the ensemble of the first K mask sets (nll_ensemble_nats), the
// mixture −log((1/K)·Σ_k p_k(x)): averaging probabilities, not logits, keeps it a normalised
// density (§3.4). opt.Samples, when in 1..K, picks a smaller ensemble.
func (m *MADE) Evaluate(test *data.Images, opt model.EvalOptions) (model.Metrics, error) {
	k := m.cfg.Masks
	if opt.Samples > 0 && opt.Samples < k {
		k = opt.Samples
	}
	per := make([][]float32, k)
	for j := range per {
		var err error
		if per[j], err = m.logProbs(test, j); err != nil {
			return nil, err
		}
		if opt.Progress != nil {
			opt.Progress((j+1)*test.N/k, test.N)
		}
	}
	var single, ens float64
	w := make([]float32, k)
	for i := range test.N {
		for j := range w {
			w[j] = per[j][i]
		}
		single -= float64(per[0][i])
		ens -= model.LogMeanExp(w)
	}
	n := float64(test.N)
	return model.Metrics{"nll_nats": single / n, "nll_ensemble_nats": ens / n, "masks": float64(k)}, nil
}
