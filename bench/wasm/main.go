//go:build js && wasm

// Command wasm is GoMLX's side of the browser MLP comparison. bench/web/mlp-worker.js loads it in
// a Web Worker with self.benchBackend set to "go" or "onnx:wasm" (ONNX Runtime Web, 1 thread);
// it times the bench/mlp model's Adam train step and forward pass and posts one JSON string:
// {backend, train_step_ms, forward_ms, train_reps, forward_reps} or {backend, error}.
package main

import (
	"encoding/json"
	"syscall/js"
	"time"

	"genlab/bench/mlp"
	"genlab/bench/timing"
	"genlab/core/model"
)

type result struct {
	Backend     string  `json:"backend"`
	TrainStepMs float64 `json:"train_step_ms,omitempty"`
	ForwardMs   float64 `json:"forward_ms,omitempty"`
	TrainReps   int     `json:"train_reps,omitempty"`
	ForwardReps int     `json:"forward_reps,omitempty"`
	Error       string  `json:"error,omitempty"`
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
		opt := timing.Options{Budget: 4 * time.Second, MinReps: 5}
		train, err := timing.Time(opt, m.TrainStep)
		if err != nil {
			return err
		}
		fwd, err := timing.Time(opt, m.Forward)
		r.TrainStepMs, r.TrainReps, r.ForwardMs, r.ForwardReps = train.Ms(), train.Reps, fwd.Ms(), fwd.Reps
		return err
	})
	if err != nil {
		r.Error = err.Error()
	}
	out, _ := json.Marshal(r)
	js.Global().Call("postMessage", string(out))
}
