// Command native measures genlab's native compute on one backend and prints one JSON object:
// matmul and convolution GFLOP/s, the MLP train step of the browser comparison, and a train step
// of every registered model. `make bench` (bench/main.go) runs it once per backend and build
// (with and without GOEXPERIMENT=simd).
//
//	go run ./bench/native --backend go --data ../shared/datasets
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"

	"genlab/bench/mlp"
	"genlab/bench/timing"
	"genlab/core/data"
	_ "genlab/core/families"
	"genlab/core/model"
	"genlab/core/nn"
)

// Result is what one run prints. Times are medians of timed repetitions after a warm-up (which
// compiles); models that fail to build or step report Error instead of failing the run.
type Result struct {
	Backend        string                 `json:"backend"`
	SIMD           bool                   `json:"simd"` // built with GOEXPERIMENT=simd
	MatmulGFLOPS   float64                `json:"matmul_gflops"`
	ConvGFLOPS     float64                `json:"conv_gflops"`
	MLPTrainStepMs float64                `json:"mlp_train_step_ms"`
	MLPForwardMs   float64                `json:"mlp_forward_ms"`
	Models         map[string]ModelResult `json:"models"`
}

type ModelResult struct {
	Batch         int     `json:"batch"`
	TrainStepMs   float64 `json:"train_step_ms,omitempty"`
	SamplesPerSec float64 `json:"samples_per_s,omitempty"`
	Error         string  `json:"error,omitempty"`
}

// Each measurement runs for about this long (after its warm-up), at least minReps times.
var (
	budget    = flag.Duration("budget", 2*time.Second, "time spent timing each measurement")
	minReps   = flag.Int("min-reps", 3, "fewest timed repetitions of each measurement")
	maxWarmup = flag.Duration("max-warmup", 10*time.Second, "a warm-up slower than this is followed by one timed repetition")
)

func main() {
	backendName := flag.String("backend", "go", "compute backend: go or onnx")
	dataDir := flag.String("data", "", "datasets directory (model train steps are skipped without it)")
	models := flag.String("models", "all", `models to time: "all", or a comma-separated list ("" for none)`)
	flag.Parse()
	if err := run(*backendName, *dataDir, *models); err != nil {
		fmt.Fprintln(os.Stderr, "bench/native:", err)
		os.Exit(1)
	}
}

func run(backendName, dataDir, models string) error {
	be, err := model.NewBackend(backendName)
	if err != nil {
		return err
	}
	res := Result{Backend: backendName, SIMD: simdBuild, Models: map[string]ModelResult{}}
	if res.MatmulGFLOPS, err = matmulGFLOPS(be); err != nil {
		return fmt.Errorf("matmul: %w", err)
	}
	if res.ConvGFLOPS, err = convGFLOPS(be); err != nil {
		return fmt.Errorf("conv: %w", err)
	}
	if res.MLPTrainStepMs, res.MLPForwardMs, err = mlpMs(be); err != nil {
		return fmt.Errorf("mlp: %w", err)
	}
	if dataDir != "" {
		for _, name := range model.Names() {
			if models == "all" || slices.Contains(strings.Split(models, ","), name) {
				res.Models[name] = trainStep(be, name, dataDir)
			}
		}
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// timeIt times fn with the flags' budget (bench/timing).
func timeIt(fn func() error) (time.Duration, error) {
	r, err := timing.Time(timing.Options{Budget: *budget, MinReps: *minReps, MaxWarmup: *maxWarmup}, fn)
	return r.Median, err
}

func randTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return model.F32(model.Normals(rng, n), dims...)
}

// matmulGFLOPS times 64×784 @ 784×512, the first layer of the MLP: the yardstick of the notes.
func matmulGFLOPS(be compute.Backend) (float64, error) {
	rng := model.Rand(1)
	x, w := randTensor(rng, 64, 784), randTensor(rng, 784, 512)
	exec := gm.MustNewExec(be, gm.NewStore(), func(_ *gm.Scope, x, w *graph.Node) *graph.Node {
		return graph.Dot(x, w).Product()
	})
	d, err := timeIt(func() error { _, err := model.Call(exec, x, w); return err })
	return 2 * 64 * 784 * 512 / d.Seconds() / 1e9, err
}

// convGFLOPS times two 3×3 convolutions 32→32 channels (nn.Conv2D, the project's convolution) on
// 16 images of 32×32, forward and backward to input and weights: 3× the forward arithmetic.
func convGFLOPS(be compute.Backend) (float64, error) {
	rng := model.Rand(2)
	x := randTensor(rng, 16, 32, 32, 32)
	exec := gm.MustNewExec(be, gm.NewStore(), func(scope *gm.Scope, x *graph.Node) []*graph.Node {
		scope = scope.WithInitializer(initializer.RandomNormalFn(scope, 0.1))
		s1, s2 := scope.In("conv1"), scope.In("conv2")
		h := graph.Tanh(nn.Conv2D(s1, x, 32, 3, 1))
		loss := graph.ReduceAllSum(graph.Square(nn.Conv2D(s2, h, 32, 3, 1)))
		g := x.Graph()
		return graph.Gradient(loss, x, s1.GetVariable("weights").NodeValue(g), s2.GetVariable("weights").NodeValue(g))
	})
	d, err := timeIt(func() error { return model.Guard(func() error { _, err := exec.Exec(x); return err }) })
	const flops = 3 * 2 * (2 * 16 * 32 * 32 * 9 * 32 * 32)
	return flops / d.Seconds() / 1e9, err
}

// mlpMs times the browser comparison's MLP (bench/mlp) natively.
func mlpMs(be compute.Backend) (trainMs, fwdMs float64, err error) {
	m := mlp.New(be, 1)
	dt, err := timeIt(m.TrainStep)
	if err != nil {
		return 0, 0, err
	}
	df, err := timeIt(m.Forward)
	return ms(dt), ms(df), err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// trainStep times one optimiser step of a freshly initialised model on batches of its test set,
// preprocessed as training does (dynamic binarisation).
func trainStep(be compute.Backend, name, dataDir string) (r ModelResult) {
	spec, _ := model.Lookup(name)
	r.Batch = spec.BatchSize
	err := model.Guard(func() error {
		im, err := loadData(dataDir, spec.Data)
		if err != nil {
			return err
		}
		m, err := model.New(be, name, nil, 1)
		if err != nil {
			return err
		}
		batches := data.NewBatcher(im, spec.BatchSize, 1)
		rng := model.Rand(3)
		d, err := timeIt(func() error {
			x, labels := batches.Next()
			if spec.Binarize {
				data.BinarizeInto(x, x, rng)
			}
			_, err := m.TrainStep(&data.Images{N: spec.BatchSize, H: im.H, W: im.W, C: im.C, Pix: x, Labels: labels}, rng)
			return err
		})
		if err == nil {
			r.TrainStepMs, r.SamplesPerSec = ms(d), float64(spec.BatchSize)/d.Seconds()
		}
		return err
	})
	if err != nil {
		r.Error = err.Error()
	}
	return r
}

// loadData reads a data set's test split; a 2-D toy density is 10000 points as N×1×1×2 images
// when data.Load doesn't draw them itself.
func loadData(dir, set string) (*data.Images, error) {
	im, err := data.Load(dir, set, "test")
	if err != nil && slices.Contains(data.Toy2DNames, set) {
		pts, err := data.Toy2D(set, 10000, 1)
		return &data.Images{N: len(pts) / 2, H: 1, W: 1, C: 2, Pix: pts, Labels: make([]uint8, len(pts)/2)}, err
	}
	return im, err
}
