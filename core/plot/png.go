package plot

import (
	"bytes"
	"image"
	"image/png"

	"genlab/core/data"
)

// PNG encodes an image.
func PNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// WritePNG writes an image atomically.
func WritePNG(path string, img image.Image) error {
	b, err := PNG(img)
	if err != nil {
		return err
	}
	return data.WriteFileAtomic(path, b)
}
