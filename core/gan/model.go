package gan

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"genlab/core/data"
	"genlab/core/model"
)

// The registered models. Adam with β1 = 0.5 and rate 2e-4 for both players, as DCGAN.
func init() {
	digits := DigitsConfig
	cond := DigitsConfig
	cond.Classes, cond.Norm = 10, "pixel"
	faces := Config{Arch: "dcgan", Side: 32, Channels: 3, Latent: 100, Width: 64, K: 1, Loss: NonSaturating, EMA: 0.999, Norm: "pixel"}
	for _, r := range []struct {
		spec model.Spec
		cfg  Config
	}{
		{model.Spec{Name: "gan-digits", Family: "gan", About: "DCGAN on MNIST digits",
			Data: "mnist", BatchSize: 64, Steps: 10000, LR: 2e-4}, digits},
		{model.Spec{Name: "cgan-digits", Family: "gan", About: "conditional DCGAN: ask for a digit 0-9",
			Data: "mnist", BatchSize: 64, Steps: 10000, LR: 2e-4}, cond},
		{model.Spec{Name: "dcgan-faces", Family: "gan", About: "DCGAN on 32x32 CelebA faces",
			Data: "faces", BatchSize: 64, Steps: 20000, LR: 2e-4}, faces},
	} {
		model.Register(r.spec, factory(r.cfg))
	}
}

// GAN is a trained or training generator/discriminator pair.
type GAN struct {
	spec    model.Spec
	cfg     Config
	backend compute.Backend
	store   *gm.Store

	generate     *gm.Exec // z [, onehot] -> x
	discriminate *gm.Exec // x [, onehot] -> D(x) probability
	stale        bool     // Trained since the inference graphs were compiled.

	ema   *model.EMA     // The moving average of G's weights that sampling reads (nil: none).
	dStep *model.Stepper // Adam on the "discriminator" variables only.
	gStep *model.Stepper // Adam on the "generator" variables only.

	gLosses []float64 // generator losses since the last GeneratorLosses (lab.go)
}

func factory(defaults Config) model.Factory {
	return func(backend compute.Backend, spec model.Spec, config json.RawMessage, seed uint64) (model.Model, error) {
		cfg := defaults
		if len(config) > 0 {
			if err := json.Unmarshal(config, &cfg); err != nil {
				return nil, fmt.Errorf("gan config: %w", err)
			}
		}
		return New(backend, spec, cfg, seed)
	}
}

// New builds a GAN with freshly initialised weights.
func New(backend compute.Backend, spec model.Spec, cfg Config, seed uint64) (*GAN, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m := &GAN{spec: spec, cfg: cfg, backend: backend, store: spec.NewStore()}
	m.store.SetParam(gm.ParamInitialSeed, int64(seed))
	err := model.Guard(func() error {
		if err := m.buildInference(); err != nil {
			return err
		}
		// Create and initialise every variable now, so that loaded weights can be checked
		// against the architecture before anything runs.
		x, err := m.Generate(make([]float32, cfg.Latent), []int{0})
		if err != nil {
			return err
		}
		if _, err = m.Discriminate(x.Pix, []int{0}); err != nil {
			return err
		}
		// Then G's moving average, and the sampling graph again, now reading it.
		if m.ema, err = model.NewEMA(m.store, cfg.EMA, "/generator/"); err != nil {
			return err
		}
		return m.buildInference()
	})
	if err != nil {
		return nil, err
	}
	adam := func(player string) optimizer.Interface {
		return model.ScopedOptimizer(player, optimizer.Adam().LearningRate(spec.LR).Betas(0.5, 0.999).Done())
	}
	// D step inputs: x, z [, onehot]. G's samples are computed in the graph (G is read, not trained).
	m.dStep = model.NewOptimizerStepper(backend, m.store, adam("discriminator"), func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		onehot := optional(in, 2)
		return cfg.discriminatorLoss(scope, in[0], cfg.generate(scope, in[1], onehot), onehot)
	})
	// G step inputs: z [, onehot]. D is read, not trained.
	m.gStep = model.NewOptimizerStepper(backend, m.store, adam("generator"), func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		onehot := optional(in, 1)
		return cfg.generatorLoss(cfg.discriminate(scope, cfg.generate(scope, in[0], onehot), onehot))
	})
	return m, nil
}

func optional(in []*graph.Node, i int) *graph.Node {
	if len(in) > i {
		return in[i]
	}
	return nil
}

func (m *GAN) Spec() model.Spec { return m.spec }
func (m *GAN) Config() any      { return m.cfg }
func (m *GAN) Store() *gm.Store { return m.store }
func (m *GAN) Latent() int      { return m.cfg.Latent }
func (m *GAN) Classes() int     { return m.cfg.Classes }

// buildInference compiles the inference graphs. GoMLX (v0.28) freezes the variable values a
// graph first ran with, so after training they are rebuilt (see fresh).
func (m *GAN) buildInference() (err error) {
	cfg, ema := m.cfg, m.ema
	m.generate, err = gm.NewExec(m.backend, m.store, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		return cfg.generate(ema.Sampling(scope), in[0], optional(in, 1))
	})
	if err != nil {
		return err
	}
	m.discriminate, err = gm.NewExec(m.backend, m.store, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		return graph.Sigmoid(cfg.discriminate(scope, in[0], optional(in, 1)))
	})
	m.stale = false
	return err
}

func (m *GAN) fresh() error {
	if !m.stale {
		return nil
	}
	return model.Guard(m.buildInference)
}

// oneHot encodes labels as [n, Classes] (nil for an unconditional GAN); labels must be in range.
func (m *GAN) oneHot(labels []int, n int) (*tensors.Tensor, error) {
	if m.cfg.Classes == 0 {
		return nil, nil
	}
	if len(labels) != n {
		return nil, fmt.Errorf("%s is conditional: %d labels for %d samples", m.spec.Name, len(labels), n)
	}
	out := make([]float32, n*m.cfg.Classes)
	for i, l := range labels {
		if l < 0 || l >= m.cfg.Classes {
			return nil, fmt.Errorf("%s: label %d out of range 0..%d", m.spec.Name, l, m.cfg.Classes-1)
		}
		out[i*m.cfg.Classes+l] = 1
	}
	return model.F32(out, n, m.cfg.Classes), nil
}

func args(ts ...*tensors.Tensor) []*tensors.Tensor {
	out := ts[:0]
	for _, t := range ts {
		if t != nil {
			out = append(out, t)
		}
	}
	return out
}

func anys(ts []*tensors.Tensor) []any {
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = t
	}
	return out
}

// TrainStep is one iteration of Algorithm 1's inner loop, so that k of them make one outer
// iteration: every TrainStep takes one discriminator step on the batch (its real examples against
// as many fresh samples of G) and every k-th then also takes one generator step on fresh noise.
// The schedule is read from the optimizer's global step, which counts both players' steps (a cycle
// of k TrainSteps is k+1 optimizer steps), so a resumed run continues it exactly. The loss
// returned is the discriminator's, −V(D, G) on the batch: log 4 ≈ 1.386 at the game's equilibrium.
func (m *GAN) TrainStep(batch *data.Images, rng *rand.Rand) (float64, error) {
	n, dim := batch.N, m.cfg.dim()
	if batch.Dim() != dim {
		return 0, fmt.Errorf("%s: batch of %d values per example, the model has %d", m.spec.Name, batch.Dim(), dim)
	}
	if rng == nil {
		return 0, fmt.Errorf("%s: training needs a random source for G's noise", m.spec.Name)
	}
	var labels []int
	if m.cfg.Classes > 0 {
		if len(batch.Labels) != n {
			return 0, fmt.Errorf("%s is conditional: training needs labels", m.spec.Name)
		}
		labels = make([]int, n)
		for i, l := range batch.Labels {
			labels[i] = int(l)
		}
	}
	var step int64
	if err := model.Guard(func() error { step = optimizer.GetGlobalStep(m.store); return nil }); err != nil {
		return 0, err
	}
	generatorTurn := step%int64(m.cfg.K+1) == int64(m.cfg.K-1)
	m.stale = true

	onehot, err := m.oneHot(labels, n)
	if err != nil {
		return 0, err
	}
	z := model.F32(model.Normals(rng, n*m.cfg.Latent), n, m.cfg.Latent)
	loss, err := m.dStep.Step(args(model.F32(batch.Pix, n, dim), z, onehot)...)
	if err != nil || !generatorTurn {
		return loss, err
	}
	onehot, _ = m.oneHot(labels, n) // Steppers take ownership of their inputs.
	z = model.F32(model.Normals(rng, n*m.cfg.Latent), n, m.cfg.Latent)
	gLoss, err := m.gStep.Step(args(z, onehot)...)
	if err != nil {
		return 0, fmt.Errorf("generator step: %w", err)
	}
	if err := model.Guard(m.ema.Update); err != nil {
		return 0, err
	}
	m.gLosses = append(m.gLosses, gLoss)
	return loss, nil
}

// Generate maps n = len(z)/Latent noise vectors (and, for a conditional GAN, their labels) to
// samples.
func (m *GAN) Generate(z []float32, labels []int) (*data.Images, error) {
	n := len(z) / m.cfg.Latent
	if n == 0 || n*m.cfg.Latent != len(z) {
		return nil, fmt.Errorf("%s: %d noise values is not a whole number of %d-d latents", m.spec.Name, len(z), m.cfg.Latent)
	}
	if err := m.fresh(); err != nil {
		return nil, err
	}
	if m.cfg.Classes == 0 {
		labels = nil
	}
	onehot, err := m.oneHot(labels, n)
	if err != nil {
		return nil, err
	}
	out, err := model.Call(m.generate, anys(args(model.F32(z, n, m.cfg.Latent), onehot))...)
	if err != nil {
		return nil, err
	}
	im := &data.Images{N: n, H: m.cfg.Side, W: m.cfg.Side, C: m.cfg.Channels, Pix: out}
	if m.cfg.Arch == "mlp" {
		im.H, im.W, im.C = 1, m.cfg.Dim, 1
	}
	return im, nil
}

// Discriminate returns D(x), the discriminator's probability that each example is real.
func (m *GAN) Discriminate(x []float32, labels []int) ([]float32, error) {
	dim := m.cfg.dim()
	n := len(x) / dim
	if n == 0 || n*dim != len(x) {
		return nil, fmt.Errorf("%s: %d values is not a whole number of %d-value examples", m.spec.Name, len(x), dim)
	}
	if err := m.fresh(); err != nil {
		return nil, err
	}
	if m.cfg.Classes == 0 {
		labels = nil
	}
	onehot, err := m.oneHot(labels, n)
	if err != nil {
		return nil, err
	}
	return model.Call(m.discriminate, anys(args(model.F32(x, n, dim), onehot))...)
}

// Sample draws z ~ N(0, T²·I); a conditional GAN cycles through the labels 0, 1, …, Classes−1.
func (m *GAN) Sample(opt model.SampleOptions) (*data.Images, error) {
	if opt.N <= 0 {
		return nil, fmt.Errorf("%s: asked for %d samples", m.spec.Name, opt.N)
	}
	if opt.Temperature == 0 {
		opt.Temperature = 1
	}
	z := model.Normals(model.Rand(opt.Seed), opt.N*m.cfg.Latent)
	for i := range z {
		z[i] *= float32(opt.Temperature)
	}
	return m.Generate(z, m.cycleLabels(opt.N))
}

func (m *GAN) cycleLabels(n int) []int {
	if m.cfg.Classes == 0 {
		return nil
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % m.cfg.Classes
	}
	return labels
}
