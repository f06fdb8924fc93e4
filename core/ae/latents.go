package ae

import (
	"fmt"

	"genlab/core/data"
	"genlab/core/model"
)

// The lecture's bottleneck point, side by side: the same test digits reconstructed by
// autoencoders and by VAEs whose codes hold 2, 8 and 32 numbers. The six small models
// (784-128-d-128-784, trained by the commands in pretrained/README.md) ship beside ae-digits'
// weights; the AEs see grey digits, the VAEs (Bernoulli pixels) the digits binarised.
var latentSizes = []int{2, 8, 32}

// latentSizeFiles lists the small models' weights under pretrained/: AEs first, then VAEs.
func latentSizeFiles() []string {
	var files []string
	for _, kind := range []string{"ae", "vae"} {
		for _, d := range latentSizes {
			files = append(files, fmt.Sprintf("ae-digits/latent-sizes/%s-%d.bin", kind, d))
		}
	}
	return files
}

func (a *AE) latentSizesView() model.View {
	return model.View{
		Name:  "latents",
		Title: "Latent size: test digits, then AE codes of 2, 8, 32, then VAE 2, 8, 32",
		Needs: "test", Uses: latentSizeFiles(), Run: a.latentSizes,
	}
}

func (a *AE) latentSizes(req model.ViewRequest) (*model.Grid, error) {
	if req.Input == nil || req.Input.N == 0 {
		return nil, fmt.Errorf("latents needs test images")
	}
	if len(req.Models) != len(latentSizeFiles()) {
		return nil, fmt.Errorf("latents needs its %d small models, got %d", len(latentSizeFiles()), len(req.Models))
	}
	x := data.Subset(req.Input, 0, min(viewCols, req.Input.N))
	out := &data.Images{H: x.H, W: x.W, C: x.C, Pix: append([]float32{}, x.Pix...)}
	for i, m := range req.Models {
		c, ok := m.(interface {
			model.Codec
			Latent() int
		})
		if !ok || c.Latent() != latentSizes[i%len(latentSizes)] {
			return nil, fmt.Errorf("latents: model %d (%s) is not a codec with a %d-number code", i, m.Spec().Name, latentSizes[i%len(latentSizes)])
		}
		in := x
		if m.Spec().Binarize {
			in = data.BinarizeFixed(x)
		}
		rec, err := model.Reconstruct(c, in)
		if err != nil {
			return nil, fmt.Errorf("latents: %s: %w", latentSizeFiles()[i], err)
		}
		out.Pix = append(out.Pix, rec.Pix...)
	}
	out.N = len(out.Pix) / x.Dim()
	return &model.Grid{Images: out, Cols: x.N}, nil
}
