package diffusion

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"genlab/core/data"
	"genlab/core/model"
	"genlab/core/model/modeltest"
)

func newModel(t testing.TB, name string, cfg Config, seed uint64) *Diffusion {
	t.Helper()
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := model.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(b, spec, cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// ᾱ_t and the closed form q(x_t | x_0) = N(√ᾱ_t·x_0, (1−ᾱ_t)·I) must match chains simulated
// step by step, x_s = √(1−β_s)·x_{s−1} + √β_s·z, for both schedules.
func TestForwardClosedFormMatchesSimulation(t *testing.T) {
	const chains, T = 4000, 1000
	x0 := []float64{1, -0.5}
	for _, kind := range Schedules {
		s, err := NewSchedule(kind, T)
		if err != nil {
			t.Fatal(err)
		}
		prod := 1.0
		for i, b := range s.Beta {
			if !(b > 0 && b < 1) {
				t.Fatalf("%s: β_%d = %g", kind, i+1, b)
			}
			prod *= 1 - b
			if math.Abs(prod-s.AlphaBar[i]) > 1e-12 {
				t.Fatalf("%s: ᾱ_%d = %g, product of (1−β) = %g", kind, i+1, s.AlphaBar[i], prod)
			}
		}
		if s.AlphaBar[T-1] > 1e-4 {
			t.Fatalf("%s: ᾱ_T = %g: x_T is not noise", kind, s.AlphaBar[T-1])
		}
		rng := rand.New(rand.NewPCG(1, 2))
		checks := map[int]bool{1: true, 50: true, 300: true, 700: true, T: true}
		for _, v0 := range x0 {
			xs := make([]float64, chains)
			for i := range xs {
				xs[i] = v0
			}
			for step := 1; step <= T; step++ {
				b := s.Beta[step-1]
				for i := range xs {
					xs[i] = math.Sqrt(1-b)*xs[i] + math.Sqrt(b)*rng.NormFloat64()
				}
				if !checks[step] {
					continue
				}
				var mean, sq float64
				for _, x := range xs {
					mean += x / chains
					sq += x * x / chains
				}
				variance := sq - mean*mean
				ab := s.AlphaBar[step-1]
				wantMean, wantVar := math.Sqrt(ab)*v0, 1-ab
				// Standard errors: σ/√n for the mean, σ²·√(2/n) for the variance; 5 of them.
				if se := math.Sqrt(wantVar / chains); math.Abs(mean-wantMean) > 5*se+1e-9 {
					t.Errorf("%s x0=%g t=%d: mean %.5f, closed form %.5f", kind, v0, step, mean, wantMean)
				}
				if se := wantVar * math.Sqrt(2.0/chains); math.Abs(variance-wantVar) > 5*se+1e-9 {
					t.Errorf("%s x0=%g t=%d: variance %.5f, closed form %.5f", kind, v0, step, variance, wantVar)
				}
			}
		}
	}
	if _, err := NewSchedule("quadratic", 10); err == nil {
		t.Fatal("unknown schedule accepted")
	}
	if _, err := NewSchedule("linear", 0); err == nil {
		t.Fatal("T = 0 accepted")
	}
}

// A fixed ε-"network" for sampler tests: any smooth function of (x, t) will do.
func fakeEps(x []float32, t int) ([]float32, error) {
	e := make([]float32, len(x))
	for i, v := range x {
		e[i] = float32(math.Tanh(float64(v)*0.7 + float64(t)/500))
	}
	return e, nil
}

// DDIM with η = 0 is a deterministic map of x_T: the rng must not matter. With η = 1 and S = T,
// DDIM's step is DDPM's ancestral step (same mean, σ² = β̃_t), so both give the same samples from
// the same noise.
func TestDDIMDeterministicAndDDPMLimit(t *testing.T) {
	s, err := NewSchedule("linear", 100)
	if err != nil {
		t.Fatal(err)
	}
	xT := model.Normals(model.Rand(1), 64)
	run := func(smp Sampler, seed uint64) []float32 {
		x := append([]float32{}, xT...)
		if err := s.Reverse(x, smp, true, model.Rand(seed), fakeEps, nil); err != nil {
			t.Fatal(err)
		}
		return x
	}
	maxDiff := func(a, b []float32) float64 {
		var m float64
		for i := range a {
			m = max(m, math.Abs(float64(a[i]-b[i])))
		}
		return m
	}
	if d := maxDiff(run(Sampler{Steps: 10}, 1), run(Sampler{Steps: 10}, 2)); d != 0 {
		t.Fatalf("DDIM η=0 differs by %g between noise seeds", d)
	}
	if d := maxDiff(run(Sampler{Steps: 10, Eta: 0.5}, 1), run(Sampler{Steps: 10, Eta: 0.5}, 2)); d == 0 {
		t.Fatal("DDIM η=0.5 ignores its noise")
	}
	if d := maxDiff(run(Sampler{Steps: 100, Eta: 1}, 3), run(Sampler{DDPM: true}, 3)); d > 1e-4 {
		t.Fatalf("DDIM η=1, S=T differs from DDPM by %g", d)
	}
	for _, bad := range []Sampler{{Steps: 0}, {Steps: 101}, {Steps: 10, Eta: -1}, {Steps: 10, Eta: math.NaN()}} {
		if err := s.Reverse(append([]float32{}, xT...), bad, true, model.Rand(1), fakeEps, nil); err == nil {
			t.Errorf("sampler %+v accepted", bad)
		}
	}
}

// The steps each sampler visits: DDIM's even subsequence starts at T and ends its network calls
// at T/S; with S = T it is DDPM's T…1; every list ends on 0 (x_0).
func TestTimesteps(t *testing.T) {
	for _, c := range []struct {
		smp  Sampler
		want []int
	}{
		{Sampler{Steps: 5}, []int{100, 80, 60, 40, 20, 0}},
		{Sampler{Steps: 1}, []int{100, 0}},
		{Sampler{Steps: 3}, []int{100, 67, 33, 0}},
		{Sampler{DDPM: true}, nil},
	} {
		got, err := c.smp.timesteps(100)
		if err != nil {
			t.Fatal(err)
		}
		if c.want == nil { // DDPM: 100, 99, …, 1, 0
			c.want = make([]int, 101)
			for i := range c.want {
				c.want[i] = 100 - i
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%v: steps %v, want %v", c.smp, got, c.want)
		}
	}
}

// A diffusion model trained briefly on two moons must draw points with the data's mean and
// covariance: the reverse process, the schedule and the ε-loss all have to be right for that.
func TestMoonsSamplesMatchDataMoments(t *testing.T) {
	d := newModel(t, "ddpm2d-moons", MoonsConfig, 1)
	pts, err := data.Toy2D("moons", 4096, 1)
	if err != nil {
		t.Fatal(err)
	}
	all := &data.Images{N: 4096, H: 1, W: 1, C: 2, Pix: pts}
	rng := model.Rand(2)
	steps := 400
	if testing.Short() {
		steps = 250
	}
	const bs = 256
	var first, last float64
	for i := range steps {
		k := i % (all.N / bs)
		loss, err := d.TrainStep(data.Subset(all, k*bs, (k+1)*bs), rng)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = loss
		}
		last = loss
	}
	t.Logf("loss %.3f -> %.3f", first, last)
	gen, err := d.Sample(model.SampleOptions{N: 2000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	gm, gc := moments(gen.Pix)
	dm, dc := moments(pts)
	t.Logf("data mean %.3f cov %.3f; samples mean %.3f cov %.3f", dm, dc, gm, gc)
	for i := range 2 {
		if math.Abs(gm[i]-dm[i]) > 0.15 {
			t.Errorf("mean[%d] = %.3f, data %.3f", i, gm[i], dm[i])
		}
	}
	for i := range 3 {
		if math.Abs(gc[i]-dc[i]) > 0.2*math.Max(dc[0], dc[2]) {
			t.Errorf("cov[%d] = %.3f, data %.3f", i, gc[i], dc[i])
		}
	}
	// DDIM η=0 on the trained network: deterministic given the seed (x_T), whatever N.
	a, _ := d.SampleWith(model.SampleOptions{N: 5, Seed: 9}, Sampler{Steps: 20}, nil)
	b, _ := d.SampleWith(model.SampleOptions{N: 3, Seed: 9}, Sampler{Steps: 20}, nil)
	for i := range b.Pix {
		if math.Abs(float64(a.Pix[i]-b.Pix[i])) > 1e-3 {
			t.Fatalf("DDIM samples depend on N for a fixed seed: %g vs %g", a.Pix[i], b.Pix[i])
		}
	}
}

// moments returns the mean (x, y) and covariance (xx, xy, yy) of 2-D points.
func moments(p []float32) (mean [2]float64, cov [3]float64) {
	n := float64(len(p) / 2)
	for i := 0; i < len(p); i += 2 {
		mean[0] += float64(p[i]) / n
		mean[1] += float64(p[i+1]) / n
	}
	for i := 0; i < len(p); i += 2 {
		x, y := float64(p[i])-mean[0], float64(p[i+1])-mean[1]
		cov[0] += x * x / n
		cov[1] += x * y / n
		cov[2] += y * y / n
	}
	return mean, cov
}

// tinyUNet is a U-Net small enough for unit tests, on 8×8×1 images with both levels and patches.
var tinyUNet = Config{Net: "unet", H: 8, W: 8, C: 1, Pixels: true, TimeDim: 8,
	Channels: []int{4, 8}, Blocks: 1, Groups: 2, Patch: 2, T: 50, Schedule: "cosine", SampleSteps: 10, EMA: 0.9}

// The U-Net's input gradient (through GroupNorm, the strided down-convolution, attention, the
// upsampling and the skips) must match central finite differences.
func TestUNetGradientFiniteDifferences(t *testing.T) {
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	cfg := tinyUNet
	cfg.Patch = 1
	cfg.Attention = true
	store := gm.NewStore()
	store.SetParam(gm.ParamInitialSeed, int64(3))
	rng := model.Rand(4)
	xv := model.Normals(rng, 2*8*8)
	wv := model.Normals(rng, 2*8*8)
	tv := model.F32([]float32{7, 30}, 2)
	wt := model.F32(wv, 2, 8, 8, 1)
	loss := func(scope *gm.Scope, x, t, w *graph.Node) *graph.Node {
		return graph.ReduceAllSum(graph.Mul(graph.Tanh(cfg.eps(scope, x, t)), w))
	}
	// Every variable random: the blocks' second convolutions start at zero, which would leave
	// their first halves out of the check. (Variables are created by a first run; an Exec that
	// created them keeps their initial values, so the checked ones are built after.)
	gm.MustNewExec(b, store, loss).MustExec1(model.F32(xv, 2, 8, 8, 1), tv, wt)
	for v := range store.IterVariables() {
		w := model.Normals(rng, v.Shape().Size())
		for i := range w {
			w[i] *= 0.1 // about He's scale for these widths
		}
		v.MustSetValue(model.F32(w, v.Shape().Dimensions...))
	}
	grad := gm.MustNewExec(b, store, func(scope *gm.Scope, x, t, w *graph.Node) *graph.Node {
		return graph.Gradient(loss(scope, x, t, w), x)[0]
	})
	val := gm.MustNewExec(b, store, loss)
	g := tensors.MustCopyFlatData[float32](grad.MustExec1(model.F32(xv, 2, 8, 8, 1), tv, wt))
	const h = 1e-2
	for _, i := range []int{0, 9, 27, 63, 64, 100, 127} {
		f := func(delta float32) float64 {
			x := append([]float32{}, xv...)
			x[i] += delta
			return float64(tensors.MustCopyFlatData[float32](val.MustExec1(model.F32(x, 2, 8, 8, 1), tv, wt))[0])
		}
		fd := (f(h) - f(-h)) / (2 * h)
		if math.Abs(fd-float64(g[i])) > 3e-2*math.Abs(fd)+1e-4 { // the FD's float32 noise ~2e-5
			t.Fatalf("d/dx[%d]: autodiff %g, finite differences %g", i, g[i], fd)
		}
	}
}

// Training lowers the loss; sampling sees the trained (averaged) weights; samples are pixels;
// the views and the weights format work; bad configs are refused.
func TestUNetModel(t *testing.T) {
	d := newModel(t, "ddpm-digits", tinyUNet, 1)
	x := halves()
	before, err := d.Sample(model.SampleOptions{N: 4, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	rng := model.Rand(6)
	var first, last float64
	for i := range 60 {
		l, err := d.TrainStep(x, rng)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = l
		}
		last = l
	}
	if !(last < first) {
		t.Fatalf("loss %.3f -> %.3f", first, last)
	}
	after, err := d.Sample(model.SampleOptions{N: 4, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	same := true
	for i := range after.Pix {
		if after.Pix[i] < 0 || after.Pix[i] > 1 {
			t.Fatalf("pixel %g outside [0,1]", after.Pix[i])
		}
		same = same && after.Pix[i] == before.Pix[i]
	}
	if same {
		t.Fatal("sampling after training gives the untrained model's samples (stale graph)")
	}
	met, err := d.Evaluate(x, model.EvalOptions{})
	if err != nil || !(met["loss_eps"] > 0) || !(met["bits_per_dim"] > 0) || math.IsInf(met["bits_per_dim"], 0) {
		t.Fatalf("evaluate: %v %v", met, err)
	}
	for _, v := range d.Views() {
		g, err := v.Run(model.ViewRequest{Seed: 1, N: 20})
		if err != nil || g.Images.N == 0 || g.Images.N%g.Cols != 0 {
			t.Fatalf("view %s: %v", v.Name, err)
		}
	}
	// Steps reach the sampler; absurd ones are refused.
	if _, err := d.Sample(model.SampleOptions{N: 2, Steps: tinyUNet.T + 1}); err == nil {
		t.Fatal("more steps than T accepted")
	}
	if _, err := d.Sample(model.SampleOptions{N: 2, Steps: tinyUNet.T}); err != nil { // DDPM
		t.Fatal(err)
	}

	// Weights round trip: the reloaded model samples the same images.
	m2, err := modeltest.Reload(t, d.Store(), "ddpm-digits", mustJSON(t, tinyUNet))
	if err != nil {
		t.Fatal(err)
	}
	again, err := m2.Sample(model.SampleOptions{N: 4, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for i := range after.Pix {
		if after.Pix[i] != again.Pix[i] {
			t.Fatal("reloaded model samples differently")
		}
	}

	be, _ := model.NewBackend("go")
	for _, bad := range []string{`{"net":"cnn"}`, `{"h":7,"w":7,"patch":1}`, `{"patch":3}`, `{"ema":1}`, `{"anneal":2}`, `{"annealSteps":-1}`, `{"T":0}`,
		`{"schedule":"quadratic"}`, `{"sampleSteps":5000}`, `{"channels":[]}`, `{"timeDim":7}`, `{"net":"mlp"`} {
		if _, err := model.New(be, "ddpm-digits", []byte(bad), 1); err == nil {
			t.Errorf("config %s accepted", bad)
		}
	}
}

// halves is 16 8×8 images for tinyUNet, the top or the bottom half lit.
func halves() *data.Images {
	x := &data.Images{N: 16, H: 8, W: 8, C: 1, Pix: make([]float32, 16*64)}
	for i := range x.N {
		for j := range 64 {
			if (j/8 < 4) == (i%2 == 0) {
				x.Pix[i*64+j] = 1
			}
		}
	}
	return x
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// GroupNorm (at its initial γ = 1, β = 0) leaves every example's group of channels with mean 0
// and variance 1, whatever the input's offset and scale.
func TestGroupNormNormalises(t *testing.T) {
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	const n, hw, ch, groups = 2, 9, 6, 3
	xv := model.Normals(model.Rand(5), n*hw*ch)
	for i := range xv {
		xv[i] = 3 + 2*xv[i]*float32(1+i%ch) // offset 3, a scale per channel
	}
	y := tensors.MustCopyFlatData[float32](gm.MustExecOnce(b, gm.NewStore(), func(scope *gm.Scope, x *graph.Node) *graph.Node {
		return groupNorm(scope.In("gn"), x, groups)
	}, model.F32(xv, n, 3, 3, ch)))
	for e := range n {
		for g := range groups {
			var s, s2 float64
			for p := range hw {
				for c := g * ch / groups; c < (g+1)*ch/groups; c++ {
					v := float64(y[(e*hw+p)*ch+c])
					s, s2 = s+v, s2+v*v
				}
			}
			m := float64(hw * ch / groups)
			if mean, variance := s/m, s2/m-(s/m)*(s/m); math.Abs(mean) > 1e-4 || math.Abs(variance-1) > 1e-3 {
				t.Errorf("example %d group %d: mean %g variance %g", e, g, mean, variance)
			}
		}
	}
}

// With Anneal set, Adam's rate follows the half cosine over Spec.Steps (or AnnealSteps) and then
// stays at its floor; without it (the 2-D toys, trained live in the page) it stays at Spec.LR.
func TestAnnealedRate(t *testing.T) {
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := data.Toy2D("moons", 64, 1)
	if err != nil {
		t.Fatal(err)
	}
	batch := &data.Images{N: 64, H: 1, W: 1, C: 2, Pix: pts}
	for _, c := range []struct {
		anneal  float64
		horizon int // 0: Spec.Steps
	}{{0.1, 0}, {0.1, 3}, {0, 0}} {
		anneal := c.anneal
		spec, err := model.Lookup("ddpm2d-moons")
		if err != nil {
			t.Fatal(err)
		}
		spec.Steps, spec.LR = 4, 1e-3
		cfg := MoonsConfig
		cfg.Hidden, cfg.Anneal, cfg.AnnealSteps = []int{8}, anneal, c.horizon
		d, err := New(b, spec, cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		rng := model.Rand(2)
		for step := range 6 {
			if _, err := d.TrainStep(batch, rng); err != nil {
				t.Fatal(err)
			}
			v, err := optimizer.LearningRateVar(d.Store().RootScope(), dtypes.Float32, 0).Value()
			if err != nil {
				t.Fatal(err)
			}
			got, want := float64(v.Value().(float32)), spec.LR
			if anneal > 0 {
				want = model.CosineLR(spec.LR, int64(cmp.Or(c.horizon, spec.Steps)), int64(step), anneal)
			}
			if math.Abs(got-want) > 1e-9 {
				t.Fatalf("anneal %g over %d steps, step %d: rate %g, want %g", anneal, c.horizon, step, got, want)
			}
		}
	}
}

// A saved config is read back over the model's defaults (factory), so every field whose zero is
// a setting must be written even when zero: a constant-rate run (anneal 0) saved and resumed
// must not come back annealing at DigitsConfig's 0.05.
func TestSavedConfigKeepsItsZeros(t *testing.T) {
	saved := DigitsConfig
	saved.Anneal, saved.Eta, saved.EMA, saved.SampleSteps = 0, 0, 0, 0
	for _, attention := range []bool{false, true} {
		saved.Attention = attention
		got := DigitsConfig
		got.Attention = !attention
		if err := json.Unmarshal(mustJSON(t, saved), &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, saved) {
			t.Errorf("saved %+v\nread back as %+v", saved, got)
		}
	}
}
