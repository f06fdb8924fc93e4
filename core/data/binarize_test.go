package data

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func rampImages(n int) *Images {
	im := &Images{N: n, H: 8, W: 8, C: 1, Pix: make([]float32, n*64), Labels: make([]uint8, n)}
	for i := range im.Pix {
		im.Pix[i] = float32(i%64) / 63
	}
	return im
}

// TestBinarizeFixedGolden pins the evaluation binarisation: if this fails, Go's generator or
// BinarizeFixed changed, and every evaluation number reported so far is no longer reproducible.
func TestBinarizeFixedGolden(t *testing.T) {
	im := &Images{N: 1, H: 8, W: 8, C: 1, Pix: make([]float32, 64)}
	for i := range im.Pix {
		im.Pix[i] = 0.5
	}
	var bits uint64
	for i, v := range BinarizeFixed(im).Pix {
		if v == 1 {
			bits |= 1 << i
		}
	}
	const want = 0xe7eb8c2bd6824790
	if bits != want {
		t.Fatalf("BinarizeFixed of 64 pixels at 0.5 gave bits %#016x, want %#016x", bits, uint64(want))
	}
	// The documented arithmetic, done by hand on the raw PCG output, agrees.
	src := rand.NewPCG(0, 0)
	for i := range 64 {
		u := float32(src.Uint64()>>32&(1<<24-1)) / (1 << 24)
		if (u < 0.5) != (bits>>i&1 == 1) {
			t.Fatalf("pixel %d: documented procedure disagrees with BinarizeFixed", i)
		}
	}
}

func TestBinarizeFixed(t *testing.T) {
	im := rampImages(500)
	a, b := BinarizeFixed(im), BinarizeFixed(im)
	if !slices.Equal(a.Pix, b.Pix) {
		t.Fatal("two calls differ")
	}
	if a.N != im.N || a.H != im.H || a.W != im.W || a.C != im.C || len(a.Labels) != im.N {
		t.Fatalf("shape changed: %+v", a)
	}
	for _, v := range a.Pix {
		if v != 0 && v != 1 {
			t.Fatalf("pixel %v is not 0 or 1", v)
		}
	}
	// 32000 Bernoulli draws: the standard error of the mean is below 0.003.
	if got, want := mean(a.Pix), mean(im.Pix); math.Abs(got-want) > 0.01 {
		t.Errorf("binarised mean %.4f, source mean %.4f", got, want)
	}
	// Pixels at 0 stay 0 and pixels at 1 stay 1.
	for i := 0; i < len(im.Pix); i += 64 {
		if a.Pix[i] != 0 || a.Pix[i+63] != 1 {
			t.Fatalf("image %d: p=0 gave %v, p=1 gave %v", i/64, a.Pix[i], a.Pix[i+63])
		}
	}
	a.Labels[0] = 99 // the labels are a copy
	if im.Labels[0] == 99 {
		t.Error("BinarizeFixed shares labels with its input")
	}
}

func TestBinarizeIntoIsDynamic(t *testing.T) {
	src := rampImages(100).Pix
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := make([]float32, len(src)), make([]float32, len(src))
	BinarizeInto(x, src, rng)
	BinarizeInto(y, src, rng)
	if slices.Equal(x, y) {
		t.Error("two draws from one generator are identical")
	}
	if math.Abs(mean(x)-mean(src)) > 0.02 {
		t.Errorf("mean %.4f, source %.4f", mean(x), mean(src))
	}
}
