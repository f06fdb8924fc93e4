package flow

import (
	"fmt"

	"genlab/core/model"
)

// Generate maps base-space points z (z0,w0,z1,w1,…) through the inverse flow to x = f⁻¹(z): the
// page's 2-D lab draws the grid of the base space deformed this way.
func (m *Flow2D) Generate(z []float32) ([]float32, error) {
	if len(z) == 0 || len(z)%2 != 0 {
		return nil, fmt.Errorf("flow2d: %d values are not a whole number of 2-D points", len(z))
	}
	if err := m.fresh(); err != nil {
		return nil, err
	}
	return model.Call(m.gen, model.F32(z, len(z)/2, 2))
}
