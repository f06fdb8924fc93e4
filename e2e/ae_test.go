package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAutoencoder opens ae-digits in the page: samples (decoded draws from the Gaussian fitted to
// its codes), the reconstruct view the worker serves generically, as for the VAE, and a small
// autoencoder trained in the page.
func TestAutoencoder(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e: skipped with -short (it drives headless Chromium); run `make test-e2e`")
	}
	chromium := findChromium()
	if chromium == "" {
		skipOrFail(t, "e2e: no Chromium (apt-get install -y chromium, or set GENLAB_CHROMIUM)")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(needed, "pretrained/ae-digits/weights.bin") {
		if !exists(filepath.Join(root, f)) {
			skipOrFail(t, "e2e: %s is missing: run `make build` (and train or copy pretrained weights)", f)
		}
	}
	out := os.Getenv("GENLAB_E2E_OUT")
	if out == "" {
		out = filepath.Join(root, "e2e", "out")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	base := startServer(t, root)
	b := newBrowser(t, chromium)

	b.open(t, base+"/?model=ae-digits&seed=3&n=16")
	st := b.finished(t, "", 60*time.Second)
	if st.Model != "ae-digits" || st.Family != "ae" || st.N != 16 {
		t.Errorf("status %+v: want 16 samples of ae-digits (family ae)", st)
	}
	shot(t, b, out, "ae-samples")
	b.noProblems(t, "ae-digits samples")

	b.open(t, base+"/?model=ae-digits&seed=3&n=40&view=reconstruct")
	st = b.finished(t, "", 60*time.Second)
	if st.View != "reconstruct" || !strings.Contains(st.Title, "reconstructions") {
		t.Errorf("reconstruct view: %+v", st)
	}
	shot(t, b, out, "ae-reconstruct")
	b.save(t, filepath.Join(out, "ae.png"))
	b.noProblems(t, "ae-digits reconstruct")

	// A fresh small autoencoder trains in the page; its squared error falls.
	train(t, b, 12)
	b.noProblems(t, "ae-digits training")
}
