package flow

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	gm "github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// ---- ActNorm ----

// ActNorm (Glow) is a per-channel affine map z = (x + b)·exp(s) whose parameters are set from the
// first batch so that z has zero mean and unit variance per channel (data-dependent
// initialisation), then trained. log|det| = positions · Σ s.
type ActNorm struct{}

func (ActNorm) Name() string { return "actnorm" }

// initKey is the graph parameter that puts every ActNorm into its initialisation mode.
const initKey = "flow_actnorm_init"

// SetInitMode makes the ActNorm layers of the graph being built compute their parameters from the
// batch and store them (the Exec writes the variables back): run one such graph on a first batch
// before training.
func SetInitMode(scope *gm.Scope, g *graph.Graph) {
	scope.Store().RootScope().SetGraphParam(g, initKey, true)
}

func (ActNorm) params(scope *gm.Scope, x *Node) (b, s *Node) {
	c := x.Shape().Dimensions[x.Rank()-1]
	g := x.Graph()
	zero := scope.WithInitializer(initializer.Zero)
	bv := zero.VariableWithShape("bias", shapes.Make(x.DType(), c))
	sv := zero.VariableWithShape("logscale", shapes.Make(x.DType(), c))
	if gm.GetGraphParamOr(scope, g, initKey, false) {
		axes := make([]int, x.Rank()-1)
		for i := range axes {
			axes[i] = i
		}
		mean := graph.ReduceMean(x, axes...)
		variance := graph.ReduceMean(graph.Square(graph.Sub(x, broadcastChannels(mean, x.Rank()))), axes...)
		b = graph.Neg(mean)
		s = graph.MulScalar(graph.Log(graph.AddScalar(variance, 1e-6)), -0.5)
		bv.SetNodeValue(b)
		sv.SetNodeValue(s)
		return b, s
	}
	return bv.NodeValue(g), sv.NodeValue(g)
}

// broadcastChannels reshapes a per-channel vector [C] to [1, ..., 1, C] of the given rank.
func broadcastChannels(v *Node, rank int) *Node {
	dims := make([]int, rank)
	for i := range dims {
		dims[i] = 1
	}
	dims[rank-1] = v.Shape().Dimensions[0]
	return graph.Reshape(v, dims...)
}

func (a ActNorm) Forward(scope *gm.Scope, x *Node) (z, logdet *Node) {
	b, s := a.params(scope, x)
	z = graph.Mul(graph.Add(x, broadcastChannels(b, x.Rank())), broadcastChannels(graph.Exp(s), x.Rank()))
	return z, perChannelLogdet(graph.ReduceAllSum(s), x)
}

func (a ActNorm) Inverse(scope *gm.Scope, z *Node) *Node {
	b, s := a.params(scope, z)
	return graph.Sub(graph.Mul(z, broadcastChannels(graph.Exp(graph.Neg(s)), z.Rank())), broadcastChannels(b, z.Rank()))
}

// perChannelLogdet is the log-det of a per-channel map with log|det| sum applied at every position:
// positions·sum for each example, [B].
func perChannelLogdet(sum *Node, x *Node) *Node {
	return graph.BroadcastToDims(graph.MulScalar(sum, float64(positions(x))), x.Shape().Dimensions[0])
}

func zeroLogdet(x *Node) *Node {
	return graph.BroadcastToDims(graph.ScalarZero(x.Graph(), x.DType()), x.Shape().Dimensions[0])
}

// ---- Squeeze ----

// Squeeze trades space for channels: each 2×2 block of pixels becomes one pixel with 4C channels,
// [B, H, W, C] → [B, H/2, W/2, 4C], channel (2·dy + dx)·C + c. A permutation: log|det| = 0.
type Squeeze struct{}

func (Squeeze) Name() string { return "squeeze" }

func (Squeeze) Forward(_ *gm.Scope, x *Node) (z, logdet *Node) { return squeeze(x), zeroLogdet(x) }
func (Squeeze) Inverse(_ *gm.Scope, z *Node) *Node             { return unsqueeze(z) }

// Unsqueeze is Squeeze's inverse as a layer: [B, H, W, 4C] → [B, 2H, 2W, C].
type Unsqueeze struct{}

func (Unsqueeze) Name() string { return "unsqueeze" }

func (Unsqueeze) Forward(_ *gm.Scope, x *Node) (z, logdet *Node) { return unsqueeze(x), zeroLogdet(x) }
func (Unsqueeze) Inverse(_ *gm.Scope, z *Node) *Node             { return squeeze(z) }

func squeeze(x *Node) *Node {
	x.AssertRank(4)
	d := x.Shape().Dimensions
	b, h, w, c := d[0], d[1], d[2], d[3]
	if h%2 != 0 || w%2 != 0 {
		panic(fmt.Sprintf("flow: squeeze needs even height and width, got %dx%d", h, w))
	}
	x = graph.Reshape(x, b, h/2, 2, w/2, 2, c)
	x = graph.TransposeAllAxes(x, 0, 1, 3, 2, 4, 5)
	return graph.Reshape(x, b, h/2, w/2, 4*c)
}

func unsqueeze(z *Node) *Node {
	z.AssertRank(4)
	d := z.Shape().Dimensions
	b, h, w, c := d[0], d[1], d[2], d[3]
	if c%4 != 0 {
		panic(fmt.Sprintf("flow: unsqueeze needs channels divisible by 4, got %d", c))
	}
	z = graph.Reshape(z, b, h, w, 2, 2, c/4)
	z = graph.TransposeAllAxes(z, 0, 1, 3, 2, 4, 5)
	return graph.Reshape(z, b, 2*h, 2*w, c/4)
}

// ---- Affine coupling ----

// Mask says which half of the input a coupling keeps (and conditions on) and which it transforms.
type Mask int

const (
	Checkerboard Mask = iota // pixels with (row + col) even (parity 0) or odd (parity 1) are kept
	ChannelWise              // the first (parity 0) or second (parity 1) half of the channels are kept
	TopBottom                // the top (parity 0) or bottom (parity 1) half of the image is kept
	LeftRight                // the left (parity 0) or right (parity 1) half of the image is kept
)

var maskNames = []string{"checkerboard", "channel", "top-bottom", "left-right"}

func (m Mask) String() string {
	if m >= 0 && int(m) < len(maskNames) {
		return maskNames[m]
	}
	return fmt.Sprintf("mask(%d)", int(m))
}

// ParseMask reads a mask name: checkerboard, channel, top-bottom, left-right.
func ParseMask(s string) (Mask, error) {
	for i, n := range maskNames {
		if n == s {
			return Mask(i), nil
		}
	}
	return 0, fmt.Errorf("unknown coupling mask %q (valid: %v)", s, maskNames)
}

// Net is a coupling's conditioner: it maps the kept half h to out values per position (the log
// scales and shifts of the transformed half), [..., out].
type Net func(scope *gm.Scope, h *Node, out int) *Node

// Coupling is RealNVP's affine coupling: the kept half x₁ passes unchanged and the other half
// becomes x₂·exp(s(x₁)) + t(x₁), so the Jacobian is triangular and log|det| = Σ s. The scale is
// s = scale·tanh(raw) with a learned per-channel scale, which bounds it and keeps early training
// stable. With the Net's last layer zero-initialised, a new coupling is the identity.
type Coupling struct {
	Mask   Mask
	Parity int // 0 or 1: which half is kept, see Mask.
	Net    Net
}

func (c Coupling) Name() string { return fmt.Sprintf("coupling %s/%d", c.Mask, c.Parity) }

func (c Coupling) Forward(scope *gm.Scope, x *Node) (z, logdet *Node) {
	if c.Mask == ChannelWise {
		keep, change := c.split(x)
		s, t := scaleShift(scope, c.Net, keep, channels(change))
		return c.join(keep, graph.Add(graph.Mul(change, graph.Exp(s)), t)), perExample(s)
	}
	s, t := c.maskedScaleShift(scope, x)
	return graph.Add(graph.Mul(x, graph.Exp(s)), t), perExample(s)
}

func (c Coupling) Inverse(scope *gm.Scope, z *Node) *Node {
	if c.Mask == ChannelWise {
		keep, change := c.split(z)
		s, t := scaleShift(scope, c.Net, keep, channels(change))
		return c.join(keep, graph.Mul(graph.Sub(change, t), graph.Exp(graph.Neg(s))))
	}
	// z and x agree on the kept pixels, so the net sees the same input both ways.
	s, t := c.maskedScaleShift(scope, z)
	return graph.Mul(graph.Sub(z, t), graph.Exp(graph.Neg(s)))
}

func channels(x *Node) int { return x.Shape().Dimensions[x.Rank()-1] }

func (c Coupling) split(x *Node) (keep, change *Node) {
	if channels(x)%2 != 0 {
		panic(fmt.Sprintf("flow: channel-wise coupling needs an even number of channels, got %s", x.Shape()))
	}
	halves := graph.Split(x, -1, 2)
	if c.Parity == 0 {
		return halves[0], halves[1]
	}
	return halves[1], halves[0]
}

func (c Coupling) join(keep, changed *Node) *Node {
	if c.Parity == 0 {
		return graph.Concatenate([]*Node{keep, changed}, -1)
	}
	return graph.Concatenate([]*Node{changed, keep}, -1)
}

// maskedScaleShift runs the net on the kept pixels of an image and returns s and t, zero on the
// kept pixels so that x·exp(s) + t leaves them unchanged.
func (c Coupling) maskedScaleShift(scope *gm.Scope, x *Node) (s, t *Node) {
	x.AssertRank(4)
	d := x.Shape().Dimensions
	if c.Mask == Checkerboard {
		return c.checkerScaleShift(scope, x)
	}
	keep := SpatialMask(x.Graph(), x.DType(), c.Mask, c.Parity, d[1], d[2])
	s, t = scaleShift(scope, c.Net, graph.Mul(x, keep), d[3])
	change := graph.OneMinus(keep)
	return graph.Mul(s, change), graph.Mul(t, change)
}

// checkerScaleShift is maskedScaleShift for the checkerboard, computed at half resolution: in
// every 2×2 block the kept pixels are the diagonal pair (parity 0: top-left and bottom-right) and
// the changed ones the other pair, so after a squeeze the kept pixels are 2C channels of an
// H/2×W/2 image. The net runs there (a quarter of the positions of a full-resolution masked net,
// none of them wasted on zeroed inputs) and its outputs are unsqueezed back into place.
func (c Coupling) checkerScaleShift(scope *gm.Scope, x *Node) (s, t *Node) {
	ch := channels(x)
	blocks := graph.Split(squeeze(x), -1, 4) // (dy, dx) = (0,0), (0,1), (1,0), (1,1)
	keep := []*Node{blocks[0], blocks[3]}
	if c.Parity == 1 {
		keep = []*Node{blocks[1], blocks[2]}
	}
	sh, th := scaleShift(scope, c.Net, graph.Concatenate(keep, -1), 2*ch)
	place := func(v *Node) *Node {
		halves := graph.Split(v, -1, 2)
		zero := graph.ZerosLike(halves[0])
		if c.Parity == 0 {
			return unsqueeze(graph.Concatenate([]*Node{zero, halves[0], halves[1], zero}, -1))
		}
		return unsqueeze(graph.Concatenate([]*Node{halves[0], zero, zero, halves[1]}, -1))
	}
	return place(sh), place(th)
}

// scaleShift runs the net on h and splits its output into the bounded log-scale and the shift of
// n channels.
func scaleShift(scope *gm.Scope, net Net, h *Node, n int) (s, t *Node) {
	out := net(scope.In("net"), h, 2*n)
	parts := graph.Split(out, -1, 2)
	scale := scope.WithInitializer(initializer.One).VariableWithShape("scale", shapes.Make(h.DType(), n)).NodeValue(h.Graph())
	s = graph.Mul(graph.Tanh(parts[0]), broadcastChannels(scale, h.Rank()))
	return s, parts[1]
}

// SpatialMask is a coupling's keep-mask [1, H, W, 1]: 1 where pixels are kept.
func SpatialMask(g *graph.Graph, dtype dtypes.DType, m Mask, parity, h, w int) *Node {
	if parity != 0 && parity != 1 {
		panic(fmt.Sprintf("flow: mask parity %d, want 0 or 1", parity))
	}
	flat := make([]float64, h*w)
	for i := range h {
		for j := range w {
			var first bool
			switch m {
			case Checkerboard:
				first = (i+j)%2 == 0
			case TopBottom:
				first = i < h/2
			case LeftRight:
				first = j < w/2
			default:
				panic(fmt.Sprintf("flow: %s is not a spatial mask", m))
			}
			if first == (parity == 0) {
				flat[i*w+j] = 1
			}
		}
	}
	return graph.ConvertDType(graph.Reshape(graph.Const(g, flat), 1, h, w, 1), dtype)
}

// ---- Invertible 1x1 convolution ----

// InvConv1x1 is Glow's invertible 1×1 convolution, a learned C×C channel mixing z = W·x at every
// position, LU-parametrised as W = P·L·(U + diag(exp(logs))) with P a fixed permutation, L unit
// lower-triangular and U strictly upper-triangular: log|det| = positions · Σ logs, and the inverse
// needs no general matrix inversion (triangular inverses are finite Neumann series, since the
// off-diagonal parts are nilpotent). Starts as W = P.
type InvConv1x1 struct {
	Perm []int // P: output channel i reads input channel Perm[i].
}

// NewInvConv1x1 makes the layer for c channels with a permutation drawn from seed (the
// permutation is part of the architecture, not a weight: the same seed rebuilds it).
func NewInvConv1x1(c int, seed uint64) InvConv1x1 {
	perm := rand.New(rand.NewPCG(seed, 0x1c0117)).Perm(c)
	return InvConv1x1{Perm: perm}
}

func (InvConv1x1) Name() string { return "conv1x1" }

// factors returns P, L, U (with its diagonal) and logs for the input's channels.
func (l InvConv1x1) factors(scope *gm.Scope, x *Node) (p, lower, upper, logs *Node) {
	c := channels(x)
	if len(l.Perm) != c {
		panic(fmt.Sprintf("flow: 1x1 convolution built for %d channels got %s", len(l.Perm), x.Shape()))
	}
	g, dt := x.Graph(), x.DType()
	zero := scope.WithInitializer(initializer.Zero)
	lv := zero.VariableWithShape("lower", shapes.Make(dt, c, c)).NodeValue(g)
	uv := zero.VariableWithShape("upper", shapes.Make(dt, c, c)).NodeValue(g)
	logs = zero.VariableWithShape("logs", shapes.Make(dt, c)).NodeValue(g)
	pm, lm, um, eye := make([]float64, c*c), make([]float64, c*c), make([]float64, c*c), make([]float64, c*c)
	for i := range c {
		pm[i*c+l.Perm[i]] = 1
		eye[i*c+i] = 1
		for j := range c {
			if j < i {
				lm[i*c+j] = 1
			} else if j > i {
				um[i*c+j] = 1
			}
		}
	}
	cnst := func(v []float64) *Node { return graph.ConvertDType(graph.Reshape(graph.Const(g, v), c, c), dt) }
	p = cnst(pm)
	lower = graph.Mul(lv, cnst(lm)) // strictly lower part
	upper = graph.Mul(uv, cnst(um)) // strictly upper part
	return p, lower, upper, logs
}

func (l InvConv1x1) Forward(scope *gm.Scope, x *Node) (z, logdet *Node) {
	p, lower, upper, logs := l.factors(scope, x)
	c := channels(x)
	eye := identity(x.Graph(), x.DType(), c)
	u := graph.Add(upper, graph.Mul(eye, graph.Reshape(graph.Exp(logs), 1, c)))
	w := graph.MatMul(p, graph.MatMul(graph.Add(eye, lower), u))
	return mixChannels(x, w), perChannelLogdet(graph.ReduceAllSum(logs), x)
}

func (l InvConv1x1) Inverse(scope *gm.Scope, z *Node) *Node {
	p, lower, upper, logs := l.factors(scope, z)
	c := channels(z)
	// (I + N)⁻¹ = Σₖ (−N)ᵏ for nilpotent N; U + D = D·(I + D⁻¹U), so (U + D)⁻¹ = (I + D⁻¹U)⁻¹·D⁻¹.
	lInv := nilpotentInverse(lower)
	dInv := graph.Exp(graph.Neg(logs))
	uInv := graph.Mul(nilpotentInverse(graph.Mul(upper, graph.Reshape(dInv, c, 1))), graph.Reshape(dInv, 1, c))
	wInv := graph.MatMul(uInv, graph.MatMul(lInv, graph.Transpose(p, 0, 1)))
	return mixChannels(z, wInv)
}

// nilpotentInverse is (I + n)⁻¹ for a strictly triangular c×c n: I − n + n² − … (n^c = 0).
func nilpotentInverse(n *Node) *Node {
	c := n.Shape().Dimensions[0]
	eye := identity(n.Graph(), n.DType(), c)
	acc, term := eye, eye
	for range c - 1 {
		term = graph.Neg(graph.MatMul(term, n))
		acc = graph.Add(acc, term)
	}
	return acc
}

func identity(g *graph.Graph, dt dtypes.DType, c int) *Node {
	v := make([]float64, c*c)
	for i := range c {
		v[i*c+i] = 1
	}
	return graph.ConvertDType(graph.Reshape(graph.Const(g, v), c, c), dt)
}

// mixChannels applies w [C, C] to the channels of x at every position: z_i = Σ_j w_ij x_j.
func mixChannels(x, w *Node) *Node {
	dims := x.Shape().Dimensions
	c := dims[len(dims)-1]
	flat := graph.Reshape(x, -1, c)
	return graph.Reshape(graph.MatMul(flat, graph.Transpose(w, 0, 1)), dims...)
}

// ---- Logit preprocessing ----

// Logit maps dequantised pixels y ∈ [0, 1) to the real line, s = logit(α + (1−2α)·y), as RealNVP
// does (α keeps the logit away from ±∞). Its log|det| = Σ log(1−2α) − log p − log(1−p), with
// p = α + (1−2α)·y, counts towards the likelihood of y.
type Logit struct{ Alpha float64 }

func (Logit) Name() string { return "logit" }

func (l Logit) Forward(_ *gm.Scope, y *Node) (s, logdet *Node) {
	p := graph.AddScalar(graph.MulScalar(y, 1-2*l.Alpha), l.Alpha)
	logP, log1mP := graph.Log(p), graph.Log(graph.OneMinus(p))
	ld := graph.AddScalar(graph.Neg(graph.Add(logP, log1mP)), math.Log(1-2*l.Alpha))
	return graph.Sub(logP, log1mP), perExample(ld)
}

func (l Logit) Inverse(_ *gm.Scope, s *Node) *Node {
	return graph.MulScalar(graph.AddScalar(graph.Sigmoid(s), -l.Alpha), 1/(1-2*l.Alpha))
}
