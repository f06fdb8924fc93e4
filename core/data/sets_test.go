package data

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeIDXSet writes one split of a labelled set into dir/sub, gzipped or raw.
func writeIDXSet(t *testing.T, dir, sub, prefix string, nImages, nLabels int, gz bool) {
	t.Helper()
	img := encodeIDXImages(nImages, 2, 3, randomBytes(nImages*6, 3))
	lbl := encodeIDXLabels(bytes.Repeat([]byte{4}, nLabels))
	suffix := ""
	if gz {
		img, lbl, suffix = gzipped(img), gzipped(lbl), ".gz"
	}
	os.MkdirAll(filepath.Join(dir, sub), 0o755)
	os.WriteFile(filepath.Join(dir, sub, prefix+"-images-idx3-ubyte"+suffix), img, 0o644)
	os.WriteFile(filepath.Join(dir, sub, prefix+"-labels-idx1-ubyte"+suffix), lbl, 0o644)
}

func TestLoadSynthetic(t *testing.T) {
	dir := t.TempDir()
	writeIDXSet(t, dir, "mnist", "train", 5, 5, true)
	writeIDXSet(t, dir, "mnist", "t10k", 3, 3, false) // the npm package's raw files
	writeIDXSet(t, dir, "four-shapes", "train", 4, 3, true)

	for split, n := range map[string]int{"train": 5, "test": 3} {
		im, err := Load(dir, "mnist", split)
		if err != nil {
			t.Fatalf("%s: %v", split, err)
		}
		if im.N != n || im.H != 2 || im.W != 3 || len(im.Labels) != n || im.Labels[0] != 4 {
			t.Errorf("%s: N=%d %dx%d labels=%v", split, im.N, im.H, im.W, im.Labels)
		}
	}

	errorCases := []struct{ set, split, want string }{
		{"shapes", "train", "has 4 images but"},                    // mismatched counts
		{"shapes", "test", "t10k-images-idx3-ubyte.gz: not found"}, // missing files
		{"shapes", "test", "cp -r ../shared/datasets/four-shapes"},
		{"faces", "train", "celeba-32x32-rgb-u8.bin: not found"},
		{"faces", "train", "cp -r ../shared/datasets/celeba"},
		{"mnist", "all", "valid: train, test"},
		{"faces", "val", "valid: train, test, all"},
		{"cifar", "train", "valid: mnist, shapes, faces"},
	}
	for _, c := range errorCases {
		_, err := Load(dir, c.set, c.split)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load(%s, %s): error %v, want one mentioning %q", c.set, c.split, err, c.want)
		}
	}
	_, err := Load(t.TempDir(), "mnist", "train")
	if err == nil || !strings.Contains(err.Error(), "make data") || !strings.Contains(err.Error(), filepath.Join("mnist", "train-images-idx3-ubyte")) {
		t.Errorf("missing mnist: error %v, want the path and `make data`", err)
	}
}

func TestLoadFacesWrongSize(t *testing.T) {
	for size, want := range map[int]string{100: "not a whole number", 5 * 3072: "holds 5 images, want 20000"} {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "celeba"), 0o755)
		path := filepath.Join(dir, "celeba", "celeba-32x32-rgb-u8.bin")
		os.WriteFile(path, make([]byte, size), 0o644)
		_, err := Load(dir, "faces", "all")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%d bytes: error %v, want %q and the path", size, err, want)
		}
	}
}

func TestDecodeFaces(t *testing.T) {
	raw := randomBytes(2*3072, 4)
	im, err := DecodeFaces(bytes.NewReader(raw), "f", 2)
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 2 || im.H != 32 || im.W != 32 || im.C != 3 || im.Labels != nil {
		t.Fatalf("shape N=%d %dx%dx%d labels=%v", im.N, im.H, im.W, im.C, im.Labels)
	}
	// Layout is (N, H, W, C): pixel (row 1, col 2, blue) of image 1.
	if got, want := im.Image(1)[(1*32+2)*3+2], float32(raw[3072+(1*32+2)*3+2])/255; got != want {
		t.Errorf("pixel = %v, want %v", got, want)
	}
	for n, want := range map[int]string{3: "truncated: expected 3 images", 1: "but 3072 more bytes follow", -1: "want 0..", 1 << 40: "want 0.."} {
		if _, err := DecodeFaces(bytes.NewReader(raw), "f", n); err == nil || !strings.HasPrefix(err.Error(), "f: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("n=%d: error %v, want %q", n, err, want)
		}
	}
}

func TestFacesFileRoundTrip(t *testing.T) {
	im, err := DecodeFaces(bytes.NewReader(randomBytes(3*3072, 5)), "f", 3)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeFacesFile(bytes.NewReader(EncodeFaces(im)), "f.gz")
	if err != nil {
		t.Fatal(err)
	}
	if back.N != 3 || back.C != 3 || !slices.Equal(back.Pix, im.Pix) {
		t.Fatalf("round trip: %d faces, pixels equal %v", back.N, slices.Equal(back.Pix, im.Pix))
	}
	for _, raw := range [][]byte{nil, randomBytes(3072+1, 6), EncodeFaces(data0())} {
		if _, err := DecodeFacesFile(bytes.NewReader(raw), "f.gz"); err == nil || !strings.Contains(err.Error(), "whole number") {
			t.Errorf("%d bytes: error %v, want a whole-number complaint", len(raw), err)
		}
	}
}

func data0() *Images { return &Images{H: 32, W: 32, C: 3} }

func TestSubset(t *testing.T) {
	im := &Images{N: 4, H: 1, W: 2, C: 1, Pix: []float32{0, 1, 2, 3, 4, 5, 6, 7}, Labels: []uint8{9, 8, 7, 6}}
	s := Subset(im, 1, 3)
	if s.N != 2 || len(s.Pix) != 4 || s.Pix[0] != 2 || s.Labels[1] != 7 {
		t.Fatalf("Subset(1,3) = %+v", s)
	}
	s.Pix[0] = 42 // a view: writes show through
	if im.Pix[2] != 42 {
		t.Error("Subset copied instead of sharing")
	}
	_ = append(s.Pix, -1) // but appends must not spill into image 3
	if im.Pix[6] != 6 {
		t.Error("append to a Subset overwrote the next image")
	}
	defer func() {
		if recover() == nil {
			t.Error("Subset(3, 5) of 4 images did not panic")
		}
	}()
	Subset(im, 3, 5)
}

// sharedDatasets is the checked copy of the data next to the repository, if this machine has it.
func sharedDatasets(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "datasets"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no datasets at %s", dir)
	}
	return dir
}

func mean(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return s / float64(len(x))
}

func TestRealMNIST(t *testing.T) {
	dir := sharedDatasets(t)
	for _, c := range []struct {
		split      string
		n          int
		firstLabel uint8
	}{{"train", 60000, 5}, {"test", 10000, 7}} {
		im, err := Load(dir, "mnist", c.split)
		if err != nil {
			t.Fatal(err)
		}
		if im.N != c.n || im.H != 28 || im.W != 28 || im.C != 1 || len(im.Labels) != c.n {
			t.Fatalf("%s: N=%d %dx%dx%d labels=%d", c.split, im.N, im.H, im.W, im.C, len(im.Labels))
		}
		if im.Labels[0] != c.firstLabel {
			t.Errorf("%s: first label %d, want %d", c.split, im.Labels[0], c.firstLabel)
		}
		var counts [10]int
		for _, l := range im.Labels {
			if l > 9 {
				t.Fatalf("%s: label %d", c.split, l)
			}
			counts[l]++
		}
		for d, k := range counts {
			if k < c.n/20 {
				t.Errorf("%s: only %d images of digit %d", c.split, k, d)
			}
		}
		// MNIST's well-known mean intensity is 0.1307 (train) and 0.1325 (test).
		if m := mean(im.Pix); m < 0.128 || m > 0.135 {
			t.Errorf("%s: mean intensity %.4f, want about 0.13", c.split, m)
		}
	}
}

func TestRealShapes(t *testing.T) {
	dir := sharedDatasets(t)
	for split, n := range map[string]int{"train": 6400, "test": 1600} {
		im, err := Load(dir, "shapes", split)
		if err != nil {
			t.Fatal(err)
		}
		if im.N != n || im.H != 28 || im.W != 28 || im.C != 1 {
			t.Fatalf("%s: N=%d %dx%dx%d", split, im.N, im.H, im.W, im.C)
		}
		// The README: classes 0..3 interleaved round-robin, so label i is i mod 4.
		for i, l := range im.Labels {
			if int(l) != i%4 {
				t.Fatalf("%s: label %d is %d, want %d", split, i, l, i%4)
			}
		}
		if m := mean(im.Pix); m < 0.05 || m > 0.6 {
			t.Errorf("%s: mean intensity %.3f", split, m)
		}
	}
}

func TestRealFaces(t *testing.T) {
	dir := sharedDatasets(t)
	for split, n := range map[string]int{"train": 14000, "test": 6000} {
		im, err := Load(dir, "faces", split)
		if err != nil {
			t.Fatal(err)
		}
		if im.N != n || im.H != 32 || im.W != 32 || im.C != 3 || im.Labels != nil {
			t.Fatalf("%s: N=%d %dx%dx%d labels=%v", split, im.N, im.H, im.W, im.C, im.Labels != nil)
		}
		if m := mean(im.Pix); m < 0.3 || m > 0.6 {
			t.Errorf("%s: mean intensity %.3f, implausible for faces", split, m)
		}
		if split == "test" {
			// The test split starts at image 14000 of the file.
			f, _ := os.Open(filepath.Join(dir, facesFile))
			defer f.Close()
			want := make([]byte, faceBytes)
			f.ReadAt(want, 14000*faceBytes)
			for i, b := range want {
				if im.Pix[i] != float32(b)/255 {
					t.Fatalf("test image 0 byte %d: %v, want %v", i, im.Pix[i], float32(b)/255)
				}
			}
		}
	}
}
