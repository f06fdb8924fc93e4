package experiment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"genlab/core/data"
	"genlab/core/model"
)

// The lecture's bottleneck point on grey MNIST: the same autoencoder (784-512-256-d-256-512-784,
// squared error) trained with codes of d = 2 … 64 numbers. A smaller code forces the network to
// keep only what most digits share; the error falls quickly with d and then flattens. PCA with d
// components, the best *linear* autoencoder (a linear AE trained on squared error spans the same
// subspace), is the reference a nonlinear one should beat at small d.

var aeLatents = []int{2, 4, 8, 16, 32, 64}

const (
	aeSteps   = 3000 // per trial, before Env.Scale: 5 epochs of batch 100
	aeShowCol = 10   // test digits shown per reconstruction row
)

func init() {
	Register(Study{Name: "ae", Title: "Autoencoder on grey MNIST: latent size vs reconstruction error, against PCA", Run: runAE})
}

func aeConfig(d int) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"dim": 784, "hidden": []int{512, 256}, "latent": d})
	return b
}

func runAE(ctx context.Context, env *Env) error {
	start := time.Now()
	spec, err := model.Lookup("ae-digits")
	if err != nil {
		return err
	}
	trainSet, err := env.load(spec, "train")
	if err != nil {
		return err
	}
	test, err := env.load(spec, "test")
	if err != nil {
		return err
	}
	var results []*Result
	show := data.Subset(test, 0, aeShowCol)
	grid := &data.Images{H: show.H, W: show.W, C: 1, Pix: append([]float32{}, show.Pix...)}
	for _, d := range aeLatents {
		r, err := env.Train(ctx, Trial{Label: fmt.Sprintf("d%d", d), Model: "ae-digits", Config: aeConfig(d), Steps: aeSteps})
		if errors.Is(err, errSkipped) {
			continue
		}
		if err != nil {
			return err
		}
		results = append(results, r)
		rec, err := r.Model.Views()[0].Run(model.ViewRequest{N: 2 * aeShowCol, Input: show})
		if err != nil {
			return err
		}
		grid.Pix = append(grid.Pix, rec.Images.Pix[aeShowCol*show.Dim():]...) // the reconstruction row
	}
	if env.Only != nil {
		return nil // the trials asked for are trained; a full run writes the report
	}
	if err := env.SaveCurves(results); err != nil {
		return err
	}
	fmt.Fprintf(env.Log, "PCA on %d training digits\n", trainSet.N)
	t0 := time.Now()
	pca, pcaRec, err := pcaErrors(trainSet, test, aeLatents, show)
	if err != nil {
		return err
	}
	pcaWall := time.Since(t0)
	grid.Pix = append(grid.Pix, pcaRec...)
	grid.N = len(grid.Pix) / show.Dim()
	if err := env.SaveGrid("reconstructions.png", grid, aeShowCol); err != nil {
		return err
	}
	return env.WriteReport("README.md", aeReport(env, results, pca, pcaWall, time.Since(start)))
}

// pcaErrors fits PCA to the training images and returns, for each d, the mean squared error per
// image (summed over pixels) of reconstructing the test images from their top-d projections, and
// the reconstructions of show (one row per d, in order).
func pcaErrors(train, test *data.Images, ds []int, show *data.Images) ([]float64, []float32, error) {
	p := train.Dim()
	mean := make([]float64, p)
	for i := range train.N {
		for j, v := range train.Image(i) {
			mean[j] += float64(v) / float64(train.N)
		}
	}
	centred := func(im *data.Images, from, to int) *mat.Dense {
		x := mat.NewDense(to-from, p, nil)
		for i := from; i < to; i++ {
			for j, v := range im.Image(i) {
				x.Set(i-from, j, float64(v)-mean[j])
			}
		}
		return x
	}
	cov := mat.NewSymDense(p, nil)
	for s := 0; s < train.N; s += 2000 {
		x := centred(train, s, min(train.N, s+2000))
		cov.SymRankK(cov, 1/float64(train.N), x.T())
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return nil, nil, fmt.Errorf("PCA: eigendecomposition failed")
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs) // columns, eigenvalues ascending
	maxD := ds[len(ds)-1]
	top := mat.NewDense(p, maxD, nil) // top components, largest first
	for k := range maxD {
		for j := range p {
			top.Set(j, k, vecs.At(j, p-1-k))
		}
	}
	errs := make([]float64, len(ds))
	xt := centred(test, 0, test.N)
	var proj mat.Dense
	proj.Mul(xt, top) // [N, maxD]
	for i := range test.N {
		var total, kept float64
		for j := range p {
			total += xt.At(i, j) * xt.At(i, j)
		}
		k := 0
		for di, d := range ds {
			for ; k < d; k++ {
				kept += proj.At(i, k) * proj.At(i, k)
			}
			errs[di] += (total - kept) / float64(test.N)
		}
	}
	xs := centred(show, 0, show.N)
	var ps mat.Dense
	ps.Mul(xs, top)
	var rows []float32
	for _, d := range ds {
		for i := range show.N {
			for j := range p {
				v := mean[j]
				for k := range d {
					v += ps.At(i, k) * top.At(j, k)
				}
				rows = append(rows, float32(min(1, max(0, v))))
			}
		}
	}
	return errs, rows, nil
}

func aeReport(env *Env, results []*Result, pca []float64, pcaWall, wall time.Duration) string {
	var b strings.Builder
	steps := results[0].Steps
	env.header(&b, "Autoencoder on grey MNIST: the bottleneck", "ae", ", shared with other work (niced)", wall)
	fmt.Fprintf(&b, "Every trial is the same autoencoder, MLP 784-512-256-**d**-256-512-784 with ReLU hidden layers, a linear code and sigmoid outputs, "+
		"trained from scratch on the squared reconstruction error of grey training digits (pixels in [0, 1]) for %d minibatches of 100 "+
		"(%.0f epochs), Adam 1e-3, seed 1. Errors are on the 10,000 test digits: *per image* is the squared error summed over the 784 pixels, "+
		"averaged over images (what training minimises); *per pixel* is that divided by 784. "+
		"PCA is fitted on the 60,000 training digits (%s): its top-d projection is the best any *linear* autoencoder with a d-number code can do.\n\n",
		steps, float64(steps*100)/60000, pcaWall.Round(time.Second))
	fmt.Fprintf(&b, "| latent d | AE error per image | AE MSE per pixel | PCA error per image | AE / PCA | train time |\n|---|---|---|---|---|---|\n")
	for i, r := range results {
		fmt.Fprintf(&b, "| %d | %.2f | %.4f | %.2f | %.2f | %s |\n", aeLatents[i], r.Metrics["sse_per_image"], r.Metrics["mse_per_pixel"],
			pca[i], r.Metrics["sse_per_image"]/pca[i], r.TrainTime())
	}
	fmt.Fprintf(&b, "\n![reconstructions](reconstructions.png)\n\n")
	fmt.Fprintf(&b, "`reconstructions.png`: the first %d test digits (top row), then the autoencoder's reconstructions for d = %v (one row each), "+
		"then PCA's for the same d. Loss curves: `loss-d<d>.png`. Run folders (checkpoints, loss.csv) are under `runs/` and not committed.\n\n",
		aeShowCol, aeLatents)
	b.WriteString("## What the numbers say\n\n")
	e := func(i int) float64 { return results[i].Metrics["sse_per_image"] }
	var drops []string
	falls := true
	for i := 1; i < len(results); i++ {
		falls = falls && e(i) < e(i-1)
		drops = append(drops, fmt.Sprintf("%.1f", e(i-1)-e(i)))
	}
	fmt.Fprintf(&b, "- The error falls with every doubling of d (%v), by less each time: %s per image for 2→4, 4→8, … 32→64. "+
		"The bottleneck decides how much of a digit survives, with diminishing returns once the code holds the digit's identity and rough shape.\n",
		falls, strings.Join(drops, ", "))
	bestRatio, bestGap := 0, 0
	beats := true
	for i := range results {
		beats = beats && e(i) < pca[i]
		if e(i)/pca[i] < e(bestRatio)/pca[bestRatio] {
			bestRatio = i
		}
		if pca[i]-e(i) > pca[bestGap]-e(bestGap) {
			bestGap = i
		}
	}
	fmt.Fprintf(&b, "- Against PCA (the best linear code of the same size): the autoencoder is below it at every d (%v). "+
		"Its largest absolute gain is at d = %d (%.1f less per image), its lowest ratio at d = %d (%.0f%% of PCA's error); "+
		"at d = 2 it is %.0f%%, at d = %d %.0f%%: with very wide codes a linear projection keeps most of a digit too, and 5 epochs "+
		"leave the network short of its optimum while PCA's solution is exact.\n",
		beats, aeLatents[bestGap], pca[bestGap]-e(bestGap), aeLatents[bestRatio], 100*e(bestRatio)/pca[bestRatio],
		100*e(0)/pca[0], aeLatents[len(results)-1], 100*e(len(results)-1)/pca[len(results)-1])
	b.WriteString(aeSeen)
	b.WriteString("\nThe pretrained `ae-digits` (d = 16, longer training) is in pretrained/README.md.\n")
	return b.String()
}

// aeSeen is what reconstructions.png showed in the committed run (a program cannot say it).
const aeSeen = `- In reconstructions.png, d = 2 keeps the rough shape and loses the identity of several digits
  (this run: the 2 comes back as a 3, both 4s as 9s, the 5 as an 8, the last 9 close to a 7): a
  blurred nearest prototype. At d = 8 all but the oddly written 5 (still a blob) are the right
  digit; from d = 16 on all ten are, and the strokes' thickness and slant survive. PCA at d = 2 to
  8 gives grey blobs shaped like 0, 9 or 7. This is the lecture's point: the code is a compression,
  and what does not fit through the bottleneck is lost.
`
