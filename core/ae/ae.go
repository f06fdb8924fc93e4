// Package ae is the lecture's deterministic autoencoder on grey digits: an MLP encoder x -> z, an
// MLP decoder z -> x̂ with sigmoid outputs, trained on the squared reconstruction error. The size
// of z is the bottleneck the lecture is about: too small and digits blur into their class means.
//
// An autoencoder has no prior to sample from. To let `genlab sample` draw something, the model
// also fits a diagonal Gaussian to the codes of the training batches (maximum likelihood, by the
// same optimiser steps, with the encoder's codes held constant) and Sample decodes draws from it.
package ae

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	gm "github.com/gomlx/gomlx/ml/model"
)

// Config is the architecture; it is saved with the weights.
type Config struct {
	Dim    int   `json:"dim"`    // Pixels per image (784 for digits).
	Hidden []int `json:"hidden"` // Hidden layer sizes of the encoder; the decoder mirrors them.
	Latent int   `json:"latent"` // Size of the code z: the bottleneck.
}

// DefaultConfig is ae-digits: 784-512-256-(16) and back.
var DefaultConfig = Config{Dim: 784, Hidden: []int{512, 256}, Latent: 16}

type Node = graph.Node

func mlp(scope *gm.Scope, x *Node, sizes []int) *Node {
	for i, n := range sizes {
		x = activation.Relu(layers.DenseWithBias(scope.In("hidden%d", i), x, n))
	}
	return x
}

// encode maps x [B, Dim] to its code z [B, Latent] (linear last layer: codes are unconstrained).
func (c Config) encode(scope *gm.Scope, x *Node) *Node {
	scope = scope.In("encoder")
	return layers.DenseWithBias(scope.In("code"), mlp(scope, x, c.Hidden), c.Latent)
}

// decode maps z [B, Latent] to pixel intensities in (0, 1), [B, Dim].
func (c Config) decode(scope *gm.Scope, z *Node) *Node {
	scope = scope.In("decoder")
	rev := make([]int, len(c.Hidden))
	for i, n := range c.Hidden {
		rev[len(rev)-1-i] = n
	}
	out := graph.Sigmoid(layers.DenseWithBias(scope.In("out"), mlp(scope, z, rev), c.Dim))
	out.AssertDims(-1, c.Dim)
	return out
}

// sqErr is the per-example squared error Σ_pixels (x̂ − x)², [B].
func sqErr(x, xhat *Node) *Node { return graph.ReduceSum(graph.Square(graph.Sub(xhat, x)), -1) }

// priorScale speeds up the fit of the code prior: Adam moves a parameter by about its learning
// rate per step whatever the gradient's size, and codes sit a few units from 0, so the prior is
// stored divided by priorScale (10: 0.01 per step at 1e-3; it keeps up with the codes' drift).
const priorScale = 10

// codePrior returns the fitted Gaussian's mean and log standard deviation, each [1, Latent]. They
// start at N(0, I); the variables (the values over priorScale) are trainable so that they are
// saved with the weights.
func (c Config) codePrior(scope *gm.Scope, g *graph.Graph) (mean, logStd *Node) {
	scope = scope.In("codes")
	zero := make([]float32, c.Latent)
	mean = graph.MulScalar(scope.VariableWithValue("mean", zero).ValueGraph(g), priorScale)
	logStd = graph.MulScalar(scope.VariableWithValue("log_std", zero).ValueGraph(g), priorScale)
	return graph.ExpandAxes(mean, 0), graph.ExpandAxes(logStd, 0)
}

// loss is the per-example training loss: the squared reconstruction error. Its value is exactly
// that; its gradient also fits the code prior to the batch's codes by maximum likelihood, added as
// nll − stop(nll), which is 0 in value and whose gradient reaches only the prior (the codes are
// held constant), so the reconstruction objective is untouched.
func (c Config) loss(scope *gm.Scope, x *Node) *Node {
	z := c.encode(scope, x)
	rec := sqErr(x, c.decode(scope, z))
	mean, logStd := c.codePrior(scope, x.Graph())
	u := graph.Div(graph.Sub(graph.StopGradient(z), mean), graph.Exp(logStd))
	nll := graph.Add(graph.MulScalar(graph.ReduceSum(graph.Square(u), -1), 0.5), graph.ReduceAllSum(logStd))
	return graph.Add(rec, graph.Sub(nll, graph.StopGradient(nll)))
}
