package made

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/data"
	"genlab/core/model"
	"genlab/core/model/modeltest"
)

// tiny builds a small MADE (h×w pixels) and, unless keepInit, gives every weight (biases and the
// zero-initialised direct layer included) a random value, so that no connection is silently zero
// and the checks below cannot pass vacuously.
func tiny(t testing.TB, cfg Config, keepInit bool) *MADE {
	t.Helper()
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Dim, cfg.Every = cfg.H*cfg.W, 1
	m, err := model.New(b, "made-digits", mustJSON(cfg), 1)
	if err != nil {
		t.Fatal(err)
	}
	if !keepInit {
		rng := model.Rand(99)
		for v := range m.Store().IterVariables() {
			if v.Trainable {
				x := model.Normals(rng, v.Shape().Size())
				if err := v.SetValue(model.F32(x, v.Shape().Dimensions...)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return m.(*MADE)
}

// variants is every option combination the property tests run over.
func variants() []Config {
	var out []Config
	for _, hidden := range [][]int{{40}, {40, 30}} {
		for _, direct := range []bool{false, true} {
			for _, ord := range []string{"raster", "column", "random"} {
				out = append(out, Config{H: 3, W: 4, Hidden: hidden, Masks: 3, Ordering: ord, Direct: direct, Seed: 5})
			}
		}
	}
	return out
}

// The mask sets follow the paper's rules and are a function of the config alone.
func TestMaskSetsReproducible(t *testing.T) {
	for _, c := range variants() {
		c.Dim = c.H * c.W
		for k := range c.Masks {
			a, b := c.MaskSet(k), c.MaskSet(k)
			if !slices.Equal(a.Order, b.Order) || fmt.Sprint(a.Degrees) != fmt.Sprint(b.Degrees) {
				t.Fatalf("%s mask %d: not reproducible", c.Ordering, k)
			}
			sorted := slices.Sorted(slices.Values(a.Order))
			for p, v := range sorted {
				if v != p {
					t.Fatalf("%s mask %d: order %v is not a permutation", c.Ordering, k, a.Order)
				}
			}
			for p, px := range a.Order {
				if a.Degrees[0][px] != p+1 {
					t.Fatalf("m^0 of pixel %d is %d, it is at position %d", px, a.Degrees[0][px], p)
				}
			}
			lo := 1
			for l, deg := range a.Degrees[1:] {
				for _, v := range deg {
					if v < lo || v > c.Dim-1 {
						t.Fatalf("layer %d degree %d outside %d..%d", l+1, v, lo, c.Dim-1)
					}
				}
				lo = slices.Min(deg)
			}
		}
		if fmt.Sprint(c.MaskSet(0).Degrees[1:]) == fmt.Sprint(c.MaskSet(1).Degrees[1:]) {
			t.Fatal("mask sets 0 and 1 have the same connectivity")
		}
		randomOrders := !slices.Equal(c.MaskSet(0).Order, c.MaskSet(1).Order)
		if randomOrders != (c.Ordering == "random") {
			t.Fatalf("%s: orderings differ between mask sets: %v", c.Ordering, randomOrders)
		}
	}
	col := Config{Dim: 6, H: 2, W: 3, Hidden: []int{4}, Ordering: "column"}.MaskSet(0).Order
	if !slices.Equal(col, []int{0, 3, 1, 4, 2, 5}) {
		t.Fatalf("column order of a 2x3 image: %v", col)
	}
}

// reach[j][i] says whether some path of allowed connections links input i to output j.
func reach(ms *MaskSet, direct bool) [][]bool {
	d := len(ms.Order)
	r := make([][]bool, d)
	for j := range r {
		r[j] = make([]bool, d)
		for i := range d {
			if direct && Connected(ms.Degrees[0][i], ms.Degrees[0][j], true) {
				r[j][i] = true
			}
			// A path exists iff some chain of units has non-decreasing degrees from m^0(i), and the
			// last is below m^0(j); with every layer non-empty that is: every layer has a unit
			// whose degree lies in [max(m^0(i), lowest reachable degree so far), m^0(j) − 1].
			lo := ms.Degrees[0][i]
			ok := true
			for _, deg := range ms.Degrees[1:] {
				best := math.MaxInt
				for _, v := range deg {
					if v >= lo && v < ms.Degrees[0][j] {
						best = min(best, v)
					}
				}
				if best == math.MaxInt {
					ok = false
					break
				}
				lo = best
			}
			r[j][i] = r[j][i] || ok
		}
	}
	return r
}

// The autoregressive property, checked on the graph's own gradients (as pytorch-made does): the
// logit of pixel d has exactly zero gradient with respect to every pixel at or after d in the
// ordering, and a non-zero gradient with respect to every earlier pixel the masks connect it to
// (with the direct layer, that is every earlier pixel).
func TestAutoregressiveProperty(t *testing.T) {
	for _, c := range variants() {
		m := tiny(t, c, false)
		// Positive hidden weights and biases keep every ReLU open, so a zero gradient can only
		// come from the masks, never from a unit that happens to be off for the test inputs.
		for v := range m.Store().IterVariables() {
			if v.Trainable && strings.HasPrefix(v.Scope(), "/hidden") {
				t0, _ := v.Value()
				w := tensors.MustCopyFlatData[float32](t0)
				for i := range w {
					w[i] = float32(math.Abs(float64(w[i])))
				}
				if err := v.SetValue(model.F32(w, v.Shape().Dimensions...)); err != nil {
					t.Fatal(err)
				}
			}
		}
		d := m.cfg.Dim
		jac, err := gm.NewExec(m.backend, m.store, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
			x := in[0]
			l := m.cfg.logits(scope, x, in[1:])
			rows := make([]*graph.Node, d)
			for j := range d {
				g := graph.Gradient(graph.ReduceAllSum(graph.Slice(l, graph.AxisRange(), graph.AxisElem(j))), x)[0]
				rows[j] = graph.ReduceSum(graph.Abs(g), 0) // Summed over the batch: [D].
			}
			return graph.Stack(rows, 0) // [out, in]
		})
		if err != nil {
			t.Fatal(err)
		}
		const batch = 16
		x := make([]float32, batch*d)
		rng := model.Rand(3)
		for i := range x {
			x[i] = float32(rng.IntN(2))
		}
		for k := range c.Masks {
			ms := m.MaskSet(k)
			out, err := model.Call(jac, m.inputs(x, batch, k)...)
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("hidden %v direct %v %s mask %d", c.Hidden, c.Direct, c.Ordering, k)
			r := reach(ms, c.Direct)
			dependent := 0
			for j := range d {
				seen := 0
				for i := range d {
					g := out[j*d+i]
					if ms.Degrees[0][i] >= ms.Degrees[0][j] && g != 0 {
						t.Fatalf("%s: output %d (position %d) depends on input %d (position %d): |grad| %g",
							name, j, ms.Degrees[0][j], i, ms.Degrees[0][i], g)
					}
					if (g != 0) != r[j][i] {
						t.Fatalf("%s: output %d, input %d: |grad| %g but connected %v", name, j, i, g, r[j][i])
					}
					if g != 0 {
						seen++
					}
				}
				if seen > 0 {
					dependent++
				}
			}
			// Not degenerate: all outputs but the first (and rarely one whose earlier pixels no
			// hidden unit links to) depend on something.
			if dependent < d-2 {
				t.Fatalf("%s: only %d of %d outputs depend on any input", name, dependent, d)
			}
		}
	}
}

// Autoregressive outputs make an exact, normalised density: Σ_x p(x) over all 2^D binary images
// is 1 for every mask set, and so for their mixture.
func TestLogProbSumsToOne(t *testing.T) {
	m := tiny(t, Config{H: 2, W: 5, Hidden: []int{20, 20}, Masks: 3, Ordering: "random", Direct: true, Seed: 2}, false)
	d := m.cfg.Dim
	all := &data.Images{N: 1 << d, H: 2, W: 5, C: 1, Pix: make([]float32, d<<d)}
	for n := range all.N {
		for i := range d {
			all.Pix[n*d+i] = float32(n >> i & 1)
		}
	}
	lp, err := m.LogProb(all)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, v := range lp {
		sum += math.Exp(v)
	}
	if math.Abs(sum-1) > 1e-4 {
		t.Fatalf("Σ_x p(x) = %.6f, want 1", sum)
	}
}

// The Go sampler's forward pass is the graph's, to float32 rounding.
func TestGoForwardMatchesGraph(t *testing.T) {
	for _, c := range variants() {
		m := tiny(t, c, false)
		d := m.cfg.Dim
		x := make([]float32, d)
		rng := model.Rand(4)
		for i := range x {
			x[i] = float32(rng.IntN(2))
		}
		n, err := m.snapshot()
		if err != nil {
			t.Fatal(err)
		}
		for k := range c.Masks {
			want, err := model.Call(m.logits, m.inputs(x, 1, k)...)
			if err != nil {
				t.Fatal(err)
			}
			ms := m.MaskSet(k)
			ch := newChain(n, ms, sortByDegree(ms))
			copy(ch.x, x)
			ch.naive(0)
			for j := range d {
				if math.Abs(float64(ch.out[j]-want[j])) > 1e-4*(1+math.Abs(float64(want[j]))) {
					t.Fatalf("%v %s mask %d: Go logit %d = %g, graph %g", c.Hidden, c.Ordering, k, j, ch.out[j], want[j])
				}
			}
		}
	}
}

// The incremental sampler draws exactly the naive sampler's images, for every option, plain and
// ensembled; SampleSteps ends on the same images; inpainting keeps the known pixels.
func TestIncrementalSamplerIsExact(t *testing.T) {
	for _, c := range variants() {
		m := tiny(t, c, false)
		for _, masks := range [][]int{{0}, {0, 1, 2}} {
			for _, temp := range []float64{1, 0.7} {
				a, err := m.generate(job{n: 6, seed: 11, temp: temp, masks: masks})
				if err != nil {
					t.Fatal(err)
				}
				b, _ := m.generate(job{n: 6, seed: 11, temp: temp, masks: masks, naive: true})
				if !slices.Equal(a.Pix, b.Pix) {
					t.Fatalf("%v direct %v %s masks %v T %g: incremental and naive samples differ", c.Hidden, c.Direct, c.Ordering, masks, temp)
				}
				for _, v := range a.Pix {
					if v != 0 && v != 1 {
						t.Fatalf("sample pixel %g is not binary", v)
					}
				}
			}
		}
	}
	m := tiny(t, Config{H: 3, W: 4, Hidden: []int{40}, Masks: 2, Ordering: "random", Direct: true, Seed: 1}, false)
	s1, _ := m.Sample(model.SampleOptions{N: 5, Seed: 3})
	calls := 0
	var firstPartial *data.Images
	s2, err := m.SampleSteps(model.SampleOptions{N: 5, Seed: 3}, 5, func(step int, partial *data.Images) error {
		if calls++; calls == 1 {
			firstPartial = partial
		}
		return nil
	})
	if err != nil || !slices.Equal(s1.Pix, s2.Pix) || calls != 3 {
		t.Fatalf("SampleSteps: err %v, same images %v, %d calls (want 3 for 12 pixels every 5)", err, slices.Equal(s1.Pix, s2.Pix), calls)
	}
	unsampled := 0
	for _, v := range firstPartial.Pix {
		if v == Unsampled {
			unsampled++
		}
	}
	if unsampled != 5*(12-5) {
		t.Fatalf("after 5 steps %d pixels unsampled, want %d", unsampled, 5*7)
	}
	s3, _ := m.Sample(model.SampleOptions{N: 5, Seed: 4})
	if slices.Equal(s1.Pix, s3.Pix) {
		t.Fatal("seeds 3 and 4 drew the same images")
	}
	in, _ := m.Inpaint(s3, 6, 9)
	for i := range in.N {
		for _, px := range m.MaskSet(0).Order[:6] {
			if in.Image(i)[px] != s3.Image(i)[px] {
				t.Fatal("inpainting changed a known pixel")
			}
		}
	}
}

// Training lowers the loss on two patterns, the ensemble is at least as good as its average
// member (Jensen), the views draw, and weights reload into a model that samples the same.
func TestTrainEvaluateViews(t *testing.T) {
	m := tiny(t, Config{H: 4, W: 4, Hidden: []int{32}, Masks: 4, Ordering: "raster", Direct: true}, true)
	x := modeltest.TwoPatterns()
	first, last := modeltest.Train(t, m, x, nil, 1000)
	if !(last < first*0.3) {
		t.Fatalf("loss %.3f -> %.3f", first, last)
	}
	met, err := m.Evaluate(x, model.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var avg float64
	for k := range 4 {
		lp, _ := m.logProbs(x, k)
		for _, v := range lp {
			avg -= float64(v) / float64(x.N) / 4
		}
	}
	if met["masks"] != 4 || !(met["nll_ensemble_nats"] <= avg+1e-6) || !(met["nll_nats"] > 0) {
		t.Fatalf("metrics %v, mean single-mask NLL %.4f", met, avg)
	}
	if met1, _ := m.Evaluate(x, model.EvalOptions{Samples: 1}); math.Abs(met1["nll_ensemble_nats"]-met1["nll_nats"]) > 1e-9 {
		t.Fatalf("a 1-mask ensemble is mask 0: %v", met1)
	}
	// Cooled down (logits ×5), samples of a model that learnt two patterns are those patterns.
	s, _ := m.Sample(model.SampleOptions{N: 20, Seed: 1, Temperature: 0.2})
	good := 0
	for i := range s.N {
		if slices.Equal(s.Image(i), x.Image(0)) || slices.Equal(s.Image(i), x.Image(1)) {
			good++
		}
	}
	if good < 16 {
		t.Fatalf("%d of 20 samples are training patterns", good)
	}
	for _, v := range m.Views() {
		g, err := v.Run(model.ViewRequest{Seed: 1, N: 20, Input: x})
		if err != nil || g.Images.N == 0 || g.Images.N%g.Cols != 0 {
			t.Fatalf("view %s: %v", v.Name, err)
		}
	}
	b, err := model.Encode(model.Header{Model: "made-digits", Config: mustJSON(m.cfg)}, m.Store(), false)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := model.Decode(b, "w")
	m2, err := model.FromWeights(m.backend, w, "made-digits", "w")
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := m2.Sample(model.SampleOptions{N: 20, Seed: 1, Temperature: 0.2})
	if !slices.Equal(s.Pix, s2.Pix) {
		t.Fatal("reloaded model samples differently")
	}
}

// A run resumed from a checkpoint continues the mask cycle where it stopped: the same weights as
// an uninterrupted run.
func TestResumeContinuesMaskCycle(t *testing.T) {
	cfg := Config{H: 3, W: 4, Hidden: []int{16}, Masks: 3, Ordering: "random", Direct: true}
	a := tiny(t, cfg, true)
	x := &data.Images{N: 8, H: 3, W: 4, C: 1, Pix: make([]float32, 8*12)}
	for i := range x.Pix {
		x.Pix[i] = float32(i * 7 % 3 % 2)
	}
	for range 4 {
		if _, err := a.TrainStep(x, nil); err != nil {
			t.Fatal(err)
		}
	}
	ckpt, err := model.Encode(model.Header{Model: "made-digits", Config: mustJSON(a.cfg)}, a.Store(), true)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := model.Decode(ckpt, "ckpt")
	bm, err := model.FromWeights(a.backend, w, "made-digits", "ckpt")
	if err != nil {
		t.Fatal(err)
	}
	b := bm.(*MADE)
	for range 2 {
		la, _ := a.TrainStep(x, nil)
		lb, _ := b.TrainStep(x, nil)
		if la != lb {
			t.Fatalf("resumed run's loss %g, uninterrupted %g", lb, la)
		}
	}
	va, _ := a.Store().GetVariable("/out/weights").Value()
	vb, _ := b.Store().GetVariable("/out/weights").Value()
	if !slices.Equal(tensors.MustCopyFlatData[float32](va), tensors.MustCopyFlatData[float32](vb)) {
		t.Fatal("resumed weights differ")
	}
}

func mustJSON(c Config) []byte {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	return b
}
