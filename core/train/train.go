// Package train is the training loop every family shares: batches, preprocessing, checkpoints
// that survive a kill at any moment, resume, the loss log, and stopping cleanly on a NaN.
package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"genlab/core/data"
	"genlab/core/model"
)

// Options of one training run.
type Options struct {
	Model string
	// Config is the family config JSON; nil for the model's default. Resuming (a checkpoint or
	// From), its keys replace the saved config's: e.g. {"eta":1} to change a sampling default.
	// Keys that change tensor shapes fail the load.
	Config  []byte
	Data    *data.Images
	Out     string // Folder for checkpoint.bin, weights.bin, loss.csv, loss.png.
	Steps   int    // Train until this global step.
	Seed    uint64
	Backend compute.Backend
	Every   time.Duration // Checkpoint period (default 30 s); also at the end.
	// From is a weights file to start from when Out has no checkpoint: a run carried over from
	// another machine (committed provisional weights). Optimizer state starts afresh unless the
	// file has it; the step count continues from the file's.
	From string
	// Grow, with From, builds the model from Config (a larger architecture, e.g. {"blocks":2})
	// and takes every variable From has (model.Grow); the new ones start from their initial
	// values. A resumed run (Out has a checkpoint) is already grown and ignores it.
	Grow bool
	// LR, when > 0, replaces the model's learning rate, also in a resumed run (whose checkpointed
	// rate is dropped): e.g. a lower rate to continue a trained GAN.
	LR       float64
	Progress func(p Progress)
}

// Progress is reported after every step.
type Progress struct {
	Step, Steps int
	Loss        float64
	StepTime    time.Duration
	Resumed     bool
}

// Files of a run folder.
const (
	CheckpointFile = "checkpoint.bin" // Weights + optimizer state + step: what resume reads.
	WeightsFile    = "weights.bin"    // Weights only: what sample/eval and the page read.
	LossCSV        = "loss.csv"
	LossPNG        = "loss.png"
)

// Run trains until opt.Steps (resuming from Out/checkpoint.bin if present) or until ctx is
// cancelled, checkpointing atomically. It returns the model and the step it reached.
func Run(ctx context.Context, opt Options) (model.Model, int, error) {
	spec, err := model.Lookup(opt.Model)
	if err != nil {
		return nil, 0, err
	}
	if opt.Steps <= 0 || opt.Steps > 100_000_000 {
		return nil, 0, fmt.Errorf("--steps %d out of range (1..100000000)", opt.Steps)
	}
	if opt.Data == nil || opt.Data.N < spec.BatchSize {
		return nil, 0, fmt.Errorf("training data has fewer images than one batch (%d)", spec.BatchSize)
	}
	if opt.Grow && opt.From == "" {
		return nil, 0, errors.New("--grow needs --from: the weights to grow")
	}
	if opt.Every <= 0 {
		opt.Every = 30 * time.Second
	}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return nil, 0, err
	}
	ckpt := filepath.Join(opt.Out, CheckpointFile)
	m, step, err := resume(opt, ckpt)
	if err != nil {
		return nil, 0, err
	}
	log, err := openLossLog(filepath.Join(opt.Out, LossCSV), step)
	if err != nil {
		return nil, 0, err
	}
	defer log.Close()

	// The log is synced before the checkpoint: a kill in between leaves log rows past the
	// checkpoint (dropped on resume), never a gap.
	save := func() error {
		if err := log.Sync(); err != nil {
			return err
		}
		if err := model.Save(m, ckpt, int64(step), nil, true); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		if err := model.Save(m, filepath.Join(opt.Out, WeightsFile), int64(step), nil, false); err != nil {
			return err
		}
		return WriteLossPNG(filepath.Join(opt.Out, LossCSV), filepath.Join(opt.Out, LossPNG), spec.Name)
	}

	batches := data.NewBatcher(opt.Data, spec.BatchSize, opt.Seed)
	batches.SeekStep(int64(step))
	resumed := step > 0
	lastSave := time.Now()
	for step < opt.Steps {
		if ctx.Err() != nil {
			break
		}
		// Every step's randomness is a function of (seed, step): a resumed run sees exactly the
		// batches and noise an uninterrupted one would.
		rng := rand.New(rand.NewPCG(opt.Seed, uint64(step)))
		x, labels := batches.Next()
		batch := &data.Images{N: spec.BatchSize, H: opt.Data.H, W: opt.Data.W, C: opt.Data.C, Pix: x, Labels: labels}
		if spec.Binarize {
			data.BinarizeInto(x, x, rng)
		}
		t0 := time.Now()
		loss, err := m.TrainStep(batch, rng)
		if err != nil {
			return m, step, fmt.Errorf("step %d: %v; training stopped, the last good checkpoint is kept in %s", step+1, err, ckpt)
		}
		step++
		if err := log.Add(step, loss); err != nil {
			return m, step, err
		}
		if opt.Progress != nil {
			opt.Progress(Progress{Step: step, Steps: opt.Steps, Loss: loss, StepTime: time.Since(t0), Resumed: resumed})
		}
		if time.Since(lastSave) > opt.Every {
			if err := save(); err != nil {
				return m, step, err
			}
			lastSave = time.Now()
		}
	}
	return m, step, save()
}

// resume loads the checkpoint if there is one, else builds a fresh model.
func resume(opt Options, ckpt string) (model.Model, int, error) {
	if _, err := os.Stat(ckpt); errors.Is(err, os.ErrNotExist) {
		if opt.From == "" {
			m, err := model.New(opt.Backend, opt.Model, opt.Config, opt.Seed, model.WithLR(opt.LR))
			return m, 0, err
		}
		ckpt = opt.From
	} else {
		opt.Grow = false
	}
	w, err := model.ReadWeightsFile(ckpt)
	if err != nil {
		return nil, 0, fmt.Errorf("%v (delete it to start over)", err)
	}
	if w.Config, err = overlay(w.Config, opt.Config); err != nil {
		return nil, 0, err
	}
	if opt.Grow {
		if w.Model != opt.Model {
			return nil, 0, fmt.Errorf("%s: holds weights of model %q, not %q", ckpt, w.Model, opt.Model)
		}
		m, _, err := model.Grow(opt.Backend, w, w.Config, ckpt, opt.Seed, model.WithLR(opt.LR))
		return m, int(w.Step), err
	}
	if opt.LR > 0 {
		w.Drop("/" + optimizer.ParamLearningRate) // the optimizer creates it again from the spec's rate
	}
	m, err := model.FromWeights(opt.Backend, w, opt.Model, ckpt, model.WithLR(opt.LR))
	if err != nil {
		return nil, 0, err
	}
	return m, int(w.Step), nil
}

// overlay returns the saved config JSON with the keys of over replaced (nil over: saved as is).
func overlay(saved, over []byte) ([]byte, error) {
	if len(over) == 0 {
		return saved, nil
	}
	var s, o map[string]json.RawMessage
	if err := json.Unmarshal(saved, &s); err != nil {
		return nil, fmt.Errorf("checkpoint config: %v", err)
	}
	if err := json.Unmarshal(over, &o); err != nil {
		return nil, fmt.Errorf("config: %v (want a JSON object)", err)
	}
	if s == nil {
		s = map[string]json.RawMessage{}
	}
	maps.Copy(s, o)
	return json.Marshal(s)
}
