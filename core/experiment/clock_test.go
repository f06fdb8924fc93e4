package experiment

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"genlab/core/train"
)

func TestTrainClockAddsUpResumedPieces(t *testing.T) {
	dir := t.TempDir()
	c := newTrainClock(dir)
	c.tick()
	time.Sleep(20 * time.Millisecond)
	first := c.stop()
	if first < 20*time.Millisecond {
		t.Fatalf("first piece: %v", first)
	}
	c = newTrainClock(dir) // resumed
	c.tick()
	time.Sleep(20 * time.Millisecond)
	total := c.stop()
	if total < first+19*time.Millisecond { // the file keeps milliseconds
		t.Errorf("two pieces: total %v, want ≥ %v + 19ms", total, first)
	}
	// A finished trial loaded again (no step trained) adds nothing.
	c = newTrainClock(dir)
	time.Sleep(20 * time.Millisecond)
	// The file keeps whole milliseconds, rounded: the reloaded time is within 1 ms of total.
	if again := c.stop(); (again - total).Abs() > time.Millisecond {
		t.Errorf("loaded without training: %v, was %v", again, total)
	}

	// A run folder with a checkpoint from before the clock: the time is unknown, shown as "–".
	old := t.TempDir()
	if err := os.WriteFile(filepath.Join(old, train.CheckpointFile), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if w := newTrainClock(old).stop(); w >= 0 || (&Result{Wall: w}).TrainTime() != "–" {
		t.Errorf("checkpoint without a time: %v", w)
	}
}
