package diffusion

import (
	"math"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	gm "github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"

	"genlab/core/nn"
)

type Node = graph.Node

// eps is the ε-network ε_θ(x_t, t): it predicts the noise that was added to x_0, from the noisy
// x_t ([B, H, W, C] for the U-Net, [B, D] for the MLP) and the step t ([B], as floats 1…T).
func (c Config) eps(scope *gm.Scope, x, t *Node) *Node {
	temb := timeEmbedding(scope.In("time"), t, c.TimeDim)
	if c.Net == "mlp" {
		return c.mlpEps(scope.In("mlp"), x, temb)
	}
	return c.unetEps(scope.In("unet"), x, temb)
}

// timeEmbedding is the Transformer's sinusoidal position encoding of t (Vaswani et al. 2017, as
// in DDPM), [sin(t·f_i), cos(t·f_i)] with f_i = 10000^(−i/(d/2)), followed by a two-layer MLP:
// [B] → [B, 4d].
func timeEmbedding(scope *gm.Scope, t *Node, d int) *Node {
	t.AssertRank(1)
	half := d / 2
	freqs := make([]float32, half)
	for i := range freqs {
		freqs[i] = float32(math.Exp(-math.Log(10000) * float64(i) / float64(half)))
	}
	arg := graph.Mul(graph.ExpandAxes(t, -1), graph.ExpandAxes(graph.Const(t.Graph(), freqs), 0)) // [B, d/2]
	e := graph.Concatenate([]*Node{graph.Sin(arg), graph.Cos(arg)}, -1)
	e = silu(layers.DenseWithBias(scope.In("fc1"), e, 4*d))
	return layers.DenseWithBias(scope.In("fc2"), e, 4*d)
}

// silu is x·σ(x) (a.k.a. swish), the activation of the DDPM U-Net. Written out so that every
// backend (ONNX Runtime included) runs the same plain ops.
func silu(x *Node) *Node { return graph.Mul(x, graph.Sigmoid(x)) }

// mlpEps is the ε-network of the 2-D toys: the embedding of t is added to every hidden layer.
func (c Config) mlpEps(scope *gm.Scope, x, temb *Node) *Node {
	d := x.Shape().Dimensions[1]
	h := x
	for i, n := range c.Hidden {
		s := scope.In("hidden%d", i)
		h = layers.DenseWithBias(s.In("x"), h, n)
		h = silu(graph.Add(h, layers.DenseWithBias(s.In("t"), silu(temb), n)))
	}
	out := layers.DenseWithBias(scope.In("out"), h, d)
	out.AssertDims(-1, d)
	return out
}

// unetEps is a small U-Net (Ronneberger et al. 2015, as adapted by DDPM and lucidrains'
// denoising-diffusion-pytorch): one residual block per resolution on the way down, each feeding a
// skip connection; a middle block at the coarsest resolution; on the way up each level
// concatenates its skip and runs another residual block. Down: a stride-2 3×3 convolution. Up:
// nearest-neighbour Upsample2x then a 3×3 convolution. With Attention, every block at the
// coarsest resolution is followed by self-attention.
//
// With Channels = [c0, c1, c2] on 28×28: 28×28×c0 → 14×14×c1 → 7×7×c2 and back. With Patch = 2
// the image is first folded into 2×2 patches (28×28×1 → 14×14×4, a reshape) and unfolded at the
// end: the convolutions then run at a quarter of the pixels, which is what makes training fit a
// CPU (the 28×28 level costs as much as the two below it, for the least semantic work).
func (c Config) unetEps(scope *gm.Scope, x, temb *Node) *Node {
	x.AssertRank(4)
	dims := x.Shape().Dimensions
	if c.Patch > 1 {
		x = spaceToDepth(x, c.Patch)
	}
	h := nn.Conv2D(scope.In("stem"), x, c.Channels[0], 3, 1)
	var skips []*Node
	last := len(c.Channels) - 1
	block := func(scope *gm.Scope, h *Node, ch, level int) *Node {
		h = c.resBlock(scope, h, temb, ch)
		if c.Attention && level == last {
			h = c.attention(scope.In("attn"), h)
		}
		return h
	}
	for i, ch := range c.Channels {
		for b := range c.Blocks {
			h = block(scope.In("down%d_%d", i, b), h, ch, i)
		}
		skips = append(skips, h)
		if i < last {
			h = nn.Conv2D(scope.In("downsample%d", i), h, c.Channels[i+1], 3, 2)
		}
	}
	h = block(scope.In("mid"), h, c.Channels[last], last)
	for i := last; i >= 0; i-- {
		h = graph.Concatenate([]*Node{h, skips[i]}, -1)
		for b := range c.Blocks {
			h = block(scope.In("up%d_%d", i, b), h, c.Channels[i], i)
		}
		if i > 0 {
			// Sizes halve exactly on the way down (Validate), so 2× restores the skip's size.
			h = nn.Conv2D(scope.In("upsample%d", i), nn.Upsample2x(h), c.Channels[i-1], 3, 1)
		}
	}
	h = silu(groupNorm(scope.In("out_norm"), h, c.Groups))
	out := nn.Conv2D(scope.In("out"), h, dims[3]*c.Patch*c.Patch, 3, 1)
	if c.Patch > 1 {
		out = depthToSpace(out, c.Patch)
	}
	out.AssertDims(dims...)
	return out
}

// resBlock is GroupNorm → SiLU → conv, plus a per-channel shift from the time embedding, then
// GroupNorm → SiLU → conv, added to the input (through a 1×1 conv when the width changes).
// The second convolution starts at zero (as in Nichol & Dhariwal's improved-diffusion), so a
// fresh block is the identity when widths match: a net grown by blocks (model.Grow) computes
// what it did before its first new step.
func (c Config) resBlock(scope *gm.Scope, x, temb *Node, cout int) *Node {
	cin := x.Shape().Dimensions[3]
	h := nn.Conv2D(scope.In("conv1"), silu(groupNorm(scope.In("norm1"), x, c.Groups)), cout, 3, 1)
	shift := layers.DenseWithBias(scope.In("time"), silu(temb), cout)
	h = graph.Add(h, graph.Reshape(shift, -1, 1, 1, cout))
	h = nn.Conv2D(scope.In("conv2").WithInitializer(initializer.Zero), silu(groupNorm(scope.In("norm2"), h, c.Groups)), cout, 3, 1)
	skip := x
	if cin != cout {
		skip = nn.Conv2D(scope.In("skip"), x, cout, 1, 1)
	}
	return graph.Add(h, skip)
}

// attention is single-head self-attention over the H·W positions of x [B, H, W, C] (Vaswani et
// al. 2017; DDPM's U-Net block): GroupNorm, then q, k, v as per-position projections,
// softmax(q·kᵀ/√C)·v, and an output projection that starts at zero, added to x — so a fresh
// block is the identity (and a net grown by it, model.Grow, starts as it was).
func (c Config) attention(scope *gm.Scope, x *Node) *Node {
	d := x.Shape().Dimensions
	b, n, ch := d[0], d[1]*d[2], d[3]
	h := graph.Reshape(groupNorm(scope.In("norm"), x, c.Groups), b, n, ch)
	q := layers.DenseWithBias(scope.In("q"), h, ch)
	k := layers.DenseWithBias(scope.In("k"), h, ch)
	v := layers.DenseWithBias(scope.In("v"), h, ch)
	w := graph.Softmax(graph.MulScalar(graph.Einsum("bqc,bkc->bqk", q, k), 1/math.Sqrt(float64(ch))), -1)
	o := layers.DenseWithBias(scope.In("out").WithInitializer(initializer.Zero), graph.Einsum("bqk,bkc->bqc", w, v), ch)
	o.AssertDims(b, n, ch)
	return graph.Add(x, graph.Reshape(o, d...))
}

// groupNorm normalises x [B, H, W, C] over (H, W, C/groups) per group (Wu & He 2018), with a
// learned per-channel scale and shift. It is computed as x·a + b with a, b per example and
// channel: the Go backend runs a broadcast over middle axes (x − mean[B,1,1,G,1]) element by
// element through an index iterator, and this form has two such operations where the textbook
// one had a subtract, a divide and a scale (~10% of a ddpm-digits step saved). The variance is
// E[x²] − E[x]² (clamped at 0): activations here are O(1), far from float32's cancellation.
func groupNorm(scope *gm.Scope, x *Node, groups int) *Node {
	d := x.Shape().Dimensions
	b, h, w, ch := d[0], d[1], d[2], d[3]
	g := min(groups, ch)
	for ch%g != 0 {
		g--
	}
	xg := graph.Reshape(x, b, h*w, g, ch/g)
	mean := graph.ReduceMean(xg, 1, 3)                                                  // [B, G]
	variance := graph.Sub(graph.ReduceMean(graph.Square(xg), 1, 3), graph.Square(mean)) // [B, G]
	variance = graph.Max(variance, graph.ZerosLike(variance))
	rstd := graph.Inverse(graph.Sqrt(graph.AddScalar(variance, 1e-5)))
	ones := make([]float32, ch)
	for i := range ones {
		ones[i] = 1
	}
	gamma := scope.VariableWithValue("gamma", tensors.FromFlatDataAndDimensions(ones, ch)).NodeValue(x.Graph())
	beta := scope.VariableWithShape("beta", shapes.Make(x.DType(), ch)).NodeValue(x.Graph())
	// a = γ·rstd, b = β − mean·a, per example and channel.
	perChannel := func(v *Node) *Node { // [B, G] → [B, G, C/G]
		return graph.BroadcastToDims(graph.Reshape(v, b, g, 1), b, g, ch/g)
	}
	a := graph.Mul(perChannel(rstd), graph.Reshape(gamma, 1, g, ch/g))
	shift := graph.Sub(graph.Reshape(beta, 1, g, ch/g), graph.Mul(perChannel(mean), a))
	full := func(v *Node) *Node { return graph.Reshape(v, b, 1, 1, ch) } // [B, G, C/G] → [B, 1, 1, C]
	return graph.Add(graph.Mul(x, full(a)), full(shift))
}

// simpleLoss is the per-example "simple" objective of Ho et al. (2020, eq. 14):
// ‖ε − ε_θ(√ᾱ_t·x_0 + √(1−ᾱ_t)·ε, t)‖² averaged over dimensions. x0 and eps have the image (or
// point) shape; t, sqrtAB = √ᾱ_t and sqrt1mAB = √(1−ᾱ_t) are [B].
func (c Config) simpleLoss(scope *gm.Scope, x0, eps, t, sqrtAB, sqrt1mAB *Node) *Node {
	bshape := make([]int, x0.Rank())
	for i := range bshape {
		bshape[i] = 1
	}
	bshape[0] = -1
	xt := graph.Add(graph.Mul(x0, graph.Reshape(sqrtAB, bshape...)), graph.Mul(eps, graph.Reshape(sqrt1mAB, bshape...)))
	diff := graph.Sub(c.eps(scope, xt, t), eps)
	axes := make([]int, x0.Rank()-1)
	for i := range axes {
		axes[i] = i + 1
	}
	return graph.ReduceMean(graph.Square(diff), axes...)
}

// spaceToDepth folds p×p blocks into channels: [B, H, W, C] → [B, H/p, W/p, p·p·C].
func spaceToDepth(x *Node, p int) *Node {
	d := x.Shape().Dimensions
	y := graph.Reshape(x, d[0], d[1]/p, p, d[2]/p, p, d[3])
	y = graph.TransposeAllDims(y, 0, 1, 3, 2, 4, 5)
	return graph.Reshape(y, d[0], d[1]/p, d[2]/p, p*p*d[3])
}

// depthToSpace is the inverse of spaceToDepth: [B, H, W, p·p·C] → [B, H·p, W·p, C].
func depthToSpace(x *Node, p int) *Node {
	d := x.Shape().Dimensions
	c := d[3] / (p * p)
	y := graph.Reshape(x, d[0], d[1], d[2], p, p, c)
	y = graph.TransposeAllDims(y, 0, 1, 3, 2, 4, 5)
	return graph.Reshape(y, d[0], d[1]*p, d[2]*p, c)
}
