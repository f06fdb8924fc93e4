package made

import (
	"fmt"
	"slices"

	"genlab/core/data"
	"genlab/core/model"
)

// Views are MADE's pictures beyond samples: its ordering, inpainting, and ensemble samples.
func (m *MADE) Views() []model.View {
	return []model.View{
		{Name: "order", Title: "The ordering of each mask set: dark pixels are sampled first, bright ones last", Run: m.orderView},
		{Name: "inpaint", Title: "Each row: a test image with the second half of its ordering hidden, then 9 completions", Needs: "test", Run: m.inpaintView},
		{Name: "ensemble", Title: "Samples from the ensemble of all mask sets (their conditionals averaged at each step)", Run: m.ensembleView},
	}
}

const viewCols = 10

// orderView draws each distinct ordering once (one image for raster or column, K for random).
func (m *MADE) orderView(model.ViewRequest) (*model.Grid, error) {
	d := m.cfg.Dim
	out := &data.Images{H: m.cfg.H, W: m.cfg.W, C: 1}
	var seen [][]int
	for _, ms := range m.maskSets {
		if slices.ContainsFunc(seen, func(o []int) bool { return slices.Equal(o, ms.Order) }) {
			continue
		}
		seen = append(seen, ms.Order)
		for _, pos := range ms.Degrees[0] {
			out.Pix = append(out.Pix, float32(pos-1)/float32(d-1))
		}
	}
	out.N = len(seen)
	return &model.Grid{Images: out, Cols: min(out.N, viewCols)}, nil
}

func (m *MADE) inpaintView(req model.ViewRequest) (*model.Grid, error) {
	if req.Input == nil || req.Input.N == 0 {
		return nil, fmt.Errorf("inpaint needs test images")
	}
	rows := min(req.Input.N, max(4, req.N/viewCols)) // at least a few rows, even for a small n
	d, known := m.cfg.Dim, m.cfg.Dim/2
	// Each test image repeated 9 times, then all completed in one batch.
	rep := &data.Images{N: rows * (viewCols - 1), H: m.cfg.H, W: m.cfg.W, C: 1}
	for r := range rows {
		for range viewCols - 1 {
			rep.Pix = append(rep.Pix, req.Input.Image(r)...)
		}
	}
	done, err := m.Inpaint(rep, known, req.Seed)
	if err != nil {
		return nil, err
	}
	out := &data.Images{N: rows * viewCols, H: m.cfg.H, W: m.cfg.W, C: 1}
	order := m.maskSets[m.sets()[0]].Order
	for r := range rows {
		shown := append([]float32{}, req.Input.Image(r)...)
		for _, px := range order[known:] {
			shown[px] = Unsampled
		}
		out.Pix = append(out.Pix, shown...)
		out.Pix = append(out.Pix, done.Pix[r*(viewCols-1)*d:(r+1)*(viewCols-1)*d]...)
	}
	return &model.Grid{Images: out, Cols: viewCols}, nil
}

func (m *MADE) ensembleView(req model.ViewRequest) (*model.Grid, error) {
	im, err := m.SampleEnsemble(model.SampleOptions{N: max(1, req.N), Seed: req.Seed})
	if err != nil {
		return nil, err
	}
	cols := 1
	for cols*cols < im.N {
		cols++
	}
	return &model.Grid{Images: im, Cols: cols}, nil
}
