package ae

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"genlab/core/data"
	"genlab/core/model"
	"genlab/core/model/modeltest"
	_ "genlab/core/vae" // the latent-size view's VAEs
)

const tinyConfig = `{"dim":16,"hidden":[32],"latent":4}`

func tiny(t *testing.T) *AE {
	t.Helper()
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.New(b, "ae-digits", []byte(tinyConfig), 1)
	if err != nil {
		t.Fatal(err)
	}
	return m.(*AE)
}

func TestShapes(t *testing.T) {
	a := tiny(t)
	x := modeltest.TwoPatterns()
	z, err := a.Encode(x)
	if err != nil || len(z) != x.N*4 {
		t.Fatalf("Encode: %d values, %v; want %d", len(z), err, x.N*4)
	}
	rec, err := a.Decode(z, x.N)
	if err != nil || rec.N != x.N || rec.H != 4 || rec.W != 4 || len(rec.Pix) != x.N*16 {
		t.Fatalf("Decode: %+v, %v", rec, err)
	}
	for _, p := range rec.Pix {
		if !(p > 0 && p < 1) {
			t.Fatalf("decoded pixel %v outside (0, 1)", p)
		}
	}
	s, err := a.Sample(model.SampleOptions{N: 3, Seed: 2})
	if err != nil || s.N != 3 || len(s.Pix) != 3*16 {
		t.Fatalf("Sample: %+v, %v", s, err)
	}
}

// Training lowers the reconstruction error; the evaluation's two figures agree with each other
// and with an error computed here from Encode and Decode; the code prior moves to the codes.
func TestTrainingLowersErrorAndFitsCodes(t *testing.T) {
	a := tiny(t)
	x := modeltest.TwoPatterns()
	first, last := modeltest.Train(t, a, x, model.Rand(3), 400)
	if !(last < first*0.2) {
		t.Fatalf("loss %.4f -> %.4f: did not fall fivefold", first, last)
	}
	met, err := a.Evaluate(x, model.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	z, _ := a.Encode(x)
	rec, _ := a.Decode(z, x.N)
	var sse float64
	for i, p := range rec.Pix {
		sse += float64((p - x.Pix[i]) * (p - x.Pix[i]))
	}
	sse /= float64(x.N)
	if math.Abs(met["sse_per_image"]-sse) > 1e-4 || math.Abs(met["mse_per_pixel"]*16-sse) > 1e-4 {
		t.Fatalf("metrics %v, want sse_per_image %.5f = 16·mse_per_pixel", met, sse)
	}
	// The training loss is the reconstruction error alone (the prior's term is 0 in value).
	if math.Abs(last-sse) > 0.05*sse+1e-3 {
		t.Fatalf("last training loss %.5f, reconstruction error %.5f: the loss is not the squared error", last, sse)
	}
	// The code prior is the maximum-likelihood diagonal Gaussian of the codes: their mean and
	// standard deviation, per coordinate.
	mv, _ := a.store.GetVariable("/codes/mean").Value()
	sv, _ := a.store.GetVariable("/codes/log_std").Value()
	pm, ps := tensors.MustCopyFlatData[float32](mv), tensors.MustCopyFlatData[float32](sv)
	for k := range 4 {
		var s, s2 float64
		for i := range x.N {
			s += float64(z[i*4+k])
			s2 += float64(z[i*4+k] * z[i*4+k])
		}
		mu := s / float64(x.N)
		sd := math.Sqrt(max(0, s2/float64(x.N)-mu*mu))
		gm, gs := float64(pm[k])*priorScale, math.Exp(float64(ps[k])*priorScale)
		t.Logf("code %d: mean %.3f sd %.3f; prior mean %.3f sd %.3f", k, mu, sd, gm, gs)
		if math.Abs(gm-mu) > 0.1*sd+0.05 || math.Abs(gs-sd) > 0.15*sd+0.05 {
			t.Errorf("code %d: mean %.3f sd %.3f, but the fitted prior has mean %.3f sd %.3f", k, mu, sd, gm, gs)
		}
	}
	for _, v := range a.Views() {
		req := model.ViewRequest{Seed: 1, N: 20, Input: x}
		if len(v.Uses) > 0 {
			req.Models = latentSizeModels(t)
		}
		g, err := v.Run(req)
		if err != nil || g.Images.N == 0 || g.Images.N%g.Cols != 0 {
			t.Fatalf("view %s: %v", v.Name, err)
		}
	}
}

// latentSizeModels are untrained stand-ins for the latent-size view's six small models.
func latentSizeModels(t *testing.T) []model.Model {
	t.Helper()
	b, _ := model.NewBackend("go")
	var ms []model.Model
	for _, name := range []string{"ae-digits", "vae-digits"} {
		for _, d := range latentSizes {
			m, err := model.New(b, name, []byte(fmt.Sprintf(`{"dim":16,"hidden":[8],"latent":%d}`, d)), 1)
			if err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
	}
	return ms
}

func TestLatentSizesView(t *testing.T) {
	x := data.Subset(modeltest.TwoPatterns(), 0, viewCols)
	a, ms := tiny(t), latentSizeModels(t)
	g, err := a.latentSizes(model.ViewRequest{N: 20, Input: x, Models: ms})
	if err != nil {
		t.Fatal(err)
	}
	// One row of test images, then one row per small model: each row its own reconstructions.
	if g.Cols != x.N || g.Images.N != 7*x.N {
		t.Fatalf("%d images in rows of %d, want 7 rows of %d", g.Images.N, g.Cols, x.N)
	}
	for i, m := range ms {
		in := x
		if m.Spec().Binarize {
			in = data.BinarizeFixed(x)
		}
		want, err := model.Reconstruct(m.(model.Codec), in)
		if err != nil {
			t.Fatal(err)
		}
		row := g.Images.Pix[(i+1)*x.N*16 : (i+2)*x.N*16]
		if !slices.Equal(row, want.Pix) {
			t.Errorf("row %d is not %s's reconstruction", i+1, m.Spec().Name)
		}
	}
	if _, err := a.latentSizes(model.ViewRequest{N: 20, Input: x, Models: ms[:5]}); err == nil {
		t.Error("five models for six rows: no error")
	}
	if _, err := a.latentSizes(model.ViewRequest{N: 20, Input: x, Models: append(ms[1:], ms[0])}); err == nil {
		t.Error("models in the wrong order: no error")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	a := tiny(t)
	modeltest.Train(t, a, modeltest.TwoPatterns(), model.Rand(1), 20)
	m2, err := modeltest.Reload(t, a.Store(), "ae-digits", []byte(tinyConfig))
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := a.Sample(model.SampleOptions{N: 2, Seed: 5})
	s2, _ := m2.Sample(model.SampleOptions{N: 2, Seed: 5})
	x := modeltest.TwoPatterns()
	e1, _ := a.Evaluate(x, model.EvalOptions{})
	e2, _ := m2.Evaluate(x, model.EvalOptions{})
	for i := range s1.Pix {
		if s1.Pix[i] != s2.Pix[i] {
			t.Fatal("reloaded model samples differently (code prior or decoder not saved)")
		}
	}
	if e1["sse_per_image"] != e2["sse_per_image"] {
		t.Fatalf("reloaded model reconstructs differently: %v vs %v", e1, e2)
	}
	if _, err := modeltest.Reload(t, a.Store(), "ae-digits", []byte(`{"dim":16,"hidden":[32],"latent":8}`)); err == nil {
		t.Fatal("weights of another latent size accepted")
	}
}

func TestBadConfigErrors(t *testing.T) {
	be, _ := model.NewBackend("go")
	for _, c := range []string{`{"latent":0}`, `{"latent":-3}`, `{"dim":0}`, `{"hidden":[0]}`, `{"hidden":[1,1,1,1,1,1,1,1,1]}`, `{"latent":"x"}`, `[`} {
		_, err := model.New(be, "ae-digits", []byte(c), 1)
		if err == nil || !strings.Contains(err.Error(), "ae config") {
			t.Errorf("config %s: error %v, want one naming the ae config", c, err)
		}
	}
	a := tiny(t)
	wrong := &data.Images{N: 2, H: 5, W: 5, C: 1, Pix: make([]float32, 50)}
	if _, err := a.TrainStep(wrong, model.Rand(1)); err == nil {
		t.Error("TrainStep accepted images of the wrong size")
	}
	if _, err := a.Evaluate(wrong, model.EvalOptions{}); err == nil {
		t.Error("Evaluate accepted images of the wrong size")
	}
}

func TestTrainStepsAreTrainSteps(t *testing.T) {
	modeltest.StepsAreSteps(t, func() model.Model { return tiny(t) }, modeltest.TwoPatterns(), 4)
}
