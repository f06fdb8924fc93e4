// Package eval holds the sample-quality metrics shared by every digit sampler: the Inception
// Score and the Fréchet distance, both computed with genlab's own digit classifier
// (lenet-digits) instead of an ImageNet network, as is usual for MNIST.
package eval

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// InceptionScore is exp(E_x KL(p(y|x) ‖ p(y))) (Salimans et al. 2016): high when each sample is
// confidently one class and the classes are balanced; at most the number of classes.
func InceptionScore(probs [][]float32) float64 {
	if len(probs) == 0 {
		return math.NaN()
	}
	k := len(probs[0])
	marginal := make([]float64, k)
	for _, p := range probs {
		for j, v := range p {
			marginal[j] += float64(v) / float64(len(probs))
		}
	}
	var kl float64
	for _, p := range probs {
		for j, v := range p {
			if v > 0 {
				kl += float64(v) * (math.Log(float64(v)) - math.Log(marginal[j]))
			}
		}
	}
	return math.Exp(kl / float64(len(probs)))
}

// FrechetDistance is ‖μ₁−μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½) between Gaussians fitted to two sets
// of feature vectors (Heusel et al. 2017). Tr((Σ₁Σ₂)^½) is computed as Σ √λ of the symmetric
// PSD matrix Σ₁^½ Σ₂ Σ₁^½, which has the same eigenvalues.
func FrechetDistance(a, b [][]float32) (float64, error) {
	if len(a) < 2 || len(b) < 2 || len(a[0]) != len(b[0]) {
		return 0, fmt.Errorf("frechet distance needs two sets of ≥2 vectors of one size")
	}
	mu1, s1 := moments(a)
	mu2, s2 := moments(b)
	var d2 float64
	for i := range mu1 {
		d2 += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i])
	}
	root, err := sqrtSym(s1)
	if err != nil {
		return 0, err
	}
	var m mat.Dense
	m.Mul(root, s2)
	m.Mul(&m, root)
	n := len(mu1)
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, (m.At(i, j)+m.At(j, i))/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, false) {
		return 0, fmt.Errorf("frechet distance: eigen-decomposition failed")
	}
	var trRoot float64
	for _, l := range eig.Values(nil) {
		trRoot += math.Sqrt(math.Max(l, 0))
	}
	return d2 + mat.Trace(s1) + mat.Trace(s2) - 2*trRoot, nil
}

func moments(x [][]float32) ([]float64, *mat.SymDense) {
	n, d := len(x), len(x[0])
	mu := make([]float64, d)
	for _, r := range x {
		for j, v := range r {
			mu[j] += float64(v) / float64(n)
		}
	}
	c := mat.NewDense(n, d, nil)
	for i, r := range x {
		for j, v := range r {
			c.Set(i, j, float64(v)-mu[j])
		}
	}
	cov := mat.NewSymDense(d, nil)
	cov.SymOuterK(1/float64(n-1), c.T())
	return mu, cov
}

func sqrtSym(s *mat.SymDense) (*mat.Dense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		return nil, fmt.Errorf("frechet distance: eigen-decomposition failed")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	n := len(vals)
	d := mat.NewDense(n, n, nil)
	for i, l := range vals {
		d.Set(i, i, math.Sqrt(math.Max(l, 0)))
	}
	var r mat.Dense
	r.Mul(&vecs, d)
	r.Mul(&r, vecs.T())
	return &r, nil
}
