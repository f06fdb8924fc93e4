package data

import "fmt"

// The toy 2-D densities are data sets too, so that the CLI, train.Run and the experiments treat a
// 2-D model like any other: Load(dir, "moons", split) (any name of Toy2DNames) gives the points as
// N "images" of 1×1 pixel with 2 channels, x and y. Their Pix are coordinates, roughly inside
// [-4, 4], not intensities in [0, 1]. dir is not read: the points are drawn, train and test from
// different seeds, the same on every machine.
const (
	toyTrainPoints = 50000
	toyTestPoints  = 10000
	toyTrainSeed   = 1
	toyTestSeed    = 2
)

// IsToy2D says whether set names a toy 2-D density.
func IsToy2D(set string) bool {
	_, ok := toy2D[set]
	return ok
}

// Points wraps n 2-D points (x0,y0,x1,y1,…) as Images of 1×1 pixel with 2 channels.
func Points(pts []float32) *Images {
	return &Images{N: len(pts) / 2, H: 1, W: 1, C: 2, Pix: pts}
}

func loadToy(name, split string) (*Images, error) {
	var n int
	var seed uint64
	switch split {
	case "train":
		n, seed = toyTrainPoints, toyTrainSeed
	case "test":
		n, seed = toyTestPoints, toyTestSeed
	default:
		return nil, fmt.Errorf("data: unknown split %q for %s (valid: train, test)", split, name)
	}
	pts, err := Toy2D(name, n, seed)
	if err != nil {
		return nil, err
	}
	return Points(pts), nil
}
