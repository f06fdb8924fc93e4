//go:build js && wasm

package main

import (
	"fmt"
	"slices"
	"time"

	"genlab/core/data"
	"genlab/core/model"
	"genlab/wasm/jsio"
	"genlab/wasm/protocol"
)

// What the page does with an autoregressive model (MADE) beyond the generic interface: pick its
// mask sets, watch its samples appear pixel by pixel, and score a digit drawn by hand.
type autoregressive interface {
	model.Model
	Masks() int
	UseMasks(first, ens int) []int
	SampleSteps(opt model.SampleOptions, every int, fn func(step int, partial *data.Images) error) (*data.Images, error)
	Score(x *data.Images) ([]float64, error)
}

const (
	animFrames = 28                    // intermediate grids per sample: one per image row in raster order
	animGap    = 30 * time.Millisecond // at least this between two frames, so the eye can follow
)

// masksOf is the loaded model's number of mask sets, 0 for models without.
func (w *worker) masksOf() int {
	if ar, ok := w.m.(autoregressive); ok {
		return ar.Masks()
	}
	return 0
}

// useMasks applies a request's mask selection to the loaded model, if it has mask sets.
func (w *worker) useMasks(req protocol.Request) {
	if ar, ok := w.m.(autoregressive); ok {
		ar.UseMasks(req.Mask, req.Ens)
	}
}

// animate draws samples pixel by pixel in the sampling order, streaming a grid every
// D/animFrames pixels and the finished one at the end: the same images as a plain Sample with
// these options. Frames are paced animGap apart and the worker's event loop runs between them;
// a newer picture asked for, or Cancel, stops the sampling there.
func (w *worker) animate(req protocol.Request, ar autoregressive, opt model.SampleOptions, title string) error {
	start := time.Now()
	var last time.Time
	cols := protocol.SquareCols(opt.N)
	if sel := ar.UseMasks(req.Mask, req.Ens); len(sel) == 1 {
		title += fmt.Sprintf(" · mask set %d", sel[0])
	} else {
		title += fmt.Sprintf(" · ensemble of mask sets %v", sel)
	}
	send := func(step, steps int, im *data.Images) {
		g := &model.Grid{Images: im, Cols: cols}
		sendStep(req.ID, protocol.TargetMain, title, g, start, step, steps)
	}
	var im *data.Images
	p := w.pacer(req.ID)
	err := model.Guard(func() (err error) {
		im, err = ar.SampleSteps(opt, 1, func(step int, partial *data.Images) error {
			d := partial.H * partial.W
			if step%max(1, d/animFrames) != 0 || step == d {
				p.yield()
				return p.check()
			}
			if wait := animGap - time.Since(last); wait > 0 {
				time.Sleep(wait) // lets the event loop run: messages arrive meanwhile
			}
			if err := p.check(); err != nil {
				return err
			}
			send(step, d, partial)
			last = time.Now()
			return nil
		})
		return err
	})
	if err != nil {
		return replaced(req.ID, err)
	}
	d := im.H * im.W
	send(d, d, im)
	return nil
}

// score answers OpScore: the NLL of one binary image under the selected mask sets, and where it
// falls among the page's test digits (scored once per model and selection, then cached).
func (w *worker) score(req protocol.Request) error {
	if w.m == nil {
		return fmt.Errorf("no model is loaded yet")
	}
	ar, ok := w.m.(autoregressive)
	if !ok {
		return fmt.Errorf("%s cannot score a drawing: only models with an exact likelihood over pixels (MADE) can", w.name)
	}
	test, err := w.testImages(1 << 30) // all of them
	if err != nil {
		return err
	}
	d := test.H * test.W
	if len(req.Pixels) != d {
		return fmt.Errorf("a drawing of %d pixels; the model takes %d×%d = %d", len(req.Pixels), test.H, test.W, d)
	}
	x := &data.Images{N: 1, H: test.H, W: test.W, C: 1, Pix: make([]float32, d)}
	for i, c := range []byte(req.Pixels) {
		switch c {
		case '0':
		case '1':
			x.Pix[i] = 1
		default:
			return fmt.Errorf("a drawing's pixels must be 0 or 1, pixel %d is %q", i, c)
		}
	}
	start := time.Now()
	sel := ar.UseMasks(req.Mask, req.Ens)
	key := fmt.Sprintf("%p %v", w.m, sel) // a new model is a new pointer
	ref, ok := w.testNLL[key]
	if !ok {
		jsio.Post(protocol.Response{ID: req.ID, Kind: protocol.KindProgress, Stage: fmt.Sprintf("scoring the %d test images", test.N), Total: 1}, nil)
		err := model.Guard(func() (err error) {
			ref, err = ar.Score(test)
			return err
		})
		if err != nil {
			return err
		}
		slices.Sort(ref)
		if w.testNLL == nil {
			w.testNLL = map[string][]float64{}
		}
		w.testNLL[key] = ref
	}
	var nll []float64
	if err := model.Guard(func() (err error) { nll, err = ar.Score(x); return err }); err != nil {
		return err
	}
	below, _ := slices.BinarySearch(ref, nll[0])
	info := &protocol.ScoreInfo{NLL: nll[0], Percentile: 100 * float64(below) / float64(len(ref)),
		Of: len(ref), Median: ref[len(ref)/2], Masks: sel}
	jsio.Post(protocol.Response{ID: req.ID, Kind: protocol.KindScore, Score: info, Ms: msSince(start)}, nil)
	return nil
}
