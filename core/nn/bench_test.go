package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	gm "github.com/gomlx/gomlx/ml/model"
)

// The measurement behind the choice of im2col: two 3x3 convolutions 32→32 channels on a batch of
// 16 32x32 images, forward and backward (the notes' case). Reported as GFLOP/s of useful
// convolution arithmetic (2·MACs, forward + 2× for the two backward products).
func benchConv(b *testing.B, im2col bool) {
	be := goBackend(b)
	rng := rand.New(rand.NewPCG(1, 1))
	x := randTensor(rng, 16, 32, 32, 32)
	w1, w2 := randTensor(rng, 3, 3, 32, 32), randTensor(rng, 3, 3, 32, 32)
	exec := gm.MustNewExec(be, gm.NewStore(), func(_ *gm.Scope, x, w1, w2 *graph.Node) []*graph.Node {
		conv := func(x, w *graph.Node) *graph.Node {
			if im2col {
				return convIm2col(x, w, 1)
			}
			return graph.Convolve(x, w).PadSame().Done()
		}
		loss := graph.ReduceAllSum(graph.Square(conv(graph.Tanh(conv(x, w1)), w2)))
		return graph.Gradient(loss, w1, w2)
	})
	exec.MustExec(x, w1, w2)
	b.ResetTimer()
	for range b.N {
		exec.MustExec(x, w1, w2)
	}
	flops := 3.0 * 2 * 2 * 16 * 32 * 32 * 9 * 32 * 32
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkConvIm2col(b *testing.B)  { benchConv(b, true) }
func BenchmarkConvBackend(b *testing.B) { benchConv(b, false) }

// BenchmarkMatmul is the yardstick: 64x784 @ 784x512.
func BenchmarkMatmul(b *testing.B) {
	be := goBackend(b)
	rng := rand.New(rand.NewPCG(1, 1))
	x, w := randTensor(rng, 64, 784), randTensor(rng, 784, 512)
	exec := gm.MustNewExec(be, gm.NewStore(), func(_ *gm.Scope, x, w *graph.Node) *graph.Node {
		return graph.Dot(x, w).Product()
	})
	exec.MustExec(x, w)
	b.ResetTimer()
	for range b.N {
		exec.MustExec(x, w)
	}
	b.ReportMetric(2*64*784*512*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
