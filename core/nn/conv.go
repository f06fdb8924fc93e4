// Package nn holds the layers model families share. Its centrepiece is the one convolution every
// conv model uses.
package nn

import (
	"fmt"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	gm "github.com/gomlx/gomlx/ml/model"
)

type Node = graph.Node

// Conv2D is a k×k convolution with "same" padding ((k−1)/2 zeros each side) and the given stride,
// on channels-last images x [B, H, W, Cin], with a bias: [B, ⌈H/s⌉, ⌈W/s⌉, filters].
//
// Weights are "weights" [k, k, Cin, filters] and "biases" [filters] in scope, the layout of
// GoMLX's layers.Convolution, so either implementation below reads the same checkpoint.
func Conv2D(scope *gm.Scope, x *Node, filters, k, stride int) *Node {
	x.AssertRank(4)
	if k%2 != 1 || stride < 1 {
		panic(fmt.Sprintf("nn.Conv2D: kernel %d must be odd and stride %d positive", k, stride))
	}
	cin := x.Shape().Dimensions[3]
	g := x.Graph()
	w := scope.VariableWithShape("weights", shapes.Make(x.DType(), k, k, cin, filters)).NodeValue(g)
	b := scope.VariableWithShape("biases", shapes.Make(x.DType(), filters)).NodeValue(g)
	var y *Node
	if useIm2col(g, stride) {
		y = convIm2col(x, w, stride)
	} else {
		y = graph.Convolve(x, w).StridePerAxis(stride, stride).PadSame().Done()
	}
	return graph.Add(y, graph.Reshape(b, 1, 1, 1, filters))
}

// useIm2col picks the implementation by backend: the pure-Go backend's own convolution runs
// ~1 GFLOP/s while its matmul runs ~80 (shared/notes/measured-2026-11.md), so there the
// convolution is rewritten as patches × matrix; ONNX Runtime and XLA have fast native kernels,
// except that GoMLX's ONNX backend can't differentiate a strided convolution ("input dilations
// > 1 not supported by ONNX Conv"): strided convolutions take the im2col path everywhere.
func useIm2col(g *graph.Graph, stride int) bool {
	return ForceIm2col || stride > 1 || g.Backend().Name() == goBackendName
}

// goBackendName is what the pure-Go backend calls itself (compute v0.1.14).
const goBackendName = "Go Backend"

// ForceIm2col makes every backend use the im2col path (for tests and benchmarks).
var ForceIm2col = false

// convIm2col computes the convolution from the k·k shifted (strided) views of the padded input.
// Strided (and 1×1) convolutions concatenate them on the channel axis into patches
// [B·Ho·Wo, k·k·Cin], whose column order (dy, dx, cin) matches the kernel reshaped to
// [k·k·Cin, Cout], for one matmul; stride-1 ones sum a matmul per view instead (convTaps).
//
// Every data movement is a Pad (positive to pad, negative to crop): the Go backend runs Pad and
// Concatenate as block copies but Slice element by element, and its gradient of a Slice or a Pad
// is the other one. So the views, the concatenation and the matmul carry their own gradients
// (vjp.go): crops ↔ pads, and a weight gradient that transposes the small operand.
//
// Strided views are taken from the padded input reshaped into its stride×stride phases
// [B, Hp/s, s, Wp/s, s, C]: view (dy, dx) is a unit-stride window of phase (dy%s, dx%s).
func convIm2col(x, w *Node, stride int) *Node {
	dims := x.Shape().Dimensions
	b, h, wd, cin := dims[0], dims[1], dims[2], dims[3]
	k, cout := w.Shape().Dimensions[0], w.Shape().Dimensions[3]
	p := (k - 1) / 2
	ho, wo := (h+stride-1)/stride, (wd+stride-1)/stride
	// Pad to (ho−1)·s + k rows (what the windows read), rounded up to a multiple of s.
	hp := roundUp((ho-1)*stride+k, stride)
	wp := roundUp((wo-1)*stride+k, stride)
	xp := padCrop(x, []int{0, p, p, 0}, []int{0, hp - h - p, wp - wd - p, 0})
	views := make([]*Node, 0, k*k)
	phases := graph.Reshape(xp, b, hp/stride, stride, wp/stride, stride, cin)
	for dy := range k {
		for dx := range k {
			if stride == 1 && dy == p && dx == p { // the centre view is x: no copy, and no gradient to pad back
				views = append(views, graph.Reshape(x, b*ho*wo, cin))
				continue
			}
			v := crop(phases, []int{0, dy / stride, dy % stride, dx / stride, dx % stride, 0},
				[]int{b, ho, 1, wo, 1, cin})
			views = append(views, graph.Reshape(v, b*ho*wo, cin))
		}
	}
	if stride == 1 && k > 1 {
		return convTaps(x, views, w)
	}
	patches := concat(views)
	wm := graph.Reshape(w, k*k*cin, cout)
	return graph.Reshape(matmul(patches, wm, nil), b, ho, wo, cout)
}

// convTaps is a stride-1 convolution as a sum over the kernel's taps of view × W[dy, dx]: nine
// matmuls with K = Cin instead of one with K = 9·Cin, so the views are never concatenated. The Go
// backend copies a concatenation on the channel axis one pixel's Cin floats at a time, which took
// as long as the matmul; the sum of nine [N, Cout] products runs in SIMD (conv fwd+bwd measured
// in docs/performance.md).
//
// The input gradient is itself a convolution: of the output gradient with the kernel flipped in
// space and transposed in channels, sent through the centre view (x itself); the other views get
// none (nil), where scattering it back would cost 8 pads and 8 sums. The weight gradients share
// one transpose of the output gradient (see matmul).
func convTaps(x *Node, views []*Node, w *Node) *Node {
	dims := x.Shape().Dimensions
	b, h, wd, cin := dims[0], dims[1], dims[2], dims[3]
	k, cout := w.Shape().Dimensions[0], w.Shape().Dimensions[3]
	centre := (k - 1) / 2 * (k + 1)
	shared := &transposed{}
	var y *Node
	for i, v := range views {
		wt := graph.Reshape(graph.Slice(w, graph.AxisElem(i/k), graph.AxisElem(i%k)), cin, cout)
		gradA := func(*Node) *Node { return nil }
		if i == centre {
			gradA = func(dy *Node) *Node {
				flipped := graph.Transpose(graph.Reverse(w, 0, 1), 2, 3) // [k, k, Cout, Cin]
				return graph.Reshape(convIm2col(graph.Reshape(dy, b, h, wd, cout), flipped, 1), b*h*wd, cin)
			}
		}
		t := matmulShared(v, wt, gradA, shared)
		if y == nil {
			y = t
		} else {
			y = graph.Add(y, t)
		}
	}
	return graph.Reshape(y, b, h, wd, cout)
}

func roundUp(n, m int) int { return (n + m - 1) / m * m }

// Upsample2x repeats each pixel of x [B, H, W, C] into a 2×2 block: the nearest-neighbour
// upsampling that, followed by a Conv2D, replaces transposed convolutions (no checkerboard
// artefacts, and gradients are plain sums).
func Upsample2x(x *Node) *Node {
	x.AssertRank(4)
	d := x.Shape().Dimensions
	y := graph.BroadcastToDims(graph.Reshape(x, d[0], d[1], 1, d[2], 1, d[3]), d[0], d[1], 2, d[2], 2, d[3])
	return graph.Reshape(y, d[0], 2*d[1], 2*d[2], d[3])
}
