package made

import (
	"math"
	"os"
	"slices"
	"testing"

	"genlab/core/model"
)

// benchModel is the shipped made-digits (trained weights make the realistic ~15% ink that the
// samplers skip over), or, before it exists, a freshly initialised model of the same size.
func benchModel(b *testing.B) *MADE {
	be, err := model.NewBackend("go")
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"../../pretrained/made-digits/weights.bin", "../../runs/made-digits/weights.bin"} {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		w, err := model.ReadWeightsFile(path)
		if err != nil {
			b.Fatal(err)
		}
		m, err := model.FromWeights(be, w, "made-digits", path)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("weights: %s", path)
		return m.(*MADE)
	}
	m, err := model.New(be, "made-digits", nil, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Log("weights: fresh initialisation")
	return m.(*MADE)
}

// go test -run X -bench Sample -benchtime 3x ./core/made/: 16 digits, D full forward passes
// against one pass's worth of work per digit.
func BenchmarkSampleNaive(b *testing.B) {
	m := benchModel(b)
	for b.Loop() {
		if _, err := m.SampleNaive(model.SampleOptions{N: 16, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSampleIncremental(b *testing.B) {
	m := benchModel(b)
	for b.Loop() {
		if _, err := m.Sample(model.SampleOptions{N: 16, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// sampleGraph is sampling the way a GoMLX program would do it without the incremental trick: D
// batched forward passes of the model's graph, same uniforms as generate. Its logits differ from
// the Go sampler's in the last float bits, so its images match them only almost surely.
func sampleGraph(m *MADE, n int, seed uint64) ([]float32, error) {
	if err := m.fresh(); err != nil {
		return nil, err
	}
	d := m.cfg.Dim
	rng := model.Rand(seed)
	u := make([]float64, n*d)
	for i := range u {
		u[i] = rng.Float64()
	}
	x := make([]float32, n*d)
	for s, px := range m.MaskSet(0).Order {
		l, err := model.Call(m.logits, m.inputs(x, n, 0)...)
		if err != nil {
			return nil, err
		}
		for i := range n {
			if u[i*d+s] < 1/(1+math.Exp(-float64(l[i*d+px]))) {
				x[i*d+px] = 1
			}
		}
	}
	return x, nil
}

// The graph sampler for comparison: what the incremental sampler saves over batched SIMD matmuls.
func BenchmarkSampleGraph(b *testing.B) {
	m := benchModel(b)
	var x []float32
	for b.Loop() {
		var err error
		if x, err = sampleGraph(m, 16, 1); err != nil {
			b.Fatal(err)
		}
	}
	s, _ := m.Sample(model.SampleOptions{N: 16, Seed: 1})
	b.Logf("graph samples identical to the Go samplers': %v", slices.Equal(s.Pix, x))
}

func TestGraphSamplerAgrees(t *testing.T) {
	m := tiny(t, Config{H: 4, W: 4, Hidden: []int{40, 30}, Masks: 2, Ordering: "random", Direct: true, Seed: 3}, false)
	x, err := sampleGraph(m, 20, 7)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := m.Sample(model.SampleOptions{N: 20, Seed: 7})
	if !slices.Equal(s.Pix, x) {
		t.Fatal("graph and Go samplers disagree")
	}
}
