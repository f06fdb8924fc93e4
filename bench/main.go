// Command bench is `make bench`: genlab's speed natively and in the browser, side by side with
// TensorFlow.js, in one run. It writes docs/performance.md and prints one JSON object as its last
// line. The Makefile builds what it runs:
//
//	build/bench-native-simd, build/bench-native  bench/native with and without GOEXPERIMENT=simd
//	build/bench.wasm                             bench/wasm, GoMLX's MLP in the browser
//	build/serve + web/ + pretrained/             the page itself
//
// Native: matmul and convolution GFLOP/s, and a train step of every model on each backend (Go
// without SIMD, Go with SIMD, ONNX Runtime when `make ort-native` has fetched it). Browser
// (headless Chromium, loopback): the same MLP trained by GoMLX (Go backend, ONNX Runtime Web)
// and by TensorFlow.js (wasm backend); the page's first grid (time and bytes, cold cache), its
// frame intervals while training, and each model's sampling latency.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
)

var (
	nativeSIMD  = flag.String("native-simd", "build/bench-native-simd", "bench/native built with GOEXPERIMENT=simd")
	nativePlain = flag.String("native-plain", "build/bench-native", "bench/native built without GOEXPERIMENT=simd")
	benchWasm   = flag.String("wasm", "build/bench.wasm", "bench/wasm built for GOOS=js")
	serveBin    = flag.String("serve", "build/serve", "the page's server (serve.go)")
	dataDir     = flag.String("data", "../shared/datasets", "datasets for the native model train steps")
	docPath     = flag.String("doc", "docs/performance.md", "report to write")
	chromiumBin = flag.String("chromium", "", "Chromium binary (default: GENLAB_CHROMIUM or /usr/bin/chromium)")
	skip        = flag.String("skip", "", "comma-separated parts to leave out: native, mlp, page, grids (the page's per-model sampling latencies) (for quick runs; make bench runs all)")
	mlpThreads  = flag.Int("mlp-threads", pageThreads(runtime.NumCPU()), "threads for the MLP's threaded run (onnx_wasm_threads, tfjs_wasm_threads; default: the page's count for this machine)")
	firstGrids  = flag.Int("first-grid-runs", 3, "cold-cache page loads for browser.first_grid_ms (median)")
)

// Report is the JSON line and the source of docs/performance.md.
type Report struct {
	Native     *Native          `json:"native,omitempty"`
	Browser    *Browser         `json:"browser,omitempty"`
	Budgets    []Budget         `json:"budgets"`
	Conditions Conditions       `json:"conditions"`
	Errors     []string         `json:"errors,omitempty"`
	raw        map[string]*nRun // native runs by backend key, for the doc
}

// Conditions say what the numbers were measured on: the machine is shared.
type Conditions struct {
	Date        string `json:"date"`
	CPUs        int    `json:"cpus"`
	CPUModel    string `json:"cpu_model"`
	LoadBefore  string `json:"load_before"`
	LoadAfter   string `json:"load_after"`
	Chromium    string `json:"chromium"`
	Command     string `json:"command"`
	WallSeconds int    `json:"wall_s"`
}

// pageThreads is web/worker.js's ortThreads for a cross-origin isolated client with this many
// cores: both of 2, else one left to the page, 4 at most.
func pageThreads(cores int) int {
	if cores < 2 {
		return 1
	}
	return min(4, max(2, cores-1))
}

func main() {
	flag.Parse()
	start := time.Now()
	r := &Report{Conditions: Conditions{
		Date: start.UTC().Format("2006-01-02 15:04 MST"), CPUs: runtime.NumCPU(), CPUModel: cpuModel(),
		LoadBefore: loadavg(), Command: "make bench",
	}}
	parts := map[string]bool{"native": true, "mlp": true, "page": true, "grids": true}
	for _, s := range strings.Split(*skip, ",") {
		delete(parts, strings.TrimSpace(s))
	}
	if parts["native"] {
		r.Native, r.raw = runNative(r)
	}
	if parts["mlp"] || parts["page"] {
		chromium := findChromium()
		r.Conditions.Chromium = chromiumVersion(chromium)
		r.Browser = &Browser{}
		if chromium == "" {
			r.errorf("browser: no Chromium (apt-get install chromium, or set GENLAB_CHROMIUM)")
		} else {
			if parts["mlp"] {
				r.browserMLP(chromium)
			}
			if parts["page"] {
				r.page(chromium, parts["grids"])
			}
		}
	}
	r.Budgets = budgets(r)
	r.Conditions.LoadAfter = loadavg()
	r.Conditions.WallSeconds = int(time.Since(start).Seconds())
	if err := os.MkdirAll(filepath.Dir(*docPath), 0o755); err == nil {
		err = os.WriteFile(*docPath, []byte(r.markdown()), 0o644)
		if err != nil {
			r.errorf("writing %s: %v", *docPath, err)
		}
	}
	line, _ := json.Marshal(r)
	fmt.Println(string(line))
}

// errorf records a failed measurement: the run goes on and reports what it could measure.
func (r *Report) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintln(os.Stderr, "bench:", msg)
	r.Errors = append(r.Errors, msg)
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func findChromium() string {
	if p := *chromiumBin; p != "" {
		return p
	}
	if p := os.Getenv("GENLAB_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

func chromiumVersion(bin string) string {
	if bin == "" {
		return ""
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return bin
	}
	return strings.TrimSpace(string(out))
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func withAwait(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams {
	return p.WithAwaitPromise(true)
}
