package data

import (
	"fmt"
	"io"
)

// maxBodyBytes bounds any one read: 4 GiB of bytes is 16 GiB of float32, which no machine we run
// on holds, so a bigger claim means a corrupt header or a wrong count.
const maxBodyBytes = 1 << 32

// byteToUnit maps a stored byte to its intensity b/255, computed once so every reader agrees.
var byteToUnit = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// toUnit converts stored bytes to intensities in [0,1].
func toUnit(b []byte) []float32 {
	pix := make([]float32, len(b))
	for i, v := range b {
		pix[i] = byteToUnit[v]
	}
	return pix
}

// readBody reads exactly want bytes and then reads on to the end, which proves nothing trails the
// data and, for gzip, makes the reader check its CRC. what says where want came from, for errors.
// The buffer grows with what actually arrives (doubling, capped at want), never from the claim
// alone, so a header that lies about a huge size costs nothing before the stream runs dry.
func readBody(r io.Reader, name, what string, want int64) ([]byte, error) {
	if want > maxBodyBytes {
		return nil, fmt.Errorf("%s: %s (%d bytes), more than the %d bytes this reader accepts", name, what, want, int64(maxBodyBytes))
	}
	buf := make([]byte, 0, min(want, 64<<10))
	for int64(len(buf)) < want {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(want, 2*int64(cap(buf))))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case int64(len(buf)) == want && err == io.EOF:
			return buf, nil // the last read both finished the data and hit the end
		case int64(len(buf)) == want && err != nil:
			return nil, fmt.Errorf("%s: unreadable bytes after the data: %w", name, err)
		case err == io.EOF || err == io.ErrUnexpectedEOF: // the latter: a gzip stream cut short
			return nil, fmt.Errorf("%s: truncated: %s (%d bytes) but only %d bytes follow", name, what, want, len(buf))
		case err != nil:
			return nil, fmt.Errorf("%s: reading data after %d of %d bytes: %w", name, len(buf), want, err)
		}
	}
	extra, err := io.Copy(io.Discard, r)
	if err != nil {
		return nil, fmt.Errorf("%s: unreadable bytes after the data: %w", name, err)
	}
	if extra > 0 {
		return nil, fmt.Errorf("%s: trailing bytes: %s (%d bytes) but %d more bytes follow", name, what, want, extra)
	}
	return buf, nil
}
