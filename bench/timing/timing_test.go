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
