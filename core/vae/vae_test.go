package vae

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/model"
	"genlab/core/model/modeltest"
)

func backend(t *testing.T) model.Model {
	t.Helper()
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.New(b, "vae-digits", []byte(`{"dim":16,"hidden":[32],"latent":4}`), 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The closed-form KL(N(mu, σ²) || N(0, 1)) must match a Monte-Carlo estimate of E_q[log q − log p].
func TestKLClosedFormMatchesMonteCarlo(t *testing.T) {
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	mu := []float32{0.5, -1.2, 0.0, 2.0}
	logvar := []float32{-0.7, 0.3, 1.1, -2.0}
	kl := gm.MustExecOnce(b, gm.NewStore(), func(_ *gm.Scope, m, lv *graph.Node) *graph.Node { return klToPrior(m, lv) },
		tensors.FromFlatDataAndDimensions(mu, 1, 4), tensors.FromFlatDataAndDimensions(logvar, 1, 4))
	closed := float64(tensors.MustCopyFlatData[float32](kl)[0])

	rng := model.Rand(7)
	const n = 400000
	var mc float64
	for range n {
		for i := range mu {
			s := math.Exp(0.5 * float64(logvar[i]))
			e := rng.NormFloat64()
			z := float64(mu[i]) + s*e
			logq := -0.5*e*e - math.Log(s)
			logp := -0.5 * z * z
			mc += (logq - logp) / n
		}
	}
	if math.Abs(closed-mc) > 0.02 {
		t.Fatalf("closed-form KL %.4f, Monte-Carlo %.4f", closed, mc)
	}
}

func TestTrainingLowersLossAndBoundsHold(t *testing.T) {
	m := backend(t)
	rng := model.Rand(3)
	x := modeltest.TwoPatterns()
	first, last := modeltest.Train(t, m, x, rng, 300)
	if !(last < first*0.5) {
		t.Fatalf("loss %.3f -> %.3f: did not halve", first, last)
	}
	met, err := m.Evaluate(x, model.EvalOptions{Samples: 50})
	if err != nil {
		t.Fatal(err)
	}
	// The IWAE bound is tighter than the ELBO: NLL estimate ≤ −ELBO, both positive.
	if !(met["nll_nats"] <= met["elbo_nats"]+1e-6 && met["nll_nats"] > 0) {
		t.Fatalf("metrics %v: want 0 < nll ≤ −elbo", met)
	}
	// Same seed, same samples; another seed, other samples.
	a, _ := m.Sample(model.SampleOptions{N: 4, Seed: 9})
	b, _ := m.Sample(model.SampleOptions{N: 4, Seed: 9})
	c, _ := m.Sample(model.SampleOptions{N: 4, Seed: 10})
	if a.Pix[0] != b.Pix[0] || a.Pix[0] == c.Pix[0] {
		t.Fatal("sampling is not a function of the seed")
	}
	for _, v := range m.Views() {
		g, err := v.Run(model.ViewRequest{Seed: 1, N: 20, Input: x})
		if err != nil || g.Images.N == 0 || g.Images.N%g.Cols != 0 {
			t.Fatalf("view %s: %v", v.Name, err)
		}
	}
}

func TestWeightsRoundTripAndMismatch(t *testing.T) {
	m := backend(t)
	m2, err := modeltest.Reload(t, m.Store(), "vae-digits", []byte(`{"dim":16,"hidden":[32],"latent":4}`))
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := m.Sample(model.SampleOptions{N: 2, Seed: 5})
	s2, _ := m2.Sample(model.SampleOptions{N: 2, Seed: 5})
	for i := range s1.Pix {
		if s1.Pix[i] != s2.Pix[i] {
			t.Fatal("reloaded model samples differently")
		}
	}
	// Weights of another architecture must be refused with a message naming the variable.
	if _, err := modeltest.Reload(t, m.Store(), "vae-digits", []byte(`{"dim":16,"hidden":[64],"latent":4}`)); err == nil {
		t.Fatal("mismatched weights accepted")
	}
}

func TestTrainStepsAreTrainSteps(t *testing.T) {
	modeltest.StepsAreSteps(t, func() model.Model { return backend(t) }, modeltest.TwoPatterns(), 4)
}
