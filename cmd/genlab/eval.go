package main

import (
	"encoding/json"

	"fmt"
	"github.com/gomlx/compute"
	"os"
	"sort"
	"time"

	"genlab/core/data"
	"genlab/core/eval"
	"genlab/core/model"
)

func cmdEval(args []string) error {
	fs := newFlags("eval")
	name := fs.String("model", "", "model name")
	dataDir := fs.String("data", "data", "data folder laid out like shared/datasets")
	weights := fs.String("weights", "", "weights folder or file (default pretrained/MODEL)")
	asJSON := fs.Bool("json", false, "print one JSON object as the last line")
	limit := fs.Int("limit", 0, "evaluate only the first N test images (0: all)")
	samples := fs.Int("samples", 0, "importance samples / generated samples (0: the model's default)")
	backendName := fs.String("backend", "go", "compute backend")
	quality := fs.Int("quality", 0, "also score N generated samples with the digit classifier (inception_score, fd)")
	classifierPath := fs.String("classifier", eval.ClassifierWeights, "weights of the judge for --quality")
	seed := fs.Uint64("seed", 1, "seed of the samples --quality scores (its chunks of 500 take seed, seed+1, …): another seed, another noise stream")
	steps := fs.Int("steps", 0, "sampling steps for --quality (diffusion: DDIM steps, T for DDPM; 0: the model's default); implies --quality 5000 for digit diffusion models")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkRange("--quality", *quality, 0, 100_000); err != nil {
		return err
	}
	eval.ClassifierWeights = *classifierPath
	if err := checkRange("--limit", *limit, 0, 10_000_000); err != nil {
		return err
	}
	if err := checkRange("--samples", *samples, 0, 100_000); err != nil {
		return err
	}
	spec, err := model.Lookup(*name)
	if err != nil {
		return err
	}
	backend, err := model.NewBackend(*backendName)
	if err != nil {
		return err
	}
	m, err := loadModel(backend, spec.Name, *weights)
	if err != nil {
		return err
	}
	if err := checkSteps(m, *steps); err != nil {
		return err
	}
	if *steps > 0 && *quality == 0 && spec.Data == "mnist" {
		*quality = 5000
	}
	test, err := loadData(spec, *dataDir, "test", *limit)
	if err != nil {
		return err
	}
	start := time.Now()
	last := time.Now()
	met, err := m.Evaluate(test, model.EvalOptions{Samples: *samples, Progress: func(done, n int) {
		if time.Since(last) > time.Second {
			fmt.Fprintf(os.Stderr, "\revaluated %d/%d", done, n)
			last = time.Now()
		}
	}})
	fmt.Fprint(os.Stderr, "\r")
	if err != nil {
		return err
	}
	if *quality > 0 {
		q, err := sampleQuality(backend, m, *dataDir, *quality, *steps, *seed)
		if err != nil {
			return err
		}
		for k, v := range q {
			met[k] = v
		}
		if *steps > 0 {
			met["sample_steps"] = float64(*steps)
		}
		met["sample_seed"] = float64(*seed)
	}
	out := map[string]any{"model": spec.Name, "split": "test", "n": test.N, "seconds": time.Since(start).Seconds()}
	for k, v := range met {
		out[k] = v
	}
	if *asJSON {
		b, _ := json.Marshal(out)
		fmt.Println(string(b))
		return nil
	}
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%-12s %v\n", k, out[k])
	}
	return nil
}

// sampleQuality scores n samples of a digit model with the pretrained classifier.
// The reference is the grey test set, as the judge was trained on grey digits.
func sampleQuality(backend compute.Backend, m model.Model, dataDir string, n, steps int, seed uint64) (model.Metrics, error) {
	if m.Spec().Data != "mnist" {
		return nil, fmt.Errorf("--quality scores digit models; %s draws %s", m.Spec().Name, m.Spec().Data)
	}
	test, err := data.Load(dataDir, "mnist", "test")
	if err != nil {
		return nil, err
	}
	judge, err := eval.NewJudge(backend, test)
	if err != nil {
		return nil, err
	}
	samples, err := eval.DrawSamplesWith(m, n, model.SampleOptions{Seed: seed, Steps: steps}, func(done, n int) { fmt.Fprintf(os.Stderr, "\rsampled %d/%d", done, n) })
	fmt.Fprint(os.Stderr, "\r")
	if err != nil {
		return nil, err
	}
	return judge.Score(samples)
}

// checkSteps validates --steps against the model: only iterative samplers (diffusion) take it,
// between 1 and their number of diffusion steps T.
func checkSteps(m model.Model, steps int) error {
	if steps == 0 {
		return nil
	}
	if err := checkRange("--steps", steps, 1, 100_000); err != nil {
		return err
	}
	it, ok := m.(interface{ MaxSampleSteps() int })
	if !ok {
		return fmt.Errorf("--steps applies to iterative samplers (diffusion models); %s samples in one pass", m.Spec().Name)
	}
	return checkRange("--steps", steps, 1, it.MaxSampleSteps())
}
