//go:build js && wasm

package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"syscall/js"

	"genlab/core/model"
	"genlab/wasm/jsio"
	"genlab/wasm/protocol"
)

// The page's first picture, drawn before the app is up (for the MLP VAEs, by the small
// first-picture program, wasm/first, before this one starts: this one then adopts it). The app (ebiten: 12.8 MB of wasm, ~1.6 s
// to start) used to be the critical path to it; now main.js starts this worker with the page's
// link (worker.js?first=QUERY), holds the app's wasm back, and draws the grid this worker sends
// unasked (protocol.FirstID) itself. The worker fetches first.bin, the weights sampling reads
// (model.FirstCopy; worker.js has started that fetch while this wasm compiled), and keeps the grid: the app loads the model in full and asks for the same
// samples, and gets these pixels again without a second run.

// firstGrid is the first picture, kept for the app's identical request.
type firstGrid struct {
	model string
	req   protocol.Request // as the app will send it
	msg   protocol.Response
	pix   []byte
}

// firstState is the link the worker was started with, when its first picture is plain samples
// of a pretrained model the worker draws first (model.DrawsFirst).
func firstState() (protocol.State, bool) {
	q, err := url.ParseQuery(strings.TrimPrefix(js.Global().Get("location").Get("search").String(), "?"))
	if err != nil || !q.Has("first") {
		return protocol.State{}, false
	}
	s, ok := protocol.FirstSamples(q.Get("first"))
	if !ok {
		return s, false
	}
	spec, err := model.Lookup(s.Model)
	return s, err == nil && model.DrawsFirst(spec)
}

// firstPaint draws the link's first picture, or says there is none to draw (Done).
func (w *worker) firstPaint() {
	s, ok := firstState()
	if !ok {
		jsio.Post(protocol.Response{ID: protocol.FirstID, Kind: protocol.KindDone}, nil)
		return
	}
	if w.adoptFirst(s) {
		return
	}
	if err := w.drawFirst(s); err != nil { // the app's own load will report it to the user
		jsio.Post(protocol.Response{ID: protocol.FirstID, Kind: protocol.KindError, Error: err.Error()}, nil)
	}
}

// drawFirst samples the link's model on the Go backend (as backends.firstPref would: ORT's 14 MB
// wasm would cost more than it saves here) from first.bin, and posts and keeps the grid. The
// model itself is dropped: first.bin lacks what views and scores need.
func (w *worker) drawFirst(s protocol.State) error {
	jsio.Mark("go")
	raw, url, err := fetchWeights(s.Model, model.FirstFileName, model.PageFileName, model.WeightsFileName)
	if err != nil {
		return err
	}
	jsio.Mark("fetched")
	wts, err := checkWeights(raw, url, s.Model)
	if err != nil {
		return err
	}
	jsio.Mark("decoded")
	be, err := w.backends.get(protocol.BackendGo)
	if err != nil {
		return err
	}
	jsio.Mark("backend")
	var m model.Model
	if err := model.Guard(func() (err error) { m, err = model.FromWeights(be, wts, s.Model, url); return err }); err != nil {
		return err
	}
	req := s.SampleRequest()
	req.ID = protocol.FirstID
	jsio.Mark("built")
	msg, pix, err := plainSample(m, req)
	if err != nil {
		return err
	}
	jsio.Mark("sampled")
	w.first = &firstGrid{model: s.Model, req: req, msg: msg, pix: pix}
	first := msg
	first.Marks = jsio.Marks()
	jsio.Post(first, pix)
	return nil
}

// adoptFirst takes over the first picture the first-picture program (wasm/first) drew and posted
// before this program started, so that the app's request for it is answered without a second run.
func (w *worker) adoptFirst(s protocol.State) bool {
	g := js.Global().Get("genlabFirstGrid")
	if !g.Truthy() {
		return false
	}
	js.Global().Set("genlabFirstGrid", js.Undefined())
	var msg protocol.Response
	if err := json.Unmarshal([]byte(g.Get("json").String()), &msg); err != nil {
		return false
	}
	pix := make([]byte, g.Get("pix").Get("length").Int())
	js.CopyBytesToGo(pix, g.Get("pix"))
	req := s.SampleRequest()
	req.ID = protocol.FirstID
	w.first = &firstGrid{model: s.Model, req: req, msg: msg, pix: pix}
	return true
}

// firstAgain answers the app's request with the first picture when it asks for the same samples
// of the same model; the first picture is kept for the app's first request only.
func (w *worker) firstAgain(req protocol.Request) bool {
	f := w.first
	w.first = nil
	if f == nil || f.model != w.name || !sameRequest(f.req, req) {
		return false
	}
	msg := f.msg
	msg.ID = req.ID
	jsio.Post(msg, f.pix)
	return true
}

// sameRequest compares two requests but for their ids.
func sameRequest(a, b protocol.Request) bool {
	a.ID, b.ID = 0, 0
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
