package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	secretContent = "TOPSECRET-4f2a9c"
	dotenvContent = "DOTENV-SECRET-77"
	gitContent    = "GITCONFIG-SECRET-91"
	appJS         = "console.log('app glue');\n"
	indexHTML     = "<!doctype html><title>genlab</title><h1>root index</h1>\n"
	subIndexHTML  = "<!doctype html><h1>sub index</h1>\n"
	brWasm        = "BROTLI-BYTES-OF-main.wasm"
	wBin          = "WEIGHTS-0123456789"
)

var wasmBytes = append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte{7}, 100)...)

// fixture lays out:
//
//	tmp/secret.txt               outside both folders
//	tmp/web/...                  the page (root)
//	tmp/pretrained/...           the weights
type fixture struct {
	tmp, web, pre string
	h             http.Handler
	symlinks      bool
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	tmp := t.TempDir()
	fx := &fixture{tmp: tmp, web: filepath.Join(tmp, "web"), pre: filepath.Join(tmp, "pretrained")}
	old := time.Now().Add(-time.Hour)
	files := map[string]string{
		"secret.txt":                secretContent,
		"web/index.html":            indexHTML,
		"web/app.js":                appJS,
		"web/lib.mjs":               "export const x = 1;\n",
		"web/style.css":             "body{}\n",
		"web/data.json":             `{"a":1}`,
		"web/img.png":               "\x89PNG\r\n\x1a\n....",
		"web/model.bin":             "\x01\x02\x03",
		"web/main.wasm.br":          brWasm,
		"web/sub/index.html":        subIndexHTML,
		"web/.env":                  dotenvContent,
		"web/.git/config":           gitContent,
		"web/ort/ort.min.js":        "/* ort */\n",
		"web/ort/ort-wasm.wasm":     "\x00asm\x01\x00\x00\x00",
		"web/stale.js":              "fresh();\n",
		"web/stale.js.br":           "OLD-BROTLI",
		"pretrained/w.bin":          wBin,
		"pretrained/.hidden/w2.bin": "HIDDEN",
	}
	bin := map[string][]byte{
		"web/main.wasm":     wasmBytes,
		"web/main.wasm.gz":  gz(t, wasmBytes),
		"web/app.js.gz":     gz(t, []byte(appJS)),
		"web/index.html.gz": gz(t, []byte(indexHTML)),
	}
	for name, s := range files {
		bin[name] = []byte(s)
	}
	for name, b := range bin {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(fx.web, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The precompressed main.wasm siblings are written after main.wasm, but
	// make the mtimes explicit; stale.js.br is older than stale.js.
	now := time.Now()
	for _, n := range []string{"web/main.wasm", "web/app.js", "web/index.html"} {
		chtimes(t, filepath.Join(tmp, n), now.Add(-time.Minute))
	}
	chtimes(t, filepath.Join(fx.web, "stale.js.br"), old)

	links := map[string]string{
		"web/link-in.js":            "app.js",
		"web/link-abs-in.json":      filepath.Join(fx.web, "data.json"),
		"web/linkdir-in":            "sub",
		"web/link-out.txt":          "../secret.txt",
		"web/link-out-abs.txt":      filepath.Join(tmp, "secret.txt"),
		"web/linkdir-out":           "..",
		"web/link-dot.txt":          ".env",
		"pretrained/link-web.html":  "../web/index.html",
		"pretrained/link-out.bin":   "../secret.txt",
		"pretrained/link-in.bin":    "w.bin",
		"web-link":                  "web",
		"web/sub/link-up-in.js":     "../app.js",
		"web/sub/link-up-out.txt":   "../../secret.txt",
		"web/sub/link-chain-out.js": "../link-out.txt",
	}
	fx.symlinks = true
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(tmp, filepath.FromSlash(name))); err != nil {
			fx.symlinks = false
			break
		}
	}
	h, err := newHandler(fx.web, fx.pre)
	if err != nil {
		t.Fatal(err)
	}
	fx.h = h
	return fx
}

func chtimes(t *testing.T, p string, tm time.Time) {
	t.Helper()
	if err := os.Chtimes(p, tm, tm); err != nil {
		t.Fatal(err)
	}
}

// do runs one request through the handler (no server).
func (fx *fixture) do(t *testing.T, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, req)
	return rec
}

// server starts a real server configured like main's.
func (fx *fixture) server(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(fx.h)
	ts.Config = newServer(fx.h)
	ts.Config.ErrorLog = nil
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// raw sends bytes over TCP so that no client cleans the path, and returns
// the parsed response and its body.
func raw(t *testing.T, addr, request string) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatalf("write: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read response to %q: %v", request[:min(len(request), 80)], err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, string(b)
}

func rawGet(t *testing.T, addr, target string) (*http.Response, string) {
	t.Helper()
	return raw(t, addr, "GET "+target+" HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n")
}

func TestMIMETypes(t *testing.T) {
	fx := newFixture(t)
	for _, tc := range []struct{ path, want string }{
		{"/main.wasm", "application/wasm"},
		{"/ort/ort-wasm.wasm", "application/wasm"},
		{"/app.js", "text/javascript; charset=utf-8"},
		{"/lib.mjs", "text/javascript; charset=utf-8"},
		{"/ort/ort.min.js", "text/javascript; charset=utf-8"},
		{"/data.json", "application/json"},
		{"/img.png", "image/png"},
		{"/model.bin", "application/octet-stream"},
		{"/pretrained/w.bin", "application/octet-stream"},
		{"/style.css", "text/css; charset=utf-8"},
		{"/", "text/html; charset=utf-8"},
		{"/index.html", "text/html; charset=utf-8"},
	} {
		rec := fx.do(t, "GET", tc.path)
		if rec.Code != 200 {
			t.Errorf("%s: status %d", tc.path, rec.Code)
			continue
		}
		if got := rec.Header().Get("Content-Type"); got != tc.want {
			t.Errorf("%s: Content-Type %q, want %q", tc.path, got, tc.want)
		}
		if rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: unexpected Content-Encoding without Accept-Encoding", tc.path)
		}
	}
	if got := fx.do(t, "GET", "/main.wasm").Body.Bytes(); !bytes.Equal(got, wasmBytes) {
		t.Errorf("/main.wasm body mismatch")
	}
}

func TestPrecompressedNegotiation(t *testing.T) {
	fx := newFixture(t)
	gzWasm, err := os.ReadFile(filepath.Join(fx.web, "main.wasm.gz"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		accept, wantEnc string
	}{
		{"", ""},
		{"br", "br"},
		{"BR", "br"},
		{"gzip", "gzip"},
		{"x-gzip", "gzip"},
		{"gzip, deflate, br, zstd", "br"},
		{"deflate", ""},
		{"identity", ""},
		{"br;q=0, gzip", "gzip"},
		{"br; q=0.0, gzip;q=1.0", "gzip"},
		{"br;q=0.5, gzip;q=0.8", "gzip"},
		{"br;q=0.8, gzip;q=0.8", "br"},
		{"br;q=0, gzip;q=0", ""},
		{"*", "br"},
		{"*, br;q=0", "gzip"},
		{"*;q=0", ""},
		{"br;q=bogus, gzip", "gzip"},
	} {
		var hdr []string
		if tc.accept != "" {
			hdr = []string{"Accept-Encoding", tc.accept}
		}
		rec := fx.do(t, "GET", "/main.wasm", hdr...)
		h := rec.Header()
		if rec.Code != 200 {
			t.Errorf("accept %q: status %d", tc.accept, rec.Code)
			continue
		}
		if got := h.Get("Content-Encoding"); got != tc.wantEnc {
			t.Errorf("accept %q: Content-Encoding %q, want %q", tc.accept, got, tc.wantEnc)
		}
		if got := h.Get("Content-Type"); got != "application/wasm" {
			t.Errorf("accept %q: Content-Type %q", tc.accept, got)
		}
		if !strings.Contains(h.Get("Vary"), "Accept-Encoding") {
			t.Errorf("accept %q: Vary %q lacks Accept-Encoding", tc.accept, h.Get("Vary"))
		}
		want := map[string][]byte{"": wasmBytes, "br": []byte(brWasm), "gzip": gzWasm}[tc.wantEnc]
		if !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("accept %q: body is not the %q variant", tc.accept, tc.wantEnc)
		}
		if cl := h.Get("Content-Length"); cl != strconv.Itoa(len(want)) {
			t.Errorf("accept %q: Content-Length %q, want %d", tc.accept, cl, len(want))
		}
	}

	// The gzip variant really decodes to the original.
	rec := fx.do(t, "GET", "/main.wasm", "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if dec, _ := io.ReadAll(zr); !bytes.Equal(dec, wasmBytes) {
		t.Error("gzip variant does not decode to main.wasm")
	}

	// Variants have distinct validators.
	e0 := fx.do(t, "GET", "/main.wasm").Header().Get("ETag")
	e1 := fx.do(t, "GET", "/main.wasm", "Accept-Encoding", "br").Header().Get("ETag")
	e2 := fx.do(t, "GET", "/main.wasm", "Accept-Encoding", "gzip").Header().Get("ETag")
	if e0 == "" || e0 == e1 || e0 == e2 || e1 == e2 {
		t.Errorf("ETags not distinct: %q %q %q", e0, e1, e2)
	}

	// Only a .gz sibling: br-first clients get gzip.
	rec = fx.do(t, "GET", "/app.js", "Accept-Encoding", "br, gzip")
	if rec.Header().Get("Content-Encoding") != "gzip" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
		t.Errorf("/app.js: enc %q type %q", rec.Header().Get("Content-Encoding"), rec.Header().Get("Content-Type"))
	}
	// Directory index gets its sibling too, with the html type.
	rec = fx.do(t, "GET", "/", "Accept-Encoding", "gzip")
	if rec.Header().Get("Content-Encoding") != "gzip" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("/: enc %q type %q", rec.Header().Get("Content-Encoding"), rec.Header().Get("Content-Type"))
	}
	// A sibling older than the file is stale and ignored.
	rec = fx.do(t, "GET", "/stale.js", "Accept-Encoding", "br")
	if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != "fresh();\n" {
		t.Errorf("/stale.js: served stale sibling (enc %q, body %q)", rec.Header().Get("Content-Encoding"), rec.Body.String())
	}
	// No sibling: plain.
	rec = fx.do(t, "GET", "/data.json", "Accept-Encoding", "br, gzip")
	if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != `{"a":1}` {
		t.Errorf("/data.json: enc %q body %q", rec.Header().Get("Content-Encoding"), rec.Body.String())
	}
}

func TestHEAD(t *testing.T) {
	fx := newFixture(t)
	for _, tc := range []struct {
		accept, enc string
		size        int
	}{
		{"", "", len(wasmBytes)},
		{"br", "br", len(brWasm)},
	} {
		rec := fx.do(t, "HEAD", "/main.wasm", "Accept-Encoding", tc.accept)
		h := rec.Header()
		if rec.Code != 200 || h.Get("Content-Encoding") != tc.enc || h.Get("Content-Type") != "application/wasm" ||
			h.Get("Content-Length") != strconv.Itoa(tc.size) || h.Get("ETag") == "" || h.Get("Last-Modified") == "" {
			t.Errorf("HEAD accept %q: %d %v", tc.accept, rec.Code, h)
		}
		if rec.Body.Len() != 0 {
			t.Errorf("HEAD accept %q: body of %d bytes", tc.accept, rec.Body.Len())
		}
	}
	// HEAD over a real connection, too.
	ts := fx.server(t)
	resp, err := http.Head(ts.URL + "/pretrained/w.bin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(wBin)) {
		t.Errorf("HEAD /pretrained/w.bin: %d, length %d", resp.StatusCode, resp.ContentLength)
	}
}

func TestRangeAndRevalidation(t *testing.T) {
	fx := newFixture(t)
	rec := fx.do(t, "GET", "/app.js", "Range", "bytes=0-6")
	if rec.Code != http.StatusPartialContent || rec.Body.String() != appJS[:7] ||
		rec.Header().Get("Content-Range") != "bytes 0-6/"+strconv.Itoa(len(appJS)) {
		t.Errorf("range: %d %q %q", rec.Code, rec.Body.String(), rec.Header().Get("Content-Range"))
	}
	// A range on an encoded variant is ignored: the whole variant is sent.
	rec = fx.do(t, "GET", "/main.wasm", "Range", "bytes=0-3", "Accept-Encoding", "br")
	if rec.Code != 200 || rec.Body.String() != brWasm {
		t.Errorf("range on br: %d %q", rec.Code, rec.Body.String())
	}
	for _, accept := range []string{"", "br"} {
		first := fx.do(t, "GET", "/main.wasm", "Accept-Encoding", accept)
		tag := first.Header().Get("ETag")
		rec = fx.do(t, "GET", "/main.wasm", "Accept-Encoding", accept, "If-None-Match", tag)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("If-None-Match (accept %q): %d, %d bytes", accept, rec.Code, rec.Body.Len())
		}
		rec = fx.do(t, "GET", "/main.wasm", "Accept-Encoding", accept, "If-Modified-Since", first.Header().Get("Last-Modified"))
		if rec.Code != http.StatusNotModified {
			t.Errorf("If-Modified-Since (accept %q): %d", accept, rec.Code)
		}
	}
	rec = fx.do(t, "GET", "/main.wasm", "If-None-Match", `"something-else"`)
	if rec.Code != 200 {
		t.Errorf("non-matching If-None-Match: %d", rec.Code)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	fx := newFixture(t)
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"} {
		rec := fx.do(t, m, "/app.js")
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d", m, rec.Code)
		}
		if got := rec.Header().Get("Allow"); got != "GET, HEAD" {
			t.Errorf("%s: Allow %q", m, got)
		}
		if strings.Contains(rec.Body.String(), "app glue") {
			t.Errorf("%s: body leaked the file", m)
		}
		if rec.Header().Get("Cross-Origin-Embedder-Policy") != "require-corp" {
			t.Errorf("%s: no COEP on 405", m)
		}
	}
	// Over a real connection with a body.
	ts := fx.server(t)
	resp, err := http.Post(ts.URL+"/app.js", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST over TCP: %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestTraversalRefused(t *testing.T) {
	fx := newFixture(t)
	ts := fx.server(t)
	addr := ts.Listener.Addr().String()

	// The harness itself works: raw requests do reach files.
	if resp, body := rawGet(t, addr, "/app.js"); resp.StatusCode != 200 || body != appJS {
		t.Fatalf("sanity: /app.js gave %d %q", resp.StatusCode, body)
	}
	if resp, body := rawGet(t, addr, "/pretrained/w.bin"); resp.StatusCode != 200 || body != wBin {
		t.Fatalf("sanity: /pretrained/w.bin gave %d %q", resp.StatusCode, body)
	}

	slashTmp := filepath.ToSlash(fx.tmp)
	targets := []string{
		"/../secret.txt",
		"/../../secret.txt",
		"/sub/../../secret.txt",
		"/sub/../secret.txt",
		"/./../secret.txt",
		"/%2e%2e/secret.txt",
		"/%2E%2E/secret.txt",
		"/.%2e/secret.txt",
		"/%2e./secret.txt",
		"/%2e%2e%2fsecret.txt",
		"/..%2fsecret.txt",
		"/..%2Fsecret.txt",
		"/sub%2f..%2f..%2fsecret.txt",
		"/%2f..%2fsecret.txt",
		"/%252e%252e/secret.txt",
		"/%252e%252e%252fsecret.txt",
		"//../secret.txt",
		"/sub//../../secret.txt",
		"//" + strings.TrimPrefix(slashTmp, "/") + "/secret.txt",
		"/" + strings.TrimPrefix(slashTmp, "/") + "/secret.txt",
		"/..\\secret.txt",
		"/\\..\\secret.txt",
		"/sub\\..\\..\\secret.txt",
		"/%5c..%5csecret.txt",
		"/..%5csecret.txt",
		"/..%5Csecret.txt",
		"/%00/../secret.txt",
		"/..%00/secret.txt",
		"/secret.txt%00.html",
		"/\x00/../secret.txt",
		"/..\x00/secret.txt",
		"/pretrained/../secret.txt",
		"/pretrained/../../secret.txt",
		"/pretrained/..%2f..%2fsecret.txt",
		"/pretrained/%2e%2e/%2e%2e/secret.txt",
		"/pretrained//../secret.txt",
		"/pretrained/..\\..\\secret.txt",
		"http://example.test/../secret.txt",
		"http://example.test/%2e%2e/secret.txt",
		"/.env",
		"/%2eenv",
		"/sub/../.env",
		"/.git/config",
		"/%2egit/config",
		"/pretrained/.hidden/w2.bin",
	}
	if fx.symlinks {
		targets = append(targets,
			"/link-out.txt",
			"/link-out-abs.txt",
			"/linkdir-out/secret.txt",
			"/linkdir-out/web/.env",
			"/link-dot.txt",
			"/sub/link-up-out.txt",
			"/sub/link-chain-out.js",
			"/pretrained/link-out.bin",
		)
	}
	forbidden := []string{secretContent, dotenvContent, gitContent, "HIDDEN"}
	for _, target := range targets {
		resp, body := rawGet(t, addr, target)
		if resp.StatusCode != 400 && resp.StatusCode != 404 {
			t.Errorf("%q: status %d, want 400 or 404", target, resp.StatusCode)
		}
		for _, f := range forbidden {
			if strings.Contains(body, f) {
				t.Errorf("%q: body leaked %q", target, f)
			}
		}

		// The same request straight into the handler, parsed exactly as the
		// server parses it (RawPath / RequestURI kept), where it parses.
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: example.test\r\n\r\n")))
		if err != nil {
			continue // the server answered 400 itself; checked above
		}
		rec := httptest.NewRecorder()
		fx.h.ServeHTTP(rec, req)
		if rec.Code != 400 && rec.Code != 404 {
			t.Errorf("handler %q: status %d", target, rec.Code)
		}
		for _, f := range forbidden {
			if strings.Contains(rec.Body.String(), f) {
				t.Errorf("handler %q: body leaked %q", target, f)
			}
		}
	}

	// Encoded slashes and backslashes are rejected as malformed (400), not
	// merely not found.
	for _, target := range []string{"/sub%2findex.html", "/..%2fsecret.txt", "/a\\b", "/%00", "/./app.js", "/sub/../app.js", "//app.js"} {
		if resp, _ := rawGet(t, addr, target); resp.StatusCode != 400 {
			t.Errorf("%q: status %d, want 400", target, resp.StatusCode)
		}
	}
}

func TestSymlinks(t *testing.T) {
	fx := newFixture(t)
	if !fx.symlinks {
		t.Skip("symlinks not supported here")
	}
	for _, tc := range []struct {
		path string
		code int
		body string
	}{
		{"/link-in.js", 200, appJS},
		{"/link-abs-in.json", 200, `{"a":1}`},
		{"/linkdir-in/", 200, subIndexHTML},
		{"/linkdir-in/index.html", 200, subIndexHTML},
		{"/sub/link-up-in.js", 200, appJS},
		{"/pretrained/link-in.bin", 200, wBin},
		{"/link-out.txt", 404, ""},
		{"/link-out-abs.txt", 404, ""},
		{"/linkdir-out/secret.txt", 404, ""},
		{"/linkdir-out/", 404, ""},
		{"/link-dot.txt", 404, ""},
		{"/sub/link-chain-out.js", 404, ""},
		// Inside the page folder but outside the weights folder.
		{"/pretrained/link-web.html", 404, ""},
	} {
		rec := fx.do(t, "GET", tc.path)
		if rec.Code != tc.code || (tc.body != "" && rec.Body.String() != tc.body) {
			t.Errorf("%s: %d %q, want %d %q", tc.path, rec.Code, rec.Body.String(), tc.code, tc.body)
		}
		if strings.Contains(rec.Body.String(), secretContent) {
			t.Errorf("%s: leaked the secret", tc.path)
		}
	}
	if rec := fx.do(t, "GET", "/link-in.js"); !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
		t.Errorf("symlink type %q", rec.Header().Get("Content-Type"))
	}

	// The root folder itself may be a symlink.
	h, err := newHandler(filepath.Join(fx.tmp, "web-link"), fx.pre)
	if err != nil {
		t.Fatal(err)
	}
	for path, code := range map[string]int{"/app.js": 200, "/link-out.txt": 404, "/../secret.txt": 400} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != code {
			t.Errorf("symlinked root %s: %d, want %d", path, rec.Code, code)
		}
	}
}

func TestDotfiles(t *testing.T) {
	fx := newFixture(t)
	for _, p := range []string{"/.env", "/.git/config", "/.git/", "/.git", "/.well-known/x", "/pretrained/.hidden/w2.bin", "/sub/.x"} {
		rec := fx.do(t, "GET", p)
		if rec.Code != 404 {
			t.Errorf("%s: %d, want 404", p, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "SECRET") || strings.Contains(rec.Body.String(), "HIDDEN") {
			t.Errorf("%s: leaked", p)
		}
	}
}

func TestHeaders(t *testing.T) {
	fx := newFixture(t)
	security := map[string]string{
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Embedder-Policy": "require-corp",
		"Cross-Origin-Resource-Policy": "same-origin",
		"X-Content-Type-Options":       "nosniff",
	}
	for _, tc := range []struct {
		method, path string
		code         int
		cache        string
	}{
		{"GET", "/", 200, "no-cache"},
		{"GET", "/index.html", 200, "no-cache"},
		{"GET", "/app.js", 200, "no-cache"},
		{"GET", "/main.wasm", 200, "no-cache"},
		{"GET", "/data.json", 200, "no-cache"},
		{"GET", "/ort/ort.min.js", 200, "public, max-age=3600"},
		{"GET", "/ort/ort-wasm.wasm", 200, "public, max-age=3600"},
		{"GET", "/pretrained/w.bin", 200, "no-cache"},
		{"HEAD", "/main.wasm", 200, "no-cache"},
		{"GET", "/missing.js", 404, ""},
		{"GET", "/sub", 301, ""},
		{"GET", "/../x", 400, ""},
		{"POST", "/", 405, ""},
	} {
		rec := fx.do(t, tc.method, tc.path)
		h := rec.Header()
		if rec.Code != tc.code {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, rec.Code, tc.code)
		}
		for k, v := range security {
			if got := h.Get(k); got != v {
				t.Errorf("%s %s: %s %q, want %q", tc.method, tc.path, k, got, v)
			}
		}
		if tc.code != 200 {
			continue
		}
		if got := h.Get("Cache-Control"); got != tc.cache {
			t.Errorf("%s %s: Cache-Control %q, want %q", tc.method, tc.path, got, tc.cache)
		}
		if h.Get("ETag") == "" || h.Get("Last-Modified") == "" {
			t.Errorf("%s %s: ETag %q Last-Modified %q", tc.method, tc.path, h.Get("ETag"), h.Get("Last-Modified"))
		}
	}
}

func TestDirectories(t *testing.T) {
	fx := newFixture(t)
	for _, tc := range []struct {
		path     string
		code     int
		body     string
		location string
	}{
		{"/", 200, indexHTML, ""},
		{"/index.html", 200, indexHTML, ""},
		{"/sub/", 200, subIndexHTML, ""},
		{"/sub", 301, "", "/sub/"},
		{"/sub?v=2", 301, "", "/sub/?v=2"},
		{"/empty/", 404, "", ""},
		{"/empty", 404, "", ""},
		{"/ort/", 404, "", ""},
		{"/pretrained/", 404, "", ""},
		{"/pretrained", 404, "", ""},
		{"/app.js/", 404, "", ""},
		{"/nope/", 404, "", ""},
	} {
		rec := fx.do(t, "GET", tc.path)
		if rec.Code != tc.code {
			t.Errorf("%s: %d, want %d", tc.path, rec.Code, tc.code)
		}
		if tc.body != "" && rec.Body.String() != tc.body {
			t.Errorf("%s: body %q", tc.path, rec.Body.String())
		}
		if got := rec.Header().Get("Location"); got != tc.location {
			t.Errorf("%s: Location %q, want %q", tc.path, got, tc.location)
		}
		// No listings.
		for _, name := range []string{"ort.min.js", "w.bin", "index.html", "app.js"} {
			if tc.code != 200 && strings.Contains(rec.Body.String(), name) {
				t.Errorf("%s: body lists %q", tc.path, name)
			}
		}
	}
}

func TestOversizedHeaders(t *testing.T) {
	fx := newFixture(t)
	ts := fx.server(t)
	addr := ts.Listener.Addr().String()
	req := func(n int) string {
		return "GET /app.js HTTP/1.1\r\nHost: example.test\r\nX-Big: " + strings.Repeat("a", n) + "\r\nConnection: close\r\n\r\n"
	}
	if resp, body := raw(t, addr, req(4<<10)); resp.StatusCode != 200 || body != appJS {
		t.Errorf("4 KiB header: %d", resp.StatusCode)
	}
	if resp, _ := raw(t, addr, req(64<<10)); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KiB header: %d, want 431", resp.StatusCode)
	}
}

func TestServerConfig(t *testing.T) {
	srv := newServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.IdleTimeout <= 0 || srv.WriteTimeout < 60*time.Second {
		t.Errorf("timeouts: %+v", srv)
	}
	if srv.MaxHeaderBytes != 16<<10 {
		t.Errorf("MaxHeaderBytes %d", srv.MaxHeaderBytes)
	}
	if _, err := newHandler(filepath.Join(t.TempDir(), "nope"), "pretrained"); err == nil {
		t.Error("newHandler accepted a missing root")
	}
	// A missing weights folder is fine: /pretrained/ is just 404.
	dir := t.TempDir()
	h, err := newHandler(dir, filepath.Join(dir, "no-weights"))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/pretrained/w.bin", nil))
	if rec.Code != 404 {
		t.Errorf("missing pretrained: %d", rec.Code)
	}
	for in, want := range map[string]string{"0.0.0.0:80": "localhost:80", "[::]:8080": "localhost:8080", "127.0.0.1:1": "127.0.0.1:1", "[::1]:2": "[::1]:2"} {
		a, err := net.ResolveTCPAddr("tcp", in)
		if err != nil {
			t.Fatal(err)
		}
		if got := displayAddr(a); got != want {
			t.Errorf("displayAddr(%s) = %s, want %s", in, got, want)
		}
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunErrors(t *testing.T) {
	var out bytes.Buffer
	missing := filepath.Join(t.TempDir(), "web")
	if code := run(context.Background(), []string{"-root", missing, "-addr", "127.0.0.1:0"}, &out); code == 0 {
		t.Error("missing root: exit 0")
	}
	if s := out.String(); strings.Count(s, "\n") != 1 || !strings.Contains(s, "make build") {
		t.Errorf("missing root message: %q", s)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	out.Reset()
	if code := run(context.Background(), []string{"-root", t.TempDir(), "-addr", ln.Addr().String()}, &out); code != 1 {
		t.Errorf("address in use: exit %d", code)
	}
	if s := out.String(); strings.Count(s, "\n") != 1 || !strings.Contains(s, ln.Addr().String()) {
		t.Errorf("address in use message: %q", s)
	}

	out.Reset()
	if code := run(context.Background(), []string{"-bogus"}, &out); code != 2 {
		t.Errorf("bad flag: exit %d", code)
	}
}

func TestRunServesAndShutsDown(t *testing.T) {
	fx := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logw := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-root", fx.web, "-pretrained", fx.pre}, logw)
	}()

	var line string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if s := logw.String(); strings.HasSuffix(s, "\n") {
			line = s
			break
		}
	}
	wantTail := " (root " + fx.web + ", pretrained " + fx.pre + ")\n"
	if !strings.HasPrefix(line, "serving http://127.0.0.1:") || !strings.HasSuffix(line, wantTail) || strings.Count(line, "\n") != 1 {
		t.Fatalf("start line %q", line)
	}
	url := strings.Fields(line)[1]
	resp, err := http.Get(url + "/main.wasm")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/wasm" ||
		resp.Header.Get("Cross-Origin-Opener-Policy") != "same-origin" {
		t.Errorf("GET via run: %d %v", resp.StatusCode, resp.Header)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after shutdown; log %q", code, logw.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if _, err := http.Get(url + "/"); err == nil {
		t.Error("server still answering after shutdown")
	}
}
