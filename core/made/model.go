package made

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/data"
	"genlab/core/model"
)

// The registered models. Hyper-parameters were chosen by measuring on this project's shared
// 2-core machine (~45 ms per step at batch 100): Adam at 3e-3 annealed (see MinLRFraction) beat a
// constant 1e-3 by ~1 nat at equal steps, and batch 200 did worse than 100 at equal wall time
// (a step has ~30 ms of per-parameter work: masks and Adam).
func init() {
	model.Register(model.Spec{
		Name: "made-digits", Family: "made", About: "MADE, 784-800-784 + direct, 4 connectivity masks, on binarised MNIST",
		Data: "mnist", Binarize: true, BatchSize: 100, Steps: 60000, LR: 3e-3,
	}, New)
	model.Register(model.Spec{
		Name: "made-shapes", Family: "made", About: "MADE, 784-800-784 + direct, 4 connectivity masks, on binarised four-shapes",
		Data: "shapes", Binarize: true, BatchSize: 100, Steps: 10000, LR: 3e-3,
	}, New)
}

// MADE is a trained or training model instance.
type MADE struct {
	spec     model.Spec
	cfg      Config
	backend  compute.Backend
	store    *gm.Store
	logProb  *gm.Exec // x, m^0..m^L -> log p(x) [B]
	logits   *gm.Exec // x, m^0..m^L -> logits [B, D] (tests compare the Go sampler with it)
	stepper  *model.Stepper
	lr       *model.LRSchedule // Adam's rate: Spec.LR annealed to MinLRFraction along a half cosine.
	maskSets []*MaskSet        // Drawn once: MaskSet(k) is a pure function of the config.
	stale    bool              // Trained since the inference graphs were compiled.
	use      []int             // Mask sets Sample, Inpaint and Score use (nil: set 0); see UseMasks.
}

// New builds a MADE with freshly initialised weights; config (JSON of Config) may be nil.
func New(backend compute.Backend, spec model.Spec, config json.RawMessage, seed uint64) (model.Model, error) {
	cfg := DefaultConfig
	if len(config) > 0 {
		if err := json.Unmarshal(config, &cfg); err != nil {
			return nil, fmt.Errorf("made config: %w", err)
		}
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	m := &MADE{spec: spec, cfg: cfg, backend: backend, store: spec.NewStore()}
	for k := range cfg.Masks {
		m.maskSets = append(m.maskSets, cfg.MaskSet(k))
	}
	m.store.SetParam(gm.ParamInitialSeed, int64(seed))
	err := model.Guard(func() (err error) {
		if err = m.buildInference(); err != nil {
			return err
		}
		// Create and initialise every variable now, so that loaded weights can be checked
		// against the architecture before anything runs.
		_, err = m.logProb.Call(m.inputs(make([]float32, cfg.Dim), 1, 0)...)
		return err
	})
	if err != nil {
		return nil, err
	}
	m.stepper = model.NewStepper(backend, m.store, spec.LR, cfg.nll)
	m.lr = model.NewLRSchedule(m.store, func(step int64) float64 {
		return model.CosineLR(spec.LR, int64(spec.Steps), step, MinLRFraction)
	})
	return m, nil
}

// MinLRFraction is where the learning rate ends, as a fraction of Spec.LR. On this model the
// annealing is worth ~2 nats over a constant rate for the same number of steps.
const MinLRFraction = 0.05

// buildInference compiles the inference graphs. GoMLX (v0.28) freezes the variable values a
// graph first ran with, so after training they are rebuilt (see fresh).
func (m *MADE) buildInference() (err error) {
	cfg := m.cfg
	m.logProb, err = gm.NewExec(m.backend, m.store, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		return cfg.logProb(scope, in[0], in[1:])
	})
	if err != nil {
		return err
	}
	m.logits, err = gm.NewExec(m.backend, m.store, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		return cfg.logits(scope, in[0], in[1:])
	})
	m.stale = false
	return err
}

// fresh rebuilds the inference graphs if training changed the weights since they were compiled.
// (The Go sampler reads the variables directly and is never stale.)
func (m *MADE) fresh() error {
	if !m.stale {
		return nil
	}
	return model.Guard(m.buildInference)
}

func (m *MADE) Spec() model.Spec { return m.spec }
func (m *MADE) Config() any      { return m.cfg }
func (m *MADE) Store() *gm.Store { return m.store }

// MaskSet returns mask set k (0 ≤ k < Config.Masks).
func (m *MADE) MaskSet(k int) *MaskSet { return m.maskSets[k] }

// inputs are the graph's arguments for n images x under mask set k: x [n, D], then m^0..m^L.
func (m *MADE) inputs(x []float32, n, k int) []any {
	return append([]any{model.F32(x, n, m.cfg.Dim)}, m.maskSets[k].graphInputs()...)
}

// TrainStep takes one Adam step on the NLL of a batch of binarised images, under the mask set of
// this step: mask sets are cycled, each kept for Config.Every steps. The step count is the
// optimizer's global step, saved in checkpoints, so a resumed run cycles exactly as an
// uninterrupted one.
func (m *MADE) TrainStep(batch *data.Images, _ *rand.Rand) (loss float64, err error) {
	if batch.Dim() != m.cfg.Dim {
		return 0, fmt.Errorf("made: batch of %d-pixel images, model has %d", batch.Dim(), m.cfg.Dim)
	}
	step, err := m.lr.Set()
	if err != nil {
		return 0, err
	}
	k := int(step/int64(m.cfg.Every)) % m.cfg.Masks
	m.stale = true
	in := []*tensors.Tensor{model.F32(batch.Pix, batch.N, m.cfg.Dim)}
	for _, t := range m.maskSets[k].graphInputs() {
		in = append(in, t.(*tensors.Tensor))
	}
	return m.stepper.Step(in...)
}

// logProbs returns log p(x) of every image under mask set k, computed in batches.
func (m *MADE) logProbs(x *data.Images, k int) ([]float32, error) {
	if x.Dim() != m.cfg.Dim {
		return nil, fmt.Errorf("made: %d-pixel images, model has %d", x.Dim(), m.cfg.Dim)
	}
	if err := m.fresh(); err != nil {
		return nil, err
	}
	const batch = 500
	out := make([]float32, 0, x.N)
	for start := 0; start < x.N; start += batch {
		b := min(batch, x.N-start)
		lp, err := model.Call(m.logProb, m.inputs(data.Subset(x, start, start+b).Pix, b, k)...)
		if err != nil {
			return nil, err
		}
		out = append(out, lp...)
	}
	return out, nil
}

// LogProb is log p(x) in nats of each (binary) image under the mask ensemble: the log of the
// mixture (1/K)·Σ_k p_k(x), the model's best density (the page scores drawn digits with it).
func (m *MADE) LogProb(x *data.Images) ([]float64, error) {
	per := make([][]float32, m.cfg.Masks)
	for k := range per {
		var err error
		if per[k], err = m.logProbs(x, k); err != nil {
			return nil, err
		}
	}
	out := make([]float64, x.N)
	w := make([]float32, m.cfg.Masks)
	for i := range out {
		for k := range w {
			w[k] = per[k][i]
		}
		out[i] = model.LogMeanExp(w)
	}
	return out, nil
}
