//go:build js && wasm

// The first-picture program: worker.js runs it before it fetches the model worker's wasm (27 MB:
// GoMLX, both backends, every family), and it draws the link's first picture from
// first.bin without GoMLX (core/first) — 5.2 MB of wasm, up in a fraction of the time (issue 7:
// first grid within 1.5 s). It posts the grid as the model worker would (protocol.FirstID) and
// leaves it in self.genlabFirstGrid, which the model worker adopts as its own first picture
// (wasm/worker/first.go). Links it cannot draw (models core/first does not know, anything but
// plain samples, a failed fetch) it leaves to the model worker, which draws them as before.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall/js"
	"time"

	"genlab/core/first"
	"genlab/core/plot"
	"genlab/core/weightfile"
	"genlab/wasm/jsio"
	"genlab/wasm/protocol"
)

func main() {
	jsio.Mark("first")
	q, err := url.ParseQuery(strings.TrimPrefix(js.Global().Get("location").Get("search").String(), "?"))
	if err != nil || !q.Has("first") {
		return
	}
	s, ok := protocol.FirstSamples(q.Get("first"))
	if !ok || !first.Draws(s.Model) {
		return
	}
	if err := draw(s); err != nil { // the model worker tries again, and reports what fails
		js.Global().Get("console").Call("warn", "genlab: the first-picture program left it to the model worker: "+err.Error())
	}
}

// draw samples the link's model from its first.bin (or page.bin, weights.bin where make web has
// not run, as the model worker does) and posts the grid.
func draw(s protocol.State) error {
	var raw []byte
	var err error
	for _, name := range []string{"first.bin", "page.bin", "weights.bin"} {
		if raw, err = jsio.FetchBytes(fmt.Sprintf("pretrained/%s/%s", s.Model, name)); !errors.Is(err, jsio.ErrNotFound) {
			break
		}
	}
	if err != nil {
		return err
	}
	jsio.Mark("fetched")
	f, err := weightfile.Parse(raw, s.Model)
	if err != nil {
		return err
	}
	if f.Model != s.Model {
		return fmt.Errorf("%s's weights hold %q", s.Model, f.Model)
	}
	jsio.Mark("decoded")
	start := time.Now()
	req := s.SampleRequest()
	req.ID = protocol.FirstID
	n, temp, title := protocol.SampleTitle(req)
	im, err := first.Sample(f, req.Seed, n, temp)
	if err != nil {
		return err
	}
	cols := protocol.SquareCols(n)
	img := plot.Grid(im, cols, 1)
	jsio.Mark("sampled")
	msg := protocol.Response{ID: req.ID, Kind: protocol.KindGrid, Ms: float64(time.Since(start).Microseconds()) / 1000,
		Grid: &protocol.GridInfo{Target: protocol.TargetMain, Title: title, W: img.Rect.Dx(), H: img.Rect.Dy(), N: n, Cols: cols}}
	msg.Marks = jsio.Marks()
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	keep := js.Global().Get("Uint8Array").New(len(img.Pix))
	js.CopyBytesToJS(keep, img.Pix)
	grid := js.Global().Get("Object").New()
	grid.Set("json", string(b))
	grid.Set("pix", keep)
	js.Global().Set("genlabFirstGrid", grid)
	jsio.Post(msg, img.Pix)
	return nil
}
