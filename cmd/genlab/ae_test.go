package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tiny ae-digits trains, samples (decoded draws from its fitted code Gaussian), draws its
// reconstruct view and reports its test reconstruction error; a bad config is refused in one line.
func TestAutoencoderCLI(t *testing.T) {
	dir := t.TempDir()
	fakeMNIST(t, dir)
	cfg := `{"dim":784,"hidden":[16],"latent":2}`
	if _, errOut, code := genlab(t, dir, "train", "--model", "ae-digits", "--steps", "3", "--config", cfg, "--out", "run"); code != 0 {
		t.Fatalf("train: %s", errOut)
	}
	for _, args := range [][]string{
		{"sample", "--model", "ae-digits", "--weights", "run", "-n", "9", "-o", "s.png"},
		{"sample", "--model", "ae-digits", "--weights", "run", "-n", "20", "--view", "reconstruct", "-o", "r.png"},
	} {
		if _, errOut, code := genlab(t, dir, args...); code != 0 {
			t.Fatalf("%v: %s", args, errOut)
		}
		if st, err := os.Stat(filepath.Join(dir, args[len(args)-1])); err != nil || st.Size() < 100 {
			t.Fatalf("%v wrote no PNG", args)
		}
	}
	out, errOut, code := genlab(t, dir, "eval", "--model", "ae-digits", "--weights", "run", "--json", "--limit", "30")
	if code != 0 {
		t.Fatalf("eval: %s", errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var got map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
		t.Fatalf("last line is not JSON: %q", lines[len(lines)-1])
	}
	sse, _ := got["sse_per_image"].(float64)
	mse, _ := got["mse_per_pixel"].(float64)
	if got["n"] != 30.0 || !(sse > 0) || sse/mse < 783.9 || sse/mse > 784.1 {
		t.Fatalf("eval JSON %v: want n 30 and sse_per_image = 784·mse_per_pixel > 0", got)
	}
	_, errOut, code = genlab(t, dir, "train", "--model", "ae-digits", "--steps", "1", "--config", `{"latent":0}`, "--out", "bad")
	if code == 0 || !strings.Contains(errOut, "ae config") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Fatalf("bad config: exit %d, stderr %q", code, errOut)
	}
}
