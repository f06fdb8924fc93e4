//go:build js && wasm

package main

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"sync"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"genlab/wasm/protocol"
)

// The canvas is laid out on a 960×600 grid of logical pixels; Layout asks ebiten for a screen of
// the canvas's real size in device pixels and everything is scaled by k, so text and digits stay
// sharp on any screen.
const logicalW, logicalH = 960, 600

var (
	colBG     = color.RGBA{22, 24, 29, 255}
	colPanel  = color.RGBA{32, 35, 43, 255}
	colText   = color.RGBA{226, 230, 236, 255}
	colMuted  = color.RGBA{138, 146, 160, 255}
	colAccent = color.RGBA{98, 160, 255, 255}
	colGrid   = color.RGBA{52, 56, 68, 255}
)

// firstPaintMs is when main.js drew the first picture before the app was up (0: it did not).
func firstPaintMs() float64 {
	if ms := js.Global().Get("genlabFirstPaintMs"); ms.Type() == js.TypeNumber {
		return ms.Float()
	}
	return 0
}

// removeFirstPaint takes main.js's first picture (a canvas over the app's) away, once.
var removeFirstPaint = sync.OnceFunc(func() {
	if c := js.Global().Get("document").Call("getElementById", "genlab-first"); c.Truthy() {
		c.Call("remove")
	}
})

type game struct {
	a               *app
	mainImg, trImg  *ebiten.Image
	mainTitle       string
	trainTitle      string
	mainShownBefore bool
	labels          labels
	frames          int
	drawnW, drawnH  int // the screen's size at the last repaint

	// per frame: screen scale and offset of the logical grid
	k, ox, oy float64
}

func (g *game) Layout(outsideW, outsideH int) (int, int) {
	s := ebiten.Monitor().DeviceScaleFactor()
	return int(math.Ceil(float64(outsideW) * s)), int(math.Ceil(float64(outsideH) * s))
}

// Update uploads pictures that arrived since the last frame.
func (g *game) Update() error {
	a := g.a
	a.mu.Lock()
	defer a.mu.Unlock()
	upload := func(p *picture, img **ebiten.Image, title *string) {
		if !p.fresh {
			return
		}
		p.fresh = false
		if *img != nil {
			(*img).Deallocate()
			*img = nil
		}
		if p.pix != nil {
			*img = ebiten.NewImage(p.info.W, p.info.H)
			(*img).WritePixels(p.pix)
		}
		*title = p.info.Title
		if p.info.Partial() {
			*title = fmt.Sprintf("%s · %s %d of %d", p.info.Title, unitOf(p.info), p.info.Step, p.info.Steps)
		}
		a.redraw = true
	}
	upload(&a.main, &g.mainImg, &g.mainTitle)
	upload(&a.train, &g.trImg, &g.trainTitle)
	if a.train.pix == nil && g.trImg != nil { // a new training run cleared its picture
		g.trImg.Deallocate()
		g.trImg = nil
		a.redraw = true
	}
	return nil
}

func (g *game) Draw(screen *ebiten.Image) {
	a := g.a
	a.mu.Lock()
	defer a.mu.Unlock()
	g.frames++
	// The screen is kept between frames; repaint on change, now and then, and when the canvas
	// was resized under us (ebiten gives a resize a frame: frames.go).
	b := screen.Bounds()
	if !a.redraw && g.frames%30 != 0 && b.Dx() == g.drawnW && b.Dy() == g.drawnH {
		return
	}
	a.redraw = false
	g.drawnW, g.drawnH = b.Dx(), b.Dy()
	g.k = math.Min(float64(b.Dx())/logicalW, float64(b.Dy())/logicalH)
	g.ox, g.oy = (float64(b.Dx())-logicalW*g.k)/2, (float64(b.Dy())-logicalH*g.k)/2
	screen.Fill(colBG)

	if a.lab.state.On() {
		g.drawLab(screen)
	} else {
		g.drawMain(screen)
		g.drawTraining(screen)
	}
	g.drawProgress(screen)

	if g.mainImg != nil && !g.mainShownBefore {
		g.mainShownBefore = true
		a.firstGridMs = cmp.Or(firstPaintMs(), a.now()) // main.js may have drawn it first
	}
	if g.mainImg != nil || a.phase == "error" {
		removeFirstPaint() // the app's own picture, or its error, replaces main.js's first picture
	}
	if g.mainImg != nil && a.phase != "ready" {
		a.phase = "ready"
		a.refresh()
	}
}

// Left: the model's samples or view.
func (g *game) drawMain(dst *ebiten.Image) {
	const x, y, w, h = 20, 16, 540, 530
	g.rect(dst, x, y, w, h, colPanel)
	if g.mainImg == nil {
		msg := "Loading " + g.a.state.Model + "…"
		if g.a.phase == "error" {
			msg = "Nothing to show: see the message above."
		}
		g.text(dst, msg, x+16, y+16, 15, colMuted)
		return
	}
	g.text(dst, g.mainTitle, x+12, y+10, 14, colText)
	g.image(dst, g.mainImg, x+10, y+36, w-20, h-46)
}

// Right: the loss curve and samples of the model being trained in the page.
func (g *game) drawTraining(dst *ebiten.Image) {
	a := g.a
	const x, y, w, h = 580, 16, 360, 530
	g.rect(dst, x, y, w, h, colPanel)
	title := "Train a small model here"
	if a.trainState != "" {
		title = fmt.Sprintf("Training (%s): step %d of %d", a.trainState, a.trainStep, a.trainTotal)
	}
	g.text(dst, title, x+12, y+10, 14, colText)
	if a.trainState == "" {
		about := "Train starts " + a.trainAbout + " on 5,000 digits, here in this tab. " +
			"Watch the loss fall and the samples below turn from noise into digits."
		if a.trainAbout == "" {
			about = noTrainAbout(a.loaded, a.family) + "."
		}
		for i, line := range wrap(about, 50) {
			g.text(dst, line, x+12, y+40+float64(i)*20, 13, colMuted)
		}
		return
	}
	g.lossPlot(dst, x+10, y+36, w-20, 200)
	if g.trImg != nil {
		g.text(dst, g.trainTitle, x+12, y+248, 13, colMuted)
		g.image(dst, g.trImg, x+10, y+270, w-20, h-280)
	}
}

// Bottom: what the worker is doing, as a bar with a label.
func (g *game) drawProgress(dst *ebiten.Image) {
	a := g.a
	const x, y, w = 20, 556, 920
	frac, label := 1.0, ""
	switch {
	case a.stage != "":
		frac, label = a.stageFrac, a.stage+"…"
	case a.main.pix != nil && a.main.info.Partial(): // an animation under way (MADE, diffusion, walks)
		frac = float64(a.main.info.Step) / float64(a.main.info.Steps)
		label = fmt.Sprintf("drawing: %s %d of %d", unitOf(a.main.info), a.main.info.Step, a.main.info.Steps)
	case a.trainState == protocol.TrainRunning || a.trainState == protocol.TrainPaused:
		frac = float64(a.trainStep) / float64(max(1, a.trainTotal))
		label = fmt.Sprintf("training %s: %d/%d steps, %.1f steps/s on %s", a.trainState, a.trainStep, a.trainTotal, a.stepsPerSec, a.backend)
	case a.loaded != "":
		label = fmt.Sprintf("ready: %s on %s", a.loaded, a.backend)
		if a.main.pix != nil {
			label += fmt.Sprintf(" · last picture in %.0f ms", a.lastSampleMs)
		}
	case a.phase == "error":
		frac, label = 0, "stopped"
	default:
		frac, label = 0, "starting…"
	}
	g.rect(dst, x, y+22, w, 6, colGrid)
	g.rect(dst, x, y+22, w*math.Max(0, math.Min(1, frac)), 6, colAccent)
	g.text(dst, label, x, y, 13, colMuted)
}

// lossPlot draws the training losses (nats per digit, the negative ELBO) against steps. The y
// range covers the losses after the first 10% of steps, so the huge first losses don't flatten
// the part worth seeing.
func (g *game) lossPlot(dst *ebiten.Image, x, y, w, h float64) {
	ls := g.a.losses
	g.rect(dst, x, y, w, h, colBG)
	const left, bottom, top = 46, 18, 8
	px, py, pw, ph := x+left, y+top, w-left-8, h-top-bottom
	g.line(dst, px, py+ph, px+pw, py+ph, colGrid)
	g.line(dst, px, py, px, py+ph, colGrid)
	if len(ls) == 0 {
		g.text(dst, "compiling the training step…", px+8, py+8, 12, colMuted)
		return
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, l := range ls[len(ls)/10:] {
		lo, hi = math.Min(lo, l), math.Max(hi, l)
	}
	if hi-lo < 1e-9 {
		lo, hi = lo-1, hi+1
	}
	n := len(ls)
	xAt := func(i int) float64 { return px + pw*float64(i)/float64(max(1, n-1)) }
	yAt := func(l float64) float64 { return py + ph*(hi-math.Max(lo, math.Min(hi, l)))/(hi-lo) }
	for i := 1; i < n; i++ {
		g.line(dst, xAt(i-1), yAt(ls[i-1]), xAt(i), yAt(ls[i]), colAccent)
	}
	g.text(dst, fmt.Sprintf("%.0f", hi), x+4, py-4, 11, colMuted)
	g.text(dst, fmt.Sprintf("%.0f", lo), x+4, py+ph-10, 11, colMuted)
	g.text(dst, "1", px, py+ph+2, 11, colMuted)
	g.text(dst, fmt.Sprint(n), px+pw-20, py+ph+2, 11, colMuted)
	g.text(dst, fmt.Sprintf("loss %.1f nats", ls[n-1]), px+pw-110, py+2, 12, colText)
}

// Drawing in logical coordinates.

func (g *game) rect(dst *ebiten.Image, x, y, w, h float64, c color.Color) {
	vector.DrawFilledRect(dst, float32(g.ox+x*g.k), float32(g.oy+y*g.k), float32(w*g.k), float32(h*g.k), c, false)
}

func (g *game) line(dst *ebiten.Image, x0, y0, x1, y1 float64, c color.Color) {
	vector.StrokeLine(dst, float32(g.ox+x0*g.k), float32(g.oy+y0*g.k), float32(g.ox+x1*g.k), float32(g.oy+y1*g.k), float32(math.Max(1, 1.5*g.k)), c, true)
}

func (g *game) text(dst *ebiten.Image, s string, x, y, size float64, c color.RGBA) {
	img := g.labels.get(s, int(math.Round(size*g.k)), c)
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(math.Round(g.ox+x*g.k), math.Round(g.oy+y*g.k))
	dst.DrawImage(img, op)
}

// image draws a picture centred in a box, as large as fits. A whole-number scale keeps digits
// sharp (every image pixel the same number of screen pixels), so it is used when it loses less
// than a fifth of the size; otherwise the picture is scaled smoothly.
func (g *game) image(dst, img *ebiten.Image, x, y, w, h float64) {
	iw, ih := float64(img.Bounds().Dx()), float64(img.Bounds().Dy())
	s := math.Min(w*g.k/iw, h*g.k/ih)
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
	if f := math.Floor(s); f >= 1 && f >= 0.8*s {
		s = f
		op.Filter = ebiten.FilterNearest
	}
	op.GeoM.Scale(s, s)
	op.GeoM.Translate(math.Round(g.ox+x*g.k+(w*g.k-iw*s)/2), math.Round(g.oy+y*g.k+(h*g.k-ih*s)/2))
	dst.DrawImage(img, op)
}
