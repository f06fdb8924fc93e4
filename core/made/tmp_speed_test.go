package made

import (
	"fmt"
	"testing"

	"genlab/core/data"
	"genlab/core/model"
)

func BenchmarkTrainCfg(b *testing.B) {
	for _, c := range []struct {
		bs     int
		hidden []int
		direct bool
	}{{100, []int{500}, true}, {200, []int{500}, true}, {100, []int{500}, false}, {100, []int{800}, true}, {100, []int{500, 500}, true}} {
		b.Run(fmt.Sprint(c.bs, c.hidden, c.direct), func(b *testing.B) {
			m := tiny(b, Config{H: 28, W: 28, Hidden: c.hidden, Masks: 8, Ordering: "raster", Direct: c.direct}, true)
			x := &data.Images{N: c.bs, H: 28, W: 28, C: 1, Pix: make([]float32, c.bs*784)}
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
