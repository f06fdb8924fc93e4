//go:build js && wasm

// Package jsio is the few browser calls genlab's wasm programs need (the model worker and the
// first-picture program), through syscall/js: net/http would add ~6 MB.
package jsio

import (
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"

	"genlab/wasm/protocol"
)

// Await blocks the calling goroutine until a JS promise settles. While it waits, Go hands control
// back to the worker's event loop, so messages from the page are delivered meanwhile. It must
// not be called from inside a js.FuncOf callback.
func Await(promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var ok, fail js.Func
	ok = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: Arg0(args)}
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: errors.New(String(Arg0(args)))}
		return nil
	})
	promise.Call("then", ok, fail)
	r := <-ch
	ok.Release()
	fail.Release()
	return r.v, r.err
}

// Arg0 is a callback's first argument, or undefined.
func Arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// String describes a JS value (an Error, a string, anything) for an error message.
func String(v js.Value) string {
	if v.Type() == js.TypeObject && v.Get("message").Type() == js.TypeString {
		return v.Get("message").String()
	}
	return js.Global().Call("String", v).String()
}

// ErrNotFound is an HTTP 404 from FetchBytes.
var ErrNotFound = errors.New("HTTP 404 Not Found")

// FetchBytes GETs a URL relative to the worker script and returns the body; through
// worker.js's genlabFetch, which hands over a response it started fetching before this program
// ran (the first picture's weights).
func FetchBytes(url string) ([]byte, error) {
	fetch := "fetch"
	if js.Global().Get("genlabFetch").Type() == js.TypeFunction {
		fetch = "genlabFetch"
	}
	resp, err := Await(js.Global().Call(fetch, url))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	if resp.Get("status").Int() == 404 {
		return nil, fmt.Errorf("fetch %s: %w", url, ErrNotFound)
	}
	if !resp.Get("ok").Bool() {
		return nil, fmt.Errorf("fetch %s: HTTP %d %s", url, resp.Get("status").Int(), resp.Get("statusText").String())
	}
	buf, err := Await(resp.Call("arrayBuffer"))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: reading body: %w", url, err)
	}
	u8 := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, u8.Get("length").Int())
	js.CopyBytesToGo(b, u8)
	return b, nil
}

// Yield lets the worker's event loop run (deliver pending messages) before coming back: a
// setTimeout(0) round trip, a few milliseconds at most.
func Yield() {
	done := make(chan struct{})
	f := js.FuncOf(func(js.Value, []js.Value) any {
		close(done)
		return nil
	})
	js.Global().Call("setTimeout", f, 0)
	<-done
	f.Release()
}

// Post sends a response to the page, with pix (if any) transferred, not copied.
func Post(r protocol.Response, pix []byte) {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // Response holds only plain values: this is a programming error
	}
	msg := js.Global().Get("Object").New()
	msg.Set("json", string(b))
	if pix == nil {
		js.Global().Call("postMessage", msg)
		return
	}
	u8 := js.Global().Get("Uint8Array").New(len(pix))
	js.CopyBytesToJS(u8, pix)
	buf := u8.Get("buffer")
	msg.Set("pix", buf)
	js.Global().Call("postMessage", msg, []any{buf})
}

// Mark records when the first picture reached a stage (worker.js keeps the table: the bench's
// breakdown of the first grid).
func Mark(stage string) { js.Global().Call("genlabMark", stage) }

// Marks is the table of Mark, read back.
func Marks() map[string]float64 {
	t := js.Global().Get("genlabMarks")
	keys := js.Global().Get("Object").Call("keys", t)
	out := map[string]float64{}
	for i := range keys.Length() {
		k := keys.Index(i).String()
		out[k] = t.Get(k).Float()
	}
	return out
}
