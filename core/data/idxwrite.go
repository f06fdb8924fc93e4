package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
)

// EncodeIDXImages writes images (grey, C = 1) as a gzipped IDX3 file, intensities rounded to
// bytes: the page's training subset is made with it.
func EncodeIDXImages(im *Images) []byte {
	var b bytes.Buffer
	z, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_ = binary.Write(z, binary.BigEndian, [4]uint32{0x803, uint32(im.N), uint32(im.H), uint32(im.W)})
	px := make([]byte, len(im.Pix))
	for i, v := range im.Pix {
		px[i] = byte(min(max(v, 0), 1)*255 + 0.5)
	}
	_, _ = z.Write(px)
	_ = z.Close()
	return b.Bytes()
}

// EncodeIDXLabels writes labels as a gzipped IDX1 file.
func EncodeIDXLabels(labels []uint8) []byte {
	var b bytes.Buffer
	z, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_ = binary.Write(z, binary.BigEndian, [2]uint32{0x801, uint32(len(labels))})
	_, _ = z.Write(labels)
	_ = z.Close()
	return b.Bytes()
}
