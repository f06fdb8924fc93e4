package model

import (
	"fmt"
	"strings"

	"github.com/gomlx/compute"
)

// NewBackend starts a compute backend by name. The name is always explicit: with compute-onnx
// linked, compute.MustNew() would silently pick ONNX.
//
//	"go"        GoMLX's pure-Go backend (native and wasm).
//	"onnx"      ONNX Runtime (native: its shared library; in the browser: ONNX Runtime Web).
//	"xla:cuda"  XLA on an NVIDIA GPU (native builds with the xla tag only).
func NewBackend(name string) (compute.Backend, error) {
	if name == "" {
		name = "go"
	}
	known := compute.List()
	family, _, _ := strings.Cut(name, ":")
	found := false
	for _, k := range known {
		if k == family || (family == "onnx" && k == "onnxruntime") {
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("backend %q is not built into this binary (available: %s)", name, strings.Join(known, ", "))
	}
	if err := prepareBackend(name); err != nil {
		return nil, err
	}
	b, err := compute.NewWithConfig(name)
	if err != nil {
		return nil, fmt.Errorf("backend %q failed to start: %w", name, err)
	}
	return b, nil
}
