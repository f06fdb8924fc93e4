package ae

import (
	"fmt"

	"genlab/core/data"
	"genlab/core/model"
)

// Views are the autoencoder's pictures: reconstructions (laid out like the VAE's, so the page can
// show them side by side) and straight lines between the codes of two test digits.
func (a *AE) Views() []model.View {
	return []model.View{
		{Name: "reconstruct", Title: "Test digits (odd rows) and their reconstructions (even rows)", Needs: "test", Run: a.reconstruct},
		{Name: "interpolate", Title: "Decoded straight lines between the codes of two test digits, left to right", Needs: "test", Run: a.interpolate},
		a.latentSizesView(),
	}
}

const viewCols = 10

func (a *AE) reconstruct(req model.ViewRequest) (*model.Grid, error) {
	return model.ReconstructRows(a, req, viewCols)
}

// interpolate walks from the code of test digit 2r to that of digit 2r+1 (of the first test
// images after an offset drawn from the seed) in ten steps per row.
func (a *AE) interpolate(req model.ViewRequest) (*model.Grid, error) {
	if req.Input == nil || req.Input.N < 2 {
		return nil, fmt.Errorf("interpolate needs at least two test images")
	}
	rows := max(1, min(16, req.N/viewCols, req.Input.N/2))
	off := int(req.Seed % uint64(req.Input.N-2*rows+1))
	ends, err := a.Encode(data.Subset(req.Input, off, off+2*rows))
	if err != nil {
		return nil, err
	}
	l := a.cfg.Latent
	z := model.Lerps(ends, rows, viewCols, l)
	im, err := a.Decode(z, rows*viewCols)
	if err != nil {
		return nil, err
	}
	return &model.Grid{Images: im, Cols: viewCols}, nil
}
