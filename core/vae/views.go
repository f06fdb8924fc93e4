package vae

import (
	"genlab/core/model"
)

// Views are the VAE's pictures beyond samples: reconstructions, and walks through latent space.
func (v *VAE) Views() []model.View {
	return []model.View{
		{Name: "reconstruct", Title: "Test digits (odd rows) and their reconstructions (even rows)", Needs: "test", Run: v.reconstruct},
		{Name: "interpolate", Title: "Interpolation between random latent points, left to right", Run: v.interpolate},
		{Name: "traverse", Title: "Traversal: each row moves one latent coordinate from -3 to 3", Run: v.traverse},
	}
}

const viewCols = 10

func (v *VAE) reconstruct(req model.ViewRequest) (*model.Grid, error) {
	return model.ReconstructRows(v, req, viewCols)
}

func (v *VAE) interpolate(req model.ViewRequest) (*model.Grid, error) {
	rows := max(1, min(16, req.N/viewCols))
	l := v.cfg.Latent
	ends := model.Normals(model.Rand(req.Seed), 2*rows*l)
	z := model.Lerps(ends, rows, viewCols, l)
	return v.decodeGrid(z, rows*viewCols)
}

func (v *VAE) traverse(req model.ViewRequest) (*model.Grid, error) {
	l := v.cfg.Latent
	rows := max(1, min(l, req.N/viewCols))
	base := model.Normals(model.Rand(req.Seed), l)
	z := make([]float32, 0, rows*viewCols*l)
	for r := range rows {
		for c := range viewCols {
			p := append([]float32{}, base...)
			p[r] = -3 + 6*float32(c)/float32(viewCols-1)
			z = append(z, p...)
		}
	}
	return v.decodeGrid(z, rows*viewCols)
}

func (v *VAE) decodeGrid(z []float32, n int) (*model.Grid, error) {
	im, err := v.Decode(z, n)
	if err != nil {
		return nil, err
	}
	return &model.Grid{Images: im, Cols: viewCols}, nil
}
