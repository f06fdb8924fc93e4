package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
)

// EncodeIDXImages writes images (grey, C = 1) as a gzipped IDX3 file, intensities rounded to
// bytes: the page's training subset is made with it.
func EncodeIDXImages(im *Images) []byte {
	return gzipBytes(func(z io.Writer) {
		_ = binary.Write(z, binary.BigEndian, [4]uint32{0x803, uint32(im.N), uint32(im.H), uint32(im.W)})
		_, _ = z.Write(toBytes(im.Pix))
	})
}

// EncodeFaces writes 32x32 RGB images as gzipped raw bytes, the layout of the faces file, for
// DecodeFacesFile.
func EncodeFaces(im *Images) []byte {
	return gzipBytes(func(z io.Writer) { _, _ = z.Write(toBytes(im.Pix)) })
}

func toBytes(pix []float32) []byte {
	px := make([]byte, len(pix))
	for i, v := range pix {
		px[i] = byte(min(max(v, 0), 1)*255 + 0.5)
	}
	return px
}

func gzipBytes(write func(z io.Writer)) []byte {
	var b bytes.Buffer
	z, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	write(z)
	_ = z.Close()
	return b.Bytes()
}

// EncodeIDXLabels writes labels as a gzipped IDX1 file.
func EncodeIDXLabels(labels []uint8) []byte {
	return gzipBytes(func(z io.Writer) {
		_ = binary.Write(z, binary.BigEndian, [2]uint32{0x801, uint32(len(labels))})
		_, _ = z.Write(labels)
	})
}
