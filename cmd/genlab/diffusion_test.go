package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// A tiny ddpm-digits trains, samples and is scored with a chosen number of sampling steps;
// absurd --steps are refused in one line.
func TestDiffusionSteps(t *testing.T) {
	dir := t.TempDir()
	fakeMNIST(t, dir)
	judge, err := filepath.Abs("../../pretrained/lenet-digits/weights.bin")
	if err != nil {
		t.Fatal(err)
	}
	cfg := `{"net":"unet","h":28,"w":28,"c":1,"pixels":true,"timeDim":8,"channels":[4,8],"blocks":1,"groups":2,"patch":2,"T":20,"schedule":"linear","sampleSteps":5,"ema":0.9}`
	if _, errOut, code := genlab(t, dir, "train", "--model", "ddpm-digits", "--steps", "2", "--config", cfg, "--out", "run"); code != 0 {
		t.Fatalf("train: %s", errOut)
	}
	if _, errOut, code := genlab(t, dir, "sample", "--model", "ddpm-digits", "--weights", "run", "-n", "4", "--steps", "20", "-o", "g.png"); code != 0 {
		t.Fatalf("sample --steps 20 (DDPM): %s", errOut)
	}
	// evalJSON scores 30 samples of 3 steps and returns the last line's JSON.
	evalJSON := func(extra ...string) map[string]float64 {
		args := append([]string{"eval", "--model", "ddpm-digits", "--weights", "run", "--json", "--limit", "20",
			"--steps", "3", "--quality", "30", "--classifier", judge}, extra...)
		out, errOut, code := genlab(t, dir, args...)
		if code != 0 {
			t.Fatalf("eval %v: %s", extra, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		var got map[string]float64
		_ = json.Unmarshal([]byte(lines[len(lines)-1]), &got)
		return got
	}
	if got := evalJSON(); !(got["inception_score"] >= 1 && got["fd"] > 0 && got["sample_steps"] == 3 && got["loss_eps"] > 0 && got["bits_per_dim"] > 0) {
		t.Fatalf("eval JSON %v", got)
	}
	// --seed picks the noise stream of the scored samples: the same seed, the same score.
	score := func(seed string) map[string]float64 { return evalJSON("--seed", seed) }
	a, b := score("7"), score("7")
	if a["inception_score"] != b["inception_score"] || a["fd"] != b["fd"] || a["sample_seed"] != 7 {
		t.Errorf("eval --seed 7 twice: %v, %v", a, b)
	}
	if c := score("8"); c["fd"] == a["fd"] {
		t.Errorf("eval --seed 8 scored the same samples as --seed 7 (fd %v)", c["fd"])
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"eval", "--model", "ddpm-digits", "--weights", "run", "--steps", "21"}, "--steps 21 out of range (1..20)"},
		{[]string{"eval", "--model", "ddpm-digits", "--weights", "run", "--steps", "-1"}, "--steps -1 out of range"},
		{[]string{"sample", "--model", "ddpm-digits", "--weights", "run", "--steps", "1000000"}, "--steps"},
	} {
		_, errOut, code := genlab(t, dir, c.args...)
		if code == 0 || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q (want one line with %q)", c.args, code, errOut, c.want)
		}
	}
}
