package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// The toy 2-D densities of the flow and diffusion literature, following the sampling code of
// FFJORD (Grathwohl et al., 2019, lib/toy_data.py), which most later papers reuse. All of them
// lie roughly inside [-4,4]².

// Toy2DNames lists the densities Toy2D knows, in a stable order for menus.
var Toy2DNames = []string{"moons", "circles", "8gaussians", "checkerboard", "spirals"}

var toy2D = map[string]func(rng *rand.Rand) (x, y float64){
	"moons":        moons,
	"circles":      circles,
	"8gaussians":   eightGaussians,
	"checkerboard": checkerboard,
	"spirals":      spirals,
}

// Toy2D draws n points of the named density as x0,y0,x1,y1,…; the same (name, n, seed) always
// gives the same points.
func Toy2D(name string, n int, seed uint64) ([]float32, error) {
	sample, ok := toy2D[name]
	if !ok {
		return nil, fmt.Errorf("data: unknown toy density %q (valid: %s)", name, strings.Join(Toy2DNames, ", "))
	}
	if n < 0 {
		return nil, fmt.Errorf("data: %d toy points asked for", n)
	}
	// The constant keeps toy streams apart from the batcher's and the binariser's for equal seeds.
	rng := rand.New(rand.NewPCG(seed, 0x70792d32))
	pts := make([]float32, 2*n)
	for i := range n {
		x, y := sample(rng)
		pts[2*i], pts[2*i+1] = float32(x), float32(y)
	}
	return pts, nil
}

// moons: sklearn's make_moons (noise 0.1), either moon with equal odds, scaled by 2 and shifted
// by (-1, -0.2) as in FFJORD.
func moons(rng *rand.Rand) (x, y float64) {
	t := math.Pi * rng.Float64()
	if rng.IntN(2) == 0 {
		x, y = math.Cos(t), math.Sin(t)
	} else {
		x, y = 1-math.Cos(t), 0.5-math.Sin(t)
	}
	x += 0.1 * rng.NormFloat64()
	y += 0.1 * rng.NormFloat64()
	return 2*x - 1, 2*y - 0.2
}

// circles: sklearn's make_circles (inner radius factor 0.5, noise 0.08) scaled by 3, so the rings
// have radii 3 and 1.5.
func circles(rng *rand.Rand) (x, y float64) {
	r := 1.0
	if rng.IntN(2) == 0 {
		r = 0.5
	}
	t := 2 * math.Pi * rng.Float64()
	x = r*math.Cos(t) + 0.08*rng.NormFloat64()
	y = r*math.Sin(t) + 0.08*rng.NormFloat64()
	return 3 * x, 3 * y
}

// eightGaussians: eight unit-weight Gaussians (std 0.5) on a circle of radius 4, all divided by
// 1.414, as in FFJORD.
func eightGaussians(rng *rand.Rand) (x, y float64) {
	angle := float64(rng.IntN(8)) * math.Pi / 4
	x = 4*math.Cos(angle) + 0.5*rng.NormFloat64()
	y = 4*math.Sin(angle) + 0.5*rng.NormFloat64()
	return x / 1.414, y / 1.414
}

// checkerboard: uniform on the dark squares of a 4x4 board of side 8 centred on 0 (a point is on a
// dark square when floor(x/2)+floor(y/2) is even), as in FFJORD.
func checkerboard(rng *rand.Rand) (x, y float64) {
	x1 := 4*rng.Float64() - 2
	x2 := rng.Float64() - 2*float64(rng.IntN(2))
	x2 += math.Mod(math.Mod(math.Floor(x1), 2)+2, 2) // Python's floor(x1) % 2, which is never negative
	return 2 * x1, 2 * x2
}

// spirals: FFJORD's "2spirals": two interleaved arms of 1.5 turns, arm length distributed as a
// square root (uniform over the area), with uniform jitter 0.5 before and Gaussian noise 0.1 after
// dividing by 3.
func spirals(rng *rand.Rand) (x, y float64) {
	t := math.Sqrt(rng.Float64()) * 540 * 2 * math.Pi / 360
	x = -math.Cos(t)*t + 0.5*rng.Float64()
	y = math.Sin(t)*t + 0.5*rng.Float64()
	if rng.IntN(2) == 0 {
		x, y = -x, -y
	}
	return x/3 + 0.1*rng.NormFloat64(), y/3 + 0.1*rng.NormFloat64()
}
