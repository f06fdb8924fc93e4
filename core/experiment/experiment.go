// Package experiment reproduces the studies of the reports behind each family: many small models
// trained and evaluated alike, written up as a markdown table with loss curves and sample grids.
// A family's study is one file here that calls Register.
package experiment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gomlx/compute"

	"genlab/core/data"
	"genlab/core/model"
	"genlab/core/plot"
	"genlab/core/train"
)

// Study is one report's set of experiments.
type Study struct {
	Name  string // "made": genlab experiment made
	Title string
	Run   func(ctx context.Context, env *Env) error
}

var studies = map[string]Study{}

// Register adds a study.
func Register(s Study) { studies[s.Name] = s }

// Names lists the studies.
func Names() []string {
	var n []string
	for k := range studies {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// Env is what a study runs with.
type Env struct {
	DataDir string
	Out     string // docs/experiments/<study>
	Backend compute.Backend
	Log     io.Writer
	Scale   float64 // Multiplies every training length (0.1 for a quick look).
	// Only, when set, names the trials (by label) to train, e.g. to spread a study over two
	// processes: those trials are trained and nothing else is done. A later run without Only
	// finds them trained (resuming is instant), evaluates everything and writes the report.
	Only map[string]bool

	data map[string]*data.Images
}

// errSkipped is Train's answer for a trial Env.Only leaves out: a study goes on to its next
// trial, and with Env.Only set stops before its report (which needs every trial).
var errSkipped = errors.New("trial left out by --only")

// Run runs a study by name.
func Run(ctx context.Context, name string, env *Env) error {
	s, ok := studies[name]
	if !ok {
		return fmt.Errorf("unknown study %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	if env.Scale <= 0 {
		env.Scale = 1
	}
	if err := os.MkdirAll(env.Out, 0o755); err != nil {
		return err
	}
	err := s.Run(ctx, env)
	if errors.Is(err, errSkipped) {
		return nil
	}
	return err
}

// Trial is one configuration of a study.
type Trial struct {
	Label  string          // Row name in the table, also the run folder name.
	Model  string          // Registered model name.
	Config json.RawMessage // Family config.
	Steps  int             // Before Scale.
	Eval   model.EvalOptions
}

// Result is a trained and evaluated trial.
type Result struct {
	Trial
	Model   model.Model
	Metrics model.Metrics
	Wall    time.Duration // Training time over every piece of a resumed run; < 0 when unknown.
	Steps   int
}

// TrainTime is Wall for a table: rounded to seconds, "–" when unknown.
func (r *Result) TrainTime() string {
	if r.Wall < 0 {
		return "–"
	}
	return r.Wall.Round(time.Second).String()
}

// Train trains (resuming if the trial's folder has a checkpoint) and evaluates one trial on the
// test split, writing loss.csv/loss.png under Out/runs/<label>/.
func (env *Env) Train(ctx context.Context, t Trial) (*Result, error) {
	if env.Only != nil && !env.Only[t.Label] {
		return nil, errSkipped
	}
	spec, err := model.Lookup(t.Model)
	if err != nil {
		return nil, err
	}
	trainSet, err := env.load(spec, "train")
	if err != nil {
		return nil, err
	}
	test, err := env.load(spec, "test")
	if err != nil {
		return nil, err
	}
	steps := max(1, int(float64(t.Steps)*env.Scale))
	out := filepath.Join(env.Out, "runs", t.Label)
	clock := newTrainClock(out)
	fmt.Fprintf(env.Log, "%s: training %s for %d steps\n", t.Label, t.Model, steps)
	// A run folder committed without its checkpoint (run folders are not committed as a rule, but
	// a study left half done between sessions keeps its trials' weights) continues from its
	// weights: a finished trial is then only loaded, an unfinished one goes on with fresh Adam
	// moments.
	var from string
	if _, err := os.Stat(filepath.Join(out, train.CheckpointFile)); err != nil {
		if _, err := os.Stat(filepath.Join(out, train.WeightsFile)); err == nil {
			from = filepath.Join(out, train.WeightsFile)
		}
	}
	m, reached, err := train.Run(ctx, train.Options{Model: t.Model, Config: t.Config, Data: trainSet, From: from,
		Out: out, Steps: steps, Seed: 1, Backend: env.Backend, Progress: func(train.Progress) { clock.tick() }})
	wall := clock.stop()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.Label, err)
	}
	if reached < steps {
		return nil, fmt.Errorf("%s: interrupted at step %d", t.Label, reached)
	}
	met, err := m.Evaluate(test, t.Eval)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.Label, err)
	}
	fmt.Fprintf(env.Log, "%s: %v in %s\n", t.Label, met, (&Result{Wall: wall}).TrainTime())
	return &Result{Trial: t, Model: m, Metrics: met, Wall: wall, Steps: steps}, nil
}

func (env *Env) load(spec model.Spec, split string) (*data.Images, error) {
	key := spec.Data + "/" + split
	if im, ok := env.data[key]; ok {
		return im, nil
	}
	im, err := data.Load(env.DataDir, spec.Data, split)
	if err != nil {
		return nil, err
	}
	if split == "test" {
		im = spec.TestSet(im)
	}
	if env.data == nil {
		env.data = map[string]*data.Images{}
	}
	env.data[key] = im
	return im, nil
}

// SaveGrid writes a PNG of images under Out.
func (env *Env) SaveGrid(name string, im *data.Images, cols int) error {
	return plot.WritePNG(filepath.Join(env.Out, name), plot.Grid(im, cols, 2))
}

// SaveCurves draws the loss curves of several results into one PNG per result under Out.
func (env *Env) SaveCurves(results []*Result) error {
	for _, r := range results {
		dir := filepath.Join(env.Out, "runs", r.Label)
		if err := train.WriteLossPNG(filepath.Join(dir, train.LossCSV), filepath.Join(env.Out, "loss-"+r.Label+".png"), r.Label); err != nil {
			return err
		}
	}
	return nil
}

// header starts a study's write-up: its title, then the command and wall time that produced it;
// conditions says what else the machine was doing.
func (env *Env) header(b *strings.Builder, title, study, conditions string, wall time.Duration) {
	fmt.Fprintf(b, "# %s\n\n", title)
	fmt.Fprintf(b, "Command: `genlab experiment %s --data ../shared/datasets` (scale %g), wall time %s on the 2-core development machine%s.\n\n",
		study, env.Scale, wall.Round(time.Second), conditions)
}

// WriteReport writes a study's write-up (markdown) under Out.
func (env *Env) WriteReport(name, text string) error {
	return model.WriteFileAtomic(filepath.Join(env.Out, name), []byte(text))
}
