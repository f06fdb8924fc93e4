package vae

import (
	"fmt"

	"genlab/core/data"
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
	if req.Input == nil || req.Input.N == 0 {
		return nil, fmt.Errorf("reconstruct needs test images")
	}
	n := min(req.Input.N, max(viewCols, req.N/2/viewCols*viewCols))
	x := data.Subset(req.Input, 0, n)
	mu, err := v.Encode(x)
	if err != nil {
		return nil, err
	}
	rec, err := v.Decode(mu, n)
	if err != nil {
		return nil, err
	}
	// Interleave rows: originals, then their reconstructions.
	out := &data.Images{N: 2 * n, H: rec.H, W: rec.W, C: 1, Pix: make([]float32, 0, 2*n*v.cfg.Dim)}
	for r := 0; r < n; r += viewCols {
		e := min(n, r+viewCols)
		out.Pix = append(out.Pix, x.Pix[r*v.cfg.Dim:e*v.cfg.Dim]...)
		out.Pix = append(out.Pix, rec.Pix[r*v.cfg.Dim:e*v.cfg.Dim]...)
	}
	out.N = len(out.Pix) / v.cfg.Dim
	return &model.Grid{Images: out, Cols: viewCols}, nil
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
