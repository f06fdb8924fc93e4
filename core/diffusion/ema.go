package diffusion

import (
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/model"
)

// The averaged weights live in the same store as the trained ones, under emaScope, so that
// checkpoints and weights.bin carry them (the page samples with them). They are flagged trainable
// for the weights format, but no training graph uses them, so the optimiser never touches them:
// only updateEMA does, on the host.
const (
	emaScope = "ema"
	emaCount = "/ema_steps" // Non-trainable: steps averaged so far (for the warm-up), kept in checkpoints.
)

type emaPair struct{ raw, avg *gm.Variable }

// sampling is the scope inference graphs read weights from: the averages when EMA is on.
func (d *Diffusion) sampling(scope *gm.Scope) *gm.Scope {
	if d.cfg.EMA == 0 {
		return scope
	}
	return scope.In(emaScope)
}

// initEMA creates the averages as copies of the freshly initialised weights.
func (d *Diffusion) initEMA() error {
	if d.cfg.EMA == 0 {
		return nil
	}
	var raws []*gm.Variable
	for v := range d.store.IterVariables() {
		if v.Trainable && !strings.HasPrefix(v.Path(), "/"+emaScope+"/") {
			raws = append(raws, v)
		}
	}
	for _, v := range raws {
		t, err := v.Value()
		if err != nil {
			return err
		}
		avg, err := d.store.CreateVariable(gm.JoinPath("/", emaScope, v.Path()),
			model.F32(tensors.MustCopyFlatData[float32](t), t.Shape().Dimensions...))
		if err != nil {
			return err
		}
		d.ema = append(d.ema, emaPair{v, avg})
	}
	n, err := d.store.CreateVariable(emaCount, tensors.FromValue(float32(0)))
	if err != nil {
		return err
	}
	n.SetTrainable(false)
	return nil
}

// updateEMA moves the averages towards the weights: avg ← δ·avg + (1−δ)·w, with the warm-up
// δ = min(EMA, (1+n)/(10+n)) so that early averages are not dominated by the random init.
func (d *Diffusion) updateEMA() error {
	if d.cfg.EMA == 0 {
		return nil
	}
	cv := d.store.GetVariable(emaCount)
	ct, err := cv.Value()
	if err != nil {
		return err
	}
	n := float64(tensors.MustCopyFlatData[float32](ct)[0])
	decay := float32(min(d.cfg.EMA, (1+n)/(10+n)))
	for _, p := range d.ema {
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
		if err := p.avg.SetValue(model.F32(a, at.Shape().Dimensions...)); err != nil {
			return err
		}
	}
	return cv.SetValue(tensors.FromValue(float32(n + 1)))
}
