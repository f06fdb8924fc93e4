package flow

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/model"
)

func goBackend(t testing.TB) compute.Backend {
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rig runs one layer in float64 on the Go backend with random weights (a freshly initialised
// coupling or 1x1 convolution is the identity, which would test nothing).
type rig struct {
	t       *testing.T
	backend compute.Backend
	store   *gm.Store
	layer   Layer
	fwd     *gm.Exec
	inv     *gm.Exec
}

func newRig(t *testing.T, l Layer, dims []int, seed uint64) *rig {
	t.Helper()
	r := &rig{t: t, backend: goBackend(t), store: gm.NewStore(), layer: l}
	r.store.SetParam(gm.ParamInitialSeed, int64(seed))
	r.compile()
	r.forward(randomInput(rand.New(rand.NewPCG(seed, 1)), dims)) // creates the variables
	rng := rand.New(rand.NewPCG(seed, 2))
	for v := range r.store.IterVariables() {
		vals := make([]float64, v.Shape().Size())
		for i := range vals {
			vals[i] = 0.3 * rng.NormFloat64()
		}
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(vals, v.Shape().Dimensions...)); err != nil {
			t.Fatal(err)
		}
	}
	r.compile() // GoMLX freezes variable values into a compiled Exec: recompile after setting them.
	return r
}

func (r *rig) compile() {
	r.fwd = gm.MustNewExec(r.backend, r.store, func(scope *gm.Scope, x *graph.Node) []*graph.Node {
		z, ld := r.layer.Forward(scope, x)
		return []*graph.Node{z, ld}
	})
	r.inv = gm.MustNewExec(r.backend, r.store, func(scope *gm.Scope, z *graph.Node) *graph.Node {
		return r.layer.Inverse(scope, z)
	})
}

func (r *rig) forward(x *tensors.Tensor) (z, logdet []float64) {
	r.t.Helper()
	out, err := r.fwd.Call(x)
	if err != nil {
		r.t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float64](out[0]), tensors.MustCopyFlatData[float64](out[1])
}

func (r *rig) inverse(z *tensors.Tensor) []float64 {
	r.t.Helper()
	out, err := r.inv.Call1(z)
	if err != nil {
		r.t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float64](out)
}

func randomInput(rng *rand.Rand, dims []int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.Float64()*0.9 + 0.05 // inside (0, 1), so Logit can take it too
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

// checkLayer asserts, for one example x of shape dims (batch 1), that inverse(forward(x)) = x and
// that the layer's log-det equals log|det J| of a central-difference Jacobian of forward.
func checkLayer(t *testing.T, l Layer, dims []int) {
	t.Helper()
	r := newRig(t, l, dims, 7)
	x := randomInput(rand.New(rand.NewPCG(3, 3)), dims)
	xv := tensors.MustCopyFlatData[float64](x)
	z, logdet := r.forward(x)
	zDims := append([]int{}, dims...)
	if len(z) != len(xv) {
		t.Fatalf("%s: forward changed the size: %d → %d", l.Name(), len(xv), len(z))
	}
	back := r.inverse(tensors.FromFlatDataAndDimensions(z, outDims(l, dims)...))
	for i := range xv {
		if math.Abs(back[i]-xv[i]) > 1e-9 {
			t.Fatalf("%s: inverse(forward(x))[%d] = %v, want %v", l.Name(), i, back[i], xv[i])
		}
	}

	// Jacobian by central differences: all 2D perturbed copies of x in one batch.
	d := len(xv)
	const eps = 1e-5
	batch := make([]float64, 0, 2*d*d)
	for i := range d {
		for _, sign := range []float64{1, -1} {
			p := append([]float64{}, xv...)
			p[i] += sign * eps
			batch = append(batch, p...)
		}
	}
	zDims[0] = 2 * d
	zs, _ := r.forward(tensors.FromFlatDataAndDimensions(batch, zDims...))
	jac := make([]float64, d*d) // jac[out*d + in]
	for in := range d {
		plus, minus := zs[(2*in)*d:(2*in+1)*d], zs[(2*in+1)*d:(2*in+2)*d]
		for out := range d {
			jac[out*d+in] = (plus[out] - minus[out]) / (2 * eps)
		}
	}
	want := logAbsDet(jac, d)
	if math.Abs(logdet[0]-want) > 1e-5*max(1, math.Abs(want)) {
		t.Errorf("%s: log-det %v, numerical Jacobian gives %v", l.Name(), logdet[0], want)
	}
}

// outDims is the shape forward produces for dims (only squeezes change it).
func outDims(l Layer, dims []int) []int {
	switch l.(type) {
	case Squeeze:
		return []int{dims[0], dims[1] / 2, dims[2] / 2, dims[3] * 4}
	case Unsqueeze:
		return []int{dims[0], dims[1] * 2, dims[2] * 2, dims[3] / 4}
	case Flow:
		f := l.(Flow)
		for _, sub := range f {
			dims = outDims(sub, dims)
		}
	}
	return dims
}

// logAbsDet of an n×n row-major matrix by Gaussian elimination with partial pivoting.
func logAbsDet(a []float64, n int) float64 {
	a = append([]float64{}, a...)
	var s float64
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r*n+c]) > math.Abs(a[p*n+c]) {
				p = r
			}
		}
		if p != c {
			for k := range n {
				a[c*n+k], a[p*n+k] = a[p*n+k], a[c*n+k]
			}
		}
		piv := a[c*n+c]
		s += math.Log(math.Abs(piv))
		for r := c + 1; r < n; r++ {
			f := a[r*n+c] / piv
			for k := c; k < n; k++ {
				a[r*n+k] -= f * a[c*n+k]
			}
		}
	}
	return s
}

func TestLayersInvertAndLogdetMatchesJacobian(t *testing.T) {
	img := []int{1, 4, 4, 2} // 32 dimensions
	net := ConvNet(4, 1)
	cases := []struct {
		l    Layer
		dims []int
	}{
		{ActNorm{}, img},
		{ActNorm{}, []int{1, 3}},
		{Squeeze{}, img},
		{Unsqueeze{}, []int{1, 2, 2, 8}},
		{Coupling{Mask: Checkerboard, Parity: 0, Net: net}, img},
		{Coupling{Mask: Checkerboard, Parity: 1, Net: net}, img},
		{Coupling{Mask: ChannelWise, Parity: 0, Net: net}, img},
		{Coupling{Mask: ChannelWise, Parity: 1, Net: net}, img},
		{Coupling{Mask: TopBottom, Parity: 0, Net: net}, img},
		{Coupling{Mask: TopBottom, Parity: 1, Net: net}, img},
		{Coupling{Mask: LeftRight, Parity: 0, Net: net}, img},
		{Coupling{Mask: LeftRight, Parity: 1, Net: net}, img},
		{Coupling{Mask: ChannelWise, Parity: 1, Net: MLPNet(8, 2)}, []int{1, 2}},
		{NewInvConv1x1(2, 1), img},
		{NewInvConv1x1(5, 2), []int{1, 5}},
		{Logit{Alpha: 0.05}, img},
	}
	for _, c := range cases {
		checkLayer(t, c.l, c.dims)
	}
}

func TestStackInvertsAndLogdetMatchesJacobian(t *testing.T) {
	net := ConvNet(4, 0)
	f := Flow{
		Logit{Alpha: 0.05},
		Coupling{Mask: Checkerboard, Parity: 0, Net: net}, ActNorm{},
		Squeeze{},
		Coupling{Mask: ChannelWise, Parity: 1, Net: net}, NewInvConv1x1(4, 3),
		Unsqueeze{},
		Coupling{Mask: TopBottom, Parity: 1, Net: net}, ActNorm{},
	}
	checkLayer(t, f, []int{1, 4, 4, 1})
}

// The lecture's 1-D example: z = 0.5·x − 2.5 with z ~ N(0, 1) makes x ~ N(5, 2²). As an ActNorm,
// z = (x + b)·exp(s) with b = −5, s = log 0.5; log p(x) = log N(z) + log-det.
func TestChangeOfVariables1D(t *testing.T) {
	backend := goBackend(t)
	store := gm.NewStore()
	xs := []float64{-3, 0, 2.5, 5, 6, 11}
	exec := gm.MustNewExec(backend, store, func(scope *gm.Scope, x *graph.Node) *graph.Node {
		z, ld := ActNorm{}.Forward(scope, x)
		return graph.Add(StdNormalLogProb(z), ld)
	})
	exec.MustExec(tensors.FromFlatDataAndDimensions(xs, len(xs), 1))
	store.GetVariable("/bias").MustSetValue(tensors.FromFlatDataAndDimensions([]float64{-5}, 1))
	store.GetVariable("/logscale").MustSetValue(tensors.FromFlatDataAndDimensions([]float64{math.Log(0.5)}, 1))
	exec = gm.MustNewExec(backend, store, func(scope *gm.Scope, x *graph.Node) *graph.Node {
		z, ld := ActNorm{}.Forward(scope, x)
		return graph.Add(StdNormalLogProb(z), ld)
	})
	got := tensors.MustCopyFlatData[float64](exec.MustExec(tensors.FromFlatDataAndDimensions(xs, len(xs), 1))[0])
	for i, x := range xs {
		want := -0.5*math.Pow((x-5)/2, 2) - math.Log(2) - 0.5*math.Log(2*math.Pi)
		if math.Abs(got[i]-want) > 1e-12 {
			t.Errorf("log p(x=%v) = %v, want log N(5, 2²) = %v", x, got[i], want)
		}
	}
}

// ActNorm's data-dependent initialisation leaves the first batch with zero mean and unit variance
// per channel, and stores the parameters that do it.
func TestActNormInit(t *testing.T) {
	backend := goBackend(t)
	store := gm.NewStore()
	rng := rand.New(rand.NewPCG(5, 5))
	const n, c = 64, 3
	x := make([]float32, n*c)
	for i := range x {
		x[i] = float32(3 + 2*float64(i%c) + (1+float64(i%c))*rng.NormFloat64())
	}
	xt := tensors.FromFlatDataAndDimensions(x, n, c)
	init := gm.MustNewExec(backend, store, func(scope *gm.Scope, x *graph.Node) *graph.Node {
		SetInitMode(scope, x.Graph())
		z, _ := ActNorm{}.Forward(scope, x)
		return z
	})
	init.MustExec(xt)
	plain := gm.MustNewExec(backend, store, func(scope *gm.Scope, x *graph.Node) *graph.Node {
		z, _ := ActNorm{}.Forward(scope, x)
		return z
	})
	z := tensors.MustCopyFlatData[float32](plain.MustExec(xt)[0])
	for ch := range c {
		var m, v float64
		for i := range n {
			m += float64(z[i*c+ch]) / n
		}
		for i := range n {
			v += math.Pow(float64(z[i*c+ch])-m, 2) / n
		}
		if math.Abs(m) > 1e-4 || math.Abs(v-1) > 1e-3 {
			t.Errorf("channel %d after init: mean %v variance %v, want 0 and 1", ch, m, v)
		}
	}
}

// Dequantisation maps pixel k/255 into [k/256, (k+1)/256), and bits/dim of the uniform density on
// [0,1)^D (log p = 0) is exactly 8.
func TestDequantizeAndBitsPerDim(t *testing.T) {
	backend := goBackend(t)
	pix := []float32{0, 1.0 / 255, 128.0 / 255, 1}
	u := []float32{0.5, 0, 0.999, 0.25}
	got := tensors.MustCopyFlatData[float32](gm.MustExecOnce(backend, gm.NewStore(), func(_ *gm.Scope, p, u *graph.Node) *graph.Node {
		return Dequantize(p, u)
	}, tensors.FromFlatDataAndDimensions(pix, 1, 4), tensors.FromFlatDataAndDimensions(u, 1, 4)))
	for i, k := range []float64{0, 1, 128, 255} {
		if want := (k + float64(u[i])) / 256; math.Abs(float64(got[i])-want) > 1e-6 {
			t.Errorf("Dequantize(%v/255, u=%v) = %v, want %v", k, u[i], got[i], want)
		}
	}
	bpd := tensors.MustCopyFlatData[float32](gm.MustExecOnce(backend, gm.NewStore(), func(_ *gm.Scope, lp *graph.Node) *graph.Node {
		return BitsPerDim(lp, 3072)
	}, tensors.FromFlatDataAndDimensions([]float32{0}, 1)))
	if math.Abs(float64(bpd[0])-8) > 1e-5 {
		t.Errorf("bits/dim of the uniform density = %v, want 8", bpd[0])
	}
}

// Each mask keeps exactly its half: those values pass unchanged, all the others move.
func TestMasksKeepTheirHalf(t *testing.T) {
	const h, w, c = 4, 6, 2
	net := ConvNet(4, 0)
	for _, m := range []Mask{Checkerboard, TopBottom, LeftRight, ChannelWise} {
		for parity := range 2 {
			r := newRig(t, Coupling{Mask: m, Parity: parity, Net: net}, []int{1, h, w, c}, 11)
			x := randomInput(rand.New(rand.NewPCG(4, 4)), []int{1, h, w, c})
			xv := tensors.MustCopyFlatData[float64](x)
			z, _ := r.forward(x)
			for i := range h {
				for j := range w {
					for k := range c {
						var first bool
						switch m {
						case Checkerboard:
							first = (i+j)%2 == 0
						case TopBottom:
							first = i < h/2
						case LeftRight:
							first = j < w/2
						case ChannelWise:
							first = k < c/2
						}
						idx := (i*w+j)*c + k
						if kept := first == (parity == 0); kept != (z[idx] == xv[idx]) {
							t.Fatalf("%s/%d at (%d,%d,%d): kept=%v but x=%v z=%v", m, parity, i, j, k, kept, xv[idx], z[idx])
						}
					}
				}
			}
		}
	}
}
