package main

import (
	"fmt"
	"os"
	"path/filepath"

	"genlab/core/data"
	"genlab/core/model"
)

// cmdWebdata writes the small digit sets the page fetches: a training subset for in-page
// training and test digits for reconstructions and scoring, as gzipped IDX files.
func cmdWebdata(args []string) error {
	fs := newFlags("webdata")
	dataDir := fs.String("data", "data", "data folder laid out like shared/datasets")
	out := fs.String("out", "web/data", "output folder")
	nTrain := fs.Int("train", 5000, "training images")
	nTest := fs.Int("test", 1000, "test images")
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
	return nil
}
