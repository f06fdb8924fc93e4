package ae

import (
	"encoding/json"
	"fmt"
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

func init() {
	model.Register(model.Spec{
		Name: "ae-digits", Family: "ae", About: "Autoencoder, MLP 784-512-256-(16), squared error, on grey MNIST; samples decode a Gaussian fitted to the codes",
		Data: "mnist", BatchSize: 100, Steps: 10000, LR: 1e-3,
	}, New)
}

// AE is a trained or training autoencoder.
type AE struct {
	spec    model.Spec
	cfg     Config
	backend compute.Backend
	store   *gm.Store
	encode  *gm.Exec // x -> z
	decode  *gm.Exec // z -> x̂
	sample  *gm.Exec // eps -> x̂ of z = mean + std·eps under the fitted code prior
	errs    *gm.Exec // x -> squared error per example
	stepper *model.Stepper
	stale   bool // Trained since the inference graphs were compiled.
}

// New builds an autoencoder with freshly initialised weights; config (JSON of Config) may be nil.
func New(backend compute.Backend, spec model.Spec, config json.RawMessage, seed uint64) (model.Model, error) {
	cfg := DefaultConfig
	if len(config) > 0 {
		if err := json.Unmarshal(config, &cfg); err != nil {
			return nil, fmt.Errorf("ae config: %w", err)
		}
	}
	if cfg.Dim <= 0 || cfg.Dim > 1<<16 || cfg.Latent <= 0 || cfg.Latent > 1024 || len(cfg.Hidden) > 8 {
		return nil, fmt.Errorf("ae config %+v out of range (dim 1..65536, latent 1..1024, at most 8 hidden layers)", cfg)
	}
	for _, h := range cfg.Hidden {
		if h <= 0 || h > 8192 {
			return nil, fmt.Errorf("ae config: hidden size %d out of range (1..8192)", h)
		}
	}
	a := &AE{spec: spec, cfg: cfg, backend: backend, store: spec.NewStore()}
	a.store.SetParam(gm.ParamInitialSeed, int64(seed))
	err := model.Guard(func() error {
		if err := a.buildInference(); err != nil {
			return err
		}
		// Create and initialise every variable now, so that loaded weights can be checked
		// against the architecture before anything runs.
		_, err := a.sample.Call(tensors.FromShape(shapes.Make(dtypes.Float32, 1, cfg.Latent)))
		if err == nil {
			_, err = a.encode.Call(tensors.FromShape(shapes.Make(dtypes.Float32, 1, cfg.Dim)))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	a.stepper = model.NewStepper(backend, a.store, spec.LR, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		return cfg.loss(scope, in[0])
	})
	return a, nil
}

func (a *AE) Spec() model.Spec { return a.spec }
func (a *AE) Config() any      { return a.cfg }
func (a *AE) Store() *gm.Store { return a.store }
func (a *AE) Latent() int      { return a.cfg.Latent }

// buildInference compiles the inference graphs. GoMLX (v0.28, Go and ONNX backends) freezes the
// variable values a graph first ran with, so after training they are rebuilt (see fresh).
func (a *AE) buildInference() (err error) {
	cfg := a.cfg
	if a.encode, err = gm.NewExec(a.backend, a.store, cfg.encode); err != nil {
		return err
	}
	if a.decode, err = gm.NewExec(a.backend, a.store, cfg.decode); err != nil {
		return err
	}
	a.sample, err = gm.NewExec(a.backend, a.store, func(scope *gm.Scope, eps *graph.Node) *graph.Node {
		mean, logStd := cfg.codePrior(scope, eps.Graph())
		return cfg.decode(scope, graph.Add(mean, graph.Mul(graph.Exp(logStd), eps)))
	})
	if err != nil {
		return err
	}
	a.errs, err = gm.NewExec(a.backend, a.store, func(scope *gm.Scope, x *graph.Node) *graph.Node {
		return sqErr(x, cfg.decode(scope, cfg.encode(scope, x)))
	})
	a.stale = false
	return err
}

// fresh rebuilds the inference graphs if training changed the weights since they were compiled.
func (a *AE) fresh() error {
	if !a.stale {
		return nil
	}
	return model.Guard(a.buildInference)
}

// TrainStep takes one Adam step on the mean squared error (summed over pixels) of a batch.
func (a *AE) TrainStep(batch *data.Images, _ *rand.Rand) (float64, error) {
	if batch.Dim() != a.cfg.Dim {
		return 0, fmt.Errorf("ae: images have %d pixels, the model %d", batch.Dim(), a.cfg.Dim)
	}
	a.stale = true
	return a.stepper.Step(model.F32(batch.Pix, batch.N, a.cfg.Dim))
}

// TrainSteps is TrainStep on each batch in turn, in one backend call (model.MultiStepper).
func (a *AE) TrainSteps(batches []*data.Images, _ *rand.Rand) ([]float64, error) {
	in := make([][]*tensors.Tensor, len(batches))
	for k, b := range batches {
		if b.Dim() != a.cfg.Dim {
			return nil, fmt.Errorf("ae: images have %d pixels, the model %d", b.Dim(), a.cfg.Dim)
		}
		in[k] = []*tensors.Tensor{model.F32(b.Pix, b.N, a.cfg.Dim)}
	}
	a.stale = true
	return a.stepper.Steps(in)
}

// Sample decodes codes z ~ N(mean, T²·diag std²) of the Gaussian fitted to the training codes: an
// autoencoder has no prior of its own, and decoding N(0, I) would land far from its codes.
func (a *AE) Sample(opt model.SampleOptions) (*data.Images, error) {
	if opt.Temperature == 0 {
		opt.Temperature = 1
	}
	if err := a.fresh(); err != nil {
		return nil, err
	}
	eps := model.Normals(model.Rand(opt.Seed), opt.N*a.cfg.Latent)
	for i := range eps {
		eps[i] *= float32(opt.Temperature)
	}
	out, err := model.Call(a.sample, model.F32(eps, opt.N, a.cfg.Latent))
	return a.images(out, opt.N), err
}

// Decode maps n codes (n×Latent) to images.
func (a *AE) Decode(z []float32, n int) (*data.Images, error) {
	if err := a.fresh(); err != nil {
		return nil, err
	}
	out, err := model.Call(a.decode, model.F32(z, n, a.cfg.Latent))
	return a.images(out, n), err
}

// Encode returns the codes of images (n×Latent).
func (a *AE) Encode(x *data.Images) ([]float32, error) {
	if err := a.fresh(); err != nil {
		return nil, err
	}
	if x.Dim() != a.cfg.Dim {
		return nil, fmt.Errorf("ae: images have %d pixels, the model %d", x.Dim(), a.cfg.Dim)
	}
	return model.Call(a.encode, model.F32(x.Pix, x.N, a.cfg.Dim))
}

func (a *AE) images(pix []float32, n int) *data.Images {
	if pix == nil {
		return nil
	}
	h, w := data.ShapeOf(a.cfg.Dim)
	return &data.Images{N: n, H: h, W: w, C: 1, Pix: pix}
}
