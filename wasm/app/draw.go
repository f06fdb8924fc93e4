//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"strings"
	"syscall/js"

	"genlab/wasm/protocol"
)

// The drawing pad: a 28×28 canvas of the page (CSS scales it up), drawn on with a mouse, a pen or
// a finger through pointer events. When a stroke ends, the drawing is binarised as the model's
// test digits are (a pixel is 1 where the ink covers at least half of it) and scored by the
// worker: its NLL under MADE and its percentile among the page's test digits. A scribble that is
// no digit gets a high NLL, beyond nearly all of them: the lecture's outlier detection.

const (
	padSize = 28
	// The brush: full ink within brushCore pixels of the pointer, fading to none at brushEdge.
	// Binarised at 0.5, strokes are about 2.6 pixels wide, like MNIST's.
	brushCore, brushEdge = 0.8, 1.8
)

type pad struct {
	canvas  js.Value
	ink     [padSize * padSize]float64 // 0..1
	down    bool
	x, y    float64 // last pointer position, in pixels of the pad
	strokes int     // strokes since the last clear
}

// bindPad wires the pad's pointer events and its Clear button.
func (a *app) bindPad() {
	c := a.el("pad")
	if !c.Truthy() {
		return
	}
	a.pad.canvas = c
	a.padEvent("pointerdown", func(e js.Value) {
		a.pad.down = true
		c.Call("setPointerCapture", e.Get("pointerId"))
		a.pad.x, a.pad.y = a.padXY(e)
		a.pad.stroke(a.pad.x, a.pad.y)
		a.pad.strokes++
		a.drawPad()
	})
	a.padEvent("pointermove", func(e js.Value) {
		if !a.pad.down {
			return
		}
		x, y := a.padXY(e)
		a.pad.line(a.pad.x, a.pad.y, x, y)
		a.pad.x, a.pad.y = x, y
		a.drawPad()
	})
	end := func(js.Value) {
		if !a.pad.down {
			return
		}
		a.pad.down = false
		a.scoreDrawing()
	}
	a.padEvent("pointerup", end)
	a.padEvent("pointercancel", end)
	a.on("pad-clear", "click", func(js.Value) {
		a.pad.ink = [padSize * padSize]float64{}
		a.pad.strokes = 0
		a.score, a.scoreError = nil, ""
		a.scoreID = 0 // a score still on its way is for the cleared drawing: drop it
		a.drawPad()
		a.showScore()
	})
	a.drawPad()
}

// padEvent listens to a pointer event of the pad, under the lock, without the default action
// (scrolling or selecting while drawing).
func (a *app) padEvent(name string, fn func(e js.Value)) {
	a.pad.canvas.Call("addEventListener", name, js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		e.Call("preventDefault")
		a.mu.Lock()
		defer a.mu.Unlock()
		fn(e)
		return nil
	}))
}

// padXY is the pointer's position in pad pixels (the canvas is shown larger than 28×28).
func (a *app) padXY(e js.Value) (float64, float64) {
	r := a.pad.canvas.Call("getBoundingClientRect")
	w, h := math.Max(1, r.Get("width").Float()), math.Max(1, r.Get("height").Float())
	return (e.Get("clientX").Float() - r.Get("left").Float()) * padSize / w,
		(e.Get("clientY").Float() - r.Get("top").Float()) * padSize / h
}

// stroke inks the pixels around (x, y); pixel (i, j) covers [i, i+1)×[j, j+1).
func (p *pad) stroke(x, y float64) {
	for j := max(0, int(y-brushEdge)); j <= min(padSize-1, int(y+brushEdge)); j++ {
		for i := max(0, int(x-brushEdge)); i <= min(padSize-1, int(x+brushEdge)); i++ {
			d := math.Hypot(float64(i)+0.5-x, float64(j)+0.5-y)
			v := math.Min(1, math.Max(0, (brushEdge-d)/(brushEdge-brushCore)))
			p.ink[j*padSize+i] = math.Max(p.ink[j*padSize+i], v)
		}
	}
}

// line inks a segment with stamps a quarter pixel apart.
func (p *pad) line(x0, y0, x1, y1 float64) {
	n := max(1, int(math.Ceil(math.Hypot(x1-x0, y1-y0)*4)))
	for s := 1; s <= n; s++ {
		t := float64(s) / float64(n)
		p.stroke(x0+t*(x1-x0), y0+t*(y1-y0))
	}
}

// bits is the binarised drawing as the worker takes it: '0' or '1' per pixel, row by row.
func (p *pad) bits() string {
	var b strings.Builder
	for _, v := range p.ink {
		if v >= 0.5 {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

// drawPad shows the binarised drawing, exactly what is scored: white ink on black, like the
// digits the model was trained on.
func (a *app) drawPad() {
	c := a.pad.canvas
	if !c.Truthy() {
		return
	}
	ctx := c.Call("getContext", "2d")
	img := ctx.Call("createImageData", padSize, padSize)
	px := make([]byte, 4*padSize*padSize)
	for i, bit := range a.pad.bits() {
		v := byte(0)
		if bit == '1' {
			v = 255
		}
		px[4*i], px[4*i+1], px[4*i+2], px[4*i+3] = v, v, v, 255
	}
	// Through an array of this frame: js.CopyBytesToJS rejects the page's typed arrays.
	u8 := js.Global().Get("Uint8ClampedArray").New(len(px))
	js.CopyBytesToJS(u8, px)
	img.Get("data").Call("set", u8)
	ctx.Call("putImageData", img, 0, 0)
}

// scoreDrawing asks the worker for the drawing's NLL under the selected mask sets.
func (a *app) scoreDrawing() {
	if a.pad.strokes == 0 || a.masks == 0 || a.loaded == "" {
		return
	}
	a.scoreID = a.send(protocol.Request{Op: protocol.OpScore, Pixels: a.pad.bits(), Mask: a.state.Mask, Ens: a.state.Ens})
	a.scoreError = ""
	a.showScore()
}

// showScore writes the drawing's score beside the pad.
func (a *app) showScore() {
	out := a.el("score")
	if !out.Truthy() {
		return
	}
	s := a.score
	msg, verdict := "Draw a digit in the box: its likelihood under the model appears here.", ""
	switch {
	case a.scoreError != "":
		msg = "Could not score the drawing: " + a.scoreError
	case a.scoreID != 0:
		msg = "Scoring…"
	case s != nil:
		under := fmt.Sprintf("mask set %d", s.Masks[0])
		if len(s.Masks) > 1 {
			under = fmt.Sprintf("ensemble of mask sets %v", s.Masks)
		}
		things := "digits" // what the model was trained on: made-digits or made-shapes
		if strings.HasSuffix(a.loaded, "-shapes") {
			things = "shapes"
		}
		rank := fmt.Sprintf("higher than %.1f%% of the %d test %s", s.Percentile, s.Of, things)
		switch s.Percentile {
		case 100:
			rank = fmt.Sprintf("higher than all %d test %s", s.Of, things)
		case 0:
			rank = fmt.Sprintf("lower than all %d test %s", s.Of, things)
		}
		msg = fmt.Sprintf("NLL %.1f nats (%s): %s, whose median is %.1f nats.", s.NLL, under, rank, s.Median)
		switch {
		case s.Percentile >= 99:
			verdict = "An outlier: the model finds it less likely than nearly every real one of its " + things + "."
		case s.Percentile >= 90:
			verdict = "Unusual: less likely than most real " + things + "."
		default:
			verdict = "Typical of the " + things + " the model was trained on."
		}
	}
	out.Set("textContent", msg)
	if v := a.el("score-verdict"); v.Truthy() {
		v.Set("textContent", verdict)
	}
}
