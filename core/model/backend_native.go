//go:build !js

package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	onnxbackend "github.com/gomlx/compute-onnx"
)

// ORTLibraryEnv names the ONNX Runtime shared library the native "onnx" backend loads.
const ORTLibraryEnv = "ONNXRUNTIME_SHARED_LIBRARY_PATH"

// prepareBackend finds the native ONNX Runtime library: the one npm's onnxruntime-node bundles,
// extracted by `make ort-native` to build/ort/. compute-onnx would otherwise try to download one,
// which these machines cannot.
func prepareBackend(name string) error {
	if !strings.HasPrefix(name, "onnx") {
		return nil
	}
	onnxbackend.EnableAutoInstall(false)
	if os.Getenv(ORTLibraryEnv) != "" {
		return nil
	}
	var dirs []string
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Join(filepath.Dir(exe), "ort"))
	}
	dirs = append(dirs, filepath.Join("build", "ort"))
	for _, d := range dirs {
		if lib := filepath.Join(d, "libonnxruntime.so.1"); fileExists(lib) {
			return os.Setenv(ORTLibraryEnv, lib)
		}
	}
	return fmt.Errorf("backend %q: ONNX Runtime library not found (run 'make ort-native' or set %s)", name, ORTLibraryEnv)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
