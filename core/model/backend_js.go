//go:build js

package model

// prepareBackend has nothing to do in the browser: ONNX Runtime Web is the page's `ort` global.
func prepareBackend(string) error { return nil }
