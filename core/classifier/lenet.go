// Package classifier is a small convolutional digit classifier (LeNet's idea, with strided 3x3
// convolutions instead of pooling). It is not generative: it is the judge that scores every
// digit sampler (Inception Score and Fréchet distance on its penultimate features, core/eval).
package classifier

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/nn"
)

// Config is the architecture; it is saved with the weights.
type Config struct {
	Side     int   `json:"side"`     // Images are Side×Side grey.
	Channels []int `json:"channels"` // 3x3 convolutions; all but the first have stride 2.
	Features int   `json:"features"` // Size of the penultimate layer (what FD compares).
	Classes  int   `json:"classes"`
}

// DefaultConfig: 28x28 → 16@28 → 32@14 → 32@7 → 128 → 10 (~0.22M parameters).
var DefaultConfig = Config{Side: 28, Channels: []int{16, 32, 32}, Features: 128, Classes: 10}

type Node = graph.Node

// forward maps images x [B, Side·Side] to class logits [B, Classes] and features [B, Features].
func (c Config) forward(scope *gm.Scope, x *Node) (logits, features *Node) {
	b := x.Shape().Dimensions[0]
	h := graph.Reshape(x, b, c.Side, c.Side, 1)
	for i, ch := range c.Channels {
		stride := 2
		if i == 0 {
			stride = 1
		}
		h = activation.Relu(nn.Conv2D(scope.In("conv%d", i), h, ch, 3, stride))
	}
	d := h.Shape().Dimensions
	h = graph.Reshape(h, b, d[1]*d[2]*d[3])
	features = activation.Relu(layers.DenseWithBias(scope.In("features"), h, c.Features))
	logits = layers.DenseWithBias(scope.In("logits"), features, c.Classes)
	logits.AssertDims(b, c.Classes)
	return logits, features
}

// crossEntropy is −log softmax(logits)[label] per example, labels given one-hot [B, Classes].
func crossEntropy(logits, onehot *Node) *Node {
	return graph.Neg(graph.ReduceSum(graph.Mul(onehot, graph.LogSoftmax(logits)), -1))
}
