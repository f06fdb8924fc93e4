// Package e2e drives the real page (web/, served by serve.go) in headless Chromium: the Go
// app and worker compiled to wasm, ONNX Runtime Web, the pretrained VAE, ebiten's canvas.
package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Files the page needs that `make build` makes (web/) or training provides (pretrained/).
var needed = []string{
	"web/index.html", "web/wasm/app.wasm", "web/wasm/worker.wasm", "web/wasm/first.wasm", "web/wasm_exec.js",
	"web/ort/ort.wasm.min.js", "web/ort/ort-wasm-simd-threaded.mjs", "web/ort/ort-wasm-simd-threaded.wasm",
	"web/data/mnist-train-images-idx3-ubyte.gz", "web/data/mnist-test-images-idx3-ubyte.gz",
	"pretrained/vae-digits/weights.bin",
}

func TestPage(t *testing.T) {
	root, out, chromium := e2eEnv(t)
	base := startServer(t, root)
	b := newBrowser(t, chromium)

	// 1. The page comes up on ONNX Runtime Web and draws samples.
	took := b.open(t, base+"/?seed=4&n=64")
	st := b.status(t)
	t.Logf("first grid: %.2f s by the page's clock (%.1f s wall, navigation to ready): worker up at %.2f s, model loaded in %.2f s, "+
		"first sample %.0f ms (worker %.0f ms); backend %s",
		st.FirstGridMs/1000, took.Seconds(), st.WorkerUpMs/1000, st.LoadMs/1000, st.LastSampleMs, st.WorkerMs, st.Backend)
	if st.Backend == "" || st.Model != "vae-digits" {
		t.Fatalf("status %+v: want model vae-digits and a backend", st)
	}
	if st.Backend != "go" {
		t.Errorf("first picture drawn on %q, want go (ONNX Runtime Web is loaded after it)", st.Backend)
	}
	// vae-digits' first picture is the small first-picture program's (wasm/first), up before the
	// model worker's wasm was even fetched (worker.js waits for the picture to be on screen).
	var marks map[string]float64
	b.eval(t, 5*time.Second, "genlab.status().firstMarks", &marks)
	if marks["first-wasm"] == 0 || marks["painted"] == 0 || marks["wasm"] != 0 {
		t.Errorf("first picture's stages %v: want it drawn by wasm/first (first-wasm), before worker.wasm", marks)
	}
	if st = waitORT(t, b); st.Backend != "onnx-wasm" {
		t.Errorf("backend %q (fallback: %s), want onnx-wasm", st.Backend, st.Fallback)
	}
	// web/worker.js: both cores of 2, else one left to the page, 4 at most (serve.go isolates).
	if cores := b.cores(t); st.Threads != min(4, max(2, cores-1)) && cores >= 2 {
		t.Errorf("ONNX Runtime Web on %d threads with %d cores, want %d (web/worker.js)", st.Threads, cores, min(4, max(2, cores-1)))
	}
	checkCanvas(t, b, filepath.Join(out, "canvas.png"))
	b.noProblems(t, "first load")
	checkNetwork(t, b)
	checkWorkerFetches(t, b)

	// 2. The URL follows the controls, and a copied link reproduces the same samples.
	first := st.GridHash
	setControl(t, b, "seed", "5")
	b.waitFor(t, 30*time.Second, fmt.Sprintf(`genlab.status().gridHash !== %q`, first))
	q := b.query(t)
	if q.Get("seed") != "5" || q.Get("n") != "64" || q.Get("model") != "vae-digits" {
		t.Errorf("after changing the seed the query is %v, want model=vae-digits seed=5 n=64", q)
	}
	seed5 := b.status(t).GridHash
	b.open(t, base+"/?seed=4&n=64")
	if h := b.status(t).GridHash; h != first {
		t.Errorf("reloading seed 4 drew grid %s, first time %s: samples not reproducible", h, first)
	}
	// The link's first picture is drawn by the Go backend, the control's was by ONNX Runtime Web,
	// whose floats differ in the last bits (a pixel may differ by one level): compare on ORT.
	b.open(t, base+"/?model=vae-digits&seed=5&n=64&t=1")
	waitORT(t, b)
	b.run(t, 10*time.Second, chromedp.Click("#sample", chromedp.ByQuery))
	waitLoose(t, b, 30*time.Second, fmt.Sprintf(`genlab.status().gridHash === %q`, seed5))
	if h := b.status(t).GridHash; h != seed5 {
		t.Errorf("the copied link for seed 5 drew grid %s, the control drew %s", h, seed5)
	}

	// 3. Views: reconstructions need the test digits, fetched once by the worker.
	for _, v := range []string{"reconstruct", "interpolate"} {
		before := b.status(t).GridHash
		b.run(t, 10*time.Second, chromedp.Click("#view-"+v, chromedp.ByQuery))
		b.waitFor(t, 30*time.Second, fmt.Sprintf(`genlab.status().gridHash !== %q && genlab.status().view === %q`, before, v))
		if got := b.query(t).Get("view"); got != v {
			t.Errorf("after clicking %s the query's view is %q", v, got)
		}
	}
	b.noProblems(t, "views")

	// 4. Training in the page lowers the loss.
	train(t, b, 40)
	b.save(t, filepath.Join(out, "page.png"))
	b.noProblems(t, "training")

	// 5. The training buttons: Train, Pause, Resume, Stop.
	trainButtons(t, b)

	// 6. Save PNG downloads the picture.
	checkDownload(t, b, t.TempDir())

	// 7. An absurd link is clamped, explained, and the page still works.
	b.open(t, base+"/?n=999999999&model=nope&seed=abc")
	st = b.status(t)
	if st.N != 256 || st.Model != "vae-digits" || st.Seed != "1" || len(st.Notices) < 3 {
		t.Errorf("absurd link gave %+v; want n=256, model vae-digits, seed 1 and a notice for each", st)
	}
	var notice string
	b.eval(t, 5*time.Second, `(e => e.hidden ? "" : e.textContent)(document.getElementById("notice"))`, &notice)
	if !strings.Contains(notice, "too large") || !strings.Contains(notice, "nope") {
		t.Errorf("notice banner %q does not explain the clamped n and the unknown model", notice)
	}
	if q := b.query(t); q.Get("n") != "256" || q.Get("model") != "vae-digits" {
		t.Errorf("absurd link rewritten to %v", q)
	}
	b.save(t, filepath.Join(out, "absurd.png"))
	before := st.GridHash
	setControl(t, b, "seed", "2")
	b.waitFor(t, 30*time.Second, fmt.Sprintf(`genlab.status().gridHash !== %q`, before))
	b.noProblems(t, "absurd link")

	// 8. The Go backend, chosen by the link, for comparison.
	b.open(t, base+"/?backend=go&n=16")
	if st := b.status(t); st.Backend != "go" {
		t.Errorf("backend=go link runs on %q", st.Backend)
	}
	train(t, b, 12)
	b.noProblems(t, "go backend")
}

// TestThreads opens the page as clients with 1, 2 and 6 cores would (the machine may have fewer:
// the thread count is what is checked, not speed): ONNX Runtime Web gets 1, 2 and 4 threads, as
// web/worker.js decides, and the page still draws the same digits and trains.
func TestThreads(t *testing.T) {
	base, b := servedPage(t)
	// seed 5's grid drawn on ORT (the first picture is the Go backend's), by threads and cores.
	seed5 := func(cores int) (string, status) {
		b.run(t, 10*time.Second, emulation.SetHardwareConcurrencyOverride(int64(cores)))
		if got := b.cores(t); got != cores {
			t.Fatalf("navigator.hardwareConcurrency %d after the override, want %d", got, cores)
		}
		b.open(t, base+"/?seed=4&n=64")
		st := waitORT(t, b)
		setControl(t, b, "seed", "5")
		b.waitFor(t, 30*time.Second, fmt.Sprintf(`genlab.status().gridHash !== %q`, st.GridHash))
		st = b.status(t)
		return st.GridHash, st
	}
	var oneThread string
	for _, c := range []struct{ cores, threads int }{{1, 1}, {2, 2}, {6, 4}} {
		grid, st := seed5(c.cores)
		if st.Backend != "onnx-wasm" || st.Threads != c.threads {
			t.Fatalf("with %d cores: backend %q on %d threads (fallback: %s), want onnx-wasm on %d", c.cores, st.Backend, st.Threads, st.Fallback, c.threads)
		}
		if c.threads == 1 {
			oneThread = grid
		} else if grid != oneThread {
			t.Errorf("seed 5 on %d threads drew grid %s, on 1 thread %s", c.threads, grid, oneThread)
		}
	}
	train(t, b, 20)
	b.noProblems(t, "threads")
}

// TestBackForward leaves a page whose model runs on ONNX Runtime Web for another link and comes
// back, as a user does with the browser's buttons: Chromium 148 crashed the renderer, both pages
// with it, when it kept the first page, worker alive, in its back/forward cache (web/main.js).
func TestBackForward(t *testing.T) {
	base, b := servedPage(t)
	b.open(t, base+"/?model=made-digits&seed=3&n=16")
	waitORT(t, b)
	for i, want := range []string{"vae-digits", "made-digits", "vae-digits"} {
		switch i {
		case 0:
			b.run(t, 60*time.Second, chromedp.Navigate(base+"/?model=vae-digits&seed=3&n=16"))
		case 1:
			b.run(t, 60*time.Second, chromedp.NavigateBack())
		case 2:
			b.run(t, 60*time.Second, chromedp.NavigateForward())
		}
		waitLoose(t, b, 120*time.Second, fmt.Sprintf(`document.body.dataset.state === "ready" && genlab.status().model === %q`, want))
		if i < 2 { // long enough on the page for a crash of the one left to show
			time.Sleep(3 * time.Second)
		}
		if st := b.status(t); st.Model != want || st.GridHash == "" || st.Error != "" {
			t.Fatalf("step %d: status %+v, want %s drawn", i, st, want)
		}
	}
	b.noProblems(t, "back and forward")
}

// servedPage is the page served by serve.go and a fresh browser for it.
func servedPage(t *testing.T) (base string, b *browser) {
	t.Helper()
	root, _, chromium := e2eEnv(t)
	return startServer(t, root), newBrowser(t, chromium)
}

// cores is the page's navigator.hardwareConcurrency.
func (b *browser) cores(t *testing.T) int {
	t.Helper()
	var n int
	b.eval(t, 5*time.Second, "navigator.hardwareConcurrency", &n)
	return n
}

// train runs genlab.train(steps) and checks that the loss went down.
func train(t *testing.T, b *browser, steps int) {
	t.Helper()
	var res struct {
		Losses      []float64 `json:"losses"`
		Steps       int       `json:"steps"`
		StepsPerSec float64   `json:"stepsPerSec"`
		Backend     string    `json:"backend"`
		State       string    `json:"state"`
	}
	start := time.Now()
	b.eval(t, 150*time.Second, fmt.Sprintf("(async () => await window.genlab.train(%d))()", steps), &res)
	if res.Steps != steps || len(res.Losses) != steps || res.State != "done" {
		t.Fatalf("train(%d) ended in state %q after %d steps with %d losses", steps, res.State, res.Steps, len(res.Losses))
	}
	head, tail := mean(res.Losses[:5]), mean(res.Losses[steps-5:])
	t.Logf("training on %s: %d steps in %.1f s, %.1f steps/s (page), loss %.1f -> %.1f (mean of first/last 5)",
		res.Backend, steps, time.Since(start).Seconds(), res.StepsPerSec, head, tail)
	if !(tail < head) {
		t.Errorf("loss did not fall: first 5 mean %.2f, last 5 mean %.2f (%v)", head, tail, res.Losses)
	}
}

// trainButtons drives a training run with the page's buttons, as a user would.
func trainButtons(t *testing.T, b *browser) {
	t.Helper()
	step := func() int {
		var n int
		b.eval(t, 5*time.Second, "genlab.status().training.steps", &n)
		return n
	}
	click := func(id string) { b.run(t, 10*time.Second, chromedp.Click("#"+id, chromedp.ByQuery)) }
	training := func(state string) string {
		return fmt.Sprintf(`genlab.status().training.state === %q`, state)
	}
	click("train")
	b.waitFor(t, 60*time.Second, `genlab.status().training.steps >= 3`)
	click("pause")
	b.waitFor(t, 10*time.Second, training("paused"))
	paused := step()
	time.Sleep(time.Second)
	if s := step(); s != paused {
		t.Errorf("training went on while paused: step %d -> %d", paused, s)
	}
	click("resume")
	b.waitFor(t, 30*time.Second, fmt.Sprintf(`genlab.status().training.steps > %d`, paused))
	click("stop")
	b.waitFor(t, 10*time.Second, training("stopped"))
	stopped := step()
	time.Sleep(500 * time.Millisecond)
	if s := step(); s != stopped {
		t.Errorf("training went on after Stop: step %d -> %d", stopped, s)
	}
	var disabled bool
	b.eval(t, 5*time.Second, `document.getElementById("pause").disabled && document.getElementById("stop").disabled && !document.getElementById("train").disabled`, &disabled)
	if !disabled {
		t.Errorf("after Stop, Pause and Stop should be disabled and Train enabled")
	}
	// Cancel ends a run too.
	click("train")
	b.waitFor(t, 60*time.Second, `genlab.status().training.steps >= 2`)
	click("cancel")
	b.waitFor(t, 10*time.Second, training("stopped"))
	t.Logf("training buttons: paused at step %d, stopped at step %d, a second run cancelled", paused, stopped)
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// setControl types a value into a page control and fires its change event, as a user would.
func setControl(t *testing.T, b *browser, id, value string) {
	t.Helper()
	b.run(t, 10*time.Second,
		chromedp.SetValue("#"+id, value, chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(`document.getElementById(%q).dispatchEvent(new Event("change"))`, id), nil))
}

func (b *browser) query(t *testing.T) url.Values {
	t.Helper()
	var search string
	b.eval(t, 5*time.Second, "location.search", &search)
	q, err := url.ParseQuery(strings.TrimPrefix(search, "?"))
	if err != nil {
		t.Fatalf("page query %q: %v", search, err)
	}
	return q
}

// save writes a screenshot of the whole page, to be looked at.
func (b *browser) save(t *testing.T, path string) {
	t.Helper()
	var buf []byte
	b.run(t, 30*time.Second, chromedp.FullScreenshot(&buf, 100))
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// checkCanvas screenshots the canvas frame and checks the samples panel is a picture, not a
// flat colour: ebiten drew the grid the worker computed.
func checkCanvas(t *testing.T, b *browser, path string) {
	t.Helper()
	img := b.canvasShot(t, path)
	r := img.Bounds()
	// The samples panel: the left 55% of the canvas, below its title.
	panel := image.Rect(r.Min.X+r.Dx()*3/100, r.Min.Y+r.Dy()*10/100, r.Min.X+r.Dx()*55/100, r.Min.Y+r.Dy()*88/100)
	var n, sum, sum2 float64
	bright := 0
	for y := panel.Min.Y; y < panel.Max.Y; y++ {
		for x := panel.Min.X; x < panel.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			l := (0.299*float64(cr) + 0.587*float64(cg) + 0.114*float64(cb)) / 257
			n++
			sum += l
			sum2 += l * l
			if l > 200 {
				bright++
			}
		}
	}
	m := sum / n
	sd := math.Sqrt(math.Max(0, sum2/n-m*m))
	t.Logf("canvas %dx%d: samples panel mean %.1f, sd %.1f, %.1f%% bright pixels (%s)", r.Dx(), r.Dy(), m, sd, 100*float64(bright)/n, path)
	if sd < 20 || bright == 0 {
		t.Errorf("the samples panel looks blank: luminance sd %.1f, %d bright pixels", sd, bright)
	}
}

// checkNetwork checks every response the page (and its frame) got was a success.
func checkNetwork(t *testing.T, b *browser) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for u, code := range b.responses {
		if code >= 400 {
			t.Errorf("HTTP %d for %s", code, u)
		}
	}
}

// waitORT waits until the loaded model has moved to ONNX Runtime Web, or stayed on Go for a
// reason (its fallback): the first picture is drawn by the Go backend, and ORT is loaded and
// takes over once that picture is on screen (wasm/worker/upgrade.go).
func waitORT(t *testing.T, b *browser) status {
	t.Helper()
	b.waitFor(t, 90*time.Second, `genlab.status().backend === "onnx-wasm" || genlab.status().fallback !== ""`)
	return b.status(t)
}

// checkWorkerFetches checks the worker's own loads (its resource timing, which the page's
// network log does not show): all succeeded, and ONNX Runtime fetched exactly the files the
// Makefile vendors into web/ort/ beside the loader the worker imports.
func checkWorkerFetches(t *testing.T, b *browser) {
	t.Helper()
	var fetched []string
	b.eval(t, 5*time.Second, "genlab.status().workerFetched", &fetched)
	var ort []string
	for _, f := range fetched {
		u, status, _ := strings.Cut(f, " ")
		if status != "200" && status != "0" {
			t.Errorf("worker fetch %s: HTTP %s", u, status)
		}
		if i := strings.Index(u, "/ort/"); i >= 0 {
			ort = append(ort, u[i+len("/ort/"):])
		}
	}
	t.Logf("worker fetched: %q", fetched)
	want := []string{"ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm", "ort.wasm.min.js"}
	slices.Sort(ort)
	ort = slices.Compact(ort) // each of ORT's thread workers imports the .mjs again (from the cache)
	if !slices.Equal(ort, want) {
		t.Errorf("ONNX Runtime Web loaded %q, want %q (update ORT_FILES in the Makefile)", ort, want)
	}
}

// checkDownload clicks Save PNG and checks a PNG of the grid lands in dir.
func checkDownload(t *testing.T, b *browser, dir string) {
	t.Helper()
	b.run(t, 10*time.Second, cdpbrowser.SetDownloadBehavior(cdpbrowser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(dir))
	b.run(t, 10*time.Second, chromedp.Click("#save", chromedp.ByQuery))
	b.waitFor(t, 20*time.Second, `genlab.lastSave() !== null`)
	var saved struct {
		Name  string `json:"name"`
		Bytes int    `json:"bytes"`
	}
	b.eval(t, 5*time.Second, "genlab.lastSave()", &saved)
	path := filepath.Join(dir, saved.Name)
	var data []byte
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var err error
		if data, err = os.ReadFile(path); err == nil && len(data) == saved.Bytes {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Save PNG: %s (%d bytes) did not arrive in %s", saved.Name, saved.Bytes, dir)
		}
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width < 100 || cfg.Height < 100 {
		t.Fatalf("Save PNG wrote %s: %v, %dx%d", saved.Name, err, cfg.Width, cfg.Height)
	}
	t.Logf("Save PNG: %s, %dx%d, %d bytes", saved.Name, cfg.Width, cfg.Height, len(data))
}
