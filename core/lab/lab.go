// Package lab is the page's 2-D lab: a small flow, GAN or diffusion model trained live on a toy
// density (data.Toy2D), and the pictures of it the page draws every few steps — real points and
// samples, a heat-map (the flow's density, the discriminator's decision), the base-space grid
// deformed by the flow, the reverse diffusion's x_t — plus a distance between samples and data
// that shows the samples moving toward the density. It runs in the page's worker; it is plain
// core code so that it is tested natively.
package lab

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomlx/compute"

	"genlab/core/data"
	"genlab/core/diffusion"
	"genlab/core/flow"
	"genlab/core/gan"
	"genlab/core/model"
)

// Families the lab trains, and the flow's two architectures.
const (
	Flow      = "flow"
	GAN       = "gan"
	Diffusion = "diffusion"

	RealNVP = "realnvp" // affine couplings + actnorm
	Glow    = "glow"    // … + a learned invertible 1x1 (2×2) mixing after each coupling
)

// Families lists the lab's families in menu order.
var Families = []string{Flow, GAN, Diffusion}

// Options choose a lab. Zero values are the defaults (Glow, k = 1).
type Options struct {
	Family  string
	Density string // one of data.Toy2DNames
	Arch    string // flow: RealNVP or Glow
	K       int    // GAN: discriminator steps per generator step, 1..MaxK
	Seed    uint64
}

// MaxK bounds the GAN's k.
const MaxK = 10

const (
	// Lim is the half side of the square [-Lim, Lim]² the pictures show; every toy density lies in it.
	Lim = 4
	// HeatSide is the heat-map's resolution.
	HeatSide = 48
	// Points is how many real points and samples a frame holds.
	Points = 512
	// GridLines is how many lines of the base space's grid run each way, over [-GridLim, GridLim].
	GridLines, GridLim, gridPointsPerLine = 13, 3, 41
	// TrailFrames is how many snapshots x_t of the reverse diffusion a frame holds.
	TrailFrames = 8
	batchSize   = 256
	sampleSeed  = 1 // fixed, so successive frames show the same latent points moving
)

// Validate checks o, filling in defaults.
func (o *Options) Validate() error {
	if !slices.Contains(Families, o.Family) {
		return fmt.Errorf("lab: unknown family %q (valid: %s)", o.Family, strings.Join(Families, ", "))
	}
	if !data.IsToy2D(o.Density) {
		return fmt.Errorf("lab: unknown toy density %q (valid: %s)", o.Density, strings.Join(data.Toy2DNames, ", "))
	}
	if o.Arch == "" {
		o.Arch = Glow
	}
	if o.Arch != RealNVP && o.Arch != Glow {
		return fmt.Errorf("lab: unknown flow architecture %q (valid: %s, %s)", o.Arch, RealNVP, Glow)
	}
	if o.K == 0 {
		o.K = 1
	}
	if o.K < 1 || o.K > MaxK {
		return fmt.Errorf("lab: k = %d out of range (1..%d)", o.K, MaxK)
	}
	return nil
}

// Lab is one model in training on one density.
type Lab struct {
	opt   Options
	m     model.Model
	real  []float32 // the frames' real points (fixed)
	seed  uint64
	batch int // batches drawn so far
}

// New builds a fresh lab model on the backend.
func New(be compute.Backend, opt Options) (*Lab, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	var m model.Model
	var err error
	switch opt.Family {
	case Flow:
		cfg := flow.DefaultConfig2D
		cfg.Conv1x1 = opt.Arch == Glow
		var spec model.Spec
		if spec, err = model.Lookup("flow2d-" + opt.Density); err == nil {
			m, err = flow.New2D(be, spec, jsonOf(cfg), opt.Seed)
		}
	case GAN:
		m, err = gan.New(be, gan.Lab2DSpec(opt.Density), gan.Lab2DConfig(opt.K), opt.Seed)
	case Diffusion:
		var spec model.Spec
		if spec, err = model.Lookup("ddpm2d-moons"); err == nil {
			spec.Name, spec.Data = "ddpm2d-"+opt.Density, opt.Density
			m, err = diffusion.New(be, spec, diffusion.MoonsConfig, opt.Seed)
		}
	}
	if err != nil {
		return nil, err
	}
	real, err := data.Toy2D(opt.Density, Points, opt.Seed^0x5eed)
	if err != nil {
		return nil, err
	}
	return &Lab{opt: opt, m: m, real: real, seed: opt.Seed}, nil
}

// Model is the model in training.
func (l *Lab) Model() model.Model { return l.m }

// Options are the lab's options, defaults filled in.
func (l *Lab) Options() Options { return l.opt }

// Batch draws the next training batch of fresh points of the density.
func (l *Lab) Batch() *data.Images {
	l.batch++
	pts, _ := data.Toy2D(l.opt.Density, batchSize, l.seed*1_000_003+uint64(l.batch))
	return data.Points(pts)
}

// GeneratorLosses drains a GAN's generator losses (nil for other families).
func (l *Lab) GeneratorLosses() []float64 {
	if g, ok := l.m.(*gan.GAN); ok {
		return g.GeneratorLosses()
	}
	return nil
}

// Frame is what the page draws of the model at one moment. Points are x0,y0,x1,y1,…
type Frame struct {
	Real    []float32
	Samples []float32
	// Heat is HeatSide² values in [0, 1], row 0 at the top (y = Lim): the flow's density
	// (normalised to its maximum) or the discriminator's D(x).
	Heat     []float32
	HeatKind string // "density" or "discriminator"
	// Lines are the base space's grid lines (GridLines each way) mapped to x by the flow.
	Lines [][]float32
	// Trail is x_t along the reverse diffusion, from x_T (noise) to x_0, at steps TrailT.
	Trail  [][]float32
	TrailT []int
	// SW is the sliced Wasserstein distance between the samples and the real points.
	SW float64
}

// Frame computes the pictures of the model as it is now.
func (l *Lab) Frame() (*Frame, error) {
	f := &Frame{Real: l.real}
	var err error
	switch m := l.m.(type) {
	case *flow.Flow2D:
		err = l.flowFrame(m, f)
	case *gan.GAN:
		err = l.ganFrame(m, f)
	case *diffusion.Diffusion:
		err = l.diffusionFrame(m, f)
	}
	if err != nil {
		return nil, err
	}
	f.SW = SlicedWasserstein(f.Samples, l.real, 64)
	return f, nil
}

// heatGrid is the centres of the heat-map's cells, row 0 at the top.
func heatGrid() []float32 {
	pts := make([]float32, 0, 2*HeatSide*HeatSide)
	for i := range HeatSide {
		y := Lim - (float32(i)+0.5)*2*Lim/HeatSide
		for j := range HeatSide {
			pts = append(pts, -Lim+(float32(j)+0.5)*2*Lim/HeatSide, y)
		}
	}
	return pts
}

// flowFrame: samples and the deformed grid through one inverse pass (one compiled shape), the
// density on the heat-map's grid.
func (l *Lab) flowFrame(m *flow.Flow2D, f *Frame) error {
	z := model.Normals(model.Rand(sampleSeed), 2*Points)
	lines := gridLines()
	for _, line := range lines {
		z = append(z, line...)
	}
	x, err := m.Generate(z)
	if err != nil {
		return err
	}
	f.Samples = finite(x[:2*Points])
	for i, at := 0, 2*Points; i < len(lines); i++ {
		f.Lines = append(f.Lines, finite(x[at:at+len(lines[i])]))
		at += len(lines[i])
	}
	lp, err := m.LogProb(heatGrid())
	if err != nil {
		return err
	}
	f.Heat, f.HeatKind = make([]float32, len(lp)), "density"
	top := float32(math.Inf(-1))
	for _, v := range lp {
		if !math.IsNaN(float64(v)) {
			top = max(top, v)
		}
	}
	for i, v := range lp {
		if p := math.Exp(float64(v - top)); p == p { // not NaN
			f.Heat[i] = float32(p)
		}
	}
	return nil
}

// gridLines is the base space's grid: GridLines horizontal, then GridLines vertical lines over
// [-GridLim, GridLim]², gridPointsPerLine points each.
func gridLines() [][]float32 {
	var out [][]float32
	for dir := range 2 {
		for i := range GridLines {
			c := -GridLim + float32(i)*2*GridLim/(GridLines-1)
			line := make([]float32, 0, 2*gridPointsPerLine)
			for j := range gridPointsPerLine {
				s := -GridLim + float32(j)*2*GridLim/(gridPointsPerLine-1)
				if dir == 0 {
					line = append(line, s, c)
				} else {
					line = append(line, c, s)
				}
			}
			out = append(out, line)
		}
	}
	return out
}

func (l *Lab) ganFrame(m *gan.GAN, f *Frame) error {
	s, err := m.Sample(model.SampleOptions{N: Points, Seed: sampleSeed})
	if err != nil {
		return err
	}
	f.Samples = finite(s.Pix)
	d, err := m.Discriminate(heatGrid(), nil)
	if err != nil {
		return err
	}
	f.Heat, f.HeatKind = finite(d), "discriminator"
	return nil
}

// diffusionFrame runs DDPM (all T steps) on the frame's noise in one batch (one compiled
// shape, T network calls), keeping TrailFrames snapshots of x_t.
func (l *Lab) diffusionFrame(m *diffusion.Diffusion, f *Frame) error {
	T := m.MaxSampleSteps()
	slot := map[int]int{} // sampler step number (1: x_T … T) -> snapshot
	for i := range TrailFrames - 1 {
		slot[1+i*T/(TrailFrames-1)] = i
	}
	f.Trail, f.TrailT = make([][]float32, TrailFrames), make([]int, TrailFrames)
	rng := model.Rand(sampleSeed)
	x := model.Normals(rng, 2*Points)
	err := m.Schedule().Reverse(x, m.SamplerFor(T), false, rng, m.Eps, func(st diffusion.Step) error {
		if i, ok := slot[st.I]; ok {
			f.Trail[i], f.TrailT[i] = finite(slices.Clone(st.X)), st.T
		}
		return nil
	})
	if err != nil {
		return err
	}
	f.Samples = finite(x)
	f.Trail[TrailFrames-1] = f.Samples
	return nil
}

// finite replaces NaNs and infinities (a diverging model) by 0, so that frames always encode.
func finite(xs []float32) []float32 {
	for i, v := range xs {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			xs[i] = 0
		}
	}
	return xs
}

// SlicedWasserstein is the mean over dirs fixed directions of the 1-D Wasserstein-1 distance
// between the projections of two equally large point sets (x0,y0,…): 0 for equal sets, and
// sensitive to shape, not just to the first two moments.
func SlicedWasserstein(a, b []float32, dirs int) float64 {
	n := min(len(a), len(b)) / 2
	if n == 0 {
		return math.NaN()
	}
	pa, pb := make([]float64, n), make([]float64, n)
	var sum float64
	for k := range dirs {
		th := math.Pi * float64(k) / float64(dirs)
		c, s := math.Cos(th), math.Sin(th)
		for i := range n {
			pa[i] = c*float64(a[2*i]) + s*float64(a[2*i+1])
			pb[i] = c*float64(b[2*i]) + s*float64(b[2*i+1])
		}
		slices.Sort(pa)
		slices.Sort(pb)
		for i := range n {
			sum += math.Abs(pa[i] - pb[i])
		}
	}
	return sum / float64(dirs*n)
}

func jsonOf(v any) json.RawMessage {
	b, _ := json.Marshal(v) // configs are plain structs
	return b
}
