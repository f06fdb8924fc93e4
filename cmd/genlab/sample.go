package main

import (
	"fmt"
	"path/filepath"

	"github.com/gomlx/compute"

	"genlab/core/model"
	"genlab/core/plot"
)

func cmdSample(args []string) error {
	fs := newFlags("sample")
	name := fs.String("model", "", "model name")
	n := fs.Int("n", 64, "number of samples (1..1024)")
	seed := fs.Uint64("seed", 1, "seed: the same seed gives the same samples")
	out := fs.String("o", "samples.png", "output PNG")
	weights := fs.String("weights", "", "weights folder or file (default pretrained/MODEL)")
	temp := fs.Float64("temperature", 1, "sampling temperature (0..10)")
	view := fs.String("view", "", "draw a model view instead of samples (e.g. interpolate)")
	dataDir := fs.String("data", "data", "data folder (for views that need test images)")
	cols := fs.Int("cols", 0, "images per row (default: square-ish)")
	zoom := fs.Int("zoom", 2, "pixel zoom (1..16)")
	backendName := fs.String("backend", "go", "compute backend")
	steps := fs.Int("steps", 0, "sampling steps (diffusion: DDIM steps, T for DDPM; 0: the model's default)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkRange("-n", *n, 1, 1024); err != nil {
		return err
	}
	if err := checkRange("--zoom", *zoom, 1, 16); err != nil {
		return err
	}
	if *temp < 0 || *temp > 10 || *temp != *temp {
		return fmt.Errorf("--temperature %g out of range (0..10)", *temp)
	}
	backend, err := model.NewBackend(*backendName)
	if err != nil {
		return err
	}
	m, err := loadModel(backend, *name, *weights)
	if err != nil {
		return err
	}
	if err := checkSteps(m, *steps); err != nil {
		return err
	}
	var grid *model.Grid
	if *view == "" {
		im, err := m.Sample(model.SampleOptions{N: *n, Seed: *seed, Temperature: *temp, Steps: *steps})
		if err != nil {
			return err
		}
		grid = &model.Grid{Images: im, Cols: squareCols(*n)}
	} else if grid, err = runView(backend, m, *view, *seed, *n, *dataDir); err != nil {
		return err
	}
	if *cols > 0 {
		grid.Cols = *cols
	}
	img := plot.Grid(grid.Images, grid.Cols, *zoom)
	if plot.IsPoints(grid.Images) { // 2-D models sample points: draw them on [-4, 4]²
		img = plot.Scatter(grid.Images.Pix, 128*(*zoom), 4)
	}
	if err := plot.WritePNG(*out, img); err != nil {
		return err
	}
	fmt.Printf("wrote %d images of %s to %s\n", grid.Images.N, m.Spec().Name, *out)
	return nil
}

func runView(backend compute.Backend, m model.Model, name string, seed uint64, n int, dataDir string) (*model.Grid, error) {
	var names []string
	for _, v := range m.Views() {
		names = append(names, v.Name)
		if v.Name != name {
			continue
		}
		req := model.ViewRequest{Seed: seed, N: n}
		if v.Needs == "test" {
			im, err := loadData(m.Spec(), dataDir, "test", n)
			if err != nil {
				return nil, err
			}
			req.Input = im
		}
		for _, use := range v.Uses {
			path := filepath.Join("pretrained", use)
			w, err := model.ReadWeightsFile(path)
			if err != nil {
				return nil, fmt.Errorf("view %s: %w", name, err)
			}
			um, err := model.FromWeights(backend, w, "", path)
			if err != nil {
				return nil, fmt.Errorf("view %s: %w", name, err)
			}
			req.Models = append(req.Models, um)
		}
		return v.Run(req)
	}
	return nil, fmt.Errorf("model %s has no view %q (views: %v)", m.Spec().Name, name, names)
}

func squareCols(n int) int {
	c := 1
	for c*c < n {
		c++
	}
	return c
}
