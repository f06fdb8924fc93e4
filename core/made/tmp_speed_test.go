package made

import (
	"testing"

	"genlab/core/data"
	"genlab/core/model"
)

func benchTrain(b *testing.B, c Config) {
	m := tiny(b, c, true)
	x := &data.Images{N: 100, H: 28, W: 28, C: 1, Pix: make([]float32, 100*784)}
	rng := model.Rand(1)
	for i := range x.Pix {
		x.Pix[i] = float32(rng.IntN(2))
	}
	m.TrainStep(x, nil)
	b.ResetTimer()
	for range b.N {
		m.TrainStep(x, nil)
	}
}

func BenchmarkTrainDefault(b *testing.B) {
	benchTrain(b, Config{H: 28, W: 28, Hidden: []int{500}, Masks: 8, Ordering: "raster", Direct: true})
}
func BenchmarkTrainNoDirect(b *testing.B) {
	benchTrain(b, Config{H: 28, W: 28, Hidden: []int{500}, Masks: 8, Ordering: "raster", Direct: false})
}
