package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gomlx/compute"

	"genlab/core/data"
	"genlab/core/model"
)

// loadModel reads a model's weights from --weights (a folder or a weights.bin) or from
// pretrained/<model>/.
func loadModel(backend compute.Backend, name, weights string) (model.Model, error) {
	if _, err := model.Lookup(name); err != nil {
		return nil, err
	}
	path := weights
	if path == "" {
		path = filepath.Join("pretrained", name)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, model.WeightsFileName)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no weights for %s at %s (train them with 'genlab train --model %s' or pass --weights DIR)", name, path, name)
	}
	w, err := model.ReadWeightsFile(path)
	if err != nil {
		return nil, err
	}
	return model.FromWeights(backend, w, name, path)
}

// loadData reads a split of the model's data set, preprocessed as its protocol says: the test
// split of binary models is binarised once, with the fixed seed.
func loadData(spec model.Spec, dir, split string, limit int) (*data.Images, error) {
	im, err := data.Load(dir, spec.Data, split)
	if err != nil {
		return nil, err
	}
	if limit > 0 && limit < im.N {
		im = data.Subset(im, 0, limit)
	}
	if split == "test" {
		im = spec.TestSet(im)
	}
	return im, nil
}

func checkRange(flagName string, v, lo, hi int) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s %d out of range (%d..%d)", flagName, v, lo, hi)
	}
	return nil
}
