package flow

import (
	"testing"

	"genlab/core/data"
	"genlab/core/model"
)

func TestFlow2DLearnsMoonsAndDensityIntegratesToOne(t *testing.T) {
	b := goBackend(t)
	m, err := model.New(b, "flow2d-moons", []byte(`{"couplings":4,"hidden":32,"depth":2,"conv1x1":true}`), 1)
	if err != nil {
		t.Fatal(err)
	}
	f := m.(*Flow2D)
	train, _ := data.Load("", "moons", "train")
	test, _ := data.Load("", "moons", "test")
	test = data.Subset(test, 0, 2000)
	before, err := m.Evaluate(test, model.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	batches := data.NewBatcher(train, 256, 1)
	for range 300 {
		x, _ := batches.Next()
		if _, err := m.TrainStep(data.Points(x), nil); err != nil {
			t.Fatal(err)
		}
	}
	after, err := m.Evaluate(test, model.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test NLL %.3f → %.3f nats", before["nll_nats"], after["nll_nats"])
	// The first step's ActNorm makes the flow a diagonal Gaussian fitted to the batch (≈ 3.4 nats
	// on the moons); 300 steps must do clearly better (≈ 2.9; 1500 reach ≈ 2.45).
	if after["nll_nats"] > 3.1 {
		t.Errorf("test NLL after training %.3f nats, want < 3.1", after["nll_nats"])
	}
	// p(x) is a density: its integral over a box holding the data is ≈ 1.
	const side, lim = 160.0, 6.0
	p, err := f.DensityGrid(int(side), lim)
	if err != nil {
		t.Fatal(err)
	}
	var total float64
	for _, v := range p {
		total += float64(v) * (2 * lim / side) * (2 * lim / side)
	}
	if total < 0.93 || total > 1.03 {
		t.Errorf("∫p(x)dx over [-%g,%g]² = %.3f, want ≈ 1", lim, lim, total)
	}
	s, err := m.Sample(model.SampleOptions{N: 500, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 500 || s.H != 1 || s.W != 1 || s.C != 2 {
		t.Fatalf("samples %dx%dx%dx%d, want 500x1x1x2", s.N, s.H, s.W, s.C)
	}
	// Samples land where the density is: their mean log p beats that of points spread over the box.
	lpS, _ := f.LogProb(s.Pix)
	var meanS float64
	for _, v := range lpS {
		meanS += float64(v) / float64(len(lpS))
	}
	if meanS < -after["nll_nats"]-0.5 {
		t.Errorf("samples' mean log p %.3f, test points' %.3f", meanS, -after["nll_nats"])
	}
	if _, err := m.TrainStep(&data.Images{N: 1, H: 2, W: 2, C: 1, Pix: make([]float32, 4)}, nil); err == nil {
		t.Error("TrainStep took images")
	}
}
