package main

import "testing"

// TestPageThreadsAndRows: the bench times ORT on the page's thread count (web/worker.js's
// ortThreads) and its budgets read that run against tf.js's faster one.
func TestPageThreadsAndRows(t *testing.T) {
	for cores, want := range []int{1, 1, 2, 2, 3, 4, 4, 4, 4} {
		if got := pageThreads(cores); got != want {
			t.Errorf("pageThreads(%d) = %d, want %d", cores, got, want)
		}
	}
	tf, ort := pageMLP(map[string]float64{"onnx_wasm": 40, "onnx_wasm_threads": 30, "tfjs_wasm": 150, "tfjs_wasm_threads": 140})
	if tf != 140 || ort != 30 {
		t.Errorf("pageMLP: tf.js %g, ORT %g; want 140, 30", tf, ort)
	}
	if tf, ort = pageMLP(map[string]float64{"onnx_wasm": 40, "tfjs_wasm": 150}); tf != 150 || ort != 40 {
		t.Errorf("pageMLP without the threaded run: tf.js %g, ORT %g; want 150, 40", tf, ort)
	}
}
