package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The faces file is 20,000 CelebA crops, 32x32 RGB, as raw uint8 (N, H, W, C) with no header, so
// its size is the only check that it is the file we think it is.
const (
	faceSide  = 32
	faceBytes = faceSide * faceSide * 3
	faceCount = 20000
	faceTrain = 14000 // images 0..13999 train, 14000..19999 test (the README's second split)
	facesFile = "celeba/celeba-32x32-rgb-u8.bin"
)

// DecodeFaces reads exactly n 32x32 RGB images from r, which must end right after them; name
// only labels errors.
func DecodeFaces(r io.Reader, name string, n int) (*Images, error) {
	if n < 0 || n > maxIDXCount {
		return nil, fmt.Errorf("%s: %d faces asked for, want 0..%d", name, n, maxIDXCount)
	}
	what := fmt.Sprintf("expected %d images of %dx%dx3", n, faceSide, faceSide)
	body, err := readBody(r, name, what, int64(n)*faceBytes)
	if err != nil {
		return nil, err
	}
	return &Images{N: n, H: faceSide, W: faceSide, C: 3, Pix: toUnit(body)}, nil
}

// DecodeFacesFile reads a (possibly gzipped) file of whole 32x32 RGB faces, however many it holds:
// the page's test faces.
func DecodeFacesFile(r io.Reader, name string) (*Images, error) {
	r, err := maybeGunzip(r, name)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(r, faceCount*faceBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(body) == 0 || len(body)%faceBytes != 0 || len(body) > faceCount*faceBytes {
		return nil, fmt.Errorf("%s: %d bytes is not a whole number (1..%d) of %dx%dx3 faces", name, len(body), faceCount, faceSide, faceSide)
	}
	return &Images{N: len(body) / faceBytes, H: faceSide, W: faceSide, C: 3, Pix: toUnit(body)}, nil
}

func loadFaces(dir, split string) (*Images, error) {
	var start, end int
	switch split {
	case "train":
		start, end = 0, faceTrain
	case "test":
		start, end = faceTrain, faceCount
	case "all":
		start, end = 0, faceCount
	default:
		return nil, fmt.Errorf("data: unknown split %q for faces (valid: train, test, all)", split)
	}
	path := filepath.Join(dir, facesFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: not found; %s", path, howToGet("faces"))
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch size := info.Size(); {
	case size%faceBytes != 0:
		return nil, fmt.Errorf("%s: %d bytes is not a whole number of %dx%dx3 images (%d bytes each); want %d bytes",
			path, size, faceSide, faceSide, faceBytes, faceCount*faceBytes)
	case size != faceCount*faceBytes:
		return nil, fmt.Errorf("%s: holds %d images, want %d (%d bytes)", path, size/faceBytes, faceCount, faceCount*faceBytes)
	}
	// Read only the split's bytes, so "train" never holds the test images in memory.
	section := io.NewSectionReader(f, int64(start)*faceBytes, int64(end-start)*faceBytes)
	return DecodeFaces(section, path, end-start)
}
