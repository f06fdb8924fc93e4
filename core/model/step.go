package model

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// LossFn builds a family's training loss from its inputs (data and any noise, all made on the
// host so that runs are reproducible on every backend). It may return per-example losses: they
// are averaged.
type LossFn func(scope *gm.Scope, inputs []*graph.Node) *graph.Node

// Stepper runs Adam steps on a loss, compiled once per input shape.
type Stepper struct {
	trainer *train.Trainer
}

// NewStepper prepares optimisation of lossFn over the store's trainable variables.
func NewStepper(backend compute.Backend, store *gm.Store, lr float64, lossFn LossFn) *Stepper {
	return NewOptimizerStepper(backend, store, optimizer.Adam().LearningRate(lr).Done(), lossFn)
}

// NewOptimizerStepper is NewStepper with any GoMLX optimizer, e.g. a ScopedOptimizer.
func NewOptimizerStepper(backend compute.Backend, store *gm.Store, opt optimizer.Interface, lossFn LossFn) *Stepper {
	modelFn := func(scope *gm.Scope, _ any, inputs []*graph.Node) []*graph.Node {
		return []*graph.Node{lossFn(scope, inputs)}
	}
	mean := func(_, predictions []*graph.Node) *graph.Node { return graph.ReduceAllMean(predictions[0]) }
	return &Stepper{trainer: train.NewTrainer(backend, store, modelFn, mean, opt, nil, nil)}
}

// ScopedOptimizer restricts opt to the trainable variables under one scope of the store (e.g. a
// GAN's "discriminator"): variables elsewhere are read by the loss but neither differentiated nor
// updated, and the scope keeps its own learning rate and optimizer state. Two players of a game
// are thus two Steppers on one store.
func ScopedOptimizer(scope string, opt optimizer.Interface) optimizer.Interface {
	return scopedOptimizer{opt, scope}
}

type scopedOptimizer struct {
	optimizer.Interface
	scope string
}

func (o scopedOptimizer) UpdateGraph(scope *gm.Scope, g *graph.Graph, loss *graph.Node) {
	o.Interface.UpdateGraph(scope.At("%s", o.scope), g, loss)
}

func (o scopedOptimizer) Clear(scope *gm.Scope) error {
	return o.Interface.Clear(scope.At("%s", o.scope))
}

// Step runs one optimiser step and returns the batch's mean loss. It takes ownership of inputs.
// A non-finite loss is an error and the step's update is not wanted: the caller keeps its last
// good checkpoint.
func (s *Stepper) Step(inputs ...*tensors.Tensor) (loss float64, err error) {
	defer recoverError(&err)
	metrics, err := s.trainer.TrainStep(train.Batch{Inputs: inputs})
	if err != nil {
		return 0, err
	}
	loss = tensorScalar(metrics[0])
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, fmt.Errorf("loss is %v", loss)
	}
	return loss, nil
}

func tensorScalar(t *tensors.Tensor) float64 {
	switch v := t.Value().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	panic(fmt.Sprintf("unexpected metric %s", t.Shape()))
}

// recoverError turns a GoMLX panic (they signal graph errors that way) into an error.
func recoverError(err *error) {
	if r := recover(); r != nil {
		if e, ok := r.(error); ok {
			*err = e
		} else {
			*err = fmt.Errorf("%v", r)
		}
	}
}

// Guard runs fn and turns a panic into an error; families wrap their graph executions with it.
func Guard(fn func() error) (err error) {
	defer recoverError(&err)
	return fn()
}

// Call runs a one-output graph and copies its result out as float32s, turning GoMLX panics into
// errors. Families use it for every inference graph.
func Call(exec *gm.Exec, args ...any) (out []float32, err error) {
	err = Guard(func() error {
		t, err := exec.Call1(args...)
		if err != nil {
			return err
		}
		// The result is only read here: free its buffers now rather than leaving them to Go's
		// GC and finalizers.
		defer t.FinalizeAll()
		out, err = copyOut(t)
		return err
	})
	return out, err
}

// copyOut copies a result from its device buffer straight into one new slice, where
// tensors.CopyFlatData would first materialise a local copy and then copy that: on wasm each
// 64×784 output otherwise costs an extra 200 KB allocation and copy per call. Anything
// unusual (a local copy already there, a non-float32 result) takes CopyFlatData's path.
func copyOut(t *tensors.Tensor) ([]float32, error) {
	if !t.HasLocal() && t.DType() == dtypes.Float32 {
		if be, err := t.Backend(); err == nil {
			if dev, err := t.Device(); err == nil {
				if buf, err := t.Buffer(be, dev); err == nil {
					out := make([]float32, t.Size())
					if buf.ToFlatData(out) == nil {
						return out, nil
					}
				}
			}
		}
	}
	return tensors.CopyFlatData[float32](t)
}

// F32 wraps host data as a tensor of the given dimensions.
func F32(flat []float32, dims ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(flat, dims...)
}
