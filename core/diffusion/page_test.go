package diffusion

import (
	"errors"
	"slices"
	"testing"

	"genlab/core/data"
	"genlab/core/model"
)

// The page's animation ends on the samples Sample draws with the same sampler and seed, shows
// every step, and can be stopped; the page's sampler choice is clamped into 1…T.
func TestDenoiseMatchesSample(t *testing.T) {
	d := newModel(t, "ddpm-digits", tinyUNet, 1)
	opt := model.SampleOptions{N: 3, Seed: 7}
	for _, c := range []struct {
		steps int
		ddpm  bool
		want  int // steps called back
	}{{0, false, tinyUNet.SampleSteps}, {5, false, 5}, {0, true, tinyUNet.T}, {999, false, tinyUNet.T}} {
		smp, name := d.PageSampler(c.steps, c.ddpm)
		want, err := d.SampleWith(opt, smp, nil)
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		got, err := d.Denoise(opt, c.steps, c.ddpm, func(step, of int, xt, x0 *data.Images) error {
			calls++
			if step != calls || of != c.want || xt.N != 3 || x0.N != 3 {
				t.Fatalf("%s: step %d of %d with %d and %d images, want step %d of %d", name, step, of, xt.N, x0.N, calls, c.want)
			}
			return nil
		})
		if err != nil || !slices.Equal(got.Pix, want.Pix) || calls != c.want {
			t.Fatalf("%s: Denoise differs from SampleWith or called back %d times, want %d (err %v)", name, calls, c.want, err)
		}
	}
	stop := errors.New("stop")
	if _, err := d.Denoise(opt, 5, false, func(step, _ int, _, _ *data.Images) error {
		if step == 2 {
			return stop
		}
		return nil
	}); !errors.Is(err, stop) {
		t.Fatalf("a stopped animation returned %v", err)
	}
	if _, err := d.Denoise(model.SampleOptions{N: 0}, 5, false, nil); err == nil {
		t.Fatal("0 samples accepted")
	}
}
