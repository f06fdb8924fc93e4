package ae

import (
	"fmt"

	"genlab/core/data"
	"genlab/core/model"
)

// Evaluate reports the test reconstruction error: the mean squared error per pixel and the squared
// error summed over an image's pixels (sse_per_image, what training minimises), averaged over images, on grey
// pixels in [0, 1].
func (a *AE) Evaluate(test *data.Images, opt model.EvalOptions) (model.Metrics, error) {
	if err := a.fresh(); err != nil {
		return nil, err
	}
	if test.N == 0 || test.Dim() != a.cfg.Dim {
		return nil, fmt.Errorf("ae: evaluation needs images of %d pixels (got %d of %d)", a.cfg.Dim, test.N, test.Dim())
	}
	const batch = 500
	var sum float64
	for start := 0; start < test.N; start += batch {
		x := data.Subset(test, start, min(test.N, start+batch))
		e, err := model.Call(a.errs, model.F32(x.Pix, x.N, a.cfg.Dim))
		if err != nil {
			return nil, err
		}
		for _, v := range e {
			sum += float64(v)
		}
		if opt.Progress != nil {
			opt.Progress(start+x.N, test.N)
		}
	}
	perImage := sum / float64(test.N)
	return model.Metrics{"sse_per_image": perImage, "mse_per_pixel": perImage / float64(a.cfg.Dim), "latent": float64(a.cfg.Latent)}, nil
}
