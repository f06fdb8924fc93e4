package flow

import (
	"fmt"
	"math"

	"genlab/core/data"
	"genlab/core/model"
)

// What the page asks of an image flow beyond the generic interface: the frames of a latent walk,
// and interpolations between sampled faces (the page ships no test faces, so the interpolate
// view, which starts from test images, is not offered there).

// morphTemp is the temperature of the morph view's end faces: cleaner than T = 1, as in Glow.
const morphTemp = 0.7

// WalkFrame is the frame at phase (radians) of a latent walk that moves each of opt.N samples
// around a loop in z (model.LoopLatents): phase 0 and 2π are Sample's samples. label is ignored.
func (r *RealNVP) WalkFrame(opt model.SampleOptions, _ int, phase float64) (*data.Images, error) {
	if opt.N <= 0 || opt.N > 100_000 {
		return nil, fmt.Errorf("walk: n = %d", opt.N)
	}
	return r.Generate(model.LoopLatents(opt.Seed, opt.N, r.cfg.Dims(), opt.Temperature, phase), opt.N)
}

// morph draws, in each row, two faces sampled at T = 0.7 (first and last column) and the faces
// between them in z: z(θ) = a·cos θ + b·sin θ for θ from 0 to π/2, so every face on the way is
// as likely under the prior as the ends (a straight line would fade towards the mean face).
func (r *RealNVP) morph(req model.ViewRequest) (*model.Grid, error) {
	rows := max(1, min(8, req.N/viewCols))
	d := r.cfg.Dims()
	z := make([]float32, rows*viewCols*d)
	for c := range viewCols {
		col := model.LoopLatents(req.Seed, rows, d, morphTemp, math.Pi/2*float64(c)/float64(viewCols-1))
		for row := range rows {
			copy(z[(row*viewCols+c)*d:], col[row*d:(row+1)*d])
		}
	}
	im, err := r.Generate(z, rows*viewCols)
	if err != nil {
		return nil, err
	}
	return &model.Grid{Images: im, Cols: viewCols}, nil
}
