package first

import "testing"

// BenchmarkDense is vae-digits' decoder for 64 samples (run it under wasm too: the page's case).
func BenchmarkDense(b *testing.B) {
	sizes := []int{32, 256, 512, 784}
	ws := make([][]float32, 3)
	bs := make([][]float32, 3)
	for i := range ws {
		ws[i] = make([]float32, sizes[i]*sizes[i+1])
		for j := range ws[i] {
			ws[i][j] = float32(j%7-3) * 0.01
		}
		bs[i] = make([]float32, sizes[i+1])
	}
	x0 := make([]float32, 64*32)
	for i := range x0 {
		x0[i] = float32(i%5) - 2
	}
	for b.Loop() {
		x := x0
		for i := range ws {
			x = dense(x, 64, ws[i], bs[i], sizes[i], sizes[i+1], i == 2)
		}
	}
}
