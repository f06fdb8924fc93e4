package flow

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/data"
	"genlab/core/model"
)

// The 2-D flows, one per toy density: flow2d-moons, flow2d-circles, ... Their data are points
// (data.Load gives a toy density as N×1×1×2 "images"), and so are their samples.
func init() {
	for _, name := range data.Toy2DNames {
		model.Register(model.Spec{
			Name: "flow2d-" + name, Family: "flow",
			About: "2-D RealNVP (dense affine couplings + actnorm + 1x1 mixing) on the " + name + " density",
			Data:  name, BatchSize: 256, Steps: 5000, LR: 2e-3,
		}, New2D)
	}
}

// Config2D is the architecture of a 2-D flow; it is saved with the weights.
type Config2D struct {
	Couplings int  `json:"couplings"` // Coupling layers, each x₂ ← x₂·exp(s(x₁)) + t(x₁) of alternating halves.
	Hidden    int  `json:"hidden"`    // Width of each coupling's MLP.
	Depth     int  `json:"depth"`     // Hidden layers of each coupling's MLP.
	Conv1x1   bool `json:"conv1x1"`   // Glow: a learned invertible 2×2 mixing after each coupling.
}

// DefaultConfig2D: 8 couplings of 2×64 MLPs (~35k parameters), small enough to train live.
var DefaultConfig2D = Config2D{Couplings: 8, Hidden: 64, Depth: 2, Conv1x1: true}

// Build lists the layers: (actnorm, coupling, [1x1 mixing]) × Couplings.
func (c Config2D) Build() Flow {
	net := MLPNet(c.Hidden, c.Depth)
	var f Flow
	for i := range c.Couplings {
		f = append(f, ActNorm{}, Coupling{Mask: ChannelWise, Parity: i % 2, Net: net})
		if c.Conv1x1 {
			f = append(f, NewInvConv1x1(2, uint64(i)))
		}
	}
	return f
}

// nll is −log p(x) per example in nats, x [B, 2].
func nll(scope *gm.Scope, f Flow, x *Node) *Node {
	z, logdet := f.Forward(scope, x)
	return graph.Neg(graph.Add(StdNormalLogProb(z), logdet))
}

// Flow2D is a 2-D flow instance.
type Flow2D struct {
	spec    model.Spec
	cfg     Config2D
	flow    Flow
	backend compute.Backend
	store   *gm.Store
	nll     *gm.Exec // x [B,2] -> −log p(x) [B]
	gen     *gm.Exec // z [B,2] -> x [B,2]
	stepper *model.Stepper
	stale   bool
	actnorm actNormInit
}

// New2D builds a 2-D flow with fresh weights; config (JSON of Config2D) may be nil.
func New2D(backend compute.Backend, spec model.Spec, config json.RawMessage, seed uint64) (model.Model, error) {
	cfg := DefaultConfig2D
	if len(config) > 0 {
		if err := json.Unmarshal(config, &cfg); err != nil {
			return nil, fmt.Errorf("flow2d config: %w", err)
		}
	}
	if cfg.Couplings < 1 || cfg.Couplings > 64 || cfg.Hidden < 1 || cfg.Hidden > 1024 || cfg.Depth < 0 || cfg.Depth > 8 {
		return nil, fmt.Errorf("flow2d config %+v out of range", cfg)
	}
	m := &Flow2D{spec: spec, cfg: cfg, flow: cfg.Build(), backend: backend, store: spec.NewStore()}
	m.store.SetParam(gm.ParamInitialSeed, int64(seed))
	err := model.Guard(func() error {
		if err := m.buildInference(); err != nil {
			return err
		}
		if _, err := m.nll.Call(tensors.FromShape(shapes.Make(dtypes.Float32, 1, 2))); err != nil {
			return err
		}
		return addInitFlag(m.store)
	})
	if err != nil {
		return nil, err
	}
	f := m.flow
	m.stepper = model.NewStepper(backend, m.store, spec.LR, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		return nll(scope, f, in[0])
	})
	return m, nil
}

func (m *Flow2D) Spec() model.Spec { return m.spec }
func (m *Flow2D) Config() any      { return m.cfg }
func (m *Flow2D) Store() *gm.Store { return m.store }

func (m *Flow2D) buildInference() (err error) {
	f := m.flow
	if m.nll, err = gm.NewExec(m.backend, m.store, func(scope *gm.Scope, x *graph.Node) *graph.Node {
		return nll(scope, f, x)
	}); err != nil {
		return err
	}
	m.gen, err = gm.NewExec(m.backend, m.store, func(scope *gm.Scope, z *graph.Node) *graph.Node {
		return f.Inverse(scope, z)
	})
	m.stale = false
	return err
}

func (m *Flow2D) fresh() error {
	if !m.stale {
		return nil
	}
	return model.Guard(m.buildInference)
}

func checkPoints(x *data.Images) error {
	if x.H != 1 || x.W != 1 || x.C != 2 {
		return fmt.Errorf("2-D flows take points (N×1×1×2), got %dx%dx%d images", x.H, x.W, x.C)
	}
	return nil
}

// TrainStep takes one Adam step on the mean −log p of a batch of points (nats); the first step
// initialises the ActNorm layers from the batch.
func (m *Flow2D) TrainStep(batch *data.Images, _ *rand.Rand) (float64, error) {
	if err := checkPoints(batch); err != nil {
		return 0, err
	}
	f := m.flow
	if err := m.actnorm.run(m.backend, m.store, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		return nll(scope, f, in[0])
	}, model.F32(batch.Pix, batch.N, 2)); err != nil {
		return 0, err
	}
	m.stale = true
	return m.stepper.Step(model.F32(batch.Pix, batch.N, 2))
}

// Sample draws z ~ N(0, T²·I) and returns the points x = f⁻¹(z) as N×1×1×2 images (Pix holds
// x0,y0,x1,y1,…: coordinates, not intensities). Temperature 0 means 1.
func (m *Flow2D) Sample(opt model.SampleOptions) (*data.Images, error) {
	if opt.N <= 0 {
		return nil, fmt.Errorf("sample: n = %d", opt.N)
	}
	if opt.Temperature == 0 {
		opt.Temperature = 1
	}
	z := model.Normals(model.Rand(opt.Seed), 2*opt.N)
	for i := range z {
		z[i] *= float32(opt.Temperature)
	}
	if err := m.fresh(); err != nil {
		return nil, err
	}
	x, err := model.Call(m.gen, model.F32(z, opt.N, 2))
	if err != nil {
		return nil, err
	}
	return data.Points(x), nil
}

// LogProb is log p(x) of n points (x0,y0,x1,y1,…), in nats.
func (m *Flow2D) LogProb(pts []float32) ([]float32, error) {
	if err := m.fresh(); err != nil {
		return nil, err
	}
	out, err := model.Call(m.nll, model.F32(pts, len(pts)/2, 2))
	for i := range out {
		out[i] = -out[i]
	}
	return out, err
}

// Evaluate reports "nll_nats", the mean −log p(x) of the test points.
func (m *Flow2D) Evaluate(test *data.Images, opt model.EvalOptions) (model.Metrics, error) {
	if err := checkPoints(test); err != nil {
		return nil, err
	}
	if test.N == 0 {
		return nil, fmt.Errorf("evaluate: no test points")
	}
	const batch = 2000
	var sum float64
	for start := 0; start < test.N; start += batch {
		n := min(batch, test.N-start)
		lp, err := m.LogProb(test.Pix[2*start : 2*(start+n)])
		if err != nil {
			return nil, err
		}
		for _, v := range lp {
			sum -= float64(v)
		}
		if opt.Progress != nil {
			opt.Progress(start+n, test.N)
		}
	}
	return model.Metrics{"nll_nats": sum / float64(test.N)}, nil
}

// Views: the learned density as a heat map.
func (m *Flow2D) Views() []model.View {
	return []model.View{{Name: "density", Title: "Learned density p(x) on [-4, 4]² (brighter is denser; y up)", Run: m.density}}
}

// DensityGrid evaluates p(x) on a side×side grid over [-lim, lim]², row 0 at the top (y = lim).
func (m *Flow2D) DensityGrid(side int, lim float32) ([]float32, error) {
	pts := make([]float32, 0, 2*side*side)
	for i := range side {
		y := lim - (float32(i)+0.5)*2*lim/float32(side)
		for j := range side {
			x := -lim + (float32(j)+0.5)*2*lim/float32(side)
			pts = append(pts, x, y)
		}
	}
	lp, err := m.LogProb(pts)
	if err != nil {
		return nil, err
	}
	for i, v := range lp {
		lp[i] = float32(math.Exp(float64(v)))
	}
	return lp, nil
}

func (m *Flow2D) density(req model.ViewRequest) (*model.Grid, error) {
	const side = 64
	p, err := m.DensityGrid(side, 4)
	if err != nil {
		return nil, err
	}
	var top float32
	for _, v := range p {
		top = max(top, v)
	}
	for i := range p {
		if top > 0 {
			p[i] /= top
		}
	}
	return &model.Grid{Images: &data.Images{N: 1, H: side, W: side, C: 1, Pix: p}, Cols: 1}, nil
}
