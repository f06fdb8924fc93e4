package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestDist checks that `make dist` is a self-contained static site: served by a plain file server
// (no COOP/COEP headers, no precompressed files, as on any static host), the page comes up on
// ONNX Runtime Web without errors. GENLAB_E2E_DIST_URL points it at another server instead, e.g.
// `python3 -m http.server` in dist/.
func TestDist(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e: skipped with -short; run `make test-e2e`")
	}
	chromium := findChromium()
	if chromium == "" {
		skipOrFail(t, "e2e: no Chromium (apt-get install -y chromium, or set GENLAB_CHROMIUM)")
	}
	base := os.Getenv("GENLAB_E2E_DIST_URL")
	if base == "" {
		dist, err := filepath.Abs("../dist")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dist, "pretrained", "vae-digits", "weights.bin")); err != nil {
			skipOrFail(t, "e2e: no dist/ with weights: run `make dist`")
		}
		srv := httptest.NewServer(http.FileServer(http.Dir(dist)))
		t.Cleanup(srv.Close)
		base = srv.URL
	}
	b := newBrowser(t, chromium)
	took := b.open(t, base+"/?seed=4&n=64")
	st := b.status(t)
	t.Logf("dist: first grid after %.1f s on %s", took.Seconds(), st.Backend)
	if st = waitORT(t, b); st.Backend != "onnx-wasm" {
		t.Errorf("dist page runs on %q (fallback: %s), want onnx-wasm", st.Backend, st.Fallback)
	}
	checkCanvas(t, b, filepath.Join(t.TempDir(), "dist-canvas.png"))
	checkNetwork(t, b)
	checkWorkerFetches(t, b)
	b.noProblems(t, "dist")
}
