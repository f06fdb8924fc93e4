package model

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/float16"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"
)

// The weights file: one self-describing file per model or checkpoint, so the page fetches one URL
// and a truncated, corrupt or mismatched file is caught before any variable is touched.
//
//	"GENLABW1" | uint32 LE header length | header JSON | tensor bytes (LE, in header order) | uint32 LE CRC-32 of all before
const (
	weightsMagic    = "GENLABW1"
	maxHeaderBytes  = 1 << 20
	maxWeightsBytes = 1 << 30
	maxTensorRank   = 8
	WeightsFileName = "weights.bin"
	// PageFileName is the page's copy of a weights.bin, with float16 values (Halve): half the
	// download before a model's first picture, and sampling does not need float32's last bits.
	PageFileName     = "page.bin"
	CheckpointPrefix = "checkpoint"
)

// Header is what a weights file says about itself.
type Header struct {
	Model  string          `json:"model"`
	Config json.RawMessage `json:"config,omitempty"`
	Step   int64           `json:"step"`           // Training steps taken.
	Meta   map[string]any  `json:"meta,omitempty"` // Free-form: metrics, command, wall time.
	Vars   []VarInfo       `json:"vars"`
}

// VarInfo names one stored tensor.
type VarInfo struct {
	Path  string `json:"path"`
	DType string `json:"dtype"`
	Shape []int  `json:"shape"`
}

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
	hdr, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteString(weightsMagic)
	_ = binary.Write(&out, binary.LittleEndian, uint32(len(hdr)))
	out.Write(hdr)
	out.Write(payload.Bytes())
	_ = binary.Write(&out, binary.LittleEndian, crc32.ChecksumIEEE(out.Bytes()))
	return out.Bytes(), nil
}

// Decode parses and validates a weights file; name is used in errors.
func Decode(b []byte, name string) (*Weights, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: not a valid genlab weights file: %s", name, fmt.Sprintf(format, args...))
	}
	if len(b) < len(weightsMagic)+8 || string(b[:len(weightsMagic)]) != weightsMagic {
		return nil, bad("missing %q header (%d bytes)", weightsMagic, len(b))
	}
	if len(b) > maxWeightsBytes {
		return nil, bad("%d bytes is larger than the %d limit", len(b), maxWeightsBytes)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, bad("checksum mismatch (truncated or corrupt)")
	}
	n := int(binary.LittleEndian.Uint32(body[len(weightsMagic):]))
	rest := body[len(weightsMagic)+4:]
	if n > maxHeaderBytes || n > len(rest) {
		return nil, bad("header length %d out of range", n)
	}
	w := &Weights{Tensors: map[string]*tensors.Tensor{}}
	if err := json.Unmarshal(rest[:n], &w.Header); err != nil {
		return nil, bad("header: %v", err)
	}
	rest = rest[n:]
	for _, vi := range w.Vars {
		dt, err := dtypes.DTypeString(vi.DType)
		if err != nil || dt.Size() <= 0 {
			return nil, bad("variable %s: unknown dtype %q", vi.Path, vi.DType)
		}
		if len(vi.Shape) > maxTensorRank {
			return nil, bad("variable %s: rank %d", vi.Path, len(vi.Shape))
		}
		size := dt.Size()
		for _, d := range vi.Shape {
			if d < 0 || d > maxWeightsBytes || size*d > maxWeightsBytes {
				return nil, bad("variable %s: shape %v out of range", vi.Path, vi.Shape)
			}
			size *= d
		}
		if size > len(rest) {
			return nil, bad("variable %s needs %d bytes, %d left", vi.Path, size, len(rest))
		}
		if _, dup := w.Tensors[vi.Path]; dup {
			return nil, bad("variable %s stored twice", vi.Path)
		}
		var t *tensors.Tensor
		if dt == dtypes.Float16 { // a page copy (Halve): models compute in float32
			if t, err = widen(rest[:size], vi.Shape); err != nil {
				return nil, err
			}
		} else {
			t = tensors.FromShape(shapes.Make(dt, vi.Shape...))
			if err := t.MutableBytes(func(dst []byte) { copy(dst, rest[:size]) }); err != nil {
				return nil, err
			}
		}
		w.Tensors[vi.Path] = t
		rest = rest[size:]
	}
	if len(rest) != 0 {
		return nil, bad("%d unexpected bytes after the last variable", len(rest))
	}
	return w, nil
}

// widen decodes little-endian float16 values into a float32 tensor, through a table of all 2¹⁶
// values: the page decodes a model's weights on the critical path to its first picture, and in
// wasm the table is ~10× faster than converting each value. It writes straight into the new
// tensor (no second copy), and leaves an all-zero variable (first.bin zeroes the groups that
// sampling does not read) as the tensor's own zeros.
func widen(b []byte, dims []int) (*tensors.Tensor, error) {
	t := tensors.FromShape(shapes.Make(dtypes.Float32, dims...))
	if allZero(b) {
		return t, nil
	}
	table := halfTable()
	err := t.MutableFlatData(func(flat any) {
		out := flat.([]float32)
		for i := range out {
			out[i] = table[binary.LittleEndian.Uint16(b[2*i:])]
		}
	})
	return t, err
}

// allZero says whether every byte of b is 0, eight at a time.
func allZero(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, v := range b {
		if v != 0 {
			return false
		}
	}
	return true
}

var halfTable = sync.OnceValue(func() *[1 << 16]float32 {
	t := new([1 << 16]float32)
	for i := range t {
		t[i] = float16.Float16(i).Float32()
	}
	return t
})

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
// mix: temp file in the same folder, fsync, rename, fsync the folder.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(0o644) // CreateTemp makes 0600; weights and PNGs are meant to be read by others.
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

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
