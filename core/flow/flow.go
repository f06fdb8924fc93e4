// Package flow holds the building blocks of normalising flows (RealNVP, Dinh et al. 2017; Glow,
// Kingma & Dhariwal 2018): invertible layers that each give z = f(x), x = f⁻¹(z) and
// log|det ∂f/∂x|, a stack of them, the dequantisation and logit preprocessing of images, and
// bits per dimension.
//
// Every layer works on any float dtype (the tests run them in float64 to check log-dets against
// finite-difference Jacobians) and on images channels-last [B, H, W, C]; the channel-wise layers
// (actnorm, channel coupling, 1x1 convolution) also work on vectors [B, D], which is how the 2-D
// flows use them. Nothing here uses graph.Softplus or other ops built on IsFinite, which ONNX
// Runtime (and so the page) lacks.
package flow

import (
	"math"

	"github.com/gomlx/gomlx/core/graph"
	gm "github.com/gomlx/gomlx/ml/model"
)

type Node = graph.Node

// Layer is one invertible step.
type Layer interface {
	// Forward maps x to z and returns log|det ∂z/∂x| per example, [B].
	Forward(scope *gm.Scope, x *Node) (z, logdet *Node)
	// Inverse maps z back to x; it reads the same variables as Forward in the same scope.
	Inverse(scope *gm.Scope, z *Node) *Node
	// Name says what the layer is ("coupling checkerboard/0", "actnorm", ...).
	Name() string
}

// Flow is a stack of layers, applied first to last on the way x → z. It is a Layer itself.
type Flow []Layer

func (f Flow) Name() string { return "flow" }

// scope of layer i: the index keeps two layers of one kind apart, the name keeps checkpoints
// readable.
func layerScope(scope *gm.Scope, i int, l Layer) *gm.Scope {
	return scope.In("%02d_%s", i, scopeName(l.Name()))
}

func scopeName(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == ' ' || c == '/' {
			out[i] = '_'
		}
	}
	return string(out)
}

// Forward maps x to z through every layer and sums their log-dets, [B].
func (f Flow) Forward(scope *gm.Scope, x *Node) (z, logdet *Node) {
	z, _, logdet = f.ForwardTrace(scope, x)
	return z, logdet
}

// ForwardTrace is Forward that also returns the output of every layer.
func (f Flow) ForwardTrace(scope *gm.Scope, x *Node) (z *Node, trace []*Node, logdet *Node) {
	logdet = graph.BroadcastToDims(graph.ScalarZero(x.Graph(), x.DType()), x.Shape().Dimensions[0])
	z = x
	for i, l := range f {
		var ld *Node
		z, ld = l.Forward(layerScope(scope, i, l), z)
		logdet = graph.Add(logdet, ld)
		trace = append(trace, z)
	}
	return z, trace, logdet
}

// Inverse maps z back to x, last layer first.
func (f Flow) Inverse(scope *gm.Scope, z *Node) *Node {
	x, _ := f.InverseTrace(scope, z)
	return x
}

// InverseTrace is Inverse that also returns what each layer's inverse produced, in the order
// they run (trace[0] is the input of the last layer).
func (f Flow) InverseTrace(scope *gm.Scope, z *Node) (x *Node, trace []*Node) {
	x = z
	for i := len(f) - 1; i >= 0; i-- {
		x = f[i].Inverse(layerScope(scope, i, f[i]), x)
		trace = append(trace, x)
	}
	return x, trace
}

// perExample sums x over every axis but the first: [B, ...] → [B].
func perExample(x *Node) *Node {
	axes := make([]int, 0, x.Rank()-1)
	for a := 1; a < x.Rank(); a++ {
		axes = append(axes, a)
	}
	return graph.ReduceSum(x, axes...)
}

// positions is how many times a per-channel transformation is applied to one example: H·W for
// images, 1 for vectors.
func positions(x *Node) int {
	n := 1
	for _, d := range x.Shape().Dimensions[1 : x.Rank()-1] {
		n *= d
	}
	return n
}

// StdNormalLogProb is log N(z; 0, I) per example, [B].
func StdNormalLogProb(z *Node) *Node {
	d := z.Shape().Size() / z.Shape().Dimensions[0]
	return graph.AddScalar(graph.MulScalar(perExample(graph.Square(z)), -0.5), -0.5*float64(d)*math.Log(2*math.Pi))
}

// Dequantize turns pixels k/255 (data.Images) into continuous values y = (k + u)/256 in [0, 1),
// with u ~ U[0, 1) given (made on the host, so runs are reproducible). A density p(y) then
// bounds the likelihood of the discrete pixels: log P(k) ≥ E_u[log p(y)] − D·log 256 (Theis et
// al. 2016), which BitsPerDim counts.
func Dequantize(pix, u *Node) *Node {
	return graph.MulScalar(graph.Add(graph.MulScalar(pix, 255), u), 1.0/256)
}

// BitsPerDim turns log p(y) of dequantised images y ∈ [0,1)^D (per example) into bits per
// dimension of the 8-bit pixels: (−log p(y) + D·log 256) / (D·log 2).
func BitsPerDim(logpY *Node, dims int) *Node {
	nats := graph.AddScalar(graph.Neg(logpY), float64(dims)*math.Log(256))
	return graph.MulScalar(nats, 1/(float64(dims)*math.Ln2))
}
