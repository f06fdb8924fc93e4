//go:build js && wasm

package main

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/gomlx/compute"

	"genlab/core/data"
	"genlab/core/model"
	"genlab/core/plot"
	"genlab/wasm/jsio"
	"genlab/wasm/protocol"
)

// Paths are relative to the worker script, so the page works from any folder of a static host.
const (
	weightsURL    = "pretrained/%s/%s"                  // model, file name
	testImagesURL = "data/%s-test-images-idx3-ubyte.gz" // mnist, shapes (cmd/genlab/webdata.go)
	testFacesURL  = "data/faces-test-u8.bin.gz"
	trainImageURL = "data/mnist-train-images-idx3-ubyte.gz"
)

type errUnknownOp string

func (e errUnknownOp) Error() string { return fmt.Sprintf("worker: unknown operation %q", string(e)) }

// fetchWeights fetches the first of a model's weights files that exists, in the order given.
func fetchWeights(name string, files ...string) (raw []byte, url string, err error) {
	for _, f := range files {
		url = fmt.Sprintf(weightsURL, name, f)
		if raw, err = jsio.FetchBytes(url); !errors.Is(err, jsio.ErrNotFound) {
			break
		}
	}
	if err != nil {
		return nil, url, fmt.Errorf("%s has no pretrained weights here: %w", name, err)
	}
	return raw, url, nil
}

// load fetches a model's pretrained weights and builds it on the preferred backend. The previous
// model stays loaded until the new one is ready, and stays if the load fails or is cancelled.
func (w *worker) load(req protocol.Request) error {
	start := time.Now()
	spec, err := model.Lookup(req.Model)
	if err != nil {
		return err
	}
	progress := func(stage string, done int) {
		jsio.Post(protocol.Response{ID: req.ID, Kind: protocol.KindProgress, Stage: stage, Done: done, Total: 3}, nil)
	}
	progress("fetching weights", 0)
	// page.bin, or weights.bin where the weights were trained or copied in without `make web`.
	raw, url, err := fetchWeights(req.Model, model.PageFileName, model.WeightsFileName)
	if err != nil {
		return err
	}
	if w.cancelled.Load() {
		return w.doneCancelled(req)
	}
	// Checked before any backend sees them: damaged weights must fail the load, not count as
	// ONNX Runtime failing, which would move every later model to the slower Go backend.
	wts, err := checkWeights(raw, url, req.Model)
	if err != nil {
		return fmt.Errorf("can't load %s: %w", req.Model, err)
	}
	progress("building the model", 1)
	var m model.Model
	pref := w.backends.firstPref(req.Backend, spec)
	used, fallback, err := w.backends.run(pref, func(be compute.Backend) error {
		// A second attempt decodes again: a failed backend may hold on to the tensors it was given.
		given := wts
		wts = nil
		if given == nil {
			var err error
			if given, err = model.Decode(raw, url); err != nil {
				return err
			}
		}
		var err error
		if m, err = model.FromWeights(be, given, req.Model, url); err != nil {
			return err
		}
		// On ONNX Runtime a first run proves the backend really works (ORT reports a missing
		// or broken runtime only here). It draws as many samples as the page will ask for
		// first, so that the graph it compiles is the one the first picture needs.
		// Steps: 1 keeps a diffusion model's trial to one network call (other families ignore it).
		// The Go backend needs no proof: its first picture compiles the graph itself, and the
		// page's first picture comes one sampling run sooner.
		if be == w.backends.started[protocol.BackendGo] {
			return nil
		}
		_, err = m.Sample(model.SampleOptions{N: max(1, min(req.N, protocol.MaxN)), Steps: 1})
		return err
	})
	if err != nil {
		return err
	}
	if w.cancelled.Load() {
		return w.doneCancelled(req)
	}
	progress("ready", 3)
	w.m, w.name, w.backend = m, req.Model, used
	w.upgrade = nil
	if pref != req.Backend { // on Go for a fast start: ONNX Runtime Web takes over when idle
		w.upgrade = &upgrade{raw: raw, url: url, n: max(1, min(req.N, protocol.MaxN))}
	}
	loaded := protocol.Response{ID: req.ID, Kind: protocol.KindLoaded, Model: req.Model, Backend: used,
		Threads: threadsOf(used), Fallback: fallback, Views: w.pageViews(), Ms: msSince(start), Fetched: fetched(),
		Family: m.Spec().Family, Masks: w.masksOf(), TrainAbout: trainConfigs[req.Model].about}
	w.familyInfo(&loaded)
	jsio.Post(loaded, nil)
	return nil
}

// viewModels fetches and builds the extra models a view uses, on the loaded model's backend.
func (w *worker) viewModels(id int, uses []string) ([]model.Model, error) {
	if len(uses) == 0 {
		return nil, nil
	}
	be, err := w.backends.get(w.backend)
	if err != nil {
		return nil, err
	}
	var ms []model.Model
	for i, use := range uses {
		jsio.Post(protocol.Response{ID: id, Kind: protocol.KindProgress, Stage: "fetching " + use, Done: i, Total: len(uses)}, nil)
		url := "pretrained/" + use
		raw, err := jsio.FetchBytes(url)
		if err != nil {
			return nil, err
		}
		wts, err := model.Decode(raw, url)
		if err != nil {
			return nil, err
		}
		m, err := model.FromWeights(be, wts, "", url)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// checkWeights decodes a weights file (its checksum, header and tensor sizes) and checks that
// it holds the wanted model.
func checkWeights(raw []byte, url, want string) (*model.Weights, error) {
	wts, err := model.Decode(raw, url)
	if err != nil {
		return nil, err
	}
	if wts.Model != want {
		return nil, fmt.Errorf("%s: holds weights of model %q, not %q", url, wts.Model, want)
	}
	return wts, nil
}

func (w *worker) doneCancelled(req protocol.Request) error {
	jsio.Post(protocol.Response{ID: req.ID, Kind: protocol.KindDone, Cancelled: true}, nil)
	return nil
}

// sample draws samples from the loaded model and sends their grid.
func (w *worker) sample(req protocol.Request) error {
	if w.m == nil {
		return fmt.Errorf("no model is loaded yet")
	}
	if w.firstAgain(req) {
		return nil
	}
	opt, title := sampleOptions(req)
	w.useMasks(req)
	if ar, ok := w.m.(autoregressive); ok {
		return w.animate(req, ar, opt, title)
	}
	if done, err := w.liveSample(req, opt, title); done {
		return err
	}
	msg, pix, err := plainSample(w.m, req)
	if err != nil {
		return err
	}
	jsio.Post(msg, pix)
	return nil
}

// sampleOptions are a sample request's options, clamped, and its grid's title.
func sampleOptions(req protocol.Request) (model.SampleOptions, string) {
	n, temp, title := protocol.SampleTitle(req)
	return model.SampleOptions{N: n, Seed: req.Seed, Temperature: temp}, title
}

// plainSample answers a sample request with one run of m.Sample: the grid's message and pixels.
func plainSample(m model.Model, req protocol.Request) (protocol.Response, []byte, error) {
	opt, title := sampleOptions(req)
	start := time.Now()
	var im *data.Images
	err := model.Guard(func() (err error) {
		im, err = m.Sample(opt)
		return err
	})
	if err != nil {
		return protocol.Response{}, nil, err
	}
	msg, pix := gridMessage(req.ID, protocol.TargetMain, title, &model.Grid{Images: im, Cols: protocol.SquareCols(opt.N)}, start, 0, 0)
	return msg, pix, nil
}

// view runs one of the loaded model's views and sends its grid.
func (w *worker) view(req protocol.Request) error {
	if w.m == nil {
		return fmt.Errorf("no model is loaded yet")
	}
	n, _ := protocol.ClampN(fmt.Sprint(req.N))
	w.useMasks(req)
	if done, err := w.liveView(req, n); done {
		return err
	}
	var names []string
	for _, v := range w.m.Views() {
		names = append(names, v.Name)
		if v.Name != req.View {
			continue
		}
		vr := model.ViewRequest{Seed: req.Seed, N: n}
		if v.Needs == "test" {
			im, err := w.testImages(n)
			if err != nil {
				return err
			}
			vr.Input = im
		}
		models, err := w.viewModels(req.ID, v.Uses)
		if err != nil {
			return fmt.Errorf("view %s: %w", v.Name, err)
		}
		vr.Models = models
		start := time.Now()
		var g *model.Grid
		err = model.Guard(func() (err error) {
			g, err = v.Run(vr)
			return err
		})
		if err != nil {
			return fmt.Errorf("view %s: %w", v.Name, err)
		}
		sendGrid(req.ID, protocol.TargetMain, v.Title, g, start)
		return nil
	}
	return fmt.Errorf("%s has no view %q (views: %v)", w.name, req.View, names)
}

// testImages returns the first n test images of the model's data set, preprocessed as the
// model's test protocol says (the fixed binarisation for binary models), fetching the file once.
func (w *worker) testImages(n int) (*data.Images, error) {
	spec := w.m.Spec()
	all, ok := w.tests[spec.Data]
	if !ok {
		var err error
		if all, err = fetchTestImages(spec.Data); err != nil {
			return nil, err
		}
		if w.tests == nil {
			w.tests = map[string]*data.Images{}
		}
		w.tests[spec.Data] = all
	}
	im := data.Subset(all, 0, min(n, all.N))
	if spec.Binarize {
		im = data.BinarizeFixed(im)
	}
	return im, nil
}

// fetchTestImages downloads the page's copy of a set's first test images.
func fetchTestImages(set string) (*data.Images, error) {
	switch set {
	case "mnist", "shapes":
		url := fmt.Sprintf(testImagesURL, set)
		raw, err := jsio.FetchBytes(url)
		if err != nil {
			return nil, err
		}
		return data.DecodeIDXImages(bytes.NewReader(raw), url)
	case "faces":
		raw, err := jsio.FetchBytes(testFacesURL)
		if err != nil {
			return nil, err
		}
		return data.DecodeFacesFile(bytes.NewReader(raw), testFacesURL)
	}
	return nil, fmt.Errorf("the page ships no test images of %s", set)
}

// sendGrid renders a grid to RGBA and posts it, pixels transferred.
func sendGrid(id int, target, title string, g *model.Grid, start time.Time) {
	sendStep(id, target, title, g, start, 0, 0)
}

// sendStep is sendGrid for a grid streamed while it is drawn: step of steps done.
func sendStep(id int, target, title string, g *model.Grid, start time.Time, step, steps int) {
	jsio.Post(gridMessage(id, target, title, g, start, step, steps))
}

// gridMessage draws a grid and describes it.
func gridMessage(id int, target, title string, g *model.Grid, start time.Time, step, steps int) (protocol.Response, []byte) {
	img := plot.Grid(g.Images, g.Cols, 1)
	if plot.IsPoints(g.Images) { // a 2-D model's samples: points on [-4, 4]², as the CLI draws them
		img = plot.Scatter(g.Images.Pix, 256, 4)
	}
	info := &protocol.GridInfo{Target: target, Title: title, W: img.Rect.Dx(), H: img.Rect.Dy(), N: g.Images.N, Cols: g.Cols,
		Step: step, Steps: steps}
	return protocol.Response{ID: id, Kind: protocol.KindGrid, Grid: info, Ms: msSince(start)}, img.Pix
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }
