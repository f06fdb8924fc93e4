//go:build js && wasm

package main

import (
	"cmp"
	"strconv"
	"syscall/js"

	"genlab/wasm/protocol"
)

// window.genlab: what the page exposes to scripts, the end-to-end test first among them.
//
//	genlab.status()      {state, model, backend, lastSampleMs, firstGridMs, error, notices, ...}
//	genlab.train(steps)  a Promise of {losses, steps, stepsPerSec, backend, state} once training ends
//	genlab.lossHistory() the losses of the current or last training run
//	genlab.lastSave()    {name, bytes} of the last PNG saved, or null
func (a *app) installHooks() {
	api := a.win.Get("Object").New()
	api.Set("status", a.hook(func([]js.Value) any { return a.status() }))
	api.Set("lossHistory", a.hook(func([]js.Value) any { return jsFloats(a.losses) }))
	api.Set("lastSave", a.hook(func([]js.Value) any {
		if a.lastSave == nil {
			return nil
		}
		return a.lastSave
	}))
	api.Set("train", a.hook(func(args []js.Value) any {
		steps := 50
		if len(args) > 0 && args[0].Type() == js.TypeNumber {
			steps = args[0].Int()
		}
		p, wait := newPromise(a.win)
		switch {
		case a.models == nil:
			wait.reject("genlab is not ready: the worker has not started")
		case steps < 1:
			wait.reject("train(steps) needs steps >= 1")
		default:
			a.trainWait.reject("replaced by a new train() call")
			a.startTraining(steps)
			a.trainWait = wait
		}
		a.refresh()
		return p
	}))
	a.win.Set("genlab", api)
}

func (a *app) hook(fn func(args []js.Value) any) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) any {
		a.mu.Lock()
		defer a.mu.Unlock()
		return fn(args)
	})
}

func (a *app) status() map[string]any {
	// main.js's first picture may be on screen before the app draws its own.
	firstPaint := firstPaintMs()
	return map[string]any{
		"state":         a.phase,
		"model":         a.loaded,
		"backend":       a.backend,
		"threads":       a.threads,
		"fallback":      a.fallback,
		"error":         a.lastError,
		"notices":       jsStrings(a.notices),
		"lastSampleMs":  a.lastSampleMs,
		"workerMs":      a.workerMs,
		"firstGridMs":   cmp.Or(firstPaint, a.firstGridMs),
		"firstPaintMs":  firstPaint,
		"firstMarks":    js.Global().Get("genlabFirstMarks"), // the worker's stages of it (main.js)
		"workerUpMs":    a.workerUpMs,
		"loadMs":        a.loadMs,
		"gridHash":      a.gridHash,
		"seed":          strconv.FormatUint(a.state.Seed, 10), // a string: seeds go beyond 2^53
		"n":             a.state.N,
		"temp":          a.state.Temp,
		"view":          a.state.View,
		"family":        a.family,
		"masks":         a.masks,
		"mask":          a.state.Mask,
		"ens":           a.state.Ens,
		"order":         cmp.Or(a.state.Order, "raster"),
		"frames":        a.frames,
		"title":         a.main.info.Title,
		"step":          a.main.info.Step,
		"steps":         a.main.info.Steps,
		"sampler":       protocol.StepsValue(a.state.Steps, a.state.DDPM),
		"label":         a.state.Label(),
		"classes":       a.fam.classes,
		"maxSteps":      a.fam.maxSteps,
		"score":         a.scoreResult(),
		"training":      a.trainResult(),
		"workerFetched": jsStrings(a.workerFetched),
		"workerStarts":  a.workers,
		"lab":           a.labStatus(),
	}
}

// scoreResult is the drawing's last score ({nll, percentile, of, median}), or null.
func (a *app) scoreResult() any {
	if a.score == nil {
		return nil
	}
	return map[string]any{"nll": a.score.NLL, "percentile": a.score.Percentile, "of": a.score.Of, "median": a.score.Median}
}

func (a *app) trainResult() map[string]any {
	return map[string]any{
		"state":       a.trainState,
		"steps":       a.trainStep,
		"total":       a.trainTotal,
		"stepsPerSec": a.stepsPerSec,
		"title":       a.train.info.Title,
		"backend":     a.backend,
		"losses":      jsFloats(a.losses),
	}
}

// promise is the settling end of a JS Promise made by newPromise.
type promise struct{ resolveFn, rejectFn js.Value }

// newPromise makes a Promise of win's realm (so that the page's scripts see an ordinary one).
func newPromise(win js.Value) (js.Value, *promise) {
	p := &promise{}
	executor := js.FuncOf(func(_ js.Value, args []js.Value) any {
		p.resolveFn, p.rejectFn = args[0], args[1]
		return nil
	})
	defer executor.Release()
	return win.Get("Promise").New(executor), p
}

// resolve and reject do nothing on a nil promise: nobody is waiting.
func (p *promise) resolve(v any) {
	if p != nil {
		p.resolveFn.Invoke(v)
	}
}

func (p *promise) reject(msg string) {
	if p != nil {
		p.rejectFn.Invoke(js.Global().Get("Error").New(msg))
	}
}

func jsFloats(xs []float64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func jsStrings(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
