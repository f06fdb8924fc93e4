package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gomlx/compute"

	"genlab/core/data"
	"genlab/core/model"
)

// cmdWebdata writes the small data sets the page fetches: a training subset of digits for in-page
// training, and test images of digits and shapes (gzipped IDX) and of faces (gzipped raw bytes)
// for reconstructions, interpolations, inpainting and scoring. A set missing from --data is
// skipped with a note: the page then says it has no test images for that set's models.
func cmdWebdata(args []string) error {
	fs := newFlags("webdata")
	dataDir := fs.String("data", "data", "data folder laid out like shared/datasets")
	out := fs.String("out", "web/data", "output folder")
	nTrain := fs.Int("train", 5000, "training images")
	nTest := fs.Int("test", 1000, "test digits and shapes")
	nFaces := fs.Int("faces", 200, "test faces")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, s := range []struct {
		split string
		n     int
	}{{"train", *nTrain}, {"test", *nTest}} {
		im, err := data.Load(*dataDir, "mnist", s.split)
		if err != nil {
			return err
		}
		if err := checkRange("--"+s.split, s.n, 1, im.N); err != nil {
			return err
		}
		im = data.Subset(im, 0, s.n)
		base := filepath.Join(*out, "mnist-"+s.split)
		if err := model.WriteFileAtomic(base+"-images-idx3-ubyte.gz", data.EncodeIDXImages(im)); err != nil {
			return err
		}
		if err := model.WriteFileAtomic(base+"-labels-idx1-ubyte.gz", data.EncodeIDXLabels(im.Labels)); err != nil {
			return err
		}
		fmt.Printf("wrote %d %s digits to %s-*.gz\n", s.n, s.split, base)
	}
	return writeTests(*dataDir, *out, *nTest, *nFaces)
}

// writeTests writes the first test shapes and faces.
func writeTests(dataDir, out string, nShapes, nFaces int) error {
	for _, s := range []struct {
		set, file, flag string
		n               int
		encode          func(*data.Images) []byte
	}{
		{"shapes", "shapes-test-images-idx3-ubyte.gz", "--test", nShapes, data.EncodeIDXImages},
		{"faces", "faces-test-u8.bin.gz", "--faces", nFaces, data.EncodeFaces},
	} {
		im, err := data.Load(dataDir, s.set, "test")
		if err != nil {
			fmt.Printf("no test %s written (%v)\n", s.set, err)
			continue
		}
		if err := checkRange(s.flag, s.n, 1, im.N); err != nil {
			return err
		}
		path := filepath.Join(out, s.file)
		if err := model.WriteFileAtomic(path, s.encode(data.Subset(im, 0, s.n))); err != nil {
			return err
		}
		fmt.Printf("wrote %d test %s to %s\n", s.n, s.set, path)
	}
	return nil
}

// cmdWebweights writes, beside each weights.bin named, the page's float16 copy (model.Halve):
// the page fetches page.bin, half the bytes, and falls back to weights.bin where there is none;
// and, where sampling does not read every variable, first.bin: page.bin with those zeroed
// (model.FirstCopy), which the page's first picture fetches.
func cmdWebweights(args []string) error {
	fs := newFlags("webweights")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("name the weights files: genlab webweights pretrained/*/weights.bin")
	}
	var backend compute.Backend
	for _, in := range fs.Args() {
		raw, err := os.ReadFile(in)
		if err != nil {
			return err
		}
		half, worst, err := model.Halve(raw, in)
		if err != nil {
			return err
		}
		out := filepath.Join(filepath.Dir(in), model.PageFileName)
		if err := model.WriteFileAtomic(out, half); err != nil {
			return err
		}
		fmt.Printf("%s: %d → %d bytes (float16; largest relative rounding %.1e)\n", out, len(raw), len(half), worst)
		if backend == nil {
			if backend, err = model.NewBackend("go"); err != nil {
				return err
			}
		}
		var first []byte
		var zeroed []string
		w, err := model.Decode(half, out)
		if err != nil {
			return err
		}
		if spec, err := model.Lookup(w.Model); err == nil && model.DrawsFirst(spec) {
			if first, zeroed, err = model.FirstCopy(backend, half, out); err != nil {
				return err
			}
		}
		out = filepath.Join(filepath.Dir(in), model.FirstFileName)
		// The page draws no first picture of this model, or sampling reads everything (the
		// first picture takes page.bin).
		if len(zeroed) == 0 {
			if err := os.Remove(out); err != nil && !os.IsNotExist(err) {
				return err
			}
			continue
		}
		if err := model.WriteFileAtomic(out, first); err != nil {
			return err
		}
		fmt.Printf("%s: %d bytes, %v zeroed (sampling does not read them: the same samples)\n", out, len(first), zeroed)
	}
	return nil
}
