package flow

import (
	"fmt"

	"github.com/gomlx/gomlx/core/graph"
	gm "github.com/gomlx/gomlx/ml/model"
)

// Config is the architecture of an image RealNVP; it is saved with the weights.
//
// The layers, x → z: logit preprocessing, then Checker1 × (coupling + actnorm) at full
// resolution, a squeeze, Channel × (channel-wise coupling + actnorm) at half resolution, an
// unsqueeze and Checker2 × (coupling + actnorm) at full resolution. Consecutive couplings of one
// kind alternate the mask's parity, so every dimension gets transformed.
type Config struct {
	Side     int     `json:"side"`     // Images are Side×Side (32 for faces).
	Channels int     `json:"channels"` // Colour channels (3).
	Checker1 int     `json:"checker1"` // Spatially masked couplings before the squeeze.
	Channel  int     `json:"channel"`  // Channel-wise couplings between squeeze and unsqueeze.
	Checker2 int     `json:"checker2"` // Spatially masked couplings after the unsqueeze.
	Mask     string  `json:"mask"`     // Mask of the spatial couplings: checkerboard, top-bottom, left-right.
	Conv1x1  bool    `json:"conv1x1"`  // Glow: an invertible 1x1 convolution after every actnorm.
	Hidden   int     `json:"hidden"`   // Channels of the coupling nets.
	Blocks   int     `json:"blocks"`   // Residual blocks per coupling net.
	Alpha    float64 `json:"alpha"`    // Logit margin: y ↦ logit(α + (1−2α)·y).
}

// DefaultConfig is realnvp-faces: the report's 3 + 3 + 3 couplings, each net Glow's 3×3 → 1×1 →
// 3×3 at 64 channels (~130k parameters, 0.5 MB). The size was set by the CPU budget, not the 8 MB
// limit: on 2 shared cores a batch-64 step of this net costs ~2.2 s of CPU (hidden 96: 2.8 s;
// 64 with a residual block: 5.1 s), so a few hours buy a few thousand steps.
var DefaultConfig = Config{
	Side: 32, Channels: 3,
	Checker1: 3, Channel: 3, Checker2: 3, Mask: "checkerboard",
	Hidden: 64, Blocks: 0, Alpha: 0.05,
}

func (c Config) validate() error {
	inRange := func(v, lo, hi int) bool { return v >= lo && v <= hi }
	if !inRange(c.Side, 2, 256) || c.Side%2 != 0 || !inRange(c.Channels, 1, 4) ||
		!inRange(c.Checker1, 0, 16) || !inRange(c.Channel, 0, 16) || !inRange(c.Checker2, 0, 16) ||
		!inRange(c.Hidden, 1, 512) || !inRange(c.Blocks, 0, 8) || !(c.Alpha > 0 && c.Alpha < 0.5) {
		return fmt.Errorf("realnvp config %+v out of range", c)
	}
	m, err := ParseMask(c.Mask)
	if err != nil {
		return err
	}
	if m == ChannelWise {
		return fmt.Errorf("realnvp config: mask %q must be spatial (checkerboard, top-bottom, left-right)", c.Mask)
	}
	return nil
}

// Dims is the number of pixel values of one image.
func (c Config) Dims() int { return c.Side * c.Side * c.Channels }

// Build lists the layers.
func (c Config) Build() Flow {
	mask, _ := ParseMask(c.Mask)
	net := ConvNet(c.Hidden, c.Blocks)
	f := Flow{Logit{Alpha: c.Alpha}}
	step := func(m Mask, parity, channels int) {
		f = append(f, Coupling{Mask: m, Parity: parity, Net: net}, ActNorm{})
		if c.Conv1x1 {
			f = append(f, NewInvConv1x1(channels, uint64(len(f))))
		}
	}
	for i := range c.Checker1 {
		step(mask, i%2, c.Channels)
	}
	if c.Channel > 0 {
		f = append(f, Squeeze{})
		for i := range c.Channel {
			step(ChannelWise, i%2, 4*c.Channels)
		}
		f = append(f, Unsqueeze{})
	}
	for i := range c.Checker2 {
		step(mask, (c.Checker1+i)%2, c.Channels)
	}
	return f
}

// bitsPerDim is the per-example loss: bits/dim of pixels pix [B, D] (values k/255) dequantised
// with noise u [B, D].
func (c Config) bitsPerDim(scope *gm.Scope, f Flow, pix, u *Node) *Node {
	b := pix.Shape().Dimensions[0]
	y := graph.Reshape(Dequantize(pix, u), b, c.Side, c.Side, c.Channels)
	z, logdet := f.Forward(scope, y)
	return BitsPerDim(graph.Add(StdNormalLogProb(z), logdet), c.Dims())
}

// generate maps latents z [B, D] to pixels [B, D] in [0, 1].
func (c Config) generate(scope *gm.Scope, f Flow, z *Node) *Node {
	b := z.Shape().Dimensions[0]
	y := f.Inverse(scope, graph.Reshape(z, b, c.Side, c.Side, c.Channels))
	return graph.Reshape(graph.ClipScalar(y, 0, 1), b, c.Dims())
}

// encode maps pixels to latents, dequantising at the middle of each 1/256 bin.
func (c Config) encode(scope *gm.Scope, f Flow, pix *Node) *Node {
	b := pix.Shape().Dimensions[0]
	half := graph.MulScalar(graph.OnesLike(pix), 0.5)
	z, _ := f.Forward(scope, graph.Reshape(Dequantize(pix, half), b, c.Side, c.Side, c.Channels))
	return graph.Reshape(z, b, c.Dims())
}

// layerImages runs pixels [B, D] through the flow and shows each layer's output as an image
// through the logistic function (the inverse of the logit preprocessing), squeezed outputs
// unsqueezed: [B·(layers+1), D], the input first, z last, one example after another.
func (c Config) layerImages(scope *gm.Scope, f Flow, pix *Node) *Node {
	b := pix.Shape().Dimensions[0]
	half := graph.MulScalar(graph.OnesLike(pix), 0.5)
	_, trace, _ := f.ForwardTrace(scope, graph.Reshape(Dequantize(pix, half), b, c.Side, c.Side, c.Channels))
	shown := []*Node{graph.Reshape(pix, b, 1, c.Dims())}
	for _, t := range trace {
		if t.Shape().Dimensions[1] != c.Side {
			t = unsqueeze(t)
		}
		shown = append(shown, graph.Reshape(graph.Sigmoid(t), b, 1, c.Dims()))
	}
	return graph.Reshape(graph.Concatenate(shown, 1), b*len(shown), c.Dims())
}
