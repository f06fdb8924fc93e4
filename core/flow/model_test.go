package flow

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"genlab/core/data"
	"genlab/core/model"
)

const tinyConfig = `{"side":8,"channels":3,"checker1":2,"channel":2,"checker2":1,"mask":"checkerboard","conv1x1":true,"hidden":8,"blocks":1,"alpha":0.05}`

func tinyRealNVP(t *testing.T, cfg string) *RealNVP {
	t.Helper()
	m, err := model.New(goBackend(t), "realnvp-faces", []byte(cfg), 1)
	if err != nil {
		t.Fatal(err)
	}
	return m.(*RealNVP)
}

// smoothImages are n 8x8 RGB images of colour gradients, in 8-bit steps: easy to model.
func smoothImages(n int) *data.Images {
	im := &data.Images{N: n, H: 8, W: 8, C: 3, Pix: make([]float32, n*8*8*3)}
	for k := range n {
		for i := range 8 {
			for j := range 8 {
				for c := range 3 {
					v := 0.5 + 0.4*math.Sin(float64(k)+float64(i)*0.3*float64(c+1)+float64(j)*0.2)
					im.Pix[((k*8+i)*8+j)*3+c] = float32(math.Round(v*255) / 255)
				}
			}
		}
	}
	return im
}

func TestRealNVPTrainsAndEvaluatesTrainedWeights(t *testing.T) {
	m := tinyRealNVP(t, tinyConfig)
	x := smoothImages(16)
	before, err := m.Evaluate(x, model.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rng := model.Rand(2)
	var first, last float64
	for i := range 40 {
		loss, err := m.TrainStep(x, rng)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = loss
		}
		last = loss
	}
	after, err := m.Evaluate(x, model.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bits/dim: eval before %.3f, train first %.3f last %.3f, eval after %.3f", before["bpd"], first, last, after["bpd"])
	if !(last < first-0.3) {
		t.Errorf("training loss %.3f → %.3f bits/dim: did not fall", first, last)
	}
	// Evaluate must see the trained weights (GoMLX freezes compiled graphs' variable values).
	if !(after["bpd"] < before["bpd"]-0.3) {
		t.Errorf("test bits/dim %.3f → %.3f: inference graph did not see training", before["bpd"], after["bpd"])
	}
}

// ActNorm is initialised from the first batch only once, and a checkpoint remembers it.
func TestActNormInitialisedOnceAndResumed(t *testing.T) {
	m := tinyRealNVP(t, tinyConfig)
	x := smoothImages(8)
	if _, err := m.TrainStep(x, model.Rand(1)); err != nil {
		t.Fatal(err)
	}
	bias := func(m *RealNVP) []float32 {
		return tensors.MustCopyFlatData[float32](m.store.GetVariable("/02_actnorm/bias").MustValue())
	}
	b0 := bias(m)
	if b0[0] == 0 {
		t.Fatal("actnorm bias still zero after the first step: not initialised from data")
	}
	w, err := model.Encode(model.Header{Model: "realnvp-faces", Config: []byte(tinyConfig)}, m.store, true)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := model.Decode(w, "checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	m2i, err := model.FromWeights(goBackend(t), dec, "realnvp-faces", "checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	m2 := m2i.(*RealNVP)
	// A batch with very different statistics would move a re-initialised actnorm far.
	other := smoothImages(8)
	for i := range other.Pix {
		other.Pix[i] = 1 - other.Pix[i]*0.2
	}
	if _, err := m2.TrainStep(other, model.Rand(2)); err != nil {
		t.Fatal(err)
	}
	b2 := bias(m2)
	if math.Abs(float64(b2[0]-b0[0])) > 0.05 {
		t.Errorf("resumed model re-initialised actnorm: bias %v → %v", b0[0], b2[0])
	}
}

func TestRealNVPSampleEncodeGenerateAndViews(t *testing.T) {
	m := tinyRealNVP(t, tinyConfig)
	x := smoothImages(8)
	for range 5 {
		if _, err := m.TrainStep(x, model.Rand(3)); err != nil {
			t.Fatal(err)
		}
	}
	s, err := m.Sample(model.SampleOptions{N: 3, Seed: 4, Temperature: 0.7})
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 3 || s.H != 8 || s.W != 8 || s.C != 3 || len(s.Pix) != 3*192 {
		t.Fatalf("sample shape %dx%dx%dx%d", s.N, s.H, s.W, s.C)
	}
	for _, p := range s.Pix {
		if !(p >= 0 && p <= 1) {
			t.Fatalf("sample pixel %v outside [0,1]", p)
		}
	}
	// Generate(Encode(x)) gives x back, up to the half-bin dequantisation offset.
	z, err := m.Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	back, err := m.Generate(z, x.N)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x.Pix {
		if math.Abs(float64(back.Pix[i]-x.Pix[i])) > 0.004 {
			t.Fatalf("Generate(Encode(x))[%d] = %v, want %v", i, back.Pix[i], x.Pix[i])
		}
	}
	for _, v := range m.Views() {
		req := model.ViewRequest{Seed: 1, N: 40}
		if v.Needs == "test" {
			req.Input = x
		}
		g, err := v.Run(req)
		if err != nil {
			t.Fatalf("view %s: %v", v.Name, err)
		}
		if g.Images.N == 0 || g.Images.N%g.Cols != 0 || len(g.Images.Pix) != g.Images.N*192 {
			t.Errorf("view %s: %d images in rows of %d", v.Name, g.Images.N, g.Cols)
		}
	}
	// Layers: one cell per coupling step after the sample, in two rows per sample, the sample first.
	couplings := m.cfg.Checker1 + m.cfg.Channel + m.cfg.Checker2
	if got := len(m.couplingOutputs()); got != couplings {
		t.Errorf("layers view shows %d coupling steps, want %d", got, couplings)
	}
	g, err := m.layerByLayer(model.ViewRequest{Seed: 1, N: 40})
	if err != nil {
		t.Fatal(err)
	}
	first, err := m.Sample(model.SampleOptions{N: 1, Seed: 1, Temperature: 0.7})
	if err != nil {
		t.Fatal(err)
	}
	if g.Cols != (couplings+2)/2 || g.Images.N%(2*g.Cols) != 0 {
		t.Errorf("layers view: %d images in rows of %d for %d coupling steps", g.Images.N, g.Cols, couplings)
	}
	for i := range 192 {
		if math.Abs(float64(g.Images.Pix[i]-first.Pix[i])) > 1e-5 {
			t.Fatalf("layers view starts at %v, want the sample's %v", g.Images.Pix[i], first.Pix[i])
		}
	}
	if g, _ := m.interpolate(model.ViewRequest{N: 10, Input: x}); g != nil {
		// The interpolation's ends are the two faces.
		for i := range 192 {
			if math.Abs(float64(g.Images.Pix[i]-x.Pix[i])) > 0.004 {
				t.Fatalf("interpolation starts at %v, want the face's %v", g.Images.Pix[i], x.Pix[i])
			}
		}
	}
}

func TestRealNVPBadInput(t *testing.T) {
	for _, cfg := range []string{`{"side":7}`, `{"mask":"channel"}`, `{"mask":"diagonal"}`, `{"hidden":0}`, `{"alpha":0.5}`} {
		if _, err := model.New(goBackend(t), "realnvp-faces", []byte(cfg), 1); err == nil {
			t.Errorf("config %s accepted", cfg)
		}
	}
	m := tinyRealNVP(t, tinyConfig)
	wrong := &data.Images{N: 2, H: 4, W: 4, C: 3, Pix: make([]float32, 2*48)}
	if _, err := m.TrainStep(wrong, model.Rand(1)); err == nil {
		t.Error("TrainStep took 4x4 images")
	}
	if _, err := m.Evaluate(wrong, model.EvalOptions{}); err == nil {
		t.Error("Evaluate took 4x4 images")
	}
}

// The report's mask study: every spatial mask builds and trains (counts are configurable too).
func TestRealNVPMaskConfigs(t *testing.T) {
	for _, mask := range []string{"checkerboard", "top-bottom", "left-right"} {
		m := tinyRealNVP(t, `{"side":8,"channels":3,"checker1":3,"channel":2,"checker2":2,"mask":"`+mask+`","hidden":4,"blocks":0,"alpha":0.05}`)
		if n := len(m.flow); n != 1+2*(3+2+2)+2 {
			t.Errorf("%s: %d layers, want logit + 7 × (coupling, actnorm) + squeeze + unsqueeze", mask, n)
		}
		loss, err := m.TrainStep(smoothImages(4), model.Rand(1))
		if err != nil || math.IsNaN(loss) || loss < 0 {
			t.Errorf("%s: loss %v, err %v", mask, loss, err)
		}
	}
}
