// Package timing times repeated calls the same way natively and in the browser.
package timing

import (
	"slices"
	"time"
)

// Options bound a measurement: at least MinReps timed calls and about Budget of timing, but a
// single timed call when the warm-up alone took longer than MaxWarmup. Warmup, if set, keeps
// calling untimed until that long has passed (in the browser V8 compiles wasm in tiers: ORT's
// runs 2–5× slower in its first seconds, docs/performance.md).
type Options struct {
	Budget    time.Duration
	MinReps   int
	MaxWarmup time.Duration
	Warmup    time.Duration
}

// Result is the median of the timed calls and how many there were.
type Result struct {
	Median time.Duration
	Reps   int
}

// Ms is the median in milliseconds.
func (r Result) Ms() float64 { return float64(r.Median.Microseconds()) / 1000 }

// Time calls fn once to warm up (compile, allocate), then for opt.Warmup, then timed as opt says.
func Time(opt Options, fn func() error) (Result, error) {
	t0 := time.Now()
	if err := fn(); err != nil {
		return Result{}, err
	}
	reps := opt.MinReps
	if opt.MaxWarmup > 0 && time.Since(t0) > opt.MaxWarmup {
		reps = 1
	}
	for time.Since(t0) < opt.Warmup {
		if err := fn(); err != nil {
			return Result{}, err
		}
	}
	var ds []time.Duration
	start := time.Now()
	for len(ds) < max(reps, 1) || (len(ds) < 1000 && time.Since(start) < opt.Budget) {
		t := time.Now()
		if err := fn(); err != nil {
			return Result{}, err
		}
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	return Result{ds[len(ds)/2], len(ds)}, nil
}
