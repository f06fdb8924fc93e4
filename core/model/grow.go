package model

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gomlx/compute"
)

// Grow builds w's model with config (a larger architecture of the same family: more residual
// blocks, say) and copies in every trained variable w has, so that a network that stopped
// improving at its size continues with what it learned instead of starting over. The variables w
// lacks keep their initial values (a family that starts new blocks as the identity, as the
// diffusion U-Net does, then computes exactly w's function at the first step); their paths are
// returned. A variable both have with different shapes is an error. Optimizer state and step
// counters are not carried: the grown model trains with fresh moments.
func Grow(backend compute.Backend, w *Weights, config json.RawMessage, name string, seed uint64, opts ...Option) (Model, []string, error) {
	m, err := New(backend, w.Model, config, seed, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	var fresh []string
	for v := range m.Store().IterVariables() {
		if !v.Trainable {
			continue
		}
		t, ok := w.Tensors[v.Path()]
		if raw, isAvg := strings.CutPrefix(v.Path(), "/"+EMAScope); !ok && isAvg {
			if t, ok = w.Tensors[raw]; ok { // an average w lacks starts as its variable
				if t, err = t.LocalClone(); err != nil {
					return nil, nil, err
				}
			}
		}
		if !ok {
			if !strings.HasPrefix(v.Path(), "/"+EMAScope+"/") {
				fresh = append(fresh, v.Path())
			}
			continue
		}
		if !t.Shape().Equal(v.Shape()) {
			return nil, nil, fmt.Errorf("%s: variable %s has shape %s, the grown model's is %s (only new variables can differ)", name, v.Path(), t.Shape(), v.Shape())
		}
		if err := v.SetValue(t); err != nil {
			return nil, nil, err
		}
	}
	if len(fresh) == 0 {
		return nil, nil, fmt.Errorf("%s: config %s adds nothing to the model (nothing to grow)", name, config)
	}
	return m, fresh, nil
}
