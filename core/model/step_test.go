package model

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"
)

// TestStepsAreSteps: K steps in one call (Steps) move the weights exactly as K calls of Step,
// and report the same losses — on a two-layer net, so that each step's gradient depends on the
// update before it.
func TestStepsAreSteps(t *testing.T) {
	be, err := NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	const n, in, hidden, K = 8, 5, 4, 3
	lossFn := func(scope *gm.Scope, x []*graph.Node) *graph.Node {
		w1 := scope.In("l1").VariableWithValue("w", fixed(in, hidden, 0.3)).ValueGraph(x[0].Graph())
		w2 := scope.In("l2").VariableWithValue("w", fixed(hidden, 1, -0.2)).ValueGraph(x[0].Graph())
		h := graph.Tanh(graph.MatMul(x[0], w1))
		return graph.Square(graph.Sub(graph.MatMul(h, w2), x[1]))
	}
	batch := func(k int) []*tensors.Tensor {
		x, y := make([]float32, n*in), make([]float32, n)
		for i := range x {
			x[i] = float32(math.Sin(float64(i*7 + k)))
		}
		for i := range y {
			y[i] = float32(math.Cos(float64(i + 3*k)))
		}
		return []*tensors.Tensor{F32(x, n, in), F32(y, n, 1)}
	}
	one, many := NewStepper(be, gm.NewStore(), 0.05, lossFn), NewStepper(be, gm.NewStore(), 0.05, lossFn)
	var want []float64
	for round := range 2 { // twice: the second call reuses the compiled graph and Adam's state
		var batches [][]*tensors.Tensor
		for k := range K {
			loss, err := one.Step(batch(round*K + k)...)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, loss)
			batches = append(batches, batch(round*K+k))
		}
		got, err := many.Steps(batches)
		if err != nil {
			t.Fatal(err)
		}
		for k, g := range got {
			if w := want[round*K+k]; math.Abs(g-w) > 1e-6*math.Max(1, math.Abs(w)) {
				t.Errorf("round %d step %d: Steps' loss %g, Step's %g", round, k, g, w)
			}
		}
	}
	if want[len(want)-1] >= want[0] {
		t.Errorf("loss did not fall over %d steps: %v", len(want), want)
	}
	for _, path := range []string{"/l1/w", "/l2/w"} {
		a, b := flat(t, one.store, path), flat(t, many.store, path)
		for i := range a {
			if math.Abs(float64(a[i]-b[i])) > 1e-6 {
				t.Fatalf("%s[%d]: %g after Step ×%d, %g after Steps", path, i, a[i], 2*K, b[i])
			}
		}
	}
}

func fixed(rows, cols int, scale float32) *tensors.Tensor {
	v := make([]float32, rows*cols)
	for i := range v {
		v[i] = scale * float32(math.Cos(float64(i)))
	}
	return F32(v, rows, cols)
}

func flat(t *testing.T, store *gm.Store, path string) []float32 {
	t.Helper()
	v := store.GetVariable(path)
	if v == nil {
		t.Fatalf("no variable %s", path)
	}
	val, err := v.Value()
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float32](val)
}
