package flow

import (
	"fmt"

	"genlab/core/data"
	"genlab/core/model"
)

// Views are the image flow's pictures beyond samples.
func (r *RealNVP) Views() []model.View {
	return []model.View{
		{Name: "interpolate", Title: "Interpolation in z between pairs of test faces (ends: the faces' own reconstructions)", Needs: "test", Run: r.interpolate},
		{Name: "morph", Title: "Morph: each row goes in z from one sampled face (T = 0.7) to another", Run: r.morph},
		{Name: "layers", Title: "Layers: a sample, then after each coupling step, row by row, to z", Run: r.layerByLayer},
		{Name: "temperature", Title: "Temperature: each row draws at T = 0, 0.25, 0.5, 0.75, 1 (left to right)", Run: r.temperatures},
	}
}

const viewCols = 10

func (r *RealNVP) interpolate(req model.ViewRequest) (*model.Grid, error) {
	if req.Input == nil || req.Input.N < 2 {
		return nil, fmt.Errorf("interpolate needs at least two test images")
	}
	rows := max(1, min(8, req.N/viewCols, req.Input.N/2))
	ends, err := r.Encode(data.Subset(req.Input, 0, 2*rows))
	if err != nil {
		return nil, err
	}
	d := r.cfg.Dims()
	z := model.Lerps(ends, rows, viewCols, d)
	im, err := r.Generate(z, rows*viewCols)
	if err != nil {
		return nil, err
	}
	return &model.Grid{Images: im, Cols: viewCols}, nil
}

// layerByLayer draws samples at temperature 0.7 and runs them forward: each sample fills two rows,
// the face first, then the image after every coupling step (coupling, actnorm and any 1x1
// convolution), the last being z: how the flow turns a face into Gaussian noise.
func (r *RealNVP) layerByLayer(req model.ViewRequest) (*model.Grid, error) {
	keep := r.couplingOutputs()
	cells := 1 + len(keep)
	cols := (cells + 1) / 2
	rows := max(1, min(3, req.N/(2*cols)))
	x, err := r.Sample(model.SampleOptions{N: rows, Seed: req.Seed, Temperature: 0.7})
	if err != nil {
		return nil, err
	}
	all, err := model.Call(r.layers, model.F32(x.Pix, rows, r.cfg.Dims()))
	if err != nil {
		return nil, err
	}
	d, per := r.cfg.Dims(), len(r.flow)+1 // layerImages: the input, then every layer's output
	pix := make([]float32, 0, rows*2*cols*d)
	for s := range rows {
		img := func(k int) []float32 { return all[(s*per+k)*d : (s*per+k+1)*d] }
		pix = append(pix, img(0)...)
		for _, i := range keep {
			pix = append(pix, img(i+1)...)
		}
		pix = append(pix, make([]float32, (2*cols-cells)*d)...) // an odd count leaves one blank cell
	}
	im := &data.Images{N: rows * 2 * cols, H: r.cfg.Side, W: r.cfg.Side, C: r.cfg.Channels, Pix: pix}
	return &model.Grid{Images: im, Cols: cols}, nil
}

// couplingOutputs lists the layers whose output ends a coupling step: the last layer before the
// next coupling (or the end), once a coupling has run.
func (r *RealNVP) couplingOutputs() []int {
	var keep []int
	seen := false
	for i, l := range r.flow {
		if _, ok := l.(Coupling); ok {
			seen = true
		}
		if !seen {
			continue
		}
		if i == len(r.flow)-1 {
			keep = append(keep, i)
		} else if _, next := r.flow[i+1].(Coupling); next {
			keep = append(keep, i)
		}
	}
	return keep
}

func (r *RealNVP) temperatures(req model.ViewRequest) (*model.Grid, error) {
	temps := []float32{0, 0.25, 0.5, 0.75, 1}
	rows := max(1, min(8, req.N/len(temps)))
	d := r.cfg.Dims()
	base := model.Normals(model.Rand(req.Seed), rows*d)
	z := make([]float32, 0, rows*len(temps)*d)
	for row := range rows {
		for _, t := range temps {
			for _, v := range base[row*d : (row+1)*d] {
				z = append(z, t*v)
			}
		}
	}
	im, err := r.Generate(z, rows*len(temps))
	if err != nil {
		return nil, err
	}
	return &model.Grid{Images: im, Cols: len(temps)}, nil
}
