package made

import (
	"slices"

	"genlab/core/data"
	"genlab/core/model"
)

// The page lets its user pick which of the K mask sets to sample, inpaint and score with, and how
// many to ensemble. The choice is a setting of the loaded model rather than an argument of every
// call, so that Sample and the views (which the page calls through the generic model interface)
// follow it too.

// Masks is K, the number of mask sets the model was trained with.
func (m *MADE) Masks() int { return m.cfg.Masks }

// UseMasks selects ens consecutive mask sets starting at first, wrapping around K (first is
// taken modulo K, ens clamped into 1..K), for Sample, SampleSteps, Inpaint, the inpaint view and
// Score. It returns the selection. A new model uses set 0 alone.
func (m *MADE) UseMasks(first, ens int) []int {
	k := m.cfg.Masks
	first = ((first % k) + k) % k
	ens = min(max(ens, 1), k)
	m.use = make([]int, ens)
	for i := range m.use {
		m.use[i] = (first + i) % k
	}
	return slices.Clone(m.use)
}

// sets is the selection, set 0 when none was made.
func (m *MADE) sets() []int {
	if len(m.use) == 0 {
		return []int{0}
	}
	return m.use
}

// sameOrder is the selected sets that share the first one's ordering: conditionals of sets with
// different orderings condition on different pixels, so they cannot be averaged step by step.
func (m *MADE) sameOrder() []int {
	sets := m.sets()
	first := m.maskSets[sets[0]].Order
	var out []int
	for _, k := range sets {
		if slices.Equal(m.maskSets[k].Order, first) {
			out = append(out, k)
		}
	}
	return out
}

// Score is −log p(x) in nats of each binary image under the selected mask sets' mixture
// (1/E)·Σ_k p_k(x): the page's outlier detector for digits drawn by hand.
func (m *MADE) Score(x *data.Images) ([]float64, error) {
	sets := m.sets()
	per := make([][]float32, len(sets))
	for i, k := range sets {
		var err error
		if per[i], err = m.logProbs(x, k); err != nil {
			return nil, err
		}
	}
	out := make([]float64, x.N)
	w := make([]float32, len(sets))
	for i := range out {
		for j := range w {
			w[j] = per[j][i]
		}
		out[i] = -model.LogMeanExp(w)
	}
	return out, nil
}
