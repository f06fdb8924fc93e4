// Package gan is the generative adversarial network (Goodfellow et al. 2014): a generator G maps
// noise z ~ N(0, I) to data, a discriminator D tells data from G's samples, and the two play
//
//	min_G max_D V(D, G) = E_x log D(x) + E_z log(1 − D(G(z)))
//
// trained as the paper's Algorithm 1 (k discriminator steps per generator step). Images use the
// DCGAN layout (Radford et al. 2016): strided convolutions in D, upsampling + convolutions in G.
// With Classes > 0 both players see the label (conditional GAN, Mirza & Osindero 2014). A small
// MLP variant plays the game on vectors (1-D and 2-D toy densities: the theory tests, the page).
package gan

import (
	"fmt"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/nn"
)

// Config is the architecture and the game's schedule; it is saved with the weights.
type Config struct {
	Arch     string `json:"arch"`     // "dcgan" (images) or "mlp" (vectors).
	Side     int    `json:"side"`     // dcgan: images are Side×Side×Channels; Side divisible by 4.
	Channels int    `json:"channels"` // dcgan: 1 grey, 3 colour.
	Dim      int    `json:"dim"`      // mlp: size of one data vector.
	Latent   int    `json:"latent"`   // Size of z.
	Classes  int    `json:"classes"`  // > 0: conditional on a label 0..Classes−1.
	Width    int    `json:"width"`    // dcgan: feature maps of D's first layer (2× in its second; G mirrors); mlp: hidden units.
	K        int    `json:"k"`        // Discriminator steps per generator step (Algorithm 1's k).
	Loss     string `json:"loss"`     // Generator loss: "nonsaturating" (−log D(G(z))) or "saturating" (log(1 − D(G(z)))).
	// EMA is the decay of a moving average of G's weights that sampling uses (0: sample from G's
	// own weights). Averaging smooths the game's oscillation: the average generator draws cleaner
	// digits than the last iterate (Yazıcı et al. 2019, "The unusual effectiveness of averaging in
	// GAN training").
	EMA float64 `json:"ema"`
	// Norm is G's normalisation after each hidden layer: "" none, "pixel" nn.PixelNorm. The
	// conditional GAN without it collapsed to all-black digits within 500 steps: G's activations
	// grew until its sigmoid output saturated, where no gradient reaches it (DCGAN's authors saw the
	// same collapse without batch normalisation; pixel norm needs no batch statistics). Always
	// saved: cgan-digits and dcgan-faces default to "pixel", and a saved config is read over
	// the defaults, so an omitted "" would come back as pixel norm.
	Norm string `json:"norm"`
}

// Generator losses.
const (
	NonSaturating = "nonsaturating"
	Saturating    = "saturating"
)

// DigitsConfig is gan-digits: 28x28 grey, G 100 → 7x7x64 → 14x14x32 → 28x28x16 → 28x28x1,
// D 28x28x1 → 14x14x32 → 7x7x64 → 1; ~0.2 M parameters. Small enough for a 2-core CPU.
var DigitsConfig = Config{Arch: "dcgan", Side: 28, Channels: 1, Latent: 64, Width: 32, K: 1, Loss: NonSaturating, EMA: 0.999}

func (c Config) validate() error {
	switch {
	case c.Arch != "dcgan" && c.Arch != "mlp":
		return fmt.Errorf("gan config: arch %q (valid: dcgan, mlp)", c.Arch)
	case c.Arch == "dcgan" && (c.Side < 4 || c.Side%4 != 0 || c.Side > 256 || c.Channels < 1 || c.Channels > 4):
		return fmt.Errorf("gan config: dcgan needs side divisible by 4 (≤ 256) and 1–4 channels, got %d×%d", c.Side, c.Channels)
	case c.Arch == "dcgan" && c.Width < 2:
		return fmt.Errorf("gan config: dcgan width %d must be ≥ 2", c.Width)
	case c.Arch == "mlp" && (c.Dim < 1 || c.Dim > 1<<16):
		return fmt.Errorf("gan config: mlp dim %d out of range", c.Dim)
	case c.Latent < 1 || c.Latent > 4096 || c.Width < 1 || c.Width > 4096 || c.Classes < 0 || c.Classes > 1000:
		return fmt.Errorf("gan config %+v out of range", c)
	case c.EMA < 0 || c.EMA >= 1:
		return fmt.Errorf("gan config: ema %g out of range [0, 1)", c.EMA)
	case c.Norm != "" && c.Norm != "pixel":
		return fmt.Errorf("gan config: norm %q (valid: \"\", pixel)", c.Norm)
	case c.K < 1:
		return fmt.Errorf("gan config: k %d must be ≥ 1", c.K)
	case c.Loss != NonSaturating && c.Loss != Saturating:
		return fmt.Errorf("gan config: loss %q (valid: %s, %s)", c.Loss, NonSaturating, Saturating)
	}
	return nil
}

// dim is the size of one data vector (flattened image).
func (c Config) dim() int {
	if c.Arch == "mlp" {
		return c.Dim
	}
	return c.Side * c.Side * c.Channels
}

type Node = graph.Node

func leaky(x *Node) *Node { return activation.LeakyReluWith(x, 0.2) }

// generate maps z [B, Latent] (and one-hot labels [B, Classes] when conditional, else nil) to
// data [B, dim]: pixels in [0, 1] for images, unbounded values for vectors.
func (c Config) generate(scope *gm.Scope, z, onehot *Node) *Node {
	scope = scope.At("generator") // At: D's and G's graphs may visit a player more than once.
	b := z.Shape().Dimensions[0]
	h := z
	if onehot != nil {
		h = graph.Concatenate([]*Node{z, onehot}, -1)
	}
	if c.Arch == "mlp" {
		h = activation.Relu(layers.DenseWithBias(scope.In("hidden0"), h, c.Width))
		h = activation.Relu(layers.DenseWithBias(scope.In("hidden1"), h, c.Width))
		return layers.DenseWithBias(scope.In("out"), h, c.Dim)
	}
	norm := func(h *Node) *Node { return h }
	if c.Norm == "pixel" {
		norm = nn.PixelNorm
	}
	s := c.Side / 4
	h = activation.Relu(layers.DenseWithBias(scope.In("project"), h, s*s*2*c.Width))
	h = norm(graph.Reshape(h, b, s, s, 2*c.Width))
	h = norm(activation.Relu(nn.Conv2D(scope.In("up0"), nn.Upsample2x(h), c.Width, 3, 1)))
	h = norm(activation.Relu(nn.Conv2D(scope.In("up1"), nn.Upsample2x(h), max(1, c.Width/2), 3, 1)))
	h = graph.Sigmoid(nn.Conv2D(scope.In("out"), h, c.Channels, 3, 1))
	h.AssertDims(b, c.Side, c.Side, c.Channels)
	return graph.Reshape(h, b, c.dim())
}

// discriminate maps data x [B, dim] (and labels, as in generate) to the logit of D(x), [B].
func (c Config) discriminate(scope *gm.Scope, x, onehot *Node) *Node {
	scope = scope.At("discriminator") // Called on real and generated data in one graph.
	b := x.Shape().Dimensions[0]
	var h *Node
	if c.Arch == "mlp" {
		h = x
		if onehot != nil {
			h = graph.Concatenate([]*Node{h, onehot}, -1)
		}
		h = leaky(layers.DenseWithBias(scope.In("hidden0"), h, c.Width))
		h = leaky(layers.DenseWithBias(scope.In("hidden1"), h, c.Width))
	} else {
		h = graph.Reshape(x, b, c.Side, c.Side, c.Channels)
		if onehot != nil { // The label as constant planes beside the pixels.
			planes := graph.BroadcastToDims(graph.Reshape(onehot, b, 1, 1, c.Classes), b, c.Side, c.Side, c.Classes)
			h = graph.Concatenate([]*Node{h, planes}, -1)
		}
		h = leaky(nn.Conv2D(scope.In("conv0"), h, c.Width, 3, 2))
		h = leaky(nn.Conv2D(scope.In("conv1"), h, 2*c.Width, 3, 2))
		h.AssertDims(b, c.Side/4, c.Side/4, 2*c.Width)
		h = graph.Reshape(h, b, -1)
		if onehot != nil {
			h = graph.Concatenate([]*Node{h, onehot}, -1)
		}
	}
	logit := graph.Reshape(layers.DenseWithBias(scope.In("logit"), h, 1), b)
	return logit
}

// discriminatorLoss is −[log D(x) + log(1 − D(x̃))] per pair of a real x and a generated x̃, [B]:
// its mean is −V(D, G), which D minimises. With logits l, log D = −softplus(−l) and
// log(1 − D) = −softplus(l), stable for any l.
func (c Config) discriminatorLoss(scope *gm.Scope, real, fake, onehot *Node) *Node {
	lReal := c.discriminate(scope, real, onehot)
	lFake := c.discriminate(scope, fake, onehot)
	return graph.Add(nn.Softplus(graph.Neg(lReal)), nn.Softplus(lFake))
}

// generatorLoss is G's loss per generated sample from D's logits on it, [B]. The minimax game's
// own loss, log(1 − D(G(z))), saturates: when D confidently rejects G's samples early on, its
// gradient vanishes. The non-saturating −log D(G(z)) has the same fixed point and strong
// gradients there (Goodfellow et al. 2014, section 3).
func (c Config) generatorLoss(fakeLogits *Node) *Node {
	if c.Loss == Saturating {
		return graph.Neg(nn.Softplus(fakeLogits))
	}
	return nn.Softplus(graph.Neg(fakeLogits))
}
