package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// nRun is what one bench/native run prints.
type nRun struct {
	Backend        string               `json:"backend"`
	SIMD           bool                 `json:"simd"`
	MatmulGFLOPS   float64              `json:"matmul_gflops"`
	ConvGFLOPS     float64              `json:"conv_gflops"`
	MLPTrainStepMs float64              `json:"mlp_train_step_ms"`
	MLPForwardMs   float64              `json:"mlp_forward_ms"`
	Models         map[string]ModelTime `json:"models"`
}

type ModelTime struct {
	Batch         int     `json:"batch"`
	TrainStepMs   float64 `json:"train_step_ms,omitempty"`
	SamplesPerSec float64 `json:"samples_per_s,omitempty"`
	Error         string  `json:"error,omitempty"`
}

// Native is the native part of the report. Its headline GFLOP/s are the Go backend's with SIMD
// (what `make build` ships); Backends and Models have every backend measured.
type Native struct {
	MatmulGFLOPS float64                         `json:"matmul_gflops"`
	ConvGFLOPS   float64                         `json:"conv_gflops"`
	ConvPercent  float64                         `json:"conv_percent_of_matmul"`
	Backends     map[string]NativeBackend        `json:"backends"`
	Models       map[string]map[string]ModelTime `json:"models"` // model → backend → train step
}

type NativeBackend struct {
	MatmulGFLOPS   float64 `json:"matmul_gflops,omitempty"`
	ConvGFLOPS     float64 `json:"conv_gflops,omitempty"`
	MLPTrainStepMs float64 `json:"mlp_train_step_ms,omitempty"`
	MLPForwardMs   float64 `json:"mlp_forward_ms,omitempty"`
	Absent         string  `json:"absent,omitempty"` // why this backend was not measured
}

// The native backends, in report order: key, binary, --backend.
var nativeKeys = []string{"go", "go_simd", "onnx"}

// plainModelLimitMs: without SIMD the Go backend's matmul is ~25x slower, so the plain build
// only times the models whose SIMD step is under this (the others take minutes per step).
const plainModelLimitMs = 500

func runNative(r *Report) (*Native, map[string]*nRun) {
	n := &Native{Backends: map[string]NativeBackend{}, Models: map[string]map[string]ModelTime{}}
	runs := map[string]*nRun{}
	run := func(key, bin, backend string, extra ...string) {
		progress("native %s (%s --backend %s)…", key, bin, backend)
		args := append([]string{"--backend", backend, "--data", *dataDir}, extra...)
		cmd := exec.Command(bin, args...)
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		if err := cmd.Run(); err != nil {
			n.Backends[key] = NativeBackend{Absent: fmt.Sprintf("%s failed: %v: %s", bin, err, lastLine(stderr.String()))}
			r.errorf("native %s: %v: %s", key, err, lastLine(stderr.String()))
			return
		}
		var res nRun
		if err := json.Unmarshal([]byte(lastLine(out.String())), &res); err != nil {
			r.errorf("native %s: bad output: %v", key, err)
			return
		}
		runs[key] = &res
		n.Backends[key] = NativeBackend{MatmulGFLOPS: res.MatmulGFLOPS, ConvGFLOPS: res.ConvGFLOPS,
			MLPTrainStepMs: res.MLPTrainStepMs, MLPForwardMs: res.MLPForwardMs}
		for name, m := range res.Models {
			if n.Models[name] == nil {
				n.Models[name] = map[string]ModelTime{}
			}
			n.Models[name][key] = m
		}
	}

	run("go_simd", *nativeSIMD, "go")
	if s := runs["go_simd"]; s != nil {
		n.MatmulGFLOPS, n.ConvGFLOPS = s.MatmulGFLOPS, s.ConvGFLOPS
		if s.MatmulGFLOPS > 0 {
			n.ConvPercent = 100 * s.ConvGFLOPS / s.MatmulGFLOPS
		}
		var fast []string
		for name, m := range s.Models {
			if m.Error == "" && m.TrainStepMs < plainModelLimitMs {
				fast = append(fast, name)
			}
		}
		sort.Strings(fast)
		run("go", *nativePlain, "go", "--models", strings.Join(fast, ","))
	} else {
		run("go", *nativePlain, "go", "--models", "")
	}
	if lib := ortLibrary(); lib == "" {
		n.Backends["onnx"] = NativeBackend{Absent: "ONNX Runtime library not found: run `make ort-native` (build/ort/libonnxruntime.so.1)"}
	} else {
		run("onnx", *nativeSIMD, "onnx")
	}
	return n, runs
}

func ortLibrary() string {
	if p := os.Getenv("ONNXRUNTIME_SHARED_LIBRARY_PATH"); p != "" {
		return p
	}
	if _, err := os.Stat("build/ort/libonnxruntime.so.1"); err == nil {
		return "build/ort/libonnxruntime.so.1"
	}
	return ""
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
