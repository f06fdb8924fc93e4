//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"
)

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
