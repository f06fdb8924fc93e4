package experiment

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"genlab/core/data"
	_ "genlab/core/families"
	"genlab/core/model"
)

// With Env.Only a study trains the trials named, skips the others, and writes no report: for
// every study, not only the first written (the ae and made studies used to stop at the first
// trial left out).
func TestOnlyTrainsTheTrialsNamed(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "data", "mnist")
	if err := os.MkdirAll(m, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, split := range []string{"train", "t10k"} {
		im := &data.Images{N: 100, H: 28, W: 28, C: 1, Pix: make([]float32, 100*784), Labels: make([]uint8, 100)}
		for i := range im.Pix {
			im.Pix[i] = float32(i%7) / 6
		}
		_ = os.WriteFile(filepath.Join(m, split+"-images-idx3-ubyte.gz"), data.EncodeIDXImages(im), 0o644)
		_ = os.WriteFile(filepath.Join(m, split+"-labels-idx1-ubyte.gz"), data.EncodeIDXLabels(im.Labels), 0o644)
	}
	be, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "ae")
	env := &Env{DataDir: filepath.Join(dir, "data"), Out: out, Backend: be, Log: io.Discard, Scale: 1e-9,
		Only: map[string]bool{"d8": true}}
	if err := Run(context.Background(), "ae", env); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "runs", "d8", "weights.bin")); err != nil {
		t.Errorf("d8 was not trained: %v", err)
	}
	for _, f := range []string{"runs/d2", "runs/d64", "README.md"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("%s written, though --only named d8 alone", f)
		}
	}
}
