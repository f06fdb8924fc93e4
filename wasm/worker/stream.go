//go:build js && wasm

package main

import (
	"errors"
	"image"
	"time"

	"genlab/wasm/jsio"
	"genlab/wasm/protocol"
)

// Streaming pictures while they are computed (diffusion's denoising, latent walks), the way
// MADE's pixel-by-pixel sampling streams its grids (made.go): intermediate frames with
// Step < Steps, then the finished picture with Step == Steps.

// errReplaced stops an animation that a newer request for the main picture has replaced, or
// that Cancel stopped.
var errReplaced = errors.New("replaced by a newer picture")

// minFrames is how many frames an animation shows at least, however fast its steps: ten DDIM
// steps on a tiny model would otherwise flash by.
const minFrames = 24

// pacer decides which steps of an animation become frames: one whenever animGap has passed
// since the last, and, waiting for animGap if need be, one every steps/minFrames steps. Between
// steps it lets the worker's event loop run, so that a newer request is seen and the animation
// stopped (the Go backend computes without ever yielding).
type pacer struct {
	w       *worker
	id      int
	last    time.Time     // the last frame sent
	yielded time.Time     // the last trip through the event loop
	paused  time.Duration // time spent waiting and sending, not computing
}

func (w *worker) pacer(id int) *pacer { return &pacer{w: w, id: id} }

// due says whether step (1..of) should be sent now, after waiting if its turn has come early.
// It returns errReplaced when a newer main picture has been asked for.
func (p *pacer) due(step, of int) (bool, error) {
	t0 := time.Now()
	defer func() { p.paused += time.Since(t0) }()
	since := time.Since(p.last)
	switch {
	case since >= animGap:
	case step%max(1, of/minFrames) == 0:
		time.Sleep(animGap - since) // lets the event loop run too
		p.yielded = time.Now()
	default:
		p.yield()
		return false, p.check()
	}
	p.yield()
	return true, p.check()
}

// yield lets the event loop run every yieldGap: each trip costs a few milliseconds.
func (p *pacer) yield() {
	if time.Since(p.yielded) >= yieldGap {
		jsio.Yield()
		p.yielded = time.Now()
	}
}

const yieldGap = 50 * time.Millisecond

// check stops the animation when a newer main picture has been asked for, or Cancel pressed
// (the flag is raised as Cancel arrives, and lowered when it is served, after this returns).
func (p *pacer) check() error {
	if p.w.newestMain.Load() > int64(p.id) || p.w.cancelled.Load() {
		return errReplaced
	}
	return nil
}

// send posts a frame (or the finished picture: step == steps) and notes when.
func (p *pacer) send(title string, img *image.RGBA, n, cols, step, steps int, unit string, start time.Time) {
	t0 := time.Now()
	sendRGBA(p.id, protocol.TargetMain, title, img, n, cols, start, step, steps, unit)
	p.last = time.Now()
	p.paused += p.last.Sub(t0)
}

// computed is the time since start spent computing, without the pacing and sending.
func (p *pacer) computed(start time.Time) time.Duration { return time.Since(start) - p.paused }

// sendRGBA posts a picture composed here (panels side by side), pixels transferred.
func sendRGBA(id int, target, title string, img *image.RGBA, n, cols int, start time.Time, step, steps int, unit string) {
	info := &protocol.GridInfo{Target: target, Title: title, W: img.Rect.Dx(), H: img.Rect.Dy(), N: n, Cols: cols,
		Step: step, Steps: steps, Unit: unit}
	jsio.Post(protocol.Response{ID: id, Kind: protocol.KindGrid, Grid: info, Ms: msSince(start)}, img.Pix)
}

// replaced answers a request whose animation was stopped for a newer one: nobody waits for it.
func replaced(id int, err error) error {
	if errors.Is(err, errReplaced) {
		jsio.Post(protocol.Response{ID: id, Kind: protocol.KindDone, Cancelled: true}, nil)
		return nil
	}
	return err
}
