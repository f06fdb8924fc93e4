package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAutoencoder opens ae-digits in the page: samples (decoded draws from the Gaussian fitted to
// its codes), the reconstruct view the worker serves generically, as for the VAE, and a small
// autoencoder trained in the page.
func TestAutoencoder(t *testing.T) {
	root, out, chromium := e2eEnv(t, "pretrained/ae-digits/weights.bin")
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

	// Latent size side by side: the same test digits through AEs and VAEs with codes of 2, 8
	// and 32 numbers (six small models fetched beside ae-digits' weights), one row each.
	b.open(t, base+"/?model=ae-digits&seed=3&n=64&view=latents")
	st = b.finished(t, "", 60*time.Second)
	if st.View != "latents" || !strings.Contains(st.Title, "AE codes of 2, 8, 32") {
		t.Errorf("latents view: %+v", st)
	}
	shot(t, b, out, "ae-latents")
	b.noProblems(t, "ae-digits latents")

	// A fresh small autoencoder trains in the page; its squared error falls.
	train(t, b, 12)
	b.noProblems(t, "ae-digits training")
}
