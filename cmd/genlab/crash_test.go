package main

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"genlab/core/model"
	"genlab/core/train"
)

// TestCrashSafety kills `genlab train` with SIGKILL at random moments and checks that every
// checkpoint left behind is whole, that each re-run resumes from it (the step never goes back),
// and that the loss log ends up with every step exactly once. It takes a minute or two, so it
// runs only under `make crashtest` (GENLAB_CRASHTEST=1).
func TestCrashSafety(t *testing.T) {
	if os.Getenv("GENLAB_CRASHTEST") == "" {
		t.Skip("set GENLAB_CRASHTEST=1 (make crashtest) to run the SIGKILL trials")
	}
	trials := 20
	dir := t.TempDir()
	fakeMNIST(t, dir)
	args := []string{"train", "--model", "vae-digits", "--config", `{"dim":784,"hidden":[32],"latent":4}`,
		"--out", "run", "--checkpoint-every", "20ms", "--steps", "1000000"}
	ckpt := filepath.Join(dir, "run", train.CheckpointFile)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	last, resumed := int64(0), 0
	for i := range trials {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(300+rng.IntN(1500)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		w, err := model.ReadWeightsFile(ckpt)
		if err != nil {
			if i == 0 {
				continue // killed before the first checkpoint
			}
			t.Fatalf("trial %d: corrupt checkpoint after SIGKILL: %v", i, err)
		}
		if w.Step < last {
			t.Fatalf("trial %d: step went back from %d to %d", i, last, w.Step)
		}
		if w.Step > last {
			resumed++
		}
		t.Logf("trial %d: killed, checkpoint at step %d", i, w.Step)
		last = w.Step
	}
	if resumed < trials/2 {
		t.Fatalf("only %d of %d trials made progress", resumed, trials)
	}
	// Finish: the run must continue from the last checkpoint to the end.
	final := int(last) + 10
	args[len(args)-1] = itoa(final)
	if _, errOut, code := genlab(t, dir, args...); code != 0 {
		t.Fatalf("final run: %s", errOut)
	}
	rows, _ := train.ReadLossCSV(filepath.Join(dir, "run", train.LossCSV))
	if len(rows) != final {
		t.Fatalf("loss log has %d rows for %d steps", len(rows), final)
	}
	for i, r := range rows {
		if r.Step != i+1 {
			t.Fatalf("loss log row %d is step %d", i, r.Step)
		}
	}
	t.Logf("%d SIGKILL trials, %d made progress, finished at step %d", trials, resumed, final)
}

func itoa(n int) string { return strconv.Itoa(n) }
