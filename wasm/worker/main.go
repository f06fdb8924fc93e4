//go:build js && wasm

// Command worker is the page's compute side: it runs in a Web Worker (never on the page's main
// thread, where a long computation would freeze drawing) and serves the app's requests with
// GoMLX models on ONNX Runtime Web, or on GoMLX's Go backend when ORT can't start.
//
// One goroutine handles requests in order. Training runs in short chunks between requests, with
// a trip through the worker's event loop after each, so that Pause, Stop and Cancel take effect
// within one chunk and the page can still sample the pretrained model while training runs.
package main

import (
	"encoding/json"
	"sync/atomic"
	"syscall/js"

	"genlab/core/data"
	_ "genlab/core/families" // link every model family
	"genlab/core/model"
	"genlab/wasm/jsio"
	"genlab/wasm/protocol"
)

type worker struct {
	inbox chan protocol.Request
	// cancelled is raised by the message handler as soon as a Cancel arrives, so that a running
	// load sees it, and lowered when the Cancel is dequeued: nothing older is running by then.
	cancelled atomic.Bool
	// newestMain is the id of the newest request for the main picture (sample or view), raised
	// as it arrives, so that a streaming animation can skip frames nobody will see.
	newestMain atomic.Int64

	backends backends
	m        model.Model             // the loaded pretrained model, nil before the first load
	name     string                  // its name
	backend  string                  // the backend it runs on
	tests    map[string]*data.Images // the page's test images, by data set, fetched when first needed
	train    *trainer                // nil when no training run exists
	upgrade  *upgrade                // the loaded model's move to ONNX Runtime Web, when due (upgrade.go)
	testNLL  map[string][]float64    // sorted NLLs of the test digits, by model and mask sets (score)
	first    *firstGrid              // the page's first picture, drawn before the app asked (first.go)
}

func main() {
	w := &worker{inbox: make(chan protocol.Request, 256)}
	js.Global().Set("onmessage", js.FuncOf(w.onMessage))
	var models []protocol.ModelInfo
	for _, n := range model.Names() {
		spec, _ := model.Lookup(n)
		models = append(models, protocol.ModelInfo{Name: n, Family: spec.Family, About: spec.About})
	}
	jsio.Post(protocol.Response{Kind: protocol.KindHello, Models: models}, nil)
	w.firstPaint()
	w.loop()
}

// onMessage runs inside a JS callback, where Go must not block: it only queues the request.
// Cancel also raises a flag at once, for operations that check it without reading the queue.
func (w *worker) onMessage(_ js.Value, args []js.Value) any {
	var req protocol.Request
	data := jsio.Arg0(args).Get("data")
	if data.Type() == js.TypeObject && data.Get("genlabPainted").Truthy() {
		return nil // main.js's word to worker.js (its wait for this program), come late
	}
	if err := json.Unmarshal([]byte(data.Get("json").String()), &req); err != nil {
		jsio.Post(protocol.Response{Kind: protocol.KindError, Error: "worker: bad request: " + err.Error()}, nil)
		return nil
	}
	if req.Op == protocol.OpCancel {
		w.cancelled.Store(true)
	}
	if req.Op == protocol.OpSample || req.Op == protocol.OpView {
		w.newestMain.Store(int64(req.ID))
	}
	select {
	case w.inbox <- req:
	default:
		jsio.Post(protocol.Response{ID: req.ID, Kind: protocol.KindError, Error: "worker: too many requests queued"}, nil)
	}
	return nil
}

// loop serves requests forever, advancing a running training between them.
func (w *worker) loop() {
	for {
		if w.train != nil && w.train.state == protocol.TrainRunning {
			select {
			case req := <-w.inbox:
				w.handle(req)
			default:
				w.train.chunk()
				jsio.Yield()
			}
			continue
		}
		if w.upgrade != nil && w.upgrade.due {
			select {
			case req := <-w.inbox:
				w.handle(req)
			default:
				w.upgradeModel()
			}
			continue
		}
		w.handle(<-w.inbox)
	}
}

func (w *worker) handle(req protocol.Request) {
	defer w.armUpgrade(req.Op)
	fail := func(err error) {
		jsio.Post(protocol.Response{ID: req.ID, Kind: protocol.KindError, Error: err.Error()}, nil)
	}
	switch req.Op {
	case protocol.OpLoad:
		if err := w.load(req); err != nil {
			fail(err)
		}
	case protocol.OpSample:
		if err := w.sample(req); err != nil {
			fail(err)
		}
	case protocol.OpView:
		if err := w.view(req); err != nil {
			fail(err)
		}
	case protocol.OpScore:
		if err := w.score(req); err != nil {
			fail(err)
		}
	case protocol.OpTrain:
		if w.train != nil {
			w.train.finish(protocol.TrainStopped)
		}
		t, err := w.newTrainer(req)
		if err != nil {
			fail(err)
		}
		w.train = t // nil after a failure or a cancel
	case protocol.OpPause, protocol.OpResume, protocol.OpStop:
		if w.train != nil {
			w.train.control(req.Op)
		}
	case protocol.OpCancel:
		w.cancelled.Store(false)
		if w.train != nil && w.train.state != protocol.TrainDone {
			w.train.finish(protocol.TrainStopped)
		}
		jsio.Post(protocol.Response{ID: req.ID, Kind: protocol.KindDone}, nil)
	default:
		fail(errUnknownOp(req.Op))
	}
}
