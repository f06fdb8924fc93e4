//go:build js && wasm

package main

import (
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"genlab/wasm/protocol"
)

// Frames are drawn only when something changed, and during training at most once a second.
//
// In ebiten's default mode every animation frame runs Update and Draw and presents the screen to
// the canvas, even when Draw drew nothing: a full-canvas copy and composite 60 times a second.
// Without a GPU (software WebGL, as in the bench's headless Chromium) each presented frame costs
// the GPU process enough CPU that the page's animation frames stall behind it: the bench saw
// requestAnimationFrame intervals of p50 200 ms / p95 1.1 s while the page trained, with no long
// task on the main thread. In FPSModeVsyncOffMinimum ebiten draws only when asked (ScheduleFrame)
// or on input, and a.redraw is what asks. Training reports arrive ~12 times a second; drawing
// each one still stalled a frame every time (p95 400 ms), so while training runs, its progress is
// drawn once a second (with the model's samples, which come every 2 s), while a new main picture is
// drawn at once. (No frame "now and then, just in case": each one cost a stalled frame too; a
// resized canvas gets its frame from ebiten, and Draw repaints when the screen's size changed.)
const (
	frameCheck      = 16 * time.Millisecond // how often a.redraw is looked at
	trainFrameEvery = time.Second           // progress of a running training, at most this often
)

func (a *app) drawOnChange() {
	ebiten.SetFPSMode(ebiten.FPSModeVsyncOffMinimum)
	go func() {
		last := time.Now()
		for range time.Tick(frameCheck) {
			since := time.Since(last)
			a.mu.Lock()
			now := a.labFrameDue() || a.redraw && (a.trainState != protocol.TrainRunning || a.main.fresh || since >= trainFrameEvery)
			a.mu.Unlock()
			if now {
				ebiten.ScheduleFrame()
				last = time.Now()
			}
		}
	}()
}
