package protocol

import "fmt"

// FirstSamples is the link a worker was started with (its first= parameter) when the link's first
// picture is plain samples, which the page draws before the app is up (wasm/first, then
// wasm/worker); ok is false for views, the lab, labels and samplers, whose pictures the app asks for.
func FirstSamples(link string) (s State, ok bool) {
	s, _ = ParseState(link)
	lab, _ := ParseLabState(link)
	return s, !lab.On() && s.View == ViewSamples && s.Class == 0 && s.Steps == 0 && !s.DDPM
}

// SampleTitle is the caption of a grid of samples, clamped as the worker clamps them.
func SampleTitle(req Request) (n int, temp float64, title string) {
	n, _ = ClampN(fmt.Sprint(req.N))
	temp = ClampTemp(req.Temp)
	return n, temp, fmt.Sprintf("%d samples · seed %d · temperature %g", n, req.Seed, temp)
}

// SquareCols is the number of columns of the squarest grid of n pictures.
func SquareCols(n int) int {
	c := 1
	for c*c < n {
		c++
	}
	return c
}
