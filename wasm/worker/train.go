//go:build js && wasm

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gomlx/compute"

	"genlab/core/data"
	"genlab/core/lab"
	"genlab/core/model"
	"genlab/wasm/jsio"
	"genlab/wasm/protocol"
)

// In-page training: a fresh, smaller model than the pretrained one, so that a few dozen steps
// on a laptop already show the loss falling and the samples turning into digits. The Train
// button trains the loaded model's entry; models without one can't be trained in the page.
var trainConfigs = map[string]struct {
	config json.RawMessage
	about  string // what the page says it trains
}{
	"vae-digits": {json.RawMessage(`{"dim":784,"hidden":[256],"latent":16}`), "a fresh VAE (784-256-16)"},
	"ae-digits":  {json.RawMessage(`{"dim":784,"hidden":[256],"latent":16}`), "a fresh autoencoder (784-256-16)"},
	// One mask set: with several, a few hundred steps give each too few updates to show.
	"made-digits": {json.RawMessage(`{"hidden":[256],"masks":1}`), "a fresh MADE (784-256-784 + direct, 1 mask set)"},
}

const (
	trainBatch    = 64
	maxTrainSteps = 1_000_000             // "until stopped"
	chunkBudget   = 80 * time.Millisecond // steps between two trips through the event loop
	gridEvery     = 2 * time.Second       // training time between two sample grids of the model in training
	trainGridN    = 64
	trainGridSeed = 1 // fixed, so successive grids show the same latent points improving
)

type trainer struct {
	id      int // the train request, answered with Done when training ends
	m       model.Model
	be      compute.Backend
	backend string
	batcher *data.Batcher
	rng     *rand.Rand
	shape   data.Images // N, H, W, C of a batch

	step, target int
	state        string
	pending      []float64     // losses not yet posted
	busy         time.Duration // time spent in steps after the first (which compiles), for steps/s
	lastGrid     int           // step of the last grid
	lastGridAt   time.Time
	lab          *lab.Lab // the 2-D lab in training (lab.go), nil for the image models
	about        string   // what the grid titles add about the model, e.g. its MADE ordering
}

// newTrainer fetches the training digits, builds a fresh model and takes its first step: that
// step compiles the training graph, and if ONNX Runtime Web fails on it, training falls back to
// the Go backend.
func (w *worker) newTrainer(req protocol.Request) (*trainer, error) {
	if req.Lab != nil {
		return w.newLabTrainer(req)
	}
	name := req.Model
	if name == "" {
		name = protocol.DefaultModel
	}
	spec, err := model.Lookup(name)
	if err != nil {
		return nil, err
	}
	if spec.Data != "mnist" {
		return nil, fmt.Errorf("the page ships training images of mnist only, not %s", spec.Data)
	}
	cfg, ok := trainConfigs[name]
	if !ok {
		return nil, fmt.Errorf("%s can't be trained in the page (it has no small configuration here)", name)
	}
	config, about, err := withOrder(cfg.config, spec.Family, req.Order)
	if err != nil {
		return nil, err
	}
	jsio.Post(protocol.Response{ID: req.ID, Kind: protocol.KindProgress, Stage: "fetching training digits", Total: 2}, nil)
	raw, err := jsio.FetchBytes(trainImageURL)
	if err != nil {
		return nil, err
	}
	im, err := data.DecodeIDXImages(bytes.NewReader(raw), trainImageURL)
	if err != nil {
		return nil, err
	}
	batch := min(trainBatch, im.N)
	t := &trainer{
		id: req.ID, batcher: data.NewBatcher(im, batch, req.Seed), rng: model.Rand(req.Seed),
		shape: data.Images{N: batch, H: im.H, W: im.W, C: im.C}, state: protocol.TrainRunning,
		target: req.Steps, about: about,
	}
	if t.target <= 0 || t.target > maxTrainSteps {
		t.target = maxTrainSteps
	}
	jsio.Post(protocol.Response{ID: req.ID, Kind: protocol.KindProgress, Stage: "compiling the training step", Done: 1, Total: 2}, nil)
	if w.cancelled.Load() {
		return nil, w.doneCancelled(req) // nil trainer, nil error: nothing to run
	}
	var loss float64
	t.backend, _, err = w.backends.run(req.Backend, func(be compute.Backend) error {
		t.batcher.SeekStep(0)
		t.rng = model.Rand(req.Seed)
		m, err := model.New(be, name, config, req.Seed)
		if err != nil {
			return err
		}
		t.m, t.be = m, be
		loss, err = m.TrainStep(t.nextBatch(), t.rng)
		return err
	})
	if err != nil {
		return nil, err
	}
	t.step, t.pending = 1, []float64{loss}
	t.report()
	t.sendGrid()
	return t, nil
}

// nextBatch is the next minibatch, binarised afresh (dynamic binarisation).
func (t *trainer) nextBatch() *data.Images {
	if t.lab != nil {
		return t.lab.Batch()
	}
	x, _ := t.batcher.Next()
	data.BinarizeInto(x, x, t.rng)
	b := t.shape
	b.Pix = x
	return &b
}

// chunk runs training steps for about chunkBudget and reports them.
func (t *trainer) chunk() {
	start := time.Now()
	for n := 0; t.step < t.target && (n == 0 || time.Since(start) < chunkBudget); n++ {
		losses, err := t.steps()
		if err != nil {
			jsio.Post(protocol.Response{ID: t.id, Kind: protocol.KindError, Error: fmt.Sprintf("training step %d: %v", t.step+1, err)}, nil)
			t.finish(protocol.TrainStopped)
			return
		}
		t.step += len(losses)
		t.pending = append(t.pending, losses...)
	}
	t.busy += time.Since(start)
	t.report()
	if time.Since(t.lastGridAt) >= t.frameEvery() {
		t.sendGrid()
	}
	if t.step >= t.target {
		t.finish(protocol.TrainDone)
	}
}

// steps runs the next training step, or model.StepsPerCallORT of them in one call where the model
// can (model.MultiStepper) and it trains on ONNX Runtime Web, whose every call copies the weights
// and Adam's state in and out (docs/performance.md: the bench MLP's step 64 → 32 ms).
func (t *trainer) steps() (losses []float64, err error) {
	err = model.Guard(func() error {
		k := model.StepsPerCallORT
		if ms, ok := t.m.(model.MultiStepper); ok && t.backend == protocol.BackendONNX && t.target-t.step >= k {
			batches := make([]*data.Images, k)
			for i := range batches {
				batches[i] = t.nextBatch()
			}
			losses, err = ms.TrainSteps(batches, t.rng)
			return err
		}
		loss, err := t.m.TrainStep(t.nextBatch(), t.rng)
		losses = []float64{loss}
		return err
	})
	return losses, err
}

// control applies Pause, Resume and Stop.
func (t *trainer) control(op string) {
	switch {
	case op == protocol.OpPause && t.state == protocol.TrainRunning:
		t.state = protocol.TrainPaused
		t.report()
	case op == protocol.OpResume && t.state == protocol.TrainPaused:
		t.state = protocol.TrainRunning
		t.report()
	case op == protocol.OpStop:
		t.finish(protocol.TrainStopped)
	}
}

// finish ends the run (once), showing the final samples.
func (t *trainer) finish(state string) {
	if t.state == protocol.TrainDone || t.state == protocol.TrainStopped {
		return
	}
	t.state = state
	if t.step != t.lastGrid {
		t.sendGrid()
	}
	t.report()
	jsio.Post(protocol.Response{ID: t.id, Kind: protocol.KindDone, Cancelled: state == protocol.TrainStopped}, nil)
}

// report posts the losses since the last report and where training stands.
func (t *trainer) report() {
	sps := 0.0
	if t.busy > 0 {
		sps = float64(t.step-1) / t.busy.Seconds()
	}
	jsio.Post(protocol.Response{ID: t.id, Kind: protocol.KindTrain, Backend: t.backend, Step: t.step, Total: t.target,
		Losses: t.pending, GLosses: t.genLosses(), StepsPerSec: sps, Training: t.state}, nil)
	t.pending = nil
}

func (t *trainer) sendGrid() {
	if t.lab != nil {
		t.sendLabFrame()
		return
	}
	start := time.Now()
	var im *data.Images
	err := model.Guard(func() error {
		m, err := t.snapshot()
		if err == nil {
			im, err = m.Sample(model.SampleOptions{N: trainGridN, Seed: trainGridSeed})
		}
		return err
	})
	if err != nil {
		jsio.Post(protocol.Response{ID: t.id, Kind: protocol.KindError, Error: "sampling the model in training: " + err.Error()}, nil)
		return
	}
	t.lastGrid, t.lastGridAt = t.step, time.Now()
	title := fmt.Sprintf("Samples of the model in training%s, step %d", t.about, t.step)
	sendGrid(t.id, protocol.TargetTrain, title, &model.Grid{Images: im, Cols: protocol.SquareCols(trainGridN)}, start)
}

// snapshot rebuilds the model in training from its current weights, for sampling. The model's own
// Sample would keep drawing with the weights of its first call: on backends that prefer it (Go
// and ONNX both do), GoMLX compiles inference graphs with the variables' values baked in as
// constants. Rebuilding compiles two small graphs, which is why grids are spaced out in time.
func (t *trainer) snapshot() (model.Model, error) {
	cfg, err := json.Marshal(t.m.Config())
	if err != nil {
		return nil, err
	}
	b, err := model.Encode(model.Header{Model: t.m.Spec().Name, Config: cfg}, t.m.Store(), false)
	if err != nil {
		return nil, err
	}
	w, err := model.Decode(b, "model in training")
	if err != nil {
		return nil, err
	}
	return model.FromWeights(t.be, w, "", "model in training")
}

// withOrder sets a MADE's pixel ordering in its page config ("" keeps raster), and says so for
// the grid titles. Other families have no ordering and ignore it.
func withOrder(config json.RawMessage, family, order string) (json.RawMessage, string, error) {
	if order == "" || order == "raster" || family != "made" {
		return config, "", nil
	}
	var c map[string]any
	if err := json.Unmarshal(config, &c); err != nil {
		return nil, "", err
	}
	c["ordering"] = order
	out, err := json.Marshal(c)
	return out, " (" + order + " ordering)", err
}
