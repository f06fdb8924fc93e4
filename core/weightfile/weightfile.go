// Package weightfile reads and writes genlab's weights file without GoMLX, so that the page's
// first-picture program (wasm/first) can read one; core/model builds tensors on top of it.
//
//	"GENLABW1" | uint32 LE header length | header JSON | tensor bytes (LE, in header order) | uint32 LE CRC-32 of all before
//
// One self-describing file per model or checkpoint, so the page fetches one URL and a truncated,
// corrupt or mismatched file is caught before any variable is touched.
package weightfile

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
	"sync"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/float16"
)

const (
	magic          = "GENLABW1"
	maxHeaderBytes = 1 << 20
	// MaxBytes bounds a whole file (and any one tensor in it).
	MaxBytes      = 1 << 30
	maxTensorRank = 8
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

// File is a parsed weights file: its header and each variable's bytes, in header order.
type File struct {
	Header
	DTypes []dtypes.DType
	Raw    [][]byte // Views into the parsed buffer.
}

// Parse validates a weights file; name is used in errors.
func Parse(b []byte, name string) (*File, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: not a valid genlab weights file: %s", name, fmt.Sprintf(format, args...))
	}
	if len(b) < len(magic)+8 || string(b[:len(magic)]) != magic {
		return nil, bad("missing %q header (%d bytes)", magic, len(b))
	}
	if len(b) > MaxBytes {
		return nil, bad("%d bytes is larger than the %d limit", len(b), MaxBytes)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, bad("checksum mismatch (truncated or corrupt)")
	}
	n := int(binary.LittleEndian.Uint32(body[len(magic):]))
	rest := body[len(magic)+4:]
	if n > maxHeaderBytes || n > len(rest) {
		return nil, bad("header length %d out of range", n)
	}
	f := &File{}
	if err := json.Unmarshal(rest[:n], &f.Header); err != nil {
		return nil, bad("header: %v", err)
	}
	rest = rest[n:]
	seen := map[string]bool{}
	for _, vi := range f.Vars {
		dt, err := dtypes.DTypeString(vi.DType)
		if err != nil || dt.Size() <= 0 {
			return nil, bad("variable %s: unknown dtype %q", vi.Path, vi.DType)
		}
		if len(vi.Shape) > maxTensorRank {
			return nil, bad("variable %s: rank %d", vi.Path, len(vi.Shape))
		}
		size := dt.Size()
		for _, d := range vi.Shape {
			if d < 0 || d > MaxBytes || size*d > MaxBytes {
				return nil, bad("variable %s: shape %v out of range", vi.Path, vi.Shape)
			}
			size *= d
		}
		if size > len(rest) {
			return nil, bad("variable %s needs %d bytes, %d left", vi.Path, size, len(rest))
		}
		if seen[vi.Path] {
			return nil, bad("variable %s stored twice", vi.Path)
		}
		seen[vi.Path] = true
		f.DTypes = append(f.DTypes, dt)
		f.Raw = append(f.Raw, rest[:size])
		rest = rest[size:]
	}
	if len(rest) != 0 {
		return nil, bad("%d unexpected bytes after the last variable", len(rest))
	}
	return f, nil
}

// Assemble writes a weights file from its header (Vars filled in) and the variables' bytes.
func Assemble(h Header, payload []byte) ([]byte, error) {
	hdr, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteString(magic)
	_ = binary.Write(&out, binary.LittleEndian, uint32(len(hdr)))
	out.Write(hdr)
	out.Write(payload)
	_ = binary.Write(&out, binary.LittleEndian, crc32.ChecksumIEEE(out.Bytes()))
	return out.Bytes(), nil
}

// Float32s is a variable's values as float32: float32 as stored, float16 (a page copy) widened.
func (f *File) Float32s(i int) ([]float32, error) {
	raw := f.Raw[i]
	out := make([]float32, len(raw)/f.DTypes[i].Size())
	switch f.DTypes[i] {
	case dtypes.Float32:
		for j := range out {
			out[j] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
		}
	case dtypes.Float16:
		Widen(out, raw)
	default:
		return nil, fmt.Errorf("variable %s is %s, not float", f.Vars[i].Path, f.Vars[i].DType)
	}
	return out, nil
}

// Widen decodes little-endian float16 values into dst through a table of all 2¹⁶ values: the page
// decodes a model's weights on the critical path to its first picture, and in wasm the table is
// ~10× faster than converting each value. An all-zero src (first.bin zeroes the groups sampling
// does not read) leaves dst as it is.
func Widen(dst []float32, src []byte) {
	if AllZero(src) {
		return
	}
	table := halfTable()
	for i := range dst {
		dst[i] = table[binary.LittleEndian.Uint16(src[2*i:])]
	}
}

// AllZero says whether every byte of b is 0, eight at a time.
func AllZero(b []byte) bool {
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
