package e2e

import (
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// tinyConfigs are small architectures of the image models that TestFamilies trains for a step
// when no weights are at hand: enough to load, sample and animate in a few seconds. Diffusion
// always takes its tiny version: the compare view runs all T steps, and T = 1000 is minutes.
var tinyConfigs = map[string]string{
	"ddpm-digits":   `{"timeDim":16,"channels":[16,32],"groups":4,"T":100,"sampleSteps":20,"ema":0.9}`,
	"realnvp-faces": `{"checker1":2,"channel":2,"checker2":1,"hidden":16}`,
	"gan-digits":    `{"width":16,"latent":32}`,
	"cgan-digits":   `{"width":16,"latent":32}`,
	"dcgan-faces":   `{"width":16,"latent":32}`,
}

// familyWeights fills a folder laid out like pretrained/ with the five image models' weights:
// GENLAB_E2E_WEIGHTS/<model>/weights.bin when that variable names a folder, else the pretrained
// ones (diffusion excepted, see tinyConfigs), else weights trained here for one step.
func familyWeights(t *testing.T, root string) string {
	t.Helper()
	dir := t.TempDir()
	cli := filepath.Join(root, "build", "genlab")
	var wg sync.WaitGroup
	errs := make(chan string, len(tinyConfigs))
	for name, cfg := range tinyConfigs {
		dst := filepath.Join(dir, name, "weights.bin")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		var src string
		if d := os.Getenv("GENLAB_E2E_WEIGHTS"); d != "" {
			src = filepath.Join(d, name, "weights.bin")
		} else if p := filepath.Join(root, "pretrained", name, "weights.bin"); name != "ddpm-digits" && exists(p) {
			src = p
		}
		if src != "" && exists(src) {
			copyFile(t, src, dst)
			continue
		}
		data := dataDir(root, strings.HasSuffix(name, "-faces"))
		if !exists(cli) || data == "" {
			skipOrFail(t, "e2e: no weights for %s and no build/genlab or data to train them (make build; ../shared/datasets)", name)
		}
		// One training step is enough to write weights the page loads; the models train side by side.
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := filepath.Join(dir, "runs", name)
			cmd := exec.Command(cli, "train", "--model", name, "--data", data, "--steps", "1", "--config", cfg, "--out", run)
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Sprintf("training a tiny %s: %v\n%s", name, err, out)
				return
			}
			if err := os.Rename(filepath.Join(run, "weights.bin"), dst); err != nil {
				errs <- err.Error()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	return dir
}

// dataDir is where the digits (or the faces) are, as the Makefile looks for them ("" if nowhere).
func dataDir(root string, faces bool) string {
	set := "mnist"
	if faces {
		set = "celeba"
	}
	for _, d := range []string{filepath.Join(root, "data"), filepath.Join(root, "..", "shared", "datasets")} {
		if exists(filepath.Join(d, set)) {
			return d
		}
	}
	return ""
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// famStatus is genlab.status() with the family fields.
type famStatus struct {
	status
	Family   string `json:"family"`
	Frames   int    `json:"frames"`
	Title    string `json:"title"`
	Step     int    `json:"step"`
	Steps    int    `json:"steps"`
	Sampler  string `json:"sampler"`
	Label    int    `json:"label"`
	Classes  int    `json:"classes"`
	MaxSteps int    `json:"maxSteps"`
}

func (b *browser) famStatus(t *testing.T) famStatus {
	t.Helper()
	var s famStatus
	b.eval(t, 10*time.Second, "genlab.status()", &s)
	return s
}

// picture is what the canvas's main panel shows, measured on a screenshot.
type picture struct{ mean, sd, colour float64 }

// shot screenshots the canvas into out/name.png and measures the main panel: its luminance's
// mean and spread, and its colourfulness (mean channel spread), which tells RGB faces from grey.
func shot(t *testing.T, b *browser, out, name string) picture {
	t.Helper()
	path := filepath.Join(out, name+".png")
	img := b.canvasShot(t, path)
	r := img.Bounds()
	panel := image.Rect(r.Min.X+r.Dx()*3/100, r.Min.Y+r.Dy()*10/100, r.Min.X+r.Dx()*55/100, r.Min.Y+r.Dy()*88/100)
	var n, sum, sum2, col float64
	for y := panel.Min.Y; y < panel.Max.Y; y++ {
		for x := panel.Min.X; x < panel.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			R, G, B := float64(cr)/257, float64(cg)/257, float64(cb)/257
			l := 0.299*R + 0.587*G + 0.114*B
			n++
			sum += l
			sum2 += l * l
			col += math.Max(R, math.Max(G, B)) - math.Min(R, math.Min(G, B))
		}
	}
	p := picture{mean: sum / n}
	p.sd = math.Sqrt(math.Max(0, sum2/n-p.mean*p.mean))
	p.colour = col / n
	t.Logf("%s: main panel luminance mean %.1f sd %.1f, colour %.1f (%s)", name, p.mean, p.sd, p.colour, path)
	if p.sd < 15 {
		t.Errorf("%s: the main panel looks blank (luminance sd %.1f)", name, p.sd)
	}
	return p
}

// finished waits for the newest main picture to be complete (not an animation frame) and
// different from before.
func (b *browser) finished(t *testing.T, before string, timeout time.Duration) famStatus {
	t.Helper()
	b.waitFor(t, timeout, fmt.Sprintf(`(s => s.gridHash !== "" && s.gridHash !== %q && s.step === s.steps)(genlab.status())`, before))
	return b.famStatus(t)
}

// TestFamilies drives the page with the image models of the diffusion, flow and GAN issues:
// the denoising animation with its sampler in the URL and DDPM beside DDIM, faces with a
// temperature, a morph and the layers, latent walks, and the conditional GAN's digit picker.
func TestFamilies(t *testing.T) {
	root, out, chromium := e2eEnv(t)
	base := startServerWith(t, root, familyWeights(t, root))
	b := newBrowser(t, chromium)

	// 1. Diffusion: the sampler from the URL, x_t beside the estimate of x_0 at every step; 16
	// samples when the link does not say how many (each step runs the network on all of them).
	b.open(t, base+"/?model=ddpm-digits&seed=2&steps=20")
	st := b.finished(t, "", 60*time.Second)
	if q := b.query(t); st.N != 16 || q.Get("n") != "16" {
		t.Errorf("a diffusion link without n draws %d samples (query %v), want 16", st.N, q)
	}
	t.Logf("ddpm-digits on %s (T = %d): %d frames, last picture %.0f ms: %q", st.Backend, st.MaxSteps, st.Frames, st.LastSampleMs, st.Title)
	if st.Family != "diffusion" || st.Sampler != "20" || !(strings.Contains(st.Title, "DDIM") && strings.Contains(st.Title, ", 20 steps")) {
		t.Errorf("status %+v: want diffusion sampling with DDIM, 20 steps", st)
	}
	if st.Frames < 10 {
		t.Errorf("%d intermediate frames of the denoising, want >= 10", st.Frames)
	}
	shot(t, b, out, "ddpm-samples")
	b.noProblems(t, "diffusion samples")
	var trainTitle string
	b.eval(t, 5*time.Second, `document.getElementById('train').title`, &trainTitle)
	if !strings.Contains(trainTitle, "diffusion model trains live on 2-D data in the 2-D lab") {
		t.Errorf("Train's title for ddpm-digits %q does not point to the 2-D lab's diffusion", trainTitle)
	}

	// Steps out of range are clamped with a notice; DDPM is a switch, written as steps=ddpm.
	b.open(t, base+"/?model=ddpm-digits&seed=2&n=4&steps=3")
	st = b.finished(t, "", 60*time.Second)
	if st.Sampler != "10" || len(st.Notices) == 0 || !strings.Contains(st.Notices[0], "too small") {
		t.Errorf("steps=3: sampler %q, notices %q; want 10 and a notice", st.Sampler, st.Notices)
	}
	b.run(t, 10*time.Second, chromedp.Click("#ddpm", chromedp.ByQuery))
	// Midway: a frame of x_t beside the estimate of x_0, the progress bar part full.
	b.waitFor(t, 60*time.Second, `(s => s.sampler === "ddpm" && s.step > 0 && s.step < s.steps)(genlab.status())`)
	shot(t, b, out, "ddpm-midway")
	st = b.finished(t, st.GridHash, 60*time.Second)
	if q := b.query(t); q.Get("steps") != "ddpm" || !strings.Contains(st.Title, "DDPM") {
		t.Errorf("after ticking DDPM: query %v, title %q", q, st.Title)
	}
	// DDIM beside DDPM from the same noise, each timed.
	b.run(t, 10*time.Second, chromedp.Click("#view-compare", chromedp.ByQuery))
	st = b.finished(t, st.GridHash, 90*time.Second)
	t.Logf("compare: %q after %d frames", st.Title, st.Frames)
	if st.View != "compare" || !strings.Contains(st.Title, "DDIM") || !strings.Contains(st.Title, "DDPM") || !strings.Contains(st.Title, " s") {
		t.Errorf("compare view: %+v", st)
	}
	shot(t, b, out, "ddpm-compare")
	b.save(t, filepath.Join(out, "ddpm.png"))
	b.noProblems(t, "diffusion compare")
	// Cancel stops a long sampling where it is, keeping its last frame.
	b.run(t, 10*time.Second, chromedp.Click("#sample", chromedp.ByQuery))
	b.waitFor(t, 60*time.Second, `(s => s.view === "" && s.step > 0 && s.step < s.steps / 2)(genlab.status())`)
	b.run(t, 10*time.Second, chromedp.Click("#cancel", chromedp.ByQuery))
	b.waitFor(t, 10*time.Second, `genlab.status().title.includes("stopped at step")`)
	if st = b.famStatus(t); st.Step != st.Steps || st.Error != "" {
		t.Errorf("after Cancel: %+v", st)
	}
	b.noProblems(t, "diffusion cancel")

	// 2. RealNVP: colour faces, a temperature, a morph and the layer-by-layer view.
	setControl(t, b, "model", "realnvp-faces")
	b.waitFor(t, 60*time.Second, `genlab.status().model === "realnvp-faces"`)
	st = b.finished(t, st.GridHash, 60*time.Second)
	faces := shot(t, b, out, "realnvp-samples")
	var walks bool
	b.eval(t, 5*time.Second, `!!document.getElementById("view-animate") && !!document.getElementById("view-interpolate")`, &walks)
	if !walks {
		t.Error("realnvp-faces should offer the latent walk (Animate) and the interpolation between test faces")
	}
	if faces.colour < 8 {
		t.Errorf("realnvp-faces samples have colourfulness %.1f: drawn grey?", faces.colour)
	}
	setControl(t, b, "temp", "0.5")
	st = b.finished(t, st.GridHash, 60*time.Second)
	if q := b.query(t); q.Get("t") != "0.5" || !strings.Contains(st.Title, "temperature 0.5") {
		t.Errorf("temperature 0.5: query %v, title %q", q, st.Title)
	}
	for _, v := range []string{"morph", "layers", "interpolate"} {
		b.run(t, 10*time.Second, chromedp.Click("#view-"+v, chromedp.ByQuery))
		st = b.finished(t, st.GridHash, 60*time.Second)
		if st.View != v {
			t.Errorf("view %s: status shows %q", v, st.View)
		}
		shot(t, b, out, "realnvp-"+v)
	}
	b.save(t, filepath.Join(out, "realnvp.png"))
	b.noProblems(t, "realnvp-faces")

	// 3. GANs: the latent walk animates; the conditional GAN draws the digit picked.
	setControl(t, b, "model", "gan-digits")
	b.waitFor(t, 60*time.Second, `genlab.status().model === "gan-digits"`)
	st = b.finished(t, st.GridHash, 60*time.Second)
	// The walk comes back to where it started: its last frame is the samples it left.
	b.run(t, 10*time.Second, chromedp.Click("#view-animate", chromedp.ByQuery))
	b.waitFor(t, 60*time.Second, `(s => s.view === "animate" && s.frames > 0 && s.step === s.steps)(genlab.status())`)
	if h := b.famStatus(t).GridHash; h != st.GridHash {
		t.Errorf("the walk ended on grid %s, not on the samples it started from (%s)", h, st.GridHash)
	}
	st = b.famStatus(t)
	if st.Frames < 40 || !strings.Contains(st.Title, "Latent walk") {
		t.Errorf("latent walk: %d frames, title %q; want >= 40 frames", st.Frames, st.Title)
	}
	shot(t, b, out, "gan-walk")
	b.noProblems(t, "gan-digits")

	b.open(t, base+"/?model=cgan-digits&seed=4&n=16&label=3")
	st = b.finished(t, "", 60*time.Second)
	if st.Label != 3 || st.Classes != 10 || !strings.Contains(st.Title, "label 3") {
		t.Errorf("cgan-digits label=3: %+v", st)
	}
	setControl(t, b, "label", "7")
	st = b.finished(t, st.GridHash, 60*time.Second)
	if q := b.query(t); q.Get("label") != "7" || !strings.Contains(st.Title, "label 7") {
		t.Errorf("picking 7: query %v, title %q", q, st.Title)
	}
	shot(t, b, out, "cgan-7")
	b.save(t, filepath.Join(out, "cgan.png"))
	b.noProblems(t, "cgan-digits")

	setControl(t, b, "model", "dcgan-faces")
	b.waitFor(t, 60*time.Second, `genlab.status().model === "dcgan-faces"`)
	st = b.finished(t, st.GridHash, 60*time.Second)
	if p := shot(t, b, out, "dcgan-faces"); p.colour < 8 {
		t.Errorf("dcgan-faces samples have colourfulness %.1f: drawn grey?", p.colour)
	}
	b.noProblems(t, "dcgan-faces")
}
