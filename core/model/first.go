package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
)

// FirstFileName is the page's copy of page.bin for a model's first picture: the variables that
// sampling never reads (a VAE's encoder, a GAN's discriminator) are zeros, which brotli shrinks to
// almost nothing, so the first picture waits for about half the bytes (issue 7's 5 MB budget).
// The page loads the full page.bin before anything else uses the model.
const FirstFileName = "first.bin"

// firstFamilies draw their first picture in one run of Sample, which the page's worker draws
// before the app is up (wasm/worker/first.go); MADE streams pixels and diffusion steps, and the
// app chooses a diffusion model's N: their first pictures are the app's, and they get no first.bin.
var firstFamilies = []string{"vae", "ae", "gan", "flow"}

// DrawsFirst says whether the page's worker draws a model's first picture itself.
func DrawsFirst(s Spec) bool { return slices.Contains(firstFamilies, s.Family) }

// firstCheckSeeds are the samples that must not change when a group is zeroed: two seeds of 16.
var firstCheckSeeds = []uint64{1, 2}

// FirstCopy writes the first-picture copy of a weights file (float16, like PageFileName) and
// says which variable groups it zeroed. A group is a top-level scope ("/encoder"; under the
// moving averages "/ema/encoder"); one is zeroed only if the samples of the copy, built on
// backend, equal the original's bit for bit, so the copy draws exactly what page.bin draws.
func FirstCopy(backend compute.Backend, b []byte, name string) (out []byte, zeroed []string, err error) {
	w, err := Decode(b, name)
	if err != nil {
		return nil, nil, err
	}
	want, err := samplesOf(backend, w, nil, name)
	if err != nil {
		return nil, nil, err
	}
	var groups []string
	for _, vi := range w.Vars {
		if g := groupOf(vi.Path); !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	for _, g := range groups {
		got, err := samplesOf(backend, w, append(slices.Clone(zeroed), g), name)
		if err == nil && slices.Equal(got, want) {
			zeroed = append(zeroed, g)
		}
	}
	z, err := withZeros(w, zeroed)
	if err != nil {
		return nil, nil, err
	}
	vars, _, err := halfVars(z, name)
	if err != nil {
		return nil, nil, err
	}
	out, err = encode(w.Header, vars)
	return out, zeroed, err
}

// groupOf is a variable's top-level scope, one level deeper under the moving averages.
func groupOf(path string) string {
	parts := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 3)
	if parts[0] == EMAScope && len(parts) > 2 {
		return "/" + parts[0] + "/" + parts[1]
	}
	return "/" + parts[0]
}

// withZeros is a copy of w with the variables of the named groups set to zeros. The others are
// copies too: a model may take over the tensors it is built from, and each trial builds one.
func withZeros(w *Weights, groups []string) (*Weights, error) {
	z := &Weights{Header: w.Header, Tensors: map[string]*tensors.Tensor{}}
	for _, vi := range w.Vars {
		t := w.Tensors[vi.Path]
		if slices.Contains(groups, groupOf(vi.Path)) {
			t = tensors.FromShape(t.Shape())
		} else if c, err := t.LocalClone(); err == nil {
			t = c
		} else {
			return nil, err
		}
		z.Tensors[vi.Path] = t
	}
	return z, nil
}

// samplesOf builds the model with the groups zeroed and concatenates its samples for
// firstCheckSeeds.
func samplesOf(backend compute.Backend, w *Weights, zeroed []string, name string) ([]float32, error) {
	z, err := withZeros(w, zeroed)
	if err != nil {
		return nil, err
	}
	m, err := FromWeights(backend, z, "", name)
	if err != nil {
		return nil, err
	}
	var all []float32
	for _, seed := range firstCheckSeeds {
		im, err := m.Sample(SampleOptions{N: 16, Seed: seed})
		if err != nil {
			return nil, fmt.Errorf("%s: sampling: %w", name, err)
		}
		all = append(all, im.Pix...)
	}
	return all, nil
}
