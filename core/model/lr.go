package model

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// CosineLR anneals lr to minFraction of it along a half cosine over steps, then stays there. It
// is a function of the step alone, so a resumed run follows the same rates as an uninterrupted one.
func CosineLR(lr float64, steps, step int64, minFraction float64) float64 {
	t := min(1, float64(step)/float64(max(1, steps)))
	return lr * (minFraction + (1-minFraction)*0.5*(1+math.Cos(math.Pi*t)))
}

// LRSchedule drives Adam's learning-rate variable from the store's global step: call Set before
// every training step.
type LRSchedule struct {
	store *gm.Store
	v     *gm.Variable
	rate  func(step int64) float64
}

// NewLRSchedule creates the store's learning-rate variable (Adam reads it instead of its constant).
func NewLRSchedule(store *gm.Store, rate func(step int64) float64) *LRSchedule {
	return &LRSchedule{store: store, v: optimizer.LearningRateVar(store.RootScope(), dtypes.Float32, rate(0)), rate: rate}
}

// Set writes the rate for the coming step and returns that step's number.
func (s *LRSchedule) Set() (step int64, err error) {
	err = Guard(func() error {
		step = optimizer.GetGlobalStep(s.store)
		return s.v.SetValue(tensors.FromScalar(float32(s.rate(step))))
	})
	return step, err
}
