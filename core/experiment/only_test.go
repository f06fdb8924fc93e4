package experiment

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	_ "genlab/core/families"
	"genlab/core/model"
	"genlab/core/model/modeltest"
)

// With Env.Only a study trains the trials named, skips the others, and writes no report: for
// every study, not only the first written (the ae and made studies used to stop at the first
// trial left out).
func TestOnlyTrainsTheTrialsNamed(t *testing.T) {
	dir := t.TempDir()
	dataDir := modeltest.FakeMNIST(t, dir, 100, func(i int) float32 { return float32(i%7) / 6 })
	be, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "ae")
	env := &Env{DataDir: dataDir, Out: out, Backend: be, Log: io.Discard, Scale: 1e-9,
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
