package train

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute"

	"github.com/gomlx/gomlx/core/tensors"

	"genlab/core/data"
	"genlab/core/model"
	_ "genlab/core/vae"
)

const tinyVAE = `{"dim":16,"hidden":[8],"latent":2}`

// nanAfter wraps a VAE so that its loss turns NaN at a given step, as a diverging run would.
type nanAfter struct {
	named
	steps, at int
}

// named is a VAE registered under a test name.
type named struct {
	model.Model
	spec model.Spec
}

func (n named) Spec() model.Spec { return n.spec }

func (m *nanAfter) TrainStep(b *data.Images, rng *rand.Rand) (float64, error) {
	m.steps++
	if m.steps >= m.at {
		return math.NaN(), errNaN
	}
	return m.Model.TrainStep(b, rng)
}

var errNaN = &nanError{}

type nanError struct{}

func (*nanError) Error() string { return "loss is NaN" }

func init() {
	spec, _ := model.Lookup("vae-digits")
	spec.Name, spec.BatchSize = "test-nan", 4
	model.Register(spec, func(b compute.Backend, s model.Spec, cfg json.RawMessage, seed uint64) (model.Model, error) {
		m, err := model.New(b, "vae-digits", cfg, seed, model.WithLR(s.LR))
		return &nanAfter{named: named{m, s}, at: 6}, err
	})
	spec.Name = "test-vae"
	model.Register(spec, func(b compute.Backend, s model.Spec, cfg json.RawMessage, seed uint64) (model.Model, error) {
		m, err := model.New(b, "vae-digits", cfg, seed, model.WithLR(s.LR))
		return named{m, s}, err
	})
}

func toyData() *data.Images {
	im := &data.Images{N: 40, H: 4, W: 4, C: 1, Pix: make([]float32, 40*16)}
	for i := range im.Pix {
		im.Pix[i] = float32(i%7) / 7
	}
	return im
}

func opts(t *testing.T, name, out string, steps int) Options {
	b, err := model.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	return Options{Model: name, Config: []byte(tinyVAE), Data: toyData(), Out: out, Steps: steps, Seed: 3, Backend: b}
}

// A run interrupted and resumed must end with exactly the weights of an uninterrupted run: same
// batches, same noise, same optimizer state.
func TestResumeMatchesUninterrupted(t *testing.T) {
	straight, mid := t.TempDir(), t.TempDir()
	if _, _, err := Run(context.Background(), opts(t, "test-vae", straight, 12)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Run(context.Background(), opts(t, "test-vae", mid, 5)); err != nil {
		t.Fatal(err)
	}
	_, step, err := Run(context.Background(), opts(t, "test-vae", mid, 12))
	if err != nil || step != 12 {
		t.Fatalf("resume: step %d, %v", step, err)
	}
	a, _ := os.ReadFile(filepath.Join(straight, WeightsFile))
	b, _ := os.ReadFile(filepath.Join(mid, WeightsFile))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatal("resumed weights differ from an uninterrupted run")
	}
	rows, _ := ReadLossCSV(filepath.Join(mid, LossCSV))
	if len(rows) != 12 || rows[11].Step != 12 {
		t.Fatalf("loss log has %d rows, want steps 1..12", len(rows))
	}
	if st, err := os.Stat(filepath.Join(mid, LossPNG)); err != nil || st.Size() == 0 {
		t.Fatal("no loss curve PNG")
	}
}

// Options.LR replaces the model's rate, also when resuming a checkpoint that holds another.
func TestLRReplacesCheckpointedRate(t *testing.T) {
	out := t.TempDir()
	if _, _, err := Run(context.Background(), opts(t, "test-vae", out, 3)); err != nil {
		t.Fatal(err)
	}
	rate := func() float32 {
		w, err := model.ReadWeightsFile(filepath.Join(out, CheckpointFile))
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range w.Tensors {
			if strings.HasSuffix(name, "/learning_rate") {
				return tensors.ToScalar[float32](v)
			}
		}
		t.Fatal("checkpoint holds no learning rate")
		return 0
	}
	spec, _ := model.Lookup("test-vae")
	if got := rate(); got != float32(spec.LR) {
		t.Fatalf("checkpointed rate %g, want the spec's %g", got, spec.LR)
	}
	o := opts(t, "test-vae", out, 5)
	o.LR = 1e-5
	if _, _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if got := rate(); got != 1e-5 {
		t.Fatalf("resumed with LR 1e-5: checkpointed rate %g", got)
	}
}

func TestNaNStopsAndKeepsLastGoodCheckpoint(t *testing.T) {
	out := t.TempDir()
	o := opts(t, "test-nan", out, 3)
	if _, _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(filepath.Join(out, CheckpointFile))
	o.Steps = 50
	_, step, err := Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "step 9") || !strings.Contains(err.Error(), "NaN") {
		t.Fatalf("want an error naming step 9 and NaN, got step %d: %v", step, err)
	}
	after, _ := os.ReadFile(filepath.Join(out, CheckpointFile))
	if !bytes.Equal(good, after) {
		t.Fatal("the checkpoint changed after a NaN")
	}
}

func TestCancelSavesCheckpoint(t *testing.T) {
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	o := opts(t, "test-vae", out, 1000)
	o.Progress = func(p Progress) {
		if p.Step == 4 {
			cancel()
		}
	}
	_, step, err := Run(ctx, o)
	if err != nil || step != 4 {
		t.Fatalf("step %d, %v", step, err)
	}
	w, err := model.ReadWeightsFile(filepath.Join(out, CheckpointFile))
	if err != nil || w.Step != 4 {
		t.Fatalf("checkpoint: %v", err)
	}
}

func TestCorruptCheckpointIsReported(t *testing.T) {
	out := t.TempDir()
	_ = os.WriteFile(filepath.Join(out, CheckpointFile), []byte("GENLABW1 garbage"), 0o644)
	_, _, err := Run(context.Background(), opts(t, "test-vae", out, 2))
	if err == nil || !strings.Contains(err.Error(), CheckpointFile) || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("err = %v", err)
	}
}

// A run carried to a new machine as a weights file continues at its step count.
func TestFromWeightsContinuesTheStepCount(t *testing.T) {
	first, carried := t.TempDir(), t.TempDir()
	if _, _, err := Run(context.Background(), opts(t, "test-vae", first, 5)); err != nil {
		t.Fatal(err)
	}
	o := opts(t, "test-vae", carried, 8)
	o.From = filepath.Join(first, WeightsFile)
	if _, step, err := Run(context.Background(), o); err != nil || step != 8 {
		t.Fatalf("from weights: step %d, %v", step, err)
	}
	rows, _ := ReadLossCSV(filepath.Join(carried, LossCSV))
	if len(rows) != 3 || rows[0].Step != 6 {
		t.Fatalf("loss log of the carried run has %d rows from step %v, want steps 6..8", len(rows), rows)
	}
	o.Out, o.From = t.TempDir(), filepath.Join(first, "missing.bin")
	if _, _, err := Run(context.Background(), o); err == nil {
		t.Fatal("a missing --from file was not reported")
	}
	// Growing needs weights to grow, and a config that adds to them (diffusion's grow_test
	// grows a U-Net).
	o.Out, o.From, o.Grow = t.TempDir(), "", true
	if _, _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "--from") {
		t.Fatalf("--grow without --from: %v", err)
	}
	o.From = filepath.Join(first, WeightsFile)
	if _, _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "nothing to grow") {
		t.Fatalf("--grow into the same model: %v", err)
	}
}

// Resuming rewrites the loss log's kept rows at once: a crash before the next checkpoint must not
// leave it truncated.
func TestLossLogKeepsRowsAcrossACrashAfterResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), LossCSV)
	if err := os.WriteFile(path, []byte("step,loss\n1,5\n2,4\n3,3\n4,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := openLossLog(path, 3) // resumed at step 3; the process then dies without a Sync
	if err != nil {
		t.Fatal(err)
	}
	_ = l.Add(4, 2.5)
	rows, err := ReadLossCSV(path)
	if err != nil || len(rows) != 3 || rows[2].Step != 3 {
		t.Fatalf("after the resume, before any sync, the log holds %+v (%v); want steps 1–3", rows, err)
	}
	l.Close()
}

// A config given on resume replaces the saved config's keys: a key that changes tensor shapes
// fails the load (rather than being ignored), the rest carry over.
func TestConfigOnResumeOverlaysSaved(t *testing.T) {
	got, err := overlay([]byte(`{"T":1000,"eta":0,"hidden":[8]}`), []byte(`{"eta":1}`))
	if err != nil || string(got) != `{"T":1000,"eta":1,"hidden":[8]}` {
		t.Fatalf("overlay: %s, %v", got, err)
	}
	if _, err := overlay([]byte(`{}`), []byte(`[1]`)); err == nil {
		t.Fatal("a config that is not a JSON object was accepted")
	}
	out := t.TempDir()
	if _, _, err := Run(context.Background(), opts(t, "test-vae", out, 2)); err != nil {
		t.Fatal(err)
	}
	o := opts(t, "test-vae", out, 3)
	o.Config = []byte(`{"latent":3}`)
	if _, _, err := Run(context.Background(), o); err == nil {
		t.Fatal("resumed a latent-2 checkpoint as latent 3")
	}
	o.Config = []byte(`{"latent":2}`)
	if m, step, err := Run(context.Background(), o); err != nil || step != 3 || !strings.Contains(string(must(json.Marshal(m.Config()))), `"latent":2`) {
		t.Fatalf("resume with a matching config: step %d, %v", step, err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
