package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// TestMADE drives the page with MADE: samples appearing pixel by pixel, the mask-set controls in
// the URL, inpainting, a digit drawn with the mouse (and a finger) scored against the test
// digits, a small MADE trained in the page, and the model selector.
func TestMADE(t *testing.T) {
	root, out, chromium := e2eEnv(t, "pretrained/made-digits/weights.bin")
	base := startServer(t, root)
	b := newBrowser(t, chromium)

	// 1. Samples appear pixel by pixel: intermediate grids first, then the final one.
	b.open(t, base+"/?model=made-digits&seed=3&n=16")
	b.waitFor(t, 60*time.Second, `genlab.status().gridHash !== ""`)
	var st struct {
		status
		Family string `json:"family"`
		Masks  int    `json:"masks"`
		Mask   int    `json:"mask"`
		Ens    int    `json:"ens"`
		Frames int    `json:"frames"`
	}
	b.eval(t, 5*time.Second, "genlab.status()", &st)
	t.Logf("made-digits on %s: %d mask sets; worker up at %.2f s, model loaded in %.2f s, first picture %.2f s after opening; "+
		"%d intermediate grids, last picture %.0f ms (worker %.0f ms)",
		st.Backend, st.Masks, st.WorkerUpMs/1000, st.LoadMs/1000, st.FirstGridMs/1000, st.Frames, st.LastSampleMs, st.WorkerMs)
	if st.Model != "made-digits" || st.Family != "made" || st.Masks < 1 {
		t.Fatalf("status %+v: want made-digits (family made) with mask sets", st)
	}
	if st.Frames < 10 {
		t.Errorf("%d intermediate grids before the final one, want a pixel-by-pixel animation (>= 10)", st.Frames)
	}
	checkCanvas(t, b, filepath.Join(out, "made-canvas.png"))
	var visible bool
	b.eval(t, 5*time.Second, `!document.getElementById("made-controls").hidden && !document.getElementById("draw").hidden &&
		!document.querySelector('.about[data-family="made"]').hidden && document.querySelector('.about[data-family="vae"]').hidden`, &visible)
	if !visible {
		t.Errorf("MADE's controls, drawing pad and explanation should show, the VAE's explanation not")
	}
	b.noProblems(t, "made samples")

	// 2. The same link draws the same samples; the ensemble size is URL state.
	first := st.GridHash
	b.open(t, base+"/?model=made-digits&seed=3&n=16")
	b.waitFor(t, 60*time.Second, `genlab.status().gridHash !== ""`)
	if h := b.status(t).GridHash; h != first {
		t.Errorf("reloading drew grid %s, first time %s: the animation did not end on the same samples", h, first)
	}
	if st.Masks > 1 {
		setControl(t, b, "ens", "2")
		b.waitFor(t, 60*time.Second, fmt.Sprintf(`genlab.status().gridHash !== %q && genlab.status().gridHash !== ""`, first))
		if q := b.query(t); q.Get("ens") != "2" || q.Get("model") != "made-digits" {
			t.Errorf("after choosing an ensemble of 2 the query is %v", q)
		}
	}

	// 3. Inpainting: test digits with the second half hidden, completed.
	before := b.status(t).GridHash
	b.run(t, 10*time.Second, chromedp.Click("#view-inpaint", chromedp.ByQuery))
	b.waitFor(t, 60*time.Second, fmt.Sprintf(`genlab.status().gridHash !== %q && genlab.status().view === "inpaint"`, before))
	checkCanvas(t, b, filepath.Join(out, "made-inpaint.png"))
	b.noProblems(t, "inpainting")

	// 4. A digit drawn with the mouse gets an NLL and a percentile; a scribble is an outlier.
	one := drawAndScore(t, b, [][2]float64{{0.52, 0.18}, {0.50, 0.50}, {0.48, 0.82}})
	var zigzag [][2]float64
	for i := range 6 {
		zigzag = append(zigzag, [2]float64{0.1 + 0.8*float64(i%2), 0.1 + 0.16*float64(i)})
	}
	scribble := drawAndScore(t, b, zigzag)
	t.Logf("drawn 1: NLL %.1f nats (percentile %.1f); scribble: NLL %.1f nats (percentile %.1f) of %d test digits, median %.1f",
		one.NLL, one.Percentile, scribble.NLL, scribble.Percentile, scribble.Of, scribble.Median)
	if !(scribble.NLL > one.NLL) || scribble.Percentile < 95 {
		t.Errorf("the scribble (NLL %.1f, percentile %.1f) should be less likely than a drawn 1 (NLL %.1f) and beyond 95%% of the test digits",
			scribble.NLL, scribble.Percentile, one.NLL)
	}
	var shown string
	b.eval(t, 5*time.Second, `document.getElementById("score").textContent`, &shown)
	if !strings.Contains(shown, fmt.Sprintf("NLL %.1f nats", scribble.NLL)) || !strings.Contains(shown, "test digits") {
		t.Errorf("the page shows %q, want the scribble's NLL and percentile", shown)
	}
	b.save(t, filepath.Join(out, "made.png"))
	b.noProblems(t, "drawing")

	// 5. A small MADE, in the column ordering chosen in its select, trains in the page and its
	// loss falls.
	b.run(t, 10*time.Second, chromedp.SetValue("#order", "column", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#order").dispatchEvent(new Event("change"))`, nil))
	if q := b.query(t); q.Get("order") != "column" {
		t.Errorf("after choosing the column ordering the query is %v", q)
	}
	train(t, b, 30)
	var title string
	b.eval(t, 5*time.Second, "genlab.status().training.title", &title)
	if !strings.Contains(title, "column ordering") {
		t.Errorf("the training grid's title %q does not name the column ordering", title)
	}
	b.save(t, filepath.Join(out, "made-train.png"))
	b.noProblems(t, "training")

	// 6. The model selector: the VAE hides MADE's controls and shows its own explanation, and
	// choosing MADE again brings them back, animated samples included.
	setControl(t, b, "model", "vae-digits")
	b.waitFor(t, 60*time.Second, `genlab.status().model === "vae-digits" && genlab.status().gridHash !== ""`)
	b.eval(t, 5*time.Second, `document.getElementById("made-controls").hidden && document.getElementById("draw").hidden &&
		document.querySelector('.about[data-family="made"]').hidden && !document.querySelector('.about[data-family="vae"]').hidden`, &visible)
	if !visible {
		t.Errorf("with the VAE loaded, MADE's controls and explanation should hide and the VAE's show")
	}
	setControl(t, b, "model", "made-digits")
	b.waitFor(t, 60*time.Second, `genlab.status().model === "made-digits" && genlab.status().gridHash !== "" && genlab.status().frames > 0`)
	if q := b.query(t); q.Get("model") != "made-digits" || q.Has("ens") || q.Has("view") {
		t.Errorf("after choosing made-digits in the selector the query is %v, want the model and default masks", q)
	}
	b.noProblems(t, "model selector")

	// 7. A finger draws too (pointer events, touch-action: none).
	b.run(t, 10*time.Second, emulation.SetTouchEmulationEnabled(true), chromedp.Click("#pad-clear", chromedp.ByQuery))
	b.waitFor(t, 5*time.Second, `genlab.status().score === null`)
	r := padRect(t, b)
	touch := func(fx, fy float64) []*input.TouchPoint {
		return []*input.TouchPoint{{X: r.X + fx*r.W, Y: r.Y + fy*r.H}}
	}
	actions := []chromedp.Action{input.DispatchTouchEvent(input.TouchStart, touch(0.5, 0.2))}
	for i := 1; i <= 10; i++ {
		actions = append(actions, input.DispatchTouchEvent(input.TouchMove, touch(0.5, 0.2+0.06*float64(i))))
	}
	actions = append(actions, input.DispatchTouchEvent(input.TouchEnd, []*input.TouchPoint{}))
	b.run(t, 10*time.Second, actions...)
	b.waitFor(t, 60*time.Second, `genlab.status().score !== null`)
	var s score
	b.eval(t, 5*time.Second, "genlab.status().score", &s)
	t.Logf("a 1 drawn by touch: NLL %.1f nats (percentile %.1f)", s.NLL, s.Percentile)
	b.noProblems(t, "touch")

	// 8. made-shapes inpaints and scores against the page's test shapes, not digits.
	setControl(t, b, "model", "made-shapes")
	b.waitFor(t, 60*time.Second, `genlab.status().model === "made-shapes" && genlab.status().gridHash !== ""`)
	before = b.status(t).GridHash
	b.run(t, 10*time.Second, chromedp.Click("#view-inpaint", chromedp.ByQuery))
	b.waitFor(t, 60*time.Second, fmt.Sprintf(`genlab.status().gridHash !== %q && genlab.status().view === "inpaint"`, before))
	checkCanvas(t, b, filepath.Join(out, "made-shapes-inpaint.png"))
	drawAndScore(t, b, [][2]float64{{0.2, 0.2}, {0.8, 0.2}, {0.8, 0.8}, {0.2, 0.8}, {0.2, 0.2}})
	b.eval(t, 5*time.Second, `document.getElementById("score").textContent`, &shown)
	if !strings.Contains(shown, "test shapes") {
		t.Errorf("made-shapes scores a drawing with %q, want a rank among the test shapes", shown)
	}
	b.noProblems(t, "made-shapes")
}

type rect struct{ X, Y, W, H float64 }

// padRect scrolls the drawing pad into view and returns its box in CSS pixels of the viewport.
func padRect(t *testing.T, b *browser) rect {
	t.Helper()
	var r rect
	b.eval(t, 5*time.Second, `(() => { const p = document.getElementById("pad"); p.scrollIntoView({block: "center"});
		const r = p.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; })()`, &r)
	return r
}

type score struct {
	NLL        float64 `json:"nll"`
	Percentile float64 `json:"percentile"`
	Of         int     `json:"of"`
	Median     float64 `json:"median"`
}

// drawAndScore clears the pad, draws one stroke through points (fractions of the pad's size)
// with mouse events, as a user would, and returns the score the page shows for it.
func drawAndScore(t *testing.T, b *browser, points [][2]float64) score {
	t.Helper()
	b.run(t, 10*time.Second, chromedp.Click("#pad-clear", chromedp.ByQuery))
	b.waitFor(t, 5*time.Second, `genlab.status().score === null`)
	r := padRect(t, b)
	at := func(p [2]float64) (float64, float64) { return r.X + p[0]*r.W, r.Y + p[1]*r.H }
	x, y := at(points[0])
	actions := []chromedp.Action{chromedp.MouseEvent(input.MousePressed, x, y, chromedp.ButtonLeft)}
	for i := 1; i < len(points); i++ {
		x0, y0 := at(points[i-1])
		x1, y1 := at(points[i])
		for s := 1; s <= 8; s++ { // several moves per segment, as a real mouse reports them
			f := float64(s) / 8
			actions = append(actions, chromedp.MouseEvent(input.MouseMoved, x0+f*(x1-x0), y0+f*(y1-y0), chromedp.ButtonLeft))
		}
	}
	x, y = at(points[len(points)-1])
	actions = append(actions, chromedp.MouseEvent(input.MouseReleased, x, y, chromedp.ButtonLeft))
	b.run(t, 10*time.Second, actions...)
	b.waitFor(t, 60*time.Second, `genlab.status().score !== null`)
	var s score
	b.eval(t, 5*time.Second, "genlab.status().score", &s)
	if !(s.NLL > 0) || s.Percentile < 0 || s.Percentile > 100 || s.Of < 100 {
		t.Fatalf("score %+v: want a positive NLL and a percentile among the test digits", s)
	}
	return s
}
