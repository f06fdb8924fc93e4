//go:build linux

package diffusion

import (
	"encoding/json"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"genlab/core/data"
	"genlab/core/model"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestStepTime measures training and sampling speed of a config (DIFFUSION_BENCH=<config JSON>
// or "digits"), in wall and CPU time (the machine is shared), over DIFFUSION_BENCH_N steps
// (default 3); skipped unless asked for.
func TestStepTime(t *testing.T) {
	arg := os.Getenv("DIFFUSION_BENCH")
	if arg == "" {
		t.Skip("set DIFFUSION_BENCH to a config JSON or 'digits'")
	}
	cfg := DigitsConfig
	if arg != "digits" {
		if err := json.Unmarshal([]byte(arg), &cfg); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := model.NewBackend("go")
	spec, _ := model.Lookup("ddpm-digits")
	d, err := New(b, spec, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	params := 0
	for v := range d.store.IterVariables() {
		params += v.Shape().Size()
	}
	t.Logf("%d parameters (%.2f MB)", params, float64(params)*4/1e6)
	dim := cfg.H * cfg.W * cfg.C
	x := &data.Images{N: spec.BatchSize, H: cfg.H, W: cfg.W, C: cfg.C, Pix: make([]float32, spec.BatchSize*dim)}
	rng := model.Rand(1)
	if _, err := d.TrainStep(x, rng); err != nil {
		t.Fatal(err)
	}
	n := time.Duration(3)
	if v, err := strconv.Atoi(os.Getenv("DIFFUSION_BENCH_N")); err == nil && v > 0 {
		n = time.Duration(v) // more steps: steadier figures, and a profile worth reading
	}
	start, cpu := time.Now(), cpuTime()
	for range n {
		if _, err := d.TrainStep(x, rng); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("train step (batch %d): %v wall, %v CPU", spec.BatchSize, time.Since(start)/n, (cpuTime()-cpu)/n)
	xs := model.Normals(rng, 16*dim)
	if _, err := d.Eps(xs, 500); err != nil {
		t.Fatal(err)
	}
	start, cpu = time.Now(), cpuTime()
	for range n {
		if _, err := d.Eps(xs, 500); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("ε-network on 16 images: %v wall, %v CPU per sampling step", time.Since(start)/n, (cpuTime()-cpu)/n)
}
