package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	_ "genlab/core/families"
	"genlab/core/model"
)

// Browser is the browser part of the report. MLP figures are keyed by engine: go (GoMLX, Go
// backend in wasm), onnx_wasm (GoMLX on ONNX Runtime Web) and tfjs_wasm (TensorFlow.js).
type Browser struct {
	MLPTrainStepMs map[string]float64 `json:"mlp_train_step_ms,omitempty"`
	// MLPStepsPerCall is how many train steps ONNX Runtime Web ran a call (onnx_wasm's figure is
	// per step of those calls; *_1step: one step a call).
	MLPStepsPerCall int                `json:"mlp_steps_per_call,omitempty"`
	MLPForwardMs    map[string]float64 `json:"mlp_forward_ms,omitempty"`
	MLPRaw          map[string]any     `json:"mlp_raw,omitempty"` // each worker's full answer

	FirstGridMs     float64          `json:"first_grid_ms,omitempty"` // median of the cold loads
	FirstGridRuns   []float64        `json:"first_grid_runs_ms,omitempty"`
	FirstGridBytes  int64            `json:"first_grid_bytes,omitempty"` // of the median load
	FirstGridByPath map[string]int64 `json:"first_grid_bytes_by_path,omitempty"`
	// The median load's stages, ms after navigation (status().firstMarks): worker script started,
	// its wasm compiled, Go running, first.bin fetched, model built, sampled, painted.
	FirstGridMarks map[string]float64 `json:"first_grid_marks_ms,omitempty"`
	FrameP95Ms     float64            `json:"frame_p95_ms_training,omitempty"`
	FrameMaxMs     float64            `json:"frame_max_ms_training,omitempty"`
	// The same interval with the page idle, just before training: what the machine alone costs.
	FrameP95IdleMs  float64 `json:"frame_p95_ms_idle,omitempty"`
	Frames          int     `json:"frames_training,omitempty"`
	PageTrainSteps  int     `json:"page_train_steps,omitempty"`
	PageStepsPerSec float64 `json:"page_train_steps_per_s,omitempty"`
	PageBackend     string  `json:"page_backend,omitempty"`

	GridMs map[string]float64 `json:"grid_ms,omitempty"` // model → median request-to-grid ms
	GridN  map[string]int     `json:"grid_n,omitempty"`  // samples in that grid
}

// listen serves h on a free loopback port and returns its base URL.
func listen(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go func() { _ = http.Serve(ln, h) }()
	return "http://" + ln.Addr().String(), nil
}

// browserMLP runs bench/web/ (the MLP in three engines) and reads window.benchResults; then
// again cross-origin isolated with ONNX Runtime Web and TensorFlow.js on mlpThreads threads
// (engines onnx_wasm_threads, tfjs_wasm_threads), the measurement behind web/worker.js's choice.
func (r *Report) browserMLP(chromium string) {
	progress("browser MLP: GoMLX (Go backend, ONNX Runtime Web) and TensorFlow.js (wasm)…")
	for _, f := range []string{*benchWasm, "web/ort/ort.wasm.min.js", "web/wasm_exec.js", "node_modules/@tensorflow/tfjs/dist/tf.min.js"} {
		if _, err := os.Stat(f); err != nil {
			r.errorf("browser MLP: %s is missing (make bench builds it)", f)
			return
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/bench/bench.wasm", func(w http.ResponseWriter, req *http.Request) { http.ServeFile(w, req, *benchWasm) })
	mux.Handle("/bench/", http.StripPrefix("/bench/", http.FileServer(http.Dir("bench/web"))))
	mux.Handle("/tfjs/", http.StripPrefix("/tfjs/", http.FileServer(http.Dir("node_modules/@tensorflow/tfjs/dist"))))
	mux.Handle("/tfjs-wasm/", http.StripPrefix("/tfjs-wasm/", http.FileServer(http.Dir("node_modules/@tensorflow/tfjs-backend-wasm/dist"))))
	mux.Handle("/", http.FileServer(http.Dir("web"))) // /ort/, /wasm_exec.js
	r.Browser.MLPTrainStepMs, r.Browser.MLPForwardMs, r.Browser.MLPRaw = map[string]float64{}, map[string]float64{}, map[string]any{}
	r.mlpPage(chromium, mux, "", "")
	progress("browser MLP: ONNX Runtime Web and TensorFlow.js with %d threads, cross-origin isolated…", *mlpThreads)
	// The same headers as serve.go's: SharedArrayBuffer, which wasm threads need, only exists then.
	isolated := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		w.Header().Set("Cross-Origin-Resource-Policy", "same-origin")
		mux.ServeHTTP(w, req)
	})
	r.mlpPage(chromium, isolated, fmt.Sprintf("?threads=%d", *mlpThreads), "_threads")
}

// mlpPage opens bench/web/ (with query) served by h in a fresh browser and records each engine's
// figures under its name + suffix.
func (r *Report) mlpPage(chromium string, h http.Handler, query, suffix string) {
	base, err := listen(h)
	if err != nil {
		r.errorf("browser MLP: %v", err)
		return
	}
	b, err := newBrowser(chromium)
	if err != nil {
		r.errorf("browser MLP: %v", err)
		return
	}
	defer b.close()
	var raw string
	if err = b.navigate(base+"/bench/"+query, time.Minute); err == nil {
		if err = b.waitFor(`document.body.dataset.state === "done"`, 10*time.Minute); err == nil {
			err = b.eval(`JSON.stringify(window.benchResults)`, &raw, 10*time.Second)
		}
	}
	if err != nil {
		r.errorf("browser MLP%s: %v", suffix, err)
		return
	}
	var res map[string]struct {
		TrainStepMs  float64 `json:"train_step_ms"`
		TrainStep1Ms float64 `json:"train_step_ms_1"`
		StepsPerCall int     `json:"steps_per_call"`
		ForwardMs    float64 `json:"forward_ms"`
		Error        string  `json:"error"`
	}
	var all map[string]any
	_ = json.Unmarshal([]byte(raw), &res)
	_ = json.Unmarshal([]byte(raw), &all)
	for engine, e := range res {
		key := engine + suffix
		r.Browser.MLPRaw[key] = all[engine]
		if e.Error != "" {
			r.errorf("browser MLP %s: %s", key, e.Error)
			continue
		}
		r.Browser.MLPTrainStepMs[key], r.Browser.MLPForwardMs[key] = e.TrainStepMs, e.ForwardMs
		if e.TrainStep1Ms > 0 { // ORT: train_step_ms is with several steps a call, as the page trains
			r.Browser.MLPTrainStepMs[engine+"_1step"+suffix] = e.TrainStep1Ms
			r.Browser.MLPStepsPerCall = e.StepsPerCall
		}
	}
}

// startServe runs the page's own server (brotli, caching headers: what users get) on loopback.
func startServe() (addr string, stop func(), err error) {
	cmd := exec.Command(*serveBin, "-addr", "127.0.0.1:0", "-root", "web", "-pretrained", "pretrained")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("starting %s: %w", *serveBin, err)
	}
	stop = func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`serving http://(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case addr = <-found:
		return addr, stop, nil
	case <-time.After(30 * time.Second):
		stop()
		return "", nil, fmt.Errorf("%s did not report its address", *serveBin)
	}
}

// page measures the real page: cold first grids, frames while training, sampling latency.
func (r *Report) page(chromium string, grids bool) {
	for _, f := range []string{*serveBin, "web/wasm/app.wasm", "web/wasm/worker.wasm", "pretrained/vae-digits/weights.bin"} {
		if _, err := os.Stat(f); err != nil {
			r.errorf("page: %s is missing (make bench builds the page; pretrained weights come with the repository)", f)
			return
		}
	}
	addr, stop, err := startServe()
	if err != nil {
		r.errorf("page: %v", err)
		return
	}
	defer stop()
	proxy, err := startProxy(addr)
	if err != nil {
		r.errorf("page: %v", err)
		return
	}
	base := "http://" + proxy.addr

	// 1. First grid, cold: a fresh browser profile each time.
	type load struct {
		ms     float64
		bytes  int64
		byPath map[string]int64
		marks  map[string]float64
	}
	var loads []load
	var b *browser
	for i := range *firstGrids {
		progress("page: cold load %d/%d…", i+1, *firstGrids)
		if b != nil {
			b.close()
		}
		if b, err = newBrowser(chromium); err != nil {
			r.errorf("page: %v", err)
			return
		}
		// A user's browser is already up when they open a link: the fresh one's own start-up
		// (profile, processes; ~1 s of both cores here) is let finish before the clock starts.
		time.Sleep(2 * time.Second)
		proxy.reset()
		if err = b.navigate(base+"/?model=vae-digits&seed=1&n=64", time.Minute); err == nil {
			err = b.waitFor(`window.genlab && window.genlab.status().firstGridMs > 0 || document.body.dataset.state === "error"`, 2*time.Minute)
		}
		var t struct {
			Origin, Grid float64
			Error        string
			Marks        map[string]float64
		}
		if err == nil {
			err = b.eval(`({origin: performance.timeOrigin, grid: window.genlab.status().firstGridMs, error: window.genlab.status().error, marks: window.genlab.status().firstMarks || null})`, &t, 10*time.Second)
		}
		if err == nil && t.Grid <= 0 {
			err = fmt.Errorf("the page failed: %s", t.Error)
		}
		if err != nil {
			r.errorf("page: first grid: %v", err)
			b.close()
			return
		}
		at := time.UnixMicro(int64((t.Origin + t.Grid) * 1000))
		total, byPath := proxy.bytesUntil(at)
		loads = append(loads, load{t.Grid, total, byPath, t.Marks})
	}
	defer b.close()
	slices.SortFunc(loads, func(a, b load) int { return int(a.ms - b.ms) })
	for _, l := range loads {
		r.Browser.FirstGridRuns = append(r.Browser.FirstGridRuns, math.Round(l.ms))
	}
	med := loads[len(loads)/2]
	r.Browser.FirstGridMs, r.Browser.FirstGridBytes, r.Browser.FirstGridByPath = med.ms, med.bytes, med.byPath
	r.Browser.FirstGridMarks = med.marks

	// 2. Frames on the main thread while the page trains (in its worker).
	r.frames(b)

	// 3. Each model's sampling latency: request to grid on screen, three new seeds, median.
	if grids {
		r.grids(b, base)
	}
}

func (r *Report) frames(b *browser) {
	progress("page: frames while training…")
	const steps = 200
	err := b.waitFor(`document.body.dataset.state === "ready"`, time.Minute)
	var res struct {
		Intervals []float64
		Train     struct {
			Steps       int
			StepsPerSec float64
			Backend     string
		}
	}
	var idle []float64
	if err == nil {
		err = b.eval(`(async () => {
			const intervals = [];
			let last = performance.now();
			const end = last + 3000;
			await new Promise((done) => {
				const tick = (t) => { intervals.push(t - last); last = t; if (t < end) requestAnimationFrame(tick); else done(); };
				requestAnimationFrame(tick);
			});
			return intervals;
		})()`, &idle, time.Minute)
	}
	if err == nil {
		err = b.eval(fmt.Sprintf(`(async () => {
			const intervals = [];
			let last = performance.now(), on = true;
			const tick = (t) => { intervals.push(t - last); last = t; if (on) requestAnimationFrame(tick); };
			requestAnimationFrame(tick);
			const train = await window.genlab.train(%d);
			on = false;
			return {intervals, train};
		})()`, steps), &res, 10*time.Minute)
	}
	if err != nil {
		r.errorf("page: frames while training: %v", err)
		return
	}
	iv := res.Intervals[min(1, len(res.Intervals)):] // the first interval starts before the first frame
	if len(iv) == 0 {
		r.errorf("page: no animation frames while training")
		return
	}
	if idle = idle[min(1, len(idle)):]; len(idle) > 0 {
		r.Browser.FrameP95IdleMs = p95(idle)
	}
	r.Browser.FrameP95Ms = p95(iv)
	r.Browser.FrameMaxMs = slices.Max(iv)
	r.Browser.Frames = len(iv)
	r.Browser.PageTrainSteps, r.Browser.PageStepsPerSec, r.Browser.PageBackend = res.Train.Steps, res.Train.StepsPerSec, res.Train.Backend
}

// gridN is the grid the issue asks for: 64 samples, 16 for the slow samplers (MADE draws pixel
// by pixel, diffusion runs many denoising steps).
func gridN(name string) int {
	spec, err := model.Lookup(name)
	if err == nil && (spec.Family == "made" || spec.Family == "diffusion") {
		return 16
	}
	return 64
}

func (r *Report) grids(b *browser, base string) {
	var names []string
	if err := b.eval(`Array.from(document.querySelectorAll('#model option')).map(o => o.value)`, &names, 10*time.Second); err != nil {
		r.errorf("page: model list: %v", err)
		return
	}
	r.Browser.GridMs, r.Browser.GridN = map[string]float64{}, map[string]int{}
	for _, name := range names {
		if _, err := os.Stat(filepath.Join("pretrained", name, "weights.bin")); err != nil {
			continue // the page has nothing to sample from
		}
		if spec, err := model.Lookup(name); err == nil && spec.Family == "classifier" {
			continue // scores samples, draws none
		}
		n := gridN(name)
		progress("page: %s, %d samples…", name, n)
		ms, err := r.gridLatency(b, fmt.Sprintf("%s/?model=%s&seed=1&n=%d", base, name, n))
		if err != nil {
			r.errorf("page: %s grid: %v", name, err)
			continue
		}
		r.Browser.GridMs[name], r.Browser.GridN[name] = ms, n
	}
}

func (r *Report) gridLatency(b *browser, url string) (float64, error) {
	if err := b.navigate(url, time.Minute); err != nil {
		return 0, err
	}
	if err := b.waitFor(`document.body.dataset.state !== "loading"`, 3*time.Minute); err != nil {
		return 0, err
	}
	// The first picture is drawn on the Go backend while ONNX Runtime Web loads; the latency is
	// that of the backend the page settles on.
	if err := b.waitFor(`window.genlab.status().backend === "onnx-wasm" || window.genlab.status().fallback !== ""`, 3*time.Minute); err != nil {
		return 0, err
	}
	var ms []float64
	for seed := 2; seed <= 4; seed++ {
		var before string
		if err := b.eval(`window.genlab.status().gridHash`, &before, 10*time.Second); err != nil {
			return 0, err
		}
		set := fmt.Sprintf(`(e => { e.value = "%d"; e.dispatchEvent(new Event("change")); return true })(document.getElementById("seed"))`, seed)
		var ok bool
		if err := b.eval(set, &ok, 10*time.Second); err != nil {
			return 0, err
		}
		if err := b.waitFor(fmt.Sprintf(`window.genlab.status().gridHash !== %q`, before), 3*time.Minute); err != nil {
			return 0, err
		}
		var last float64
		if err := b.eval(`window.genlab.status().lastSampleMs`, &last, 10*time.Second); err != nil {
			return 0, err
		}
		ms = append(ms, last)
	}
	slices.Sort(ms)
	return ms[len(ms)/2], nil
}

// p95 is the 95th percentile of xs (sorted in place), the nearest rank.
func p95(xs []float64) float64 {
	slices.Sort(xs)
	return xs[(len(xs)*95+99)/100-1]
}
