package timing

import (
	"errors"
	"testing"
	"time"
)

func TestTimeRepsAndMedian(t *testing.T) {
	calls := 0
	durs := []time.Duration{0, 3, 1, 2} // warm-up, then three timed calls (ms)
	r, err := Time(Options{MinReps: 3}, func() error {
		time.Sleep(durs[calls] * time.Millisecond)
		calls++
		return nil
	})
	if err != nil || calls != 4 || r.Reps != 3 {
		t.Fatalf("calls %d, reps %d, err %v: want 1 warm-up + 3 timed calls", calls, r.Reps, err)
	}
	if r.Median < 2*time.Millisecond || r.Median >= 3*time.Millisecond {
		t.Errorf("median %v, want the middle call (~2 ms)", r.Median)
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
