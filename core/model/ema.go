package model

import (
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"
)

// EMA keeps an exponential moving average of some of a store's trained variables, which sampling
// reads instead of the raw weights (diffusion models and GAN generators sample better from it).
//
// The averages live in the same store under EMAScope, so that checkpoints and weights.bin carry
// them; they are flagged trainable for the weights format, but no training graph reads them, so
// the optimiser never touches them: only Update does, on the host.
type EMA struct {
	store *gm.Store
	decay float64
	pairs []emaPair
}

type emaPair struct{ raw, avg *gm.Variable }

const (
	// EMAScope is where the averages live: variable /p's average is /ema/p.
	EMAScope = "ema"
	emaCount = "/ema_steps" // Non-trainable: steps averaged so far (for the warm-up), kept in checkpoints.
)

// NewEMA creates the averages, as copies of their variables, of the trainable variables whose
// path starts with prefix ("" for all). decay 0 means no averaging: nil, and Sampling is the
// identity.
func NewEMA(store *gm.Store, decay float64, prefix string) (*EMA, error) {
	if decay == 0 {
		return nil, nil
	}
	e := &EMA{store: store, decay: decay}
	var raws []*gm.Variable
	for v := range store.IterVariables() {
		if v.Trainable && strings.HasPrefix(v.Path(), prefix) && !strings.HasPrefix(v.Path(), "/"+EMAScope+"/") {
			raws = append(raws, v)
		}
	}
	for _, v := range raws {
		t, err := v.Value()
		if err != nil {
			return nil, err
		}
		avg, err := store.CreateVariable(gm.JoinPath("/", EMAScope, v.Path()),
			F32(tensors.MustCopyFlatData[float32](t), t.Shape().Dimensions...))
		if err != nil {
			return nil, err
		}
		e.pairs = append(e.pairs, emaPair{v, avg})
	}
	n, err := store.CreateVariable(emaCount, tensors.FromValue(float32(0)))
	if err != nil {
		return nil, err
	}
	n.SetTrainable(false)
	return e, nil
}

// Sampling is the scope inference graphs read weights from: the averages' when averaging.
func (e *EMA) Sampling(scope *gm.Scope) *gm.Scope {
	if e == nil {
		return scope
	}
	return scope.In(EMAScope)
}

// Update moves the averages towards the weights after a training step: avg ← δ·avg + (1−δ)·w,
// with the warm-up δ = min(decay, (1+n)/(10+n)) so that early averages are not dominated by the
// random initialisation.
func (e *EMA) Update() error {
	if e == nil {
		return nil
	}
	cv := e.store.GetVariable(emaCount)
	ct, err := cv.Value()
	if err != nil {
		return err
	}
	n := float64(tensors.MustCopyFlatData[float32](ct)[0])
	decay := float32(min(e.decay, (1+n)/(10+n)))
	for _, p := range e.pairs {
		wt, err := p.raw.Value()
		if err != nil {
			return err
		}
		at, err := p.avg.Value()
		if err != nil {
			return err
		}
		w, a := tensors.MustCopyFlatData[float32](wt), tensors.MustCopyFlatData[float32](at)
		for i := range a {
			a[i] = decay*a[i] + (1-decay)*w[i]
		}
		if err := p.avg.SetValue(F32(a, at.Shape().Dimensions...)); err != nil {
			return err
		}
	}
	return cv.SetValue(tensors.FromValue(float32(n + 1)))
}
