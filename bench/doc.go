package main

import (
	"fmt"
	"sort"
	"strings"
)

// Budget is one of issue 7's limits for the page, checked against this run.
type Budget struct {
	Name     string  `json:"name"`
	Limit    string  `json:"limit"`
	Value    float64 `json:"value"`
	Measured bool    `json:"measured"`
	Pass     bool    `json:"pass"`
}

func budgets(r *Report) []Budget {
	var bs []Budget
	add := func(name, limit string, value float64, measured, pass bool) {
		bs = append(bs, Budget{name, limit, value, measured, measured && pass})
	}
	br := r.Browser
	if br == nil {
		br = &Browser{}
	}
	add("first grid (ms)", "≤ 1500", br.FirstGridMs, br.FirstGridMs > 0, br.FirstGridMs <= 1500)
	add("bytes before the first grid", "≤ 5 MB", float64(br.FirstGridBytes), br.FirstGridBytes > 0, br.FirstGridBytes <= 5_000_000)
	add("main-thread frame p95 while training (ms)", "≤ 50", br.FrameP95Ms, br.FrameP95Ms > 0, br.FrameP95Ms <= 50)
	tf, ort := pageMLP(br.MLPTrainStepMs)
	add("MLP training speed-up over tf.js-wasm (×)", "≥ 3 (moonshot 5)", ratio(tf, ort), tf > 0 && ort > 0, ratio(tf, ort) >= 3)
	tff, ortf := pageMLP(br.MLPForwardMs)
	add("MLP forward (sampling) time / tf.js-wasm's (×)", "≤ 1.2", ratio(ortf, tff), tff > 0 && ortf > 0, ratio(ortf, tff) <= 1.2)
	if r.Native != nil {
		add("native conv fwd+bwd, % of matmul GFLOP/s", "≥ 25 (moonshot 50)", r.Native.ConvPercent, r.Native.ConvPercent > 0, r.Native.ConvPercent >= 25)
	}
	return bs
}

// pageMLP reads an MLP figure (ms) as the page meets it: ONNX Runtime Web cross-origin isolated on
// -mlp-threads threads (by default web/worker.js's count for this machine: pageThreads), against
// tf.js's faster run of its two (given the same threads, its build stays on one).
func pageMLP(ms map[string]float64) (tfjs, ort float64) {
	ort = ms["onnx_wasm_threads"]
	if ort == 0 {
		ort = ms["onnx_wasm"]
	}
	for _, e := range []string{"tfjs_wasm", "tfjs_wasm_threads"} {
		if v := ms[e]; v > 0 && (tfjs == 0 || v < tfjs) {
			tfjs = v
		}
	}
	return tfjs, ort
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func f1(v float64) string {
	if v == 0 {
		return "–"
	}
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func (r *Report) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	c := r.Conditions
	p("# Performance\n\n")
	p("Written by `%s` (bench/main.go) on %s; every figure below is from that one run. ", c.Command, c.Date)
	p("The machine: %d CPUs (%s), shared with background training and other work: load average %s before, %s after ",
		c.CPUs, c.CPUModel, c.LoadBefore, c.LoadAfter)
	p("(1-, 5-, 15-minute). With more runnable threads than cores, times are inflated and noisy (±30%% or worse): ")
	p("compare figures within one run, not across runs. Times are medians of repeated calls after a warm-up call ")
	p("(which compiles); the run took %d s.\n\n", c.WallSeconds)

	p("## Budgets (issue 7)\n\n| budget | limit | this run | |\n|---|---|---|---|\n")
	for _, bu := range r.Budgets {
		verdict, val := "not measured", "–"
		if bu.Measured {
			verdict, val = "**missed**", f1(bu.Value)
			if bu.Pass {
				verdict = "met"
			}
		}
		p("| %s | %s | %s | %s |\n", bu.Name, bu.Limit, val, verdict)
	}
	p("\nThe MLP budgets read the browser rows below as the page runs: ONNX Runtime Web served ")
	p("cross-origin isolated on %d threads (web/worker.js's count for this machine's cores), ", *mlpThreads)
	p("against the faster of tf.js's two runs.\n")

	if n := r.Native; n != nil {
		p("\n## Native (linux/amd64, `bench/native`)\n\n")
		p("GFLOP/s of a 64×784 @ 784×512 matmul, and of two 3×3 convolutions 32→32 channels on 16 images of 32×32 ")
		p("through `core/nn.Conv2D`, forward and backward to input and weights (3× the forward arithmetic). ")
		p("`go` is GoMLX's pure-Go backend built without `GOEXPERIMENT=simd`, `go_simd` with it (what `make build` ships), ")
		p("`onnx` is ONNX Runtime's CPU library from npm `onnxruntime-node` (`make ort-native`), run by the SIMD build.\n\n")
		p("| backend | matmul GFLOP/s | conv fwd+bwd GFLOP/s | conv / matmul | MLP train step ms | MLP forward ms |\n|---|---|---|---|---|---|\n")
		for _, k := range nativeKeys {
			nb, ok := n.Backends[k]
			switch {
			case !ok:
			case nb.Absent != "":
				p("| %s | absent: %s | | | | |\n", k, nb.Absent)
			default:
				p("| %s | %s | %s | %s%% | %s | %s |\n", k, f1(nb.MatmulGFLOPS), f1(nb.ConvGFLOPS),
					f1(100*ratio(nb.ConvGFLOPS, nb.MatmulGFLOPS)), f1(nb.MLPTrainStepMs), f1(nb.MLPForwardMs))
			}
		}
		p("\nOne Adam train step of each registered model, freshly initialised, on batches of its test set ")
		p("(ms per step, and samples/s = batch / step). The plain `go` build only times models whose SIMD step is under %d ms.\n\n", plainModelLimitMs)
		p("| model | batch |")
		for _, k := range nativeKeys {
			p(" %s ms | %s samples/s |", k, k)
		}
		p("\n|---|---|%s\n", strings.Repeat("---|---|", len(nativeKeys)))
		names := make([]string, 0, len(n.Models))
		for name := range n.Models {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			batch := 0
			for _, m := range n.Models[name] {
				batch = max(batch, m.Batch)
			}
			p("| %s | %d |", name, batch)
			for _, k := range nativeKeys {
				m, ok := n.Models[name][k]
				switch {
				case !ok:
					p(" – | – |")
				case m.Error != "":
					p(" error: %s | |", strings.ReplaceAll(m.Error, "|", "/"))
				default:
					p(" %s | %s |", f1(m.TrainStepMs), f1(m.SamplesPerSec))
				}
			}
			p("\n")
		}
	}

	if br := r.Browser; br != nil {
		p("\n## Browser (headless %s, loopback)\n\n", c.Chromium)
		p("The same MLP (784-512-512-784, ReLU, batch 64, Adam, Bernoulli log-likelihood; `bench/mlp`, ")
		p("`bench/web/tfjs-worker.js`), each engine in its own Web Worker, single-threaded (this bench page is not ")
		p("cross-origin isolated): GoMLX on its Go backend compiled to wasm, GoMLX on ONNX Runtime Web 1.30 ")
		p("(`ort.wasm.min.js`, as the page uses it), and TensorFlow.js 4.22 on its wasm backend (SIMD). ")
		p("A train step includes copying the loss out; a forward pass copies the 64×784 output out. ")
		p("On ONNX Runtime Web the page trains %d steps per call (`model.StepsPerCallORT`, ", br.MLPStepsPerCall)
		p("`Stepper.Steps`: each call copies the weights and Adam's state into ORT's heap and out again), ")
		p("so onnx_wasm's train step is per step of such calls; onnx_wasm_1step is one step per call.\n\n")
		p("| engine | train step ms | forward ms |\n|---|---|---|\n")
		for _, e := range []string{"go", "onnx_wasm", "onnx_wasm_1step", "tfjs_wasm"} {
			p("| %s | %s | %s |\n", e, f1(br.MLPTrainStepMs[e]), f1(br.MLPForwardMs[e]))
		}
		p("\nThe same, served cross-origin isolated (as `serve.go` serves the page) with ONNX Runtime Web and ")
		p("TensorFlow.js on %d threads (`-mlp-threads`; ORT's `env.wasm.numThreads`, tfjs's `setThreadsCount`): ", *mlpThreads)
		p("the measurement behind `web/worker.js`'s thread count.\n\n")
		p("| engine | train step ms | forward ms |\n|---|---|---|\n")
		for _, e := range []string{"onnx_wasm_threads", "onnx_wasm_1step_threads", "tfjs_wasm_threads"} {
			p("| %s | %s | %s |\n", e, f1(br.MLPTrainStepMs[e]), f1(br.MLPForwardMs[e]))
		}
		p("\nThe page (`build/serve` on loopback, through a byte-counting proxy), fresh profile for each cold load:\n\n")
		p("| measure | value |\n|---|---|\n")
		p("| first grid: navigation → first sample grid drawn, cold cache (median of %v ms) | %s ms |\n", br.FirstGridRuns, f1(br.FirstGridMs))
		p("| bytes sent to the browser until then (headers included, workers included) | %d |\n", br.FirstGridBytes)
		p("| main-thread requestAnimationFrame interval while training %d steps (%s, %.1f steps/s): p95 / max over %d frames | %s / %s ms |\n",
			br.PageTrainSteps, br.PageBackend, br.PageStepsPerSec, br.Frames, f1(br.FrameP95Ms), f1(br.FrameMaxMs))
		p("| the same interval with the page idle for 3 s just before (the machine's share): p95 | %s ms |\n", f1(br.FrameP95IdleMs))
		if len(br.FirstGridByPath) > 0 {
			paths := make([]string, 0, len(br.FirstGridByPath))
			for path := range br.FirstGridByPath {
				paths = append(paths, path)
			}
			sort.Slice(paths, func(i, j int) bool { return br.FirstGridByPath[paths[i]] > br.FirstGridByPath[paths[j]] })
			p("\nWhat was transferred before the first grid (bytes on the wire, headers included):\n\n| path | bytes |\n|---|---|\n")
			for _, path := range paths {
				p("| %s | %d |\n", path, br.FirstGridByPath[path])
			}
			p("\n| measure | value |\n|---|---|\n")
		}
		if m := br.FirstGridMarks; len(m) > 0 {
			p("\nWhere the median first grid's time went (ms after navigation, `status().firstMarks`):\n\n| stage | at | took |\n|---|---|---|\n")
			prev := 0.0
			for _, st := range []struct{ key, about string }{
				{"html", "page's HTML received"}, {"head", "its head's script running (starts the worker)"},
				{"worker", "worker script running"},
				{"first-wasm", "first.wasm fetched and compiled (the first-picture program, wasm/first)"},
				{"first", "its Go runtime up (main)"}, {"wasm", "worker.wasm fetched and compiled"},
				{"go", "Go runtime up (the program's main)"}, {"fetched", "first.bin fetched (prefetched by worker.js)"},
				{"decoded", "first.bin decoded"}, {"backend", "Go backend up"},
				{"built", "model built from it"}, {"sampled", "64 samples drawn"},
				{"painted", "grid painted by main.js"},
			} {
				if at, ok := m[st.key]; ok {
					p("| %s | %.0f | %.0f |\n", st.about, at, at-prev)
					prev = at
				}
			}
			p("\n| measure | value |\n|---|---|\n")
		}
		names := make([]string, 0, len(br.GridMs))
		for name := range br.GridMs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			p("| %s: request → grid of %d samples on screen (median of 3 seeds) | %s ms |\n", name, br.GridN[name], f1(br.GridMs[name]))
		}
	}
	if len(r.Errors) > 0 {
		p("\n## What this run could not measure\n\n")
		for _, e := range r.Errors {
			p("- %s\n", e)
		}
	}
	p("\n## How to reproduce\n\n```\nmake bench            # builds what it needs; add `make ort-native` first for the onnx rows\n```\n\n")
	p("The last line of its output is this report as one JSON object (`native.*`, `browser.*`, `budgets`, `conditions`). ")
	p("`go run ./bench --skip native` (or `mlp`, `page`, `grids`) leaves parts out for quick checks. ")
	p("No figure is taken under `--virtual-time-budget`.\n")
	b.WriteString(pageNotes)
	b.WriteString(convHistory)
	return b.String()
}
