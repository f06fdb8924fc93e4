package lab

import (
	"math/rand/v2"
	"testing"

	"genlab/core/model"
)

// Each family, trained briefly on the moons, lowers its loss and moves its samples toward the
// data (the sliced Wasserstein distance falls), and its frames hold what the page draws.
func TestLabsLearnMoons(t *testing.T) {
	be, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		opt   Options
		steps int
	}{
		{Options{Family: Flow, Density: "moons", Seed: 1}, 300},
		{Options{Family: GAN, Density: "moons", K: 2, Seed: 1}, 600},
		{Options{Family: Diffusion, Density: "moons", Seed: 1}, 300},
	} {
		t.Run(c.opt.Family, func(t *testing.T) {
			l, err := New(be, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			first, err := l.Frame()
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			var losses []float64
			for range c.steps {
				loss, err := l.Model().TrainStep(l.Batch(), rng)
				if err != nil {
					t.Fatal(err)
				}
				losses = append(losses, loss)
			}
			last, err := l.Frame()
			if err != nil {
				t.Fatal(err)
			}
			head, tail := mean(losses[:20]), mean(losses[len(losses)-20:])
			t.Logf("%s: loss %.3f → %.3f, sliced W %.3f → %.3f", c.opt.Family, head, tail, first.SW, last.SW)
			if c.opt.Family != GAN && tail >= head {
				t.Errorf("loss did not fall: %.3f → %.3f", head, tail)
			}
			if last.SW >= first.SW {
				t.Errorf("samples did not move toward the data: sliced W %.3f → %.3f", first.SW, last.SW)
			}
			if len(last.Samples) != 2*Points || len(last.Real) != 2*Points {
				t.Errorf("frame holds %d samples and %d real values, want %d each", len(last.Samples), len(last.Real), 2*Points)
			}
			switch c.opt.Family {
			case Flow:
				if len(last.Heat) != HeatSide*HeatSide || len(last.Lines) != 2*GridLines {
					t.Errorf("flow frame: %d heat values, %d grid lines", len(last.Heat), len(last.Lines))
				}
			case GAN:
				if len(last.Heat) != HeatSide*HeatSide || last.HeatKind != "discriminator" {
					t.Errorf("GAN frame: %d heat values of kind %q", len(last.Heat), last.HeatKind)
				}
				if g := l.GeneratorLosses(); len(g) != c.steps/c.opt.K {
					t.Errorf("%d generator losses for %d steps at k = %d", len(g), c.steps, c.opt.K)
				}
			case Diffusion:
				if len(last.Trail) != TrailFrames || last.TrailT[0] != 100 || last.TrailT[TrailFrames-1] != 0 {
					t.Errorf("diffusion trail: %d frames at t = %v", len(last.Trail), last.TrailT)
				}
			}
		})
	}
}

func TestSlicedWasserstein(t *testing.T) {
	a := []float32{0, 0, 1, 1, 2, 0}
	if d := SlicedWasserstein(a, a, 16); d != 0 {
		t.Errorf("distance of a set to itself %g, want 0", d)
	}
	b := []float32{3, 0, 4, 1, 5, 0} // a shifted by 3 along x
	if d := SlicedWasserstein(a, b, 64); d < 1.8 || d > 2.0 {
		t.Errorf("shift by 3: sliced W %g, want 3·E|cos θ| ≈ 1.91", d)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{Family: "vae", Density: "moons"}, {Family: GAN, Density: "blob"}, {Family: GAN, Density: "moons", K: 99}, {Family: Flow, Density: "moons", Arch: "maf"}} {
		if err := o.Validate(); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
