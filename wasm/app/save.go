//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"genlab/wasm/protocol"
)

// savePNG downloads the main picture as a PNG. The browser encodes it (canvas.toBlob), so the
// app needs no PNG encoder of its own; pixels are scaled up without smoothing.
func (a *app) savePNG() {
	p := a.main
	if p.pix == nil {
		a.showError("there is no picture to save yet")
		return
	}
	w, h := p.info.W, p.info.H
	src := a.canvas(w, h)
	ctx := src.Call("getContext", "2d")
	img := ctx.Call("createImageData", w, h)
	// Copied through an array of this frame: js.CopyBytesToJS rejects the page's typed arrays
	// (another realm, so its instanceof check fails).
	u8 := js.Global().Get("Uint8ClampedArray").New(len(p.pix))
	js.CopyBytesToJS(u8, p.pix)
	img.Get("data").Call("set", u8)
	ctx.Call("putImageData", img, 0, 0)

	k := max(1, (512+max(w, h)/2)/max(w, h)) // an integer zoom to about 512 px
	out := a.canvas(w*k, h*k)
	octx := out.Call("getContext", "2d")
	octx.Set("imageSmoothingEnabled", false)
	octx.Call("drawImage", src, 0, 0, w*k, h*k)

	name := fmt.Sprintf("genlab-%s-seed%d-n%d.png", a.loaded, a.state.Seed, a.state.N)
	if a.state.View != protocol.ViewSamples {
		name = fmt.Sprintf("genlab-%s-%s-seed%d.png", a.loaded, a.state.View, a.state.Seed)
	}
	var done js.Func
	done = js.FuncOf(func(_ js.Value, args []js.Value) any {
		done.Release()
		a.mu.Lock()
		defer a.mu.Unlock()
		blob := args[0]
		if !blob.Truthy() {
			a.showError("the browser could not encode the PNG")
			return nil
		}
		url := a.win.Get("URL").Call("createObjectURL", blob)
		link := a.doc.Call("createElement", "a")
		link.Set("href", url)
		link.Set("download", name)
		a.doc.Get("body").Call("appendChild", link)
		link.Call("click")
		link.Call("remove")
		// The download has its own reference to the blob by now; free ours a bit later.
		a.win.Call("setTimeout", a.win.Get("URL").Get("revokeObjectURL").Call("bind", a.win.Get("URL"), url), 60_000)
		a.lastSave = map[string]any{"name": name, "bytes": blob.Get("size").Int()}
		return nil
	})
	out.Call("toBlob", done, "image/png")
}

func (a *app) canvas(w, h int) js.Value {
	c := a.doc.Call("createElement", "canvas")
	c.Set("width", w)
	c.Set("height", h)
	return c
}
