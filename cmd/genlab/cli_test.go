package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"genlab/core/model/modeltest"
)

var bin string

func TestMain(m *testing.M) {
	dir, _ := os.MkdirTemp("", "genlab-cli")
	bin = filepath.Join(dir, "genlab")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func genlab(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// fakeMNIST writes a small data folder laid out like shared/datasets.
func fakeMNIST(t *testing.T, dir string) {
	modeltest.FakeMNIST(t, dir, 120, func(i int) float32 { return float32((i/28+i/784)%3) / 2 })
}

func TestTrainSampleEval(t *testing.T) {
	dir := t.TempDir()
	fakeMNIST(t, dir)
	cfg := `{"dim":784,"hidden":[16],"latent":2}`
	_, errOut, code := genlab(t, dir, "train", "--model", "vae-digits", "--steps", "3", "--config", cfg, "--out", "run")
	if code != 0 {
		t.Fatalf("train: %s", errOut)
	}
	for _, f := range []string{"weights.bin", "checkpoint.bin", "loss.csv", "loss.png"} {
		if _, err := os.Stat(filepath.Join(dir, "run", f)); err != nil {
			t.Fatalf("train wrote no %s", f)
		}
	}
	if _, errOut, code = genlab(t, dir, "sample", "--model", "vae-digits", "--weights", "run", "-n", "9", "-o", "g.png"); code != 0 {
		t.Fatalf("sample: %s", errOut)
	}
	if st, err := os.Stat(filepath.Join(dir, "g.png")); err != nil || st.Size() < 100 {
		t.Fatal("no grid PNG")
	}
	// The page's float16 copy: about half the bytes, and a model loads from it.
	if _, errOut, code = genlab(t, dir, "webweights", "run/weights.bin"); code != 0 {
		t.Fatalf("webweights: %s", errOut)
	}
	full, _ := os.Stat(filepath.Join(dir, "run", "weights.bin"))
	half, err := os.Stat(filepath.Join(dir, "run", "page.bin"))
	if err != nil || half.Size() > full.Size()*6/10 {
		t.Fatalf("page.bin: %v, %d bytes of %d", err, half.Size(), full.Size())
	}
	_ = os.MkdirAll(filepath.Join(dir, "half"), 0o755)
	if b, err := os.ReadFile(filepath.Join(dir, "run", "page.bin")); err != nil || os.WriteFile(filepath.Join(dir, "half", "weights.bin"), b, 0o644) != nil {
		t.Fatal(err)
	}
	if _, errOut, code = genlab(t, dir, "sample", "--model", "vae-digits", "--weights", "half", "-n", "4", "-o", "h.png"); code != 0 {
		t.Fatalf("sample from float16 weights: %s", errOut)
	}
	// first.bin, the page's first-picture copy: the encoder zeroed, the same samples as page.bin.
	_ = os.MkdirAll(filepath.Join(dir, "first"), 0o755)
	if b, err := os.ReadFile(filepath.Join(dir, "run", "first.bin")); err != nil || os.WriteFile(filepath.Join(dir, "first", "weights.bin"), b, 0o644) != nil {
		t.Fatalf("first.bin: %v", err)
	}
	if _, errOut, code = genlab(t, dir, "sample", "--model", "vae-digits", "--weights", "first", "-n", "4", "-o", "f.png"); code != 0 {
		t.Fatalf("sample from first.bin: %s", errOut)
	}
	if h, f := readFile(t, filepath.Join(dir, "h.png")), readFile(t, filepath.Join(dir, "f.png")); string(h) != string(f) {
		t.Fatal("first.bin draws other samples than page.bin")
	}
	out, errOut, code := genlab(t, dir, "eval", "--model", "vae-digits", "--weights", "run", "--json", "--samples", "5", "--limit", "20")
	if code != 0 {
		t.Fatalf("eval: %s", errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var got map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
		t.Fatalf("last line is not JSON: %q", lines[len(lines)-1])
	}
	if got["model"] != "vae-digits" || got["n"] != 20.0 || got["nll_nats"].(float64) <= 0 {
		t.Fatalf("eval JSON %v", got)
	}
}

// Bad input: a non-zero exit and one line naming the problem, never a stack trace.
func TestBadInputGivesOneLineReason(t *testing.T) {
	dir := t.TempDir()
	fakeMNIST(t, dir)
	_ = os.MkdirAll(filepath.Join(dir, "w"), 0o755)
	_ = os.WriteFile(filepath.Join(dir, "w", "weights.bin"), []byte("GENLABW1\x05\x00\x00\x00{}"), 0o644)
	trunc := filepath.Join(dir, "trunc", "mnist")
	_ = os.MkdirAll(trunc, 0o755)
	b, _ := os.ReadFile(filepath.Join(dir, "data", "mnist", "train-images-idx3-ubyte.gz"))
	_ = os.WriteFile(filepath.Join(trunc, "train-images-idx3-ubyte.gz"), b[:len(b)/2], 0o644)
	lb, _ := os.ReadFile(filepath.Join(dir, "data", "mnist", "train-labels-idx1-ubyte.gz"))
	_ = os.WriteFile(filepath.Join(trunc, "train-labels-idx1-ubyte.gz"), lb, 0o644)

	cases := []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"train", "--model", "nope"}, "unknown model"},
		{[]string{"train", "--model", "vae-digits", "--steps", "-5"}, "--steps"},
		{[]string{"train", "--model", "vae-digits", "--data", "missing"}, "missing"},
		{[]string{"train", "--model", "vae-digits", "--data", "trunc"}, "train-images"},
		{[]string{"train", "--model", "vae-digits", "--backend", "tpu"}, "tpu"},
		{[]string{"train", "--model", "vae-digits", "--config", `{"latent":-1}`}, "config"},
		{[]string{"sample", "--model", "vae-digits", "-n", "99999999"}, "-n"},
		{[]string{"sample", "--model", "vae-digits", "--weights", "nowhere"}, "no weights"},
		{[]string{"sample", "--model", "vae-digits", "--weights", "w"}, "weights.bin"},
		{[]string{"eval", "--model", "vae-digits", "--weights", "w", "--json"}, "weights.bin"},
		{[]string{"sample", "--model", "vae-digits", "stray"}, "unexpected argument"},
		{[]string{"webweights"}, "name the weights files"},
		{[]string{"webweights", "w/weights.bin"}, "weights.bin"},
	}
	for _, c := range cases {
		_, errOut, code := genlab(t, dir, c.args...)
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if code == 0 || strings.Contains(errOut, "goroutine") || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q (want it to mention %q)", c.args, code, errOut, c.want)
		} else if len(lines) > 1 && !strings.Contains(errOut, "usage") {
			t.Errorf("%v: %d lines of error: %q", c.args, len(lines), errOut)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
