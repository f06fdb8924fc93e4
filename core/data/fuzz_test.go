package data

import (
	"bytes"
	"compress/gzip"
	"testing"
)

// The fuzz targets feed arbitrary bytes to the readers that take files from users: they must never
// panic or allocate what a header merely claims, and what they accept must be self-consistent.
// `make fuzz` runs each for minutes; under `go test` the seeds below run as regression cases.

func idxSeeds(f *testing.F) {
	im := &Images{N: 3, H: 2, W: 2, C: 1, Pix: []float32{0, 1, 0.5, 0.2, 1, 1, 0, 0, 0.3, 0.3, 0.3, 0.3}}
	gz := EncodeIDXImages(im)
	f.Add(gz)
	var raw bytes.Buffer
	r, _ := gzip.NewReader(bytes.NewReader(gz))
	_, _ = raw.ReadFrom(r)
	f.Add(raw.Bytes())
	f.Add(EncodeIDXLabels([]uint8{1, 2, 3}))
	f.Add([]byte{0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 28, 0, 0, 0, 28})
	f.Add([]byte{0x1f, 0x8b, 8, 0})
	f.Add([]byte{})
}

func checkImages(t *testing.T, im *Images) {
	if len(im.Pix) != im.N*im.H*im.W*im.C {
		t.Fatalf("%d pixels for %dx%dx%dx%d", len(im.Pix), im.N, im.H, im.W, im.C)
	}
	for _, v := range im.Pix {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("pixel %v outside [0,1]", v)
		}
	}
}

func FuzzDecodeIDXImages(f *testing.F) {
	idxSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		im, err := DecodeIDXImages(bytes.NewReader(b), "fuzz")
		if err == nil {
			checkImages(t, im)
		}
	})
}

func FuzzDecodeIDXLabels(f *testing.F) {
	idxSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = DecodeIDXLabels(bytes.NewReader(b), "fuzz")
	})
}

func FuzzDecodeFaces(f *testing.F) {
	f.Add(make([]byte, faceBytes), uint16(1))
	f.Add(make([]byte, 2*faceBytes+1), uint16(2))
	f.Add([]byte{1, 2, 3}, uint16(60000))
	f.Fuzz(func(t *testing.T, b []byte, n uint16) {
		im, err := DecodeFaces(bytes.NewReader(b), "fuzz", int(n))
		if err == nil {
			checkImages(t, im)
			if len(b) != int(n)*faceBytes {
				t.Fatalf("accepted %d bytes as %d faces", len(b), n)
			}
		}
	})
}
