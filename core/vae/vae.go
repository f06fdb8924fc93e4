// Package vae is the variational autoencoder (Kingma & Welling 2014) on binarised digits: an MLP
// encoder q(z|x) = N(mu, diag exp(logvar)), a standard normal prior, an MLP Bernoulli decoder
// p(x|z), trained on the ELBO with the reparameterisation trick and the KL term in closed form.
package vae

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"

	"genlab/core/nn"
	gm "github.com/gomlx/gomlx/ml/model"
)

// Config is the architecture; it is saved with the weights.
type Config struct {
	Dim    int   `json:"dim"`    // Pixels per image (784 for digits).
	Hidden []int `json:"hidden"` // Hidden layer sizes of the encoder; the decoder mirrors them.
	Latent int   `json:"latent"` // Size of z.
}

// DefaultConfig is vae-digits: 784-512-256-(32) and back, ~1.1M parameters (4.4 MB).
var DefaultConfig = Config{Dim: 784, Hidden: []int{512, 256}, Latent: 32}

type Node = graph.Node

func mlp(scope *gm.Scope, x *Node, sizes []int) *Node {
	for i, n := range sizes {
		x = activation.Relu(layers.DenseWithBias(scope.In("hidden%d", i), x, n))
	}
	return x
}

// encode maps x [B, Dim] to the posterior's mean and log-variance, each [B, Latent].
func (c Config) encode(scope *gm.Scope, x *Node) (mu, logvar *Node) {
	scope = scope.In("encoder")
	h := mlp(scope, x, c.Hidden)
	mu = layers.DenseWithBias(scope.In("mu"), h, c.Latent)
	logvar = layers.DenseWithBias(scope.In("logvar"), h, c.Latent)
	return mu, logvar
}

// decode maps z [B, Latent] to the Bernoulli logits of each pixel, [B, Dim].
func (c Config) decode(scope *gm.Scope, z *Node) *Node {
	scope = scope.In("decoder")
	rev := make([]int, len(c.Hidden))
	for i, n := range c.Hidden {
		rev[len(rev)-1-i] = n
	}
	logits := layers.DenseWithBias(scope.In("out"), mlp(scope, z, rev), c.Dim)
	logits.AssertDims(-1, c.Dim)
	return logits
}

// klToPrior is KL(N(mu, exp(logvar)) || N(0, I)) in closed form, per example.
func klToPrior(mu, logvar *Node) *Node {
	t := graph.Sub(graph.Add(graph.Square(mu), graph.Exp(logvar)), graph.OnesLike(mu))
	return graph.MulScalar(graph.ReduceSum(graph.Sub(t, logvar), -1), 0.5)
}

// negELBO is the per-example loss −ELBO = −E_q[log p(x|z)] + KL(q||p), estimated with one
// reparameterised sample z = mu + exp(logvar/2)·eps (eps given, [B, Latent]).
func (c Config) negELBO(scope *gm.Scope, x, eps *Node) *Node {
	mu, logvar := c.encode(scope, x)
	z := graph.Add(mu, graph.Mul(graph.Exp(graph.MulScalar(logvar, 0.5)), eps))
	return graph.Sub(klToPrior(mu, logvar), nn.BernoulliLogProb(x, c.decode(scope, z)))
}

// logWeights are the importance weights log p(x, z_k) − log q(z_k | x) of K posterior samples per
// example (eps [B, K, Latent]), [B, K]: the IWAE bound is their log-mean-exp.
func (c Config) logWeights(scope *gm.Scope, x, eps *Node) *Node {
	b, k := eps.Shape().Dimensions[0], eps.Shape().Dimensions[1]
	mu, logvar := c.encode(scope, x)
	mu, logvar = graph.ExpandAxes(mu, 1), graph.ExpandAxes(logvar, 1)
	z := graph.Add(mu, graph.Mul(graph.Exp(graph.MulScalar(logvar, 0.5)), eps)) // [B, K, L]
	logits := graph.Reshape(c.decode(scope, graph.Reshape(z, b*k, c.Latent)), b, k, c.Dim)
	xk := graph.BroadcastToDims(graph.ExpandAxes(x, 1), b, k, c.Dim)
	logPx := nn.BernoulliLogProb(xk, logits)
	// log p(z) − log q(z|x): the 2π terms cancel.
	logPz := graph.MulScalar(graph.ReduceSum(graph.Square(z), -1), -0.5)
	logQz := graph.MulScalar(graph.ReduceSum(graph.Add(graph.Square(eps), logvar), -1), -0.5)
	return graph.Add(logPx, graph.Sub(logPz, logQz))
}
