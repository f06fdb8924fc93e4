package made

import (
	"fmt"
	"testing"

	"genlab/core/data"
	"genlab/core/model"
)

func BenchmarkTrainBatch(b *testing.B) {
	for _, bs := range []int{50, 100, 200, 400} {
		b.Run(fmt.Sprint(bs), func(b *testing.B) {
			m := tiny(b, Config{H: 28, W: 28, Hidden: []int{500}, Masks: 8, Ordering: "raster", Direct: true}, true)
			x := &data.Images{N: bs, H: 28, W: 28, C: 1, Pix: make([]float32, bs*784)}
			rng := model.Rand(1)
			for i := range x.Pix {
				x.Pix[i] = float32(rng.IntN(2))
			}
			m.TrainStep(x, nil)
			b.ResetTimer()
			for range b.N {
				m.TrainStep(x, nil)
			}
		})
	}
}
