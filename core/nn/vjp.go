package nn

import (
	"fmt"
	"slices"
	"sync"
	"weak"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
)

// Per-node gradients. GoMLX v0.28 only lets a program give an identity node a custom gradient, but
// the im2col convolution needs three of its own (see convIm2col): a crop whose gradient is a pad,
// a concatenation whose gradient is crops, and a matmul whose weight gradient contracts the
// smaller operand's transpose. graph.VJPRegistration is documented as changeable; the wrappers
// installed below answer for the nodes registered with withVJP and leave every other node of
// these types to GoMLX's own gradient.
var (
	vjpMu    sync.Mutex
	nodeVJPs = map[weak.Pointer[Node]]graph.SingleOutputVJP{} // weak: graphs are rebuilt, nodes die
)

var hooked = []graph.NodeType{graph.NodeTypePad, graph.NodeTypeConcatenate, graph.NodeTypeDotGeneral}

func init() {
	for _, t := range hooked {
		builtin := graph.VJPRegistration[t]
		graph.VJPRegistration[t] = func(node *Node, vs []*Node, out shapes.Shape) []*Node {
			vjpMu.Lock()
			fn := nodeVJPs[weak.Make(node)]
			vjpMu.Unlock()
			if fn == nil {
				return builtin(node, vs, out)
			}
			return fn(node, vs[0], out)
		}
	}
}

// withVJP makes fn the gradient of node (a Pad, Concatenate or DotGeneral) and returns node.
func withVJP(node *Node, fn graph.SingleOutputVJP) *Node {
	if !slices.Contains(hooked, node.Type()) {
		panic(fmt.Sprintf("nn.withVJP: a %s node can't have its own gradient", node.Type()))
	}
	vjpMu.Lock()
	defer vjpMu.Unlock()
	// Forget entries of nodes collected since: keeps the table the size of the live graphs.
	for k := range nodeVJPs {
		if k.Value() == nil {
			delete(nodeVJPs, k)
		}
	}
	nodeVJPs[weak.Make(node)] = fn
	return node
}

// padCrop pads (positive lo/hi) or crops (negative) each axis of x with zeros. Both directions
// are one Pad, which the Go backend runs as block copies (its Slice copies element by element);
// the gradient is the same operation with the signs flipped.
func padCrop(x *Node, lo, hi []int) *Node {
	cfg := make([]compute.PadAxis, x.Rank())
	ilo, ihi := make([]int, x.Rank()), make([]int, x.Rank())
	for i := range cfg {
		cfg[i] = compute.PadAxis{Start: lo[i], End: hi[i]}
		ilo[i], ihi[i] = -lo[i], -hi[i]
	}
	if !slices.ContainsFunc(lo, nonZero) && !slices.ContainsFunc(hi, nonZero) {
		return x
	}
	y := graph.Pad(x, padValue(x, lo, hi), cfg...)
	return withVJP(y, func(node, v *Node, _ shapes.Shape) []*Node {
		return []*Node{padCrop(v, ilo, ihi), graph.ZerosLike(node.Inputs()[1])}
	})
}

// padValue is 0, except for pure crops, which fill nothing: there it is 1, because the Go backend
// pre-fills a Pad's output with its value and does so element by element for 0 but with block
// copies for any other value (compute v0.1.14).
func padValue(x *Node, lo, hi []int) *Node {
	for i := range lo {
		if lo[i] > 0 || hi[i] > 0 {
			return graph.ScalarZero(x.Graph(), x.DType())
		}
	}
	return graph.ScalarOne(x.Graph(), x.DType())
}

// crop takes x[start[i] : start[i]+size[i]] on every axis.
func crop(x *Node, start, size []int) *Node {
	d := x.Shape().Dimensions
	lo, hi := make([]int, len(d)), make([]int, len(d))
	for i := range d {
		lo[i], hi[i] = -start[i], -(d[i] - start[i] - size[i])
	}
	return padCrop(x, lo, hi)
}

// concat joins xs on the last axis; its gradient crops each part back out.
func concat(xs []*Node) *Node {
	if len(xs) == 1 {
		return xs[0]
	}
	y := graph.Concatenate(xs, -1)
	return withVJP(y, func(node, v *Node, _ shapes.Shape) []*Node {
		d := v.Shape().Dimensions
		last := len(d) - 1
		start, size := make([]int, len(d)), slices.Clone(d)
		grads := make([]*Node, len(xs))
		for i, x := range node.Inputs() {
			size[last] = x.Shape().Dimensions[last]
			grads[i] = crop(v, start, size)
			start[last] += size[last]
		}
		return grads
	})
}

// matmul is a [N, K] × b [K, M] for a large N (pixels) and small K, M (channels). Its weight
// gradient aᵀ·v contracts over N; the Go backend's matmul wants the contracted axis last on the
// left, so it is computed as (vᵀ·a)ᵀ, transposing v [N, M] instead of GoMLX's choice, a [N, K]
// (K = 9·M for a 3×3 kernel). gradA, when not nil, replaces the gradient to a, v·bᵀ.
func matmul(a, b *Node, gradA func(v *Node) *Node) *Node {
	return matmulShared(a, b, gradA, &transposed{})
}

// transposed remembers vᵀ for the matmuls of one convolution, which all receive the same output
// gradient v (their sum's): one transpose instead of one per tap.
type transposed struct{ v, vt *Node }

func (t *transposed) of(v *Node) *Node {
	if t.v != v {
		t.v, t.vt = v, graph.Transpose(v, 0, 1)
	}
	return t.vt
}

// matmulShared is matmul with vᵀ shared through t.
func matmulShared(a, b *Node, gradA func(v *Node) *Node, t *transposed) *Node {
	y := graph.Dot(a, b).Product()
	return withVJP(y, func(node, v *Node, _ shapes.Shape) []*Node {
		a, b := node.Inputs()[0], node.Inputs()[1]
		db := graph.Transpose(graph.DotGeneral(t.of(v), []int{1}, nil, a, []int{0}, nil), 0, 1) // [K, M]
		if gradA != nil {
			return []*Node{gradA(v), db}
		}
		return []*Node{graph.DotGeneral(v, []int{1}, nil, b, []int{1}, nil), db} // v·bᵀ [N, K]
	})
}

func nonZero(n int) bool { return n != 0 }
