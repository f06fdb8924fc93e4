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
	if useIm2col(g) {
		y = convIm2col(x, w, stride)
	} else {
		y = graph.Convolve(x, w).StridePerAxis(stride, stride).PadSame().Done()
	}
	return graph.Add(y, graph.Reshape(b, 1, 1, 1, filters))
}

// useIm2col picks the implementation by backend: the pure-Go backend's own convolution runs
// ~1 GFLOP/s while its matmul runs ~80 (shared/notes/measured-2026-11.md), so there the
// convolution is rewritten as patches × matrix; ONNX Runtime and XLA have fast native kernels.
func useIm2col(g *graph.Graph) bool {
	return ForceIm2col || g.Backend().Name() == goBackendName
}

// goBackendName is what the pure-Go backend calls itself (compute v0.1.14).
const goBackendName = "Go Backend"

// ForceIm2col makes every backend use the im2col path (for tests and benchmarks).
var ForceIm2col = false

// convIm2col computes the convolution as one matmul: the k·k shifted (strided) views of the padded
// input are concatenated on the channel axis into patches [B·Ho·Wo, k·k·Cin], whose column order
// (dy, dx, cin) matches the kernel reshaped to [k·k·Cin, Cout]. Its gradient is GoMLX's autodiff
// of slices, concatenation and a matmul: all fast on the Go backend.
//
// Strided views are taken without strided slices, whose gradient (an interior-padded Pad) the Go
// backend runs slowly: the padded input is reshaped into its stride×stride phases
// [B, Hp/s, s, Wp/s, s, C], and view (dy, dx) is a unit-stride window of phase (dy%s, dx%s).
func convIm2col(x, w *Node, stride int) *Node {
	dims := x.Shape().Dimensions
	b, h, wd, cin := dims[0], dims[1], dims[2], dims[3]
	k, cout := w.Shape().Dimensions[0], w.Shape().Dimensions[3]
	p := (k - 1) / 2
	ho, wo := (h+stride-1)/stride, (wd+stride-1)/stride
	// Pad to (ho−1)·s + k rows (what the windows read), rounded up to a multiple of s.
	hp := roundUp((ho-1)*stride+k, stride)
	wp := roundUp((wo-1)*stride+k, stride)
	xp := x
	if hp != h || wp != wd || p > 0 {
		xp = graph.Pad(x, graph.ScalarZero(x.Graph(), x.DType()),
			graph.PadAxis{}, graph.PadAxis{Start: p, End: hp - h - p}, graph.PadAxis{Start: p, End: wp - wd - p}, graph.PadAxis{})
	}
	views := make([]*Node, 0, k*k)
	if stride == 1 {
		for dy := range k {
			for dx := range k {
				views = append(views, graph.Slice(xp, graph.AxisRange(),
					graph.AxisRange(dy, dy+ho), graph.AxisRange(dx, dx+wo), graph.AxisRange()))
			}
		}
	} else {
		phases := graph.Reshape(xp, b, hp/stride, stride, wp/stride, stride, cin)
		for dy := range k {
			for dx := range k {
				v := graph.Slice(phases, graph.AxisRange(),
					graph.AxisRange(dy/stride, dy/stride+ho), graph.AxisElem(dy%stride),
					graph.AxisRange(dx/stride, dx/stride+wo), graph.AxisElem(dx%stride),
					graph.AxisRange())
				views = append(views, graph.Reshape(v, b, ho, wo, cin))
			}
		}
	}
	patches := graph.Reshape(graph.Concatenate(views, -1), b*ho*wo, k*k*cin)
	y := graph.Dot(patches, graph.Reshape(w, k*k*cin, cout)).Product()
	return graph.Reshape(y, b, ho, wo, cout)
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
