package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is a fresh headless Chromium (own profile, so a cold cache). No --virtual-time-budget:
// every figure here is real time.
type browser struct {
	ctx     context.Context
	profile string
	cancel  func()
}

func newBrowser(chromium string) (*browser, error) {
	profile, err := os.MkdirTemp("", "genlab-bench-chromium-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1200, 1100),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	b := &browser{ctx: ctx, profile: profile, cancel: func() {
		cancelCtx()
		cancelAlloc()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	}}
	if err := chromedp.Run(ctx); err != nil { // starts the browser
		b.cancel()
		return nil, fmt.Errorf("starting %s: %w", chromium, err)
	}
	return b, nil
}

func (b *browser) close() { b.cancel() }

// navigate opens url and returns when the navigation has been started.
func (b *browser) navigate(url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Navigate(url))
}

// eval evaluates a JS expression, awaiting a promise, into res.
func (b *browser) eval(expr string, res any, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate(expr, res, chromedp.EvalAsValue, withAwait))
}

// waitFor polls a JS condition every 20 ms.
func (b *browser) waitFor(cond string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		if err := b.eval("!!("+cond+")", &ok, 10*time.Second); err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			var st any
			_ = b.eval(`window.genlab ? window.genlab.status() : document.body.dataset.state`, &st, 5*time.Second)
			return fmt.Errorf("timed out after %v waiting for %s (page: %v)", timeout, cond, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// countingProxy forwards loopback TCP connections to a server and records when each byte sent
// to the browser went through: what the page transferred, headers included, workers included.
type countingProxy struct {
	addr string
	mu   sync.Mutex
	log  []sent
}

type sent struct {
	at   time.Time
	n    int64
	path string // of the request answered
}

var requestLine = regexp.MustCompile(`(?m)^[A-Z]+ (\S+) HTTP/1\.[01]\r?$`)

func startProxy(target string) (*countingProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &countingProxy{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c, target)
		}
	}()
	return p, nil
}

func (p *countingProxy) serve(client net.Conn, target string) {
	defer client.Close()
	server, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer server.Close()
	// The path of the last request on this connection: HTTP/1.1 without pipelining answers each
	// request before the next is sent, so response bytes belong to it.
	var path atomic.Value
	path.Store("?")
	go func() {
		buf := make([]byte, 16<<10)
		for {
			n, err := client.Read(buf)
			if n > 0 {
				if m := requestLine.FindSubmatch(buf[:n]); m != nil {
					path.Store(string(m[1]))
				}
				if _, werr := server.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := server.Read(buf)
		if n > 0 {
			p.mu.Lock()
			p.log = append(p.log, sent{time.Now(), int64(n), path.Load().(string)})
			p.mu.Unlock()
			if _, werr := client.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *countingProxy) reset() {
	p.mu.Lock()
	p.log = nil
	p.mu.Unlock()
}

// bytesUntil is the number of bytes sent to the browser up to t, in all and by request path
// (query left out).
func (p *countingProxy) bytesUntil(t time.Time) (int64, map[string]int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var total int64
	byPath := map[string]int64{}
	for _, s := range p.log {
		if !s.at.After(t) {
			total += s.n
			path, _, _ := strings.Cut(s.path, "?")
			byPath[path] += s.n
		}
	}
	return total, byPath
}
