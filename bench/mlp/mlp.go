// Package mlp is the model of the browser comparison (bench/): a 784-512-512-784 ReLU MLP
// trained with Adam as an autoencoder of binary pixels (Bernoulli log-likelihood), batch 64. The
// same definition runs natively (bench/native), and in the browser on GoMLX's Go backend and on
// ONNX Runtime Web (bench/wasm); bench/web/tfjs-worker.js builds the same model in TensorFlow.js.
package mlp

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/model"
	"genlab/core/nn"
)

const (
	Batch = 64
	Dim   = 784
	LR    = 1e-3
)

var Hidden = []int{512, 512}

// logits is the network: Dim → Hidden... → Dim.
func logits(scope *gm.Scope, x *graph.Node) *graph.Node {
	for i, n := range Hidden {
		x = activation.Relu(layers.DenseWithBias(scope.In("hidden%d", i), x, n))
	}
	return layers.DenseWithBias(scope.In("out"), x, Dim)
}

// MLP holds the model, its compiled train step and forward pass, and a fixed batch.
type MLP struct {
	store   *gm.Store
	stepper *model.Stepper
	forward *gm.Exec
	x       []float32
}

// New builds the MLP on a backend with a fixed batch of random binary pixels.
func New(be compute.Backend, seed uint64) *MLP {
	store := gm.NewStore()
	m := &MLP{store: store, x: make([]float32, Batch*Dim)}
	rng := model.Rand(seed)
	for i := range m.x {
		if rng.Float32() < 0.3 {
			m.x[i] = 1
		}
	}
	m.stepper = model.NewStepper(be, store, LR, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		return graph.Neg(nn.BernoulliLogProb(in[0], logits(scope, in[0])))
	})
	m.forward = gm.MustNewExec(be, store, func(scope *gm.Scope, x *graph.Node) *graph.Node {
		return graph.Sigmoid(logits(scope, x))
	})
	return m
}

// batch is the fixed batch as a new tensor: model.F32 copies m.x (a copy of its own here would be
// a second 200 KB one per call, which the product's calls do not make).
func (m *MLP) batch() *tensors.Tensor { return model.F32(m.x, Batch, Dim) }

// TrainStep runs one Adam step on the batch (weights and optimizer state stay in the store).
func (m *MLP) TrainStep() error {
	_, err := m.stepper.Step(m.batch())
	return err
}

// TrainSteps runs k Adam steps in one call, on k copies of the batch (model.Stepper.Steps), as
// the page trains on ONNX Runtime Web (model.StepsPerCallORT).
func (m *MLP) TrainSteps(k int) error {
	if k == 1 {
		return m.TrainStep()
	}
	batches := make([][]*tensors.Tensor, k)
	for i := range batches {
		batches[i] = []*tensors.Tensor{m.batch()}
	}
	_, err := m.stepper.Steps(batches)
	return err
}

// Forward computes the reconstruction probabilities of the batch and copies them out.
func (m *MLP) Forward() error {
	_, err := model.Call(m.forward, m.batch())
	return err
}
