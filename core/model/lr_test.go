package model

import (
	"math"
	"testing"
)

func TestCosineLR(t *testing.T) {
	for _, c := range []struct {
		step int64
		want float64
	}{{0, 2e-3}, {50, 2e-3 * 0.525}, {100, 1e-4}, {1000, 1e-4}} {
		if got := CosineLR(2e-3, 100, c.step, 0.05); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("CosineLR at step %d = %g, want %g", c.step, got, c.want)
		}
	}
}
