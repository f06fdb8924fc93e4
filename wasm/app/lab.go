//go:build js && wasm

package main

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"genlab/wasm/protocol"
)

// The 2-D lab: a flow, GAN or diffusion model trained live on a toy density. The worker trains
// it (core/lab, through the generic trainer) and sends a LabFrame every few hundred ms; this side
// only draws: real points and samples over a heat-map (the flow's density, the discriminator's
// decision), the base-space grid deformed by the flow, the reverse diffusion's x_t, the losses
// and the distance between samples and data. Opening a lab link starts training at once.

// labSteps is how long a lab trains unless stopped: enough for every density to take shape.
const labSteps = 5000

// labView is the lab's state on the main thread.
type labView struct {
	state   protocol.LabState
	frame   *protocol.LabFrame
	fresh   bool // frame not yet turned into a heat image
	frames  int  // frames received in this run
	gLosses []float64
	sw      []float64 // sliced Wasserstein of each frame
	swStep  []int

	heat       *ebiten.Image
	shownTrail int // the diffusion snapshot on screen
}

// labFrameDue says whether the lab needs a repaint now, whatever the pace frames.go keeps for
// training progress: a new frame arrived, or the diffusion animation moves on to its next
// snapshot (it runs on the main thread, from the frame's snapshots).
func (a *app) labFrameDue() bool {
	l := &a.lab
	if !l.state.On() || l.frame == nil {
		return false
	}
	if n := len(l.frame.Trail); n > 0 && labTrailFrame(n) != l.shownTrail {
		a.redraw = true
		return true
	}
	return l.fresh
}

// initLab reads the lab's part of the URL and wires its controls.
func (a *app) initLab() {
	var problems []string
	a.lab.state, problems = protocol.ParseLabState(a.win.Get("location").Get("search").String())
	for _, p := range problems {
		a.notice(p)
	}
	fill := func(id string, values []string, label func(string) string) {
		sel := a.el(id)
		if !sel.Truthy() || sel.Get("options").Length() > 0 {
			return
		}
		for _, v := range values {
			opt := a.doc.Call("createElement", "option")
			opt.Set("value", v)
			opt.Set("textContent", label(v))
			sel.Call("appendChild", opt)
		}
	}
	same := func(s string) string { return s }
	fill("density", protocol.LabDensities, same)
	var ks []string
	for k := 1; k <= protocol.LabMaxK; k++ {
		ks = append(ks, strconv.Itoa(k))
	}
	fill("k", ks, same)
	restart := func(apply func(v string)) func(js.Value) {
		return func(t js.Value) {
			apply(t.Get("value").String())
			a.labChanged()
		}
	}
	a.on("lab", "change", restart(func(v string) { a.lab.state.Family = v }))
	a.on("density", "change", restart(func(v string) { a.lab.state.Density = v }))
	a.on("arch", "change", restart(func(v string) { a.lab.state.Arch = v }))
	a.on("k", "change", restart(func(v string) { a.lab.state.K, _ = strconv.Atoi(v) }))
	a.syncLab()
}

// labChanged follows a change of the lab controls: a new lab run, or back to the models.
func (a *app) labChanged() {
	a.writeURL()
	a.syncLab()
	a.redraw = true
	if a.lab.state.On() {
		if a.models != nil {
			a.startLab(labSteps)
		}
		return
	}
	if a.trainState == protocol.TrainRunning || a.trainState == protocol.TrainPaused || a.trainState == trainStarting {
		a.send(protocol.Request{Op: protocol.OpStop})
	}
	if a.loaded == "" && a.loadingID == 0 && a.models != nil {
		a.load()
	}
}

// startLab asks the worker to train a fresh lab model for steps steps.
func (a *app) startLab(steps int) {
	a.losses, a.trainStep, a.trainTotal, a.stepsPerSec, a.trainState = nil, 0, steps, 0, trainStarting
	a.lab.frame, a.lab.frames, a.lab.gLosses, a.lab.sw, a.lab.swStep = nil, 0, nil, nil, nil
	a.trainID = a.send(protocol.Request{Op: protocol.OpTrain, Steps: steps, Seed: a.state.Seed, Backend: a.state.Backend, Lab: a.lab.state.Request()})
	a.stage, a.stageFrac = "preparing the "+a.lab.state.Family+" lab", 0
}

// reseeded follows a new seed: new samples of the model, or in the lab a fresh run from it.
func (a *app) reseeded() {
	if !a.lab.state.On() {
		a.show()
		return
	}
	if a.models != nil {
		a.startLab(labSteps)
	}
}

// onLabFrame keeps the newest frame of the current run.
func (a *app) onLabFrame(r protocol.Response) {
	if r.ID != a.trainID || r.Lab == nil {
		return
	}
	a.lab.frame, a.lab.fresh = r.Lab, true
	a.lab.frames++
	a.lab.sw = append(a.lab.sw, r.Lab.SW)
	a.lab.swStep = append(a.lab.swStep, r.Lab.Step)
	if a.phase != "ready" {
		a.phase = "ready"
	}
	if a.firstGridMs == 0 {
		a.firstGridMs = a.now()
	}
}

// syncLab shows the lab's state in its controls and shows what belongs to it.
func (a *app) syncLab() {
	l := a.lab.state
	set := func(id, prop string, v any) {
		if e := a.el(id); e.Truthy() {
			e.Set(prop, v)
		}
	}
	set("lab", "value", l.Family)
	set("density", "value", l.Density)
	set("arch", "value", l.Arch)
	set("k", "value", strconv.Itoa(l.K))
	set("lab-density", "hidden", !l.On())
	set("lab-arch", "hidden", l.Family != "flow")
	set("lab-k", "hidden", l.Family != "gan")
	set("views", "hidden", l.On())
	for _, e := range jsArray(a.doc.Call("querySelectorAll", ".about[data-lab]")) {
		e.Set("hidden", e.Get("dataset").Get("lab").String() != l.Family)
	}
	if l.On() {
		for _, e := range jsArray(a.doc.Call("querySelectorAll", ".about[data-family], #about-generic, #made-controls, #draw")) {
			e.Set("hidden", true)
		}
	} else if a.loaded != "" {
		a.showFamily()
	}
}

// labAbout names the lab for the status line: "2-D lab: gan on spirals (k = 3) on onnx-wasm".
func (a *app) labAbout() string {
	l := a.lab.state
	s := "2-D lab: " + l.Family + " on " + l.Density
	switch l.Family {
	case "flow":
		s += " (" + l.Arch + ")"
	case "gan":
		s += fmt.Sprintf(" (k = %d)", l.K)
	}
	if a.backend != "" {
		s += " on " + a.backend
	}
	return s
}

// labStatus is the lab's part of genlab.status(): what runs and how far it got.
func (a *app) labStatus() any {
	l := a.lab
	if !l.state.On() {
		return nil
	}
	out := map[string]any{
		"family": l.state.Family, "density": l.state.Density, "arch": l.state.Arch, "k": l.state.K,
		"frames": l.frames, "sw": jsFloats(l.sw), "gLosses": jsFloats(l.gLosses),
	}
	if f := l.frame; f != nil {
		out["frameStep"] = f.Step
		out["heatKind"] = f.HeatKind
		out["lines"] = len(f.Lines)
		out["trail"] = len(f.Trail)
	}
	return out
}

// Drawing. The plot shows [-lim, lim]², y up.

// Colours are premultiplied, as image/color's RGBA: a translucent one has r, g, b ≤ a.
var (
	colReal   = color.RGBA{100, 160, 245, 255}
	colSample = color.RGBA{255, 165, 60, 255}
	colLine   = color.RGBA{75, 75, 82, 85}
	colGLoss  = color.RGBA{255, 165, 60, 255}
)

// labTrailFrame is the index of the trail frame the animation shows now: each x_t for 400 ms,
// the final x_0 for 2 s.
func labTrailFrame(n int) int {
	const step, hold = 500, 2000
	cycle := int64((n-1)*step + hold)
	t := time.Now().UnixMilli() % cycle
	return min(n-1, int(t/step))
}

func (g *game) drawLab(dst *ebiten.Image) {
	a := g.a
	l := &a.lab
	const x, y, w, h = 20, 16, 540, 530
	g.rect(dst, x, y, w, h, colPanel)
	names := map[string]string{"flow": "Flow", "gan": "GAN", "diffusion": "Diffusion"}
	title := names[l.state.Family] + " on " + l.state.Density
	switch l.state.Family {
	case "flow":
		title = map[string]string{"glow": "Glow flow", "realnvp": "RealNVP flow"}[l.state.Arch] + " on " + l.state.Density
	case "gan":
		title += fmt.Sprintf(", k = %d", l.state.K)
	}
	f := l.frame
	if f == nil {
		g.text(dst, title, x+12, y+10, 14, colText)
		g.text(dst, "Compiling the training step…", x+16, y+44, 13, colMuted)
		g.drawLabSide(dst)
		return
	}
	g.text(dst, fmt.Sprintf("%s · step %d · sliced W to the data %.3f", title, f.Step, f.SW), x+12, y+10, 14, colText)
	const px, py, side = x + 35, y + 36, 470.0
	g.rect(dst, px, py, side, side, colBG)
	if l.fresh {
		l.fresh = false
		g.uploadHeat(f)
	}
	if l.heat != nil && f.Heat != nil { // exactly over the plot (g.image would round its scale)
		op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
		op.GeoM.Scale(side*g.k/float64(f.HeatSide), side*g.k/float64(f.HeatSide))
		op.GeoM.Translate(g.ox+px*g.k, g.oy+py*g.k)
		dst.DrawImage(l.heat, op)
	}
	lim := float64(f.Lim)
	at := func(vx, vy float32) (float64, float64) {
		return px + (float64(vx)+lim)/(2*lim)*side, py + (lim-float64(vy))/(2*lim)*side
	}
	inside := func(sx, sy float64) bool { return sx >= px && sx <= px+side && sy >= py && sy <= py+side }
	var path [][2]float64 // the grid's segments inside the plot, as one batch
	for _, line := range f.Lines {
		for i := 2; i+1 < len(line); i += 2 {
			x0, y0 := at(line[i-2], line[i-1])
			x1, y1 := at(line[i], line[i+1])
			if inside(x0, y0) && inside(x1, y1) {
				path = append(path, [2]float64{x0, y0}, [2]float64{x1, y1})
			}
		}
	}
	g.segments(dst, path, 1, colLine)
	dots := func(pts []float32, c color.RGBA) {
		var xy [][2]float64
		for i := 0; i+1 < len(pts); i += 2 {
			if sx, sy := at(pts[i], pts[i+1]); inside(sx, sy) {
				xy = append(xy, [2]float64{sx, sy})
			}
		}
		g.dots(dst, xy, 3, c)
	}
	dots(f.Real, colReal)
	samples, label := f.Samples, "samples"
	if n := len(f.Trail); n > 0 {
		i := labTrailFrame(n)
		samples = f.Trail[i]
		l.shownTrail = i
		label = fmt.Sprintf("x_t at t = %d of the reverse process (%d/%d)", f.TrailT[i], i+1, n)
	}
	dots(samples, colSample)
	g.rect(dst, px, py+side+10, 8, 8, colReal)
	g.text(dst, "data", px+12, py+side+4, 12, colMuted)
	g.rect(dst, px+60, py+side+10, 8, 8, colSample)
	g.text(dst, label, px+72, py+side+4, 12, colMuted)
	switch f.HeatKind {
	case "density":
		g.text(dst, "heat: learned p(x) · lines: z's grid mapped to x by the flow", px+185, py+side+4, 11, colMuted)
	case "discriminator":
		g.text(dst, "heat: D(x), green = real, purple = fake", px+265, py+side+4, 11, colMuted)
	}
	g.drawLabSide(dst)
}

// uploadHeat turns the frame's heat values into an image with the family's colour map.
func (g *game) uploadHeat(f *protocol.LabFrame) {
	l := &g.a.lab
	if l.heat != nil {
		l.heat.Deallocate()
		l.heat = nil
	}
	n := f.HeatSide
	if n == 0 || len(f.Heat) != n*n {
		return
	}
	pix := make([]byte, 4*n*n)
	for i, v := range f.Heat {
		v = max(0, min(1, v))
		var c [3]float32
		if f.HeatKind == "discriminator" { // purple (fake) … grey … green (real), dimmed
			lo, mid, hi := [3]float32{120, 55, 160}, [3]float32{44, 46, 56}, [3]float32{40, 150, 80}
			if v < 0.5 {
				c = mix(lo, mid, 2*v)
			} else {
				c = mix(mid, hi, 2*v-1)
			}
		} else { // density: dark … violet … amber, on a square-root scale to show the tails
			s := float32(math.Sqrt(float64(v)))
			lo, mid, hi := [3]float32{22, 24, 29}, [3]float32{90, 40, 110}, [3]float32{200, 120, 60}
			if s < 0.5 {
				c = mix(lo, mid, 2*s)
			} else {
				c = mix(mid, hi, 2*s-1)
			}
		}
		pix[4*i], pix[4*i+1], pix[4*i+2], pix[4*i+3] = byte(c[0]), byte(c[1]), byte(c[2]), 255
	}
	l.heat = ebiten.NewImage(n, n)
	l.heat.WritePixels(pix)
}

func mix(a, b [3]float32, t float32) [3]float32 {
	return [3]float32{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1]), a[2] + t*(b[2]-a[2])}
}

// drawLabSide: the losses, the distance to the data, and the family's extra picture.
func (g *game) drawLabSide(dst *ebiten.Image) {
	a := g.a
	l := &a.lab
	const x, y, w, h = 580, 16, 360, 530
	g.rect(dst, x, y, w, h, colPanel)
	title := "Training: starting"
	if a.trainState != "" && a.trainState != trainStarting {
		title = fmt.Sprintf("Training (%s): step %d of %d", a.trainState, a.trainStep, a.trainTotal)
	}
	g.text(dst, title, x+12, y+10, 14, colText)
	var lossTitle string
	series := []plotSeries{{a.losses, colAccent}}
	switch l.state.Family {
	case "flow":
		lossTitle = "NLL −log p(x), nats"
	case "gan":
		lossTitle = "D loss −V(D,G) (blue; log 4 at equilibrium), G loss (orange)"
		series = append(series, plotSeries{l.gLosses, colGLoss})
	default:
		lossTitle = "loss |ε − ε_θ(x_t, t)|², the noise the network misses"
	}
	g.seriesPlot(dst, x+10, y+36, w-20, 150, lossTitle, series, false)
	// On a log scale: an untrained diffusion model's first samples lie thousands of units away.
	g.seriesPlot(dst, x+10, y+196, w-20, 90, "sliced Wasserstein distance, samples to data (log scale)", []plotSeries{{l.sw, colGLoss}}, true)
	switch l.state.Family {
	case "flow":
		g.changeOfVariables(dst, x+10, y+300, w-20, 220)
	case "diffusion":
		g.trailStrip(dst, x+10, y+300, w-20, 220)
	case "gan":
		lines := []string{
			"Each step trains D once on a batch of real points against as many",
			fmt.Sprintf("samples of G; every k = %d steps G takes one step (Algorithm 1).", l.state.K),
			"D's decision D(x) is the background: green where it says",
			"real, purple where it says fake. G's samples (orange) are",
			"pushed toward green; at the game's optimum D(x) = 1/2",
			"everywhere and the D loss is log 4 ≈ 1.386.",
		}
		for i, s := range lines {
			g.text(dst, s, x+14, y+306+float64(i)*18, 11, colMuted)
		}
	}
}

type plotSeries struct {
	v []float64
	c color.RGBA
}

// seriesPlot draws series against their index, scaled together (logarithmically when log); the y
// range skips the first 10% of the longest series, so early transients don't flatten the rest.
func (g *game) seriesPlot(dst *ebiten.Image, x, y, w, h float64, title string, series []plotSeries, log bool) {
	if log {
		logs := make([]plotSeries, len(series))
		for i, s := range series {
			logs[i] = plotSeries{make([]float64, len(s.v)), s.c}
			for j, v := range s.v {
				logs[i].v[j] = math.Log10(math.Max(v, 1e-9))
			}
		}
		series = logs
	}
	shown := func(v float64) float64 {
		if log {
			return math.Pow(10, v)
		}
		return v
	}
	g.rect(dst, x, y, w, h, colBG)
	const left, bottom, top = 46, 6, 20
	px, py, pw, ph := x+left, y+top, w-left-8, h-top-bottom
	g.text(dst, title, x+4, y+2, 11, colMuted)
	g.segments(dst, [][2]float64{{px, py + ph}, {px + pw, py + ph}, {px, py}, {px, py + ph}}, 1, colGrid)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, v := range s.v[len(s.v)/10:] {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 0) {
		return
	}
	if hi-lo < 1e-9 {
		lo, hi = lo-1, hi+1
	}
	for _, s := range series {
		n := len(s.v)
		// At most ~pw points: longer series are thinned to one value per pixel column.
		stride := max(1, n/int(pw))
		xAt := func(i int) float64 { return px + pw*float64(i)/float64(max(1, n-1)) }
		yAt := func(v float64) float64 { return py + ph*(hi-math.Max(lo, math.Min(hi, v)))/(hi-lo) }
		var seg [][2]float64
		for i := stride; i < n; i += stride {
			seg = append(seg, [2]float64{xAt(i - stride), yAt(s.v[i-stride])}, [2]float64{xAt(i), yAt(s.v[i])})
		}
		g.segments(dst, seg, 1.2, s.c)
	}
	g.text(dst, fmt.Sprintf("%.3g", shown(hi)), x+4, py-2, 10, colMuted)
	g.text(dst, fmt.Sprintf("%.3g", shown(lo)), x+4, py+ph-10, 10, colMuted)
	if s := series[0].v; len(s) > 0 {
		g.text(dst, fmt.Sprintf("%.3f", shown(s[len(s)-1])), px+pw-50, py+2, 11, colText)
	}
}

// changeOfVariables draws the lecture's 1-D flow: z = 0.5x − 2.5 with z ~ N(0, 1) makes
// x = 2z + 5 ~ N(5, 2²), whose density is p_z(0.5x − 2.5)·|dz/dx| = p_z(0.5x − 2.5)·0.5: half as
// high and twice as wide. Ticks pair z = −1, 0, 1 with x = 3, 5, 7.
func (g *game) changeOfVariables(dst *ebiten.Image, x, y, w, h float64) {
	g.rect(dst, x, y, w, h, colBG)
	g.text(dst, "1-D change of variables: z = 0.5x − 2.5, z ~ N(0, 1)", x+6, y+4, 12, colText)
	g.text(dst, "p_x(x) = p_z(0.5x − 2.5) · |dz/dx| = p_z(0.5x − 2.5) · 0.5", x+6, y+22, 11, colMuted)
	gauss := func(v, mu, sd float64) float64 {
		return math.Exp(-0.5*(v-mu)*(v-mu)/(sd*sd)) / (sd * math.Sqrt(2*math.Pi))
	}
	panel := func(title string, from, to float64, mu, sd float64, c color.RGBA, ticks []float64, ox float64) {
		const top, ph = 70.0, 110.0
		pw := (w - 30) / 2
		bx, by := x+ox, y+top
		g.segments(dst, [][2]float64{{bx, by + ph}, {bx + pw, by + ph}}, 1, colGrid)
		const peak = 0.4 // N(0,1)'s density at its mean: both panels share this y scale
		at := func(v float64) float64 { return bx + (v-from)/(to-from)*pw }
		var curve, ticksAt [][2]float64
		prev := 0.0
		for i := 0; i <= 60; i++ {
			v := from + (to-from)*float64(i)/60
			yy := by + ph - ph*gauss(v, mu, sd)/peak
			if i > 0 {
				curve = append(curve, [2]float64{at(v - (to-from)/60), prev}, [2]float64{at(v), yy})
			}
			prev = yy
		}
		for _, t := range ticks {
			ticksAt = append(ticksAt, [2]float64{at(t), by + ph}, [2]float64{at(t), by + ph - ph*gauss(t, mu, sd)/peak})
		}
		g.segments(dst, curve, 1.5, c)
		g.segments(dst, ticksAt, 1, colText)
		for _, t := range ticks {
			g.text(dst, strconv.FormatFloat(t, 'g', -1, 64), at(t)-4, by+ph+3, 10, colMuted)
		}
		g.text(dst, title, bx, y+44, 11, c)
	}
	panel("p_z(z) = N(0, 1)", -4, 4, 0, 1, colAccent, []float64{-1, 0, 1}, 6)
	panel("p_x(x) = N(5, 2²)", -3, 13, 5, 2, colGLoss, []float64{3, 5, 7}, 6+(w-30)/2+18)
}

// trailStrip draws the frame's x_t snapshots side by side, noise to data.
func (g *game) trailStrip(dst *ebiten.Image, x, y, w, h float64) {
	g.rect(dst, x, y, w, h, colBG)
	g.text(dst, "x_t along the reverse process (DDPM, T = 100): noise → data", x+6, y+4, 11, colText)
	f := g.a.lab.frame
	if f == nil || len(f.Trail) == 0 {
		return
	}
	n := len(f.Trail)
	cols := (n + 1) / 2
	cell := math.Min((w-8)/float64(cols), (h-26)/2) - 4
	lim := float64(f.Lim)
	for k, pts := range f.Trail {
		cx, cy := x+4+float64(k%cols)*(cell+4), y+24+float64(k/cols)*(cell+4)
		g.rect(dst, cx, cy, cell, cell, colPanel)
		var xy [][2]float64
		for i := 0; i+1 < len(pts); i += 4 { // every other point: the cells are small
			sx, sy := cx+(float64(pts[i])+lim)/(2*lim)*cell, cy+(lim-float64(pts[i+1]))/(2*lim)*cell
			if sx >= cx && sx <= cx+cell && sy >= cy && sy <= cy+cell {
				xy = append(xy, [2]float64{sx, sy})
			}
		}
		g.dots(dst, xy, 1.5, colSample)
		g.text(dst, fmt.Sprintf("t=%d", f.TrailT[k]), cx+2, cy+1, 10, colMuted)
	}
}

// Batched drawing: a frame has a thousand points and as many segments, which one vector call
// each would make slow to draw. These build one triangle list per colour, in logical coordinates.

var white *ebiten.Image

func whitePixel() *ebiten.Image {
	if white == nil {
		img := ebiten.NewImage(3, 3)
		img.Fill(color.White)
		white = img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
	}
	return white
}

// drawTris draws a triangle list coloured c. Without anti-aliasing: ebiten's anti-aliasing
// draws through a 2× offscreen copy of the screen, flushed whenever a plain draw (text, a
// rectangle) follows, and a lab frame alternates them often enough to freeze the page.
func (g *game) drawTris(dst *ebiten.Image, vs []ebiten.Vertex, is []uint16, c color.RGBA) {
	r, gr, b, al := float32(c.R)/255, float32(c.G)/255, float32(c.B)/255, float32(c.A)/255
	for i := range vs {
		vs[i].SrcX, vs[i].SrcY = 1.5, 1.5
		vs[i].ColorR, vs[i].ColorG, vs[i].ColorB, vs[i].ColorA = r, gr, b, al
	}
	dst.DrawTriangles(vs, is, whitePixel(), &ebiten.DrawTrianglesOptions{ColorScaleMode: ebiten.ColorScaleModePremultipliedAlpha})
}

// dots draws size×size squares centred on the points.
func (g *game) dots(dst *ebiten.Image, pts [][2]float64, size float64, c color.RGBA) {
	const perBatch = 16000 // 4 vertices each: under 65536
	for start := 0; start < len(pts); start += perBatch {
		batch := pts[start:min(len(pts), start+perBatch)]
		vs := make([]ebiten.Vertex, 0, 4*len(batch))
		is := make([]uint16, 0, 6*len(batch))
		h := size / 2 * g.k
		for _, p := range batch {
			x, y := g.ox+p[0]*g.k, g.oy+p[1]*g.k
			n := uint16(len(vs))
			vs = append(vs,
				ebiten.Vertex{DstX: float32(x - h), DstY: float32(y - h)}, ebiten.Vertex{DstX: float32(x + h), DstY: float32(y - h)},
				ebiten.Vertex{DstX: float32(x - h), DstY: float32(y + h)}, ebiten.Vertex{DstX: float32(x + h), DstY: float32(y + h)})
			is = append(is, n, n+1, n+2, n+1, n+3, n+2)
		}
		g.drawTris(dst, vs, is, c)
	}
}

// segments strokes the segments (pairs of points) width logical pixels wide.
func (g *game) segments(dst *ebiten.Image, seg [][2]float64, width float64, c color.RGBA) {
	const perBatch = 8000 // 4 vertices each
	for start := 0; start+1 < len(seg); start += 2 * perBatch {
		batch := seg[start:min(len(seg), start+2*perBatch)]
		vs := make([]ebiten.Vertex, 0, 2*len(batch))
		is := make([]uint16, 0, 3*len(batch))
		w := math.Max(1, width*g.k) / 2
		for i := 0; i+1 < len(batch); i += 2 {
			x0, y0 := g.ox+batch[i][0]*g.k, g.oy+batch[i][1]*g.k
			x1, y1 := g.ox+batch[i+1][0]*g.k, g.oy+batch[i+1][1]*g.k
			dx, dy := x1-x0, y1-y0
			l := math.Hypot(dx, dy)
			if l == 0 {
				continue
			}
			nx, ny := -dy/l*w, dx/l*w // the segment's normal, half the width long
			n := uint16(len(vs))
			vs = append(vs,
				ebiten.Vertex{DstX: float32(x0 + nx), DstY: float32(y0 + ny)}, ebiten.Vertex{DstX: float32(x0 - nx), DstY: float32(y0 - ny)},
				ebiten.Vertex{DstX: float32(x1 + nx), DstY: float32(y1 + ny)}, ebiten.Vertex{DstX: float32(x1 - nx), DstY: float32(y1 - ny)})
			is = append(is, n, n+1, n+2, n+1, n+3, n+2)
		}
		g.drawTris(dst, vs, is, c)
	}
}
