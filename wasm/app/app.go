//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"syscall/js"

	"genlab/wasm/protocol"
)

// trainStarting is the training state between the Train request and the worker's first report.
const trainStarting = "starting"

// picture is a grid received from the worker; Update turns its pixels into an ebiten image.
type picture struct {
	info  protocol.GridInfo
	pix   []byte
	fresh bool // pix not yet uploaded
}

// app is the state shared by the DOM handlers, the worker's messages and the game loop. JS
// callbacks and ebiten's frames interleave on one thread; mu keeps each one's view consistent.
type app struct {
	mu sync.Mutex

	win, doc   js.Value // the page around the frame
	worker     js.Value
	workers    int    // workers started: 1, more after a crash (faults.go)
	restarts   int    // workers started since the last one that drew
	restartWhy string // why the last worker died
	nextID     int
	sentAt     map[int]float64 // request id -> page time it was posted (ms)

	state         protocol.State
	models        []protocol.ModelInfo
	views         []protocol.ViewInfo
	loaded        string // model loaded in the worker, "" before the first load
	family        string // its family ("vae", "made", ...)
	masks         int    // its number of mask sets (MADE), 0 for models without
	trainAbout    string // what Train trains for it, "" when it can't be trained here
	backend       string
	threads       int // ONNX Runtime Web's threads, 0 on the Go backend
	fallback      string
	workerFetched []string // the worker's resource loads, for tests
	phase         string   // body data-state: loading, ready, error
	lastError     string
	notices       []string
	loadingID     int    // the pending load, 0 when none
	stage         string // what the worker is doing, for the progress bar
	stageFrac     float64

	mainID       int // newest request for the main picture: older grids are dropped
	main, train  picture
	lastSampleMs float64 // request to grid, as the user waits for it
	workerMs     float64 // compute time in the worker
	firstGridMs  float64 // page navigation to the first grid on screen
	workerUpMs   float64 // page navigation to the worker's hello (its wasm compiled and started)
	loadMs       float64 // the worker's time to fetch, build and compile the model
	gridHash     string  // FNV-1a of the main grid's pixels, for tests of reproducibility
	frames       int     // streamed frames of the newest main picture received (MADE's animation)
	redraw       bool

	pad        pad                 // the drawing pad
	scoreID    int                 // the pending score request, 0 when none
	score      *protocol.ScoreInfo // the drawing's last score
	scoreError string

	trainID     int
	trainState  string // "" before any training, then trainStarting or protocol.Train*
	trainStep   int
	trainTotal  int
	stepsPerSec float64
	losses      []float64
	trainWait   *promise // genlab.train(steps) waiting for the run to end

	fam familyInfo // the loaded model's sampler and labels (diffusion, conditional GAN): families.go

	lastSave map[string]any // name and size of the last PNG saved

	lab labView // the 2-D lab (lab.go)
}

func newApp(win js.Value) *app {
	return &app{win: win, doc: win.Get("document"), sentAt: map[int]float64{}, phase: "loading", redraw: true}
}

// now is the page's clock: ms since it started navigating, the origin of firstGridMs.
func (a *app) now() float64 { return a.win.Get("performance").Call("now").Float() }

func (a *app) startWorker() {
	var w js.Value
	var queued js.Value // events the early worker sent before the app took it (main.js)
	if early := js.Global().Get("genlabEarlyWorker"); a.workers == 0 && early.Truthy() {
		js.Global().Set("genlabEarlyWorker", js.Null())
		w, queued = early.Get("worker"), early.Get("queue")
	} else {
		w = js.Global().Get("Worker").New(js.Global().Call("genlabWorkerURL")) // main.js
	}
	a.worker = w
	js.Global().Set("genlabWorker", w) // main.js ends it when the page goes to the back/forward cache
	a.workers++
	onMessage := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if !w.Equal(a.worker) {
			return nil // a replaced worker's last words
		}
		msg := args[0].Get("data")
		var r protocol.Response
		if err := json.Unmarshal([]byte(msg.Get("json").String()), &r); err != nil {
			a.fail("bad message from the worker: " + err.Error())
			return nil
		}
		var pix []byte
		if p := msg.Get("pix"); p.Truthy() {
			u8 := js.Global().Get("Uint8Array").New(p)
			pix = make([]byte, u8.Get("length").Int())
			js.CopyBytesToGo(pix, u8)
		}
		a.onResponse(r, pix)
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		a.mu.Lock()
		defer a.mu.Unlock()
		if !w.Equal(a.worker) {
			return nil
		}
		why := "The model worker failed to load (worker.js)."
		if m := args[0].Get("message"); m.Type() == js.TypeString {
			why = "The model worker failed: " + m.String()
		}
		a.workerDied(why)
		a.refresh()
		return nil
	})
	if !queued.Truthy() {
		w.Set("onmessage", onMessage)
		w.Set("onerror", onError)
		return
	}
	// The early worker's queue is replayed from the event loop, as its events would have
	// arrived (after main has started the game), and the app's handlers take over only then, so
	// that nothing overtakes what waits in the queue.
	var replay js.Func
	replay = js.FuncOf(func(js.Value, []js.Value) any {
		replay.Release()
		for i := range queued.Length() {
			ev := queued.Index(i)
			if ev.Index(0).String() == "error" {
				onError.Invoke(ev.Index(1))
			} else {
				onMessage.Invoke(ev.Index(1))
			}
		}
		w.Set("onmessage", onMessage)
		w.Set("onerror", onError)
		return nil
	})
	js.Global().Call("setTimeout", replay, 0)
}

// send posts a request to the worker and returns its id.
func (a *app) send(req protocol.Request) int {
	a.nextID++
	req.ID = a.nextID
	a.sentAt[req.ID] = a.now()
	b, _ := json.Marshal(req)
	msg := js.Global().Get("Object").New()
	msg.Set("json", string(b))
	a.worker.Call("postMessage", msg)
	return req.ID
}

func (a *app) onResponse(r protocol.Response, pix []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	defer a.refresh()
	a.redraw = true
	switch r.Kind {
	case protocol.KindHello:
		a.workerUpMs = a.now()
		a.models = r.Models
		a.fillModels()
		a.checkModel()
		if a.lab.state.On() { // a lab link: train it at once, no pretrained model needed
			a.startLab(labSteps)
		} else {
			a.load()
		}
	case protocol.KindProgress:
		a.stage = r.Stage
		if r.Total > 0 {
			a.stageFrac = float64(r.Done) / float64(r.Total)
		}
	case protocol.KindLoaded:
		a.noticeFallback(r.Fallback)
		a.loadingID, a.stage = 0, ""
		a.loaded, a.backend, a.threads, a.fallback, a.views = r.Model, r.Backend, r.Threads, r.Fallback, r.Views
		a.family, a.masks, a.trainAbout = r.Family, r.Masks, r.TrainAbout
		a.workerFetched = r.Fetched
		a.loadMs = r.Ms
		a.fillViews()
		a.checkView()
		a.checkMasks()
		a.onFamily(r)
		a.showFamily()
		a.show()
		a.score = nil
		a.scoreDrawing() // a drawing on the pad is scored by the new model
		a.showScore()
	case protocol.KindScore:
		if r.ID == a.scoreID {
			a.scoreID, a.score, a.stage = 0, r.Score, ""
			a.showScore()
		}
	case protocol.KindGrid:
		if r.ID == a.mainID {
			a.stage = "" // what the picture needed first (e.g. fetching a view's models) is over
		}
		a.onGrid(r, pix)
	case protocol.KindLab:
		a.onLabFrame(r)
	case protocol.KindTrain:
		if r.ID == a.trainID {
			a.stage = "" // preparation is over
		}
		a.trainStep, a.trainTotal, a.stepsPerSec, a.trainState = r.Step, r.Total, r.StepsPerSec, r.Training
		a.losses = append(a.losses, r.Losses...)
		a.lab.gLosses = append(a.lab.gLosses, r.GLosses...)
		if r.Backend != "" && a.backend == "" {
			a.backend = r.Backend
		}
	case protocol.KindDone:
		if r.ID == a.loadingID {
			a.loadingID, a.stage = 0, ""
		}
		if r.ID == a.mainID && r.Cancelled {
			a.animationStopped()
		}
		if r.ID == a.trainID {
			a.stage = ""
			if a.trainState == trainStarting {
				a.trainState = protocol.TrainStopped // cancelled before its first step
			}
			a.trainWait.resolve(a.trainResult())
			a.trainWait = nil
		}
	case protocol.KindBackend:
		if r.Model == a.loaded {
			a.noticeFallback(r.Fallback)
			a.backend, a.threads, a.fallback, a.workerFetched = r.Backend, r.Threads, r.Fallback, r.Fetched
		}
	case protocol.KindCrashed:
		a.workerDied(r.Error)
	case protocol.KindError:
		a.showError(r.Error)
		if r.ID != 0 && r.ID == a.loadingID {
			a.loadingID, a.stage = 0, ""
			if a.loaded != "" && a.state.Model != a.loaded { // keep showing, and linking to, what works
				a.state.Model, a.state.View = a.loaded, protocol.ViewSamples
				a.syncControls()
				a.writeURL()
			}
		}
		if r.ID != 0 && r.ID == a.trainID {
			a.stage = ""
			if a.trainState == trainStarting || a.trainState == protocol.TrainRunning || a.trainState == protocol.TrainPaused {
				a.trainState = protocol.TrainStopped
			}
			a.trainWait.reject(r.Error)
			a.trainWait = nil
		}
		if r.ID != 0 && r.ID == a.scoreID {
			a.scoreID, a.scoreError, a.stage = 0, r.Error, ""
			a.showScore()
		}
		if a.main.pix == nil && a.loadingID == 0 {
			a.phase = "error" // nothing to show and nothing coming
		}
	}
}

func (a *app) onGrid(r protocol.Response, pix []byte) {
	g := r.Grid
	if g == nil || len(pix) != 4*g.W*g.H {
		a.showError("the worker sent a broken picture")
		return
	}
	p := picture{info: *g, pix: pix, fresh: true}
	if g.Target == protocol.TargetTrain {
		a.train = p
		return
	}
	if r.ID < a.mainID {
		return // an answer to a request the user has since replaced
	}
	a.main = p
	if g.Partial() {
		a.frames++
		return
	}
	a.lastSampleMs = a.now() - a.sentAt[r.ID]
	a.workerMs = r.Ms
	h := fnv.New64a()
	h.Write(pix)
	a.gridHash = fmt.Sprintf("%016x", h.Sum64())
	a.hideError() // the last request worked
	a.workerRecovered()
}

// load asks the worker for the state's model.
func (a *app) load() {
	n := a.state.N
	if a.state.View != protocol.ViewSamples {
		n = 1 // views draw other shapes: keep the load's trial run small
	}
	a.loadingID = a.send(protocol.Request{Op: protocol.OpLoad, Model: a.state.Model, Backend: a.state.Backend, N: n})
	a.stage, a.stageFrac = "loading "+a.state.Model, 0
}

// show asks for the main picture the state describes: samples or a view.
func (a *app) show() {
	if a.loaded == "" {
		return
	}
	s := a.state
	req := s.SampleRequest()
	if s.View != protocol.ViewSamples {
		req.Op, req.View = protocol.OpView, s.View
	}
	a.familyRequest(&req)
	a.mainID = a.send(req)
	a.frames = 0
}

// checkModel replaces an unknown model (from a hand-edited link) by the default one.
func (a *app) checkModel() {
	var names []string
	for _, m := range a.models {
		if m.Name == a.state.Model {
			return
		}
		names = append(names, m.Name)
	}
	fallback := protocol.DefaultModel
	if len(names) > 0 && !contains(names, fallback) {
		fallback = names[0]
	}
	a.notice(fmt.Sprintf("There is no model %q here (models: %s); showing %s.", a.state.Model, strings.Join(names, ", "), fallback))
	a.state.Model = fallback
	a.writeURL()
	a.fillModels()
}

// checkView drops a view the loaded model does not have.
func (a *app) checkView() {
	if a.state.View == protocol.ViewSamples {
		return
	}
	for _, v := range a.views {
		if v.Name == a.state.View {
			return
		}
	}
	a.notice(fmt.Sprintf("%s has no view %q; showing samples.", a.loaded, a.state.View))
	a.state.View = protocol.ViewSamples
	a.writeURL()
}

// checkMasks fits the link's mask selection to the loaded model's mask sets.
func (a *app) checkMasks() {
	if a.masks == 0 {
		return
	}
	var problem string
	a.state.Mask, a.state.Ens, problem = protocol.ClampMasks(a.state.Mask, a.state.Ens, a.masks)
	if problem != "" {
		a.notice(problem)
		a.writeURL()
	}
}

// fail is for errors that leave nothing working. It is called from outside onResponse and the
// DOM handlers, so it takes the lock itself.
func (a *app) fail(msg string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.showError(msg)
	a.phase = "error"
	a.refresh()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
