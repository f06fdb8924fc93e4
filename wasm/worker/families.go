//go:build js && wasm

package main

import (
	"fmt"
	"image"
	"math"
	"time"

	"genlab/core/data"
	"genlab/core/model"
	"genlab/core/plot"
	"genlab/wasm/protocol"
)

// What the page does with diffusion models, GANs and flows beyond the generic interface:
// denoising animated step by step with the sampler the user picked, DDPM and DDIM side by side,
// latent walks, and a conditional GAN's label. Each family's core package provides the methods
// below (page.go there); the worker knows the families only through these interfaces.

// denoiser is an image diffusion model (core/diffusion).
type denoiser interface {
	model.Model
	DenoisesImages() bool
	DefaultSampleSteps() int
	MaxSampleSteps() int
	SamplerName(steps int, ddpm bool) string
	Denoise(opt model.SampleOptions, steps int, ddpm bool, fn func(step, of int, xt, x0 *data.Images) error) (*data.Images, error)
}

// walker moves samples around a loop in latent space (core/gan, core/flow).
type walker interface {
	WalkFrame(opt model.SampleOptions, label int, phase float64) (*data.Images, error)
}

// conditional draws samples of one label (core/gan with Classes > 0).
type conditional interface {
	Classes() int
	SampleLabel(opt model.SampleOptions, label int) (*data.Images, error)
}

// Views the worker adds to a model's own: they stream frames, which core views can't.
const (
	viewCompare = "compare" // diffusion: DDIM and DDPM side by side, timed
	viewAnimate = "animate" // GANs and flows: a latent walk
)

const (
	compareN   = 4                     // samples of the compare view: DDPM's T steps must stay bearable (see diffusionN)
	walkFrames = 96                    // frames of one latent walk around its loop
	walkGap    = 50 * time.Millisecond // at least this between frames: a loop lasts 5 s or more
)

func (w *worker) denoiser() (denoiser, bool) {
	d, ok := w.m.(denoiser)
	return d, ok && d.DenoisesImages()
}

// classes is the loaded model's number of labels (0: unconditional).
func (w *worker) classes() int {
	if c, ok := w.m.(conditional); ok {
		return c.Classes()
	}
	return 0
}

// pageViews lists the loaded model's views as the page offers them, with the streamed ones added.
func (w *worker) pageViews() []protocol.ViewInfo {
	var views []protocol.ViewInfo
	_, denoises := w.denoiser()
	for _, v := range w.m.Views() {
		if denoises && v.Name == "samplers" {
			continue // the compare view does it streamed and timed: this one runs DDPM unseen for minutes
		}
		views = append(views, protocol.ViewInfo{Name: v.Name, Title: v.Title})
	}
	if denoises {
		views = append(views, protocol.ViewInfo{Name: viewCompare, Title: "DDIM and DDPM side by side from the same noise, with their times"})
	}
	if _, ok := w.m.(walker); ok && !w.isPoints() {
		views = append(views, protocol.ViewInfo{Name: viewAnimate, Title: "Latent walk: every sample travels around a loop in z and comes back"})
	}
	return views
}

// isPoints says whether the model's data are 2-D points (drawn by the page's 2-D lab, not as grids).
func (w *worker) isPoints() bool {
	return data.IsToy2D(w.m.Spec().Data)
}

// familyInfo fills what the page's family controls need into a loaded response.
func (w *worker) familyInfo(r *protocol.Response) {
	r.Classes = w.classes()
	if d, ok := w.denoiser(); ok {
		r.SampleSteps, r.MaxSteps = d.DefaultSampleSteps(), d.MaxSampleSteps()
	}
}

// label is the request's label for the loaded model, protocol.NoLabel for all in turn.
func (w *worker) label(req protocol.Request) int {
	if req.Class == nil {
		return protocol.NoLabel
	}
	l, _ := protocol.ClampLabel(*req.Class, w.classes())
	return l
}

// liveSample answers OpSample for the families drawn here; done is false for the others.
func (w *worker) liveSample(req protocol.Request, opt model.SampleOptions, title string) (done bool, err error) {
	if d, ok := w.denoiser(); ok {
		return true, replaced(req.ID, w.denoise(req, d, opt))
	}
	c, ok := w.m.(conditional)
	if l := w.label(req); ok && l != protocol.NoLabel {
		start := time.Now()
		var im *data.Images
		if err := model.Guard(func() (err error) { im, err = c.SampleLabel(opt, l); return err }); err != nil {
			return true, err
		}
		sendGrid(req.ID, protocol.TargetMain, fmt.Sprintf("%s · label %d", title, l), &model.Grid{Images: im, Cols: protocol.SquareCols(opt.N)}, start)
		return true, nil
	}
	return false, nil
}

// liveView answers OpView for the streamed views; done is false for the model's own.
func (w *worker) liveView(req protocol.Request, n int) (done bool, err error) {
	switch req.View {
	case viewCompare:
		if d, ok := w.denoiser(); ok {
			return true, replaced(req.ID, w.compare(req, d))
		}
	case viewAnimate:
		if wk, ok := w.m.(walker); ok {
			return true, replaced(req.ID, w.walk(req, wk, n))
		}
	}
	return false, nil
}

// denoise animates sampling: x_t beside the network's current estimate of x_0 at every step
// shown, then the samples.
func (w *worker) denoise(req protocol.Request, d denoiser, opt model.SampleOptions) error {
	start := time.Now()
	p := w.pacer(req.ID)
	cols := protocol.SquareCols(opt.N)
	title := fmt.Sprintf("%d samples · seed %d · %s", opt.N, opt.Seed, d.SamplerName(req.Steps, req.DDPM))
	var last *data.Images
	var final *data.Images
	err := model.Guard(func() (err error) {
		final, err = d.Denoise(opt, req.Steps, req.DDPM, func(step, of int, xt, x0 *data.Images) error {
			last = x0
			if ok, err := p.due(step, of); !ok || err != nil {
				return err
			}
			img := plot.Panels([]string{"x_t", "estimate of x_0"}, []*image.RGBA{grid(xt, cols), grid(x0, cols)})
			p.send(title, img, opt.N, cols, step-1, of, "step", start)
			return nil
		})
		return err
	})
	if err != nil {
		return err
	}
	img := plot.Panels([]string{"samples x_0", "last estimate of x_0"}, []*image.RGBA{grid(final, cols), grid(last, cols)})
	title += fmt.Sprintf(" · %.1f s", p.computed(start).Seconds())
	p.send(title, img, opt.N, cols, 1, 1, "step", start)
	return nil
}

// compare runs DDIM (the chosen steps, or the model's default) and then DDPM from the same x_T,
// side by side, each timed without the time spent drawing frames.
func (w *worker) compare(req protocol.Request, d denoiser) error {
	start := time.Now()
	opt := model.SampleOptions{N: min(max(1, req.N), compareN), Seed: req.Seed}
	cols := protocol.SquareCols(opt.N)
	steps := req.Steps
	if steps == 0 {
		steps = max(d.DefaultSampleSteps(), 1)
	}
	ddimName, ddpmName := d.SamplerName(steps, false), d.SamplerName(0, true)
	S, T := min(steps, d.MaxSampleSteps()), d.MaxSampleSteps()
	title := fmt.Sprintf("Same x_T, %d samples · seed %d · compute time in this tab", opt.N, opt.Seed)
	p := w.pacer(req.ID)
	run := func(ddpm bool, frame func(step, of int, xt *data.Images) *image.RGBA, offset int) (*data.Images, time.Duration, error) {
		t0, paused0 := time.Now(), p.paused
		var out *data.Images
		err := model.Guard(func() (err error) {
			out, err = d.Denoise(opt, steps, ddpm, func(step, of int, xt, _ *data.Images) error {
				if ok, err := p.due(step, of); !ok || err != nil {
					return err
				}
				p.send(title, frame(step, of, xt), opt.N, cols, offset+step-1, S+T, "step", start)
				return nil
			})
			return err
		})
		return out, time.Since(t0) - (p.paused - paused0), err
	}
	ddim, tDDIM, err := run(false, func(step, of int, xt *data.Images) *image.RGBA {
		return plot.Panels([]string{fmt.Sprintf("%s: step %d", ddimName, step), ddpmName + ": next"},
			[]*image.RGBA{grid(xt, cols), nil})
	}, 0)
	if err != nil {
		return err
	}
	ddimCap := fmt.Sprintf("%s: %.2f s", ddimName, tDDIM.Seconds())
	ddimImg := grid(ddim, cols)
	ddpm, tDDPM, err := run(true, func(step, of int, xt *data.Images) *image.RGBA {
		return plot.Panels([]string{ddimCap, fmt.Sprintf("%s: step %d", ddpmName, step)}, []*image.RGBA{ddimImg, grid(xt, cols)})
	}, S)
	if err != nil {
		return err
	}
	img := plot.Panels([]string{ddimCap, fmt.Sprintf("%s: %.2f s", ddpmName, tDDPM.Seconds())}, []*image.RGBA{ddimImg, grid(ddpm, cols)})
	title = fmt.Sprintf("Same x_T · seed %d · DDIM %d steps %.2f s · DDPM %d steps %.2f s (%.0fx as long)",
		opt.Seed, S, tDDIM.Seconds(), T, tDDPM.Seconds(), tDDPM.Seconds()/math.Max(tDDIM.Seconds(), 1e-3))
	p.send(title, img, opt.N, cols, S+T, S+T, "step", start)
	return nil
}

// walk streams one latent walk around its loop: walkFrames frames, the last being the samples
// the walk started from.
func (w *worker) walk(req protocol.Request, wk walker, n int) error {
	start := time.Now()
	temp := 1.0
	if req.Temp != 0 {
		temp = protocol.ClampTemp(req.Temp)
	}
	opt := model.SampleOptions{N: n, Seed: req.Seed, Temperature: temp}
	label := w.label(req)
	title := fmt.Sprintf("Latent walk: %d samples · seed %d · temperature %g", n, req.Seed, temp)
	if label != protocol.NoLabel {
		title += fmt.Sprintf(" · label %d", label)
	}
	cols := protocol.SquareCols(n)
	p := w.pacer(req.ID)
	for f := 1; f <= walkFrames; f++ {
		var im *data.Images
		err := model.Guard(func() (err error) {
			im, err = wk.WalkFrame(opt, label, 2*math.Pi*float64(f)/walkFrames)
			return err
		})
		if err != nil {
			return err
		}
		if _, err := p.due(1, 1); err != nil { // every frame is shown
			return err
		}
		if wait := walkGap - time.Since(p.last); wait > 0 {
			time.Sleep(wait)
		}
		p.send(title, plot.Grid(im, cols, 1), n, cols, f, walkFrames, "frame", start)
	}
	return nil
}

// grid draws a panel's images, enlarged when there are few of them so that the panel stays at
// least about as wide as its caption (the page scales the whole picture to fit anyway).
func grid(im *data.Images, cols int) *image.RGBA {
	w := max(1, cols*(im.W+1))
	return plot.Grid(im, cols, min(4, max(1, (150+w-1)/w)))
}
