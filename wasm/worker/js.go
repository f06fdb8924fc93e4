//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"

	"genlab/wasm/protocol"
)

// The few browser calls the worker needs, through syscall/js: net/http would add ~6 MB.

// await blocks the calling goroutine until a JS promise settles. While it waits, Go hands control
// back to the worker's event loop, so messages from the page are delivered meanwhile. It must
// not be called from inside a js.FuncOf callback.
func await(promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var ok, fail js.Func
	ok = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: arg0(args)}
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: errors.New(jsString(arg0(args)))}
		return nil
	})
	promise.Call("then", ok, fail)
	r := <-ch
	ok.Release()
	fail.Release()
	return r.v, r.err
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// jsString describes a JS value (an Error, a string, anything) for an error message.
func jsString(v js.Value) string {
	if v.Type() == js.TypeObject && v.Get("message").Type() == js.TypeString {
		return v.Get("message").String()
	}
	return js.Global().Call("String", v).String()
}

// errNotFound is an HTTP 404 from fetchBytes.
var errNotFound = errors.New("HTTP 404 Not Found")

// fetchBytes GETs a URL relative to the worker script and returns the body; through
// worker.js's genlabFetch, which hands over a response it started fetching before this program
// ran (the first picture's weights).
func fetchBytes(url string) ([]byte, error) {
	fetch := "fetch"
	if js.Global().Get("genlabFetch").Type() == js.TypeFunction {
		fetch = "genlabFetch"
	}
	resp, err := await(js.Global().Call(fetch, url))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	if resp.Get("status").Int() == 404 {
		return nil, fmt.Errorf("fetch %s: %w", url, errNotFound)
	}
	if !resp.Get("ok").Bool() {
		return nil, fmt.Errorf("fetch %s: HTTP %d %s", url, resp.Get("status").Int(), resp.Get("statusText").String())
	}
	buf, err := await(resp.Call("arrayBuffer"))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: reading body: %w", url, err)
	}
	u8 := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, u8.Get("length").Int())
	js.CopyBytesToGo(b, u8)
	return b, nil
}

// yield lets the worker's event loop run (deliver pending messages) before coming back: a
// setTimeout(0) round trip, a few milliseconds at most.
func yield() {
	done := make(chan struct{})
	f := js.FuncOf(func(js.Value, []js.Value) any {
		close(done)
		return nil
	})
	js.Global().Call("setTimeout", f, 0)
	<-done
	f.Release()
}

// post sends a response to the page, with pix (if any) transferred, not copied.
func post(r protocol.Response, pix []byte) {
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

// fetched lists the worker's resource loads as "URL status" (status 0 where the browser does not
// say), ONNX Runtime's own .mjs and .wasm among them.
func fetched() []string {
	var out []string
	entries := js.Global().Get("performance").Call("getEntriesByType", "resource")
	for i := range entries.Length() {
		e := entries.Index(i)
		status := 0
		if s := e.Get("responseStatus"); s.Type() == js.TypeNumber {
			status = s.Int()
		}
		out = append(out, fmt.Sprintf("%s %d", e.Get("name").String(), status))
	}
	return out
}
