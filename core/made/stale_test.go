package made

import (
	"math"
	"testing"

	"genlab/core/model"
	"genlab/core/model/modeltest"
)

// After training, the graph's log-likelihoods must use the trained weights (GoMLX freezes the
// values a graph first ran with), and agree with the Go sampler's forward pass on them.
func TestLogProbSeesTrainedWeights(t *testing.T) {
	m := tiny(t, Config{H: 4, W: 4, Hidden: []int{32}, Masks: 2, Ordering: "raster", Direct: true}, true)
	x := modeltest.TwoPatterns()
	before, err := m.LogProb(x)
	if err != nil {
		t.Fatal(err)
	}
	modeltest.Train(t, m, x, nil, 30)
	after, _ := m.LogProb(x)
	if before[0] == after[0] {
		t.Fatal("log p(x) unchanged by training: stale inference graph")
	}
	n, _ := m.snapshot()
	_ = m.fresh()
	want, _ := model.Call(m.logits, m.inputs(x.Pix[:16], 1, 0)...)
	ms := m.MaskSet(0)
	ch := newChain(n, ms, sortByDegree(ms))
	copy(ch.x, x.Pix[:16])
	ch.naive(0)
	for j := range 16 {
		if math.Abs(float64(ch.out[j]-want[j])) > 1e-4*(1+math.Abs(float64(want[j]))) {
			t.Fatalf("after training, graph logit %d = %g, Go %g", j, want[j], ch.out[j])
		}
	}
}
