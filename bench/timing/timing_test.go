package timing

import (
	"errors"
	"testing"
	"time"
)

func TestTimeRepsAndMedian(t *testing.T) {
	calls := 0
	// Warm-up, then three timed calls (ms), far apart: a loaded machine oversleeps by several ms.
	durs := []time.Duration{0, 200, 1, 50}
	r, err := Time(Options{MinReps: 3}, func() error {
		time.Sleep(durs[calls] * time.Millisecond)
		calls++
		return nil
	})
	if err != nil || calls != 4 || r.Reps != 3 {
		t.Fatalf("calls %d, reps %d, err %v: want 1 warm-up + 3 timed calls", calls, r.Reps, err)
	}
	if r.Median < 50*time.Millisecond || r.Median >= 200*time.Millisecond {
		t.Errorf("median %v, want the middle call (~50 ms)", r.Median)
	}
}

func TestTimeSlowWarmupTimesOnce(t *testing.T) {
	calls := 0
	r, err := Time(Options{MinReps: 5, MaxWarmup: time.Millisecond}, func() error {
		calls++
		time.Sleep(2 * time.Millisecond)
		return nil
	})
	if err != nil || r.Reps != 1 || calls != 2 {
		t.Fatalf("reps %d, calls %d, err %v: want one timed call after a slow warm-up", r.Reps, calls, err)
	}
}

func TestTimeError(t *testing.T) {
	boom := errors.New("boom")
	if _, err := Time(Options{MinReps: 3}, func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
}

// Warmup keeps calling untimed until it has passed: the slow first calls (V8's first tiers of a
// wasm module) stay out of the median.
func TestTimeWarmupLeavesSlowCallsOut(t *testing.T) {
	calls := 0
	r, err := Time(Options{MinReps: 3, Warmup: 30 * time.Millisecond}, func() error {
		calls++
		if calls <= 3 {
			time.Sleep(20 * time.Millisecond) // slow until warm
		}
		return nil
	})
	if err != nil || r.Reps != 3 {
		t.Fatalf("reps %d, err %v", r.Reps, err)
	}
	if calls < 5 || r.Median >= 10*time.Millisecond {
		t.Errorf("%d calls, median %v: want the slow calls in the warm-up and a fast median", calls, r.Median)
	}
}
