package vae

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
		Name: "vae-digits", Family: "vae", About: "VAE, MLP encoder/decoder, Bernoulli pixels, on binarised MNIST",
		Data: "mnist", Binarize: true, BatchSize: 100, Steps: 60000, LR: 1e-3,
	}, New)
}

// VAE is a trained or training model instance.
type VAE struct {
	spec    model.Spec
	cfg     Config
	backend compute.Backend
	store   *gm.Store
	decode  *gm.Exec // z -> pixel probabilities
	encode  *gm.Exec // x -> mu
	weights *gm.Exec // x, eps[B,K,L] -> log importance weights [B,K]
	elbo    *gm.Exec // x, eps -> -ELBO per example
	stepper *model.Stepper
	stale   bool // Trained since the inference graphs were compiled.
}

// New builds a VAE with freshly initialised weights; config (JSON of Config) may be nil.
func New(backend compute.Backend, spec model.Spec, config json.RawMessage, seed uint64) (model.Model, error) {
	cfg := DefaultConfig
	if len(config) > 0 {
		if err := json.Unmarshal(config, &cfg); err != nil {
			return nil, fmt.Errorf("vae config: %w", err)
		}
	}
	if cfg.Dim <= 0 || cfg.Latent <= 0 || cfg.Latent > 1024 || len(cfg.Hidden) > 8 {
		return nil, fmt.Errorf("vae config %+v out of range", cfg)
	}
	for _, h := range cfg.Hidden {
		if h <= 0 || h > 8192 {
			return nil, fmt.Errorf("vae config: hidden size %d out of range", h)
		}
	}
	v := &VAE{spec: spec, cfg: cfg, backend: backend, store: spec.NewStore()}
	v.store.SetParam(gm.ParamInitialSeed, int64(seed))
	err := model.Guard(func() (err error) {
		if err = v.buildInference(); err != nil {
			return err
		}
		// Create and initialise every variable now, so that loaded weights can be checked
		// against the architecture before anything runs.
		_, err = v.elbo.Call(tensors.FromShape(shapes.Make(dtypes.Float32, 1, cfg.Dim)), tensors.FromShape(shapes.Make(dtypes.Float32, 1, cfg.Latent)))
		return err
	})
	if err != nil {
		return nil, err
	}
	v.stepper = model.NewStepper(backend, v.store, spec.LR, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		return cfg.negELBO(scope, in[0], in[1])
	})
	return v, nil
}

func (v *VAE) Spec() model.Spec { return v.spec }
func (v *VAE) Config() any      { return v.cfg }
func (v *VAE) Store() *gm.Store { return v.store }
func (v *VAE) Latent() int      { return v.cfg.Latent }

// buildInference compiles the inference graphs. GoMLX (v0.28, Go and ONNX backends) freezes the
// variable values a graph first ran with, so after training they are rebuilt (see fresh).
func (v *VAE) buildInference() (err error) {
	cfg := v.cfg
	v.decode, err = gm.NewExec(v.backend, v.store, func(scope *gm.Scope, z *graph.Node) *graph.Node {
		return graph.Sigmoid(cfg.decode(scope, z))
	})
	if err != nil {
		return err
	}
	v.encode, err = gm.NewExec(v.backend, v.store, func(scope *gm.Scope, x *graph.Node) *graph.Node {
		mu, _ := cfg.encode(scope, x)
		return mu
	})
	if err != nil {
		return err
	}
	v.weights, err = gm.NewExec(v.backend, v.store, cfg.logWeights)
	if err != nil {
		return err
	}
	v.elbo, err = gm.NewExec(v.backend, v.store, cfg.negELBO)
	v.stale = false
	return err
}

// fresh rebuilds the inference graphs if training changed the weights since they were compiled.
func (v *VAE) fresh() error {
	if !v.stale {
		return nil
	}
	return model.Guard(v.buildInference)
}

// TrainStep takes one Adam step on the ELBO of a batch of binarised images.
func (v *VAE) TrainStep(batch *data.Images, rng *rand.Rand) (float64, error) {
	v.stale = true
	return v.stepper.Step(v.stepInputs(batch, rng)...)
}

// TrainSteps is TrainStep on each batch in turn, in one backend call (model.MultiStepper).
func (v *VAE) TrainSteps(batches []*data.Images, rng *rand.Rand) ([]float64, error) {
	in := make([][]*tensors.Tensor, len(batches))
	for k, b := range batches {
		in[k] = v.stepInputs(b, rng)
	}
	v.stale = true
	return v.stepper.Steps(in)
}

// stepInputs are a step's inputs: the batch and the reparameterisation's noise ε.
func (v *VAE) stepInputs(batch *data.Images, rng *rand.Rand) []*tensors.Tensor {
	eps := model.Normals(rng, batch.N*v.cfg.Latent)
	return []*tensors.Tensor{model.F32(batch.Pix, batch.N, v.cfg.Dim), model.F32(eps, batch.N, v.cfg.Latent)}
}

// Sample decodes z ~ N(0, T²·I) and shows the Bernoulli means (the usual VAE picture).
func (v *VAE) Sample(opt model.SampleOptions) (*data.Images, error) {
	if opt.Temperature == 0 {
		opt.Temperature = 1
	}
	z := model.Normals(model.Rand(opt.Seed), opt.N*v.cfg.Latent)
	for i := range z {
		z[i] *= float32(opt.Temperature)
	}
	return v.Decode(z, opt.N)
}

// Decode maps n latent vectors (n×Latent) to images of pixel probabilities.
func (v *VAE) Decode(z []float32, n int) (*data.Images, error) {
	if err := v.fresh(); err != nil {
		return nil, err
	}
	out, err := model.Call(v.decode, model.F32(z, n, v.cfg.Latent))
	if err != nil {
		return nil, err
	}
	h, w := data.ShapeOf(v.cfg.Dim)
	return &data.Images{N: n, H: h, W: w, C: 1, Pix: out}, nil
}

// Encode returns the posterior means of images (n×Latent).
func (v *VAE) Encode(x *data.Images) ([]float32, error) {
	if err := v.fresh(); err != nil {
		return nil, err
	}
	return model.Call(v.encode, model.F32(x.Pix, x.N, v.cfg.Dim))
}
