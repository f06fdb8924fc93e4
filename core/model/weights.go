package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/float16"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/data"
	"genlab/core/weightfile"
)

// The weights file's format is core/weightfile's.
const (
	WeightsFileName = "weights.bin"
	// PageFileName is the page's copy of a weights.bin, with float16 values (Halve): half the
	// download before a model's first picture, and sampling does not need float32's last bits.
	PageFileName     = "page.bin"
	CheckpointPrefix = "checkpoint"
)

// Header is what a weights file says about itself.
type Header = weightfile.Header

// VarInfo names one stored tensor.
type VarInfo = weightfile.VarInfo

// Weights is a decoded weights file.
type Weights struct {
	Header
	Tensors map[string]*tensors.Tensor
}

// Encode writes the store's variables (all of them with optimizer state when withState, else only
// the trainable ones: what the page needs) after the header.
func Encode(h Header, store *gm.Store, withState bool) ([]byte, error) {
	var vars []namedTensor
	for v := range store.IterVariables() {
		if !withState && !v.Trainable {
			continue
		}
		t, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", v.Path(), err)
		}
		vars = append(vars, namedTensor{v.Path(), t})
	}
	return encode(h, vars)
}

type namedTensor struct {
	path string
	t    *tensors.Tensor
}

func encode(h Header, vars []namedTensor) ([]byte, error) {
	var payload bytes.Buffer
	h.Vars = nil
	for _, v := range vars {
		sh := v.t.Shape()
		h.Vars = append(h.Vars, VarInfo{Path: v.path, DType: sh.DType.String(), Shape: append([]int{}, sh.Dimensions...)})
		if err := v.t.ConstBytes(func(b []byte) { payload.Write(b) }); err != nil {
			return nil, fmt.Errorf("variable %s: %w", v.path, err)
		}
	}
	return weightfile.Assemble(h, payload.Bytes())
}

// Decode parses and validates a weights file; name is used in errors.
func Decode(b []byte, name string) (*Weights, error) {
	f, err := weightfile.Parse(b, name)
	if err != nil {
		return nil, err
	}
	w := &Weights{Header: f.Header, Tensors: map[string]*tensors.Tensor{}}
	for i, vi := range w.Vars {
		var t *tensors.Tensor
		if f.DTypes[i] == dtypes.Float16 { // a page copy (Halve): models compute in float32
			t = tensors.FromShape(shapes.Make(dtypes.Float32, vi.Shape...))
			err = t.MutableFlatData(func(flat any) { weightfile.Widen(flat.([]float32), f.Raw[i]) })
		} else {
			t = tensors.FromShape(shapes.Make(f.DTypes[i], vi.Shape...))
			err = t.MutableBytes(func(dst []byte) { copy(dst, f.Raw[i]) })
		}
		if err != nil {
			return nil, err
		}
		w.Tensors[vi.Path] = t
	}
	return w, nil
}

// Halve re-encodes a weights file with its float32 tensors as float16 (what PageFileName holds),
// and returns the largest relative rounding error of a value. A value beyond float16's range
// (±65504) is an error, not an infinity.
func Halve(b []byte, name string) ([]byte, float64, error) {
	w, err := Decode(b, name)
	if err != nil {
		return nil, 0, err
	}
	vars, worst, err := halfVars(w, name)
	if err != nil {
		return nil, 0, err
	}
	out, err := encode(w.Header, vars)
	return out, worst, err
}

// halfVars is w's variables in file order, float32 ones as float16, and the largest relative
// rounding error of a value.
func halfVars(w *Weights, name string) ([]namedTensor, float64, error) {
	var vars []namedTensor
	var worst float64
	for _, vi := range w.Vars {
		t := w.Tensors[vi.Path]
		if t.DType() == dtypes.Float32 {
			vals := tensors.MustCopyFlatData[float32](t)
			half := make([]float16.Float16, len(vals))
			for i, v := range vals {
				if math.Abs(float64(v)) > 65504 {
					return nil, 0, fmt.Errorf("%s: variable %s holds %g, beyond float16's range", name, vi.Path, v)
				}
				half[i] = float16.FromFloat32(v)
				if math.Abs(float64(v)) >= 6.1e-5 { // float16's smallest normal: below, absolute error ≤ 3e-8
					worst = max(worst, math.Abs(float64(half[i].Float32()-v)/float64(v)))
				}
			}
			t = tensors.FromFlatDataAndDimensions(half, vi.Shape...)
		}
		vars = append(vars, namedTensor{vi.Path, t})
	}
	return vars, worst, nil
}

// Drop removes the variables whose path ends with suffix (e.g. an optimizer's learning rate, so
// that a resumed run takes a new one).
func (w *Weights) Drop(suffix string) {
	w.Vars = slices.DeleteFunc(w.Vars, func(vi VarInfo) bool { return strings.HasSuffix(vi.Path, suffix) })
	maps.DeleteFunc(w.Tensors, func(path string, _ *tensors.Tensor) bool { return strings.HasSuffix(path, suffix) })
}

// Apply copies the weights into a freshly built model's store. Every variable the model has must
// be present with the same shape; extra variables (optimizer state, global step) are created as
// non-trainable so that training resumes exactly. One exception: a moving average (EMA) the
// weights lack starts as a copy of its variable, so that a run saved before its model averaged
// continues with averaging.
func (w *Weights) Apply(store *gm.Store, name string) error {
	for v := range store.IterVariables() {
		if !v.Trainable {
			continue
		}
		t, ok := w.Tensors[v.Path()]
		if raw, isAvg := strings.CutPrefix(v.Path(), "/"+EMAScope); !ok && isAvg {
			if t, ok = w.Tensors[raw]; ok {
				avg, err := t.LocalClone() // its own copy: the raw variable gets t itself
				if err != nil {
					return err
				}
				if err := v.SetValue(avg); err != nil {
					return err
				}
			}
		}
		if !ok {
			return fmt.Errorf("%s: weights lack variable %s %s (built for another configuration?)", name, v.Path(), v.Shape())
		}
		if !t.Shape().Equal(v.Shape()) {
			return fmt.Errorf("%s: variable %s has shape %s, the model expects %s", name, v.Path(), t.Shape(), v.Shape())
		}
	}
	for _, vi := range w.Vars {
		t := w.Tensors[vi.Path]
		if v := store.GetVariable(vi.Path); v != nil {
			if !t.Shape().Equal(v.Shape()) {
				return fmt.Errorf("%s: variable %s has shape %s, the model expects %s", name, vi.Path, t.Shape(), v.Shape())
			}
			if cur, err := v.Value(); err == nil && cur == t {
				continue // loaded while the model was built (Spec.NewStore): setting it again would free it
			}
			if err := v.SetValue(t); err != nil {
				return err
			}
			continue
		}
		v, err := store.CreateVariable(vi.Path, t)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		v.SetTrainable(false)
	}
	return nil
}

// WriteFileAtomic writes data so that path holds either its old content or all of data, never a
// mix (data.WriteFileAtomic).
func WriteFileAtomic(path string, b []byte) error { return data.WriteFileAtomic(path, b) }

// ReadWeightsFile reads and validates a weights file.
func ReadWeightsFile(path string) (*Weights, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such weights file", path)
		}
		return nil, err
	}
	return Decode(b, path)
}

// FromWeights rebuilds a model from decoded weights: the architecture from the saved config, the
// values from the tensors. want, if not empty, is the model name the caller expects.
func FromWeights(backend compute.Backend, w *Weights, want, name string, opts ...Option) (Model, error) {
	if want != "" && w.Model != want {
		return nil, fmt.Errorf("%s: holds weights of model %q, not %q", name, w.Model, want)
	}
	e, err := find(w.Model)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	spec := e.spec
	for _, o := range opts {
		o(&spec)
	}
	spec.load = &loading{w}
	m, err := e.new(backend, spec, w.Config, 0)
	spec.load.w = nil // the model keeps its spec: not the weights
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m.Store().SetLoader(nil)
	if err := w.Apply(m.Store(), name); err != nil {
		return nil, err
	}
	return m, nil
}

// Save writes the model's weights (and optimizer state when withState) atomically to path.
func Save(m Model, path string, step int64, meta map[string]any, withState bool) error {
	cfg, err := json.Marshal(m.Config())
	if err != nil {
		return err
	}
	b, err := Encode(Header{Model: m.Spec().Name, Config: cfg, Step: step, Meta: meta}, m.Store(), withState)
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, b)
}
