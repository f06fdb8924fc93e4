package model

import (
	"fmt"

	"genlab/core/data"
)

// Codec is a model with an encoder and a decoder: the autoencoder and the VAE.
type Codec interface {
	Encode(x *data.Images) ([]float32, error)        // codes (the VAE: posterior means), n×latent
	Decode(z []float32, n int) (*data.Images, error) // images (the VAE: pixel probabilities)
}

// Reconstruct encodes x and decodes its codes.
func Reconstruct(c Codec, x *data.Images) (*data.Images, error) {
	z, err := c.Encode(x)
	if err != nil {
		return nil, err
	}
	return c.Decode(z, x.N)
}

// ReconstructRows is the reconstruction view of a codec: rows of cols test images, each followed
// by a row of their reconstructions, as many as req.N leaves room for.
func ReconstructRows(c Codec, req ViewRequest, cols int) (*Grid, error) {
	if req.Input == nil || req.Input.N == 0 {
		return nil, fmt.Errorf("reconstruct needs test images")
	}
	n := min(req.Input.N, max(cols, req.N/2/cols*cols))
	x := data.Subset(req.Input, 0, n)
	rec, err := Reconstruct(c, x)
	if err != nil {
		return nil, err
	}
	d := x.Dim()
	out := &data.Images{N: 2 * n, H: rec.H, W: rec.W, C: rec.C, Pix: make([]float32, 0, 2*n*d)}
	for r := 0; r < n; r += cols {
		e := min(n, r+cols)
		out.Pix = append(out.Pix, x.Pix[r*d:e*d]...)
		out.Pix = append(out.Pix, rec.Pix[r*d:e*d]...)
	}
	return &Grid{Images: out, Cols: cols}, nil
}
