// Package modeltest holds what the families' tests share: a toy data set every generative model
// must learn, and a training loop that reports how far the loss fell.
package modeltest

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/data"
	"genlab/core/model"
)

// TwoPatterns is 32 binary 4x4 images: top half lit or bottom half lit, alternating.
func TwoPatterns() *data.Images {
	x := &data.Images{N: 32, H: 4, W: 4, C: 1, Pix: make([]float32, 32*16)}
	for i := range x.N {
		for j := range 16 {
			if (j < 8) == (i%2 == 0) {
				x.Pix[i*16+j] = 1
			}
		}
	}
	return x
}

// Train runs steps+1 training steps on x and returns the first and last losses.
func Train(t testing.TB, m model.Model, x *data.Images, rng *rand.Rand, steps int) (first, last float64) {
	t.Helper()
	first, err := m.TrainStep(x, rng)
	if err != nil {
		t.Fatal(err)
	}
	for range steps {
		if last, err = m.TrainStep(x, rng); err != nil {
			t.Fatal(err)
		}
	}
	return first, last
}

// Reload saves a store's weights as name with config (JSON) and loads them back into a fresh
// model on the Go backend, as the CLI and the page do with weights.bin.
func Reload(t testing.TB, store *gm.Store, name string, config []byte) (model.Model, error) {
	t.Helper()
	b, err := model.Encode(model.Header{Model: name, Config: config}, store, false)
	if err != nil {
		t.Fatal(err)
	}
	w, err := model.Decode(b, "w")
	if err != nil {
		t.Fatal(err)
	}
	be, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	return model.FromWeights(be, w, name, "w")
}

// FakeMNIST writes dir/data/mnist laid out like shared/datasets: n 28×28 digits of a repeating
// pattern in each split (train, t10k), labels 0. It returns dir/data.
func FakeMNIST(t testing.TB, dir string, n int, pixel func(i int) float32) string {
	t.Helper()
	m := filepath.Join(dir, "data", "mnist")
	if err := os.MkdirAll(m, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, split := range []string{"train", "t10k"} {
		im := &data.Images{N: n, H: 28, W: 28, C: 1, Pix: make([]float32, n*784), Labels: make([]uint8, n)}
		for i := range im.Pix {
			im.Pix[i] = pixel(i)
		}
		if os.WriteFile(filepath.Join(m, split+"-images-idx3-ubyte.gz"), data.EncodeIDXImages(im), 0o644) != nil ||
			os.WriteFile(filepath.Join(m, split+"-labels-idx1-ubyte.gz"), data.EncodeIDXLabels(im.Labels), 0o644) != nil {
			t.Fatal("writing fake MNIST")
		}
	}
	return filepath.Join(dir, "data")
}

// StepsAreSteps checks a model.MultiStepper: two models from the same seed, one trained with
// TrainStep on each of k batches (halves of x, alternately), the other with one TrainSteps call
// on the same batches and noise, report the same losses and then draw the same samples.
func StepsAreSteps(t testing.TB, newModel func() model.Model, x *data.Images, k int) {
	t.Helper()
	one, many := newModel(), newModel()
	ms, ok := many.(model.MultiStepper)
	if !ok {
		t.Fatalf("%s has no TrainSteps", many.Spec().Name)
	}
	batches := make([]*data.Images, k)
	for i := range batches {
		start := (i % 2) * x.N / 2
		batches[i] = data.Subset(x, start, start+x.N/2)
	}
	r1, r2 := model.Rand(5), model.Rand(5)
	got, err := ms.TrainSteps(batches, r2)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range batches {
		want, err := one.TrainStep(b, r1)
		if err != nil {
			t.Fatal(err)
		}
		if d := got[i] - want; d > 1e-5*max(1, want) || d < -1e-5*max(1, want) {
			t.Errorf("step %d: TrainSteps' loss %g, TrainStep's %g", i, got[i], want)
		}
	}
	a, err := one.Sample(model.SampleOptions{N: 4, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, err := many.Sample(model.SampleOptions{N: 4, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Pix {
		if d := a.Pix[i] - b.Pix[i]; d > 1e-5 || d < -1e-5 {
			t.Fatalf("pixel %d after %d steps: %g (TrainStep) against %g (TrainSteps)", i, k, a.Pix[i], b.Pix[i])
		}
	}
}
