package gan

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/ml/train/optimizer"

	"genlab/core/data"
	"genlab/core/model"
	"genlab/core/model/modeltest"
)

func newGAN(t *testing.T, cfg Config) *GAN {
	t.Helper()
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(b, model.Spec{Name: "gan-test", Data: "toy", LR: 2e-3}, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func points(rng *rand.Rand, n int, mu, sd float64) *data.Images {
	x := &data.Images{N: n, H: 1, W: 1, C: 1, Pix: make([]float32, n)}
	for i := range x.Pix {
		x.Pix[i] = float32(mu + sd*rng.NormFloat64())
	}
	return x
}

// Algorithm 1's schedule: with k = 3, TrainSteps 1 and 2 move only D, the 3rd also G; the
// optimizer's global step counts k+1 steps per cycle. Samples after each step also check that
// inference graphs see the trained weights (GoMLX freezes them at first compile).
func TestKStepsPerGeneratorStep(t *testing.T) {
	m := newGAN(t, Config{Arch: "mlp", Dim: 1, Latent: 2, Width: 8, K: 3, Loss: NonSaturating})
	rng := rand.New(rand.NewPCG(1, 1))
	x := points(rng, 16, 2, 1)
	sample := func() []float32 {
		im, err := m.Sample(model.SampleOptions{N: 8, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		return im.Pix
	}
	probe := func() []float32 { d, _ := m.Discriminate(x.Pix, nil); return d }
	g0, d0 := sample(), probe()
	for i := 1; i <= 6; i++ {
		if _, err := m.TrainStep(x, rng); err != nil {
			t.Fatal(err)
		}
		g, d := sample(), probe()
		if moved := !slices.Equal(g, g0); moved != (i%3 == 0) {
			t.Fatalf("TrainStep %d with k=3: generator moved = %v", i, moved)
		}
		if slices.Equal(d, d0) {
			t.Fatalf("TrainStep %d did not move the discriminator", i)
		}
		g0, d0 = g, d
	}
	if s := optimizer.GetGlobalStep(m.store); s != 8 {
		t.Fatalf("global step %d after 6 TrainSteps with k=3, want 6 + 2", s)
	}
}

// The whole game on 1-D data: G's noise N(0, 1) must be moved onto the data N(3, 0.5²). (The
// saturating loss oscillates for far longer on this problem; only the usual loss is checked.)
func TestLearnsGaussian(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 game steps (~4 s)")
	}
	for _, loss := range []string{NonSaturating} {
		m := newGAN(t, Config{Arch: "mlp", Dim: 1, Latent: 1, Width: 16, K: 1, Loss: loss})
		rng := rand.New(rand.NewPCG(2, 2))
		for range 2000 {
			if _, err := m.TrainStep(points(rng, 256, 3, 0.5), rng); err != nil {
				t.Fatal(err)
			}
		}
		im, _ := m.Sample(model.SampleOptions{N: 2000, Seed: 9})
		var mean, sq float64
		for _, v := range im.Pix {
			mean += float64(v) / 2000
			sq += float64(v) * float64(v) / 2000
		}
		sd := math.Sqrt(sq - mean*mean)
		t.Logf("%s: samples mean %.3f sd %.3f (data 3, 0.5)", loss, mean, sd)
		if math.Abs(mean-3) > 0.3 || sd < 0.15 || sd > 1 {
			t.Fatalf("%s loss: samples mean %.3f sd %.3f, data is N(3, 0.5²)", loss, mean, sd)
		}
	}
}

// A tiny conditional DCGAN with pixel norm (as cgan-digits): shapes, ranges, views and evaluation, and clear errors on bad input.
func TestConditionalDCGAN(t *testing.T) {
	m := newGAN(t, Config{Arch: "dcgan", Side: 8, Channels: 1, Latent: 4, Classes: 3, Width: 4, K: 2, Loss: NonSaturating, Norm: "pixel"})
	rng := rand.New(rand.NewPCG(3, 3))
	x := &data.Images{N: 6, H: 8, W: 8, C: 1, Pix: make([]float32, 6*64), Labels: []uint8{0, 1, 2, 0, 1, 2}}
	for i := range x.Pix {
		x.Pix[i] = rng.Float32()
	}
	for range 4 {
		if loss, err := m.TrainStep(x, rng); err != nil || math.IsNaN(loss) {
			t.Fatalf("loss %v, %v", loss, err)
		}
	}
	im, err := m.Sample(model.SampleOptions{N: 5, Seed: 1})
	if err != nil || im.N != 5 || im.H != 8 || im.W != 8 || im.C != 1 || len(im.Pix) != 5*64 {
		t.Fatalf("samples %+v, %v", im, err)
	}
	for _, v := range im.Pix {
		if v < 0 || v > 1 {
			t.Fatalf("pixel %g outside [0, 1]", v)
		}
	}
	views := m.Views()
	if len(views) != 2 {
		t.Fatalf("%d views, want walk and labels", len(views))
	}
	for _, v := range views {
		g, err := v.Run(model.ViewRequest{Seed: 1, N: 20})
		if err != nil || g.Cols != viewCols || g.Images.N%viewCols != 0 {
			t.Fatalf("view %s: %+v, %v", v.Name, g, err)
		}
	}
	met, err := m.Evaluate(x, model.EvalOptions{Samples: 12})
	if err != nil || met["d_test"] <= 0 || met["d_test"] >= 1 || met["d_samples"] <= 0 || met["samples"] != 12 {
		t.Fatalf("metrics %v, %v", met, err)
	}

	unlabelled := *x
	unlabelled.Labels = nil
	if _, err := m.TrainStep(&unlabelled, rng); err == nil || !strings.Contains(err.Error(), "labels") {
		t.Fatalf("unlabelled batch: %v", err)
	}
	if _, err := m.Generate(make([]float32, 4), []int{7}); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Fatalf("label 7 of 3: %v", err)
	}
	wrong := &data.Images{N: 1, H: 4, W: 4, C: 1, Pix: make([]float32, 16), Labels: []uint8{0}}
	if _, err := m.TrainStep(wrong, rng); err == nil {
		t.Fatal("4x4 batch for an 8x8 model: no error")
	}
}

func TestBadConfig(t *testing.T) {
	b, _ := model.NewBackend("go")
	for _, c := range []string{`{"k":0}`, `{"loss":"hinge"}`, `{"side":30}`, `{"arch":"vit"}`, `{"latent":-1}`, `{"k":`} {
		if _, err := model.New(b, "gan-digits", []byte(c), 1); err == nil {
			t.Errorf("config %s accepted", c)
		}
	}
}

// The sampler reads the moving average of G: after training it differs from G's last iterate,
// which the averages track; weights saved without averages (a run from before EMA) load with the
// averages starting as copies of G.
func TestGeneratorAverage(t *testing.T) {
	cfg := Config{Arch: "mlp", Dim: 1, Latent: 2, Width: 8, K: 1, Loss: NonSaturating, EMA: 0.9}
	m := newGAN(t, cfg)
	rng := rand.New(rand.NewPCG(5, 5))
	z := model.Normals(rng, 8)
	before, _ := m.Generate(z, nil)
	for range 20 {
		if _, err := m.TrainStep(points(rng, 16, 2, 0.5), rng); err != nil {
			t.Fatal(err)
		}
	}
	avg, _ := m.Generate(z, nil)
	if slices.Equal(avg.Pix, before.Pix) {
		t.Fatal("the averaged generator did not move with training")
	}
	// Weights without the averages, as saved by a GAN that did not average.
	raw := newGAN(t, Config{Arch: "mlp", Dim: 1, Latent: 2, Width: 8, K: 1, Loss: NonSaturating})
	loaded, err := modeltest.Reload(t, raw.Store(), "gan-digits", []byte(`{"arch":"mlp","dim":1,"latent":2,"width":8,"k":1,"loss":"nonsaturating"}`))
	if err != nil {
		t.Fatalf("weights without averages: %v", err)
	}
	got, _ := loaded.(*GAN).Generate(z, nil)
	want, _ := raw.Generate(z, nil)
	if loaded.(*GAN).ema == nil || !slices.Equal(got.Pix, want.Pix) {
		t.Errorf("averages should start as G's weights: averaging %v, same samples %v", loaded.(*GAN).ema != nil, slices.Equal(got.Pix, want.Pix))
	}
	for range 4 { // and training goes on, averaging
		if _, err := loaded.TrainStep(points(rng, 16, 2, 0.5), rng); err != nil {
			t.Fatalf("training the loaded GAN: %v", err)
		}
	}
	if after, _ := loaded.(*GAN).Generate(z, nil); slices.Equal(after.Pix, got.Pix) {
		t.Error("the loaded GAN's average did not move with training")
	}
}

// A saved config is read back over the model's defaults: a G without normalisation ("") saved
// from a model whose default is pixel norm (cgan-digits, dcgan-faces) must come back without it.
func TestSavedConfigKeepsNoNorm(t *testing.T) {
	saved := DigitsConfig
	saved.Norm = ""
	b, err := json.Marshal(saved)
	if err != nil {
		t.Fatal(err)
	}
	got := DigitsConfig
	got.Norm = "pixel"
	if err := json.Unmarshal(b, &got); err != nil || got.Norm != "" {
		t.Fatalf("norm %q saved as %s read back as %q (%v)", saved.Norm, b, got.Norm, err)
	}
}
