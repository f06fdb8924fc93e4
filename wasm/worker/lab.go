//go:build js && wasm

package main

import (
	"time"

	"github.com/gomlx/compute"

	"genlab/core/lab"
	"genlab/core/model"
	"genlab/wasm/jsio"
	"genlab/wasm/protocol"
)

// The 2-D lab (core/lab) trains through the generic trainer of train.go: the same chunks,
// reports, Pause/Resume/Stop and Cancel; only its batches (fresh points of the toy density) and
// its pictures (a LabFrame instead of a sample grid) differ.

// Training time between two lab frames: a frame recompiles the small inference graphs (GoMLX
// bakes the weights into them), tens of milliseconds, so a few per second; diffusion's frame
// also runs the T = 100 reverse steps, so it comes less often.
const (
	labFrameEvery          = 400 * time.Millisecond
	labDiffusionFrameEvery = 1200 * time.Millisecond
)

// newLabTrainer builds the lab's fresh model and takes its first step (which compiles the
// training graph, falling back from ONNX Runtime Web to the Go backend if that fails).
func (w *worker) newLabTrainer(req protocol.Request) (*trainer, error) {
	opt := lab.Options{Family: req.Lab.Family, Density: req.Lab.Density, Arch: req.Lab.Arch, K: req.Lab.K, Seed: req.Seed}
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	jsio.Post(protocol.Response{ID: req.ID, Kind: protocol.KindProgress, Stage: "compiling the training step", Total: 1}, nil)
	t := &trainer{id: req.ID, state: protocol.TrainRunning, target: req.Steps}
	if t.target <= 0 || t.target > maxTrainSteps {
		t.target = maxTrainSteps
	}
	var loss float64
	var err error
	t.backend, _, err = w.backends.run(req.Backend, func(be compute.Backend) error {
		l, err := lab.New(be, opt)
		if err != nil {
			return err
		}
		t.lab, t.m, t.be, t.rng = l, l.Model(), be, model.Rand(req.Seed)
		loss, err = t.m.TrainStep(l.Batch(), t.rng)
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

// sendLabFrame computes and posts the lab's pictures of the model as it is now.
func (t *trainer) sendLabFrame() {
	var f *lab.Frame
	err := model.Guard(func() (err error) {
		f, err = t.lab.Frame()
		return err
	})
	if err != nil {
		jsio.Post(protocol.Response{ID: t.id, Kind: protocol.KindError, Error: "drawing the lab's model: " + err.Error()}, nil)
		return
	}
	t.lastGrid, t.lastGridAt = t.step, time.Now()
	side := 0
	if f.Heat != nil {
		side = lab.HeatSide
	}
	jsio.Post(protocol.Response{ID: t.id, Kind: protocol.KindLab, Lab: &protocol.LabFrame{
		Step: t.step, Lim: lab.Lim, Real: f.Real, Samples: f.Samples, Heat: f.Heat, HeatSide: side,
		HeatKind: f.HeatKind, Lines: f.Lines, Trail: f.Trail, TrailT: f.TrailT, SW: f.SW,
	}}, nil)
}

// frameEvery is the training time between two pictures of the model in training.
func (t *trainer) frameEvery() time.Duration {
	switch {
	case t.lab != nil && t.lab.Options().Family == lab.Diffusion:
		return labDiffusionFrameEvery
	case t.lab != nil:
		return labFrameEvery
	}
	return gridEvery
}

// genLosses drains a GAN's generator losses for the next report (nil for other models).
func (t *trainer) genLosses() []float64 {
	if t.lab == nil {
		return nil
	}
	return t.lab.GeneratorLosses()
}
