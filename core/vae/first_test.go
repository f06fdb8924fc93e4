package vae

import (
	"os"
	"testing"

	"genlab/core/first"
	"genlab/core/model"
	"genlab/core/weightfile"
)

// The page's first picture of vae-digits is drawn by core/first without GoMLX (wasm/first): it
// must be this model's own samples, pixel for pixel as the page shows them (8 bits), from the
// page's float16 weights.
func TestFirstDrawsTheSameSamples(t *testing.T) {
	raw, err := os.ReadFile("../../pretrained/vae-digits/weights.bin")
	if err != nil {
		t.Skip("no pretrained vae-digits here:", err)
	}
	half, _, err := model.Halve(raw, "vae-digits")
	if err != nil {
		t.Fatal(err)
	}
	w, err := model.Decode(half, "page.bin")
	if err != nil {
		t.Fatal(err)
	}
	be, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.FromWeights(be, w, "vae-digits", "page.bin")
	if err != nil {
		t.Fatal(err)
	}
	f, err := weightfile.Parse(half, "page.bin")
	if err != nil {
		t.Fatal(err)
	}
	for _, opt := range []model.SampleOptions{{N: 64, Seed: 1}, {N: 64, Seed: 2, Temperature: 0.7}, {N: 5, Seed: 1 << 40, Temperature: 2}} {
		want, err := m.Sample(opt)
		if err != nil {
			t.Fatal(err)
		}
		got, err := first.Sample(f, opt.Seed, opt.N, opt.Temperature)
		if err != nil {
			t.Fatal(err)
		}
		if got.N != want.N || got.H != want.H || got.W != want.W || got.C != want.C {
			t.Fatalf("%+v: %d×%dx%dx%d, want %d×%dx%dx%d", opt, got.N, got.H, got.W, got.C, want.N, want.H, want.W, want.C)
		}
		var worst float64
		off := 0
		for i, v := range got.Pix {
			worst = max(worst, float64(abs(v-want.Pix[i])))
			if byte8(v) != byte8(want.Pix[i]) {
				off++
			}
		}
		// Float32 sums in another order: ~1e-7 apart; a byte may round the other way only where
		// a value sits on a rounding boundary.
		if worst > 1e-5 || off > len(got.Pix)/10000 {
			t.Errorf("%+v: largest difference %.3g, %d of %d pixels show another byte", opt, worst, off, len(got.Pix))
		}
		t.Logf("%+v: largest difference %.3g, %d of %d bytes differ", opt, worst, off, len(got.Pix))
	}
	f.Model = "vae-faces"
	if _, err := first.Sample(f, 1, 4, 1); err == nil {
		t.Error("first.Sample drew a model it does not know")
	}
}

func abs(v float32) float32 { return max(v, -v) }

func byte8(v float32) uint8 { return uint8(max(0, min(1, v))*255 + 0.5) }
