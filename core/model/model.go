// Package model is the one interface every generative family implements, and the registry the CLI
// and the page's worker look models up in. Neither ever imports a family directly: adding a family
// means adding a package under core/ that calls Register in its init, and a blank import in
// core/families.
package model

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/data"
)

// Spec describes a named model: what it is trained on and how.
type Spec struct {
	Name   string // "vae-digits": the stable name in URLs, the CLI and pretrained/<name>/.
	Family string // "vae", "made", ...
	About  string // One line for listings and the page.

	Data     string // data.Load set: "mnist", "faces", "shapes".
	Binarize bool   // Train on dynamically binarised pixels, evaluate on data.BinarizeFixed.

	BatchSize int     // Training batch size.
	Steps     int     // Default number of training steps of `genlab train`.
	LR        float64 // Adam learning rate.

	// FirstOnORT: the page builds this model straight on ONNX Runtime Web instead of drawing its
	// first picture on the Go backend while ORT loads. For models whose sampling runs the network
	// many times, waiting for ORT is sooner: ddpm-digits' 50 U-Net calls took 37.4 s on Go in
	// the page's wasm, ~5 s on ORT (pretrained/README.md).
	FirstOnORT bool

	load *loading // set by FromWeights while the model is built: see NewStore
}

// NewStore is the variable store a model of this spec is built in (families call it in their
// constructors): empty for a fresh model; for one being loaded (FromWeights), one that hands the
// loaded values to the variables as the model creates them, so that building it draws no random
// initial values only to overwrite them (for vae-digits in the page's wasm, ~0.4 s of the ~0.7 s
// to its first picture).
func (s Spec) NewStore() *gm.Store {
	store := gm.NewStore()
	if s.load != nil && s.load.w != nil {
		store.SetLoader(s.load)
	}
	return store
}

// loading is a GoMLX store Loader over decoded weights. Moving averages are left out: NewEMA
// creates them as copies of their variables (Apply then sets the loaded ones).
type loading struct{ w *Weights }

func (l *loading) LoadVariable(_ *gm.Store, path string) (*tensors.Tensor, bool) {
	if l.w == nil || strings.HasPrefix(path, "/"+EMAScope+"/") || path == emaCount {
		return nil, false
	}
	t, ok := l.w.Tensors[path]
	return t, ok
}

func (l *loading) DeleteVariable(*gm.Store, string) error { return nil }

// SampleOptions are the knobs of Sample. Zero values mean the model's defaults.
type SampleOptions struct {
	N           int
	Seed        uint64
	Temperature float64
	// Steps is the number of sampling steps of iterative samplers (diffusion: DDIM steps, T
	// for DDPM); other families ignore it.
	Steps int
}

// Metrics are named scalar results, e.g. {"nll_nats": 88.1}.
type Metrics map[string]float64

// EvalOptions tune Evaluate. Zero values mean the model's defaults.
type EvalOptions struct {
	Samples  int               // Importance samples per example (IWAE k) or generated samples.
	Progress func(done, n int) // Called as examples are processed; may be nil.
}

// View is an extra, family-specific way of looking at a model (reconstructions, interpolations,
// pixel-by-pixel sampling...). The page lists a model's views and draws what they return.
type View struct {
	Name  string // "reconstruct"
	Title string // "Reconstructions: test digits (odd rows) and the VAE's reconstruction (even rows)"
	// Needs says which input the view wants: "" (none) or "test" (test images of Spec.Data).
	Needs string
	// Uses lists other weights files the view runs beside the model, as paths under pretrained/
	// (e.g. "ae-digits/latent-sizes/ae-2.bin"); the host loads them, in order, into
	// ViewRequest.Models.
	Uses []string
	Run  func(req ViewRequest) (*Grid, error)
}

// ViewRequest is what a View runs on.
type ViewRequest struct {
	Seed   uint64
	N      int
	Input  *data.Images // Test images when the view Needs them.
	Models []Model      // The models of View.Uses.
}

// Grid is images to draw in rows of Cols.
type Grid struct {
	Images *data.Images
	Cols   int
}

// Model is one instance of a generative model with its weights.
type Model interface {
	Spec() Spec
	// Config is the family's hyper-parameters, saved with the weights so that loading rebuilds the
	// same architecture.
	Config() any
	Store() *gm.Store
	// Sample draws opt.N images; the same seed gives the same images on every backend.
	Sample(opt SampleOptions) (*data.Images, error)
	// TrainStep runs one optimiser step on a batch (already preprocessed) and returns the loss.
	TrainStep(batch *data.Images, rng *rand.Rand) (loss float64, err error)
	// Evaluate computes the family's test metrics (NLL, bound, bits/dim...) on images already
	// preprocessed like the test protocol asks (fixed binarisation for binary models).
	Evaluate(test *data.Images, opt EvalOptions) (Metrics, error)
	Views() []View
}

// MultiStepper is a Model that can run several training steps in one backend call
// (Stepper.Steps): the page trains so on ONNX Runtime Web, StepsPerCallORT steps a call, the
// same steps as TrainStep would take one by one.
type MultiStepper interface {
	TrainSteps(batches []*data.Images, rng *rand.Rand) (losses []float64, err error)
}

// StepsPerCallORT is how many training steps the page runs in one ONNX Runtime Web call: each
// call costs ~43 ms of copies in Chromium whatever K is, each step ~21 ms more (the bench MLP:
// 64 ms at one step a call, 32 ms a step at four, docs/performance.md); 4 keeps a call near
// 130 ms, the page's answer time to Pause.
const StepsPerCallORT = 4

// Factory builds a freshly initialised model on a backend from a JSON config (nil: defaults).
type Factory func(backend compute.Backend, spec Spec, config json.RawMessage, seed uint64) (Model, error)

type entry struct {
	spec Spec
	new  Factory
}

var registry = map[string]entry{}

// Register adds a named model. Families call it from init.
func Register(spec Spec, f Factory) {
	if _, dup := registry[spec.Name]; dup {
		panic("model: duplicate registration of " + spec.Name)
	}
	registry[spec.Name] = entry{spec, f}
}

// Names lists the registered models, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the spec of a registered model.
func Lookup(name string) (Spec, error) {
	e, err := find(name)
	return e.spec, err
}

func find(name string) (entry, error) {
	e, ok := registry[name]
	if !ok {
		return entry{}, fmt.Errorf("unknown model %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return e, nil
}

// Option changes a model's spec for one instance (New, FromWeights).
type Option func(*Spec)

// WithLR sets the learning rate (e.g. a lower one to continue a trained model); 0 keeps the spec's.
func WithLR(lr float64) Option {
	return func(s *Spec) {
		if lr > 0 {
			s.LR = lr
		}
	}
}

// New builds a freshly initialised model. config may be nil for the defaults.
func New(backend compute.Backend, name string, config json.RawMessage, seed uint64, opts ...Option) (Model, error) {
	e, err := find(name)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(&e.spec)
	}
	return e.new(backend, e.spec, config, seed)
}

// TestSet applies the evaluation protocol to a test split: binary models are scored on pixels
// binarised once with the fixed seed (data.BinarizeFixed), as the papers report.
func (s Spec) TestSet(im *data.Images) *data.Images {
	if s.Binarize {
		return data.BinarizeFixed(im)
	}
	return im
}
