package diffusion

import (
	"fmt"

	"genlab/core/data"
	"genlab/core/model"
)

// Views are the diffusion pictures beyond samples: the denoising trajectory, and the samplers
// compared from the same noise. The 2-D toys have none (the page draws their points).
func (d *Diffusion) Views() []model.View {
	if !d.cfg.Pixels {
		return nil
	}
	return []model.View{
		{Name: "denoise", Title: fmt.Sprintf("Denoising with DDIM (%d steps), left to right: x_t (odd rows) and the network's estimate of x_0 (even rows)", d.trajectorySteps()), Run: d.denoise},
		{Name: "samplers", Title: fmt.Sprintf("Same x_T, one row per sampler: DDPM (%d steps), DDIM η=0 with 100, 50, 20, 10 steps", d.cfg.T), Run: d.samplers},
	}
}

const viewCols = 10

func (d *Diffusion) trajectorySteps() int { return min(d.cfg.T, 50) }

// denoise shows a few samples' trajectories: viewCols snapshots of x_t and of x̂_0, evenly spaced
// over the steps, the last column being the sample.
func (d *Diffusion) denoise(req model.ViewRequest) (*model.Grid, error) {
	rows := max(1, min(8, req.N/(2*viewCols)))
	smp := Sampler{Steps: d.trajectorySteps()}
	dim := d.dim()
	xs := make([][]float32, viewCols) // Column c: x_t of every row.
	x0s := make([][]float32, viewCols)
	last := -1
	final, err := d.SampleWith(model.SampleOptions{N: rows, Seed: req.Seed}, smp, func(s Step) error {
		// Snapshot at steps 1, …, Of spread over the first viewCols−1 columns.
		c := (s.I - 1) * (viewCols - 1) / s.Of
		if c != last {
			xs[c], x0s[c] = append([]float32{}, s.X...), append([]float32{}, s.X0...)
			last = c
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	fin := d.toModel(final.Pix)
	xs[viewCols-1], x0s[viewCols-1] = fin, fin
	out := &data.Images{H: d.cfg.H, W: d.cfg.W, C: d.cfg.C}
	for r := range rows {
		for _, set := range [][][]float32{xs, x0s} {
			for c := range viewCols {
				out.Pix = append(out.Pix, set[c][r*dim:(r+1)*dim]...)
			}
		}
	}
	out.N = len(out.Pix) / dim
	pix := d.fromModel(out.Pix) // x_t can leave [−1,1]: shown clamped.
	pix.N = out.N
	return &model.Grid{Images: pix, Cols: viewCols}, nil
}

// samplers draws viewCols samples from the same x_T with DDPM and with DDIM at several step
// counts: DDIM (η=0) keeps the same digit as the steps shrink, DDPM's added noise does not.
func (d *Diffusion) samplers(req model.ViewRequest) (*model.Grid, error) {
	smps := []Sampler{{DDPM: true}}
	for _, s := range []int{100, 50, 20, 10} {
		if s < d.cfg.T {
			smps = append(smps, Sampler{Steps: s})
		}
	}
	out := &data.Images{H: d.cfg.H, W: d.cfg.W, C: d.cfg.C}
	for _, smp := range smps {
		im, err := d.SampleWith(model.SampleOptions{N: viewCols, Seed: req.Seed}, smp, nil)
		if err != nil {
			return nil, err
		}
		out.N += im.N
		out.Pix = append(out.Pix, im.Pix...)
	}
	return &model.Grid{Images: out, Cols: viewCols}, nil
}
