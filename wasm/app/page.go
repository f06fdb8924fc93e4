//go:build js && wasm

package main

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"syscall/js"

	"genlab/wasm/protocol"
)

// trainSteps is how long the Train button trains: long enough to turn noise into digits (a few
// minutes on a laptop), short enough not to heat a forgotten tab for ever.
const trainSteps = 1000

// el returns a control of the page; a missing one (app.html opened alone) is a null that every
// use below tolerates.
func (a *app) el(id string) js.Value { return a.doc.Call("getElementById", id) }

// on wires a DOM event to fn, run under the lock; every user action clears old notices.
func (a *app) on(id, event string, fn func(target js.Value)) {
	e := a.el(id)
	if !e.Truthy() {
		return
	}
	e.Call("addEventListener", event, js.FuncOf(func(_ js.Value, args []js.Value) any {
		a.mu.Lock()
		defer a.mu.Unlock()
		if event != "input" {
			a.clearNotices()
		}
		fn(args[0].Get("currentTarget"))
		a.redraw = true
		a.refresh()
		return nil
	}))
}

func (a *app) bindControls() {
	a.on("model", "change", func(t js.Value) {
		a.state.Model, a.state.View = t.Get("value").String(), protocol.ViewSamples
		if a.lab.state.On() { // picking a model leaves the lab
			a.lab.state.Family = ""
			a.labChanged()
		}
		a.state.Mask, a.state.Ens = 0, 1
		a.state.Steps, a.state.DDPM, a.state.Class = 0, false, 0
		a.writeURL()
		a.load()
	})
	// MADE's mask sets: which one to start from, how many to ensemble. Samples, the view shown
	// and the drawing's score follow.
	a.on("mask", "change", func(t js.Value) {
		a.state.Mask, a.state.Ens, _ = protocol.ClampMasks(atoi(t), a.state.Ens, a.masks)
		a.maskChanged()
	})
	a.on("ens", "change", func(t js.Value) {
		a.state.Mask, a.state.Ens, _ = protocol.ClampMasks(a.state.Mask, atoi(t), a.masks)
		a.maskChanged()
	})
	// The ordering of the MADE that Train trains next (the pretrained one is raster only).
	a.on("order", "change", func(t js.Value) {
		a.state.Order = strings.TrimPrefix(t.Get("value").String(), "raster")
		a.writeURL()
	})
	a.on("seed", "change", func(t js.Value) {
		seed, err := strconv.ParseUint(strings.TrimSpace(t.Get("value").String()), 10, 64)
		if err != nil {
			a.notice(fmt.Sprintf("Seed %q is not a whole number from 0 to 18446744073709551615; keeping %d.", t.Get("value").String(), a.state.Seed))
			a.syncControls()
			return
		}
		a.state.Seed = seed
		a.writeURL()
		a.reseeded()
	})
	a.on("reseed", "click", func(js.Value) {
		a.state.Seed = uint64(js.Global().Get("Math").Call("random").Float() * 1e6)
		a.syncControls()
		a.writeURL()
		a.reseeded()
	})
	a.on("n", "change", func(t js.Value) {
		n, problem := protocol.ClampN(t.Get("value").String())
		if problem != "" {
			a.notice(problem)
		}
		a.state.N = n
		a.syncControls()
		a.writeURL()
		a.show()
	})
	a.on("temp", "input", func(t js.Value) { a.el("temp-value").Set("textContent", t.Get("value").String()) })
	a.on("temp", "change", func(t js.Value) {
		v, _ := strconv.ParseFloat(t.Get("value").String(), 64)
		a.state.Temp, a.state.View = protocol.ClampTemp(v), protocol.ViewSamples
		a.syncControls()
		a.writeURL()
		a.show()
	})
	a.on("sample", "click", func(js.Value) {
		a.state.View = protocol.ViewSamples
		a.writeURL()
		a.show()
	})
	a.on("train", "click", func(js.Value) { a.startTraining(trainSteps) })
	a.on("pause", "click", func(js.Value) { a.send(protocol.Request{Op: protocol.OpPause}) })
	a.on("resume", "click", func(js.Value) { a.send(protocol.Request{Op: protocol.OpResume}) })
	a.on("stop", "click", func(js.Value) { a.send(protocol.Request{Op: protocol.OpStop}) })
	a.on("cancel", "click", func(js.Value) { a.send(protocol.Request{Op: protocol.OpCancel}) })
	a.on("save", "click", func(js.Value) { a.savePNG() })
	a.bindPad()
	a.bindFamilyControls()
	a.syncControls()
}

// atoi reads a select's value (its options are whole numbers; anything else reads as 0).
func atoi(sel js.Value) int {
	i, _ := strconv.Atoi(sel.Get("value").String())
	return i
}

func (a *app) maskChanged() {
	a.syncControls()
	a.writeURL()
	a.show()
	a.scoreDrawing()
}

// startTraining asks the worker to train a fresh model for steps steps.
func (a *app) startTraining(steps int) {
	if a.lab.state.On() {
		a.startLab(labSteps) // as long as opening a lab link trains, so both show the same picture
		return
	}
	model := a.loaded
	if model == "" {
		model = a.state.Model
	}
	a.losses, a.trainStep, a.trainTotal, a.stepsPerSec, a.trainState = nil, 0, steps, 0, trainStarting
	a.train = picture{}
	a.trainID = a.send(protocol.Request{Op: protocol.OpTrain, Model: model, Steps: steps, Seed: a.state.Seed, Backend: a.state.Backend, Order: a.state.Order})
	a.stage, a.stageFrac = "preparing training", 0
}

// syncControls shows the state in the controls.
func (a *app) syncControls() {
	set := func(id, prop string, v any) {
		if e := a.el(id); e.Truthy() {
			e.Set(prop, v)
		}
	}
	set("model", "value", a.state.Model)
	set("seed", "value", strconv.FormatUint(a.state.Seed, 10))
	set("n", "value", a.state.N)
	set("temp", "value", a.state.Temp)
	set("temp-value", "textContent", strconv.FormatFloat(a.state.Temp, 'g', -1, 64))
	set("mask", "value", strconv.Itoa(a.state.Mask))
	set("ens", "value", strconv.Itoa(a.state.Ens))
	set("order", "value", cmp.Or(a.state.Order, "raster"))
}

// showFamily shows what belongs to the loaded model's family: its explanation (an element
// .about[data-family=F], or the model's one-line description for families the page has no text
// for), MADE's mask controls and drawing pad, and what Train trains.
func (a *app) showFamily() {
	known := false
	for _, e := range jsArray(a.doc.Call("querySelectorAll", ".about[data-family]")) {
		f := e.Get("dataset").Get("family").String()
		show := f == a.family
		known = known || show
		e.Set("hidden", !show)
	}
	if e := a.el("about-generic"); e.Truthy() {
		e.Set("hidden", known)
		for _, m := range a.models {
			if m.Name == a.loaded {
				e.Set("textContent", m.About+".")
			}
		}
	}
	for _, id := range []string{"made-controls", "draw"} {
		if e := a.el(id); e.Truthy() {
			e.Set("hidden", a.masks == 0)
		}
	}
	a.fillMasks()
	if e := a.el("order"); e.Truthy() { // only a model the page can train has an ordering to pick
		e.Get("parentElement").Set("hidden", a.trainAbout == "")
	}
	if e := a.el("train"); e.Truthy() {
		title := noTrainAbout(a.loaded, a.family)
		if a.trainAbout != "" {
			title = "Train " + a.trainAbout + " on 5,000 digits in this tab"
		}
		e.Set("title", title)
	}
}

// fillMasks lists the loaded model's mask sets and ensemble sizes in their selects.
func (a *app) fillMasks() {
	fill := func(id string, from, to int, label func(int) string) {
		sel := a.el(id)
		if !sel.Truthy() {
			return
		}
		sel.Set("innerHTML", "")
		for i := from; i <= to; i++ {
			opt := a.doc.Call("createElement", "option")
			opt.Set("value", strconv.Itoa(i))
			opt.Set("textContent", label(i))
			sel.Call("appendChild", opt)
		}
	}
	fill("mask", 0, a.masks-1, func(i int) string { return fmt.Sprintf("set %d", i) })
	fill("ens", 1, a.masks, func(i int) string {
		if i == 1 {
			return "1 (single)"
		}
		return fmt.Sprintf("%d sets", i)
	})
	a.syncControls()
}

// fillModels lists the worker's models in the select.
func (a *app) fillModels() {
	sel := a.el("model")
	if !sel.Truthy() {
		return
	}
	sel.Set("innerHTML", "")
	for _, m := range a.models {
		opt := a.doc.Call("createElement", "option")
		opt.Set("value", m.Name)
		opt.Set("textContent", m.Name)
		opt.Set("title", m.About)
		sel.Call("appendChild", opt)
	}
	sel.Set("value", a.state.Model)
}

// fillViews makes one button per view of the loaded model.
func (a *app) fillViews() {
	box := a.el("views")
	if !box.Truthy() {
		return
	}
	for _, old := range jsArray(box.Call("querySelectorAll", "button")) {
		old.Call("remove")
	}
	for _, v := range a.views {
		b := a.doc.Call("createElement", "button")
		b.Set("type", "button")
		b.Set("id", "view-"+v.Name)
		b.Set("textContent", strings.ToUpper(v.Name[:1])+v.Name[1:])
		b.Set("title", v.Title)
		b.Get("dataset").Set("view", v.Name)
		box.Call("appendChild", b)
		name := v.Name
		a.on("view-"+name, "click", func(js.Value) {
			a.state.View = name
			a.writeURL()
			a.show()
		})
	}
}

// refresh brings the page around the canvas up to date: state attribute, buttons, status line.
func (a *app) refresh() {
	a.doc.Get("body").Get("dataset").Set("state", a.phase)
	running := a.trainState == protocol.TrainRunning || a.trainState == trainStarting
	paused := a.trainState == protocol.TrainPaused
	enable := func(id string, on bool) {
		if e := a.el(id); e.Truthy() {
			e.Set("disabled", !on)
		}
	}
	ready := a.loaded != ""
	enable("model", a.models != nil)
	for _, id := range []string{"seed", "reseed", "n", "temp", "sample", "save", "mask", "ens"} {
		enable(id, ready)
	}
	for _, id := range []string{"seed", "reseed"} { // the lab's seed: a fresh run from it
		enable(id, ready || a.lab.state.On() && a.models != nil)
	}
	enable("train", a.models != nil && !running && !paused && (a.loaded == "" || a.trainAbout != "" || a.lab.state.On()))
	enable("pause", running && a.trainState == protocol.TrainRunning)
	enable("resume", paused)
	enable("stop", running || paused)
	enable("cancel", a.loadingID != 0 || running || paused || a.animating())
	for _, v := range a.views {
		enable("view-"+v.Name, ready)
		if b := a.el("view-" + v.Name); b.Truthy() {
			b.Get("classList").Call("toggle", "active", a.state.View == v.Name)
		}
	}
	if e := a.el("status"); e.Truthy() {
		e.Set("textContent", a.statusLine())
	}
}

func (a *app) statusLine() string {
	var parts []string
	switch {
	case a.lab.state.On():
		parts = append(parts, a.labAbout())
	case a.loaded != "":
		on := a.backend
		if a.threads > 1 {
			on = fmt.Sprintf("%s (%d threads)", a.backend, a.threads)
		}
		parts = append(parts, fmt.Sprintf("%s on %s", a.loaded, on))
	case a.phase == "error":
		parts = append(parts, "not running")
	default:
		parts = append(parts, "loading…")
	}
	if a.fallback != "" {
		parts = append(parts, "ONNX Runtime Web unavailable: "+a.fallback)
	}
	if a.main.pix != nil {
		parts = append(parts, fmt.Sprintf("last picture %.0f ms (worker %.0f ms)", a.lastSampleMs, a.workerMs))
	}
	if a.firstGridMs > 0 {
		parts = append(parts, fmt.Sprintf("first picture %.2f s after opening", a.firstGridMs/1000))
	}
	if a.trainState != "" {
		parts = append(parts, fmt.Sprintf("training %s, step %d/%d, %.1f steps/s", a.trainState, a.trainStep, a.trainTotal, a.stepsPerSec))
	}
	return strings.Join(parts, " · ")
}

// writeURL keeps the address bar's query equal to the state, without adding history entries.
func (a *app) writeURL() {
	loc := a.win.Get("location")
	a.win.Get("history").Call("replaceState", nil, "", loc.Get("pathname").String()+"?"+a.state.Query()+a.lab.state.Query())
}

func (a *app) notice(msg string) {
	a.notices = append(a.notices, msg)
	a.showBanner("notice", a.notices)
}

func (a *app) clearNotices() {
	a.notices = nil
	a.showBanner("notice", nil)
}

func (a *app) showError(msg string) {
	a.lastError = msg
	a.showBanner("error", []string{msg})
}

func (a *app) hideError() {
	a.lastError = ""
	a.showBanner("error", nil)
}

// showBanner fills a banner with one paragraph per message (as text, never as HTML: messages
// quote the URL) and hides it when there are none.
func (a *app) showBanner(id string, msgs []string) {
	b := a.el(id)
	if !b.Truthy() {
		return
	}
	b.Set("innerHTML", "")
	for _, m := range msgs {
		p := a.doc.Call("createElement", "p")
		p.Set("textContent", m)
		b.Call("appendChild", p)
	}
	b.Set("hidden", len(msgs) == 0)
}

func jsArray(list js.Value) []js.Value {
	out := make([]js.Value, list.Get("length").Int())
	for i := range out {
		out[i] = list.Index(i)
	}
	return out
}

// noTrainAbout says why Train is idle: no model loaded yet, or none the page can train; for a
// family the 2-D lab has, it points there.
func noTrainAbout(loaded, family string) string {
	if loaded == "" {
		return "No model is loaded yet: training starts once one is"
	}
	if strings.HasPrefix(loaded, "flow2d-") || strings.HasPrefix(loaded, "ddpm2d-") {
		return "2-D models train live in the 2-D lab (the selector above): pick flow or diffusion"
	}
	if lab, ok := labModel[family]; ok {
		return "The page has no small version of " + loaded + " to train; a " + lab +
			" trains live on 2-D data in the 2-D lab (the selector above)"
	}
	return "The page has no small version of " + loaded + " to train"
}

// labModel names what the 2-D lab of a family (its lab has the family's name) trains.
var labModel = map[string]string{"diffusion": "diffusion model", "gan": "GAN", "flow": "flow"}
