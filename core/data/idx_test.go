package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// encodeIDXImages writes an IDX3 image file the way the MNIST release does.
func encodeIDXImages(n, rows, cols int, pix []byte) []byte {
	var b bytes.Buffer
	for _, v := range []uint32{idxImagesMagic, uint32(n), uint32(rows), uint32(cols)} {
		binary.Write(&b, binary.BigEndian, v)
	}
	b.Write(pix)
	return b.Bytes()
}

func encodeIDXLabels(labels []byte) []byte {
	var b bytes.Buffer
	for _, v := range []uint32{idxLabelsMagic, uint32(len(labels))} {
		binary.Write(&b, binary.BigEndian, v)
	}
	b.Write(labels)
	return b.Bytes()
}

func gzipped(raw []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(raw)
	zw.Close()
	return b.Bytes()
}

func randomBytes(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	b[0], b[1] = 0, 255 // make sure both ends of the range are exercised
	return b
}

func TestIDXRoundTrip(t *testing.T) {
	const n, rows, cols = 7, 5, 3
	pix := randomBytes(n*rows*cols, 1)
	labels := []byte{0, 1, 2, 3, 4, 5, 9}
	dir := t.TempDir()
	for _, compress := range []bool{false, true} {
		imgFile, lblFile := encodeIDXImages(n, rows, cols, pix), encodeIDXLabels(labels)
		if compress {
			imgFile, lblFile = gzipped(imgFile), gzipped(lblFile)
		}
		// The name deliberately lies about compression: detection must go by content.
		imgPath := filepath.Join(dir, "images.bin")
		lblPath := filepath.Join(dir, "labels.bin")
		os.WriteFile(imgPath, imgFile, 0o644)
		os.WriteFile(lblPath, lblFile, 0o644)

		im, err := ReadIDXImages(imgPath)
		if err != nil {
			t.Fatalf("gzip=%v: %v", compress, err)
		}
		if im.N != n || im.H != rows || im.W != cols || im.C != 1 || len(im.Pix) != n*rows*cols {
			t.Fatalf("gzip=%v: shape N=%d H=%d W=%d C=%d len=%d", compress, im.N, im.H, im.W, im.C, len(im.Pix))
		}
		for i, b := range pix {
			if im.Pix[i] != float32(b)/255 {
				t.Fatalf("gzip=%v: pixel %d = %v, want %v", compress, i, im.Pix[i], float32(b)/255)
			}
		}
		if im.Pix[0] != 0 || im.Pix[1] != 1 {
			t.Errorf("byte 0 and 255 map to %v and %v, want 0 and 1", im.Pix[0], im.Pix[1])
		}
		got, err := ReadIDXLabels(lblPath)
		if err != nil || !bytes.Equal(got, labels) {
			t.Fatalf("gzip=%v: labels %v, %v; want %v", compress, got, err, labels)
		}
		// The reader variants agree with the file variants.
		im2, err := DecodeIDXImages(bytes.NewReader(imgFile), "x")
		if err != nil || len(im2.Pix) != len(im.Pix) || im2.Pix[5] != im.Pix[5] {
			t.Fatalf("gzip=%v: DecodeIDXImages differs from ReadIDXImages: %v", compress, err)
		}
	}
}

func TestIDXEmptySet(t *testing.T) {
	im, err := DecodeIDXImages(bytes.NewReader(encodeIDXImages(0, 28, 28, nil)), "empty")
	if err != nil || im.N != 0 || len(im.Pix) != 0 {
		t.Fatalf("zero images: %+v, %v", im, err)
	}
}

func TestIDXMalformed(t *testing.T) {
	good := encodeIDXImages(2, 16, 16, randomBytes(512, 2))
	header := func(words ...uint32) []byte {
		b := make([]byte, 4*len(words))
		for i, w := range words {
			binary.BigEndian.PutUint32(b[4*i:], w)
		}
		return b
	}
	labelsGZ := gzipped(encodeIDXLabels([]byte{1, 2, 3}))
	corruptGZ := gzipped(good)
	corruptGZ[len(corruptGZ)-8] ^= 0xff // the CRC-32 in the gzip trailer
	cases := []struct {
		name, want string
		labels     bool
		data       []byte
	}{
		{"empty", "truncated header", false, nil},
		{"short header", "truncated header", false, good[:10]},
		{"labels magic in image file", "bad magic", false, encodeIDXLabels([]byte{1, 2})},
		{"image magic in label file", "bad magic", true, good},
		{"truncated", "truncated: header says 2 images of 16x16 (512 bytes) but only 511 bytes follow", false, good[:len(good)-1]},
		{"truncated gzip header", "truncated header", false, gzipped(good)[:20]},
		{"truncated gzip data", "truncated: header says 2 images of 16x16 (512 bytes) but only", false, gzipped(good)[:300]},
		{"trailing bytes", "but 3 more bytes follow", false, append(bytes.Clone(good), 1, 2, 3)},
		{"trailing bytes in gzip", "but 1 more bytes follow", false, gzipped(append(bytes.Clone(good), 0))},
		{"garbage after gzip stream", "after the data", false, append(gzipped(good), "junk"...)},
		{"bad gzip checksum", "checksum", false, corruptGZ},
		{"zero rows", "want sides in 1..4096", false, header(idxImagesMagic, 1, 0, 28)},
		{"huge cols", "want sides in 1..4096", false, header(idxImagesMagic, 1, 28, 5000)},
		{"2^31 images", "more than the 10000000", false, header(idxImagesMagic, 1<<31, 28, 28)},
		{"2^32-1 images", "more than the 10000000", false, header(idxImagesMagic, 1<<32-1, 28, 28)},
		{"10M images of 4096x4096", "more than the 4294967296 bytes", false, header(idxImagesMagic, 10_000_000, 4096, 4096)},
		{"2^31 labels", "more than the 10000000", true, header(idxLabelsMagic, 1<<31)},
		{"labels truncated", "truncated: header says 3 labels", true, encodeIDXLabels([]byte{1, 2, 3})[:10]},
		{"labels trailing gzip", "but 1 more bytes follow", true, gzipped(append(encodeIDXLabels([]byte{1}), 7))},
		{"labels gzip garbage", "after the data", true, append(bytes.Clone(labelsGZ), 0x1f, 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const name = "mnist/some-file-idx-ubyte.gz"
			var err error
			if c.labels {
				_, err = DecodeIDXLabels(bytes.NewReader(c.data), name)
			} else {
				_, err = DecodeIDXImages(bytes.NewReader(c.data), name)
			}
			if err == nil {
				t.Fatalf("no error")
			}
			t.Log(err)
			if !strings.HasPrefix(err.Error(), name+": ") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want it to start with %q and mention %q", err, name, c.want)
			}
		})
	}
}

// TestIDXLyingHeaderIsCheap: headers that claim far more than follows (but stay inside the limits,
// so they pass validation) must fail on the short read without allocating the claimed size.
func TestIDXLyingHeaderIsCheap(t *testing.T) {
	lie := encodeIDXImages(5_000_000, 28, 28, make([]byte, 100)) // claims 3.9 GB
	lieLabels := encodeIDXLabels(make([]byte, 10))
	binary.BigEndian.PutUint32(lieLabels[4:], 10_000_000)
	inputs := []struct {
		name   string
		data   []byte
		labels bool
	}{
		{"raw", lie, false},
		{"gzip", gzipped(lie), false},
		{"labels", lieLabels, true},
	}
	for _, in := range inputs {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		var err error
		if in.labels {
			_, err = DecodeIDXLabels(bytes.NewReader(in.data), in.name)
		} else {
			_, err = DecodeIDXImages(bytes.NewReader(in.data), in.name)
		}
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), "truncated") {
			t.Fatalf("%s: error %v, want truncated", in.name, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
			t.Errorf("%s: allocated %d bytes for a %d-byte input", in.name, alloc, len(in.data))
		}
		if elapsed > time.Second {
			t.Errorf("%s: took %v", in.name, elapsed)
		}
	}
}

func TestReadIDXMissingFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope-idx3-ubyte")
	if _, err := ReadIDXImages(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("error %v, want one naming %s", err, p)
	}
}
