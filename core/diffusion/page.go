package diffusion

import (
	"fmt"

	"genlab/core/data"
	"genlab/core/model"
)

// What the page asks of an image diffusion model beyond the generic interface: its sampling
// animation, which shows x_t and the network's current estimate of x_0 at every step, with the
// sampler the user picked (DDIM with any number of steps, or DDPM).

// DenoisesImages says whether the model's data are images (the page animates those; the 2-D toys
// are drawn as points).
func (d *Diffusion) DenoisesImages() bool { return d.cfg.Pixels }

// DefaultSampleSteps is the number of DDIM steps of Sample when none is asked for (0: DDPM).
func (d *Diffusion) DefaultSampleSteps() int { return d.cfg.SampleSteps }

// PageSampler is the sampler the page asks for: DDPM through all T steps, or DDIM (the config's
// η) with steps clamped into 1…T (0: the model's default). name says which, for titles.
func (d *Diffusion) PageSampler(steps int, ddpm bool) (smp Sampler, name string) {
	if steps == 0 {
		steps = d.cfg.SampleSteps
	}
	if ddpm || steps == 0 {
		return Sampler{DDPM: true}, fmt.Sprintf("DDPM, %d steps", d.cfg.T)
	}
	steps = min(max(steps, 1), d.cfg.T)
	name = fmt.Sprintf("DDIM, %d steps", steps)
	if d.cfg.Eta > 0 {
		name = fmt.Sprintf("DDIM η=%g, %d steps", d.cfg.Eta, steps)
	}
	return Sampler{Steps: steps, Eta: d.cfg.Eta}, name
}

// Denoise draws opt.N samples with the page's sampler (see PageSampler), calling fn before every
// step with x_t and the estimate of x̂_0 as pixels in [0,1] (x_t clamped to show it). It runs the
// whole batch as one chain: for N ≤ 100 the samples are those of SampleWith with the same
// options and sampler. fn may stop the sampling by returning an error, which Denoise returns.
func (d *Diffusion) Denoise(opt model.SampleOptions, steps int, ddpm bool, fn func(step, of int, xt, x0 *data.Images) error) (*data.Images, error) {
	if !d.cfg.Pixels {
		return nil, fmt.Errorf("%s: the denoising animation is for images; this model's data are points", d.spec.Name)
	}
	if opt.N < 1 || opt.N > 1000 {
		return nil, fmt.Errorf("diffusion: %d samples out of range (1..1000)", opt.N)
	}
	if opt.Temperature == 0 {
		opt.Temperature = 1
	}
	if !(opt.Temperature > 0 && opt.Temperature <= 10) {
		return nil, fmt.Errorf("diffusion: temperature %g out of range (0..10]", opt.Temperature)
	}
	smp, _ := d.PageSampler(steps, ddpm)
	rng := model.Rand(opt.Seed)
	x := model.Normals(rng, opt.N*d.dim())
	for i := range x {
		x[i] *= float32(opt.Temperature)
	}
	var onStep func(Step) error
	if fn != nil {
		onStep = func(s Step) error { return fn(s.I, s.Of, d.fromModel(s.X), d.fromModel(s.X0)) }
	}
	if err := d.sched.Reverse(x, smp, true, rng, d.Eps, onStep); err != nil {
		return nil, err
	}
	return d.fromModel(x), nil
}

// SamplerName names the page's sampler for titles (see PageSampler).
func (d *Diffusion) SamplerName(steps int, ddpm bool) string {
	_, name := d.PageSampler(steps, ddpm)
	return name
}
