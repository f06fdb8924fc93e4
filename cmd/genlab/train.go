package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"genlab/core/model"
	"genlab/core/train"
)

func cmdTrain(args []string) error {
	fs := newFlags("train")
	name := fs.String("model", "", "model name (see 'genlab list')")
	dataDir := fs.String("data", "data", "data folder laid out like shared/datasets")
	steps := fs.Int("steps", 0, "train until this step (default: the model's)")
	out := fs.String("out", "", "run folder (default runs/MODEL)")
	backendName := fs.String("backend", "go", "compute backend: go, onnx or xla:cuda")
	seed := fs.Uint64("seed", 1, "seed of initialisation, batches and noise")
	config := fs.String("config", "", "family config JSON (default: the model's)")
	every := fs.Duration("checkpoint-every", 30*time.Second, "checkpoint period")
	from := fs.String("from", "", "weights file to continue from (its step count too) when the run folder has no checkpoint yet, e.g. pretrained/MODEL/weights.bin")
	grow := fs.Bool("grow", false, "with --from and --config: build the larger model --config describes (e.g. '{\"blocks\":2}') and start it from --from's variables; its new blocks start as the identity")
	lr := fs.Float64("lr", 0, "learning rate (default: the model's); e.g. a lower one to continue a trained model")
	if err := parse(fs, args); err != nil {
		return err
	}
	spec, err := model.Lookup(*name)
	if err != nil {
		return err
	}
	if *steps == 0 {
		*steps = spec.Steps
	}
	if err := checkRange("--steps", *steps, 1, 100_000_000); err != nil {
		return err
	}
	if *lr < 0 || *lr > 1 || math.IsNaN(*lr) {
		return fmt.Errorf("--lr %g out of range (0: the model's, up to 1)", *lr)
	}
	if *out == "" {
		*out = filepath.Join("runs", spec.Name)
	}
	backend, err := model.NewBackend(*backendName)
	if err != nil {
		return err
	}
	images, err := loadData(spec, *dataDir, "train", 0)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bar := newProgressBar(os.Stderr)
	start := time.Now()
	var cfg []byte
	if *config != "" {
		cfg = []byte(*config)
	}
	_, step, err := train.Run(ctx, train.Options{
		Model: spec.Name, Config: cfg, Data: images, Out: *out, Steps: *steps, Seed: *seed,
		Backend: backend, Every: *every, From: *from, Grow: *grow, LR: *lr,
		Progress: func(p train.Progress) { bar.update(p) },
	})
	bar.done()
	if err != nil {
		return err
	}
	if step < *steps {
		fmt.Fprintf(os.Stderr, "interrupted at step %d after %s; checkpoint saved, run the same command to resume\n", step, time.Since(start).Round(time.Second))
		os.Exit(130)
	}
	fmt.Printf("trained %s to step %d in %s: %s\n", spec.Name, step, time.Since(start).Round(time.Second), filepath.Join(*out, train.WeightsFile))
	return nil
}
