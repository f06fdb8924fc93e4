package model

import "math"

// LoopLatents is n latents of size dim on a closed loop through latent space, at phase θ
// (radians): z(θ) = T·(a·cos θ + b·sin θ) with a, b ~ N(0, I). a is what Sample draws for the
// seed (Normals(Rand(seed), n·dim)), so the loop starts and ends on the seed's samples, and every
// point of it is again distributed as N(0, T²·I): a walk that never passes through the unlikely
// middle that a straight line between two draws crosses. The page animates GANs and flows with it.
func LoopLatents(seed uint64, n, dim int, temp, phase float64) []float32 {
	if temp == 0 {
		temp = 1
	}
	a := Normals(Rand(seed), n*dim)
	b := Normals(Rand(seed^0x5bd1e9955bd1e995), n*dim)
	c, s := temp*math.Cos(phase), temp*math.Sin(phase)
	z := make([]float32, n*dim)
	for i := range z {
		z[i] = float32(c)*a[i] + float32(s)*b[i] // in float32, as Sample scales: phase 0 is bit-identical
	}
	return z
}

// Lerps is rows straight lines through latent space, cols points each, end points included: row
// r runs from ends[2r] to ends[2r+1] (each dim long), the interpolation views' picture.
func Lerps(ends []float32, rows, cols, dim int) []float32 {
	z := make([]float32, 0, rows*cols*dim)
	for r := range rows {
		a, b := ends[2*r*dim:(2*r+1)*dim], ends[(2*r+1)*dim:(2*r+2)*dim]
		for c := range cols {
			t := float32(c) / float32(max(cols-1, 1))
			for i := range dim {
				z = append(z, (1-t)*a[i]+t*b[i])
			}
		}
	}
	return z
}
