//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"syscall/js"

	"genlab/wasm/protocol"
)

// The controls of the diffusion models and the conditional GAN: the sampler (DDIM steps, or
// DDPM) and the label to draw. Both live in the URL (steps=50 or steps=ddpm, label=3) and are
// clamped to what the loaded model has.

// diffusionN is how many samples a diffusion model draws when the link does not say: each of
// its steps runs the U-Net on all of them (measured: the full ddpm-digits, 50 DDIM steps, takes
// 17 s for 16 digits and 36 s for 64 in headless Chromium on the shared 2-core machine).
const diffusionN = 16

// nChosen says whether the user chose the number of samples (in the link, or in its box), which
// diffusionN then leaves alone; autoN whether diffusionN is in force. The app runs in an iframe:
// the link is its parent's address, read before main rewrites it in full.
var (
	nChosen = js.Global().Get("URLSearchParams").New(js.Global().Get("parent").Get("location").Get("search")).Call("has", "n").Bool()
	autoN   bool
)

// familyInfo is what the loaded model says about its sampler and labels.
type familyInfo struct {
	classes     int // labels of a conditional model, 0 for others
	sampleSteps int // a diffusion model's default DDIM steps (0: DDPM)
	maxSteps    int // its T; 0 for models that are not diffusion models
}

// onFamily takes the loaded model's family information and fits the link's state to it.
func (a *app) onFamily(r protocol.Response) {
	a.fam = familyInfo{classes: r.Classes, sampleSteps: r.SampleSteps, maxSteps: r.MaxSteps}
	changed := false
	if l := a.state.Label(); l != protocol.NoLabel {
		fit, problem := protocol.ClampLabel(l, a.fam.classes)
		if problem != "" && a.fam.classes > 0 {
			a.notice(problem)
		}
		a.state.Class, changed = fit+1, fit != l
	}
	switch {
	case a.fam.maxSteps > 0 && a.state.N == protocol.DefaultN && !nChosen:
		a.state.N, autoN, changed = diffusionN, true, true
		a.syncControls()
	case a.fam.maxSteps == 0 && autoN && a.state.N == diffusionN: // back to the usual default
		a.state.N, autoN, changed = protocol.DefaultN, false, true
		a.syncControls()
	}
	if m := a.fam.maxSteps; m > 0 && a.state.Steps > m {
		a.notice(fmt.Sprintf("%s has T = %d diffusion steps; DDIM takes %d.", a.loaded, m, m))
		a.state.Steps, changed = m, true
	}
	if changed {
		a.writeURL()
	}
	a.showFamilyControls()
}

// bindFamilyControls wires the steps box, the DDPM switch and the label picker.
func (a *app) bindFamilyControls() {
	a.on("steps", "change", func(t js.Value) {
		steps, _, problem := protocol.ParseSteps(t.Get("value").String())
		if problem != "" {
			a.notice(problem)
		}
		if steps == 0 { // not a number: keep what was there
			steps = a.state.Steps
		}
		if m := a.fam.maxSteps; m > 0 && steps > m {
			a.notice(fmt.Sprintf("%s has T = %d diffusion steps; DDIM takes %d.", a.loaded, m, m))
			steps = m
		}
		a.state.Steps, a.state.DDPM = steps, false
		a.familyChanged()
	})
	a.on("ddpm", "change", func(t js.Value) {
		a.state.DDPM = t.Get("checked").Bool()
		a.familyChanged()
	})
	a.on("n", "change", func(js.Value) { nChosen, autoN = true, false })
	a.on("label", "change", func(t js.Value) {
		l, _ := protocol.ParseLabel(t.Get("value").String())
		l, _ = protocol.ClampLabel(l, a.fam.classes)
		a.state.Class = l + 1
		a.familyChanged()
	})
}

func (a *app) familyChanged() {
	a.syncFamilyControls()
	a.writeURL()
	if a.state.View != protocol.ViewSamples && a.state.View != "compare" && a.state.View != "animate" {
		a.state.View = protocol.ViewSamples // the other views do not follow these controls
		a.writeURL()
	}
	a.show()
}

// showFamilyControls shows the rows of the loaded model's family and fills the label picker.
func (a *app) showFamilyControls() {
	if e := a.el("diffusion-controls"); e.Truthy() {
		e.Set("hidden", a.fam.maxSteps == 0)
	}
	if e := a.el("steps"); e.Truthy() && a.fam.maxSteps > 0 {
		e.Set("max", min(protocol.MaxSteps, a.fam.maxSteps))
		e.Set("min", min(protocol.MinSteps, a.fam.maxSteps))
	}
	if e := a.el("gan-controls"); e.Truthy() {
		e.Set("hidden", a.fam.classes == 0)
	}
	if sel := a.el("label"); sel.Truthy() {
		sel.Set("innerHTML", "")
		add := func(value, text string) {
			opt := a.doc.Call("createElement", "option")
			opt.Set("value", value)
			opt.Set("textContent", text)
			sel.Call("appendChild", opt)
		}
		add("all", fmt.Sprintf("all (0 to %d in turn)", max(0, a.fam.classes-1)))
		for i := range a.fam.classes {
			add(strconv.Itoa(i), strconv.Itoa(i))
		}
	}
	a.syncFamilyControls()
}

// syncFamilyControls shows the state in the family controls.
func (a *app) syncFamilyControls() {
	if e := a.el("steps"); e.Truthy() {
		steps := a.state.Steps
		if steps == 0 {
			steps = a.fam.sampleSteps
		}
		if steps == 0 {
			e.Set("value", "")
		} else {
			e.Set("value", steps)
		}
		e.Set("disabled", a.state.DDPM || a.loaded == "")
	}
	if e := a.el("ddpm"); e.Truthy() {
		e.Set("checked", a.state.DDPM)
		if a.fam.maxSteps > 0 {
			e.Get("parentElement").Set("title", fmt.Sprintf("Ancestral sampling through all T = %d steps (Ho et al. 2020)", a.fam.maxSteps))
		}
	}
	if e := a.el("label"); e.Truthy() {
		v := "all"
		if l := a.state.Label(); l != protocol.NoLabel {
			v = strconv.Itoa(l)
		}
		e.Set("value", v)
	}
}

// familyRequest adds the family controls' state to a sample or view request.
func (a *app) familyRequest(req *protocol.Request) {
	req.Steps, req.DDPM = a.state.Steps, a.state.DDPM
	if l := a.state.Label(); l != protocol.NoLabel && a.fam.classes > 0 {
		req.Class = &l
	}
}

// unitOf names what a streamed grid's steps count.
func unitOf(g protocol.GridInfo) string {
	if g.Unit == "" {
		return "pixel" // MADE's samples, streamed before grids had units
	}
	return g.Unit
}

// animating says whether the main picture is an animation under way (Cancel stops it).
func (a *app) animating() bool { return a.main.pix != nil && a.main.info.Partial() }

// animationStopped keeps the last frame of an animation that Cancel stopped, marked as such and
// no longer counted as under way.
func (a *app) animationStopped() {
	if !a.animating() {
		return
	}
	a.main.info.Title = fmt.Sprintf("%s · stopped at %s %d of %d", a.main.info.Title, unitOf(a.main.info), a.main.info.Step, a.main.info.Steps)
	a.main.info.Step = a.main.info.Steps
	a.main.fresh = true // Update takes the new title
}
