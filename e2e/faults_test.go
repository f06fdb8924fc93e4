package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// fault is what the network does to requests whose URL path ends with suffix.
type fault struct {
	suffix string
	status int64  // answer with this HTTP status and body; 0: fail the request (a network error)
	body   []byte // the answer's body
	times  int    // how many requests it hits; 0: all
}

// faults injects network faults into every request of the browser, the worker's included: the
// Fetch domain on the browser target pauses each request, and onPaused answers it from the
// rules or lets it through. The server is the real one, untouched.
type faults struct {
	b     *browser
	mu    sync.Mutex
	rules []*fault
	hits  map[string]int // suffix -> requests it answered

	worker target.ID // the newest worker the page started
}

func newFaults(t *testing.T, b *browser) *faults {
	t.Helper()
	f := &faults{b: b, hits: map[string]int{}}
	chromedp.ListenBrowser(b.ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			go f.onPaused(e) // not in the listener: it must not block
		}
	})
	chromedp.ListenTarget(b.ctx, func(ev any) {
		if e, ok := ev.(*target.EventAttachedToTarget); ok && e.TargetInfo.Type == "worker" {
			f.mu.Lock()
			f.worker = e.TargetInfo.TargetID
			f.mu.Unlock()
		}
	})
	return f
}

// set replaces the rules and intercepts only the URLs they name, so that the page's other
// loads (tens of MB of wasm) go straight through.
func (f *faults) set(t *testing.T, rules ...*fault) {
	t.Helper()
	f.mu.Lock()
	f.rules, f.hits = rules, map[string]int{}
	f.mu.Unlock()
	c := chromedp.FromContext(f.b.ctx)
	err := chromedp.Run(f.b.ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		ctx = cdp.WithExecutor(ctx, c.Browser)
		if len(rules) == 0 {
			return fetch.Disable().Do(ctx)
		}
		var patterns []*fetch.RequestPattern
		for _, r := range rules {
			patterns = append(patterns, &fetch.RequestPattern{URLPattern: "*" + r.suffix + "*", RequestStage: fetch.RequestStageRequest})
		}
		return fetch.Enable().WithPatterns(patterns).Do(ctx)
	}))
	if err != nil {
		t.Fatalf("setting network faults: %v", err)
	}
}

func (f *faults) hit(suffix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[suffix]
}

func (f *faults) onPaused(e *fetch.EventRequestPaused) {
	path := e.Request.URL
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	var rule *fault
	f.mu.Lock()
	for _, r := range f.rules {
		if strings.HasSuffix(path, r.suffix) && (r.times == 0 || f.hits[r.suffix] < r.times) {
			rule = r
			f.hits[r.suffix]++
			break
		}
	}
	f.mu.Unlock()
	c := chromedp.FromContext(f.b.ctx)
	ctx := cdp.WithExecutor(f.b.ctx, c.Browser)
	var act interface{ Do(context.Context) error }
	switch {
	case rule == nil:
		act = fetch.ContinueRequest(e.RequestID)
	case rule.status == 0:
		act = fetch.FailRequest(e.RequestID, network.ErrorReasonConnectionRefused)
	default:
		act = fetch.FulfillRequest(e.RequestID, rule.status).
			WithResponseHeaders([]*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/octet-stream"}}).
			WithBody(base64.StdEncoding.EncodeToString(rule.body))
	}
	_ = act.Do(ctx) // fails only when the browser is closing
}

// faultEnv is a server, a browser and its fault injector, shared by the fault tests.
func faultEnv(t *testing.T) (base string, b *browser, f *faults, out string) {
	t.Helper()
	root, out, chromium := e2eEnv(t)
	b = newBrowser(t, chromium)
	return startServer(t, root), b, newFaults(t, b), out
}

// settle waits until the page has left "loading" and returns its state.
func settle(t *testing.T, b *browser, url string) string {
	t.Helper()
	b.run(t, 60*time.Second, chromedp.Navigate(url))
	b.waitFor(t, 120*time.Second, `document.body.dataset.state !== "loading"`)
	var state string
	b.eval(t, 5*time.Second, "document.body.dataset.state", &state)
	return state
}

// banner is the visible text of a page banner ("error" or "notice"), "" when hidden.
func banner(t *testing.T, b *browser, id string) string {
	t.Helper()
	var s string
	b.eval(t, 5*time.Second, fmt.Sprintf(`(e => e && !e.hidden ? e.textContent : "")(document.getElementById(%q))`, id), &s)
	return s
}

// Weights as the page fetches them, relative to the server's root: the float16 page copy, and
// the full file it falls back to where there is no copy.
const (
	vaeWeights     = "/pretrained/vae-digits/page.bin"
	vaeFullWeights = "/pretrained/vae-digits/weights.bin"
)

// TestFaults breaks, one at a time, what the page loads over the network, and crashes its
// worker: each time the page must say what went wrong, fall back where it can, and stay usable.
// The faults are injected in the browser (see faults); the server and files are the real ones.
func TestFaults(t *testing.T) {
	base, b, f, out := faultEnv(t)
	root, _ := filepath.Abs("..")
	vae, err := os.ReadFile(filepath.Join(root, "pretrained", "vae-digits", "page.bin"))
	if err != nil {
		t.Fatal(err)
	}
	made, err := os.ReadFile(filepath.Join(root, "pretrained", "made-digits", "page.bin"))
	if err != nil {
		skipOrFail(t, "e2e: pretrained/made-digits/page.bin is missing (make web): %v", err)
	}
	// Cached files would never reach the network, nor the faults: the ONNX Runtime files are
	// cached for an hour.
	b.run(t, 10*time.Second, network.SetCacheDisabled(true))
	fresh := func(t *testing.T, rules ...*fault) {
		t.Helper()
		b.run(t, 10*time.Second, network.ClearBrowserCache())
		f.set(t, rules...)
		b.takeProblems() // faults make the page log errors: that is expected here
	}

	t.Run("weights-404", func(t *testing.T) {
		// Without the page copy, the page loads the full weights.
		fresh(t, &fault{suffix: vaeWeights, status: 404, body: []byte("404 page not found\n")})
		if state := settle(t, b, base+"/?model=vae-digits&seed=3&n=16"); state != "ready" || f.hit(vaeWeights) == 0 {
			t.Errorf("page.bin 404: state %q (want ready, from weights.bin), fault hit %d times", state, f.hit(vaeWeights))
		}
		// Without either, it says so.
		fresh(t, &fault{suffix: vaeWeights, status: 404, body: []byte("404 page not found\n")},
			&fault{suffix: vaeFullWeights, status: 404, body: []byte("404 page not found\n")})
		state := settle(t, b, base+"/?model=vae-digits&seed=3&n=16")
		msg := banner(t, b, "error")
		t.Logf("weights 404: state %q, error banner %q", state, msg)
		if state != "error" || !strings.Contains(msg, "vae-digits") || !strings.Contains(msg, "404") {
			t.Errorf("want data-state error and a message naming vae-digits and the 404")
		}
		if f.hit(vaeWeights) == 0 || f.hit(vaeFullWeights) == 0 {
			t.Errorf("the faults were not both hit")
		}
		b.save(t, filepath.Join(out, "fault-weights-404.png"))
		// The page still works: another model loads and draws.
		setControl(t, b, "model", "made-digits")
		b.waitFor(t, 90*time.Second, `genlab.status().model === "made-digits" && genlab.status().gridHash !== "" && document.body.dataset.state === "ready"`)
		if msg := banner(t, b, "error"); msg != "" {
			t.Errorf("after made-digits loaded, the error banner still says %q", msg)
		}
		if q := b.query(t); q.Get("model") != "made-digits" {
			t.Errorf("the link says model=%q after choosing made-digits", q.Get("model"))
		}
	})

	t.Run("corrupt-weights", func(t *testing.T) {
		cases := []struct {
			name string
			body []byte
			want string // in the message, beside the model's name
		}{
			{"garbage", bytes.Repeat([]byte{0xab}, 4096), "not a valid genlab weights file"},
			{"truncated", vae[:len(vae)/2], "truncated or corrupt"},
			{"flipped byte", flip(vae, len(vae)/3), "truncated or corrupt"},
			{"another model's", made, `holds weights of model "made-digits"`},
		}
		for i, c := range cases {
			fresh(t, &fault{suffix: vaeWeights, status: 200, body: c.body})
			if i == 0 {
				settle(t, b, base+"/?model=vae-digits&seed=3&n=16")
			} else { // the same page, choosing the model again
				setControl(t, b, "model", "vae-digits")
			}
			b.waitFor(t, 60*time.Second, fmt.Sprintf(`genlab.status().error.includes(%q)`, c.want))
			msg := banner(t, b, "error")
			t.Logf("%s weights: error banner %q", c.name, msg)
			if !strings.Contains(msg, "vae-digits") || !strings.Contains(msg, c.want) {
				t.Errorf("%s weights: banner %q does not name vae-digits and say %q", c.name, msg, c.want)
			}
			if f.hit(vaeWeights) == 0 {
				t.Errorf("%s weights: the fault was never hit", c.name)
			}
		}
		b.save(t, filepath.Join(out, "fault-corrupt-weights.png"))
		// With good weights back, the same page loads the model, on ONNX Runtime still: bad
		// weights are no reason to give up the fast backend.
		fresh(t)
		setControl(t, b, "model", "vae-digits")
		b.waitFor(t, 60*time.Second, `genlab.status().model === "vae-digits" && document.body.dataset.state === "ready"`)
		if st := waitORT(t, b); st.Backend != "onnx-wasm" || st.Error != "" {
			t.Errorf("after the corrupt weights, good ones load on %q (fallback %q), error %q; want onnx-wasm and no error", st.Backend, st.Fallback, st.Error)
		}
	})

	t.Run("ort-fails", func(t *testing.T) {
		for _, c := range []*fault{
			{suffix: "/ort/ort.wasm.min.js", status: 404, body: []byte("404 page not found\n")},
			{suffix: "/ort/ort-wasm-simd-threaded.mjs", status: 0},
			{suffix: "/ort/ort-wasm-simd-threaded.wasm", status: 0},
		} {
			fresh(t, c)
			state := settle(t, b, base+"/?model=vae-digits&seed=3&n=16")
			st := waitORT(t, b) // fails after the first picture, which the Go backend draws
			notice, line := banner(t, b, "notice"), ""
			b.eval(t, 5*time.Second, `document.getElementById("status").textContent`, &line)
			t.Logf("%s fails: state %q, backend %q, notice %q, status line %q", c.suffix, state, st.Backend, notice, line)
			if state != "ready" || st.Backend != "go" || st.GridHash == "" {
				t.Errorf("%s fails: state %q on backend %q: want samples drawn by the Go backend", c.suffix, state, st.Backend)
			}
			if !strings.Contains(notice, "ONNX Runtime Web") || !strings.Contains(notice, "Go backend") {
				t.Errorf("%s fails: no visible notice of the fallback (notice %q)", c.suffix, notice)
			}
			if f.hit(c.suffix) == 0 {
				t.Errorf("%s: the fault was never hit", c.suffix)
			}
		}
		b.save(t, filepath.Join(out, "fault-ort.png"))
	})

	t.Run("worker-crash", func(t *testing.T) {
		// worker.wasm fails to load once (both the streaming and the plain fetch): the app
		// starts a new worker, which loads it.
		const wasm = "/wasm/worker.wasm"
		fresh(t, &fault{suffix: wasm, status: 0, times: 2})
		state := settle(t, b, base+"/?model=vae-digits&seed=3&n=16")
		st, starts := b.status(t), workerStarts(t, b)
		notice := banner(t, b, "notice")
		t.Logf("worker.wasm fails once: state %q, model %q, %d worker(s) started, notice %q", state, st.Model, starts, notice)
		if state != "ready" || st.Model != "vae-digits" || starts != 2 || !strings.Contains(notice, "restarted") {
			t.Errorf("want the page ready on a second worker, with a notice that it restarted")
		}

		// worker.wasm never loads: the app gives up after a few workers and offers a reload,
		// which works once the file is back.
		fresh(t, &fault{suffix: wasm, status: 404, body: []byte("404 page not found\n")})
		state = settle(t, b, base+"/?model=vae-digits&seed=3&n=16")
		msg := banner(t, b, "error")
		t.Logf("worker.wasm 404: state %q, %d workers started, error banner %q", state, workerStarts(t, b), msg)
		if state != "error" || !strings.Contains(msg, "404") || !strings.Contains(msg, "Reload") {
			t.Errorf("want data-state error and a message with the 404 and a reload offer")
		}
		b.save(t, filepath.Join(out, "fault-worker.png"))
		fresh(t)
		b.run(t, 10*time.Second, chromedp.Click("#reload", chromedp.ByQuery))
		waitLoose(t, b, 90*time.Second, `document.body.dataset.state === "ready"`)

		// The worker's Go program panics in the middle of a session: a new worker takes over
		// and the page goes on.
		f.mu.Lock()
		id := f.worker
		f.mu.Unlock()
		if id == "" {
			t.Fatal("the browser did not report the page's worker")
		}
		wctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(id))
		defer cancel()
		// A message without data makes the worker's handler call Get on undefined: a Go panic.
		if err := chromedp.Run(wctx, chromedp.Evaluate(`setTimeout(() => self.onmessage({}), 0), true`, nil)); err != nil {
			t.Fatalf("crashing the worker: %v", err)
		}
		b.waitFor(t, 60*time.Second, `genlab.status().workerStarts === 2 && genlab.status().model === "vae-digits" && document.getElementById("notice").textContent.includes("restarted")`)
		t.Logf("after a panic in the worker: notice %q", banner(t, b, "notice"))
		before := b.status(t).GridHash
		setControl(t, b, "seed", "9")
		b.waitFor(t, 30*time.Second, fmt.Sprintf(`genlab.status().gridHash !== %q`, before))
		b.save(t, filepath.Join(out, "fault-worker-restarted.png"))
	})

	t.Run("text-before-app", func(t *testing.T) {
		// Neither program ever starts, so what shows is the page's own: the default model's
		// explanation, but not under a link to another model or a lab.
		fresh(t, &fault{suffix: "/wasm/worker.wasm", status: 0}, &fault{suffix: "/wasm/app.wasm", status: 0})
		for _, c := range []struct {
			query string
			shown bool
		}{{"?seed=3", true}, {"?model=vae-digits&seed=3", true}, {"?model=ddpm-digits&seed=3", false}, {"?lab=gan&density=moons", false}} {
			b.run(t, 60*time.Second, chromedp.Navigate(base+"/"+c.query))
			var shown bool
			b.eval(t, 5*time.Second, `!document.querySelector('.about[data-family="vae"]').hidden`, &shown)
			if shown != c.shown {
				t.Errorf("%s: the VAE's explanation shown %v before the app is up, want %v", c.query, shown, c.shown)
			}
		}
	})
	f.set(t)
}

// flip returns a copy of b with one bit flipped at i.
func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x10
	return c
}

// waitLoose is waitFor across a navigation: evaluation errors (the page going away) are retried.
func waitLoose(t *testing.T, b *browser, timeout time.Duration, cond string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		var ok bool
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		err := chromedp.Run(ctx, chromedp.Evaluate("!!("+cond+")", &ok))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.waitFor(t, time.Second, cond) // fails with the page's status
}

// workerStarts is how many workers the page has started.
func workerStarts(t *testing.T, b *browser) int {
	t.Helper()
	var n int
	b.eval(t, 5*time.Second, "genlab.status().workerStarts", &n)
	return n
}
