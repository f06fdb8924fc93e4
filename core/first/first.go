// Package first draws a link's first picture without GoMLX, for the page's first-picture program
// (wasm/first): 5.2 MB of wasm (1.0 MB brotli), up long before the model worker's 27 MB
// (issue 7: first grid within 1.5 s). It knows only the models whose sampling is a few dense
// layers — the MLP VAEs — and must draw what their Sample draws: vae's tests hold it to that.
package first

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"genlab/core/data"
	"genlab/core/rng"
	"genlab/core/weightfile"
)

// drawn are the models this package samples: the landing page's and its MLP kin.
var drawn = []string{"vae-digits"}

// Draws says whether Sample can draw the model's samples.
func Draws(model string) bool { return slices.Contains(drawn, model) }

// vaeConfig is the part of vae.Config sampling reads.
type vaeConfig struct {
	Dim    int   `json:"dim"`
	Hidden []int `json:"hidden"`
	Latent int   `json:"latent"`
}

// Sample draws n samples as the VAE's Sample does: z ~ N(0, T²·I) from the seed, decoded by
// ReLU layers of Hidden in reverse, then a sigmoid layer of Dim (the Bernoulli means).
func Sample(f *weightfile.File, seed uint64, n int, temperature float64) (*data.Images, error) {
	if !Draws(f.Model) {
		return nil, fmt.Errorf("first: %s is not drawn here", f.Model)
	}
	var cfg vaeConfig
	if err := json.Unmarshal(f.Config, &cfg); err != nil {
		return nil, fmt.Errorf("first: %s config: %w", f.Model, err)
	}
	if n < 1 || cfg.Latent < 1 || cfg.Dim < 1 {
		return nil, fmt.Errorf("first: %d samples of %s (latent %d, dim %d)", n, f.Model, cfg.Latent, cfg.Dim)
	}
	if temperature == 0 {
		temperature = 1
	}
	x := rng.Normals(rng.New(seed), n*cfg.Latent)
	for i := range x {
		x[i] *= float32(temperature)
	}
	in := cfg.Latent
	layers := make([]string, 0, len(cfg.Hidden)+1)
	for i := len(cfg.Hidden) - 1; i >= 0; i-- {
		layers = append(layers, fmt.Sprintf("/decoder/hidden%d/dense/", len(cfg.Hidden)-1-i))
	}
	layers = append(layers, "/decoder/out/dense/")
	for li, prefix := range layers {
		w, wShape, err := variable(f, prefix+"weights")
		if err != nil {
			return nil, err
		}
		b, bShape, err := variable(f, prefix+"biases")
		if err != nil {
			return nil, err
		}
		if len(wShape) != 2 || wShape[0] != in || len(bShape) != 1 || bShape[0] != wShape[1] {
			return nil, fmt.Errorf("first: %s: weights %v, biases %v after a layer of %d", prefix, wShape, bShape, in)
		}
		x = dense(x, n, w, b, in, wShape[1], li == len(layers)-1)
		in = wShape[1]
	}
	if in != cfg.Dim {
		return nil, fmt.Errorf("first: %s decodes %d values, its config says %d", f.Model, in, cfg.Dim)
	}
	h, wd := data.ShapeOf(cfg.Dim)
	return &data.Images{N: n, H: h, W: wd, C: 1, Pix: x}, nil
}

// variable is a stored variable's values and shape.
func variable(f *weightfile.File, path string) ([]float32, []int, error) {
	for i, vi := range f.Vars {
		if vi.Path == path {
			v, err := f.Float32s(i)
			return v, vi.Shape, err
		}
	}
	return nil, nil, fmt.Errorf("first: %s has no variable %s", f.Model, path)
}

// dense is x·w + b for n rows of x, then ReLU, or the sigmoid for the last layer. Four rows at a
// time share each load of a row of w, and the inner loop runs along w's rows, which are
// contiguous: ~3× faster than one row at a time in the browser's first (baseline) compile.
func dense(x []float32, n int, w, b []float32, in, out int, last bool) []float32 {
	y := make([]float32, n*out)
	for r := range n {
		copy(y[r*out:(r+1)*out], b)
	}
	r := 0
	for ; r+4 <= n; r += 4 {
		y0, y1, y2, y3 := y[r*out:][:out], y[(r+1)*out:][:out], y[(r+2)*out:][:out], y[(r+3)*out:][:out]
		for k := range in {
			x0, x1, x2, x3 := x[r*in+k], x[(r+1)*in+k], x[(r+2)*in+k], x[(r+3)*in+k]
			wk := w[k*out:][:out]
			for j, v := range wk {
				y0[j] += x0 * v
				y1[j] += x1 * v
				y2[j] += x2 * v
				y3[j] += x3 * v
			}
		}
	}
	for ; r < n; r++ {
		row := y[r*out:][:out]
		for k, xv := range x[r*in : (r+1)*in] {
			for j, v := range w[k*out:][:out] {
				row[j] += xv * v
			}
		}
	}
	for i, v := range y {
		if last {
			y[i] = float32(1 / (1 + math.Exp(-float64(v))))
		} else if v < 0 {
			y[i] = 0
		}
	}
	return y
}
