package made

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/gomlx/core/tensors"

	"genlab/core/data"
	"genlab/core/model"
)

// Sampling is D sequential steps: pixel Order[s] is drawn from its Bernoulli given the s pixels
// before it. It runs in plain Go on the weights copied out of the store, so it needs no graph
// call per step. The incremental sampler computes every hidden unit exactly once per image, at
// the step its inputs are all known: a unit of degree m depends only on the pixels at positions
// 1..m (§4.1), so after m pixels it is final. The whole image then costs one forward pass instead
// of D of them. The naive sampler (a full forward pass per step) is kept as the reference: both
// compute every value through net.unit, so they give bit-identical samples.

// Unsampled is the value SampleSteps shows for pixels not drawn yet: mid grey.
const Unsampled = 0.5

// net is the weights copied out of the store, unit-major (as stored) so that the weights into one
// unit are contiguous: wT[l][j*n_l + i] links unit i of layer l (0: the pixels) to unit j of
// layer l+1; the last layer is the output. direct[d*D + i] links pixel i to output d.
type net struct {
	wT, b  [][]float32
	direct []float32
}

// snapshot copies the current weights out of the store.
func (m *MADE) snapshot() (*net, error) {
	n := &net{}
	read := func(path string) ([]float32, error) {
		v := m.store.GetVariable(path)
		if v == nil {
			return nil, fmt.Errorf("made: no variable %s", path)
		}
		t, err := v.Value()
		if err != nil {
			return nil, err
		}
		return tensors.MustCopyFlatData[float32](t), nil
	}
	layers := make([]string, 0, len(m.cfg.Hidden)+1)
	for l := range m.cfg.Hidden {
		layers = append(layers, fmt.Sprintf("/hidden%d", l))
	}
	layers = append(layers, "/out")
	for _, s := range layers {
		w, err := read(s + "/weights")
		if err != nil {
			return nil, err
		}
		b, err := read(s + "/biases")
		if err != nil {
			return nil, err
		}
		n.wT, n.b = append(n.wT, w), append(n.b, b)
	}
	if m.cfg.Direct {
		var err error
		if n.direct, err = read("/direct/weights"); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// unit is the pre-activation of unit j of layer l+1 given the values in of layer l: its bias
// plus the weights from its connected, non-zero inputs, summed in input order. Every value both
// samplers use is computed here, so their floats agree to the bit.
func (n *net) unit(ms *MaskSet, l, j int, in []float32) float32 {
	output := l == len(n.wT)-1
	dj := ms.Degrees[(l+1)%len(ms.Degrees)][j] // The output layer's degrees are m^0.
	din, w := ms.Degrees[l], n.wT[l][j*len(in):(j+1)*len(in)]
	s := n.b[l][j]
	for i, v := range in {
		if v != 0 && Connected(din[i], dj, output) {
			s += v * w[i]
		}
	}
	return s
}

// logit of output j: its output unit on the last hidden layer h, plus the direct connections
// from the pixels x.
func (n *net) logit(ms *MaskSet, j int, h, x []float32) float32 {
	s := n.unit(ms, len(n.wT)-1, j, h)
	if n.direct != nil {
		d := len(x)
		w, dj := n.direct[j*d:(j+1)*d], ms.Degrees[0][j]
		for i, v := range x {
			if v != 0 && Connected(ms.Degrees[0][i], dj, true) {
				s += v * w[i]
			}
		}
	}
	return s
}

// chain is one image being sampled under one mask set.
type chain struct {
	net   *net
	ms    *MaskSet
	byDeg [][]int     // Hidden units of each layer sorted by degree: the order they become final.
	x     []float32   // Pixels so far; 0 where not drawn yet.
	h     [][]float32 // Hidden activations; in the incremental sampler only the final ones are set.
	done  []int       // Incremental: units of each layer computed so far (a prefix of byDeg).
	out   []float32   // Naive: all D logits of the last forward pass.
}

func newChain(n *net, ms *MaskSet, byDeg [][]int) *chain {
	c := &chain{net: n, ms: ms, byDeg: byDeg, x: make([]float32, len(ms.Order)), done: make([]int, len(byDeg))}
	for _, u := range byDeg {
		c.h = append(c.h, make([]float32, len(u)))
	}
	return c
}

// sortByDegree lists each hidden layer's units in the order they become final.
func sortByDegree(ms *MaskSet) [][]int {
	var out [][]int
	for _, deg := range ms.Degrees[1:] {
		idx := make([]int, len(deg))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return deg[a] - deg[b] })
		out = append(out, idx)
	}
	return out
}

func (c *chain) input(l int) []float32 {
	if l == 0 {
		return c.x
	}
	return c.h[l-1]
}

// incremental is the logit of the pixel at position s (s pixels known): it first computes the
// hidden units that became final, those of degree ≤ s, layer by layer.
func (c *chain) incremental(s int) float32 {
	for l, units := range c.byDeg {
		deg := c.ms.Degrees[l+1]
		for ; c.done[l] < len(units) && deg[units[c.done[l]]] <= s; c.done[l]++ {
			j := units[c.done[l]]
			c.h[l][j] = max(0, c.net.unit(c.ms, l, j, c.input(l)))
		}
	}
	return c.net.logit(c.ms, c.ms.Order[s], c.h[len(c.h)-1], c.x)
}

// naive is the same logit from a full forward pass over the current pixels.
func (c *chain) naive(s int) float32 {
	for l := range c.h {
		in := c.input(l)
		for j := range c.h[l] {
			c.h[l][j] = max(0, c.net.unit(c.ms, l, j, in))
		}
	}
	if c.out == nil {
		c.out = make([]float32, len(c.x))
	}
	for j := range c.out {
		c.out[j] = c.net.logit(c.ms, j, c.h[len(c.h)-1], c.x)
	}
	return c.out[c.ms.Order[s]]
}

// job is one sampling request.
type job struct {
	n        int
	seed     uint64
	temp     float64      // Logits are divided by it (1: as trained).
	masks    []int        // Mask sets; with several, their conditionals are averaged at each step.
	known    *data.Images // Inpainting: images whose first nKnown pixels (in the ordering) are kept.
	nKnown   int
	every    int                                        // Call progress after every `every` steps (0: never).
	progress func(step int, partial *data.Images) error // A non-nil error stops sampling: returned.
	naive    bool
}

// generate runs a job. All randomness comes from model.Rand(seed): first n·D uniforms, one per
// image and position, so the images do not depend on the order they are computed in.
func (m *MADE) generate(j job) (*data.Images, error) {
	if j.n < 0 || j.n > 1<<16 {
		return nil, fmt.Errorf("made: %d samples out of range", j.n)
	}
	if j.temp == 0 {
		j.temp = 1
	}
	if !(j.temp > 0) || math.IsInf(j.temp, 0) {
		return nil, fmt.Errorf("made: temperature %g must be positive", j.temp)
	}
	net, err := m.snapshot()
	if err != nil {
		return nil, err
	}
	d := m.cfg.Dim
	rng := model.Rand(j.seed)
	u := make([]float64, j.n*d)
	for i := range u {
		u[i] = rng.Float64()
	}
	// Averaging conditionals is only meaningful between mask sets that share an ordering; with
	// random orderings each image instead comes from one mask set drawn at random, which is an
	// exact sample of the ensemble's mixture (1/K)·Σ_k p_k.
	mixture := false
	for _, k := range j.masks {
		mixture = mixture || !slices.Equal(m.maskSets[k].Order, m.maskSets[j.masks[0]].Order)
	}
	byDeg := map[int][][]int{}
	for _, k := range j.masks {
		byDeg[k] = sortByDegree(m.maskSets[k])
	}
	chains := make([][]*chain, j.n)
	for i := range chains {
		ks := j.masks
		if mixture {
			ks = []int{j.masks[rng.IntN(len(j.masks))]}
		}
		for _, k := range ks {
			chains[i] = append(chains[i], newChain(net, m.maskSets[k], byDeg[k]))
		}
	}
	out := &data.Images{N: j.n, H: m.cfg.H, W: m.cfg.W, C: 1, Pix: make([]float32, j.n*d)}
	for i := range out.Pix {
		out.Pix[i] = Unsampled
	}
	for s := range d {
		for i, cs := range chains {
			px := cs[0].ms.Order[s]
			var v float32
			if s < j.nKnown {
				if j.known.Pix[i*d+px] >= 0.5 {
					v = 1
				}
			} else {
				var p float64
				for _, c := range cs {
					l := c.incremental
					if j.naive {
						l = c.naive
					}
					p += 1 / (1 + math.Exp(-float64(l(s))/j.temp))
				}
				if u[i*d+s] < p/float64(len(cs)) {
					v = 1
				}
			}
			for _, c := range cs {
				c.x[px] = v
			}
			out.Pix[i*d+px] = v
		}
		if j.progress != nil && ((s+1)%j.every == 0 || s+1 == d) {
			if err := j.progress(s+1, &data.Images{N: out.N, H: out.H, W: out.W, C: 1, Pix: slices.Clone(out.Pix)}); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// Sample draws opt.N binary images from the selected mask sets (UseMasks; set 0 by default);
// opt.Temperature divides the logits.
func (m *MADE) Sample(opt model.SampleOptions) (*data.Images, error) {
	return m.generate(job{n: opt.N, seed: opt.Seed, temp: opt.Temperature, masks: m.sets()})
}

// SampleEnsemble draws from the ensemble of all K mask sets (§3.4): at each step the pixel's
// probability is the average of the K masks' conditionals (a mixture sample when orderings differ).
func (m *MADE) SampleEnsemble(opt model.SampleOptions) (*data.Images, error) {
	ks := make([]int, m.cfg.Masks)
	for k := range ks {
		ks[k] = k
	}
	return m.generate(job{n: opt.N, seed: opt.Seed, temp: opt.Temperature, masks: ks})
}

// SampleNaive is Sample computed with a full forward pass per step: the reference the
// incremental sampler is tested and benchmarked against. Same seed, same images.
func (m *MADE) SampleNaive(opt model.SampleOptions) (*data.Images, error) {
	return m.generate(job{n: opt.N, seed: opt.Seed, temp: opt.Temperature, masks: m.sets(), naive: true})
}

// SampleSteps draws the same images as Sample with these options and calls fn after every
// `every` steps (and after the last) with a copy of the images so far: drawn pixels are 0 or 1,
// the others Unsampled. An error from fn stops the sampling and is returned (the page's Cancel).
// The page animates pixel-by-pixel sampling with it.
func (m *MADE) SampleSteps(opt model.SampleOptions, every int, fn func(step int, partial *data.Images) error) (*data.Images, error) {
	return m.generate(job{n: opt.N, seed: opt.Seed, temp: opt.Temperature, masks: m.sets(), every: max(1, every), progress: fn})
}

// Inpaint keeps the first `known` pixels of each image in the ordering of the first selected mask
// set (thresholded at 0.5) and samples the rest given them, averaging the selected sets that
// share that ordering.
func (m *MADE) Inpaint(x *data.Images, known int, seed uint64) (*data.Images, error) {
	if x.Dim() != m.cfg.Dim || known < 0 || known > m.cfg.Dim {
		return nil, fmt.Errorf("made: inpaint %d known pixels of %d-pixel images (model: %d)", known, x.Dim(), m.cfg.Dim)
	}
	return m.generate(job{n: x.N, seed: seed, masks: m.sameOrder(), known: x, nKnown: known})
}
