package model

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"
)

func sampleStore(t *testing.T) *gm.Store { return sampleStoreF(gm.NewStore()) }

// sampleStoreF fills s with two weights and one piece of optimizer state.
func sampleStoreF(s *gm.Store) *gm.Store {
	_, _ = s.CreateVariable("/net/w", tensors.FromFlatDataAndDimensions([]float32{1, 2, 3, 4, 5, 6}, 2, 3))
	_, _ = s.CreateVariable("/net/b", tensors.FromFlatDataAndDimensions([]float32{-1, 0.5}, 2))
	st, _ := s.CreateVariable("/opt/step", tensors.FromScalar(int64(42)))
	st.SetTrainable(false)
	return s
}

func TestWeightsRoundTrip(t *testing.T) {
	s := sampleStore(t)
	for _, withState := range []bool{false, true} {
		b, err := Encode(Header{Model: "m", Step: 7, Meta: map[string]any{"note": "x"}}, s, withState)
		if err != nil {
			t.Fatal(err)
		}
		w, err := Decode(b, "f")
		if err != nil {
			t.Fatal(err)
		}
		if w.Model != "m" || w.Step != 7 {
			t.Fatalf("header %+v", w.Header)
		}
		got := tensors.MustCopyFlatData[float32](w.Tensors["/net/w"])
		if len(got) != 6 || got[5] != 6 {
			t.Fatalf("w = %v", got)
		}
		if _, ok := w.Tensors["/opt/step"]; ok != withState {
			t.Fatalf("withState=%v but optimizer state present=%v", withState, ok)
		}
	}
}

func TestWeightsRejectsDamage(t *testing.T) {
	good, err := Encode(Header{Model: "m"}, sampleStore(t), true)
	if err != nil {
		t.Fatal(err)
	}
	// withCRC re-seals a modified body so that the structural checks, not the CRC, must catch it.
	withCRC := func(body []byte) []byte {
		return binary.LittleEndian.AppendUint32(append([]byte{}, body...), crc32.ChecksumIEEE(body))
	}
	hdrLen := int(binary.LittleEndian.Uint32(good[8:]))
	body := good[:len(good)-4]
	hugeShape := bytes.Replace(body[12:12+hdrLen], []byte(`[2,3]`), []byte(`[2000000000,3]`), 1)
	cases := map[string][]byte{
		"empty":          nil,
		"wrong magic":    append([]byte("GENLABW0"), good[8:]...),
		"truncated":      good[:len(good)-10],
		"flipped bit":    func() []byte { b := append([]byte{}, good...); b[len(b)/2] ^= 1; return b }(),
		"trailing bytes": withCRC(append(append([]byte{}, body...), 0, 0, 0, 0)),
		"huge header":    withCRC(binary.LittleEndian.AppendUint32([]byte("GENLABW1"), 1<<30)),
		"huge shape":     withCRC(append(append(append([]byte{}, body[:12]...), hugeShape...), body[12+hdrLen:]...)),
	}
	for name, b := range cases {
		if _, err := Decode(b, "weights.bin"); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), "weights.bin") {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
}

func TestApplyChecksShapes(t *testing.T) {
	b, _ := Encode(Header{Model: "m"}, sampleStore(t), true)
	w, err := Decode(b, "f")
	if err != nil {
		t.Fatal(err)
	}
	// A model whose /net/w is 3x2 must refuse these weights, naming the variable.
	s := gm.NewStore()
	_, _ = s.CreateVariable("/net/w", tensors.FromShape(w.Tensors["/net/w"].Shape().Clone()))
	other := gm.NewStore()
	_, _ = other.CreateVariable("/net/w", tensors.FromFlatDataAndDimensions(make([]float32, 6), 3, 2))
	if err := w.Apply(other, "f"); err == nil || !strings.Contains(err.Error(), "/net/w") {
		t.Fatalf("shape mismatch: %v", err)
	}
	missing := gm.NewStore()
	_, _ = missing.CreateVariable("/net/extra", tensors.FromScalar(float32(0)))
	if err := w.Apply(missing, "f"); err == nil || !strings.Contains(err.Error(), "/net/extra") {
		t.Fatalf("missing variable: %v", err)
	}
	if err := w.Apply(s, "f"); err != nil {
		t.Fatal(err)
	}
	// Optimizer state the model has not created yet comes in as non-trainable.
	if v := s.GetVariable("/opt/step"); v == nil || v.Trainable {
		t.Fatalf("optimizer state not restored as non-trainable: %v", v)
	}
}

func TestWriteFileAtomicLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.bin")
	for _, s := range []string{"first", "second"} {
		if err := WriteFileAtomic(p, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(p)
	entries, _ := os.ReadDir(dir)
	if string(b) != "second" || len(entries) != 1 {
		t.Fatalf("content %q, %d entries", b, len(entries))
	}
}

func TestLookupUnknownListsNames(t *testing.T) {
	if _, err := Lookup("nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v", err)
	}
	if _, err := NewBackend("tpu"); err == nil {
		t.Fatal("unknown backend accepted")
	}
}

// A page copy (Halve) stores float16 and decodes to the same float32 variables, within float16's
// rounding, in about half the bytes; other dtypes pass unchanged; out-of-range values are refused.
func TestHalve(t *testing.T) {
	s := gm.NewStore()
	vals := make([]float32, 1000)
	for i := range vals {
		vals[i] = float32(i-500) * 0.0137
	}
	_, _ = s.CreateVariable("/net/w", tensors.FromFlatDataAndDimensions(vals, 10, 100))
	_, _ = s.CreateVariable("/net/zero", tensors.FromShape(shapes.Make(dtypes.Float32, 3, 5))) // as first.bin's zeroed groups
	st, _ := s.CreateVariable("/opt/step", tensors.FromScalar(int64(42)))
	st.SetTrainable(false)
	full, err := Encode(Header{Model: "m", Step: 3}, s, true)
	if err != nil {
		t.Fatal(err)
	}
	half, worst, err := Halve(full, "f")
	if err != nil {
		t.Fatal(err)
	}
	if worst <= 0 || worst > 1e-3 {
		t.Fatalf("worst relative rounding %g, want (0, 2⁻¹¹]", worst)
	}
	if len(half) > len(full)*6/10 {
		t.Fatalf("page copy %d bytes of %d", len(half), len(full))
	}
	w, err := Decode(half, "page")
	if err != nil {
		t.Fatal(err)
	}
	got := w.Tensors["/net/w"]
	if got.DType().String() != "Float32" || !got.Shape().Equal(s.GetVariable("/net/w").Shape()) {
		t.Fatalf("decoded %s", got.Shape())
	}
	for i, v := range tensors.MustCopyFlatData[float32](got) {
		if d := v - vals[i]; d > 1e-3*max(vals[i], -vals[i]) || -d > 1e-3*max(vals[i], -vals[i]) {
			t.Fatalf("value %d: %g, was %g", i, v, vals[i])
		}
	}
	if z := w.Tensors["/net/zero"]; z.DType() != dtypes.Float32 || z.Size() != 15 || slices.ContainsFunc(tensors.MustCopyFlatData[float32](z), func(v float32) bool { return v != 0 }) {
		t.Fatalf("zeroed variable decoded as %s %v", z.Shape(), tensors.MustCopyFlatData[float32](z))
	}
	if step := tensors.MustCopyFlatData[int64](w.Tensors["/opt/step"]); step[0] != 42 {
		t.Fatalf("int64 state %v", step)
	}
	// Loads into the model's float32 variables.
	if err := w.Apply(gm.NewStore(), "page"); err != nil {
		t.Fatal(err)
	}

	big := gm.NewStore()
	_, _ = big.CreateVariable("/w", tensors.FromFlatDataAndDimensions([]float32{1e5}, 1))
	b, _ := Encode(Header{Model: "m"}, big, false)
	if _, _, err := Halve(b, "f"); err == nil || !strings.Contains(err.Error(), "range") {
		t.Fatalf("1e5 in float16: %v", err)
	}
}
