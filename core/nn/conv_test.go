package nn

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

func randTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return model.F32(model.Normals(rng, n), dims...)
}

// The im2col convolution and its gradients must equal the backend's own convolution.
func TestIm2colMatchesConvolve(t *testing.T) {
	b := goBackend(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ h, w, cin, cout, k, stride int }{
		{7, 6, 3, 4, 3, 1}, {8, 8, 2, 5, 3, 2}, {5, 5, 1, 2, 1, 1}, {9, 7, 2, 3, 5, 2},
	} {
		x := randTensor(rng, 2, c.h, c.w, c.cin)
		w := randTensor(rng, c.k, c.k, c.cin, c.cout)
		// Output, then gradients of a weighted sum w.r.t. input and kernel, both ways.
		run := func(im2col bool) [][]float32 {
			outs := gm.MustExecOnceN(b, gm.NewStore(), func(_ *gm.Scope, x, w *graph.Node) []*graph.Node {
				var y *graph.Node
				if im2col {
					y = convIm2col(x, w, c.stride)
				} else {
					y = graph.Convolve(x, w).StridePerAxis(c.stride, c.stride).PadSame().Done()
				}
				loss := graph.ReduceAllSum(graph.Mul(y, graph.Sin(y)))
				grads := graph.Gradient(loss, x, w)
				return []*graph.Node{y, grads[0], grads[1]}
			}, x, w)
			res := make([][]float32, len(outs))
			for i, o := range outs {
				res[i] = tensors.MustCopyFlatData[float32](o)
			}
			return res
		}
		got, want := run(true), run(false)
		for i, name := range []string{"output", "d/dx", "d/dkernel"} {
			if len(got[i]) != len(want[i]) {
				t.Fatalf("%+v %s: %d values, want %d", c, name, len(got[i]), len(want[i]))
			}
			for j := range got[i] {
				if d := math.Abs(float64(got[i][j] - want[i][j])); d > 1e-3*(1+math.Abs(float64(want[i][j]))) {
					t.Fatalf("%+v %s[%d] = %g, want %g", c, name, j, got[i][j], want[i][j])
				}
			}
		}
	}
}

// Upsample2x's gradient, checked against central finite differences of a non-linear loss.
func TestUpsampleGradientFiniteDifferences(t *testing.T) {
	b := goBackend(t)
	rng := rand.New(rand.NewPCG(3, 4))
	xv := model.Normals(rng, 1*3*2*2)
	weights := model.Normals(rng, 1*6*4*2)
	wt := model.F32(weights, 1, 6, 4, 2)
	lossOf := func(x *graph.Node, w *graph.Node) *graph.Node {
		return graph.ReduceAllSum(graph.Mul(w, graph.Square(Upsample2x(x))))
	}
	exec := gm.MustNewExec(b, gm.NewStore(), func(_ *gm.Scope, x, w *graph.Node) []*graph.Node {
		l := lossOf(x, w)
		return []*graph.Node{l, graph.Gradient(l, x)[0]}
	})
	outs := exec.MustExec(model.F32(xv, 1, 3, 2, 2), wt)
	grad := tensors.MustCopyFlatData[float32](outs[1])
	const h = 1e-2
	for i := range xv {
		plus, minus := append([]float32{}, xv...), append([]float32{}, xv...)
		plus[i] += h
		minus[i] -= h
		lp := tensors.ToScalar[float32](exec.MustExec(model.F32(plus, 1, 3, 2, 2), wt)[0])
		lm := tensors.ToScalar[float32](exec.MustExec(model.F32(minus, 1, 3, 2, 2), wt)[0])
		fd := (lp - lm) / (2 * h)
		if math.Abs(float64(fd-grad[i])) > 1e-2*(1+math.Abs(float64(fd))) {
			t.Fatalf("d/dx[%d]: autodiff %g, finite differences %g", i, grad[i], fd)
		}
	}
}

func TestConv2DShapesAndStride(t *testing.T) {
	b := goBackend(t)
	x := randTensor(rand.New(rand.NewPCG(5, 6)), 2, 9, 8, 3)
	y := gm.MustExecOnce(b, gm.NewStore(), func(s *gm.Scope, x *graph.Node) *graph.Node {
		return Conv2D(s.In("c"), x, 4, 3, 2)
	}, x)
	if d := y.Shape().Dimensions; d[0] != 2 || d[1] != 5 || d[2] != 4 || d[3] != 4 {
		t.Fatalf("shape %v, want [2 5 4 4]", d)
	}
}

func TestSoftplusStable(t *testing.T) {
	b := goBackend(t)
	xs := []float32{-100, -5, 0, 5, 100}
	y := tensors.MustCopyFlatData[float32](gm.MustExecOnce(b, gm.NewStore(), func(_ *gm.Scope, x *graph.Node) *graph.Node {
		return Softplus(x)
	}, model.F32(xs, 5)))
	for i, x := range xs {
		want := math.Log1p(math.Exp(float64(x)))
		if x > 50 {
			want = float64(x)
		}
		if math.Abs(float64(y[i])-want) > 1e-5*(1+want) {
			t.Fatalf("softplus(%g) = %g, want %g", x, y[i], want)
		}
	}
}

// The Go backend must take the im2col path: its own convolution is ~15x slower.
func TestGoBackendUsesIm2col(t *testing.T) {
	g := graph.NewGraph(goBackend(t), "probe")
	if !useIm2col(g, 1) {
		t.Fatalf("backend %q does not use im2col", g.Backend().Name())
	}
}

// The im2col convolution's hand-written gradients (vjp.go), checked against central finite
// differences of a non-linear loss, for the input and the kernel, at strides 1 and 2.
func TestIm2colGradientFiniteDifferences(t *testing.T) {
	b := goBackend(t)
	rng := rand.New(rand.NewPCG(7, 8))
	for _, stride := range []int{1, 2} {
		xv, wv := model.Normals(rng, 1*5*4*2), model.Normals(rng, 3*3*2*3)
		exec := gm.MustNewExec(b, gm.NewStore(), func(_ *gm.Scope, x, w *graph.Node) []*graph.Node {
			y := convIm2col(x, w, stride)
			l := graph.ReduceAllSum(graph.Mul(y, graph.Sin(y)))
			return append([]*graph.Node{l}, graph.Gradient(l, x, w)...)
		})
		loss := func(xv, wv []float32) float64 {
			return float64(tensors.ToScalar[float32](exec.MustExec(model.F32(xv, 1, 5, 4, 2), model.F32(wv, 3, 3, 2, 3))[0]))
		}
		outs := exec.MustExec(model.F32(xv, 1, 5, 4, 2), model.F32(wv, 3, 3, 2, 3))
		for which, vals := range [][]float32{xv, wv} {
			grad := tensors.MustCopyFlatData[float32](outs[1+which])
			for i := range vals {
				const h = 1e-2
				orig := vals[i]
				vals[i] = orig + h
				lp := loss(xv, wv)
				vals[i] = orig - h
				lm := loss(xv, wv)
				vals[i] = orig
				fd := (lp - lm) / (2 * h)
				if math.Abs(fd-float64(grad[i])) > 2e-2*(1+math.Abs(fd)) {
					t.Fatalf("stride %d, d/d%s[%d]: autodiff %g, finite differences %g", stride, []string{"x", "w"}[which], i, grad[i], fd)
				}
			}
		}
	}
}

// On ONNX Runtime (native, when `make ort-native` has fetched it) a strided Conv2D has a
// gradient (the backend's own strided convolution has none there), equal to the Go backend's.
func TestStridedConv2DGradientOnONNX(t *testing.T) {
	onnx, err := model.NewBackend("onnx")
	if err != nil {
		t.Skipf("no ONNX Runtime: %v", err)
	}
	if !useIm2col(graph.NewGraph(onnx, "probe"), 2) {
		t.Fatal("a strided convolution on ONNX Runtime does not take the im2col path")
	}
	run := func(b compute.Backend) []float32 {
		rng := rand.New(rand.NewPCG(9, 10))
		x, w := randTensor(rng, 2, 8, 7, 3), randTensor(rng, 3, 3, 3, 4)
		out := gm.MustExecOnceN(b, gm.NewStore(), func(_ *gm.Scope, x, w *graph.Node) []*graph.Node {
			y := convIm2col(x, w, 2)
			return graph.Gradient(graph.ReduceAllSum(graph.Mul(y, graph.Sin(y))), x, w)
		}, x, w)
		return append(tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])...)
	}
	got, want := run(onnx), run(goBackend(t))
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-3*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("gradient[%d] = %g on ONNX Runtime, %g on the Go backend", i, got[i], want[i])
		}
	}
}

// PixelNorm leaves every position's feature vector with a root mean square of 1, whatever its
// scale, and keeps its direction.
func TestPixelNorm(t *testing.T) {
	b := goBackend(t)
	xs := []float32{3, 4, 0, 0, 300, -400, 0.1, 0}
	y := tensors.MustCopyFlatData[float32](gm.MustExecOnce(b, gm.NewStore(), func(_ *gm.Scope, x *graph.Node) *graph.Node {
		return PixelNorm(x)
	}, model.F32(xs, 2, 2, 2)))
	want := []float32{0.6, 0.8, 0, 0, 0.6, -0.8, 1, 0}
	for i := range want {
		if math.Abs(float64(y[i]-want[i]*float32(math.Sqrt2))) > 1e-3 {
			t.Fatalf("PixelNorm(%v) = %v, want √2·%v", xs, y, want)
		}
	}
}
