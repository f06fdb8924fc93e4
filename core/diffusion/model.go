// Package diffusion is denoising diffusion (Ho et al. 2020) in the spirit of lucidrains'
// denoising-diffusion-pytorch: a network (net.go: a small U-Net for images, an MLP for 2-D toys)
// that predicts the noise ε in x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε, and a process (schedule.go,
// sampler.go: the β schedule, the forward q(x_t | x_0), DDPM ancestral and DDIM sampling) that
// runs on the host around it. Training is the "simple" loss ‖ε − ε_θ(x_t, t)‖².
package diffusion

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

// Config is the architecture and the process; it is saved with the weights.
type Config struct {
	Net     string `json:"net"`     // "unet" (images) or "mlp" (2-D toys).
	H       int    `json:"h"`       // Data shape: H×W×C images; 1×1×2 for 2-D points.
	W       int    `json:"w"`       //
	C       int    `json:"c"`       //
	Pixels  bool   `json:"pixels"`  // Data are pixels in [0,1], modelled on [−1,1] and clipped there.
	TimeDim int    `json:"timeDim"` // Sinusoidal embedding size of t (the MLP after it is 4× wider).

	Channels []int `json:"channels,omitempty"` // U-Net widths, one per resolution (each halves H, W).
	Blocks   int   `json:"blocks,omitempty"`   // U-Net residual blocks per resolution and direction.
	Groups   int   `json:"groups,omitempty"`   // GroupNorm groups.
	Patch    int   `json:"patch,omitempty"`    // U-Net: fold Patch×Patch pixel blocks into channels first (1: none).
	// Attention adds self-attention after every residual block at the coarsest resolution (as
	// DDPM does at 16×16 on CIFAR): the one place where every position sees the whole image.
	Attention bool  `json:"attention"`
	Hidden    []int `json:"hidden,omitempty"` // MLP hidden widths.

	T           int     `json:"T"`           // Diffusion steps.
	Schedule    string  `json:"schedule"`    // "linear" or "cosine" β schedule.
	SampleSteps int     `json:"sampleSteps"` // Default DDIM steps of Sample (0: DDPM, all T).
	Eta         float64 `json:"eta"`         // Default DDIM η of Sample.
	// EMA is the decay of the exponential moving average of the weights that sampling uses (as
	// DDPM and lucidrains do: it smooths the noisy late-training weights; 0: sample with the raw
	// weights). Warmed up as min(EMA, (1+n)/(10+n)) after n steps.
	EMA float64 `json:"ema"`
	// Anneal is the fraction of Spec.LR that Adam's rate falls to along a half cosine over
	// Spec.Steps (then stays there); 0 keeps the rate constant, as the 2-D toys need: the page
	// trains them live for as long as the user likes. Always saved, even at 0: a saved config is
	// read over the model's defaults, and until 2026-12-04 a 0 was left out and came back as
	// DigitsConfig's 0.05 (a resumed constant-rate run then annealed; see pretrained/README.md).
	Anneal float64 `json:"anneal"`
	// AnnealSteps is the length of that half cosine (0: Spec.Steps). A run continued with a
	// shorter horizon finishes its anneal sooner: the rate steps down once, to the new curve.
	AnnealSteps int `json:"annealSteps,omitempty"`
}

// DigitsConfig is ddpm-digits as it starts: 28×28 digits folded into 14×14×4 patches, a
// two-level U-Net 14×14×32 → 7×7×64 (~0.41 M parameters, 1.6 MB, plus as much again for their
// average), T = 1000 with DDPM's linear schedule, sampled with 50 DDIM steps. Sized for a 2-core
// CPU: one training step of batch 64 takes ~0.33 s natively on one core (GOEXPERIMENT=simd).
// The pretrained weights go one step further: trained like this to 63,082 steps, then grown
// with self-attention at 7×7 and a longer average (`genlab train --grow --config
// '{"attention":true,"ema":0.9995}' --lr 1e-4`, pretrained/README.md; ~0.46 M parameters, ~16%
// more time per step) — their config, saved with them, says so. Attention stays off here
// because files written before the field existed lack it, are read over these defaults, and
// must keep loading as the nets they were.
// Eta 1: with 50 steps the stochastic DDIM sampler beats the deterministic one on this net —
// at 40,000 steps, 500 samples: η=0 IS 8.41 / FD 81.5, η=0.5 8.52 / 70.5, η=1 8.64 / 58.1
// (`genlab eval --model ddpm-digits --steps 50 --quality 500 --limit 500 --json`, η patched);
// grown with attention, at 98,762 steps (with DDIM's own step placement, sampler.go): η=0.5
// 8.85 / 53.3, η=1 8.90 / 46.1.
var DigitsConfig = Config{
	Net: "unet", H: 28, W: 28, C: 1, Pixels: true, TimeDim: 32,
	Channels: []int{32, 64}, Blocks: 1, Groups: 8, Patch: 2,
	T: 1000, Schedule: "linear", SampleSteps: 50, Eta: 1, EMA: 0.999, Anneal: 0.05,
}

// MoonsConfig is ddpm2d-moons: an MLP 2+t → 128×3 → 2, T = 100 with the cosine schedule, which
// suits short chains.
var MoonsConfig = Config{
	Net: "mlp", H: 1, W: 1, C: 2, TimeDim: 16, Hidden: []int{128, 128, 128},
	T: 100, Schedule: "cosine", SampleSteps: 100, Eta: 1, EMA: 0.99,
}

func init() {
	model.Register(model.Spec{
		Name: "ddpm-digits", Family: "diffusion", About: "Denoising diffusion (ε-prediction U-Net, DDPM/DDIM sampling) on grey MNIST digits",
		Data: "mnist", BatchSize: 64, Steps: 40000, LR: 8e-4, FirstOnORT: true,
	}, factory(DigitsConfig))
	model.Register(model.Spec{
		Name: "ddpm2d-moons", Family: "diffusion", About: "Denoising diffusion on the 2-D two-moons density (MLP ε-network)",
		Data: "moons", BatchSize: 256, Steps: 3000, LR: 2e-3,
	}, factory(MoonsConfig))
}

// Validate checks a config before anything is built.
func (c Config) Validate() error {
	if c.H < 1 || c.W < 1 || c.C < 1 || c.H*c.W*c.C > 1<<20 {
		return fmt.Errorf("diffusion config: data shape %d×%d×%d out of range", c.H, c.W, c.C)
	}
	if c.TimeDim < 2 || c.TimeDim > 1024 || c.TimeDim%2 != 0 {
		return fmt.Errorf("diffusion config: timeDim %d must be even, 2..1024", c.TimeDim)
	}
	if c.Anneal < 0 || c.Anneal > 1 || math.IsNaN(c.Anneal) {
		return fmt.Errorf("diffusion config: anneal %g out of range [0, 1]", c.Anneal)
	}
	if c.AnnealSteps < 0 || c.AnnealSteps > 100_000_000 {
		return fmt.Errorf("diffusion config: annealSteps %d out of range (0..1e8)", c.AnnealSteps)
	}
	if c.EMA < 0 || c.EMA >= 1 {
		return fmt.Errorf("diffusion config: ema %g out of range [0, 1)", c.EMA)
	}
	if c.SampleSteps < 0 || c.SampleSteps > c.T || c.Eta < 0 || c.Eta > 1 {
		return fmt.Errorf("diffusion config: sampleSteps %d (0..T) or eta %g (0..1) out of range", c.SampleSteps, c.Eta)
	}
	switch c.Net {
	case "unet":
		if len(c.Channels) < 1 || len(c.Channels) > 5 || c.Blocks < 1 || c.Blocks > 4 || c.Groups < 1 {
			return fmt.Errorf("diffusion config: U-Net channels %v, blocks %d, groups %d out of range", c.Channels, c.Blocks, c.Groups)
		}
		for _, ch := range c.Channels {
			if ch < 1 || ch > 1024 {
				return fmt.Errorf("diffusion config: U-Net width %d out of range", ch)
			}
		}
		if c.Patch < 1 || c.Patch > 4 || c.H%c.Patch != 0 || c.W%c.Patch != 0 {
			return fmt.Errorf("diffusion config: patch %d must divide the %d×%d images (1..4)", c.Patch, c.H, c.W)
		}
		// Every level but the last halves the image: the sizes must stay even until then.
		for h, w, i := c.H/c.Patch, c.W/c.Patch, 1; i < len(c.Channels); i++ {
			if h%2 != 0 || w%2 != 0 {
				return fmt.Errorf("diffusion config: %d×%d images cannot be halved %d times", c.H, c.W, len(c.Channels)-1)
			}
			h, w = h/2, w/2
		}
	case "mlp":
		if len(c.Hidden) < 1 || len(c.Hidden) > 8 {
			return fmt.Errorf("diffusion config: MLP hidden %v out of range", c.Hidden)
		}
		for _, n := range c.Hidden {
			if n < 1 || n > 8192 {
				return fmt.Errorf("diffusion config: MLP width %d out of range", n)
			}
		}
	default:
		return fmt.Errorf("diffusion config: unknown net %q (valid: unet, mlp)", c.Net)
	}
	return nil
}

// Diffusion is a trained or training model instance.
type Diffusion struct {
	spec    model.Spec
	cfg     Config
	sched   *Schedule
	backend compute.Backend
	store   *gm.Store
	epsNet  *gm.Exec          // x_t, t -> ε̂ (with the averaged weights)
	ema     *model.EMA        // nil when Config.EMA is 0
	lr      *model.LRSchedule // nil when Config.Anneal is 0 (a constant rate)
	stepper *model.Stepper
	stale   bool // Trained since the inference graphs were compiled.
}

func factory(def Config) model.Factory {
	return func(backend compute.Backend, spec model.Spec, config json.RawMessage, seed uint64) (model.Model, error) {
		cfg := def // A partial config JSON overrides the defaults it names.
		if len(config) > 0 {
			if err := json.Unmarshal(config, &cfg); err != nil {
				return nil, fmt.Errorf("diffusion config: %w", err)
			}
		}
		return New(backend, spec, cfg, seed)
	}
}

// New builds a diffusion model with freshly initialised weights.
func New(backend compute.Backend, spec model.Spec, cfg Config, seed uint64) (*Diffusion, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sched, err := NewSchedule(cfg.Schedule, cfg.T)
	if err != nil {
		return nil, err
	}
	d := &Diffusion{spec: spec, cfg: cfg, sched: sched, backend: backend, store: spec.NewStore()}
	d.store.SetParam(gm.ParamInitialSeed, int64(seed))
	err = model.Guard(func() error {
		// Create and initialise every variable now (the trained ones, then their averages as
		// copies), so that loaded weights can be checked against the architecture.
		zero := tensors.FromShape(shapes.Make(dtypes.Float32, d.dataDims(1)...))
		raw, err := gm.NewExec(backend, d.store, cfg.eps)
		if err != nil {
			return err
		}
		if _, err := raw.Call(zero, model.F32([]float32{1}, 1)); err != nil {
			return err
		}
		if d.ema, err = model.NewEMA(d.store, cfg.EMA, ""); err != nil {
			return err
		}
		return d.buildInference()
	})
	if err != nil {
		return nil, err
	}
	d.stepper = model.NewStepper(backend, d.store, spec.LR, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		return cfg.simpleLoss(scope, in[0], in[1], in[2], in[3], in[4])
	})
	if cfg.Anneal > 0 {
		horizon := int64(spec.Steps)
		if cfg.AnnealSteps > 0 {
			horizon = int64(cfg.AnnealSteps)
		}
		d.lr = model.NewLRSchedule(d.store, func(step int64) float64 {
			return model.CosineLR(spec.LR, horizon, step, cfg.Anneal)
		})
	}
	return d, nil
}

func (d *Diffusion) Spec() model.Spec    { return d.spec }
func (d *Diffusion) Config() any         { return d.cfg }
func (d *Diffusion) Store() *gm.Store    { return d.store }
func (d *Diffusion) Schedule() *Schedule { return d.sched }
func (d *Diffusion) dim() int            { return d.cfg.H * d.cfg.W * d.cfg.C }

// dataDims is the network's input shape for n examples: NHWC images, or [n, D] for the MLP.
func (d *Diffusion) dataDims(n int) []int {
	if d.cfg.Net == "mlp" {
		return []int{n, d.dim()}
	}
	return []int{n, d.cfg.H, d.cfg.W, d.cfg.C}
}

// buildInference compiles the inference graphs. GoMLX (v0.28, Go and ONNX backends) freezes the
// variable values a graph first ran with, so after training they are rebuilt (see fresh).
func (d *Diffusion) buildInference() (err error) {
	cfg := d.cfg
	d.epsNet, err = gm.NewExec(d.backend, d.store, func(scope *gm.Scope, x, t *graph.Node) *graph.Node {
		return cfg.eps(d.ema.Sampling(scope), x, t)
	})
	if err != nil {
		return err
	}
	d.stale = false
	return nil
}

func (d *Diffusion) fresh() error {
	if !d.stale {
		return nil
	}
	return model.Guard(d.buildInference)
}

// toModel maps data to the space the process runs in: pixels [0,1] → [−1,1]; points as they are.
func (d *Diffusion) toModel(pix []float32) []float32 {
	out := make([]float32, len(pix))
	for i, v := range pix {
		if d.cfg.Pixels {
			v = 2*v - 1
		}
		out[i] = v
	}
	return out
}

// fromModel is the inverse of toModel, clamping pixels to [0,1].
func (d *Diffusion) fromModel(x []float32) *data.Images {
	n := len(x) / d.dim()
	out := &data.Images{N: n, H: d.cfg.H, W: d.cfg.W, C: d.cfg.C, Pix: make([]float32, len(x))}
	for i, v := range x {
		if d.cfg.Pixels {
			v = max(0, min(1, (v+1)/2))
		}
		out.Pix[i] = v
	}
	return out
}

// lossInputs draws, for each example, t uniform in 1…T and ε ~ N(0, I): the inputs of simpleLoss.
func (d *Diffusion) lossInputs(batch *data.Images, rng *rand.Rand) []*tensors.Tensor {
	n := batch.N
	t, sa, sn := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range n {
		step := 1 + rng.IntN(d.cfg.T)
		ab := d.sched.alphaBar(step)
		t[i], sa[i], sn[i] = float32(step), float32(math.Sqrt(ab)), float32(math.Sqrt(1-ab))
	}
	eps := model.Normals(rng, n*d.dim())
	dims := d.dataDims(n)
	return []*tensors.Tensor{model.F32(d.toModel(batch.Pix), dims...), model.F32(eps, dims...),
		model.F32(t, n), model.F32(sa, n), model.F32(sn, n)}
}

// TrainStep takes one Adam step on the simple loss of a batch (pixels in [0,1], or 2-D points).
func (d *Diffusion) TrainStep(batch *data.Images, rng *rand.Rand) (float64, error) {
	if batch.Dim() != d.dim() {
		return 0, fmt.Errorf("diffusion: batch of %d×%d×%d data for a model of %d×%d×%d", batch.H, batch.W, batch.C, d.cfg.H, d.cfg.W, d.cfg.C)
	}
	if d.lr != nil {
		if _, err := d.lr.Set(); err != nil {
			return 0, err
		}
	}
	d.stale = true
	loss, err := d.stepper.Step(d.lossInputs(batch, rng)...)
	if err != nil {
		return loss, err
	}
	return loss, model.Guard(d.ema.Update)
}

// Eps runs the ε-network on n = len(x)/D examples, all at step t.
func (d *Diffusion) Eps(x []float32, t int) ([]float32, error) {
	if err := d.fresh(); err != nil {
		return nil, err
	}
	n := len(x) / d.dim()
	ts := make([]float32, n)
	for i := range ts {
		ts[i] = float32(t)
	}
	return model.Call(d.epsNet, model.F32(x, d.dataDims(n)...), model.F32(ts, n))
}

// SamplerFor is the sampler of `--steps`: 0 is the default, T is DDPM ancestral sampling, any
// other S is DDIM with S steps and the config's η.
func (d *Diffusion) SamplerFor(steps int) Sampler {
	if steps == 0 {
		steps = d.cfg.SampleSteps
	}
	if steps == 0 || steps == d.cfg.T {
		return Sampler{DDPM: true}
	}
	return Sampler{Steps: steps, Eta: d.cfg.Eta}
}

// MaxSampleSteps is the most sampling steps Sample takes: T (which means DDPM).
func (d *Diffusion) MaxSampleSteps() int { return d.cfg.T }

// sampleChunk bounds the batch of one reverse chain (the U-Net's activations grow with it).
const sampleChunk = 100

// Sample draws opt.N samples with SamplerFor(opt.Steps). Temperature scales the initial noise x_T.
func (d *Diffusion) Sample(opt model.SampleOptions) (*data.Images, error) {
	return d.SampleWith(opt, d.SamplerFor(opt.Steps), nil)
}

// SampleWith draws opt.N samples with an explicit sampler, reporting every step of every chunk
// of up to sampleChunk samples to onStep (which may be nil). Chunk k's x_T and noise come from
// Rand(seed + k), so the first samples of a seed do not depend on N.
func (d *Diffusion) SampleWith(opt model.SampleOptions, smp Sampler, onStep func(Step) error) (*data.Images, error) {
	if opt.N < 1 || opt.N > 100_000 {
		return nil, fmt.Errorf("diffusion: %d samples out of range (1..100000)", opt.N)
	}
	if opt.Temperature == 0 {
		opt.Temperature = 1
	}
	if opt.Temperature < 0 || opt.Temperature > 10 || math.IsNaN(opt.Temperature) {
		return nil, fmt.Errorf("diffusion: temperature %g out of range (0..10)", opt.Temperature)
	}
	if _, err := smp.timesteps(d.cfg.T); err != nil {
		return nil, err
	}
	out := make([]float32, 0, opt.N*d.dim())
	for k := 0; k*sampleChunk < opt.N; k++ {
		n := min(sampleChunk, opt.N-k*sampleChunk)
		rng := model.Rand(opt.Seed + uint64(k))
		x := model.Normals(rng, n*d.dim())
		for i := range x {
			x[i] *= float32(opt.Temperature)
		}
		if err := d.sched.Reverse(x, smp, d.cfg.Pixels, rng, d.Eps, onStep); err != nil {
			return nil, err
		}
		out = append(out, x...)
	}
	return d.fromModel(out), nil
}
