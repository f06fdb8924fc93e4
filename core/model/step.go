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

// Stepper runs Adam steps on a loss, compiled once per input shape: one step a call (Step), or
// several (Steps).
type Stepper struct {
	trainer *train.Trainer
	backend compute.Backend
	store   *gm.Store
	opt     optimizer.Interface
	lossFn  LossFn
	multi   map[int]*gm.Exec // Steps' graphs, by the number of steps in one call
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
	return &Stepper{trainer: train.NewTrainer(backend, store, modelFn, mean, opt, nil, nil),
		backend: backend, store: store, opt: opt, lossFn: lossFn, multi: map[int]*gm.Exec{}}
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

// Steps runs len(batches) optimiser steps in one call, step k on the inputs batches[k] (every
// batch with the same shapes), and returns each step's loss. The graph applies the updates one
// after another, so it computes what as many Step calls would (TestStepsAreSteps); what it saves
// is per call: on ONNX Runtime Web every call copies the weights and Adam's moments into ORT's
// heap and back out into fresh arrays, ~43 of the bench MLP's ~64 ms step in Chromium
// (docs/performance.md), which K steps a call share. Keras' steps_per_execution, for the same
// reason. A non-finite loss is an error, as in Step, and the call's updates are not wanted.
func (s *Stepper) Steps(batches [][]*tensors.Tensor) (losses []float64, err error) {
	defer recoverError(&err)
	K := len(batches)
	if K == 0 {
		return nil, nil
	}
	exec := s.multi[K]
	if exec == nil {
		if exec, err = gm.NewExec(s.backend, s.store, s.stepsGraph(K)); err != nil {
			return nil, err
		}
		s.multi[K] = exec
	}
	var args []any
	for _, b := range batches {
		if len(b) != len(batches[0]) {
			return nil, fmt.Errorf("steps: batch of %d inputs, the first had %d", len(b), len(batches[0]))
		}
		for _, t := range b {
			args = append(args, t)
		}
	}
	out, err := exec.Call1(args...)
	for _, a := range args {
		a.(*tensors.Tensor).FinalizeAll()
	}
	if err != nil {
		return nil, err
	}
	defer out.FinalizeAll()
	vals, err := copyOut(out)
	if err != nil {
		return nil, err
	}
	losses = make([]float64, K)
	for k, v := range vals {
		losses[k] = float64(v)
		if math.IsNaN(losses[k]) || math.IsInf(losses[k], 0) {
			return losses, fmt.Errorf("loss is %v (step %d of %d in one call)", v, k+1, K)
		}
	}
	return losses, nil
}

// stepsGraph is Steps' graph for K steps: inputs are the K batches' inputs in a row; the loss of
// each is built afresh on the variables' values as the previous update left them.
func (s *Stepper) stepsGraph(K int) func(scope *gm.Scope, in []*graph.Node) *graph.Node {
	return func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		g := in[0].Graph()
		s.store.SetTraining(g, true)
		m := len(in) / K
		losses := make([]*graph.Node, K)
		for k := range K {
			// ResetVisited: the loss's layers enter the same sub-scopes again (Scope.In refuses a
			// second visit), which reads the same variables.
			loss := graph.ReduceAllMean(s.lossFn(scope.ResetVisited(), in[k*m:(k+1)*m]))
			s.opt.UpdateGraph(scope, g, loss)
			losses[k] = graph.ConvertDType(graph.Reshape(loss, 1), dtypes.Float32)
		}
		return graph.Concatenate(losses, 0)
	}
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
