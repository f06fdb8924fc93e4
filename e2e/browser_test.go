package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// e2eEnv is where every page test starts: the repository root, the folder for screenshots and
// Chromium's path. It skips under -short, and skips (fails with GENLAB_E2E_REQUIRE) when Chromium
// or a built file (needed, plus extra) is missing.
func e2eEnv(t *testing.T, extra ...string) (root, out, chromium string) {
	t.Helper()
	if testing.Short() {
		t.Skip("e2e: skipped with -short (it drives headless Chromium); run `make test-e2e`")
	}
	chromium = findChromium()
	if chromium == "" {
		skipOrFail(t, "e2e: no Chromium (apt-get install -y chromium, or set GENLAB_CHROMIUM)")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(append([]string{}, needed...), extra...) {
		if !exists(filepath.Join(root, f)) {
			skipOrFail(t, "e2e: %s is missing: run `make build` (and train or copy pretrained weights)", f)
		}
	}
	out = os.Getenv("GENLAB_E2E_OUT")
	if out == "" {
		out = filepath.Join(root, "e2e", "out")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return root, out, chromium
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// skipOrFail skips the test, unless GENLAB_E2E_REQUIRE is set (as `make test` does), where a
// missing browser or build is a failure: a skipped end-to-end test would hide a broken page.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("GENLAB_E2E_REQUIRE") != "" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

func findChromium() string {
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

// startServer runs the project's serve.go on a free loopback port, serving root/web and
// root/pretrained, and returns its base URL.
func startServer(t *testing.T, root string) string {
	t.Helper()
	return startServerWith(t, root, filepath.Join(root, "pretrained"))
}

// startServerWith is startServer with the weights served from another folder.
func startServerWith(t *testing.T, root, pretrained string) string {
	t.Helper()
	bin := os.Getenv("GENLAB_SERVE")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "serve")
		build := exec.Command("go", "build", "-o", bin, "./serve.go")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("building serve.go: %v\n%s", err, out)
		}
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-root", filepath.Join(root, "web"), "-pretrained", pretrained)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`serving (http://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		return a
	case <-time.After(30 * time.Second):
		t.Fatal("serve.go did not report its address within 30 s")
		return ""
	}
}

// browser is a headless Chromium tab with everything the page reports collected.
type browser struct {
	ctx context.Context

	mu        sync.Mutex
	problems  []string          // console errors, uncaught exceptions, error log entries
	responses map[string]int64  // URL -> HTTP status, for every response the page got
	types     map[string]string // URL -> resource type
}

func newBrowser(t *testing.T, chromium string) *browser {
	t.Helper()
	// A fresh profile, removed by hand: Chromium's helpers may still write to it for a moment
	// after the browser is told to quit, which t.TempDir's cleanup reports as a failure.
	profile, err := os.MkdirTemp("", "genlab-e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,  // the machines run tests as root
		chromedp.DisableGPU, // and --enable-unsafe-swiftshader: WebGL on the CPU
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1200, 1100),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	b := &browser{ctx: ctx, responses: map[string]int64{}, types: map[string]string{}}
	chromedp.ListenTarget(ctx, b.onEvent)
	if err := chromedp.Run(ctx, network.Enable(), log.Enable()); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	return b
}

func (b *browser) onEvent(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.APITypeError || e.Type == runtime.APITypeAssert {
			var parts []string
			for _, a := range e.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			b.problems = append(b.problems, "console."+string(e.Type)+": "+strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		b.problems = append(b.problems, fmt.Sprintf("exception: %s (%s:%d)", msg, d.URL, d.LineNumber))
	case *log.EventEntryAdded:
		if e.Entry.Level == log.LevelError {
			b.problems = append(b.problems, fmt.Sprintf("log %s: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	case *network.EventResponseReceived:
		b.responses[e.Response.URL] = e.Response.Status
		b.types[e.Response.URL] = string(e.Type)
	}
}

// takeProblems returns and forgets what went wrong in the page so far.
func (b *browser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

func (b *browser) run(t *testing.T, timeout time.Duration, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%v", err)
	}
}

// eval evaluates a JS expression (awaiting it if it is a promise) into res.
func (b *browser) eval(t *testing.T, timeout time.Duration, expr string, res any) {
	t.Helper()
	b.run(t, timeout, chromedp.Evaluate(expr, res, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
}

// waitFor polls a JS condition every 100 ms until it is true.
func (b *browser) waitFor(t *testing.T, timeout time.Duration, cond string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		b.eval(t, 10*time.Second, "!!("+cond+")", &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var st any
			b.eval(t, 10*time.Second, "window.genlab ? window.genlab.status() : document.body.dataset.state", &st)
			js, _ := json.Marshal(st)
			t.Fatalf("timed out after %v waiting for %s; page status %s; problems %q", timeout, cond, js, b.takeProblems())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// status is window.genlab.status().
type status struct {
	State        string   `json:"state"`
	Model        string   `json:"model"`
	Backend      string   `json:"backend"`
	Threads      int      `json:"threads"`
	Fallback     string   `json:"fallback"`
	Error        string   `json:"error"`
	Notices      []string `json:"notices"`
	LastSampleMs float64  `json:"lastSampleMs"`
	WorkerMs     float64  `json:"workerMs"`
	FirstGridMs  float64  `json:"firstGridMs"`
	WorkerUpMs   float64  `json:"workerUpMs"`
	LoadMs       float64  `json:"loadMs"`
	GridHash     string   `json:"gridHash"`
	Seed         string   `json:"seed"`
	N            int      `json:"n"`
	View         string   `json:"view"`
}

func (b *browser) status(t *testing.T) status {
	t.Helper()
	var s status
	b.eval(t, 10*time.Second, "window.genlab.status()", &s)
	return s
}

// open navigates to a page URL and waits until the page is ready (its first grid drawn),
// failing on an error state. It returns the wall time from navigation to ready.
func (b *browser) open(t *testing.T, url string) time.Duration {
	t.Helper()
	start := time.Now()
	b.run(t, 60*time.Second, chromedp.Navigate(url))
	b.waitFor(t, 120*time.Second, `document.body.dataset.state !== "loading"`)
	var state string
	b.eval(t, 10*time.Second, "document.body.dataset.state", &state)
	if state != "ready" {
		var banner string
		b.eval(t, 10*time.Second, `document.getElementById("error").textContent`, &banner)
		t.Fatalf("%s: page state %q, error banner %q, problems %q", url, state, banner, b.takeProblems())
	}
	return time.Since(start)
}

// noProblems fails the test if the page logged errors or threw since the last call.
func (b *browser) noProblems(t *testing.T, where string) {
	t.Helper()
	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("%s: the page reported problems:\n  %s", where, strings.Join(p, "\n  "))
	}
}

// canvasShot screenshots the canvas frame into path and returns the picture.
func (b *browser) canvasShot(t *testing.T, path string) image.Image {
	t.Helper()
	var buf []byte
	b.run(t, 30*time.Second, chromedp.Screenshot("#stage", &buf, chromedp.ByQuery))
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatalf("canvas screenshot: %v", err)
	}
	return img
}
