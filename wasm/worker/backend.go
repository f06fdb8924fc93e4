//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"github.com/gomlx/compute"

	"genlab/core/model"
	"genlab/wasm/protocol"
)

// backends starts compute backends once each and remembers which one failed, so that a broken
// ONNX Runtime Web (missing files, an old browser) costs one attempt, not one per model.
type backends struct {
	started map[string]compute.Backend
	broken  string // why ONNX Runtime Web can't be used; "" while it may
}

// order lists the backends to try for a preference: ONNX Runtime Web first unless the page asked
// for Go, or ONNX already failed.
func (b *backends) order(pref string) []string {
	if pref == "go" || b.broken != "" {
		return []string{protocol.BackendGo}
	}
	return []string{protocol.BackendONNX, protocol.BackendGo}
}

// firstPref is the preference a model load uses: while ONNX Runtime Web has not been started,
// the default ("") becomes Go, so that the first picture does not wait for ORT's 14 MB wasm to
// be fetched and compiled (the bench: first grid 7.8 s on ORT, 5.9 s on Go, same pixels); the
// model moves to ORT once the worker is idle (upgrade.go). Training starts ORT at once, and so
// does a model whose spec says FirstOnORT (diffusion: 50 network calls per picture).
func (b *backends) firstPref(pref string, spec model.Spec) string {
	if _, ok := b.started[protocol.BackendONNX]; pref == "" && !ok && b.broken == "" && !spec.FirstOnORT {
		return protocol.BackendGo
	}
	return pref
}

// get starts (or returns) a backend by its protocol name.
func (b *backends) get(name string) (be compute.Backend, err error) {
	if be, ok := b.started[name]; ok {
		return be, nil
	}
	defer func() { // a backend that panics while starting is as unusable as one that errs
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	switch name {
	case protocol.BackendONNX:
		// worker.js loads ONNX Runtime Web on demand (genlabLoadOrt), not before the first picture.
		if load := js.Global().Get("genlabLoadOrt"); load.Type() == js.TypeFunction {
			if msg := load.Invoke().String(); msg != "" {
				return nil, fmt.Errorf("ONNX Runtime Web did not load: %s", msg)
			}
		} else if e := js.Global().Get("genlabOrtError"); e.Type() == js.TypeString {
			return nil, fmt.Errorf("ONNX Runtime Web did not load: %s", e.String())
		}
		// "onnx:wasm", not "onnx": on a browser with WebGPU, plain "onnx" would pick the WebGPU
		// provider, which the CPU-only ort.wasm.min.js we ship does not have.
		be, err = model.NewBackend("onnx:wasm")
	case protocol.BackendGo:
		be, err = model.NewBackend("go")
	default:
		err = fmt.Errorf("unknown backend %q", name)
	}
	if err != nil {
		return nil, err
	}
	if b.started == nil {
		b.started = map[string]compute.Backend{}
	}
	b.started[name] = be
	return be, nil
}

// run calls fn on the first backend of order(pref) that works, falling back from ONNX to Go when
// ONNX fails to start or fn fails on it (ORT errors only show when a graph first runs). It
// returns the name of the backend used and, when that is not the preferred one, why.
func (b *backends) run(pref string, fn func(compute.Backend) error) (used, fallback string, err error) {
	for _, name := range b.order(pref) {
		be, err := b.get(name)
		if err == nil {
			err = model.Guard(func() error { return fn(be) })
		}
		if err == nil {
			return name, b.broken, nil
		}
		if name != protocol.BackendONNX {
			return name, b.broken, err
		}
		b.broken = err.Error()
		js.Global().Get("console").Call("warn", "genlab: ONNX Runtime Web unusable, falling back to the Go backend: "+b.broken)
	}
	return "", b.broken, fmt.Errorf("no backend")
}

// threadsOf is how many threads a backend computes on: ONNX Runtime Web's as web/worker.js set
// them (more than one only for cross-origin isolated clients with 2 or more cores), 0 for Go.
func threadsOf(backend string) int {
	if backend != protocol.BackendONNX {
		return 0
	}
	if v := js.Global().Get("genlabOrtThreads"); v.Type() == js.TypeNumber {
		return v.Int()
	}
	return 1
}
