package gan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"genlab/core/model"
)

// The lecture's theory, checked on 1-D Gaussians where p_data and p_g are known in closed form.

func normalPDF(x, mu, sd float64) float64 {
	return math.Exp(-0.5*(x-mu)*(x-mu)/(sd*sd)) / (sd * math.Sqrt(2*math.Pi))
}

type gauss struct{ mu, sd float64 }

func (g gauss) pdf(x float64) float64 { return normalPDF(x, g.mu, g.sd) }
func (g gauss) draw(rng *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(g.mu + g.sd*rng.NormFloat64())
	}
	return out
}

// trainOptimalD trains the discriminator of a 1-D GAN for a fixed generator whose distribution
// is p_g, with the discriminator loss and optimizer the GAN trains with, on fresh samples every
// step (so that it converges towards the optimum over densities, not over a finite sample).
func trainOptimalD(t *testing.T, pData, pG gauss) *GAN {
	t.Helper()
	b, _ := model.NewBackend("go")
	cfg := Config{Arch: "mlp", Dim: 1, Latent: 1, Width: 32, K: 1, Loss: NonSaturating}
	m, err := New(b, model.Spec{Name: "gan-1d", LR: 3e-3}, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	opt := model.ScopedOptimizer("discriminator", optimizer.Adam().LearningRate(3e-3).Done())
	stepper := model.NewOptimizerStepper(b, m.store, opt, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
		return cfg.discriminatorLoss(scope, in[0], in[1], nil)
	})
	rng := rand.New(rand.NewPCG(1, 2))
	const batch, steps = 512, 1500
	for range steps {
		if _, err := stepper.Step(model.F32(pData.draw(rng, batch), batch, 1), model.F32(pG.draw(rng, batch), batch, 1)); err != nil {
			t.Fatal(err)
		}
	}
	m.stale = true
	return m
}

// value estimates V(D, G) = E_data log D(x) + E_g log(1 − D(x)) with the trained D.
func value(t *testing.T, m *GAN, pData, pG gauss) float64 {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 20000
	dReal, err := m.Discriminate(pData.draw(rng, n), nil)
	if err != nil {
		t.Fatal(err)
	}
	dFake, _ := m.Discriminate(pG.draw(rng, n), nil)
	var v float64
	for i := range n {
		v += (math.Log(float64(dReal[i])) + math.Log(1-float64(dFake[i]))) / n
	}
	return v
}

// jsd is the Jensen–Shannon divergence of two densities by numerical integration.
func jsd(p, q gauss) float64 {
	var s float64
	const dx = 1e-3
	for x := -12.0; x < 12; x += dx {
		a, b := p.pdf(x), q.pdf(x)
		m := (a + b) / 2
		if a > 0 {
			s += 0.5 * a * math.Log(a/m) * dx
		}
		if b > 0 {
			s += 0.5 * b * math.Log(b/m) * dx
		}
	}
	return s
}

// Proposition 1: for fixed G the optimal discriminator is D*(x) = p_data(x) / (p_data(x) + p_g(x)),
// and then V(D*, G) = C(G) = −log 4 + 2·JSD(p_data ‖ p_g).
func TestOptimalDiscriminator(t *testing.T) {
	pData, pG := gauss{0, 1}, gauss{1, 0.5}
	m := trainOptimalD(t, pData, pG)
	var xs []float32
	for x := -1.5; x <= 2.0001; x += 0.25 {
		xs = append(xs, float32(x))
	}
	d, err := m.Discriminate(xs, nil)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, x := range xs {
		want := pData.pdf(float64(x)) / (pData.pdf(float64(x)) + pG.pdf(float64(x)))
		worst = max(worst, math.Abs(float64(d[i])-want))
		t.Logf("x=%5.2f  D=%.3f  D*=%.3f", x, d[i], want)
	}
	if worst > 0.05 {
		t.Fatalf("trained D is %.3f from p_data/(p_data+p_g) at worst, want ≤ 0.05", worst)
	}
	c := -math.Log(4) + 2*jsd(pData, pG)
	if v := value(t, m, pData, pG); math.Abs(v-c) > 0.03 {
		t.Fatalf("V(D, G) = %.4f with the trained D, C(G) = −log 4 + 2·JSD = %.4f", v, c)
	} else {
		t.Logf("V(D, G) = %.4f, C(G) = %.4f", v, c)
	}
}

// Theorem 1: at p_g = p_data the optimal D is ½ everywhere and C(G) = −log 4, its global minimum.
func TestCriterionAtEquilibrium(t *testing.T) {
	p := gauss{0, 1}
	m := trainOptimalD(t, p, p)
	var xs []float32
	for x := -2.0; x <= 2.0001; x += 0.5 {
		xs = append(xs, float32(x))
	}
	d, _ := m.Discriminate(xs, nil)
	for i, v := range d {
		if math.Abs(float64(v)-0.5) > 0.05 {
			t.Fatalf("D(%g) = %.3f, want ½", xs[i], v)
		}
	}
	if v := value(t, m, p, p); math.Abs(v+math.Log(4)) > 0.01 {
		t.Fatalf("C(G) = %.4f at p_g = p_data, want −log 4 = %.4f", v, -math.Log(4))
	}
	if j := jsd(gauss{0, 1}, gauss{1, 0.5}); j <= 0 {
		t.Fatalf("JSD of different densities %g, want > 0 (so −log 4 is the minimum)", j)
	}
}

// The saturating loss log(1 − D(G(z))) has a vanishing gradient where D confidently rejects
// G's samples (logit −6); the non-saturating −log D(G(z)) does not. Both push the logit up.
func TestGeneratorLossGradients(t *testing.T) {
	b, _ := model.NewBackend("go")
	grad := func(loss string) float64 {
		cfg := Config{Loss: loss}
		out, err := graph.ExecOnce(b, func(l *graph.Node) *graph.Node {
			return graph.Gradient(graph.ReduceAllSum(cfg.generatorLoss(l)), l)[0]
		}, tensors.FromFlatDataAndDimensions([]float32{-6}, 1))
		if err != nil {
			t.Fatal(err)
		}
		return float64(tensors.MustCopyFlatData[float32](out)[0])
	}
	sat, nonSat := grad(Saturating), grad(NonSaturating)
	if !(sat < 0 && nonSat < 0) {
		t.Fatalf("gradients %g (saturating), %g (non-saturating): both losses must fall as D(G(z)) rises", sat, nonSat)
	}
	if math.Abs(nonSat) < 100*math.Abs(sat) {
		t.Fatalf("at logit −6: |∂/∂l| saturating %g, non-saturating %g; want the saturating one ≥ 100× smaller", sat, nonSat)
	}
}
