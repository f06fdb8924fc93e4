//go:build !js

package flow

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"genlab/core/data"
	"genlab/core/model"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestStepCost (FLOW_BENCH=1) times realnvp-faces training steps at batch 64 on 32x32x3 images:
// wall and process CPU time per step (the machine is shared: CPU time is the steadier figure).
// FLOW_BENCH_CONFIG overrides the config.
func TestStepCost(t *testing.T) {
	if os.Getenv("FLOW_BENCH") == "" {
		t.Skip("set FLOW_BENCH=1")
	}
	cfg := []byte(os.Getenv("FLOW_BENCH_CONFIG"))
	m, err := model.New(goBackend(t), "realnvp-faces", cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for v := range m.Store().IterVariables() {
		n += v.Shape().Size()
	}
	x := &data.Images{N: 64, H: 32, W: 32, C: 3, Pix: make([]float32, 64*3072)}
	for i := range x.Pix {
		x.Pix[i] = float32((i*7919)%256) / 255
	}
	rng := model.Rand(1)
	for range 2 { // initialisation and compilation
		if _, err := m.TrainStep(x, rng); err != nil {
			t.Fatal(err)
		}
	}
	const steps = 3
	w0, c0 := time.Now(), cpuTime()
	for range steps {
		if _, err := m.TrainStep(x, rng); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Printf("config %s: %d parameters (%.2f MB), %.2f s wall, %.2f s CPU per step\n", cfg, n, float64(4*n)/1e6,
		time.Since(w0).Seconds()/steps, (cpuTime()-c0).Seconds()/steps)
}
