package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// IDX is the MNIST container: a big-endian header (magic, counts, dimensions) and then raw bytes.
// Files are read either gzipped or raw; which one is decided by the gzip magic, not by the name,
// because the npm copy of MNIST ships raw files and ours are gzipped.

const (
	idxImagesMagic = 0x00000803 // uint8 data, 3 dimensions (N, rows, cols)
	idxLabelsMagic = 0x00000801 // uint8 data, 1 dimension (N)

	maxIDXCount = 10_000_000 // far above any set we use; a bigger N means a corrupt header
	maxIDXSide  = 4096
)

// ReadIDXImages reads an IDX3 image file (gzipped or raw) into one-channel Images in [0,1].
func ReadIDXImages(path string) (*Images, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeIDXImages(f, path)
}

// ReadIDXLabels reads an IDX1 label file (gzipped or raw).
func ReadIDXLabels(path string) ([]uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeIDXLabels(f, path)
}

// DecodeIDXImages decodes an IDX3 image stream; name only labels errors. The stream must hold
// exactly what the header promises: a short or over-long stream is an error, not a guess.
func DecodeIDXImages(r io.Reader, name string) (*Images, error) {
	r, err := maybeGunzip(r, name)
	if err != nil {
		return nil, err
	}
	var h [3]uint32
	if err := readHeader(r, name, idxImagesMagic, "images", h[:]); err != nil {
		return nil, err
	}
	n, rows, cols := int64(h[0]), int64(h[1]), int64(h[2])
	if n > maxIDXCount {
		return nil, fmt.Errorf("%s: header says %d images, more than the %d this reader accepts", name, n, maxIDXCount)
	}
	if rows < 1 || rows > maxIDXSide || cols < 1 || cols > maxIDXSide {
		return nil, fmt.Errorf("%s: header says images of %dx%d, want sides in 1..%d", name, rows, cols, maxIDXSide)
	}
	what := fmt.Sprintf("header says %d images of %dx%d", n, rows, cols)
	body, err := readBody(r, name, what, n*rows*cols)
	if err != nil {
		return nil, err
	}
	return &Images{N: int(n), H: int(rows), W: int(cols), C: 1, Pix: toUnit(body)}, nil
}

// DecodeIDXLabels decodes an IDX1 label stream; name only labels errors.
func DecodeIDXLabels(r io.Reader, name string) ([]uint8, error) {
	r, err := maybeGunzip(r, name)
	if err != nil {
		return nil, err
	}
	var h [1]uint32
	if err := readHeader(r, name, idxLabelsMagic, "labels", h[:]); err != nil {
		return nil, err
	}
	n := int64(h[0])
	if n > maxIDXCount {
		return nil, fmt.Errorf("%s: header says %d labels, more than the %d this reader accepts", name, n, maxIDXCount)
	}
	return readBody(r, name, fmt.Sprintf("header says %d labels", n), n)
}

// maybeGunzip sniffs the first two bytes and inserts a gzip reader when they are the gzip magic.
func maybeGunzip(r io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		return zr, nil
	}
	return br, nil
}

// readHeader checks the magic word first, so that a label file passed as images (or any other
// wrong file) is reported as such rather than as a short header, then fills dims with the
// big-endian words that follow it.
func readHeader(r io.Reader, name string, magic uint32, kind string, dims []uint32) error {
	buf := make([]byte, 4+4*len(dims))
	n, err := io.ReadFull(r, buf)
	if n >= 4 {
		if got := binary.BigEndian.Uint32(buf); got != magic {
			return fmt.Errorf("%s: bad magic %#08x, want %#08x (IDX %s)", name, got, magic, kind)
		}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%s: truncated header: %d bytes, want %d", name, n, len(buf))
	}
	if err != nil {
		return fmt.Errorf("%s: reading header: %w", name, err)
	}
	for i := range dims {
		dims[i] = binary.BigEndian.Uint32(buf[4+4*i:])
	}
	return nil
}
