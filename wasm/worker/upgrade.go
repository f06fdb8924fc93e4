//go:build js && wasm

package main

import (
	"syscall/js"

	"genlab/core/model"
	"genlab/wasm/jsio"
	"genlab/wasm/protocol"
)

// upgrade is what moving the loaded model from the Go backend to ONNX Runtime Web needs: the
// first load runs on Go (backends.firstPref), and when the worker next has nothing to do, the
// same weights are built again on ORT, which samples ~10× faster. The picture on screen stays:
// ORT's floats differ from Go's in the last bits, so a later picture of the same seed may differ
// from the first by one level in a few pixels (e2e TestPage compares pictures on one backend).
type upgrade struct {
	raw []byte // the weights file, checked
	url string
	n   int // samples of the trial run: the graph the page asks for
	// due is raised once a request after the load was answered: the page's first picture, which
	// the upgrade must not delay (the worker is idle between the load and the page's request).
	due bool
}

// armUpgrade makes a pending upgrade due after any request but a load.
func (w *worker) armUpgrade(op string) {
	if w.upgrade != nil && op != protocol.OpLoad {
		w.upgrade.due = true
	}
}

// upgradeModel builds the loaded model on ONNX Runtime Web and swaps it in; if ORT fails, the
// model stays on Go, every later model too, and the page is told why. It tells the page the
// backend either way (protocol.KindBackend).
func (w *worker) upgradeModel() {
	u := w.upgrade
	w.upgrade = nil
	if w.m == nil || w.backend != protocol.BackendGo {
		return
	}
	be, err := w.backends.get(protocol.BackendONNX)
	var m model.Model
	if err == nil {
		err = model.Guard(func() error {
			wts, err := model.Decode(u.raw, u.url)
			if err != nil {
				return err
			}
			if m, err = model.FromWeights(be, wts, w.name, u.url); err != nil {
				return err
			}
			_, err = m.Sample(model.SampleOptions{N: u.n})
			return err
		})
	}
	if err != nil {
		w.backends.broken = err.Error()
		js.Global().Get("console").Call("warn", "genlab: ONNX Runtime Web unusable, staying on the Go backend: "+err.Error())
		jsio.Post(protocol.Response{Kind: protocol.KindBackend, Model: w.name, Backend: w.backend, Fallback: w.backends.broken, Fetched: fetched()}, nil)
		return
	}
	w.m, w.backend = m, protocol.BackendONNX
	jsio.Post(protocol.Response{Kind: protocol.KindBackend, Model: w.name, Backend: w.backend, Threads: threadsOf(w.backend), Fetched: fetched()}, nil)
}
