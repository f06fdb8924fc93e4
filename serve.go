// Command serve is the small static file server for the genlab web page
// (Go wasm + ONNX Runtime Web). Run it from the module root:
//
//	go run serve.go [-addr 127.0.0.1:8080] [-root web] [-pretrained pretrained]
//
// It serves the built page folder at / and the weights folder at
// /pretrained/, GET and HEAD only, with the cross-origin isolation headers
// (COOP/COEP/CORP) that SharedArrayBuffer and threaded wasm need.
//
// Safety: only regular files inside the two folders are reachable. Request
// paths containing "..", ".", empty segments, backslashes, NUL bytes or an
// encoded slash are rejected with 400, dotfiles and directories without an
// index.html give 404, and the target is resolved with filepath.EvalSymlinks
// and must stay inside its folder (then opened through os.Root, so a symlink
// swapped in afterwards cannot escape either).
//
// If the client accepts it, FILE.br or FILE.gz is served instead of FILE with
// Content-Encoding set (a sibling older than FILE is ignored as stale).
//
// Caching: everything is sent with an ETag and Last-Modified, so the browser
// can revalidate cheaply (304). The page, its JS glue, the app's own .wasm and
// the weights are "no-cache" (always revalidated: they change on every build
// or training run, and a stale .wasm next to a fresh JS glue breaks the
// page). The vendored ONNX Runtime files under /ort/ are
// "public, max-age=3600".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	pretrainedPrefix = "/pretrained/"
	allowedMethods   = "GET, HEAD"
	maxHeaderBytes   = 16 << 10
	shutdownTimeout  = 10 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// run parses flags, starts the server and blocks until ctx is cancelled
// (graceful shutdown) or the server fails. It returns the exit code. All
// messages, including the start line, go to logw.
func run(ctx context.Context, args []string, logw io.Writer) int {
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	fset.SetOutput(logw)
	addr := fset.String("addr", "127.0.0.1:8080", "listen address (host:port)")
	root := fset.String("root", "web", "folder of the built page, served at /")
	pretrained := fset.String("pretrained", "pretrained", "folder of the weights, served at "+pretrainedPrefix)
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(logw, "serve: unexpected argument %q\n", fset.Arg(0))
		return 2
	}
	logger := log.New(logw, "", 0)

	h, err := newHandler(*root, *pretrained)
	if err != nil {
		logger.Printf("serve: %v", err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		logger.Printf("serve: cannot listen on %s: %v", *addr, err)
		return 1
	}
	srv := newServer(h)
	srv.ErrorLog = logger
	logger.Printf("serving http://%s (root %s, pretrained %s)", displayAddr(ln.Addr()), *root, *pretrained)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		logger.Printf("serve: %v", err)
		return 1
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		logger.Printf("serve: shutdown: %v", err)
		return 1
	}
	return 0
}

// displayAddr turns the listener address into something a browser can open
// (an unspecified host such as 0.0.0.0 or :: becomes localhost).
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// newServer wraps h in an http.Server with timeouts and a header size limit.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      120 * time.Second, // multi-MB wasm and weights
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}

// handler serves root at / and pretrained at /pretrained/.
type handler struct {
	root       string // absolute
	pretrained string // absolute; may not exist (then /pretrained/ is 404)
}

// newHandler returns the file server. root must be an existing directory;
// pretrained may be missing (it is looked up on every request, as are both
// folders, so rebuilding them while the server runs is fine).
func newHandler(root, pretrained string) (http.Handler, error) {
	fi, err := os.Stat(root)
	if err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("root folder %q not found: run `make build` first", root)
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	absPre, err := filepath.Abs(pretrained)
	if err != nil {
		return nil, err
	}
	return &handler{root: absRoot, pretrained: absPre}, nil
}

// errBadPath marks a request path that is malformed or a traversal attempt.
var errBadPath = errors.New("bad path")

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Cross-Origin-Embedder-Policy", "require-corp")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	hd.Set("X-Content-Type-Options", "nosniff")

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", allowedMethods)
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}

	base, rel, err := h.mount(r.URL)
	if errors.Is(err, errBadPath) {
		http.Error(w, "400 bad request", http.StatusBadRequest)
		return
	}
	if err != nil {
		http.NotFound(w, r)
		return
	}
	urlPath := r.URL.Path

	fi, err := statInside(base, rel)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if fi.IsDir() {
		rel = path.Join(rel, "index.html")
		if fi, err = statInside(base, rel); err != nil || fi.IsDir() {
			http.NotFound(w, r) // no directory listings
			return
		}
		if !strings.HasSuffix(urlPath, "/") {
			// Relative links in index.html need the trailing slash.
			// urlPath was validated: it starts with one "/" and has no
			// empty segment, so this stays a same-origin path.
			target := r.URL.EscapedPath() + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		urlPath += "index.html"
	} else if strings.HasSuffix(urlPath, "/") {
		http.NotFound(w, r) // a file is not a directory
		return
	}

	hd.Set("Content-Type", contentType(rel))
	hd.Set("Cache-Control", cacheControl(urlPath))
	hd.Add("Vary", "Accept-Encoding")

	// Precompressed sibling, best accepted first.
	for _, enc := range preferredEncodings(r.Header.Get("Accept-Encoding")) {
		sfi, err := statInside(base, rel+enc.suffix)
		if err != nil || sfi.IsDir() || sfi.ModTime().Before(fi.ModTime()) {
			continue
		}
		f, sfi, err := openInside(base, rel+enc.suffix)
		if err != nil {
			continue
		}
		defer f.Close()
		hd.Set("Content-Encoding", enc.name)
		hd.Set("ETag", etag(sfi, enc.name))
		// Ranges of the encoded bytes are not worth supporting: send it all.
		// ServeContent leaves Content-Length out when Content-Encoding is
		// set; the length of the stored variant is known, so send it.
		r.Header.Del("Range")
		hd.Set("Content-Length", strconv.FormatInt(sfi.Size(), 10))
		http.ServeContent(w, r, "", sfi.ModTime(), f)
		return
	}

	f, fi, err := openInside(base, rel)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	hd.Set("ETag", etag(fi, ""))
	http.ServeContent(w, r, "", fi.ModTime(), f) // handles HEAD, Range, 304
}

// mount validates the request path and maps it to (folder, slash-separated
// relative path). The relative path is "." for the folder itself. It returns
// errBadPath for malformed or traversal paths and fs.ErrNotExist for
// dotfiles.
func (h *handler) mount(u *url.URL) (base, rel string, err error) {
	p := u.Path
	if !strings.HasPrefix(p, "/") ||
		strings.ContainsAny(p, "\\\x00") ||
		strings.Contains(strings.ToLower(u.RawPath), "%2f") {
		return "", "", errBadPath
	}
	segs := strings.Split(p[1:], "/")
	for i, s := range segs {
		switch {
		case s == "" && i == len(segs)-1: // "/" or a trailing slash
		case s == "", s == ".", s == "..":
			return "", "", errBadPath
		case s[0] == '.':
			return "", "", fs.ErrNotExist // dotfile
		}
	}
	base, rel = h.root, p[1:]
	if p == "/pretrained" || strings.HasPrefix(p, pretrainedPrefix) {
		base, rel = h.pretrained, strings.TrimPrefix(strings.TrimPrefix(p, "/pretrained"), "/")
	}
	rel = strings.TrimSuffix(rel, "/")
	if rel == "" {
		rel = "."
	}
	if _, err := filepath.Localize(rel); err != nil {
		return "", "", errBadPath
	}
	return base, rel, nil
}

// resolveInside resolves symlinks in base/rel and returns the real folder and
// the real path relative to it (without symlinks). It fails if the result
// leaves the folder or passes through a dot-named entry.
func resolveInside(base, rel string) (realBase, realRel string, err error) {
	local, err := filepath.Localize(rel)
	if err != nil {
		return "", "", err
	}
	realBase, err = filepath.EvalSymlinks(base)
	if err != nil {
		return "", "", err
	}
	real, err := filepath.EvalSymlinks(filepath.Join(realBase, local))
	if err != nil {
		return "", "", err
	}
	realRel, err = filepath.Rel(realBase, real)
	if err != nil || !filepath.IsLocal(realRel) {
		return "", "", fs.ErrNotExist // outside the folder
	}
	if realRel != "." {
		for _, s := range strings.Split(filepath.ToSlash(realRel), "/") {
			if strings.HasPrefix(s, ".") {
				return "", "", fs.ErrNotExist // symlink to a dotfile
			}
		}
	}
	return realBase, realRel, nil
}

// statInside returns the info of base/rel if it resolves to a regular file
// or a directory inside base.
func statInside(base, rel string) (fs.FileInfo, error) {
	realBase, realRel, err := resolveInside(base, rel)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(realBase)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	fi, err := root.Stat(realRel)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() && !fi.IsDir() {
		return nil, fs.ErrNotExist // no devices, FIFOs, sockets
	}
	return fi, nil
}

// openInside opens the regular file base/rel and returns it with its info.
// Opening goes through os.Root, so a symlink swapped in after the check
// still cannot escape base.
func openInside(base, rel string) (*os.File, fs.FileInfo, error) {
	realBase, realRel, err := resolveInside(base, rel)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.OpenInRoot(realBase, realRel)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fs.ErrNotExist
	}
	return f, fi, nil
}

// etag is a validator from size and modification time (ServeContent handles
// If-None-Match / If-Modified-Since with it).
func etag(fi fs.FileInfo, enc string) string {
	t := strconv.FormatInt(fi.Size(), 36) + "-" + strconv.FormatInt(fi.ModTime().UnixNano(), 36)
	if enc != "" {
		t += "-" + enc
	}
	return `"` + t + `"`
}

var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".wasm":        "application/wasm",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".svg":         "image/svg+xml",
	".ico":         "image/x-icon",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".woff2":       "font/woff2",
	".bin":         "application/octet-stream",
	".onnx":        "application/octet-stream",
	".safetensors": "application/octet-stream",
}

// contentType is the type of the original (uncompressed) name.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// cacheControl: vendored ONNX Runtime files may be cached for an hour;
// everything else (page, JS glue, app wasm, weights) changes between builds
// and is always revalidated (cheap 304 thanks to ETag/Last-Modified).
func cacheControl(urlPath string) string {
	if strings.HasPrefix(urlPath, "/ort/") {
		return "public, max-age=3600"
	}
	return "no-cache"
}

type encoding struct{ name, suffix string }

// preferredEncodings lists the precompressed encodings the Accept-Encoding
// header allows (q > 0), best first; br wins ties.
func preferredEncodings(accept string) []encoding {
	qbr, qgz := encodingQ(accept, "br"), encodingQ(accept, "gzip")
	br, gz := encoding{"br", ".br"}, encoding{"gzip", ".gz"}
	switch {
	case qbr > 0 && qgz > 0 && qgz > qbr:
		return []encoding{gz, br}
	case qbr > 0 && qgz > 0:
		return []encoding{br, gz}
	case qbr > 0:
		return []encoding{br}
	case qgz > 0:
		return []encoding{gz}
	}
	return nil
}

// encodingQ is the quality value Accept-Encoding gives coding enc (0 when
// absent or refused). An explicit entry beats "*". "x-gzip" counts as gzip.
func encodingQ(accept, enc string) float64 {
	explicit, star := -1.0, -1.0
	for _, item := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(item, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "x-gzip" {
			name = "gzip"
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(p, "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				f = 0
			}
			q = f
		}
		switch name {
		case enc:
			explicit = max(explicit, q)
		case "*":
			star = max(star, q)
		}
	}
	if explicit >= 0 {
		return explicit
	}
	return max(star, 0)
}
