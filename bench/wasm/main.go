//go:build js && wasm

// Command wasm is GoMLX's side of the browser MLP comparison. bench/web/mlp-worker.js loads it in
// a Web Worker with self.benchBackend set to "go" or "onnx:wasm" (ONNX Runtime Web, 1 thread);
// it times the bench/mlp model's Adam train step and forward pass and posts one JSON string:
// {backend, train_step_ms, forward_ms, train_reps, forward_reps} or {backend, error}. On ONNX
// Runtime Web, train_step_ms is per step with model.StepsPerCallORT steps a call, as the page
// trains there (steps_per_call); train_step_ms_1 is one step a call.
package main

import (
	"encoding/json"
	"syscall/js"
	"time"

	"genlab/bench/mlp"
	"genlab/bench/timing"
	"genlab/core/model"
)

// warmup is the untimed calls' time before each measurement (tfjs-worker.js: WARMUP_MS).
const warmup = 6 * time.Second

type result struct {
	Backend      string  `json:"backend"`
	TrainStepMs  float64 `json:"train_step_ms,omitempty"`
	ForwardMs    float64 `json:"forward_ms,omitempty"`
	TrainReps    int     `json:"train_reps,omitempty"`
	StepsPerCall int     `json:"steps_per_call,omitempty"`
	TrainStep1Ms float64 `json:"train_step_ms_1,omitempty"`
	ForwardReps  int     `json:"forward_reps,omitempty"`
	Error        string  `json:"error,omitempty"`
}

func main() {
	name := js.Global().Get("benchBackend").String()
	r := result{Backend: name}
	err := model.Guard(func() error {
		be, err := model.NewBackend(name)
		if err != nil {
			return err
		}
		m := mlp.New(be, 1)
		// 6 s of warm-up calls before each measurement, as tfjs-worker.js does: the figures are
		// the steady state of a training run, not V8's first tiers of ORT's wasm.
		opt := timing.Options{Budget: 4 * time.Second, MinReps: 5, Warmup: warmup}
		k := 1
		if name == "onnx:wasm" {
			k = model.StepsPerCallORT
		}
		train, err := timing.Time(opt, func() error { return m.TrainSteps(k) })
		if err != nil {
			return err
		}
		r.TrainStepMs, r.TrainReps, r.StepsPerCall = train.Ms()/float64(k), train.Reps*k, k
		if k > 1 {
			one, err := timing.Time(opt, m.TrainStep)
			if err != nil {
				return err
			}
			r.TrainStep1Ms = one.Ms()
		}
		fwd, err := timing.Time(opt, m.Forward)
		r.ForwardMs, r.ForwardReps = fwd.Ms(), fwd.Reps
		return err
	})
	if err != nil {
		r.Error = err.Error()
	}
	out, _ := json.Marshal(r)
	js.Global().Call("postMessage", string(out))
}
