package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"genlab/core/experiment"
	"genlab/core/model"
)

// cmdExperiment runs one report's study: genlab experiment made --data DIR.
func cmdExperiment(args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("usage: genlab experiment STUDY [flags] (studies: %s)", strings.Join(experiment.Names(), ", "))
	}
	name := args[0]
	fs := newFlags("experiment " + name)
	dataDir := fs.String("data", "data", "data folder laid out like shared/datasets")
	out := fs.String("out", "", "output folder (default docs/experiments/STUDY)")
	scale := fs.Float64("scale", 1, "multiply every training length (e.g. 0.1 for a quick look)")
	backendName := fs.String("backend", "go", "compute backend")
	only := fs.String("only", "", "train just these trials (comma-separated labels) and write no report, e.g. to use a second core")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *scale <= 0 || *scale > 100 {
		return fmt.Errorf("--scale %g out of range (0..100]", *scale)
	}
	if *out == "" {
		*out = filepath.Join("docs", "experiments", name)
	}
	backend, err := model.NewBackend(*backendName)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	env := &experiment.Env{DataDir: *dataDir, Out: *out, Backend: backend, Log: os.Stderr, Scale: *scale}
	if *only != "" {
		env.Only = map[string]bool{}
		for _, l := range strings.Split(*only, ",") {
			env.Only[strings.TrimSpace(l)] = true
		}
	}
	err = experiment.Run(ctx, name, env)
	if err != nil {
		return err
	}
	if env.Only != nil {
		fmt.Printf("experiment %s: trained %s in %s (run it without --only for the report)\n", name, *only, time.Since(start).Round(time.Second))
		return nil
	}
	fmt.Printf("experiment %s done in %s: %s\n", name, time.Since(start).Round(time.Second), filepath.Join(*out, "README.md"))
	return nil
}
