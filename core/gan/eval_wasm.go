//go:build js && wasm

package gan

import (
	"fmt"

	"genlab/core/data"
	"genlab/core/model"
)

// Evaluate is native only: the page does not score samples, and leaving eval.go (with core/eval,
// which links gonum) out of the browser's worker saves 2.6 MB of its wasm code.
func (m *GAN) Evaluate(*data.Images, model.EvalOptions) (model.Metrics, error) {
	return nil, fmt.Errorf("%s: evaluation runs natively (genlab eval), not in the browser", m.spec.Name)
}
